"""The map of collectivities: a collectivity is placed from coordinates the graph states, or
from a SIREN *and* name that agree with the official list (then GeoNames), never otherwise;
the SVG draws each placed one as a link on Natural Earth's outline, the GeoJSON gives their
coordinates, the table lists every collectivity with its source; the demo's fictional bodies
are all listed as unknown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from api_helpers import AsgiClient
from map_fixtures import iri, map_app, small_store
from rdflib import Graph, Literal, URIRef

from api.charts import map_outline
from api.charts.map_reference import Reference, fold, name_keys
from store.embedded import EmbeddedStore

NS = {"svg": "http://www.w3.org/2000/svg"}
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    opened = small_store()
    yield opened
    opened.close()


@pytest.fixture
def http(store: EmbeddedStore) -> Iterator[AsgiClient]:
    client = AsgiClient(map_app(store))
    yield client
    client.close()


@pytest.fixture
def demo(shared_store: EmbeddedStore) -> Iterator[AsgiClient]:
    client = AsgiClient(map_app(shared_store))
    yield client
    client.close()


def svg_of(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own answer


def features(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["iri"]: f for f in answer["features"]}


def near(point: list[float], lon: float, lat: float, tolerance: float = 0.1) -> bool:
    return abs(point[0] - lon) <= tolerance and abs(point[1] - lat) <= tolerance


# -- GeoJSON ----------------------------------------------------------------------------------
def test_geojson_places_from_the_graph_and_from_the_official_list(http: AsgiClient) -> None:
    answer = http.get("/map.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/geo+json")
    body = answer.json()
    assert body["type"] == "FeatureCollection"
    found = features(body)
    assert set(found) == {
        iri("nantes-cu"),
        iri("215903501"),
        iri("200046977"),
        iri("219740115"),
        iri("noumea"),
    }
    stated = found[iri("nantes-cu")]
    assert stated["geometry"] == {"type": "Point", "coordinates": [-1.5536, 47.2184]}
    assert stated["properties"]["source"] == "graph"
    assert stated["properties"]["practices"] == 2
    assert stated["properties"]["kind"].endswith("/collectivity-kind/communaute-urbaine")
    assert stated["properties"]["name"] == "Communauté de l'Estuaire"
    assert stated["properties"]["page"] == "http://testserver/id/collectivity/nantes-cu?lang=fr"
    # real bodies, placed at GeoNames' position of the commune (Lille, Lyon, Saint-Denis RE)
    lille = found[iri("215903501")]
    assert lille["properties"]["source"] == "reference" and "seat" not in lille["properties"]
    assert near(lille["geometry"]["coordinates"], 3.06, 50.63)
    lyon = found[iri("200046977")]
    assert lyon["properties"]["seat"] == "Lyon"  # the EPCI at its most populous member
    assert lyon["properties"]["name"] == "Grand Lyon"  # matched by its altLabel
    assert lyon["properties"]["practices"] == 1
    assert near(lyon["geometry"]["coordinates"], 4.85, 45.75)
    assert near(found[iri("219740115")]["geometry"]["coordinates"], 55.45, -20.88)
    unplaced = {u["iri"]: u["reason"] for u in body["unplaced"]}
    assert unplaced == {
        iri("rives"): "name-mismatch",  # a real SIREN alone never places anything
        iri("200012342"): "siren-unlisted",
        iri("sans-siren"): "no-siren",
        iri("faux"): "invalid-coordinates",
    }
    assert "GeoNames" in body["attribution"]["reference"]


def test_geojson_in_english_and_cached_by_data_version(store: EmbeddedStore) -> None:
    client = AsgiClient(map_app(store))
    try:
        first = client.get("/map.json?lang=en")
        kinds = {f["properties"]["kindLabel"] for f in first.json()["features"]}
        assert "Municipality" in kinds
        tag = first.headers["etag"]
        assert client.get("/map.json?lang=en", headers={"If-None-Match": tag}).status_code == 304
        assert client.get("/map.json", headers={"If-None-Match": tag}).status_code == 200
        cors = client.get("/map.json", headers={"Origin": "https://example.org"})
        assert cors.headers["access-control-allow-origin"] == "*"
        # a write changes the data version, so the old tag no longer matches
        extra = Graph()
        extra.add((URIRef(iri("faux")), URIRef(GEO + "lat"), Literal("48.1")))
        store.replace_graph(store.graph_iri("source/extra"), extra)
        again = client.get("/map.json?lang=en", headers={"If-None-Match": tag})
        assert again.status_code == 200 and again.headers["etag"] != tag
    finally:
        store.replace_graph(store.graph_iri("source/extra"), Graph())
        client.close()


# -- SVG --------------------------------------------------------------------------------------
def test_svg_draws_each_placed_collectivity_as_a_link_on_the_outline(http: AsgiClient) -> None:
    answer = http.get("/map.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    root = svg_of(answer.content)
    assert root.findtext("svg:title", namespaces=NS) == "Carte des collectivités"
    assert "pratiques" in (root.findtext("svg:desc", namespaces=NS) or "")
    france = root.findall(".//svg:path[@data-country='250']", NS)
    assert len(france) == 6  # metropolitan France and the five overseas insets
    links = {a.get("data-iri"): a for a in root.iterfind(".//svg:a", NS)}
    assert set(links) == {iri("nantes-cu"), iri("215903501"), iri("200046977"), iri("219740115")}
    assert links[iri("215903501")].get("href") == "/id/collectivity/215903501?lang=fr"
    assert links[iri("219740115")].get("data-frame") == "04"  # the Réunion inset
    assert links[iri("nantes-cu")].get("data-source") == "graph"
    assert "Lille" in (links[iri("215903501")].get("aria-label") or "")

    def centre(key: str) -> tuple[float, float]:
        mark = links[iri(key)][0]
        x = mark.get("cx") or mark.get("data-x") or ""
        y = mark.get("cy") or mark.get("data-y") or ""
        return float(x), float(y)

    lille, lyon, nantes = centre("215903501"), centre("200046977"), centre("nantes-cu")
    assert lille[1] < nantes[1] < lyon[1]  # north to south
    assert nantes[0] < lille[0] < lyon[0]  # west to east
    # more practices, bigger symbol: Nantes (2) > Lyon (1) > Lille (0)
    sizes = {k: float(links[iri(k)][0].get("data-r") or 0) for k in ("nantes-cu", "200046977")}
    assert (
        sizes["nantes-cu"]
        > sizes["200046977"]
        > float(links[iri("215903501")][0].get("data-r") or 0)
    )
    summary = " ".join(t.text or "" for t in root.iterfind(".//svg:text[@class='summary']", NS))
    assert summary.startswith("4 collectivités placées sur 9")
    assert "coordonnées inconnues : 4" in summary and "hors des cadres de la carte : 1" in summary
    credits = " ".join(t.text or "" for t in root.iterfind(".//svg:text[@class='credits']", NS))
    assert "GeoNames" in credits and "CC BY 4.0" in credits and "Natural Earth" in credits


# -- HTML -------------------------------------------------------------------------------------
class Rows(HTMLParser):
    """The map table's rows: data-iri → (data-source, cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, tuple[str, list[str]]] = {}
        self._row: str | None = None
        self._cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr" and values.get("data-iri"):
            self._row, self._cells = values["data-iri"], []
            self._source = values.get("data-source") or ""
        elif tag in ("td", "th") and self._row:
            self._cells.append("")
            self._in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False
        elif tag == "tr" and self._row:
            self.rows[self._row] = (self._source, [c.strip() for c in self._cells])
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_cell and self._cells:
            self._cells[-1] += data


