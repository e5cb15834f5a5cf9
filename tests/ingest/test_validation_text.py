"""SHACL on the batch's N-Triples text: results map back to the right nodes, files and rows,
and agree with pyshacl on the parsed graphs."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from ingest.batch import _entry, build_batch, read_sources
from ingest.build import FileBuild
from ingest.validation import derivation_subject, validate
from shapes import ValidationResult
from shapes import validate as shacl_validate

BASE = "https://w3id.org/essgraph/"
EXPORTS = resources.files("essgraph").joinpath("demo/exports")
SAMPLES = (
    ("limesurvey_results-survey482913_codes.csv", "limesurvey-2021"),
    ("surveymonkey_all-responses_actual-answer-text.xlsx", "surveymonkey-2021"),
    ("googleforms_reponses_formulaire.csv", "googleforms-2021"),
)
RAW_VALUE = "<https://w3id.org/essgraph/ontology#rawValue>"
SOURCE_ROW = "<https://w3id.org/essgraph/ontology#sourceRow>"


@pytest.fixture(scope="module")
def builds() -> list[FileBuild]:
    with resources.as_file(EXPORTS) as folder:
        sources = read_sources([(Path(folder) / name, profile) for name, profile in SAMPLES])
    return build_batch(sources, BASE)[0]


def _reference(builds: list[FileBuild]) -> list[ValidationResult]:
    """pyshacl on the parsed graphs of the whole batch (the reference engine)."""
    return shacl_validate([b.public for b in builds], base=BASE, engine="pyshacl").results


def _comparable(result: ValidationResult) -> tuple[object, ...]:
    focus = result.focus_node
    return (
        result.severity,
        str(result.shape),
        str(result.path),
        str(result.value),
        "blank" if isinstance(focus, BNode) else str(focus),
    )


def test_blank_labels_first_appear_in_counting_order(builds: list[FileBuild]) -> None:
    """The engine numbers blank nodes by first appearance; the mapping back relies on it."""
    for build in builds:
        labels = re.findall(r"_:(\S+)", build.public_text)
        first = list(dict.fromkeys(labels))
        assert first == [f"{build.blank_prefix}{n}" for n in range(1, build.blanks + 1)]
        assert "_:" not in build.private_text
    prefixes = {b.blank_prefix for b in builds}
    assert len(prefixes) == len(builds)


def test_the_samples_conform(builds: list[FileBuild]) -> None:
    results = validate(builds, Graph(), BASE)
    assert [r for r in results if r.severity == "violation"] == []


def test_a_bad_derivation_is_placed_in_its_file_and_row(builds: list[FileBuild]) -> None:
    """A violation on a blank node (a derivation) maps back to the node, its subject and row;
    pyshacl, on the parsed graphs, finds the same results."""
    build = builds[1]
    label = f"{build.blank_prefix}7"
    original = build.public_text
    try:
        build.public_text += f'_:{label} {RAW_VALUE} "sans type"@fr .\n'
        build.__dict__.pop("public", None)  # the parsed graph, if a test made it
        fast = validate(builds, Graph(), BASE)
        reference = _reference(builds)
        bad = [r for r in fast if r.severity == "violation"]
        assert len(bad) == 1
        assert bad[0].focus_node == BNode(label)
        assert str(bad[0].path).endswith("#rawValue")
        assert sorted(map(_comparable, fast)) == sorted(map(_comparable, reference))
        subject = derivation_subject(build, BNode(label))
        assert isinstance(subject, URIRef) and subject in build.origins
        entry = _entry(bad[0], builds)
        origin = build.origins[subject]
        assert (entry.file, entry.row) == (origin.file, origin.row)
        assert entry.file == "surveymonkey_all-responses_actual-answer-text.xlsx"
        assert entry.row is not None
        assert "brute" in entry.message_fr and "raw value" in entry.message_en
    finally:
        build.public_text = original
        build.__dict__.pop("public", None)
        build.__dict__.pop("public", None)


def test_a_bad_iri_subject_result_names_its_response(builds: list[FileBuild]) -> None:
    build = builds[0]
    response = next(iri for iri in build.origins if "/response/" in str(iri))
    original = build.public_text
    try:
        build.public_text += f'<{response}> {SOURCE_ROW} "deux" .\n'
        build.__dict__.pop("public", None)
        fast = validate(builds, Graph(), BASE)
        bad = [r for r in fast if r.severity == "violation"]
        assert bad and all(r.focus_node == response for r in bad)
        entry = _entry(bad[0], builds)
        assert entry.row == build.origins[response].row
        reference = _reference(builds)
        assert sorted(map(_comparable, fast)) == sorted(map(_comparable, reference))
    finally:
        build.public_text = original
        build.__dict__.pop("public", None)


def test_rebuilding_writes_the_same_text(builds: list[FileBuild]) -> None:
    """Blank labels are counted, not random: a second build of the batch is byte-identical."""
    with resources.as_file(EXPORTS) as folder:
        sources = read_sources([(Path(folder) / name, profile) for name, profile in SAMPLES])
    again = build_batch(sources, BASE)[0]
    for first, second in zip(builds, again, strict=True):
        assert first.public_text == second.public_text
        assert first.private_text == second.private_text
        assert first.report.triples == len(first.public) > 0
