"""The three sample exports ingested as one batch into a real store: every planted quirk is
handled or flagged, every non-empty cell is accounted for, re-ingest is isomorphic,
personal data stays private, a violation writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS

from ingest.batch import BatchResult, Source, read_sources, run
from ingest.report import BatchReport, Entry
from ontology import ESS
from store import Store
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
EXPORTS = resources.files("essgraph").joinpath("demo/exports")
SAMPLES = (
    ("limesurvey_results-survey482913_codes.csv", "limesurvey-2021"),
    ("surveymonkey_all-responses_actual-answer-text.xlsx", "surveymonkey-2021"),
    ("googleforms_reponses_formulaire.csv", "googleforms-2021"),
)
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
LS, SM, GF = "limesurvey-482913", "surveymonkey-2021", "googleforms-2021"


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def read_samples() -> list[Source]:
    with resources.as_file(EXPORTS) as folder:
        return read_sources([(Path(folder) / name, profile) for name, profile in SAMPLES])


@pytest.fixture
def store() -> Iterator[Store]:
    opened = EmbeddedStore(BASE)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def batch() -> BatchResult:
    """The samples ingested once into a fresh in-memory store (read-only for the tests)."""
    with EmbeddedStore(BASE) as fresh:
        result = run(fresh, read_samples())
        assert result.report.written, result.report.rejected
        return result


@pytest.fixture(scope="module")
def report(batch: BatchResult) -> BatchReport:
    return batch.report


def public(batch: BatchResult) -> Graph:
    graph = Graph()
    for name, data in batch.graphs.items():
        if "/graph/source/" in str(name):
            graph += data
    return graph


def entries(report: BatchReport, source: str, response: str) -> list[Entry]:
    for f in report.files:
        for r in f.responses:
            if f.source_id == source and r.response_id == response:
                return r.entries
    raise AssertionError(f"no response {source}/{response}")


def by_raw(report: BatchReport, raw: str) -> list[Entry]:
    found = [e for f in report.files for r in f.responses for e in r.entries if e.raw == raw]
    assert found, f"no cell {raw!r} in the report"
    return found


def test_every_non_empty_cell_is_a_fact_or_a_raw_answer(report: BatchReport) -> None:
    for f in report.files:
        assert f.non_empty_cells > 0
        assert f.accounted_cells == f.non_empty_cells, f.file
        assert f.mapped_cells + f.raw_cells == f.non_empty_cells
    totals = report.totals()
    assert totals["accounted_cells"] == totals["non_empty_cells"] == 508


def test_dedup_across_files_gives_the_six_collectivities(batch: BatchResult) -> None:
    graph = public(batch)
    names = {
        str(graph.value(c, SKOS.prefLabel)) for c in graph.subjects(RDF.type, ESS.Collectivity)
    }
    assert len(names) == 6
    for expected in ("Bellerive", "Aubin", "Vernoux", "Val-de-Lys", "Orlenne", "Montferrand"):
        assert any(expected in n for n in names), (expected, names)
    assert len(set(graph.subjects(RDF.type, ESS.Practice))) >= 1


def test_duplicates_and_incomplete_response_are_superseded(
    batch: BatchResult, report: BatchReport
) -> None:
    graph = public(batch)
    merged = {m.collectivity: m for m in report.merges}
    vernoux = merged[str(iri("id/collectivity/240098764"))]
    for rid in ("5", "6"):  # LimeSurvey duplicates, 5 incomplete
        assert str(iri(f"id/response/{LS}/{rid}")) in vernoux.superseded
    five = iri(f"id/response/{LS}/5")
    assert (five, ESS.isComplete, Literal(False)) in graph
    assert (five, ESS.supersededBy, URIRef(vernoux.kept)) in graph
    val_de_lys = merged[str(iri("id/collectivity/200077113"))]
    members = {val_de_lys.kept, *val_de_lys.superseded}
    for rid in ("12199104478", "12199377730"):  # SurveyMonkey rows 3/4 (row 3 has no SIREN)
        assert str(iri(f"id/response/{SM}/{rid}")) in members
    bellerive = merged[str(iri("id/collectivity/200012342"))]
    google = [
        r.iri
        for f in report.files
        for r in f.responses
        if f.source_id == GF and r.collectivity == bellerive.collectivity
    ]
    assert len(google) == 2  # Google Forms data rows 1 and 2
    assert set(google) <= {bellerive.kept, *bellerive.superseded}
    # superseded responses are provenance only: one budget per policy
    for policy in graph.subjects(RDF.type, ESS.EssPolicy):
        assert len(set(graph.objects(policy, ESS.dedicatedBudget))) <= 1


def test_name_variants_become_alt_labels(batch: BatchResult) -> None:
    graph = public(batch)
    aubin = iri("id/collectivity/219901238")
    labels = {str(v) for v in graph.objects(aubin, SKOS.prefLabel)} | {
        str(v) for v in graph.objects(aubin, SKOS.altLabel)
    }
    assert {"VILLE DE ST AUBIN LES PRES", "St-Aubin-les-Prés", "Saint-Aubin-lès-Prés"} <= labels
    bellerive = iri("id/collectivity/200012342")
    labels = {str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(bellerive, p)}
    assert {"Métropole de Bellerive", "Bellerive Métropole"} <= labels
    vernoux = iri("id/collectivity/240098764")
    # the name given most often is the official one (’ and ' are one spelling)
    assert {str(v) for v in graph.objects(vernoux, SKOS.prefLabel)} == {
        "Communauté d'agglomération du Pays de Vernoux"
    }
    assert {str(v) for v in graph.objects(vernoux, SKOS.altLabel)} == {
        "CA du Pays de Vernoux",
        "Agglo Pays de Vernoux",
    }


def test_each_collectivity_fact_is_stated_in_one_source_graph(batch: BatchResult) -> None:
    """A fact in two source graphs would show twice in the union default graph."""
    seen: dict[tuple[object, ...], URIRef] = {}
    for name, data in batch.graphs.items():
        for s, p, o in data.triples((None, None, None)):
            if "/id/collectivity/" in str(s) and p != PROV_DERIVED:
                assert (s, p, o) not in seen, (s, p, o, name, seen.get((s, p, o)))
                seen[(s, p, o)] = name


def test_siren_quirks(batch: BatchResult, report: BatchReport) -> None:
    graph = public(batch)
    assert by_raw(report, "200 012 342")[0].kind == "mapped"  # spaces
    prefixed = by_raw(report, "SIREN : 200077113")[0]
    assert prefixed.kind == "mapped" and prefixed.detail == "200077113"
    number = [e for e in by_raw(report, "200012342") if e.field == "siren"]
    assert number and all(e.kind == "mapped" for e in number)  # a number in the XLSX
    siret = next(e for e in by_raw(report, "21990123800010") if e.kind == "mapped")
    assert "siret-reduced-to-siren" in siret.flags and siret.detail == "219901238"
    bad = [e for e in by_raw(report, "240055443") if e.field == "siren"]
    assert bad and all(e.kind == "raw" and "luhn-failed" in e.flags for e in bad)
    assert (None, ESS.siren, Literal("240055443")) not in graph
    montferrand = next(
        c for c in graph.subjects(RDF.type, ESS.Collectivity) if "montferrand" in str(c)
    )
    assert graph.value(montferrand, ESS.siren) is None
    for value in graph.objects(None, ESS.siren):
        assert len(str(value)) == 9


@pytest.mark.parametrize(
    ("raw", "value", "flag"),
    [
        ("1,5 M€", "1500000", None),
        ("150\u202f000\xa0€", "150000", None),  # narrow no-break space and no-break space
        ("150k€", "150000", None),
        ("environ 20000", "20000", "approximate"),
        ("200.000 €", "200000", None),
        ("entre 50 et 80 k€", "65000", "range"),
        ("45 000 euros/an", "45000", "per-year"),
        ("NC", None, "not-communicated"),
        ("bail emphytéotique", None, "not-an-amount"),
        ("0,5", "0.5", None),
        ("1.5", "1.5", None),
        ("1 ETP et demi", "1.5", None),
        ("2 ETP (dont 1 vacant)", "2", "staff-detail"),
        ("à temps partiel", None, "part-time-unquantified"),
        ("depuis 2012", "2012", None),
        ("2015 ?", "2015", "year-uncertain"),
        ("2019-2020", "2019", "year-range"),
    ],
)
def test_budget_staff_and_year_quirks(
    report: BatchReport, raw: str, value: str | None, flag: str | None
) -> None:
    found = [
        e
        for e in by_raw(report, raw)
        if e.field in ("budget", "staff", "start_year") and e.kind in ("mapped", "raw")
    ]
    assert found, raw
    for entry in found:
        if value is not None:
            assert entry.detail.split(" ")[0] == value, (raw, entry.detail)
        else:
            assert entry.kind == "raw"
        if flag is not None:
            assert flag in entry.flags, (raw, entry.flags)


def test_joined_labels_with_commas_are_split_on_known_labels(
    batch: BatchResult, report: BatchReport
) -> None:
    graph = public(batch)
    policy = iri("id/policy/200012342/2020")  # Bellerive's kept response is Google Forms row 2
    levers = set(graph.objects(policy, ESS.usesLever))
    # "Commande publique responsable (clauses sociales, marchés réservés)", "Accompagnement,
    # incubation" and "Finance solidaire (garanties, prêts, fonds d'investissement)" each hold ", "
    assert {iri("id/lever/L5"), iri("id/lever/L1.1"), iri("id/lever/L1.3")} <= levers
    assert (policy, ESS.modeOfAction, iri("id/mode/M2")) in graph
    mapped = [e for e in entries(report, GF, "4") if e.field == "levers"]
    assert mapped and all(e.kind == "mapped" for e in mapped)


def test_other_answers_are_queued_with_suggestions(report: BatchReport) -> None:
    queue = report.curation_queue()
    texts = {e.detail.split(" → ")[0] for e in queue}
    assert "Budget participatif" in texts
    assert "Mise à disposition d'un jardin partagé" in texts
    for entry in queue:
        assert entry.column and entry.letter and entry.row
        assert len(entry.suggestions) == 3
        scores = [s["score"] for s in entry.suggestions]
        assert scores == sorted(scores, reverse=True)
    garden = next(e for e in queue if "jardin" in e.detail)
    assert garden.suggestions[0]["concept"] == str(iri("id/lever/L4.1"))


def test_other_kind_answer_is_reconciled(batch: BatchResult) -> None:
    graph = public(batch)
    coll = iri("id/collectivity/200077113")
    kind = iri("id/collectivity-kind/metropole-statut-particulier")
    assert (coll, ESS.collectivityKind, kind) in graph


def test_multi_line_cells_are_kept_whole(batch: BatchResult) -> None:
    graph = public(batch)
    texts = [str(o) for o in graph.objects(None, ESS.rawValue) if "\n" in str(o)]
    assert any("locaux mutualisés." in t for t in texts)  # LimeSurvey ACT1DESC
    assert any("Mois de l'ESS, 2015, CRESS, 5 000 €" in t for t in texts)  # Google Forms


def test_personal_data_is_only_in_the_private_graphs(batch: BatchResult, store: Store) -> None:
    text = public(batch).serialize(format="nt")
    for secret in ("example.org", "Dupuis", "01 99 00", "0199001235", "Chargée de mission"):
        assert secret not in text
    private = Graph()
    for name, data in batch.graphs.items():
        if "/graph/private/source/" in str(name):
            private += data
    assert "c.dupuis@example.org" in private.serialize(format="nt")
    # and in the store, the public default graph never shows them
    run(store, read_samples())
    answer = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'example.org')) }"
    )
    assert int(answer.rows[0]["n"]) == 0
    assert any("/graph/private/source/" in str(g) for g in store.named_graphs())


def test_reingest_is_isomorphic_and_one_write(batch: BatchResult, store: Store) -> None:
    first = run(store, read_samples())
    version = store.data_version()
    second = run(store, read_samples())
    assert store.data_version() != version
    assert set(first.graphs) == set(second.graphs)
    for name in first.graphs:
        assert isomorphic(first.graphs[name], second.graphs[name]), name
        assert isomorphic(first.graphs[name], batch.graphs[name]), name
    # the store holds exactly what was built
    stored = store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"g": iri(f"graph/source/{LS}")},
    )
    assert isomorphic(stored, second.graphs[iri(f"graph/source/{LS}")])


def test_dry_run_writes_nothing(store: Store) -> None:
    version = store.data_version()
    graphs = store.named_graphs()
    result = run(store, read_samples(), dry_run=True)
    assert result.report.conforms and not result.report.written
    assert store.data_version() == version and store.named_graphs() == graphs
    assert not any("/graph/source/" in str(g) for g in graphs)


def test_conflict_with_another_source_is_a_violation_and_writes_nothing(store: Store) -> None:
    other = Graph()
    coll = iri("id/collectivity/219904562")  # Orlenne, from another source
    other.add((coll, RDF.type, ESS.Collectivity))
    other.add((coll, SKOS.prefLabel, Literal("Commune d'Orlenne-la-Neuve", lang="fr")))
    other.add((coll, ESS.collectivityKind, iri("id/collectivity-kind/commune")))
    other.add((coll, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), iri("id/response/x/1")))
    store.replace_graph(iri("graph/source/other"), other)
    version = store.data_version()
    graphs = store.named_graphs()
    result = run(store, read_samples())
    report = result.report
    assert not report.conforms and not report.written
    assert store.data_version() == version and store.named_graphs() == graphs
    rejected = [e for e in report.rejected if e.detail == str(coll)]
    assert rejected and "français" in rejected[0].message_fr
    assert rejected[0].file == "surveymonkey_all-responses_actual-answer-text.xlsx"


def test_reports_render(report: BatchReport) -> None:
    data = report.to_dict()
    assert data["totals"]["non_empty_cells"] == 508 and data["conforms"] is True
    html = report.to_html()
    assert '<html lang="fr">' in html and 'lang="en"' in html
    assert '<th scope="col">' in html and "http" not in html.split("<body>")[0].replace(
        'content="width', ""
    )
    assert "Budget participatif" in html
    assert "c.dupuis@example.org" not in html and "c.dupuis@example.org" not in report.to_json()
