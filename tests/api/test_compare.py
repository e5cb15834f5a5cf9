"""Territory comparison (``/compare``) and "collectivities like mine"
(``/collectivities/{key}/like``): figures, matrix and practices per theme worked out by hand on
the small graph of comparison_data, errors naming the parameter, the HTML tables, the demo data."""

from __future__ import annotations

import math
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from api_helpers import AsgiClient, demo_store
from comparison_data import BASE, client_over, hand_store

LABEL_L52 = "Clauses sociales d'insertion"


@pytest.fixture(scope="module")
def hand() -> Iterator[AsgiClient]:
    yield from client_over(hand_store())


@pytest.fixture(scope="module")
def demo() -> Iterator[AsgiClient]:
    yield from client_over(demo_store())


def compare(client: AsgiClient, *keys: str, **params: str) -> dict[str, Any]:
    answer = client.get("/compare", params=[*(("c", k) for k in keys), *params.items()])
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def rows(body: dict[str, Any], facet: str) -> dict[str, list[tuple[bool, int]]]:
    return {
        r["notation"]: [(c["policy"], c["practices"]) for c in r["cells"]]
        for r in body["matrix"][facet]
    }


def test_facts_and_means_per_year_and_per_inhabitant(hand: AsgiClient) -> None:
    body = compare(hand, "a", "b")
    a, b = body["collectivities"]
    assert (a["label"], b["label"]) == ("Métropole A", "Métropole B")
    assert a["kind"]["iri"] == f"{BASE}id/collectivity-kind/metropole"
    assert a["region"]["iri"] == f"{BASE}id/region/84"
    assert a["population"] == 100000 and b["population"] is None
    assert a["practice_count"] == 2 and b["practice_count"] == 2
    assert a["years"] == [
        {
            "year": "2021",
            "budget": 250000.0,
            "fte": 2.5,
            "budget_per_inhabitant": 2.5,
            "fte_per_100k_inhabitants": 2.5,
            "delegation": True,
            "delegation_title": "Adjointe à l'ESS",
        }
    ]
    assert b["years"][0]["budget"] == 100000.0
    assert b["years"][0]["budget_per_inhabitant"] is None  # no population known
    assert b["years"][0]["delegation"] is False


def test_matrix_groups_narrower_concepts_under_broader_ones(hand: AsgiClient) -> None:
    body = compare(hand, "a", "b")
    levers = rows(body, "lever")
    # A: policy L2.1; practices L5.1 (recyclerie) and L2.1 (accueil). B: L5.1, L5.2.
    assert list(levers) == ["L2", "L2.1", "L5", "L5.1", "L5.2"]
    assert levers["L2"] == [(True, 1), (False, 0)]
    assert levers["L2.1"] == [(True, 1), (False, 0)]
    assert levers["L5"] == [(False, 1), (False, 2)]
    assert levers["L5.1"] == [(False, 1), (False, 1)]
    assert levers["L5.2"] == [(False, 0), (False, 1)]
    depths = {r["notation"]: r["depth"] for r in body["matrix"]["lever"]}
    assert depths == {"L2": 0, "L2.1": 1, "L5": 0, "L5.1": 1, "L5.2": 1}
    themes = rows(body, "theme")
    assert themes["T3"] == [(True, 1), (False, 2)]
    assert themes["T3.1"] == [(True, 1), (False, 1)]
    assert themes["T1.1"] == [(False, 1), (False, 0)]


def test_practices_per_theme(hand: AsgiClient) -> None:
    body = compare(hand, "a", "b", "c")
    by_theme = {
        t["notation"]: [[p["title"] for p in col] for col in t["practices"]]
        for t in body["practices_by_theme"]
    }
    assert by_theme == {
        "T1.1": [["Accueil"], [], []],
        "T3.1": [["Recyclerie du Rivage"], ["Ressourcerie"], ["Atelier vélo"]],
        "T3.2": [[], ["Cantine bio"], []],
    }


@pytest.mark.parametrize(
    "keys",
    [[], ["a"], ["a", "a"], ["a", "b", "c", "d", "e", "f"], ["a", "nowhere"], ["a", "x/y"]],
)
def test_bad_selections_are_400_naming_c(hand: AsgiClient, keys: list[str]) -> None:
    answer = hand.get("/compare", params=[("c", k) for k in keys])
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["parameter"] == "c"
    assert "« c »" in body["message"]["fr"] and "'c'" in body["message"]["en"]
    html = hand.get("/compare", params=[("c", k) for k in keys], headers={"Accept": "text/html"})
    assert html.status_code == 400


