"""/sparql against the real app and the demo data: the SPARQL 1.1 Protocol for queries."""

from __future__ import annotations

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET

import pytest
from api_helpers import BASE, AsgiClient, demo_store, parse_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from api.app import create_app
from essgraph.settings import Settings

ESS = "https://w3id.org/essgraph/ontology#"
PRACTICES = f"PREFIX ess: <{ESS}>\nSELECT ?p WHERE {{ ?p a ess:Practice }} ORDER BY ?p"
COUNT_PRACTICES = f"PREFIX ess: <{ESS}> SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a ess:Practice }}"
CONSTRUCT = f"PREFIX ess: <{ESS}> CONSTRUCT {{ ?p a ess:Practice }} WHERE {{ ?p a ess:Practice }}"
SR = "{http://www.w3.org/2005/sparql-results#}"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def _practice_count(client: AsgiClient) -> int:
    answer = client.get("/sparql", params={"query": COUNT_PRACTICES})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def assert_problem(answer, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["message"]["fr"] and body["message"]["en"]
    assert "Traceback" not in answer.text and "/work/" not in answer.text
    return body


# -- the three ways of sending a query --------------------------------------------------
def test_get_post_form_and_post_direct_give_the_same_answer(client: AsgiClient) -> None:
    by_get = client.get("/sparql", params={"query": PRACTICES})
    by_form = client.post("/sparql", data={"query": PRACTICES})
    by_body = client.post("/sparql", content=PRACTICES.encode(), headers=DIRECT)
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.headers["content-type"] == "application/sparql-results+json"
    rows = by_get.json()["results"]["bindings"]
    assert len(rows) > 3
    assert by_form.json() == by_body.json() == by_get.json()


def test_results_formats_by_accept(client: AsgiClient) -> None:
    as_xml = client.get(
        "/sparql", params={"query": PRACTICES}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert as_xml.headers["content-type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(as_xml.content)  # noqa: S314 - our own answer
    results = root.findall(f"{SR}results/{SR}result")
    as_csv = client.get("/sparql", params={"query": PRACTICES}, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(as_csv.text)))
    as_tsv = client.get(
        "/sparql", params={"query": PRACTICES}, headers={"Accept": "text/tab-separated-values"}
    )
    lines = as_tsv.text.strip().split("\n")
    assert table[0] == ["p"] and lines[0] == "?p"
    assert len(results) == len(table) - 1 == len(lines) - 1
    assert lines[1] == f"<{table[1][0]}>"


def test_format_parameter_overrides_accept(client: AsgiClient) -> None:
    answer = client.get(
        "/sparql", params={"query": PRACTICES, "format": "csv"}, headers={"Accept": "text/html"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-quads", "application/n-quads"),
        ("application/trig", "application/trig"),
        ("*/*", "text/turtle"),
        ("text/plain", "text/plain"),
    ],
)
def test_graph_formats(client: AsgiClient, accept: str, media_type: str) -> None:
    answer = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    graph = parse_graph(answer.content, media_type)
    practices = set(graph.subjects(RDF.type, URIRef(f"{ESS}Practice")))
    assert len(practices) == _practice_count(client)


def test_ask(client: AsgiClient) -> None:
    answer = client.get("/sparql", params={"query": f"ASK {{ ?p a <{ESS}Practice> }}"})
    assert answer.json()["boolean"] is True


def test_406_lists_what_can_be_served(client: AsgiClient) -> None:
    body = assert_problem(
        client.get("/sparql", params={"query": PRACTICES}, headers={"Accept": "image/png"}),
        406,
        "not-acceptable",
    )
    assert "application/sparql-results+json" in body["acceptable"]
    assert "text/csv" in body["detail"]
    assert_problem(
        client.get("/sparql", params={"query": PRACTICES, "format": "ttl"}), 406, "not-acceptable"
    )


# -- refusals ---------------------------------------------------------------------------
def test_syntax_error_keeps_line_and_column(client: AsgiClient) -> None:
    body = assert_problem(
        client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"}), 400, "query-syntax"
    )
    assert "2:" in body["message"]["en"]
    lang_en = client.get(
        "/sparql", params={"query": "SELECT * WHERE {"}, headers={"Accept-Language": "en"}
    )
    assert lang_en.json()["detail"].startswith("Invalid SPARQL query")


def test_missing_query(client: AsgiClient) -> None:
    assert_problem(client.post("/sparql", data={"other": "x"}), 400, "missing-query")
    assert_problem(client.post("/sparql", content=b"", headers=DIRECT), 400, "missing-query")


def test_doubled_query(client: AsgiClient) -> None:
    assert_problem(
        client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]),
        400,
        "duplicate-query",
    )
    assert_problem(
        client.post("/sparql?query=ASK%20%7B%7D", data={"query": "ASK {}"}),
        400,
        "duplicate-query",
    )
    assert_problem(
        client.post("/sparql?query=ASK%20%7B%7D", content=b"ASK {}", headers=DIRECT),
        400,
        "duplicate-query",
    )