def table(html: str) -> dict[str, tuple[str, list[str]]]:
    parser = Rows()
    parser.feed(html)
    return parser.rows


def test_page_lists_every_collectivity_with_where_its_coordinates_come_from(
    http: AsgiClient,
) -> None:
    answer = http.get("/map")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<html lang="fr">' in page and "<h1>Carte des collectivités</h1>" in page
    assert 'role="group"' in page and '<title id="chart-map-title">' in page
    rows = table(page)
    assert len(rows) == 9
    assert rows[iri("nantes-cu")][0] == "graph"
    assert rows[iri("nantes-cu")][1][3:5] == ["47,2184", "-1,5536"]
    assert "commune la plus peuplée, Lyon" in rows[iri("200046977")][1][5]
    source, cells = rows[iri("rives")]
    assert source == "unknown" and cells[3:5] == ["—", "—"]
    assert cells[5] == (
        "inconnues : le nom ne correspond pas à celui que la liste officielle donne pour ce SIREN"
    )
    assert rows[iri("200012342")][1][5] == "inconnues : SIREN absent de la liste officielle"
    assert "hors des cadres de la carte" in rows[iri("noumea")][1][5]
    for credit in ("© contributeurs GeoNames, CC BY 4.0", "Natural Earth", "Licence Ouverte"):
        assert credit in page
    assert 'href="/map.json?lang=fr"' in page and 'href="/map.svg?lang=fr"' in page

    english = http.get("/map?lang=en").text
    assert "<h1>Map of collectivities</h1>" in english
    assert table(english)[iri("sans-siren")][1][5] == "unknown: no SIREN in the graph"
    assert "© GeoNames contributors, CC BY 4.0" in english


