"""Curator-recorded "adapted from" links (ingest/adaptations.py) on a real store, every
backend: the graph written, its change events, idempotence, every refusal writing nothing,
the shapes, and the named query that reads the links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

import queries as named_queries
from ingest import adaptations as ad
from ingest.adaptation_checks import validate
from ingest.adaptation_records import adaptation_iri, build_graph
from store import Store
from store.change_events import events
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
TODAY = date(2026, 11, 26)
PREFIXES = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
#: Four practices of three collectivities; survey data already says y was adapted from x.
SOURCE = (
    PREFIXES
    + """
<id/collectivity/c1> a ess:Collectivity ; skos:prefLabel "Bellerive"@fr .
<id/collectivity/c2> a ess:Collectivity ; skos:prefLabel "Val-de-Lys"@fr .
<id/collectivity/c3> a ess:Collectivity ; skos:prefLabel "Orlenne"@fr .
<id/practice/c1/a> a ess:Practice ; dct:title "Recyclerie"@fr ;
    ess:implementedBy <id/collectivity/c1> .
<id/practice/c1/b> a ess:Practice ; dct:title "Jardin"@fr ;
    ess:implementedBy <id/collectivity/c1> .
<id/practice/c2/x> a ess:Practice ; dct:title "Ressourcerie"@fr ;
    ess:implementedBy <id/collectivity/c2> .
<id/practice/c3/y> a ess:Practice ; dct:title "Halles"@fr ;
    ess:implementedBy <id/collectivity/c3> ; ess:adaptedFrom <id/practice/c2/x> .
"""
)
PRIVATE = PREFIXES + "<id/practice/c9/secret> a ess:Practice ; ess:implementedBy <id/c9> ."
A, B, X, Y = (URIRef(f"{BASE}id/practice/{k}") for k in ("c1/a", "c1/b", "c2/x", "c3/y"))


def load(store: Store) -> None:
    store.replace_graphs(
        {
            store.graph_iri("source/test"): Graph().parse(
                data=SOURCE, format="turtle", publicID=BASE
            ),
            store.graph_iri("private/source/test"): Graph().parse(
                data=PRIVATE, format="turtle", publicID=BASE
            ),
        }
    )


@pytest.fixture
def memory() -> EmbeddedStore:
    store = EmbeddedStore(BASE)
    load(store)
    return store


def curated(store: Store) -> Graph:
    return store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ad.graph_iri(store)}
    )


def state(store: Store) -> tuple[str, Graph, int]:
    """Data version, curated graph, number of change events: all a refusal must keep."""
    return store.data_version(), curated(store), len(events(store, limit=10_000))


def entry(
    practice: str,
    source: str,
    curator: str = "Léa Dubois",
    *,
    note: str = "",
    created: str = "",
    file: str | None = None,
    row: int | None = None,
) -> ad.Entry:
    return ad.Entry(practice, source, curator, note, created, file, row)


def test_add_writes_the_link_and_its_prov_record(store: Store) -> None:
    load(store)
    before = store.data_version()
    outcome = ad.add(
        store, entry("c1/a", "c2/x", note="Même modèle", created="2026-11-20"), today=TODAY
    )
    assert outcome.written and store.data_version() != before
    record = adaptation_iri(BASE, A, X)
    expected = Graph().parse(
        data=PREFIXES
        + f"""
<id/practice/c1/a> ess:adaptedFrom <id/practice/c2/x> ; prov:qualifiedInfluence <{record}> .
<{record}> a ess:Adaptation , prov:Influence ; prov:influencer <id/practice/c2/x> ;
    dct:creator "Léa Dubois" ; dct:created "2026-11-20"^^xsd:date ;
    rdfs:comment "Même modèle"@fr .