class Tables(HTMLParser):
    """Each table's caption, header cells (with scope) and body rows, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, Any]] = {}
        self._table: dict[str, Any] | None = None
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = {"caption": "", "th": [], "rows": []}
            self.tables[a.get("id") or str(len(self.tables))] = self._table
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._table is not None:
            self._cell = []
            if tag == "th":
                self._table["th"].append(a.get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._table is not None:
            self._table["rows"].append(self._row)
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._table is not None:
            self._table["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def test_html_tables_with_captions_and_scopes(hand: AsgiClient) -> None:
    page = hand.get("/compare?c=a&c=b", headers={"Accept": "text/html"})
    assert page.status_code == 200
    parsed = Tables()
    parsed.feed(page.text)
    assert set(parsed.tables) == {"facts", "matrix-lever", "matrix-theme", "by-theme"}
    for table in parsed.tables.values():
        assert table["caption"].strip()
        assert None not in table["th"]
    facts = {r[0]: r[1:] for r in parsed.tables["facts"]["rows"]}
    assert facts["Élément"] == ["Métropole A", "Métropole B"]
    assert facts["Budget par habitant (€)"] == ["2,50", "—"]
    assert facts["Délégation ESS"] == ["oui — Adjointe à l'ESS", "non"]
    levers = {r[0]: r[1:] for r in parsed.tables["matrix-lever"]["rows"]}
    assert levers["L5 Achats responsables"] == ["1 pratique(s)", "2 pratique(s)"]
    assert levers["L5.2 " + LABEL_L52][0] == "—"
    assert levers["L2 Appui direct aux structures de l'ESS"][0] == "✓ politique · 1 pratique(s)"
    english = hand.get("/compare?c=a&c=b&lang=en", headers={"Accept": "text/html"})
    assert "Budget per inhabitant (€)" in english.text


def test_like_mine_same_kind_closest_levers_first(hand: AsgiClient) -> None:
    answer = hand.get("/collectivities/a/like")
    assert answer.status_code == 200
    body = answer.json()
    assert body["kind"]["iri"] == f"{BASE}id/collectivity-kind/metropole"
    # A: L2.1, L5.1 (+ L2, L5 at 0.5); D: L2.1 (+ L2); B: L5.1, L5.2 (+ L5). C is a commune.
    a_norm = math.sqrt(2.5)
    expected = {
        "d": 1.25 / (a_norm * math.sqrt(1.25)),
        "b": 1.25 / (a_norm * math.sqrt(2.25)),
    }
    assert [i["key"] for i in body["items"]] == ["d", "b"]
    for item in body["items"]:
        assert item["score"] == pytest.approx(expected[item["key"]], abs=1e-4)
    d = body["items"][0]
    assert [x["notation"] for x in d["levers_in_common"]] == ["L2.1"]
    assert d["explanation"] == "même nature de collectivité ; leviers communs : L2.1 Subventions"
    assert d["compare"] == "/compare?c=a&c=d"
    assert hand.get(d["compare"]).status_code == 200
    b = body["items"][1]
    assert b["explanation"].endswith(
        "L5.1 SPASER (schéma de promotion des achats socialement et écologiquement responsables)"
    )


def test_like_mine_unknown_is_404(hand: AsgiClient) -> None:
    answer = hand.get("/collectivities/nowhere/like")
    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown-collectivity"
    page = hand.get("/collectivities/nowhere/like", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def test_like_mine_html_links_to_compare(hand: AsgiClient) -> None:
    page = hand.get("/collectivities/a/like", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Collectivités comparables à Métropole A" in page.text
    assert 'href="/compare?c=a&amp;c=d&amp;lang=fr"' in page.text


def test_demo_collectivities_side_by_side(demo: AsgiClient) -> None:
    body = compare(demo, "200012342", "200077113")
    names = [c["label"] for c in body["collectivities"]]
    assert names == ["Métropole de Bellerive", "Métropole Val-de-Lys"]
    assert body["collectivities"][0]["years"][0]["budget"] == 1500000.0
    assert body["collectivities"][0]["years"][0]["fte"] == 3.5
    assert body["matrix"]["lever"], "the demo collectivities use levers"
    # The demo practices name no theme: they are grouped last, not left out.
    unfiled = body["practices_by_theme"][-1]
    assert unfiled["iri"] is None and unfiled["label"] == "Sans thème renseigné"
    assert [[p["title"] for p in col] for col in unfiled["practices"]] == [
        ["PTCE des Rives"],
        ["Appel à projets « Innovation sociale »", "Tiers-lieu de l'Ancienne Gare"],
    ]
    like = demo.get("/collectivities/219901238/like").json()
    assert [i["key"] for i in like["items"]] == ["219904562"]  # the other commune
