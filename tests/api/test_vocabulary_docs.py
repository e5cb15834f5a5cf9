"""The ontology, the shapes and the thesauri at their own IRIs: every RDF format parses back
to the source files' graph, the HTML documents every term under its local name, in French or
English, and negotiation, caching and errors behave like the rest of the API."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

import pytest
from api_helpers import BASE, AsgiClient, parse_graph
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from api.app import create_app
from essgraph.settings import Settings
from store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]
ESS = "https://w3id.org/essgraph/ontology#"
SHP = "https://w3id.org/essgraph/shapes#"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _source(path: str) -> Graph:
    """The graph a document must equal, read straight from the project's files."""
    graph = Graph()
    if path.startswith("/ontology"):
        graph.parse(ROOT / "ontology" / "ess.ttl", format="turtle")
    elif path == "/shapes":
        for file in sorted((ROOT / "shapes").glob("*.ttl")):
            graph.parse(file, format="turtle")
    else:
        for file in sorted((ROOT / "ontology" / "thesauri").glob("*.ttl")):
            graph.parse(file, format="turtle", publicID=BASE)
    return graph


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.content: list[str | Node] = []  # text and children in document order

    def text(self) -> str:
        pieces = [p if isinstance(p, str) else p.text() for p in self.content]
        return " ".join(" ".join(pieces).split())

    def walk(self) -> list[Node]:
        return [self] + [n for c in self.children for n in c.walk()]

    def ancestors(self) -> list[Node]:
        node, found = self.parent, []
        while node is not None:
            found.append(node)
            node = node.parent
        return found


class Page(HTMLParser):
    """A small DOM from the standard library's parser (void elements closed at once)."""

    VOID: ClassVar[set[str]] = {"meta", "link", "br", "hr", "img", "input", "source", "wbr"}

    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.feed(html)
        self.nodes = self.root.walk()
        self.ids: dict[str, Node] = {}
        self.duplicates: list[str] = []
        for node in self.nodes:
            key = node.attrs.get("id")
            if key:
                if key in self.ids:
                    self.duplicates.append(key)
                self.ids[key] = node

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        self.current.content.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.content.append(data)

    def tags(self, name: str) -> list[Node]:
        return [n for n in self.nodes if n.tag == name]


@pytest.fixture(scope="module")
def client(shared_store: EmbeddedStore) -> Iterator[AsgiClient]:
    """One app for the module: these answers come from package files, not the store."""
    http = AsgiClient(create_app(Settings(store="memory"), shared_store))
    yield http
    http.close()


def _by_lang(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str | None, str]:
    return {o.language: str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _page(client: AsgiClient, path: str, **headers: str) -> Page:
    answer = client.get(path, headers={"Accept": "text/html", **headers})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return Page(answer.text)


DOCUMENTS = ["/ontology", "/ontology/0.1.0", "/shapes", "/thesauri"]


@pytest.mark.parametrize("path", DOCUMENTS)
@pytest.mark.parametrize("keyword", list(RDF_TYPES))
def test_every_format_parses_back_to_the_source_files(
    client: AsgiClient, path: str, keyword: str
) -> None:
    media_type = RDF_TYPES[keyword]
    by_accept = client.get(path, headers={"Accept": media_type})
    by_keyword = client.get(path, params={"format": keyword}, headers={"Accept": "text/html"})
    for answer in (by_accept, by_keyword):
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].split(";")[0] == media_type
        assert isomorphic(parse_graph(answer.content, media_type), _source(path))


@pytest.mark.parametrize("path", ["/ontology", "/shapes", "/thesauri"])
def test_negotiation_q_values_wildcards_and_defaults(client: AsgiClient, path: str) -> None:
    def served(accept: str | None) -> str:
        headers = {} if accept is None else {"Accept": accept}
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.headers["content-type"].split(";")[0]

    assert served(None) == "text/turtle"
    assert served("*/*") == "text/turtle"
    assert served(BROWSER_ACCEPT) == "text/html"
    assert served("application/ld+json;q=0.5, application/rdf+xml;q=0.9") == "application/rdf+xml"
    assert served("text/turtle;q=0, */*;q=0.5") == "application/ld+json"
    assert served("application/*") == "application/ld+json"
    assert served("text/plain") == "text/plain"  # N-Triples under its older media type
    plain = client.get(path, headers={"Accept": "text/plain"})
    assert isomorphic(parse_graph(plain.content, "application/n-triples"), _source(path))
    assert client.get(path, params={"format": "json-ld"}).headers["content-type"] == (
        "application/ld+json"
    )


