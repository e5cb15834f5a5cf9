"""The HTML pages of linked-data resources and the home page, in process, on the demo data plus
a small extra graph (a transfer between practices, a region, a population, enough practices
to page a concept, and a practice kept in a private graph that must never show).

``render_resource`` is driven through a test-only route (``/test-ld/…``) so these tests do not
depend on the /id → /doc routes; the browser tests go through those routes.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from api_helpers import AsgiClient, demo_store
from fastapi import FastAPI, Request
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from starlette.responses import Response

from api.app import create_app
from api.html import render_not_found, render_resource
from api.html.home import fold
from essgraph.settings import Settings
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
ID = Namespace(BASE + "id/")
ESS = Namespace("https://w3id.org/essgraph/ontology#")
SCHEMA = Namespace("https://schema.org/")

PTCE = ID["practice/200012342/ptce-des-rives"]
CALL = ID["practice/200077113/appel-a-projets-innovation-sociale"]
BELLERIVE = ID["collectivity/200012342"]
SECRET = ID["practice/200012342/pratique-confidentielle"]
PAGED_LEVER = ID["lever/L7.2"]
EXTRA_PRACTICES = 25


def _extra() -> Graph:
    graph = Graph()
    graph.add((CALL, ESS.adaptedFrom, PTCE))
    graph.add((BELLERIVE, ESS.population, Literal(523456)))
    graph.add((BELLERIVE, ESS.region, ID["region/84"]))
    for n in range(EXTRA_PRACTICES):
        practice = ID[f"practice/200012342/pratique-test-{n:02d}"]
        graph.add((practice, RDF.type, ESS.Practice))
        graph.add((practice, DCTERMS.title, Literal(f"Pratique test {n:02d}", lang="fr")))
        graph.add((practice, ESS.implementedBy, BELLERIVE))
        graph.add((practice, ESS.usesLever, PAGED_LEVER))
    return graph


def _private() -> Graph:
    graph = Graph()
    graph.add((SECRET, RDF.type, ESS.Practice))
    graph.add((SECRET, DCTERMS.title, Literal("Pratique confidentielle", lang="fr")))
    graph.add((SECRET, ESS.implementedBy, BELLERIVE))
    return graph


@pytest.fixture(scope="module")
def ld_store() -> Iterator[EmbeddedStore]:
    store = demo_store()
    store.replace_graphs(
        {
            store.graph_iri("source/test-extra"): _extra(),
            store.graph_iri("private/source/test-extra"): _private(),
        }
    )
    yield store
    store.close()


def ld_app(store: EmbeddedStore) -> FastAPI:
    """The real app plus a route calling the interface the /id routes call."""
    settings = Settings(store="memory")
    app = create_app(settings, store)

    @app.get("/test-ld/{path:path}")
    def page(path: str, request: Request) -> Response:
        iri = URIRef(f"{BASE}id/{path}")
        if path.startswith("gone/"):
            return render_not_found(request, iri, 410)
        found = render_resource(request, store, iri, settings)
        return found if found is not None else render_not_found(request, iri, 404)

    return app


@pytest.fixture(scope="module")
def http(ld_store: EmbeddedStore) -> Iterator[AsgiClient]:
    client = AsgiClient(ld_app(ld_store))
    yield client
    client.close()


class Page(HTMLParser):
    """What the tests read from a page: lang, headings, links, labels, inputs, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.raw = text
        self.lang = ""
        self.headings: list[tuple[int, str]] = []
        self.links: list[dict[str, str]] = []
        self.head_links: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.inputs: list[dict[str, str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.assets: list[str] = []
        self.text_parts: list[str] = []
        self._heading: int | None = None
        self._anchor: dict[str, str] | None = None
        self._script: dict[str, str] | None = None
        self._buffer: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading, self._buffer = int(tag[1]), []
        elif tag == "a":
            self._anchor, self._buffer = a, []
        elif tag == "link":
            self.head_links.append(a)
            self.assets.append(a.get("href", ""))
        elif tag == "label":
            self.labels.add(a.get("for", ""))
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.inputs.append(a)
        elif tag == "script":
            self._script, self._buffer = a, []
            if a.get("src"):
                self.assets.append(a["src"])
        elif tag == "img":
            self.assets.append(a.get("src", ""))

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._buffer).strip()
        if self._heading and tag == f"h{self._heading}":
            self.headings.append((self._heading, " ".join(text.split())))
            self._heading = None
        elif tag == "a" and self._anchor is not None:
            self.links.append({**self._anchor, "text": " ".join(text.split())})
            self._anchor = None
        elif tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buffer)))
            self._script = None

    def handle_data(self, data: str) -> None:
        self._buffer.append(data)
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    @property
    def h1(self) -> list[str]:
        return [text for level, text in self.headings if level == 1]

    def hrefs(self) -> set[str]:
        return {link["href"] for link in self.links}

    def jsonld(self) -> dict[str, Any]:
        found = [body for attrs, body in self.scripts if attrs.get("type") == "application/ld+json"]
        assert len(found) == 1
        data: dict[str, Any] = json.loads(found[0])
        return data