""",
        format="turtle",
        publicID=BASE,
    )
    assert isomorphic(curated(store), expected)
    assert store.is_public(ad.graph_iri(store))
    assert store.ask(
        "ASK { ?p <https://w3id.org/essgraph/ontology#adaptedFrom> ?s }", {"p": A, "s": X}
    )
    logged = {(e.resource, e.kind) for e in events(store) if e.version == store.data_version()}
    assert (record, "added") in logged and (A, "changed") in logged
    assert ad.current(store) == [
        ad.Adaptation(A, X, "Léa Dubois", date(2026, 11, 20), "Même modèle")
    ]


def test_reimport_changes_nothing_and_logs_nothing(store: Store) -> None:
    load(store)
    rows = [entry("c1/a", "c2/x", created="2026-11-20"), entry("c1/b", "c3/y", note="n")]
    first = ad.import_entries(store, rows, today=TODAY)
    assert first.written and len(first.added) == 2
    snapshot = state(store)
    again = ad.import_entries(store, rows, today=date(2027, 1, 5))  # empty date: kept as is
    assert not again.written and len(again.unchanged) == 2
    version, graph, logged = state(store)
    assert version == snapshot[0] and logged == snapshot[2]
    assert isomorphic(graph, snapshot[1])


def test_a_file_with_one_bad_row_writes_nothing(store: Store) -> None:
    load(store)
    ad.add(store, entry("c1/a", "c2/x"), today=TODAY)
    snapshot = state(store)
    with pytest.raises(ad.CurationRejected) as caught:
        ad.import_entries(
            store,
            [
                entry("c1/b", "c2/x", file="f.csv", row=2),
                entry("c1/b", "c1/nope", file="f.csv", row=3),
            ],
            today=TODAY,
        )
    (error,) = caught.value.errors
    assert (error.code, error.file, error.row, error.column) == (
        "unknown-practice",
        "f.csv",
        3,
        "source",
    )
    version, graph, logged = state(store)
    assert version == snapshot[0] and logged == snapshot[2] and isomorphic(graph, snapshot[1])


def test_remove_and_replace(store: Store) -> None:
    load(store)
    ad.import_entries(store, [entry("c1/a", "c2/x"), entry("c1/b", "c3/y")], today=TODAY)
    removed = ad.remove(store, "c1/a", f"{X}")
    assert removed.written and [a.link for a in ad.current(store)] == [(B, Y)]
    replaced = ad.import_entries(store, [entry("c2/x", "c1/a")], replace_all=True, today=TODAY)
    assert [a.link for a in replaced.removed] == [(B, Y)]
    assert [a.link for a in ad.current(store)] == [(X, A)]
    ad.remove(store, "c2/x", "c1/a")
    assert ad.graph_iri(store) not in store.named_graphs()


def test_dry_run_checks_and_writes_nothing(memory: EmbeddedStore) -> None:
    snapshot = state(memory)
    outcome = ad.import_entries(memory, [entry("c1/a", "c2/x")], dry_run=True, today=TODAY)
    assert len(outcome.added) == 1 and not outcome.written
    assert state(memory)[0] == snapshot[0]


BAD_ENTRIES = [
    ("unknown practice", entry("c1/zzz", "c2/x"), "unknown-practice", "practice"),
    ("unknown source", entry("c1/a", "c2/zzz"), "unknown-practice", "source"),
    ("private practice", entry("c9/secret", "c2/x"), "unknown-practice", "practice"),
    ("same practice", entry("c1/a", "c1/a"), "same-practice", "source"),
    ("same collectivity", entry("c1/a", "c1/b"), "same-collectivity", "source"),
    ("cycle through survey data", entry("c2/x", "c3/y"), "cycle", "source"),
    ("missing curator", entry("c1/a", "c2/x", curator="  "), "missing-curator", "curator"),
    ("bad date", entry("c1/a", "c2/x", created="26/11/2026"), "bad-date", "date"),
    ("impossible date", entry("c1/a", "c2/x", created="2026-02-30"), "bad-date", "date"),
    ("future date", entry("c1/a", "c2/x", created="2026-12-01"), "future-date", "date"),
    ("bad reference", entry("c1/a b", "c2/x"), "bad-practice-reference", "practice"),
    ("missing practice", entry("", "c2/x"), "missing-value", "practice"),
]


@pytest.mark.parametrize(
    ("case", "bad", "code", "column"), BAD_ENTRIES, ids=[c[0] for c in BAD_ENTRIES]
)
def test_each_bad_entry_is_refused_in_both_languages(
    memory: EmbeddedStore, case: str, bad: ad.Entry, code: str, column: str
) -> None:
    snapshot = state(memory)
    with pytest.raises(ad.CurationRejected) as caught:
        ad.add(memory, bad, today=TODAY)
    (error,) = caught.value.errors
    assert (error.code, error.column) == (code, column), case
    assert error.message_fr and error.message_en and error.message_fr != error.message_en
    assert state(memory)[0] == snapshot[0]


def test_duplicates_and_direct_cycles(memory: EmbeddedStore) -> None:
    ad.add(memory, entry("c1/a", "c2/x"), today=TODAY)
    with pytest.raises(ad.CurationRejected) as caught:
        ad.add(memory, entry("c1/a", "c2/x"), today=TODAY)
    assert caught.value.errors[0].code == "duplicate-link"
    with pytest.raises(ad.CurationRejected) as caught:
        ad.add(memory, entry("c2/x", "c1/a"), today=TODAY)
    assert caught.value.errors[0].code == "cycle"
    assert "c2/x → c1/a → c2/x" in caught.value.errors[0].message_en
    rows = [entry("c1/b", "c2/x", file="f.csv", row=2), entry("c1/b", "c2/x", file="f.csv", row=5)]
    with pytest.raises(ad.CurationRejected) as caught:
        ad.import_entries(memory, rows, today=TODAY)
    assert [(e.code, e.row) for e in caught.value.errors] == [("duplicate-link", 5)]
    assert "2" in caught.value.errors[0].message_fr
    changed = [entry("c1/a", "c2/x", curator="Autre", file="f.csv", row=2)]
    with pytest.raises(ad.CurationRejected) as caught:
        ad.import_entries(memory, changed, today=TODAY)
    assert caught.value.errors[0].code == "duplicate-link"
    assert ad.import_entries(memory, changed, replace_all=True, today=TODAY).written


def test_every_error_of_a_file_is_reported_at_once(memory: EmbeddedStore) -> None:
    rows = [
        entry("c1/a", "c2/x", curator="", file="f.csv", row=2),
        entry("c1/a", "c2/x", created="hier", file="f.csv", row=3),
    ]
    with pytest.raises(ad.CurationRejected) as caught:
        ad.import_entries(memory, rows, today=TODAY)
    assert [(e.code, e.row) for e in caught.value.errors] == [
        ("missing-curator", 2),
        ("bad-date", 3),
    ]
    assert "fichier f.csv, ligne 3, colonne « date »" in caught.value.errors[1].message_fr
    assert 'file f.csv, row 3, column "date"' in caught.value.errors[1].message_en


CSV_CASES = [
    ("no header", b"", "empty-file", None),
    ("missing column", b"practice,source\n200012342/a,1/b\n", "missing-column", "curator"),
    ("unknown column", b"practice,source,curator,auteur\n", "unknown-column", "auteur"),
    ("latin-1", "practice,source,curator\na,b,Léa\n".encode("latin-1"), "not-utf8", None),
]


@pytest.mark.parametrize(
    ("case", "body", "code", "column"), CSV_CASES, ids=[c[0] for c in CSV_CASES]
)
def test_bad_files(tmp_path: Path, case: str, body: bytes, code: str, column: str | None) -> None:
    path = tmp_path / "liens.csv"
    path.write_bytes(body)
    with pytest.raises(ad.CurationRejected) as caught:
        ad.read_csv(path)
    assert (caught.value.errors[0].code, caught.value.errors[0].column) == (code, column), case
    assert caught.value.errors[0].file == "liens.csv"


def test_csv_with_bom_semicolons_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "liens.csv"
    text = "\ufeffPractice;Source;Curator;Note;Date\n\nc1/a;c2/x;Léa;« note; avec »;2026-01-02\n"
    path.write_text(text.replace("« note; avec »", '"« note; avec »"'), encoding="utf-8")
    (row,) = ad.read_csv(path)
    assert row == ad.Entry("c1/a", "c2/x", "Léa", "« note; avec »", "2026-01-02", "liens.csv", 3)


def test_shapes_catch_what_the_checks_would(memory: EmbeddedStore) -> None:
    """shapes/adaptation.ttl on graphs written by hand, bypassing the checks."""
    good = build_graph(BASE, [ad.Adaptation(A, X, "Léa", TODAY)])
    assert validate(memory, good, set()).conforms
    bad = build_graph(
        BASE,
        [ad.Adaptation(A, B, "Léa", TODAY), ad.Adaptation(X, A, " ", TODAY)],
    )
    report = validate(memory, bad, {(A, X)})
    shapes = {str(r.shape).rsplit("#", 1)[1] for r in report.violations}
    assert shapes == {
        "AdaptedFromOtherCollectivity",
        "AdaptedFromIsNotCircular",
        "AdaptationHasOneCurator",
    }
    assert all(r.message_fr and r.message_en for r in report.violations)


def test_practice_transfers_query_returns_the_link(store: Store) -> None:
    load(store)
    ad.add(store, entry("c1/a", "c2/x"), today=TODAY)
    named = named_queries.get("practice-transfers")
    rows = store.select(named.text, named.bind({}, base=BASE))
    found = {(r["practice"], r["source"]) for r in rows}
    assert found == {(A, X), (Y, X)}
    origin = store.select(named.text, named.bind({"origin": "c2"}, base=BASE))
    assert {r["practice"] for r in origin} == {A, Y}
