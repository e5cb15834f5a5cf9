"""The N-Triples writer: escaping checked by parsing back (rdflib and Oxigraph), labels, repeats."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef

from ingest.ntriples import (
    NTriplesError,
    TripleWriter,
    boolean,
    date_time,
    decimal,
    g_year,
    integer,
    iri,
    literal,
    parse,
    term,
)

S = URIRef("https://w3id.org/essgraph/id/response/x/1")
P = URIRef("https://w3id.org/essgraph/ontology#rawValue")

TEXTS = [
    'Il a dit "oui"',
    "C:\\chemin\\fichier",
    "ligne 1\nligne 2\r\nligne 3",
    "tab\tet\x0bvertical\x00nul\x1fus\x7fdel",
    "Économie sociale – 1,5 M€ ; œuvre ; 漢字 ; emoji 🌱",
    "\u202f150\u00a0000 €",
    "fin par antislash \\",
    '\\"',
    "",
    "\\u00e9 n'est pas é",
]


def _oxigraph(text: str) -> list[ox.Triple]:
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("text", TEXTS)
def test_plain_literals_read_back_exactly(text: str) -> None:
    line = f"{term(S)} {term(P)} {literal(text).nt} .\n"
    graph = parse(line)
    assert set(graph) == {(S, P, Literal(text))}
    (triple,) = _oxigraph(line)
    assert isinstance(triple.object, ox.Literal) and triple.object.value == text


@pytest.mark.parametrize("text", TEXTS)
def test_language_tagged_literals_read_back_exactly(text: str) -> None:
    graph = parse(f"{term(S)} {term(P)} {literal(text, 'fr').nt} .\n")
    assert set(graph) == {(S, P, Literal(text, lang="fr"))}


def test_typed_literals_match_what_rdflib_writes() -> None:
    when = datetime(2021, 3, 4, 10, 5, 6)
    aware = datetime(2021, 3, 4, 10, 5, 6, tzinfo=timezone(timedelta(hours=1)))
    cases = [
        (boolean(True), Literal(True)),
        (boolean(False), Literal(False)),
        (integer(42), Literal(42)),
        (decimal(Decimal("1500000.00")), Literal("1500000", datatype=XSD.decimal)),
        (decimal(Decimal("0.50")), Literal("0.5", datatype=XSD.decimal)),
        (decimal(Decimal("1.5E+6")), Literal("1500000", datatype=XSD.decimal)),
        (date_time(when), Literal(when, datatype=XSD.dateTime)),
        (date_time(aware), Literal(aware, datatype=XSD.dateTime)),
        (
            date_time(datetime(2021, 3, 4, tzinfo=UTC)),
            Literal("2021-03-04T00:00:00+00:00", datatype=XSD.dateTime),
        ),
        (g_year(2015), Literal("2015", datatype=XSD.gYear)),
        (literal("x", datatype=str(XSD.string)), Literal("x")),
    ]
    for ours, theirs in cases:
        assert ours.nt == theirs.n3(), (ours, theirs)
        graph = parse(f"{term(S)} {term(P)} {ours.nt} .\n")
        assert set(graph) == {(S, P, theirs)}


def test_lexical_form_is_what_reports_show() -> None:
    assert str(literal("Métropole", "fr")) == "Métropole"
    assert str(decimal(Decimal("3.50"))) == "3.5"
    assert str(boolean(True)) == "true"


def test_rdflib_terms_are_written_as_rdflib_reads_them() -> None:
    for node in [
        Literal('a "b"\nc', lang="en-GB"),
        Literal("12", datatype=XSD.integer),
        Literal("é\\"),
        URIRef("https://w3id.org/essgraph/id/collectivity/200012342"),
    ]:
        graph = parse(f"{term(S)} {term(P)} {term(node)} .\n")
        assert set(graph) == {(S, P, node)}


@pytest.mark.parametrize(
    "bad",
    [
        "https://x.org/a b",
        "https://x.org/<a>",
        'https://x.org/"',
        "https://x.org/a\\b",
        "https://x.org/{a}",
        "https://x.org/a\nb",
    ],
)
def test_iris_n_triples_cannot_hold_are_refused(bad: str) -> None:
    with pytest.raises(NTriplesError):
        iri(bad)
    with pytest.raises(NTriplesError):
        term(URIRef(bad))


def test_bad_language_tag_is_refused() -> None:
    with pytest.raises(NTriplesError):
        literal("x", "fr fr")


def test_repeats_are_dropped_within_a_scope_and_blank_labels_are_ordered() -> None:
    writer = TripleWriter.for_source("limesurvey-482913", "d")
    o = literal("v").nt
    writer.add((S, P, o))
    writer.add((S, P, o))  # same response: one line
    node = writer.blank()
    writer.add((S, P, node))
    writer.add((node, P, o))
    writer.add((node, P, o))  # about a fresh blank node: the caller never repeats these
    writer.new_scope()
    writer.add((S, P, o))  # another response may say it again (the store reads one)
    second = writer.blank()
    writer.write(f"{term(S)} {term(P)} {second} .\n{second} {term(P)} {o} .\n", 2)
    text = writer.text()
    assert len(writer) == text.count("\n") == 7
    labels = re.findall(r"_:(\S+)", text)
    first_seen = list(dict.fromkeys(labels))
    assert first_seen == [f"{writer.blank_prefix}1", f"{writer.blank_prefix}2"]
    graph = parse(text)
    assert len(graph) == 5  # (S P o), (S P _1), (_1 P o), (S P _2), (_2 P o)
    assert len(set(graph.subjects())) == 3


def test_files_get_distinct_blank_labels() -> None:
    one = TripleWriter.for_source("a", "d").blank()
    two = TripleWriter.for_source("b", "d").blank()
    assert one != two
    assert TripleWriter.for_source("a", "d").blank() == one  # deterministic


def test_output_parses_as_one_graph_with_oxigraph() -> None:
    writer = TripleWriter()
    for n, text in enumerate(TEXTS):
        node = writer.blank()
        writer.add((URIRef(f"{S}/{n}"), P, node))
        writer.add((node, P, literal(text)))
    writer.new_scope()
    triples = _oxigraph(writer.text())
    assert len(triples) == 2 * len(TEXTS)
    assert {t.object.value for t in triples if isinstance(t.object, ox.Literal)} == set(TEXTS)


def test_blank_nodes_and_graph_text() -> None:
    from ingest.ntriples import graph_text

    graph = Graph()
    b = BNode()
    graph.add((S, P, b))
    graph.add((b, P, Literal("x")))
    text = graph_text(graph, prefix="e1x")
    assert "_:e1x1" in text
    from rdflib.compare import isomorphic

    assert isomorphic(parse(text), graph)


def test_text_stays_one_byte_per_character() -> None:
    """Characters past U+00FF are escaped, so a batch's text is Latin-1 in memory."""
    import sys

    texts = [literal(t).nt for t in TEXTS] + [literal("été 2021 – 1,5 M€", "fr").nt]
    joined = "".join(texts)
    assert max(map(ord, joined)) <= 0xFF
    assert "\\u20AC" in joined and "\\U0001F331" in joined and "é" in joined
    assert sys.getsizeof(joined) < len(joined) + 100


def test_an_iri_rdf_cannot_hold_is_a_clear_ingest_error() -> None:
    """A source id with a space (only possible from code, profiles refuse it) names the row."""
    from ingest.build import FileBuilder, SourceContext
    from ingest.errors import IngestError
    from ingest.reconcile import reconciler
    from ingest.records import ResponseRecord, SourceInfo

    info = SourceInfo("mal nommé", "x.csv", "sha256:" + "0" * 64, "p", datetime(2026, 1, 1), 0)
    builder = FileBuilder(
        SourceContext(info, "s", None, 2020), reconciler("https://w3id.org/essgraph/")
    )
    record = ResponseRecord("mal nommé", "1", 2, None, "complete")
    with pytest.raises(IngestError) as err:
        builder.add(record, None)
    assert err.value.code == "unwritable-term"
    assert err.value.row == 2 and "x.csv" in err.value.message_fr
    assert "RDF" in err.value.message_en