def get_page(http: AsgiClient, url: str, **headers: str) -> Page:
    answer = http.get(url, headers=headers)
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"].startswith("text/html")
    assert "Accept-Language" in answer.headers["vary"]
    return Page(answer.text)


def check_structure(page: Page) -> None:
    """One h1, headings never skip a level, every control labelled, only local assets."""
    assert len(page.h1) == 1, page.headings
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, page.headings
    for control in page.inputs:
        assert control.get("id") in page.labels or control.get("aria-label"), control
    for asset in page.assets:
        assert asset.startswith(("/", "data:", "?")), asset


PAGES = {
    "practice": (
        "practice/200012342/ptce-des-rives",
        "PTCE des Rives",
        ["Project", "CreativeWork"],
    ),
    "collectivity": ("collectivity/200012342", "Métropole de Bellerive", "GovernmentOrganization"),
    "concept": ("lever/L2", "Appui direct aux structures de l'ESS", "DefinedTerm"),
    "scheme": (
        "scheme/levers",
        "Leviers d'action des collectivités en faveur de l'ESS",
        "DefinedTermSet",
    ),
    "response": (
        "response/demo-2021/4",
        "Réponse demo-2021/4 — Métropole de Bellerive",
        "CreativeWork",
    ),
    "partner": ("partner/federation-du-btp", "Fédération du BTP", "Organization"),
    "policy": ("policy/200012342/2020", "Politique ESS 200012342/2020", "CreativeWork"),
}


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_each_kind_renders_with_its_structure_alternates_and_schema_org(
    http: AsgiClient, kind: str
) -> None:
    path, title, schema_type = PAGES[kind]
    page = get_page(http, f"/test-ld/{path}")
    assert page.lang == "fr"
    assert page.h1 == [title]
    check_structure(page)
    alternates = {
        link["type"]: link["href"]
        for link in page.head_links
        if link.get("rel") == "alternate" and "type" in link
    }
    assert alternates["text/turtle"] == f"/doc/{path}.ttl"
    assert alternates["application/ld+json"] == f"/doc/{path}.jsonld"
    assert alternates["application/n-triples"] == f"/doc/{path}.nt"
    assert alternates["application/rdf+xml"] == f"/doc/{path}.rdf"
    data = page.jsonld()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    assert data["@id"] == f"{BASE}id/{path}"
    assert data["name"] == title
    switch = [link for link in page.links if link.get("id") == "other-lang"]
    assert switch and switch[0]["hreflang"] == "en" and "lang=en" in switch[0]["href"]


def test_practice_shows_facts_concepts_partners_transfer_and_provenance(http: AsgiClient) -> None:
    page = get_page(http, "/test-ld/practice/200012342/ptce-des-rives")
    hrefs = page.hrefs()
    assert "/id/collectivity/200012342" in hrefs
    assert {"/id/lever/L1.1", "/id/lever/L2", "/id/lever/L5", "/id/mode/M2"} <= hrefs
    assert "/id/partner/cress" in hrefs
    assert "250\u202f000\u00a0€" in page.raw and "2016" in page.text
    # adapted from, both ways: the other practice names this one as its model
    adapted_by = [link for link in page.links if link["href"] == f"/id/{CALL[len(BASE) + 3 :]}"]
    assert adapted_by and adapted_by[0]["text"] == "Appel à projets « Innovation sociale »"
    # field-level provenance: response, file, row, column and raw value
    assert "/id/response/demo-2021/4" in hrefs
    assert "/id/source/demo-2021" in hrefs
    assert "googleforms_reponses_formulaire.csv" in page.text
    assert "Action 1 - Budget 250 000 €" in page.text
    other = get_page(http, "/test-ld/practice/200077113/appel-a-projets-innovation-sociale")
    assert "/id/practice/200012342/ptce-des-rives" in other.hrefs()
    assert [h for h in other.headings if h[1] == "Adaptée de"]


