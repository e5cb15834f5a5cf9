"""Linked-data dereferencing through HTTP: 303 by Accept, documents in every format with the
same graph, Link/Vary/ETag/Last-Modified headers, 304, 404/410, CORS, public data only."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from api_helpers import BASE, AsgiClient, demo_store, parse_graph
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from api.app import create_app
from essgraph.cli_serve import _load_demo
from essgraph.settings import Settings
from store.embedded import EmbeddedStore

PRACTICE = "practice/200012342/ptce-des-rives"
PRACTICE_IRI = URIRef(f"{BASE}id/{PRACTICE}")
ESS = Namespace("https://w3id.org/essgraph/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
RDF_FORMATS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


def document(client: AsgiClient, path: str, ext: str) -> Graph:
    answer = client.get(f"/doc/{path}.{ext}")
    assert answer.status_code == 200, answer.text
    media_type = RDF_FORMATS[ext]
    assert answer.headers["content-type"].startswith(media_type)
    return parse_graph(answer.content, media_type)


# -- 303 See Other, chosen by Accept --------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "ext"),
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/n-triples", "nt"),
        ("text/plain", "nt"),
        ("application/rdf+xml", "rdf"),
        ("*/*", "ttl"),
        (None, "ttl"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("application/rdf+xml;q=0.2, text/*;q=0.9", "ttl"),
        ("text/*;q=0.9, application/n-triples", "nt"),
        ("text/turtle;q=0, */*;q=0.1", "jsonld"),
    ],
)
def test_id_redirects_to_the_document_the_client_prefers(
    client: AsgiClient, accept: str | None, ext: str
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    answer = client.get(f"/id/{PRACTICE}", headers=headers)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/doc/{PRACTICE}.{ext}"
    assert "Accept" in answer.headers["vary"]
    assert f'<{PRACTICE_IRI}>; rel="canonical"' in answer.headers["link"]


def test_format_parameter_overrides_accept(client: AsgiClient) -> None:
    answer = client.get(f"/id/{PRACTICE}?format=nt", headers={"Accept": "text/turtle"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/doc/{PRACTICE}.nt"
    assert client.get(f"/id/{PRACTICE}?format=turtle").headers["location"].endswith(".ttl")


@pytest.mark.parametrize("query", ["", "?format=xlsx"])
def test_nothing_acceptable_is_406_listing_the_formats(client: AsgiClient, query: str) -> None:
    answer = client.get(f"/id/{PRACTICE}{query}", headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "Accept" in answer.headers["vary"]
    problem = answer.json()
    assert problem["code"] == "not-acceptable"
    assert set(problem["acceptable"]) == {
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
        "text/html",
    }
    assert "text/turtle" in problem["message"]["fr"] and "text/turtle" in problem["message"]["en"]


def test_doc_without_extension_negotiates_too(client: AsgiClient) -> None:
    answer = client.get(f"/doc/{PRACTICE}", headers={"Accept": "application/n-triples"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/doc/{PRACTICE}.nt"
    # a key with a dot is not mistaken for an extension
    lever = client.get("/doc/lever/L5.1", headers={"Accept": "text/turtle"})
    assert lever.headers["location"] == "/doc/lever/L5.1.ttl"


# -- documents ------------------------------------------------------------------------------


def test_every_format_gives_the_same_graph(client: AsgiClient) -> None:
    graphs = {ext: document(client, PRACTICE, ext) for ext in RDF_FORMATS}
    assert isomorphic(graphs["ttl"], graphs["nt"])
    assert isomorphic(graphs["ttl"], graphs["rdf"])


def test_document_holds_description_closure_and_labels(
    client: AsgiClient, shared_store: EmbeddedStore
) -> None:
    graph = document(client, PRACTICE, "ttl")
    described = shared_store.describe(PRACTICE_IRI)
    for s, p, o in described:
        if not isinstance(s, BNode) and not isinstance(o, BNode):
            assert (s, p, o) in graph
    # the blank-node closure: every qualified derivation with its cell
    derivations = set(graph.objects(PRACTICE_IRI, PROV.qualifiedDerivation))
    assert len(derivations) == len(set(described.objects(PRACTICE_IRI, PROV.qualifiedDerivation)))
    assert all(graph.value(d, ESS.rawValue) is not None for d in derivations)
    # labels and types of the resources it links to
    lever = URIRef(f"{BASE}id/lever/L1.1")
    assert (PRACTICE_IRI, ESS.usesLever, lever) in graph
    assert Literal("Accompagnement et incubation", lang="fr") in set(
        graph.objects(lever, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    )
    assert (lever, RDF.type, ESS.Lever) in graph
    # how many links come in, even when none
    doc = URIRef(f"{BASE}doc/{PRACTICE}")
    assert graph.value(doc, HYDRA.totalItems) == Literal(0)


def test_inbound_links_are_in_the_document(client: AsgiClient) -> None:
    lever = URIRef(f"{BASE}id/lever/L1.1")
    graph = document(client, "lever/L1.1", "ttl")
    assert (PRACTICE_IRI, ESS.usesLever, lever) in graph
    assert graph.value(PRACTICE_IRI, DCT.title) == Literal("PTCE des Rives", lang="fr")
    total = graph.value(URIRef(f"{BASE}doc/lever/L1.1"), HYDRA.totalItems)
    assert total is not None
    assert int(str(total)) == len(set(graph.subject_predicates(lever)))


def test_every_document_links_every_format_and_the_canonical_iri(client: AsgiClient) -> None:
    answer = client.get(f"/doc/{PRACTICE}.jsonld")
    links = answer.headers["link"]
    assert f'<{PRACTICE_IRI}>; rel="canonical"' in links
    for ext, media_type in [
        *RDF_FORMATS.items(),
        ("jsonld", "application/ld+json"),
        ("html", "text/html"),
    ]:
        assert f'rel="alternate"; type="{media_type}"' in links
        assert f"/doc/{PRACTICE}.{ext}" in links


def test_repeat_with_validators_is_304(client: AsgiClient) -> None:
    first = client.get(f"/doc/{PRACTICE}.ttl")
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert "max-age=" in first.headers["cache-control"]
    again = client.get(f"/doc/{PRACTICE}.ttl", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["etag"] == tag and again.content == b""
    assert client.get(f"/doc/{PRACTICE}.nt", headers={"If-None-Match": tag}).status_code == 200
    modified = first.headers["last-modified"]  # from the change log of the demo ingest
    since = client.get(f"/doc/{PRACTICE}.ttl", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    old = client.get(
        f"/doc/{PRACTICE}.ttl", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert old.status_code == 200


def test_documents_are_gzipped_when_asked(client: AsgiClient) -> None:
    answer = client.get(f"/doc/{PRACTICE}.nt", headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert b"ptce-des-rives" in answer.content  # httpx decoded it


def test_cors_on_every_hop_including_the_redirect(client: AsgiClient) -> None:
    origin = {"Origin": "https://partner.example", "Accept": "text/turtle"}
    hop = client.get(f"/id/{PRACTICE}", headers=origin)
    assert hop.status_code == 303
    assert hop.headers["access-control-allow-origin"] == "*"
    exposed = hop.headers["access-control-expose-headers"].lower()
    assert "link" in exposed and "etag" in exposed and "location" in exposed
    landing = client.get(hop.headers["location"], headers=origin)
    assert landing.status_code == 200
    assert landing.headers["access-control-allow-origin"] == "*"


def test_html_document_status_and_headers(client: AsgiClient) -> None:
    hop = client.get(f"/id/{PRACTICE}", headers={"Accept": "text/html"})
    assert hop.headers["location"] == f"/doc/{PRACTICE}.html"
    page = client.get(hop.headers["location"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f'<{PRACTICE_IRI}>; rel="canonical"' in page.headers["link"]
    assert "etag" in page.headers


def test_page_language_survives_the_redirect(client: AsgiClient) -> None:
    hop = client.get(f"/id/{PRACTICE}?lang=en", headers={"Accept": "text/html"})
    assert hop.headers["location"] == f"/doc/{PRACTICE}.html?lang=en"
    page = client.get(hop.headers["location"])
    assert '<html lang="en">' in page.text
    ignored = client.get(f"/id/{PRACTICE}?lang=xx", headers={"Accept": "text/html"})
    assert ignored.headers["location"] == f"/doc/{PRACTICE}.html"


# -- unknown, withdrawn, private ---------------------------------------------------------------


@pytest.mark.parametrize("ext", ["ttl", "jsonld", "nt", "rdf"])
def test_unknown_iri_is_404_in_every_format(client: AsgiClient, ext: str) -> None:
    answer = client.get(f"/doc/practice/200012342/nope.{ext}")
    assert answer.status_code == 404
    problem = answer.json()
    assert problem["code"] == "not-found"
    assert problem["iri"] == f"{BASE}id/practice/200012342/nope"
    assert "etag" not in answer.headers


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "text/html"])
def test_unknown_id_is_404_without_a_redirect(client: AsgiClient, accept: str) -> None:
    answer = client.get("/id/lever/L99.9", headers={"Accept": accept})
    assert answer.status_code == 404
    assert "location" not in answer.headers
    assert "Accept" in answer.headers["vary"]
    if accept == "text/html":
        assert answer.headers["content-type"].startswith("text/html")
    else:
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_page_past_the_last_is_404_naming_the_last(client: AsgiClient) -> None:
    answer = client.get(f"/doc/{PRACTICE}.ttl?page=7")
    assert answer.status_code == 404
    assert answer.json()["code"] == "page-out-of-range" and answer.json()["last_page"] == 1
    assert client.get(f"/doc/{PRACTICE}.ttl?page=0").status_code == 400


def test_respondent_personal_data_never_shows(
    client: AsgiClient, shared_store: EmbeddedStore
) -> None:
    response = "response/demo-2021/9"
    person = URIRef(f"{BASE}id/{response}/respondent")
    private = shared_store.select(
        "SELECT ?mail WHERE { GRAPH ?g { ?person <https://schema.org/email> ?mail } }",
        {"person": person},
    ).rows
    assert [str(r["mail"]) for r in private] == ["n.benali@example.org"], "the data is there"
    for ext in ("ttl", "jsonld", "nt", "rdf", "html"):
        answer = client.get(f"/doc/{response}.{ext}")
        assert answer.status_code == 200
        assert "n.benali" not in answer.text and "wasAttributedTo" not in answer.text
        assert f"{response}/respondent" not in answer.text
    lever = client.get("/doc/lever/L1.1.ttl").text
    assert "@example.org" not in lever
    assert client.get(f"/id/{response}/respondent").status_code == 404
    assert client.get(f"/doc/{response}/respondent.ttl").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/graph/private/source/demo-2021",
        "/doc/graph/private/source/demo-2021.ttl",
        "/graph/system",
        "/graph/staging/anything",
        "/graph/nope",
    ],
)
def test_only_public_graphs_are_documents(client: AsgiClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


def test_change_log_graphs_are_not_documents(
    client: AsgiClient, shared_store: EmbeddedStore
) -> None:
    logs = [g for g in shared_store.named_graphs() if "/graph/changes/" in str(g)]
    assert logs, "the demo ingest recorded its changes"
    path = str(logs[0]).removeprefix(BASE)
    assert client.get(f"/{path}", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get(f"/doc/{path}.ttl").status_code == 404


def test_head_answers_like_get_without_a_body(client: AsgiClient) -> None:
    hop = client.request("HEAD", f"/id/{PRACTICE}", headers={"Accept": "text/turtle"})
    assert hop.status_code == 303 and hop.headers["location"].endswith(".ttl")
    head = client.request("HEAD", f"/doc/{PRACTICE}.ttl")
    assert head.status_code == 200 and "etag" in head.headers


def test_public_graph_has_a_document(client: AsgiClient) -> None:
    hop = client.get("/graph/source/demo-2021", headers={"Accept": "application/n-triples"})
    assert hop.status_code == 303
    assert hop.headers["location"] == "/doc/graph/source/demo-2021.nt"
    graph = document(client, "graph/source/demo-2021", "nt")
    size = graph.value(URIRef(f"{BASE}graph/source/demo-2021"), VOID.triples)
    assert size is not None and int(str(size)) > 100


@pytest.fixture
def withdrawn_client() -> Iterator[tuple[AsgiClient, str]]:
    """The demo with one practice removed by a later write of its source graph."""
    store = demo_store()
    row = store.select("SELECT ?g WHERE { GRAPH ?g { ?p ?x ?y } }", {"p": PRACTICE_IRI}).rows[0]
    graph = row["g"]
    assert isinstance(graph, URIRef)
    data = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=[graph])
    kept = Graph()
    for s, p, o in data:
        if PRACTICE_IRI not in (s, o):
            kept.add((s, p, o))
    store.replace_graph(graph, kept)
    http = AsgiClient(create_app(Settings(store="memory"), store))
    yield http, PRACTICE
    http.close()
    store.close()


def test_withdrawn_resource_is_410_in_every_format(
    withdrawn_client: tuple[AsgiClient, str],
) -> None:
    client, path = withdrawn_client
    hop = client.get(f"/id/{path}", headers={"Accept": "text/turtle"})
    assert hop.status_code == 410
    assert "location" not in hop.headers
    for ext, media_type in RDF_FORMATS.items():
        answer = client.get(f"/doc/{path}.{ext}")
        assert answer.status_code == 410
        graph = parse_graph(answer.content, media_type)
        assert graph.value(PRACTICE_IRI, PROV.invalidatedAtTime) is not None
    assert client.get(f"/doc/{path}.jsonld").status_code == 410
    page = client.get(f"/doc/{path}.html")
    assert page.status_code == 410 and page.headers["content-type"].startswith("text/html")


# -- a partner's client over a real socket --------------------------------------------------------


def test_partner_follows_redirects_over_http(served: str) -> None:
    """Like ``curl -L -H 'Accept: …'`` against ``essgraph serve --demo``."""
    with httpx.Client(base_url=served, follow_redirects=True, timeout=30) as http:
        graphs = {}
        for media_type in ("text/turtle", "application/n-triples", "application/rdf+xml"):
            answer = http.get(f"/id/{PRACTICE}", headers={"Accept": media_type})
            assert answer.status_code == 200
            assert answer.history[0].status_code == 303
            assert answer.headers["content-type"].startswith(media_type)
            graphs[media_type] = parse_graph(answer.content, media_type)
        first, *others = graphs.values()
        assert all(isomorphic(first, other) for other in others)
        assert first.value(PRACTICE_IRI, DCT.title) == Literal("PTCE des Rives", lang="fr")
        answer = http.get(f"/id/{PRACTICE}", headers={"Accept": "text/turtle"})
        repeat = http.get(str(answer.url), headers={"If-None-Match": answer.headers["etag"]})
        assert repeat.status_code == 304


def test_another_base_is_answered_on_any_host() -> None:
    """The path after the server root names ``{BASE}{path}`` for the configured base."""
    base = "https://data.example.org/ess/"
    store = EmbeddedStore(base)
    _load_demo(store)
    http = AsgiClient(create_app(Settings(store="memory", base_uri=base), store))
    try:
        hop = http.get("/id/lever/L1.1", headers={"Accept": "text/turtle"})
        assert hop.status_code == 303
        assert f'<{base}id/lever/L1.1>; rel="canonical"' in hop.headers["link"]
        graph = parse_graph(http.get(hop.headers["location"]).content, "text/turtle")
        lever = URIRef(f"{base}id/lever/L1.1")
        assert (lever, RDF.type, ESS.Lever) in graph
        assert graph.value(lever, FOAF.isPrimaryTopicOf) == URIRef(f"{base}doc/lever/L1.1")
        doc = http.get("/doc/lever/L1.1.jsonld").json()
        assert doc["id"] == str(lever) and doc["@context"].startswith(f"{base}context.jsonld")
    finally:
        http.close()
        store.close()