def test_wrong_media_type_is_415(client: AsgiClient) -> None:
    answer = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert_problem(answer, 415, "unsupported-media-type")
    assert "application/sparql-query" in answer.headers["accept-post"]


@pytest.mark.parametrize(
    "send",
    [
        {"data": {"update": "DROP ALL"}},
        {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"content": b"PREFIX a: <urn:a> CLEAR ALL", "headers": DIRECT},
    ],
)
def test_updates_are_refused(client: AsgiClient, send: dict) -> None:  # type: ignore[type-arg]
    before = _practice_count(client)
    assert_problem(client.post("/sparql", **send), 403, "update-forbidden")
    assert_problem(client.get("/sparql", params={"update": "DROP ALL"}), 403, "update-forbidden")
    assert _practice_count(client) == before


def test_other_methods_are_405(client: AsgiClient) -> None:
    answer = client.request("PUT", "/sparql", content=b"x")
    assert_problem(answer, 405, "method-not-allowed")
    assert "GET" in answer.headers["allow"]


def test_service_is_refused_before_the_engine(client: AsgiClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    body = assert_problem(client.get("/sparql", params={"query": query}), 400, "service-refused")
    assert "SERVICE" in body["detail"]


def test_too_big_and_too_deep_are_refused_before_the_engine(client: AsgiClient) -> None:
    # Neither is valid SPARQL: a syntax error would mean the engine saw it.
    big = "SELECT * WHERE { " + "?s ?p ?o . " * 600
    assert_problem(client.post("/sparql", data={"query": big}), 400, "query-too-large")
    deep = "SELECT * WHERE " + "{" * 30
    assert_problem(client.get("/sparql", params={"query": deep}), 400, "query-too-deep")


@pytest.mark.parametrize("value", ["0", "-3", "abc", "nan"])
def test_bad_timeout(client: AsgiClient, value: str) -> None:
    assert_problem(
        client.get("/sparql", params={"query": "ASK {}", "timeout": value}), 400, "invalid-timeout"
    )


# -- dataset ----------------------------------------------------------------------------
def test_default_and_named_graph_uris(client: AsgiClient) -> None:
    thesauri = f"{BASE}graph/thesauri"
    demo = f"{BASE}graph/source/demo-2021"
    only_thesauri = client.get(
        "/sparql", params={"query": COUNT_PRACTICES, "default-graph-uri": thesauri}
    )
    assert only_thesauri.json()["results"]["bindings"][0]["n"]["value"] == "0"
    both = client.get(
        "/sparql",
        params=[
            ("query", COUNT_PRACTICES),
            ("default-graph-uri", thesauri),
            ("default-graph-uri", demo),
        ],
    )
    in_demo = client.get(
        "/sparql",
        params={
            "query": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a "
            "<https://w3id.org/essgraph/ontology#Practice> } }",
            "named-graph-uri": demo,
        },
    )
    expected = int(in_demo.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < expected <= _practice_count(client)
    assert int(both.json()["results"]["bindings"][0]["n"]["value"]) == expected
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = client.post("/sparql", data={"query": graphs, "named-graph-uri": [thesauri, demo]})
    seen = {row["g"]["value"] for row in named.json()["results"]["bindings"]}
    assert seen == {thesauri, demo}


def test_private_graphs_stay_hidden() -> None:
    store = demo_store()
    secret = URIRef(f"{BASE}graph/private/source/demo-2021")
    data = Graph()
    data.add((URIRef("urn:contact"), URIRef("urn:email"), Literal("someone@example.org")))
    store.replace_graph(secret, data)
    http = AsgiClient(create_app(Settings(store="memory"), store))
    try:
        every_graph = http.get(
            "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}
        )
        graphs = {row["g"]["value"] for row in every_graph.json()["results"]["bindings"]}
        assert str(secret) not in graphs and f"{BASE}graph/system" not in graphs
        assert (
            "example.org"
            not in http.get(
                "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"}
            ).text
        )
        assert_problem(
            http.get("/sparql", params={"query": "ASK {}", "default-graph-uri": str(secret)}),
            403,
            "graph-forbidden",
        )
    finally:
        http.close()
        store.close()


# -- service description ------------------------------------------------------------------
@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_service_description(client: AsgiClient, accept: str) -> None:
    answer = client.get("/sparql", headers={"Accept": accept})
    assert answer.status_code == 200
    graph = parse_graph(answer.content, accept)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = next(graph.subjects(RDF.type, URIRef(f"{sd}Service")))
    assert graph.value(service, URIRef(f"{sd}endpoint")) == URIRef("http://testserver/sparql")
    assert (service, URIRef(f"{sd}supportedLanguage"), URIRef(f"{sd}SPARQL11Query")) in graph
    formats = set(graph.objects(service, URIRef(f"{sd}resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in formats
    names = set(graph.objects(None, URIRef(f"{sd}name")))
    assert URIRef(f"{BASE}graph/source/demo-2021") in names
    assert URIRef(f"{BASE}graph/system") not in names


def test_browser_gets_the_page(client: AsgiClient) -> None:
    answer = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert answer.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in answer.text


# -- headers: rows, CORS, gzip, caching ---------------------------------------------------
def test_row_cap_is_announced() -> None:
    store = demo_store()
    http = AsgiClient(create_app(Settings(store="memory", max_rows=3), store))
    try:
        capped = http.get("/sparql", params={"query": PRACTICES})
        assert capped.headers["x-essgraph-row-limit"] == "3"
        assert capped.headers["x-essgraph-truncated"] == "true"
        assert len(capped.json()["results"]["bindings"]) == 3
        whole = http.get("/sparql", params={"query": "SELECT * WHERE { VALUES ?x { 1 2 } }"})
        assert whole.headers["x-essgraph-truncated"] == "false"
    finally:
        http.close()
        store.close()


def test_cors_preflight_and_exposed_headers(client: AsgiClient) -> None:
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in preflight.headers
    answer = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert answer.headers["access-control-allow-origin"] == "*"
    exposed = {
        h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "link", "x-essgraph-row-limit", "x-essgraph-truncated"} <= exposed


def test_gzip(client: AsgiClient) -> None:
    answer = client.get("/sparql", params={"query": PRACTICES}, headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert json.loads(answer.content)["results"]  # httpx decoded it
    vary = [v.strip() for v in answer.headers["vary"].split(",")]
    assert vary.count("Accept-Encoding") == 1 and "Accept" in vary
    raw = client.get(
        "/sparql", params={"query": PRACTICES}, headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in raw.headers
    assert gzip.compress(raw.content)  # sanity: a plain body came back


def test_etag_304_and_new_etag_after_a_write() -> None:
    store = demo_store()
    http = AsgiClient(create_app(Settings(store="memory"), store))
    try:
        first = http.get("/sparql", params={"query": PRACTICES})
        tag = first.headers["etag"]
        assert first.headers["cache-control"].startswith("public, max-age=")
        again = http.get("/sparql", params={"query": PRACTICES}, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        as_csv = http.get("/sparql", params={"query": PRACTICES, "format": "csv"})
        assert as_csv.headers["etag"] != tag
        data = Graph()
        data.add((URIRef(f"{BASE}id/practice/x"), RDF.type, URIRef(f"{ESS}Practice")))
        store.replace_graph(store.graph_iri("curated"), data)
        after = http.get("/sparql", params={"query": PRACTICES}, headers={"If-None-Match": tag})
        assert after.status_code == 200
        assert after.headers["etag"] != tag
        assert (
            len(after.json()["results"]["bindings"]) == len(first.json()["results"]["bindings"]) + 1
        )
        assert "etag" not in http.post("/sparql", data={"query": PRACTICES}).headers
    finally:
        http.close()
        store.close()


def test_unexpected_errors_say_nothing_internal(settings: Settings) -> None:
    class Broken(demo_store().__class__):
        def data_version(self) -> str:
            raise RuntimeError("secret /work/main/var/oxigraph path")

    store = Broken(BASE)
    http = AsgiClient(create_app(settings, store), raise_app_exceptions=False)
    try:
        answer = http.get("/sparql", params={"query": "ASK {}"})
    except RuntimeError:  # pragma: no cover - the transport re-raises after the 500 handler
        pytest.fail("the 500 handler did not answer")
    finally:
        http.close()
        store.close()
    body = assert_problem(answer, 500, "internal-error")
    assert "secret" not in json.dumps(body)