# -- the demo's fictional collectivities --------------------------------------------------------
def test_demo_map_has_the_outline_and_places_no_fictional_body(
    demo: AsgiClient, shared_store: EmbeddedStore
) -> None:
    answer = shared_store.select(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE "
        "{ ?c a <https://w3id.org/essgraph/ontology#Collectivity> }"
    )
    total = int(str(answer.rows[0]["n"]))
    assert total >= 6
    root = svg_of(demo.get("/map.svg").content)
    assert root.findall(".//svg:path[@data-country='250']", NS)
    assert root.findall(".//svg:a", NS) == []
    assert root.get("data-placed") == "0" and root.get("data-total") == str(total)
    summary = " ".join(t.text or "" for t in root.iterfind(".//svg:text[@class='summary']", NS))
    assert summary == (
        f"0 collectivité placée sur {total} : coordonnées inconnues (voir le tableau)"
    )
    geo = demo.get("/map.json").json()
    assert geo["features"] == [] and len(geo["unplaced"]) == total
    rows = table(demo.get("/map").text)
    assert len(rows) == total and {source for source, _ in rows.values()} == {"unknown"}
    english = svg_of(demo.get("/map.svg?lang=en").content)
    text = " ".join(t.text or "" for t in english.iterfind(".//svg:text[@class='summary']", NS))
    assert text == f"0 of {total} collectivities placed: coordinates unknown (see the table)"


# -- reference data -----------------------------------------------------------------------------
def test_official_list_needs_siren_and_name_to_agree() -> None:
    reference = Reference()
    assert reference.locate("216901231", ["Lyon"]).seat is not None
    assert reference.locate("216901231", ["Ville de Lyon"]).seat is not None
    assert reference.locate("216901231", ["Lyonne"]).reason == "name-mismatch"
    assert reference.locate(None, ["Lyon"]).reason == "no-siren"
    epci = reference.locate("200054781", ["Métropole du Grand Paris"])
    assert epci.official is not None and epci.official.seat_name == "Paris"
    assert epci.seat is not None and near([epci.seat.longitude, epci.seat.latitude], 2.35, 48.86)
    assert fold("Saint-Étienne  Métropole") == "saint etienne metropole"
    assert "est lyonnais" in {
        k.removeprefix("cc de l ") for k in name_keys("CC de l'Est Lyonnais (CCEL)", "epci")
    }


def test_without_the_official_list_nothing_is_placed_from_it(tmp_path: Path) -> None:
    assert Reference(tmp_path).locate("216901231", ["Lyon"]).reason == "no-reference"


# -- outline ------------------------------------------------------------------------------------
def test_without_the_atlas_the_map_says_it_has_no_background(
    http: AsgiClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_outline, "WORLD_ATLAS", tmp_path / "countries-50m.json")
    root = svg_of(http.get("/map.svg?lang=en").content)
    assert root.findall(".//svg:path[@data-country]", NS) == []
    texts = [t.text or "" for t in root.iterfind(".//svg:text", NS)]
    assert any("npm package world-atlas is not installed" in t for t in texts)
    assert len(root.findall(".//svg:a", NS)) == 4  # the points are still drawn


def test_topojson_arcs_are_delta_decoded_and_reversed_by_negative_index() -> None:
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 40.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
    }
    arcs = map_outline.decode_arcs(topology)
    assert arcs == [
        [(10.0, 40.0), (11.0, 40.0), (11.0, 41.0)],
        [(11.0, 41.0), (10.0, 41.0), (10.0, 40.0)],
    ]
    polygon = {"type": "Polygon", "arcs": [[0, 1]]}
    assert map_outline.geometry_polygons(polygon, arcs) == [
        [[(10.0, 40.0), (11.0, 40.0), (11.0, 41.0), (10.0, 41.0), (10.0, 40.0)]]
    ]
    reversed_ring = map_outline.geometry_polygons({"type": "Polygon", "arcs": [[~1]]}, arcs)
    assert reversed_ring == [[[(10.0, 40.0), (10.0, 41.0), (11.0, 41.0)]]]


def test_clip_keeps_the_part_inside_the_frame() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    kept = map_outline.clip(square, 5, -1, 20, 4)
    assert sorted(set(kept)) == [(5.0, 0.0), (5.0, 4.0), (10.0, 0.0), (10.0, 4.0)]
    assert map_outline.clip(square, 20, 20, 30, 30) == []


def test_the_atlas_holds_france_with_corsica_and_the_overseas_regions() -> None:
    france = next(c for c in map_outline.countries() if c.key == map_outline.FRANCE)
    boxes = [map_outline.bounds(polygon[0]) for polygon in france.polygons]
    assert any(b.holds(9.0, 42.1) for b in boxes)  # Corsica
    for *_, box in map_outline.OVERSEAS:
        assert any(box.meets(b) for b in boxes)
