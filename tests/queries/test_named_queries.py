"""Each named query on the fixture graph (tests/queries/fixture.ttl), with the expected rows.

Every case runs on the embedded store and, marked ``remote``, on the real Oxigraph server
through RemoteStore: both must give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from conftest import fixture_graphs
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

import queries
from store import SelectResult, Store
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
ESS = "https://w3id.org/essgraph/ontology#"
_NUMERIC = {str(XSD.integer), str(XSD.decimal), str(XSD.double), str(XSD.float)}
D = Decimal
T, F = True, False

# Short names for fixture resources (IRIs relative to the base).
C1 = "id/collectivity/200012342"  # Métropole de Bellerive
C2 = "id/collectivity/200077113"  # Métropole Val-de-Lys
C3 = "id/collectivity/240098764"  # CA du Pays de Vernoux
C4 = "id/collectivity/communaute-urbaine-de-montferrand-sur-aure"  # no SIREN
C5 = "id/collectivity/219904562"  # Orlenne
C6 = "id/collectivity/219901238"  # Écully-sur-Lande
C7 = "id/collectivity/200057875"  # Est Ensemble Fictif
CLAUSES = "id/practice/200012342/clauses-sociales"
PTCE = "id/practice/200012342/ptce-des-rives"
TIERS = "id/practice/200077113/tiers-lieu-de-l-ancienne-gare"
AAP = "id/practice/200077113/aap-innovation-sociale"
RECYCLERIE = "id/practice/240098764/recyclerie-intercommunale"
MARCHES = "id/practice/communaute-urbaine-de-montferrand-sur-aure/marches-reserves"
HALLES = "id/practice/219904562/halles-solidaires"
EPICERIE = "id/practice/219901238/epicerie-solidaire-du-clos"
METRO, CA, CU, COMMUNE, EPT = (
    f"id/collectivity-kind/{k}"
    for k in ("metropole", "communaute-agglomeration", "communaute-urbaine", "commune", "ept")
)
RESPONSE1, SOURCE, SURVEY = "id/response/fixture/1", "id/source/fixture", "id/survey/fixture-2021"


def simple(term: Any) -> Any:
    """A comparable value: IRIs relative to the base (or ``ess:``), numbers as Decimal,
    booleans as bool, other literals as their text (language dropped)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        text = str(term).replace(ESS, "ess:")
        return text.removeprefix(BASE)
    assert isinstance(term, Literal)
    datatype = str(term.datatype) if term.datatype else None
    if datatype in _NUMERIC:
        return Decimal(str(term))
    if datatype == str(XSD.boolean):
        return str(term) == "true"
    return str(term)


