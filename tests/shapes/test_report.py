"""The report renderers, the shapes themselves, and the real vocabularies against them."""

from __future__ import annotations

import json
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, SH, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ontology import DEFAULT_BASE
from shapes import SHP, Report, ValidationResult, shapes_graph, validate

EXAMPLES = Path(__file__).parent / "examples"
OTHER_BASE = "https://ess.example.org/"


def load(name: str, base: str = DEFAULT_BASE) -> Graph:
    return Graph().parse(EXAMPLES / name, format="turtle", publicID=base)


@pytest.fixture(scope="module")
def mixed_report() -> Report:
    """Two violations (SIRET, bad Luhn) and one warning (no SIREN) on three collectivities."""
    graph = load("32-invalid-collectivity-siret.ttl")
    graph += load("30-invalid-collectivity-siren-bad-luhn.ttl")
    graph += load("06-valid-collectivity-without-siren-warns.ttl")
    return validate(graph)


def test_shapes_graph_passes_shacl_shacl() -> None:
    conforms, _graph, text = pyshacl.validate(
        shapes_graph(), shacl_graph=None, meta_shacl=True, inference="none", advanced=True
    )
    assert conforms, text


def test_every_named_shape_is_documented_in_french_and_english() -> None:
    graph = shapes_graph()
    named = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    assert len(named) > 40
    for shape in named:
        assert str(shape).startswith(str(SHP)), shape
        for predicate in (SH.name, SH.description, SH.message):
            langs = {o.language for o in graph.objects(shape, predicate) if isinstance(o, Literal)}
            assert {"fr", "en"} <= langs, (shape, predicate)
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape


def test_shapes_graph_is_cached() -> None:
    assert shapes_graph() is shapes_graph()


def test_real_thesauri_and_ontology_validate_clean() -> None:
    report = validate(Graph())
    assert report.conforms
    assert report.results == [], report.to_text("en")


def test_vocabularies_can_be_left_out() -> None:
    report = validate(load("01-valid-practice.ttl"), vocabularies=False)
    shapes = {r.shape for r in report.violations}
    # without the thesauri, concept references cannot resolve
    assert SHP.UsedLeverIsLever in shapes
    assert SHP.CollectivityHasExactlyOneKind in shapes


def test_validation_does_not_depend_on_the_base() -> None:
    name = "17-invalid-practice-lever-is-theme.ttl"
    here = validate(load(name))
    there = validate(load(name, OTHER_BASE), base=OTHER_BASE)
    assert [(r.severity, r.shape) for r in here.results] == [
        (r.severity, r.shape) for r in there.results
    ]
    assert validate(load("02-valid-full-provenance.ttl", OTHER_BASE), base=OTHER_BASE).conforms


def test_validate_leaves_the_graph_alone() -> None:
    graph = load("01-valid-practice.ttl")
    before = len(graph)
    validate(graph)
    assert len(graph) == before


def test_report_counts_and_order(mixed_report: Report) -> None:
    assert not mixed_report.conforms
    assert len(mixed_report.violations) == 2
    assert len(mixed_report.warnings) == 1
    severities = [r.severity for r in mixed_report.results]
    assert severities == sorted(severities, key=["violation", "warning", "info"].index)
    again = Report(list(reversed(mixed_report.results)), base=mixed_report.base)
    assert again.results == mixed_report.results


def test_text_in_french(mixed_report: Report) -> None:
    text = mixed_report.to_text("fr")
    first = text.splitlines()[0]
    assert first == "Non conforme : 2 violations, 1 avertissement"
    assert "[violation] <id/collectivity/200012342>" in text
    assert "[avertissement] <id/collectivity/saint-aubin-les-pres>" in text
    assert "chemin" in text and "ess:siren" in text
    assert 'valeur     : "20001234200017"^^xsd:string' in text
    assert "shp:SirenIsNineDigits" in text
    assert "ne vérifie pas la clé de Luhn" in text


def test_text_in_english(mixed_report: Report) -> None:
    text = mixed_report.to_text("en")
    assert text.splitlines()[0] == "Does not conform: 2 violations, 1 warning"
    assert "[warning] <id/collectivity/saint-aubin-les-pres>" in text
    assert "fails the Luhn check" in text
    assert "clé de Luhn" not in text


def test_summary_of_a_clean_report() -> None:
    report = Report([])
    assert report.conforms
    assert report.summary("fr") == "Conforme : 0 violation, 0 avertissement"
    assert report.summary("en") == "Conforms: 0 violations, 0 warnings"


def test_json_round_trips(mixed_report: Report) -> None:
    text = mixed_report.to_json()
    data = json.loads(text)
    assert list(data) == ["conforms", "base", "counts", "results"]
    assert data["conforms"] is False
    assert data["counts"] == {"violation": 2, "warning": 1, "info": 0}
    first = data["results"][0]
    assert list(first) == [
        "severity",
        "focusNode",
        "path",
        "value",
        "shape",
        "component",
        "message",
    ]
    assert first["value"] == {"type": "literal", "value": "20001234200017"}
    assert set(first["message"]) == {"fr", "en"}
    back = Report.from_json(text)
    assert back.results == mixed_report.results
    assert back.to_json() == text


def test_turtle_is_a_shacl_validation_report(mixed_report: Report) -> None:
    graph = Graph().parse(data=mixed_report.to_turtle(), format="turtle")
    report = graph.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report is not None
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == 3
    for result in results:
        langs = {m.language for m in graph.objects(result, SH.resultMessage)}
        assert langs == {"fr", "en"}
    assert (None, SH.sourceShape, SHP.SirenPassesLuhn) in graph
    assert isomorphic(graph, mixed_report.to_graph())


def test_messages_fall_back_to_pyshacl_text() -> None:
    """A shape without sh:message still yields a message in both languages."""
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ;
            sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .
        """,
        format="turtle",
    )
    _c, results, _t = pyshacl.validate(Graph(), shacl_graph=shapes, inference="none")
    assert isinstance(results, Graph)
    report = Report.from_results_graph(results)
    (result,) = report.results
    assert result.message_en == result.message_fr
    assert "Less than 1 values" in result.message_en


def test_sparql_constraint_messages_keep_their_language() -> None:
    """Regression: pyshacl 0.40 returns SPARQL-based messages without their language tag."""
    report = validate(load("30-invalid-collectivity-siren-bad-luhn.ttl"))
    (result,) = report.results
    assert result.shape == SHP.SirenPassesLuhn
    assert result.message_fr.startswith("Le numéro SIREN ne vérifie pas la clé de Luhn")
    assert result.message_en.startswith("The SIREN number fails the Luhn check")


@pytest.mark.parametrize(
    "value",
    [
        Literal("1890", datatype=XSD.gYear),
        Literal("Recyclerie", lang="fr"),
        Literal("x"),
        URIRef("https://w3id.org/essgraph/id/theme/T3.1"),
        None,
    ],
    ids=["typed", "lang", "plain", "iri", "none"],
)
def test_result_terms_round_trip_through_json(value: Literal | URIRef | None) -> None:
    result = ValidationResult(
        focus_node=URIRef("https://w3id.org/essgraph/id/practice/a/b"),
        path=URIRef("https://w3id.org/essgraph/ontology#startYear"),
        value=value,
        severity="violation",
        message_fr="m",
        message_en="m",
        shape=SHP.PracticeStartYearIsPlausible,
        component=SH.PatternConstraintComponent,
    )
    back = ValidationResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert back == result