def test_collectivity_shows_kind_region_figures_policy_and_practices(http: AsgiClient) -> None:
    page = get_page(http, "/test-ld/collectivity/200012342")
    hrefs = page.hrefs()
    assert {"/id/collectivity-kind/metropole", "/id/region/84"} <= hrefs
    assert "523\u202f456 habitants" in page.raw and "200012342" in page.text
    assert (3, "Année de référence 2020") in page.headings
    assert "1\u202f500\u202f000\u00a0€ par an" in page.raw
    assert "3,5 ETP" in page.text
    assert "Vice-présidente déléguée à l'ESS et à l'emploi" in page.text
    assert {
        "/id/policy/200012342/2020",
        "/id/theme/T3.1",
        "/id/practice/200012342/ptce-des-rives",
    } <= hrefs
    data = page.jsonld()
    assert data["identifier"]["value"] == "200012342"
    assert data["areaServed"][0]["name"] == "Auvergne-Rhône-Alpes"


def test_concept_pages_what_uses_it(http: AsgiClient) -> None:
    first = get_page(http, "/test-ld/lever/L7.2")
    users = [link for link in first.links if link["href"].startswith("/id/practice/")]
    assert len(users) == 20
    next_links = [link for link in first.links if link.get("rel") == "next"]
    assert next_links and next_links[0]["href"] == "?page=2&lang=fr"
    second = get_page(http, "/test-ld/lever/L7.2?page=2")
    rest = [link for link in second.links if link["href"].startswith("/id/practice/")]
    assert len(users) + len(rest) == EXTRA_PRACTICES
    assert not {link["href"] for link in users} & {link["href"] for link in rest}
    assert not [link for link in second.links if link.get("rel") == "next"]
    assert [link for link in second.links if link.get("rel") == "prev"]
    beyond = http.get("/test-ld/lever/L7.2?page=3")
    assert beyond.status_code == 404 and beyond.json()["code"] == "page-out-of-range"

    concept = get_page(http, "/test-ld/lever/L2")
    assert {"/id/lever/L2.1", "/id/lever/L2.2", "/id/scheme/levers"} <= concept.hrefs()
    assert "/id/policy/200012342/2020" in concept.hrefs()
    assert "Subventions et appels à projets" in concept.text  # survey label (altLabel)
    assert concept.jsonld()["termCode"] == "L2"
    narrower = get_page(http, "/test-ld/lever/L2.1")
    assert "/id/lever/L2" in narrower.hrefs()


def test_bad_page_number_is_a_clear_error(http: AsgiClient) -> None:
    answer = http.get("/test-ld/lever/L2?page=zero")
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid-parameter" and body["parameter"] == "page"
    assert "page" in body["message"]["fr"] and "page" in body["message"]["en"]


def test_scheme_shows_top_concepts_and_the_tree(http: AsgiClient) -> None:
    answer = http.get("/test-ld/scheme/levers")
    page = Page(answer.text)
    tops = [link["href"] for link in page.links if link["href"].startswith("/id/lever/")]
    assert {f"/id/lever/L{n}" for n in range(1, 8)} <= set(tops)
    # the tree nests L2.1 under L2
    start = answer.text.index('<ul class="tree">')
    tree = answer.text[start:]
    l2 = tree.index('href="/id/lever/L2"')
    assert tree.index("<ul", l2) < tree.index('href="/id/lever/L2.1"') < tree.index("</li>", l2)


def test_response_shows_respondent_source_and_superseded_by(
    http: AsgiClient, ld_store: EmbeddedStore
) -> None:
    page = get_page(http, "/test-ld/response/demo-2021/6")
    hrefs = page.hrefs()
    assert {"/id/collectivity/219904562", "/id/source/demo-2021"} <= hrefs
    assert "/id/response/demo-2021-surveymonkey/12198990012" in hrefs
    assert "2020-12-21" in page.text
    later = get_page(http, "/test-ld/response/demo-2021-surveymonkey/12198990012")
    assert "/id/response/demo-2021/6" in later.hrefs()  # supersedes, the other way


def _private_strings(store: EmbeddedStore) -> set[str]:
    private = [g for g in store.named_graphs() if "/graph/private/" in str(g)]
    rows = store.select(
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && STRLEN(STR(?o)) > 5) }",
        default_graph=private,
    )
    return {str(row["o"]) for row in rows}