@dataclass(frozen=True)
class Case:
    """One run of a named query: parameters, compared columns and the expected rows."""

    name: str
    params: dict[str, str]
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    ordered: bool = True
    split: dict[str, str] = field(default_factory=dict)  # GROUP_CONCAT column → separator

    @property
    def id(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({args})"


def observed(case: Case, result: SelectResult) -> list[tuple[Any, ...]]:
    rows = []
    for row in result.rows:
        values = []
        for column in case.columns:
            value = simple(row.get(column))
            if column in case.split:
                value = frozenset(value.split(case.split[column])) if value else frozenset()
            values.append(value)
        rows.append(tuple(values))
    return rows


CASES = [
    # -- levers per collectivity kind (count and share) --------------------------------
    Case(
        "levers-by-kind",
        {},
        ("kind", "notation", "collectivities", "total", "share"),
        [
            (CA, "L2", 1, 1, 100),
            (CA, "L5", 1, 1, 100),
            (CA, "L7", 1, 1, 100),
            (CU, "L3", 1, 1, 100),
            (CU, "L5", 1, 1, 100),
            (COMMUNE, "L4", 2, 2, 100),
            (METRO, "L2", 2, 2, 100),
            (METRO, "L1", 1, 2, 50),
            (METRO, "L3", 1, 2, 50),
            (METRO, "L4", 1, 2, 50),
            (METRO, "L5", 1, 2, 50),
            (METRO, "L7", 1, 2, 50),
        ],
    ),
    Case(
        "levers-by-kind",
        {"kind": "commune", "level": "all", "lang": "en"},
        ("kindLabel", "notation", "leverLabel", "collectivities", "share"),
        [
            ("Municipality", "L4", "Land, premises, third places", 2, 100),
            ("Municipality", "L4.1", "Making public property available", 2, 100),
        ],
    ),
    # -- elected officials and their delegations ---------------------------------------
    Case(
        "ess-delegations",
        {},
        ("collectivity", "essInTitle", "pairedWith"),
        [
            (C3, F, frozenset({"commerce"})),
            (C1, T, frozenset({"emploi"})),
            (C2, T, frozenset({"developpement-economique", "insertion"})),
            (C5, T, frozenset({"commerce"})),
        ],
        split={"pairedWith": ", "},
    ),
    Case(
        "ess-delegations",
        {"kind": "metropole"},
        ("collectivity", "title"),
        [
            (C1, "Vice-présidente déléguée à l'ESS et à l'emploi"),
            (
                C2,
                "Vice-président à l'économie sociale et solidaire, à l'insertion et au "
                "développement économique",
            ),
        ],
    ),
    Case(
        "delegation-pairings",
        {},
        ("pairing", "posts", "total", "share"),
        [
            ("ess", 3, 4, 75),
            ("commerce", 2, 4, 50),
            ("developpement-economique", 1, 4, 25),
            ("emploi", 1, 4, 25),
            ("insertion", 1, 4, 25),
        ],
    ),
    # -- budget and staff ----------------------------------------------------------------
    Case(
        "ess-means",
        {},
        ("collectivity", "year", "budget", "staff", "approximate"),
        [
            (C3, "2020", 45000, D("0.8"), T),
            (C4, "2020", 300000, None, F),
            (C1, "2019", 1200000, 3, F),
            (C1, "2020", 1500000, D("3.5"), F),
            (C2, "2020", 2300000, 4, F),
            (C5, "2020", 65000, 1, F),
        ],
    ),
    Case("ess-means", {"year": "2019"}, ("collectivity", "budget"), [(C1, 1200000)]),
    Case(
        "ess-means",
        {"kind": "metropole", "year": "2020"},
        ("collectivity", "budget"),
        [(C1, 1500000), (C2, 2300000)],
    ),
    Case("ess-means", {"region": "24"}, ("collectivity", "kind"), [(C5, COMMUNE)]),
    Case(
        "ess-means-by-kind",
        {"year": "2020"},
        (
            "kind",
            "policies",
            "budgets",
            "totalBudget",
            "minBudget",
            "maxBudget",
            "meanBudget",
            "staffFigures",
            "totalStaff",
            "minStaff",
            "maxStaff",
            "meanStaff",
        ),
        [
            (CA, 1, 1, 45000, 45000, 45000, 45000, 1, D("0.8"), D("0.8"), D("0.8"), D("0.8")),
            (CU, 1, 1, 300000, 300000, 300000, 300000, 0, None, None, None, None),
            (COMMUNE, 1, 1, 65000, 65000, 65000, 65000, 1, 1, 1, 1, 1),
            (METRO, 2, 2, 3800000, 1500000, 2300000, 1900000, 2, D("7.5"), D("3.5"), 4, D("3.75")),
        ],
    ),
    Case(
        "ess-means-by-kind",
        {},
        ("kind", "policies", "totalBudget", "meanBudget", "totalStaff", "meanStaff"),
        [
            (CA, 1, 45000, 45000, D("0.8"), D("0.8")),
            (CU, 1, 300000, 300000, None, None),
            (COMMUNE, 1, 65000, 65000, 1, 1),
            (METRO, 3, 5000000, 1666667, D("10.5"), D("3.5")),
        ],
    ),
    # -- practices by theme, lever, year -------------------------------------------------
    Case(
        "practices-by-theme",
        {},
        ("notation", "practices", "collectivities", "regions"),
        [
            ("T1", 5, 3, 3),
            ("T1.1", 3, 2, 2),
            ("T1.2", 2, 2, 2),
            ("T2", 1, 1, 1),
            ("T2.1", 1, 1, 1),
            ("T3", 4, 4, 3),
            ("T3.1", 1, 1, 1),
            ("T3.2", 2, 2, 1),
            ("T3.3", 1, 1, 1),
        ],
    ),
    Case(
        "practices-by-theme",
        {"theme": "T3", "kind": "commune"},
        ("notation", "practices", "collectivities", "regions"),
        [("T3", 2, 2, 1)],
    ),
    Case(
        "practices-lever-theme",
        {},
        ("practice",),
        [(AAP,), (CLAUSES,), (EPICERIE,), (HALLES,), (MARCHES,), (PTCE,), (RECYCLERIE,), (TIERS,)],
    ),
    Case(
        "practices-lever-theme",
        {"lever": "L5"},
        ("practice", "title", "collectivity", "startYear"),
        [(CLAUSES, "Clauses sociales", C1, "2012"), (MARCHES, "Marchés réservés", C4, "2020")],
    ),
    Case("practices-lever-theme", {"lever": "L5.2"}, ("practice",), [(CLAUSES,)]),
    Case(
        "practices-lever-theme",
        {"lever": "L5", "theme": "T1"},
        ("practice",),
        [(CLAUSES,), (MARCHES,)],
    ),
    Case("practices-lever-theme", {"lever": "L5", "theme": "T3"}, ("practice",), []),
    Case(
        "practices-lever-theme",
        {"theme": "T3"},
        ("practice",),
        [(EPICERIE,), (HALLES,), (RECYCLERIE,), (TIERS,)],
    ),
    Case(
        "practices-lever-theme",
        {"lever": "L4", "region": "24"},
        ("practice",),
        [(EPICERIE,), (HALLES,)],
    ),
    Case(
        "practices-lever-theme", {"lever": "L4.3", "kind": "metropole"}, ("practice",), [(TIERS,)]
    ),
    Case(
        "practices-per-year",
        {},
        ("year", "practices", "collectivities"),
        [(2012, 1, 1), (2016, 1, 1), (2017, 1, 1), (2018, 1, 1), (2019, 1, 1), (2020, 3, 3)],
    ),
    Case(
        "practices-per-year",
        {"from": "2017", "to": "2019"},
        ("year", "practices"),
        [(2017, 1), (2018, 1), (2019, 1)],
    ),
    Case(
        "practices-per-year",
        {"theme": "T1"},
        ("year", "practices", "collectivities"),
        [(2012, 1, 1), (2016, 1, 1), (2017, 1, 1), (2020, 2, 2)],
    ),
    Case("practices-per-year", {"lever": "L4"}, ("year", "practices"), [(2019, 1), (2020, 2)]),
    # -- lever hierarchy and co-occurrence -----------------------------------------------
    Case(
        "lever-cooccurrence",
        {"scope": "practice"},
        ("notationA", "notationB", "together"),
        [("L2.1", "L3.1", 1), ("L4.1", "L4.3", 1)],
    ),
    Case(
        "lever-cooccurrence",
        {"lever": "L5"},
        ("notationA", "notationB", "together"),
        [
            ("L1.1", "L5", 1),
            ("L1.1", "L5.2", 1),
            ("L2", "L5", 1),
            ("L2", "L5.2", 1),
            ("L2.1", "L5", 1),
            ("L2.1", "L5.2", 1),
            ("L2.1", "L5.3", 1),
            ("L3", "L5.3", 1),
            ("L3.1", "L5", 1),
            ("L3.1", "L5.2", 1),
            ("L5.3", "L7.2", 1),
        ],
    ),
    Case(
        "lever-ancestry",
        {"lever": "L5.2"},
        ("lever", "broaderNotation", "broaderLabel", "depth"),
        [
            ("id/lever/L5.2", "L5.2", "Clauses sociales d'insertion", 0),
            ("id/lever/L5.2", "L5", "Achats responsables", 1),
        ],
    ),
    Case(
        "lever-ancestry",
        {"lever": "id/lever/L5", "lang": "en"},
        ("broaderNotation", "broaderLabel", "depth"),
        [("L5", "Responsible procurement", 0)],
    ),
    # -- territories without a theme; partners; transfers --------------------------------
    Case(
        "collectivities-without-theme",
        {"theme": "T3"},
        ("collectivity", "region", "practices", "declaredInPolicy"),
        [(C4, "id/region/28", 1, F), (C7, "id/region/11", 0, F), (C1, "id/region/52", 2, T)],
    ),
    Case(
        "collectivities-without-theme",
        {"theme": "T1", "kind": "commune"},
        ("collectivity", "practices", "declaredInPolicy"),
        [(C6, 1, F), (C5, 1, F)],
    ),
    Case("collectivities-without-theme", {}, ("collectivity", "kind"), [(C7, EPT)]),
    Case(
        "top-partners",
        {},
        ("partner", "practices", "collectivities"),
        [
            ("id/partner/cress", 4, 3),
            ("id/partner/france-active", 2, 2),
            ("id/partner/ademe", 1, 1),
            ("id/partner/cae-val-de-lys", 1, 1),
            ("id/partner/epicerie-le-panier", 1, 1),
            ("id/partner/federation-du-btp", 1, 1),
            ("id/partner/les-jardins-du-clos", 1, 1),
            ("id/partner/maison-de-l-emploi", 1, 1),
            ("id/partner/scic-la-boucle", 1, 1),
        ],
    ),
    Case(
        "top-partners",
        {"theme": "T3"},
        ("name", "practices", "collectivities"),
        [
            ("CRESS", 2, 2),
            ("ADEME", 1, 1),
            ("Coopérative d'activité et d'emploi de Val-de-Lys", 1, 1),
            ("Épicerie Le Panier", 1, 1),
            ("Les Jardins du Clos", 1, 1),
            ("SCIC La Boucle", 1, 1),
        ],
    ),
    Case(
        "top-partners",
        {"lever": "L5", "kind": "metropole"},
        ("name", "practices"),
        [("CRESS", 1), ("Maison de l'emploi", 1)],
    ),
    Case(
        "practice-transfers",
        {},
        ("source", "origin", "practice", "collectivity"),
        [(CLAUSES, C1, MARCHES, C4)],
    ),
    Case("practice-transfers", {"origin": "200077113"}, ("practice",), []),
    Case(
        "similar-practices",
        {"practice": "200012342/clauses-sociales"},
        ("other", "collectivity", "sharedConcepts", "sharedNotations"),
        [
            (MARCHES, C4, 3, frozenset({"L5", "T1", "T1.2"})),
            (AAP, C2, 1, frozenset({"T1"})),
            (TIERS, C2, 1, frozenset({"T1"})),
        ],
        split={"sharedNotations": " "},
    ),
    Case(
        "practice-search",
        {"text": "EPICERIE"},
        ("practice", "name"),
        [(EPICERIE, "Écully-sur-Lande"), (HALLES, "Orlenne")],
    ),
    Case("practice-search", {"text": "épicerie", "theme": "T2"}, ("practice",), [(EPICERIE,)]),
    # -- provenance and data quality -----------------------------------------------------
    Case(
        "provenance",
        {"resource": "policy/200012342/2020"},
        ("property", "column", "row", "rawValue", "response", "responseId", "fileName", "survey"),
        [
            (None, None, 1, None, RESPONSE1, "r1", "fixture.csv", SURVEY),
            (
                "ess:dedicatedBudget",
                "Budget annuel dédié à l'ESS (en €)",
                1,
                "1,5 M€",
                RESPONSE1,
                "r1",
                "fixture.csv",
                SURVEY,
            ),
            (
                "ess:dedicatedStaff",
                "Nombre d'ETP dédiés à l'ESS",
                1,
                "3,5",
                RESPONSE1,
                "r1",
                "fixture.csv",
                SURVEY,
            ),
        ],
    ),
    Case(
        "provenance",
        {"resource": f"{BASE}{PTCE}"},
        ("property", "column", "rawValue", "file"),
        [
            (None, None, None, SOURCE),
            ("ess:startYear", "Action 2 - Date de démarrage", "01/09/2016", SOURCE),
        ],
    ),
    Case(
        "collectivities-without-siren",
        {},
        ("collectivity", "name", "kind", "rawSiren", "fileName", "row"),
        [(C4, "Communauté urbaine de Montferrand-sur-Aure", CU, None, "fixture.csv", 4)],
    ),
    Case("collectivities-without-siren", {"kind": "metropole"}, ("collectivity",), []),
    Case(
        "approximate-amounts",
        {},
        ("resource", "type", "collectivity", "budget", "staff", "rawBudget"),
        [
            ("id/policy/240098764/2020", "policy", C3, 45000, D("0.8"), "environ 45 k€"),
            (AAP, "practice", C2, 400000, None, "environ 400 k€"),
        ],
    ),
    Case("approximate-amounts", {"kind": "metropole"}, ("resource",), [(AAP,)]),
    Case(
        "unmatched-answers",
        {},
        ("column", "row", "rawValue", "collectivity", "fileName", "flags"),
        [
            (
                "Leviers d'action mobilisés (autre)",
                2,
                "Budget participatif fléché ESS",
                C2,
                "fixture.csv",
                frozenset({"unknown-option", "other-text"}),
            ),
            (
                "Action 1 - Date de démarrage",
                4,
                '2019-2020 "à confirmer"',
                C4,
                "fixture.csv",
                frozenset(),
            ),
        ],
        split={"flags": " "},
    ),
    Case("unmatched-answers", {"search": "PARTICIPATIF"}, ("row",), [(2,)]),
    Case("unmatched-answers", {"search": "démarrage"}, ("row",), [(4,)]),
    Case(
        "unused-concepts",
        {"scheme": "themes"},
        ("concept", "narrowerUsed"),
        [
            ("id/theme/T1.3", F),
            ("id/theme/T2", T),
            ("id/theme/T2.2", F),
            ("id/theme/T3", T),
            ("id/theme/T3.4", F),
            ("id/theme/T3.5", F),
            ("id/theme/T4", F),
            ("id/theme/T5", F),
        ],
    ),
    Case(
        "unused-concepts",
        {"scheme": "levers"},
        ("notation", "narrowerUsed"),
        [
            ("L1", T),
            *((n, F) for n in ("L1.2", "L1.3", "L1.4", "L2.3", "L3.2", "L3.3", "L3.4")),
            *((n, F) for n in ("L4.2", "L4.4", "L5.1", "L6", "L7.1", "L7.3", "L7.4")),
        ],
    ),
    Case(
        "unused-concepts",
        {"scheme": "modes", "lang": "en"},
        ("notation",),
        [("M1",), ("M3",), ("M4",), ("M5",)],
    ),
    Case(
        "collectivity-profile",
        {"collectivity": "200012342"},
        ("aspect", "value", "label", "year"),
        [
            ("1-name", "Métropole de Bellerive", None, None),
            ("2-siren", "200012342", None, None),
            ("3-kind", METRO, "Métropole (de droit commun)", None),
            ("4-region", "id/region/52", "Pays de la Loire", None),
            ("5-delegation", "Vice-présidente déléguée à l'ESS et à l'emploi", None, None),
            ("6-policy", "id/policy/200012342/2019", None, "2019"),
            ("6-policy", "id/policy/200012342/2020", None, "2020"),
            ("7-budget", 1200000, None, "2019"),
            ("7-budget", 1500000, None, "2020"),
            ("8-staff", 3, None, "2019"),
            ("8-staff", D("3.5"), None, "2020"),
            ("9-lever", "id/lever/L1.1", "Accompagnement et incubation", None),
            ("9-lever", "id/lever/L2", "Appui direct aux structures de l'ESS", None),
            ("9-lever", "id/lever/L2.1", "Subventions", None),
            (
                "9-lever",
                "id/lever/L3.1",
                "Pôles territoriaux de coopération économique (PTCE)",
                None,
            ),
            ("9-lever", "id/lever/L5", "Achats responsables", None),
            ("9-lever", "id/lever/L5.2", "Clauses sociales d'insertion", None),
            ("10-theme", "id/theme/T1.1", "Création et maintien d'activités", None),
            ("10-theme", "id/theme/T1.2", "Insertion par l'activité économique", None),
            ("10-theme", "id/theme/T3.2", "Alimentation durable", None),
            ("11-practice", CLAUSES, "Clauses sociales", "2012"),
            ("11-practice", PTCE, "PTCE des Rives", "2016"),
        ],
    ),
    Case(
        "collectivity-profile",
        {"collectivity": f"{BASE}{C7}", "lang": "en"},
        ("aspect", "value", "label"),
        [
            ("1-name", "Est Ensemble Fictif", None),
            ("2-siren", "200057875", None),
            ("3-kind", EPT, "Territorial public body (Grand Paris)"),
            ("4-region", "id/region/11", "Île-de-France"),
        ],
    ),
    Case("collectivity-profile", {"collectivity": "no-such-collectivity"}, ("aspect",), []),
]


def check(store: Store, case: Case) -> None:
    result = queries.get(case.name).run(store, case.params)
    assert isinstance(result, SelectResult)
    missing = set(case.columns) - set(result.variables)
    assert not missing, f"not projected: {missing}"
    got = observed(case, result)
    if case.ordered:
        assert got == case.rows
    else:
        assert sorted(map(repr, got)) == sorted(map(repr, case.rows))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_named_query(library_store: Store, case: Case) -> None:
    check(library_store, case)


@pytest.mark.remote
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_named_query_on_oxigraph_server(remote_library_store: Store, case: Case) -> None:
    check(remote_library_store, case)


def test_every_named_query_has_a_behaviour_case() -> None:
    names = {q.name for q in queries.catalog()}
    assert len(names) >= 15
    assert names == {c.name for c in CASES}


def test_string_parameter_cannot_inject(library_store: Store) -> None:
    """A quote-laden value is matched as text, never read as SPARQL."""
    named = queries.get("unmatched-answers")
    attempts = [
        '") || true || CONTAINS("',
        '" } } SELECT * WHERE { ?s ?p ?o } #',
        "') } ; DROP ALL ; #",
        "\\u0022) || true",
    ]
    for attempt in attempts:
        result = named.run(library_store, {"search": attempt})
        assert isinstance(result, SelectResult)
        assert result.rows == [], attempt
    # The same quotes, when they are data, are found as data.
    result = named.run(library_store, {"search": '"à confirmer"'})
    assert isinstance(result, SelectResult)
    assert [simple(r["row"]) for r in result.rows] == [4]
    assert {g.removeprefix(BASE) for g in map(str, library_store.named_graphs())} >= {
        "graph/source/fixture"
    }


def test_iri_parameter_cannot_inject(library_store: Store) -> None:
    named = queries.get("collectivity-profile")
    for attempt in ("200012342> ?p ?o } #", "200012342%3E", "x\ny", "../200012342"):
        with pytest.raises(queries.ParameterError):
            named.run(library_store, {"collectivity": attempt})


def test_hierarchy_broader_lever_finds_narrower_tag(library_store: Store) -> None:
    """Asking for L5 finds the practice tagged L5.2 only; asking for L5.1 finds nothing."""
    named = queries.get("practices-lever-theme")
    by_lever = {}
    for lever in ("L5", "L5.2", "L5.1"):
        result = named.run(library_store, {"lever": lever})
        assert isinstance(result, SelectResult)
        by_lever[lever] = {simple(r["practice"]) for r in result.rows}
    assert CLAUSES in by_lever["L5"]
    assert by_lever["L5.2"] == {CLAUSES}
    assert by_lever["L5.1"] == set()


def test_required_parameter_is_enforced(library_store: Store) -> None:
    with pytest.raises(queries.ParameterError) as caught:
        queries.get("provenance").run(library_store, {})
    assert caught.value.parameter == "resource"


def test_means_by_kind_aggregate_only_stated_figures() -> None:
    """Regression: one policy of a kind without a staff figure emptied the kind's staff sum,
    minimum, maximum and mean (an aggregate over an unbound value is an error)."""
    extra = Graph().parse(
        data=f"""
        @prefix ess: <https://w3id.org/essgraph/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{BASE}id/policy/x/2020> a ess:EssPolicy ; ess:policyOf <{BASE}{C1}> ;
            ess:referenceYear "2020"^^xsd:gYear ; ess:dedicatedBudget 100000.0 .
        """,
        format="turtle",
    )
    store = EmbeddedStore(BASE)
    try:
        graphs = fixture_graphs(store)
        graphs[store.graph_iri("source/extra")] = extra
        store.replace_graphs(graphs)
        result = queries.get("ess-means-by-kind").run(store, {"year": "2020"})
        assert isinstance(result, SelectResult)
        metro = next(row for row in result.rows if str(row["kind"]).endswith("/metropole"))
        # 3 policies, 3 budgets, 2 staff figures (3.5 and 4.0): the unstated one is skipped
        assert int(metro["policies"].toPython()) == 3
        assert int(metro["staffFigures"].toPython()) == 2
        assert Decimal(str(metro["totalStaff"])) == Decimal("7.5")
        assert Decimal(str(metro["minStaff"])) == Decimal("3.5")
        assert Decimal(str(metro["maxStaff"])) == Decimal("4")
        assert Decimal(str(metro["meanStaff"])) == Decimal("3.75")
        assert Decimal(str(metro["minBudget"])) == Decimal("100000")
    finally:
        store.close()
