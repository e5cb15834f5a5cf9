"""`essgraph serve --demo` on a real socket, reached as researchers do: SPARQLWrapper and raw
HTTP requests (what curl sends) with each Accept type."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from api_helpers import parse_graph
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

ESS = "https://w3id.org/essgraph/ontology#"
PRACTICES = f"PREFIX ess: <{ESS}> SELECT ?p WHERE {{ ?p a ess:Practice }} ORDER BY ?p"
CONSTRUCT = f"PREFIX ess: <{ESS}> CONSTRUCT {{ ?p a ess:Practice }} WHERE {{ ?p a ess:Practice }}"


def _wrapper(served: str, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{served}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def _practices(served: str) -> list[str]:
    result = _wrapper(served, PRACTICES, JSON).query().convert()
    return [row["p"]["value"] for row in result["results"]["bindings"]]  # type: ignore[index]


def test_sparqlwrapper_json_xml_csv(served: str) -> None:
    practices = _practices(served)
    assert len(practices) >= 5
    xml = _wrapper(served, PRACTICES, XML).query().convert()
    uris = [node.firstChild.data for node in xml.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == practices
    table = _wrapper(served, PRACTICES, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(table.decode("utf-8"))))  # type: ignore[union-attr]
    assert [r[0] for r in rows[1:]] == practices


def test_sparqlwrapper_post_and_construct_as_turtle(served: str) -> None:
    sparql = _wrapper(served, CONSTRUCT, TURTLE)
    sparql.setMethod("POST")
    body = sparql.query().convert()
    graph = Graph().parse(data=body, format="turtle")  # type: ignore[arg-type]
    subjects = {str(s) for s in graph.subjects(RDF.type, URIRef(f"{ESS}Practice"))}
    assert subjects == set(_practices(served))


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "application/json",
        "*/*",
    ],
)
def test_raw_http_results(served: str, accept: str) -> None:
    answer = httpx.get(f"{served}/sparql", params={"query": PRACTICES}, headers={"Accept": accept})
    assert answer.status_code == 200
    expected = "application/sparql-results+json" if accept == "*/*" else accept
    assert answer.headers["content-type"].split(";")[0] == expected
    assert answer.headers["x-essgraph-truncated"] == "false"
    assert answer.headers["x-essgraph-row-limit"] == "2000"


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
        "application/n-quads",
        "application/trig",
    ],
)
def test_raw_http_graphs(served: str, accept: str) -> None:
    answer = httpx.post(
        f"{served}/sparql",
        content=CONSTRUCT.encode(),
        headers={"Accept": accept, "Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == accept
    graph = parse_graph(answer.content, accept)
    assert len(set(graph.subjects(RDF.type, URIRef(f"{ESS}Practice")))) == len(_practices(served))


def test_the_query_page_and_its_assets_are_served(served: str) -> None:
    page = httpx.get(f"{served}/query")
    assert page.status_code == 200 and "CodeMirror" not in page.text[:200]
    for asset in (
        "/static/vendor/codemirror/lib/codemirror.js",
        "/static/vendor/codemirror/mode/sparql/sparql.js",
        "/static/query.js",
        "/static/query.css",
    ):
        assert httpx.get(f"{served}{asset}").status_code == 200, asset
