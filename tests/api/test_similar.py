"""Similar practices (``/practices/{key}/similar``): scores worked out by hand on a small
graph (hierarchy, IDF, text), explanations in French and English, filters, paging, errors —
and the demo data through the real app."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from api_helpers import AsgiClient, demo_store
from comparison_data import BASE, client_over, hand_store


def idf(df: int, n: int = 5) -> float:
    return math.log(1 + n / df)


@pytest.fixture(scope="module")
def hand() -> Iterator[AsgiClient]:
    yield from client_over(hand_store())


@pytest.fixture(scope="module")
def demo() -> Iterator[AsgiClient]:
    yield from client_over(demo_store())


def similar(client: AsgiClient, key: str, **params: Any) -> dict[str, Any]:
    answer = client.get(f"/practices/{key}/similar", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = answer.json()
    return body


def by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["iri"].removeprefix(f"{BASE}id/practice/"): i for i in body["items"]}


def test_scores_follow_the_hierarchy_and_the_rarity_of_concepts(hand: AsgiClient) -> None:
    body = similar(hand, "a/recyclerie")
    items = by_key(body)
    # Same collectivity (a/accueil) left out; every other practice shares something.
    assert [i["iri"].rsplit("id/practice/", 1)[1] for i in body["items"]] == [
        "b/ressourcerie",
        "c/atelier",
        "b/cantine",
    ]
    assert body["total"] == 3
    # Both filed under L5.1 and T3.1: full weight each (L5 and T3 are not counted again).
    assert items["b/ressourcerie"]["concept_score"] == pytest.approx(idf(2) + idf(3), abs=1e-4)
    # T3.1 shared fully; L5 only through L5.1 → half the idf of L5.
    assert items["c/atelier"]["concept_score"] == pytest.approx(idf(3) + idf(4) / 2, abs=1e-4)
    # Only the broader L5 and T3 in common: half of each.
    assert items["b/cantine"]["concept_score"] == pytest.approx(idf(4), abs=1e-4)
    # Text: "réemploi" and "objets" shared with the ressourcerie only.
    assert items["b/ressourcerie"]["text_score"] > 0
    assert set(items["b/ressourcerie"]["reasons"]["words"]) == {"réemploi", "objets"}
    assert items["c/atelier"]["text_score"] == 0
    ressourcerie = items["b/ressourcerie"]
    assert ressourcerie["score"] == pytest.approx(
        ressourcerie["concept_score"] + 2.0 * ressourcerie["text_score"], abs=1e-3
    )


def test_reasons_are_data_and_a_sentence_french_first(hand: AsgiClient) -> None:
    items = by_key(similar(hand, "a/recyclerie"))
    concepts = {(c["notation"], c["shared"]) for c in items["c/atelier"]["reasons"]["concepts"]}
    assert concepts == {("L5", "broader"), ("T3.1", "exact")}
    assert items["c/atelier"]["explanation"] == (
        "partage le thème T3.1 Économie circulaire ; voisin par le levier L5 Achats responsables"
    )
    sentence = items["b/ressourcerie"]["explanation"]
    assert sentence.startswith(
        "partage le levier L5.1 SPASER (schéma de promotion des achats socialement et "
        "écologiquement responsables) et le thème T3.1 Économie circulaire ; texte proche : "
    )
    english = by_key(similar(hand, "a/recyclerie", lang="en"))["c/atelier"]["explanation"]
    assert english.startswith("shares the theme T3.1 ")
    assert "; related through the lever L5 " in english


def test_filters_by_kind_and_region(hand: AsgiClient) -> None:
    assert list(by_key(similar(hand, "a/recyclerie", kind="commune"))) == ["c/atelier"]
    assert set(by_key(similar(hand, "a/recyclerie", region="11"))) == {
        "b/ressourcerie",
        "c/atelier",
        "b/cantine",
    }
    assert similar(hand, "a/recyclerie", region="84")["items"] == []
    both = similar(hand, "a/recyclerie", kind=["commune", "metropole"], region="11")
    assert both["total"] == 3


def test_paging_with_link_headers(hand: AsgiClient) -> None:
    first = hand.get("/practices/a/recyclerie/similar", params={"per_page": 2})
    assert [i["title"] for i in first.json()["items"]] == ["Ressourcerie", "Atelier vélo"]
    assert 'rel="next"' in first.headers["link"]
    assert "page=2" in first.headers["link"]
    second = hand.get("/practices/a/recyclerie/similar", params={"per_page": 2, "page": 2})
    assert [i["title"] for i in second.json()["items"]] == ["Cantine bio"]
    assert 'rel="next"' not in second.headers["link"]
    assert 'rel="prev"' in second.headers["link"]
    again = hand.get(
        "/practices/a/recyclerie/similar",
        params={"per_page": 2},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"kind": "nowhere"}, "kind"),
        ({"region": "999"}, "region"),
        ({"page": "0"}, "page"),
        ({"per_page": "abc"}, "per_page"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_named(hand: AsgiClient, params: dict[str, str], parameter: str) -> None:
    answer = hand.get("/practices/a/recyclerie/similar", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["parameter"] == parameter
    assert body["code"] == "invalid-parameter"
    assert body["message"]["fr"] and body["message"]["en"]


def test_unknown_practice_is_404_in_json_and_html(hand: AsgiClient) -> None:
    answer = hand.get("/practices/a/nowhere/similar")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "unknown-practice"
    assert "Pratique inconnue" in answer.json()["message"]["fr"]
    page = hand.get("/practices/a/nowhere/similar", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Ressource introuvable" in page.text


def test_html_page_lists_results_with_their_reasons(hand: AsgiClient) -> None:
    page = hand.get("/practices/a/recyclerie/similar", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "Pratiques similaires à « Recyclerie du Rivage »" in page.text
    assert 'href="/id/practice/b/ressourcerie"' in page.text
    assert "voisin par le levier L5 Achats responsables" in page.text
    english = hand.get("/practices/a/recyclerie/similar?lang=en", headers={"Accept": "text/html"})
    assert "Practices similar to “Recyclerie du Rivage”" in english.text


def test_demo_data_only_other_collectivities_best_first(demo: AsgiClient) -> None:
    key = "240098764/recyclerie-intercommunale"
    body = similar(demo, key)
    assert body["total"] >= 3
    own = f"{BASE}id/collectivity/240098764"
    assert all(i["collectivity"]["iri"] != own for i in body["items"])
    scores = [i["score"] for i in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert all(i["explanation"].startswith("partage ") for i in body["items"])
    communes = similar(demo, key, kind="commune")
    kinds = {i["collectivity"]["iri"] for i in communes["items"]}
    assert kinds == {f"{BASE}id/collectivity/219901238", f"{BASE}id/collectivity/219904562"}
