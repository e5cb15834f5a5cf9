"""Cross-check: the fast engine (``shacl``) gives exactly pyshacl's results on the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from ontology import DEFAULT_BASE
from shapes import Engine, Report, native, validate

EXAMPLES = Path(__file__).parent / "examples"
FILES = sorted(EXAMPLES.glob("*.ttl"))


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=DEFAULT_BASE)


def both(graph: Graph) -> tuple[Report, Report]:
    return validate(graph, engine="shacl"), validate(graph, engine="pyshacl")


def test_fast_engine_is_installed_and_usable() -> None:
    assert native.available()


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_engines_agree(path: Path) -> None:
    fast, reference = both(load(path))
    assert fast.to_dict() == reference.to_dict(), fast.to_text("en") + reference.to_text("en")
    # Blank focus nodes come back as the caller's own nodes, not as relabelled copies.
    assert [r.focus_node for r in fast.results] == [r.focus_node for r in reference.results]


def test_engines_agree_on_the_whole_corpus_at_once() -> None:
    graph = Graph()
    for path in FILES:
        graph += load(path)
    fast, reference = both(graph)
    assert fast.results, "the merged corpus has violations"
    assert fast.to_dict() == reference.to_dict()


def test_engines_agree_without_vocabularies() -> None:
    graph = load(EXAMPLES / "15-invalid-practice-implementer-not-collectivity.ttl")
    fast = validate(graph, vocabularies=False, engine="shacl")
    reference = validate(graph, vocabularies=False, engine="pyshacl")
    assert fast.to_dict() == reference.to_dict()


def test_awkward_literals_and_blank_nodes_round_trip() -> None:
    """Quotes, backslashes, newlines and non-ASCII text in values; a blank focus node."""
    graph = load(EXAMPLES / "24-invalid-practice-budget-as-text.ttl")
    budget = URIRef("https://w3id.org/essgraph/ontology#dedicatedBudget")
    practice = next(iter(graph.subjects(budget)))
    graph.add((practice, budget, Literal('1 "M€"\\ \n\r\tété ∑')))
    derivation = BNode()
    graph.add((derivation, URIRef("https://w3id.org/essgraph/ontology#forProperty"), budget))
    fast, reference = both(graph)
    assert fast.to_dict() == reference.to_dict()
    assert derivation in {r.focus_node for r in fast.results}


def test_an_iri_the_fast_engine_cannot_read_falls_back_to_pyshacl() -> None:
    graph = load(EXAMPLES / "01-valid-practice.ttl")
    graph.add((URIRef("https://example.org/a b"), URIRef("https://example.org/p"), Literal(1)))
    fast, reference = both(graph)
    assert fast.to_dict() == reference.to_dict()


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        validate(Graph(), engine="jena")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["shacl", "pyshacl"])
def test_a_sequence_of_graphs_is_validated_as_their_union(engine: Engine) -> None:
    first = load(EXAMPLES / "30-invalid-collectivity-siren-bad-luhn.ttl")
    second = load(EXAMPLES / "55-invalid-derivation-no-raw-value.ttl")
    union = validate(first + second, engine=engine)
    assert validate([first, second], engine=engine).to_dict() == union.to_dict()
    assert len(first) + len(second) == len(first + second), "the inputs are left untouched"


def test_fast_engine_maps_blank_focus_nodes_back_itself() -> None:
    """Regression: the engine numbers the compiled shapes' own blank nodes before the data's;
    a result on the data's first blank node must come back as that node, from the fast engine
    itself (not through the pyshacl fallback)."""
    ess = "https://w3id.org/essgraph/ontology#"
    prov = "http://www.w3.org/ns/prov#"
    graph = Graph()
    practice = URIRef(f"{DEFAULT_BASE}id/practice/x/y")
    response = URIRef(f"{DEFAULT_BASE}id/response/s/1")
    nodes = [BNode(f"n{i}") for i in range(1, 101)]
    for node in nodes:
        graph.add((practice, URIRef(f"{prov}qualifiedDerivation"), node))
        graph.add((node, URIRef(f"{prov}entity"), response))
        graph.add((node, URIRef(f"{ess}forProperty"), URIRef(f"{ess}dedicatedBudget")))
        graph.add((node, URIRef(f"{ess}sourceColumn"), Literal("B")))
        if node != nodes[0]:
            graph.add((node, URIRef(f"{ess}rawValue"), Literal("1")))
    assert native.shape_blank_count() > 0
    results = native.validate_graphs([graph], base=DEFAULT_BASE, vocabularies=True)
    raw_value = [r for r in results if r.path == URIRef(f"{ess}rawValue")]
    assert [r.focus_node for r in raw_value] == [nodes[0]]
