"""Named queries as typed, paginated endpoints: OpenAPI, bound values, Link headers."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator

import pytest
from api_helpers import AsgiClient

import queries
from api.app import create_app
from essgraph.settings import Settings
from queries.header import parse
from store.embedded import EmbeddedStore

PAGED = """#+ title:
#+   fr: Pratiques par ordre d'IRI
#+   en: Practices by IRI
#+ description:
#+   fr: Pour les tests de pagination.
#+   en: For the pagination tests.
#+ tags: [test]
#+ parameters:
#+   - name: kind
#+     type: concept:collectivity-kinds
#+     required: false
#+     description:
#+       fr: Sorte de collectivité.
#+       en: Collectivity kind.
#+   - name: since
#+     type: year
#+     required: false
#+     description:
#+       fr: Année minimale.
#+       en: Earliest year.
PREFIX ess: <https://w3id.org/essgraph/ontology#>
SELECT ?practice WHERE {
  ?practice a ess:Practice ; ess:implementedBy ?c .
  ?c ess:collectivityKind ?kind .
  OPTIONAL { ?practice ess:startYear ?start FILTER(!BOUND(?since) || ?start >= ?since) }
} ORDER BY DESC(?practice)
"""


@pytest.fixture
def named_client(settings: Settings, shared_store: EmbeddedStore) -> Iterator[AsgiClient]:
    catalog = [*queries.catalog(), parse("test-paged", PAGED)]
    http = AsgiClient(create_app(settings, shared_store, catalog=catalog))
    yield http
    http.close()


def _all_practices(client: AsgiClient) -> list[str]:
    query = (
        "PREFIX ess: <https://w3id.org/essgraph/ontology#> SELECT ?practice WHERE "
        "{ ?practice a ess:Practice ; ess:implementedBy ?c . ?c ess:collectivityKind ?k } "
        "ORDER BY DESC(?practice)"
    )
    answer = client.get("/sparql", params={"query": query})
    return [row["practice"]["value"] for row in answer.json()["results"]["bindings"]]


def test_every_named_query_is_in_the_openapi_with_its_parameters(
    named_client: AsgiClient,
) -> None:
    spec = named_client.get("/openapi.json").json()
    for query in queries.catalog():
        operation = spec["paths"][f"/queries/{query.name}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {p.name for p in query.parameters} <= names
        assert {"page", "per_page", "format"} <= names
        assert query.title["fr"] in operation["summary"]
    operation = spec["paths"]["/queries/test-paged"]["get"]
    kind = next(p for p in operation["parameters"] if p["name"] == "kind")
    assert "Sorte de collectivité" in kind["description"]
    assert "Collectivity kind" in kind["description"]
    schema = kind["schema"]["anyOf"][0]
    assert "metropole" in schema["enum"]


def test_catalog_as_json_and_html(named_client: AsgiClient) -> None:
    listed = named_client.get("/queries").json()
    assert {q["name"] for q in listed} >= {q.name for q in queries.catalog()}
    entry = next(q for q in listed if q["name"] == "test-paged")
    assert entry["url"].endswith("/queries/test-paged")
    page = named_client.get("/queries", headers={"Accept": "text/html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "Pratiques par ordre d'IRI" in html.unescape(page.text)


def test_pages_and_link_headers(named_client: AsgiClient) -> None:
    everything = _all_practices(named_client)
    assert len(everything) >= 5
    seen: list[str] = []
    page = 1
    while True:
        answer = named_client.get(
            "/queries/test-paged", params={"per_page": 2, "page": page, "format": "csv"}
        )
        assert answer.status_code == 200, answer.text
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        seen += [row["practice"] for row in rows]
        links = answer.headers["link"]
        assert 'rel="first"' in links
        assert ('rel="prev"' in links) == (page > 1)
        if 'rel="next"' not in links:
            break
        assert f"page={page + 1}" in links and "format=csv" in links
        page += 1
    assert seen == everything  # the query's own ORDER BY survives the paging subquery


def test_values_are_bound_as_terms(named_client: AsgiClient) -> None:
    every = named_client.get("/queries/test-paged", params={"per_page": 500}).json()
    some = named_client.get(
        "/queries/test-paged", params={"per_page": 500, "kind": "metropole"}
    ).json()
    assert 0 < len(some["results"]["bindings"]) < len(every["results"]["bindings"])


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"kind": "nowhere"}, "kind"),
        ({"since": "soon"}, "since"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "x"}, "page"),
    ],
)
def test_bad_parameter_is_a_400_naming_it(
    named_client: AsgiClient, params: dict[str, str], name: str
) -> None:
    answer = named_client.get("/queries/test-paged", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["code"] == "invalid-parameter"
    assert body["parameter"] == name
    assert name in body["message"]["fr"] and name in body["message"]["en"]


def test_every_named_query_answers(named_client: AsgiClient) -> None:
    for query in queries.catalog():
        answer = named_client.get(f"/queries/{query.name}", params={"per_page": 5})
        required = [p.name for p in query.parameters if p.required and p.default is None]
        if required:  # asked without its required value: refused, naming it
            assert answer.status_code == 400, (query.name, answer.text)
            assert answer.json()["parameter"] in required
            continue
        assert answer.status_code == 200, (query.name, answer.text)
        assert answer.headers["x-essgraph-row-limit"] == "5"


def test_unknown_named_query_is_404(named_client: AsgiClient) -> None:
    answer = named_client.get("/queries/no-such-query")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not-found"


def test_named_query_text_has_its_values_bound_as_the_route_binds_them(
    named_client: AsgiClient,
) -> None:
    """What the query page's gallery loads: running it over /sparql answers what
    /queries/{name} answers (defaults bound, the caller's values bound as terms)."""
    text = named_client.get("/queries/lever-cooccurrence/sparql")
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("application/sparql-query")
    assert 'VALUES (?scope) { ("collectivity") }' in text.text
    via_text = named_client.get("/sparql", params={"query": text.text, "format": "csv"})
    via_route = named_client.get("/queries/lever-cooccurrence", params={"format": "csv"})
    assert via_text.text == via_route.text  # same rows, same columns in the same order
    kind = named_client.get("/queries/test-paged/sparql", params={"kind": "commune"})
    commune = "<https://w3id.org/essgraph/id/collectivity-kind/commune>"
    assert f"WHERE {{ VALUES (?kind) {{ ({commune}) }}" in kind.text
    ranked = named_client.get(
        "/queries/unmatched-answers/sparql", params={"search": 'x" } DROP ALL #', "lang": "en"}
    )
    assert 'VALUES (?search) { ("x\\" } DROP ALL #") }' in ranked.text  # one escaped term
    missing = named_client.get("/queries/practice-search/sparql")
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid-parameter"
    unknown = named_client.get("/queries/no-such-query/sparql")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "unknown-query"


def test_paged_answers_keep_the_query_columns_in_order(named_client: AsgiClient) -> None:
    """Paging wraps the query in a subquery: the columns must stay the query's own."""
    for query in queries.catalog():
        if any(p.required and p.default is None for p in query.parameters):
            continue
        text = named_client.get(f"/queries/{query.name}/sparql").text
        direct = named_client.get("/sparql", params={"query": text, "format": "json"})
        paged = named_client.get(f"/queries/{query.name}", params={"format": "json"})
        assert paged.json()["head"]["vars"] == direct.json()["head"]["vars"], query.name
