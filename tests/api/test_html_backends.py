"""The page queries give the same pages on every store backend (embedded in memory and on disk,
the isolated worker, a real Oxigraph server): bound terms, grouping, paging, folding, and
nothing from a private graph."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi import FastAPI
from rdflib import Graph, URIRef
from starlette.requests import Request

from api.html import render_resource
from api.html.home import search
from essgraph.settings import Settings
from store import Store

BASE = "https://w3id.org/essgraph/"
PREFIXES = f"""
@base <{BASE}> .
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
"""
SOURCE = """
<id/practice/c1/p1> a ess:Practice ; dct:title "Épicerie « solidaire »"@fr ;
    dct:description "Une épicerie."@fr ;
    ess:usesLever <id/lever/L1> ; ess:implementedBy <id/collectivity/c1> ;
    ess:dedicatedBudget 1500000.0 ;
    prov:wasDerivedFrom <id/response/s/1> ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity <id/response/s/1> ;
        ess:forProperty ess:dedicatedBudget ; ess:sourceColumn "BUDGET" ;
        ess:rawValue "1,5 M€" ; ess:sourceRow 7 ] .
<id/practice/c1/p2> a ess:Practice ; dct:title "P2"@fr ; ess:usesLever <id/lever/L1> ;
    ess:adaptedFrom <id/practice/c1/p1> .
<id/collectivity/c1> a ess:Collectivity ; skos:prefLabel "Ville 1"@fr ; ess:siren "200012342" .
<id/response/s/1> a ess:SurveyResponse ; ess:responseId "1" .
"""
THESAURI = """
<id/lever/L1> a skos:Concept, ess:Lever ; skos:prefLabel "Levier un"@fr, "Lever one"@en ;
    skos:notation "L1" .
"""
PRIVATE = """
<id/response/s/1> prov:wasAttributedTo <id/response/s/1/respondent> .
<id/response/s/1/respondent> a schema:Person ; schema:email "secret@example.org" .
<id/practice/c1/p1> ess:hasPartner <id/partner/cache> .
<id/partner/cache> skos:prefLabel "Partenaire caché"@fr .
<id/practice/c1/p3> a ess:Practice ; dct:title "Pratique privée"@fr ; ess:usesLever <id/lever/L1> .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _load(store: Store) -> None:
    store.replace_graphs(
        {
            store.graph_iri("source/s"): _graph(SOURCE),
            store.graph_iri("thesauri"): _graph(THESAURI),
            store.graph_iri("private/source/s"): _graph(PRIVATE),
        }
    )


class Links(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.hrefs: set[str] = set()
        self.h1: list[str] = []
        self._in_h1 = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.add(dict(attrs).get("href") or "")
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data.strip())


def _render(store: Store, path: str, query: str = "") -> str:
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/doc/{path}.html",
        "query_string": query.encode(),
        "headers": [],
        "app": FastAPI(),
    }
    page = render_resource(
        Request(scope), store, URIRef(f"{BASE}id/{path}"), Settings(store="memory")
    )
    assert page is not None
    assert page.status_code == 200
    return bytes(page.body).decode("utf-8")


def test_pages_on_every_backend(store: Store) -> None:
    _load(store)
    practice = _render(store, "practice/c1/p1")
    links = Links(practice)
    assert links.h1 == ["Épicerie « solidaire »"]
    assert {"/id/collectivity/c1", "/id/lever/L1", "/id/practice/c1/p2"} <= links.hrefs
    assert "/id/response/s/1" in links.hrefs and "BUDGET" in practice and "1,5 M€" in practice
    assert "1\u202f500\u202f000\u00a0€" in practice
    for secret in ("secret@example.org", "Partenaire caché", "/id/partner/cache"):
        assert secret not in practice
    english = Links(_render(store, "lever/L1", "lang=en"))
    assert english.h1 == ["Lever one"]
    assert {"/id/practice/c1/p1", "/id/practice/c1/p2"} <= english.hrefs
    assert "/id/practice/c1/p3" not in english.hrefs  # private practice
    scope = {"type": "http", "path": "/", "query_string": b"", "headers": [], "app": FastAPI()}
    private = URIRef(f"{BASE}id/practice/c1/p3")
    assert render_resource(Request(scope), store, private, Settings(store="memory")) is None


def test_search_on_every_backend(store: Store) -> None:
    _load(store)
    found = {str(iri) for iri, _, _ in search(store, "epicerie « sol", "fr", BASE)}
    assert found == {f"{BASE}id/practice/c1/p1"}
    assert search(store, 'x" } ; DROP ALL ; #', "fr", BASE) == []
    assert search(store, "privee", "fr", BASE) == []
