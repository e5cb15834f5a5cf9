"""``GET /practices`` through the in-process app: JSON with facets and paging links, CSV of
the whole result set (formula cells neutralised), the HTML page, errors, caching."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from api_helpers import AsgiClient
from discovery_data import BASE, discovery_app, practice, small_store
from rdflib import Graph

from essgraph.settings import Settings
from store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    opened = small_store()
    yield opened
    opened.close()


@pytest.fixture
def http(store: EmbeddedStore) -> Iterator[AsgiClient]:
    client = AsgiClient(discovery_app(store))
    yield client
    client.close()


def links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


def test_json_lists_practices_with_facets_and_paging(http: AsgiClient) -> None:
    answer = http.get("/practices", params={"theme": "T3.1", "per_page": "2"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["total"] == 3 and body["sort"] == "title"
    assert [i["iri"] for i in body["items"]] == [practice("clos/atelier"), practice("lys/reemploi")]
    atelier = body["items"][0]
    assert atelier["collectivity"] == {
        "iri": f"{BASE}id/collectivity/clos",
        "label": "Commune du Clos",
    }
    assert atelier["themes"] == ["Économie circulaire"] and atelier["start_year"] == 2021
    kinds = {v["value"]: (v["count"], v["selected"]) for v in body["facets"]["kind"]}
    assert kinds == {"metropole": (2, False), "commune": (1, False)}
    theme = next(v for v in body["facets"]["theme"] if v["value"] == "T3.1")
    assert theme == {
        "value": "T3.1",
        "iri": f"{BASE}id/theme/T3.1",
        "label": "Économie circulaire",
        "notation": "T3.1",
        "count": 3,
        "selected": True,
    }
    rels = links(answer.headers["link"])
    assert set(rels) == {"first", "next"}
    following = http.get(rels["next"].removeprefix("http://testserver"))
    assert [i["iri"] for i in following.json()["items"]] == [practice("rives/recyclerie")]
    assert set(links(following.headers["link"])) == {"first", "prev"}


def test_english_labels(http: AsgiClient) -> None:
    body = http.get("/practices", params={"theme": "T3.1", "lang": "en"}).json()
    theme = next(v for v in body["facets"]["theme"] if v["value"] == "T3.1")
    assert theme["label"] == "Circular economy"
    titles = {i["iri"]: i["title"] for i in body["items"]}
    assert titles[practice("rives/recyclerie")] == "Riverside recycling centre"


def test_text_search_ranks_and_sorts(http: AsgiClient) -> None:
    body = http.get("/practices", params={"q": "ECONOMIE circulaire"}).json()
    assert body["sort"] == "relevance"
    assert body["items"][0]["iri"] == practice("lys/reemploi")
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)
    by_year = http.get("/practices", params={"q": "econom*", "sort": "year"}).json()
    assert [i["start_year"] for i in by_year["items"]] == [2021, 2018, None]
    hostile = http.get("/practices", params={"q": 'NEAR("x" -y) title:* "'})
    assert hostile.status_code == 200 and hostile.json()["total"] == 0


def test_csv_exports_the_whole_result_and_neutralises_formulas(http: AsgiClient) -> None:
    answer = http.get("/practices", params={"lever": "L5", "per_page": "1", "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 4  # every page, not only the first
    titles = {row["iri"]: row["titre"] for row in rows}
    assert titles[practice("rives/cantine")] == "'=SOMME(1;2) cantine bio"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    recyclerie = next(r for r in rows if r["iri"] == practice("rives/recyclerie"))
    assert (
        recyclerie["leviers"]
        == "SPASER (schéma de promotion des achats socialement et écologiquement responsables)"
    )
    assert recyclerie["partenaires"] == "Réseau des ressourceries"
    assert recyclerie["budget"] == "80000"
    by_accept = http.get("/practices", params={"lever": "L5"}, headers={"accept": "text/csv"})
    assert by_accept.text == answer.text


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"theme": "T42"}, "theme"),
        ({"year_min": "deux mille"}, "year_min"),
        ({"format": "xls"}, "format"),
    ],
)
def test_bad_parameters_are_problems_in_both_languages(
    http: AsgiClient, params: dict[str, str], parameter: str
) -> None:
    answer = http.get("/practices", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "invalid-parameter" and body["parameter"] == parameter
    assert parameter in body["message"]["fr"] and parameter in body["message"]["en"]
    assert body["detail"] == body["message"]["fr"]
    english = http.get("/practices", params={**params, "lang": "en"}).json()
    assert english["detail"] == body["message"]["en"]


def test_not_acceptable(http: AsgiClient) -> None:
    assert http.get("/practices", headers={"accept": "image/png"}).status_code == 406


class _Page(HTMLParser):
    """Checkboxes (name, value, checked), links and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.boxes: list[tuple[str, str, bool]] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "checkbox":
            self.boxes.append((a["name"] or "", a["value"] or "", "checked" in a))
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_page_in_french_then_english(http: AsgiClient) -> None:
    answer = http.get(
        "/practices",
        params={"theme": "T3.1", "kind": "metropole"},
        headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(answer.text)
    text = " ".join(" ".join(page.text).split())
    assert '<html lang="fr">' in answer.text
    assert "Rechercher des pratiques" in text and "2 pratique(s)" in text
    assert ("theme", "T3.1", True) in page.boxes and ("kind", "metropole", True) in page.boxes
    assert ("lever", "L5", False) in page.boxes and ("budget", "yes", False) in page.boxes
    assert (
        "/id/practice/rives/recyclerie" in page.hrefs and "/id/practice/lys/reemploi" in page.hrefs
    )
    assert "/id/practice/clos/atelier" not in page.hrefs
    assert any("format=csv" in h for h in page.hrefs)
    english = http.get("/practices", params={"theme": "T3.1", "lang": "en", "format": "html"})
    assert '<html lang="en">' in english.text and "Search practices" in english.text
    assert "Circular economy" in english.text


def test_etag_and_not_modified(http: AsgiClient) -> None:
    first = http.get("/practices", params={"q": "vélo"})
    assert first.json()["total"] == 1
    again = http.get(
        "/practices", params={"q": "vélo"}, headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304


def test_a_write_is_searched_at_once(settings: Settings) -> None:
    """A new source graph changes the data version: index and facets follow on the next call."""
    store = small_store()
    client = AsgiClient(discovery_app(store, settings))
    try:
        assert client.get("/practices", params={"q": "composteurs"}).json()["total"] == 0
        extra = Graph()
        extra.parse(
            format="turtle",
            publicID=BASE,
            data="""@prefix ess: <https://w3id.org/essgraph/ontology#> .
            @prefix dct: <http://purl.org/dc/terms/> .
            <id/practice/clos/compost> a ess:Practice ; dct:title "Composteurs partagés"@fr ;
                ess:implementedBy <id/collectivity/clos> ; ess:usesLever <id/lever/L5.3> .""",
        )
        store.replace_graph(store.graph_iri("source/extra"), extra)
        body = client.get("/practices", params={"q": "composteur", "lever": "L5"}).json()
        assert [i["iri"] for i in body["items"]] == [practice("clos/compost")]
        kinds = {v["value"]: v["count"] for v in body["facets"]["kind"]}
        assert kinds == {"commune": 1}
    finally:
        client.close()
        store.close()


def test_demo_data(settings: Settings, shared_store: EmbeddedStore) -> None:
    client = AsgiClient(discovery_app(shared_store, settings))
    try:
        body = client.get("/practices", params={"kind": "metropole", "lever": "L5"}).json()
        assert body["total"] == 1 and body["items"][0]["title"] == "PTCE des Rives"
        found = client.get("/practices", params={"q": "recycleries"}).json()
        assert [i["title"] for i in found["items"]] == ["Recyclerie intercommunale"]
    finally:
        client.close()


def test_parameters_are_documented_in_the_openapi(shared_store: EmbeddedStore) -> None:
    app = discovery_app(shared_store)
    operation = app.openapi()["paths"]["/practices"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "theme", "lever", "kind", "region", "year_min", "sort", "format"} <= names


def test_the_index_lives_under_the_data_dir(store: EmbeddedStore, tmp_path: Path) -> None:
    client = AsgiClient(discovery_app(store, Settings(store="embedded", data_dir=tmp_path)))
    try:
        assert client.get("/practices", params={"q": "vélo"}).json()["total"] == 1
    finally:
        client.close()
    assert [p.name for p in (tmp_path / "index").iterdir()] == ["text-index.sqlite"]