def test_private_graphs_never_show(http: AsgiClient, ld_store: EmbeddedStore) -> None:
    secrets = _private_strings(ld_store)
    assert "Pratique confidentielle" in secrets and len(secrets) > 3
    for path in (
        "response/demo-2021/4",
        "collectivity/200012342",
        "practice/200012342/ptce-des-rives",
    ):
        text = http.get(f"/test-ld/{path}").text
        assert not [s for s in secrets if s in text], path
    assert http.get(f"/test-ld/{SECRET[len(BASE) + 3 :]}").status_code == 404
    respondent = http.get("/test-ld/response/demo-2021/4/respondent")
    assert respondent.status_code == 404


def test_unknown_and_withdrawn_pages(http: AsgiClient, ld_store: EmbeddedStore) -> None:
    settings = Settings(store="memory")
    assert render_resource(_request(), ld_store, ID["practice/none/such"], settings) is None
    missing = http.get("/test-ld/practice/none/such")
    assert missing.status_code == 404
    page = Page(missing.text)
    assert page.h1 == ["Ressource introuvable"] and page.lang == "fr"
    check_structure(page)
    gone = http.get("/test-ld/gone/practice/x", headers={"Accept-Language": "en"})
    assert gone.status_code == 410
    assert Page(gone.text).h1 == ["Resource withdrawn"]


def _request(query: str = "") -> Request:
    """A bare request, to call ``render_resource`` as the /id routes do."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/x",
        "query_string": query.encode(),
        "headers": [],
        "app": FastAPI(),
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("query", "header", "lang"),
    [
        ("", None, "fr"),
        ("?lang=en", None, "en"),
        ("", "en-GB,en;q=0.9,fr;q=0.5", "en"),
        ("", "de, fr;q=0.4, en;q=0.8", "en"),
        ("", "de, en;q=0.4, fr;q=0.8", "fr"),
        ("?lang=fr", "en", "fr"),
    ],
)
def test_language_choice(http: AsgiClient, query: str, header: str | None, lang: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    page = get_page(http, f"/test-ld/lever/L2{query}", **headers)
    assert page.lang == lang
    expected = {
        "fr": "Appui direct aux structures de l'ESS",
        "en": "Direct support to ESS organisations",
    }
    assert page.h1 == [expected[lang]]
    nav = {"fr": "Accueil", "en": "Home"}[lang]
    assert nav in [link["text"] for link in page.links]


def test_home_page_figures_entry_points_and_search_box(
    http: AsgiClient, ld_store: EmbeddedStore
) -> None:
    answer = http.get("/")
    assert answer.status_code == 200 and "Accept-Language" in answer.headers["vary"]
    page = Page(answer.text)
    check_structure(page)
    assert page.lang == "fr"
    count = ld_store.select(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?kind }", {"kind": ESS.Practice}
    ).rows[0]["n"]
    assert f"{int(count)} pratiques" in page.text
    assert "6 collectivités" in page.text
    assert {
        "/sparql?lang=fr",
        "/queries?lang=fr",
        "/docs",
        "/dataset",
        "/id/scheme/levers",
    } <= page.hrefs()
    assert "home-search" in page.labels
    assert page.jsonld()["@type"] == "WebSite"
    again = http.get("/", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    english = Page(http.get("/?lang=en").text)
    assert english.lang == "en" and "Search" in english.text


def test_search_folds_case_and_accents_and_binds_the_text(http: AsgiClient) -> None:
    page = get_page(http, "/search?q=METROPOLE%20de%20bellerive")
    assert "/id/collectivity/200012342" in page.hrefs()
    accents = get_page(http, "/search?q=réemploi")
    assert "/id/practice/aure-montferrand-sur/plateforme-de-reemploi-btp" in accents.hrefs()
    hostile = get_page(http, "/search?q=%22%7D%20%3B%20DROP%20ALL%20%23%27")
    assert "Aucun résultat." in hostile.text
    empty = get_page(http, "/search?q=")
    assert not [link for link in empty.links if link["href"].startswith("/id/")]
    too_long = http.get("/search", params={"q": "x" * 201})
    assert too_long.status_code == 400
    assert too_long.json()["parameter"] == "q"
    assert fold("Économie d’Œuvre") == "economie d'oeuvre"