@pytest.mark.parametrize("path", ["/ontology", "/shapes", "/thesauri"])
def test_nothing_acceptable_is_a_406_problem(client: AsgiClient, path: str) -> None:
    for answer in (
        client.get(path, headers={"Accept": "image/png"}),
        client.get(path, params={"format": "pdf"}),
    ):
        assert answer.status_code == 406
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["code"] == "not-acceptable"
        assert "text/turtle" in problem["message"]["fr"]
        assert "text/turtle" in problem["message"]["en"]
        assert "Aucun format" in problem["message"]["fr"]
        assert set(problem["acceptable"]) == {*RDF_TYPES.values(), "text/html"}
        assert "Accept" in answer.headers["vary"]


@pytest.mark.parametrize("path", ["/ontology", "/shapes", "/thesauri"])
def test_vary_link_alternates_etag_and_cache_control(client: AsgiClient, path: str) -> None:
    answer = client.get(path, headers={"Accept": "text/html"})
    vary = {v.strip() for v in answer.headers["vary"].split(",")}
    assert {"Accept", "Accept-Language"} <= vary
    assert answer.headers["cache-control"].startswith("public, max-age=")
    links = answer.headers["link"]
    for keyword, media_type in RDF_TYPES.items():
        assert f'<{path}?format={keyword}>; rel="alternate"; type="{media_type}"' in links
        target = client.get(f"{path}?format={keyword}")
        assert target.headers["content-type"].split(";")[0] == media_type
    for lang in ("fr", "en"):
        assert (
            f'<{path}?lang={lang}>; rel="alternate"; type="text/html"; hreflang="{lang}"' in links
        )

    in_head = {
        (n.attrs.get("type"), n.attrs.get("href"))
        for n in Page(answer.text).tags("link")
        if n.attrs.get("rel") == "alternate"
    }
    assert {(t, f"{path}?format={k}") for k, t in RDF_TYPES.items()} <= in_head
    assert ("text/html", f"{path}?lang=en") in in_head

    tag = answer.headers["etag"]
    again = client.get(path, headers={"Accept": "text/html", "If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    english = client.get(path, params={"lang": "en"}, headers={"Accept": "text/html"})
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert len({tag, english.headers["etag"], turtle.headers["etag"]}) == 3
    stale = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert stale.status_code == 200


def test_head_answers_like_get_without_a_body(client: AsgiClient) -> None:
    answer = client.request("HEAD", "/ontology", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    assert answer.content == b""


def test_unknown_ontology_version_is_a_404_problem(client: AsgiClient) -> None:
    answer = client.get("/ontology/9.9.9", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    problem = answer.json()
    assert problem["code"] == "unknown-version"
    assert "9.9.9" in problem["message"]["fr"] and "0.1.0" in problem["message"]["en"]


def _check_structure(page: Page, lang: str) -> None:
    """html lang, one h1, headings never skip a level, ids unique."""
    assert page.tags("html")[0].attrs["lang"] == lang
    assert len(page.tags("h1")) == 1
    levels = [int(n.tag[1]) for n in page.nodes if n.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels
    assert page.duplicates == []
    for link in page.tags("a"):
        href = link.attrs.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in page.ids, f"dangling in-page link {href}"


def _terms(graph: Graph, *kinds: URIRef) -> set[str]:
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    return {str(s)[len(ESS) :] for s in found if str(s).startswith(ESS)}


def test_ontology_page_anchors_every_class_and_property(client: AsgiClient) -> None:
    source = _source("/ontology")
    classes = _terms(source, OWL.Class)
    properties = _terms(source, OWL.ObjectProperty, OWL.DatatypeProperty)
    assert {"Practice", "Collectivity", "usesLever", "implementedBy"} <= classes | properties
    page = _page(client, "/ontology")
    _check_structure(page, "fr")
    toc = next(n for n in page.tags("nav") if "toc" in (n.attrs.get("class") or ""))
    toc_targets = {a.attrs["href"] for a in toc.walk() if a.tag == "a"}
    for name in classes | properties:
        section = page.ids[name]
        assert section.tag == "article"
        assert f"ess:{name}" in section.text()
        assert f"#{name}" in toc_targets
    for name in classes:
        label = source.value(URIRef(ESS + name), RDFS.label)
        assert label is not None
        assert page.ids[name].ancestors()[0].attrs.get("id") == "vocab-classes" or any(
            a.attrs.get("aria-labelledby") == "vocab-classes" for a in page.ids[name].ancestors()
        )


def test_ontology_page_shows_metadata_links_and_alignments(client: AsgiClient) -> None:
    page = _page(client, "/ontology")
    text = page.root.text()
    for expected in ("0.1.0", "https://w3id.org/essgraph/ontology/0.1.0", "essgraph contributors"):
        assert expected in text
    practice = page.ids["Practice"]
    hrefs = {a.attrs.get("href") for a in practice.walk() if a.tag == "a"}
    # properties whose domain is the class, directly or through owl:unionOf
    assert {"#implementedBy", "#usesLever", "#dedicatedBudget", "#startYear"} <= hrefs
    assert "http://purl.org/essglobal/vocab/SSEInitiative" in hrefs  # skos:closeMatch
    assert "skos:closeMatch" in practice.text()
    budget = page.ids["dedicatedBudget"]
    assert "Politique ESS ou Pratique" in budget.text()  # the union domain, read out
    assert "xsd:decimal" in budget.text()
    implemented = page.ids["implementedBy"]
    assert "#implements" in {a.attrs.get("href") for a in implemented.walk() if a.tag == "a"}
    assert "fonctionnelle" in implemented.text()
    siren = page.ids["siren"]
    assert "dct:identifier" in siren.text()  # sub-property of


def test_ontology_texts_follow_the_language(client: AsgiClient) -> None:
    source = _source("/ontology")
    practice = URIRef(ESS + "Practice")
    definitions = _by_lang(source, practice, SKOS.definition)
    french = _page(client, "/ontology")
    english = _page(client, "/ontology", **{"Accept-Language": "en-GB,en;q=0.9"})
    forced = _page(client, "/ontology?lang=fr", **{"Accept-Language": "en"})
    _check_structure(english, "en")
    assert definitions["fr"] in french.ids["Practice"].text()
    assert definitions["en"] not in french.ids["Practice"].text()
    assert definitions["en"] in english.ids["Practice"].text()
    assert definitions["fr"] not in english.ids["Practice"].text()
    assert forced.tags("html")[0].attrs["lang"] == "fr"
    assert french.tags("h1")[0].text().startswith("Ontologie essgraph")
    assert english.tags("h1")[0].text().startswith("essgraph ontology")
    switch = french.ids["other-lang"]
    assert switch.attrs["href"] == "?lang=en" and switch.text() == "English"
    answer = client.get("/ontology", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert answer.headers["content-language"] == "en"


def _shape_names(graph: Graph) -> set[str]:
    kinds = (URIRef(SH + "NodeShape"), URIRef(SH + "PropertyShape"))
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    return {str(s)[len(SHP) :] for s in found if str(s).startswith(SHP)}


def test_shapes_page_documents_every_shape_with_both_messages(client: AsgiClient) -> None:
    source = _source("/shapes")
    names = _shape_names(source)
    assert len(names) >= 50
    french = _page(client, "/shapes")
    english = _page(client, "/shapes?lang=en")
    _check_structure(french, "fr")
    _check_structure(english, "en")
    message = URIRef(SH + "message")
    description = URIRef(SH + "description")
    for name in names:
        iri = URIRef(SHP + name)
        for page, lang, other in ((french, "fr", "en"), (english, "en", "fr")):
            section = page.ids[name]
            assert section.tag == "article"
            # Only this shape's own lines (not those of the property shapes nested in it).
            own = " ".join(c.text() for c in section.children if c.tag != "div")
            for text in source.objects(iri, message):
                assert isinstance(text, Literal)
                assert " ".join(str(text).split()) in own
            texts = _by_lang(source, iri, description)
            assert " ".join(texts[lang].split()) in own
            assert " ".join(texts[other].split()) not in own
    # grouped by file, property shapes inside the node shape listing them
    title = french.ids["PracticeHasFrenchTitle"]
    assert french.ids["PracticeShape"] in title.ancestors()
    assert french.ids["file-practice"] in title.ancestors()
    assert "dct:title" in title.text() and "fr" in title.text()
    assert "exactement 1" in title.text()
    assert "exactly 1" in english.ids["PracticeHasFrenchTitle"].text()
    assert "Instances de ess:Practice" in " ".join(french.ids["PracticeShape"].text().split())
    theme = french.ids["PracticeAddressesATheme"]
    assert "avertissement" in theme.text()
    lever_scheme = french.ids["LeverIsInLeversScheme"].text()
    assert "skos:inScheme / skos:hasTopConcept" in lever_scheme
    either = french.ids["DelegatedPolicyNamesElectedOfficialPost"].text()
    assert "ess:hasEssDelegation ; Valeurs permises : false ] ou [ Chemin" in either
    luhn = french.ids["SirenPassesLuhn"].text()
    assert "Contrainte SPARQL" in luhn and "FLOOR" in luhn
    year = french.ids["PracticeStartYearIsPlausible"].text()
    assert "xsd:gYear" in year and "^(194[5-9]" in year


def _concepts(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}


def test_thesauri_page_lists_every_scheme_and_concept(client: AsgiClient) -> None:
    source = _source("/thesauri")
    french = _page(client, "/thesauri")
    english = _page(client, "/thesauri?lang=en")
    _check_structure(french, "fr")
    _check_structure(english, "en")
    schemes = set(source.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) == 5
    for scheme in schemes:
        key = str(scheme).rsplit("/", 1)[-1]
        assert str(scheme).startswith(f"{BASE}id/scheme/")
        section = french.ids[key]
        assert str(scheme) in {a.attrs.get("href") for a in section.walk() if a.tag == "a"}
    concepts = _concepts(source)
    assert len(concepts) > 60
    for concept in concepts:
        anchor = str(concept)[len(f"{BASE}id/") :].replace("/", "-", 1)
        for page, lang in ((french, "fr"), (english, "en")):
            item = page.ids[anchor]
            assert item.tag == "li"
            label = _by_lang(source, concept, SKOS.prefLabel)[lang]
            notation = str(source.value(concept, SKOS.notation))
            first_line = item.children[0].text()
            assert notation in first_line and label in first_line
            in_scheme = source.value(concept, SKOS.inScheme)
            assert page.ids[str(in_scheme).rsplit("/", 1)[-1]] in item.ancestors()
            broader = source.value(concept, SKOS.broader)
            if broader is not None:  # the tree follows skos:broader
                parent = str(broader)[len(f"{BASE}id/") :].replace("/", "-", 1)
                assert page.ids[parent] in item.ancestors()
    lever = URIRef(f"{BASE}id/lever/L1")
    definition = _by_lang(source, lever, SKOS.definition)
    assert definition["fr"] in french.ids["lever-L1"].text()
    assert definition["en"] in english.ids["lever-L1"].text()
    assert definition["fr"] not in english.ids["lever-L1"].text()


def test_openapi_lists_each_document_once_with_its_parameters(client: AsgiClient) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = client.get("/openapi.json").json()
    ours = [str(w.message) for w in caught if "routes/vocabulary.py" in str(w.message)]
    assert ours == []  # e.g. no duplicate operation id from HEAD
    for path in ("/ontology", "/ontology/{version}", "/shapes", "/thesauri"):
        assert list(spec["paths"][path]) == ["get"]
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"format", "lang"} <= names
