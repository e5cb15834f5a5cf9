"""Facets of the practice search: hierarchy inclusion, AND across facets and OR within one,
and counts that follow the filters of the other facets — on a small graph worked out by hand,
and on the demo data checked against independent SPARQL counts."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from discovery_data import BASE, practice, small_store
from rdflib import URIRef

from api.discovery import search
from api.discovery.facets import Filtered, apply
from api.discovery.state import Current, Discovery
from store import Store
from store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def small() -> Iterator[Current]:
    store = small_store()
    with tempfile.TemporaryDirectory() as folder:
        yield Discovery(store, Path(folder)).current()
    store.close()


def run(current: Current, **params: str | list[str]) -> search.Result:
    pairs = [
        (k, v)
        for k, values in params.items()
        for v in ([values] if isinstance(values, str) else values)
    ]
    return search.run(current, search.parse(pairs, current.snapshot), "fr")


def found(result: search.Result) -> set[str]:
    return {p.iri for p in result.everything}


def counts(result: search.Result, facet: str) -> dict[str, int]:
    return {v.key: v.count for v in result.facets[facet]}


def test_a_broader_concept_includes_its_narrower_ones(small: Current) -> None:
    assert found(run(small, lever="L5")) == {
        practice("rives/recyclerie"),  # L5.1
        practice("rives/cantine"),  # L5.2
        practice("lys/accueil"),  # L5.3
        practice("lys/reemploi"),  # L5 itself
    }
    assert found(run(small, theme="T3")) == {
        practice("rives/recyclerie"),
        practice("rives/cantine"),
        practice("clos/atelier"),
        practice("lys/reemploi"),
    }
    assert found(run(small, lever="L5.1")) == {practice("rives/recyclerie")}


def test_or_within_a_facet_and_across_facets(small: Current) -> None:
    assert found(run(small, theme=["T3.2", "T1.1"])) == {
        practice("rives/cantine"),
        practice("lys/accueil"),
    }
    assert found(run(small, theme="T3.1", lever="L5", kind="metropole")) == {
        practice("rives/recyclerie"),
        practice("lys/reemploi"),
    }
    assert found(run(small, theme="T3.1", region="11")) == {
        practice("clos/atelier"),
        practice("lys/reemploi"),
    }
    assert found(run(small, theme="T3.1", region="11", kind="commune")) == {
        practice("clos/atelier")
    }


def test_counts_use_the_filters_of_the_other_facets(small: Current) -> None:
    result = run(small, theme="T3.1")
    # a facet's own filter is left out of its counts: other themes stay visible
    assert counts(result, "theme") == {"T1": 1, "T1.1": 1, "T3": 4, "T3.1": 3, "T3.2": 1}
    # the other facets are counted within the three T3.1 practices
    assert counts(result, "kind") == {"metropole": 2, "commune": 1}
    assert counts(result, "region") == {"84": 1, "11": 2}
    assert counts(result, "lever")["L5"] == 2
    assert counts(result, "partner") == {"ressourcerie": 2}
    both = run(small, theme="T3.1", kind="metropole")
    assert counts(both, "theme")["T3.1"] == 2
    assert counts(both, "kind") == {"metropole": 2, "commune": 1}
    assert both.total == 2


def test_selected_values_are_listed_even_with_no_practice_left(small: Current) -> None:
    result = run(small, theme="T1.1", kind="commune")
    assert result.total == 0
    selected = {v.key: (v.count, v.selected) for v in result.facets["kind"]}
    assert selected["commune"] == (0, True) and selected["metropole"] == (1, False)


def test_means_and_years(small: Current) -> None:
    assert found(run(small, budget="yes")) == {practice("rives/recyclerie")}
    assert found(run(small, fte="yes")) == {practice("lys/accueil"), practice("lys/reemploi")}
    result = run(small, year_min="2018", year_max="2020")
    assert found(result) == {practice("rives/recyclerie"), practice("rives/cantine")}
    assert result.years == {2015: 1, 2018: 1, 2020: 1, 2021: 1}  # its own filter left out
    assert counts(result, "budget") == {"yes": 1}


def test_text_narrows_the_facets(small: Current) -> None:
    result = run(small, q="économie circulaire")
    assert found(result) == {
        practice("rives/recyclerie"),
        practice("clos/atelier"),
        practice("lys/reemploi"),
    }
    assert result.request.sort == "relevance"
    assert result.everything[0].iri == practice("lys/reemploi")  # the words are its title
    assert counts(result, "kind") == {"metropole": 2, "commune": 1}
    assert found(run(small, q="économie circulaire", kind="commune")) == {practice("clos/atelier")}


def test_orders_are_stable(small: Current) -> None:
    titles = [p.title("fr") for p in run(small, sort="title").everything]
    # French collation: "Économie" sorts with the E's, "=" first
    assert titles == [
        "=SOMME(1;2) cantine bio",
        "Accueil des porteurs de projets",
        "Atelier vélo",
        "Économie circulaire et achats",
        "Recyclerie des Rives",
    ]
    years = [p.year for p in run(small, sort="year").everything]
    assert years == [2021, 2020, 2018, 2015, None]
    pages = [run(small, per_page="2", page=str(n)).items for n in (1, 2, 3)]
    assert [p.iri for page in pages for p in page] == [p.iri for p in run(small).everything]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"theme": "T9"}, "theme"),
        ({"lever": "L5.1 "}, None),
        ({"lever": "T3.1"}, "lever"),
        ({"kind": "village"}, "kind"),
        ({"region": "<x>"}, "region"),
        ({"partner": "nobody"}, "partner"),
        ({"year_min": "20x"}, "year_min"),
        ({"year_max": "3000"}, "year_max"),
        ({"year_min": "2020", "year_max": "2010"}, "year_min"),
        ({"sort": "price"}, "sort"),
        ({"page": "0"}, "page"),
        ({"per_page": "100000"}, "per_page"),
        ({"budget": "maybe"}, "budget"),
    ],
)
def test_bad_parameters_are_named(
    small: Current, params: dict[str, str], parameter: str | None
) -> None:
    pairs = list(params.items())
    if parameter is None:
        search.parse(pairs, small.snapshot)  # surrounding spaces are forgiven
        return
    with pytest.raises(search.ApiProblem) as raised:
        search.parse(pairs, small.snapshot)
    assert raised.value.extra["parameter"] == parameter
    assert parameter in raised.value.message_fr and parameter in raised.value.message_en


def _sparql_count(store: Store, where: str, value: str | None = None) -> int:
    rows = store.select(
        "PREFIX ess: <https://w3id.org/essgraph/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a ess:Practice . {where} }}",
        {"value": URIRef(value)} if value else None,
    )
    return int(rows.rows[0]["n"])


def test_demo_counts_agree_with_sparql(shared_store: EmbeddedStore) -> None:
    """Every facet count of the demo data equals a COUNT written independently in SPARQL."""
    with tempfile.TemporaryDirectory() as folder:
        current = Discovery(shared_store, Path(folder)).current()
        filtered: Filtered = apply(
            current.snapshot, {}, year_min=None, year_max=None, within=None, lang="fr"
        )
    assert len(filtered.matched) == _sparql_count(shared_store, "")
    paths = {
        "lever": "ess:usesLever/skos:broader*",
        "theme": "ess:addressesTheme/skos:broader*",
        "mode": "ess:modeOfAction",
        "kind": "ess:implementedBy/ess:collectivityKind",
        "region": "ess:implementedBy/ess:region",
        "partner": "ess:hasPartner",
    }
    checked = 0
    for facet, path in paths.items():
        for value in filtered.facets[facet]:
            assert value.iri and value.iri.startswith(BASE)
            assert value.count == _sparql_count(shared_store, f"?p {path} ?value .", value.iri), (
                value
            )
            checked += 1
    assert checked > 10
