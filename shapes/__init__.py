"""SHACL shapes for essgraph and ``validate(graph) -> Report``.

The shapes are package data (``*.ttl``, read with importlib.resources), split by target:
practices, collectivities, policies and posts, thesaurus concepts, provenance. Each shape is
named after the requirement it checks (``shp:PracticeHasFrenchTitle``) and carries its name,
description and message in French and English; ``sh:Violation`` blocks an ingest,
``sh:Warning`` is only reported.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pyshacl import validate as _pyshacl_validate
from rdflib import Graph, Namespace

from ontology import DEFAULT_BASE, bind_prefixes, ontology_graph, thesauri_graph
from shapes.report import Report, ValidationResult

__all__ = [
    "SHAPE_FILES",
    "SHP",
    "Report",
    "ValidationResult",
    "shapes_graph",
    "shapes_turtle",
    "validate",
    "vocabularies_graph",
]

#: The shapes namespace: fixed for every deployment, like the ontology's.
SHP = Namespace("https://w3id.org/essgraph/shapes#")
SHAPES_IRI = "https://w3id.org/essgraph/shapes"

SHAPE_FILES = ("practice", "collectivity", "policy", "concept", "provenance")


def shapes_turtle(name: str) -> str:
    """One shapes file (``{name}.ttl``) as Turtle text."""
    if name not in SHAPE_FILES:
        raise KeyError(name)
    return resources.files(__package__).joinpath(f"{name}.ttl").read_text(encoding="utf-8")


@cache
def shapes_graph() -> Graph:
    """Every shapes file in one graph (cached: treat as read-only)."""
    graph = bind_prefixes(Graph())
    graph.bind("shp", SHP)
    for name in SHAPE_FILES:
        graph.parse(data=shapes_turtle(name), format="turtle")
    return graph


@cache
def vocabularies_graph(base: str = DEFAULT_BASE) -> Graph:
    """The ontology and the thesauri parsed against ``base`` (cached: treat as read-only).

    Mixed into the data graph so that ``sh:class ess:Lever`` finds the thesaurus concepts.
    """
    graph = Graph()
    graph += ontology_graph()
    graph += thesauri_graph(base)
    return graph


def validate(graph: Graph, *, base: str = DEFAULT_BASE, vocabularies: bool = True) -> Report:
    """Validate ``graph`` against every shape; the graph itself is left untouched.

    With ``vocabularies`` the ontology and the thesauri (parsed against ``base``) are added
    to a copy of the data, so concept references resolve and the concepts are checked too.
    No inference, no ``owl:imports`` followed: what is validated is what will be stored.
    """
    data = Graph()
    if vocabularies:
        data += vocabularies_graph(base)
    data += graph
    _conforms, results_graph, _text = _pyshacl_validate(
        data,
        shacl_graph=shapes_graph(),
        inference="none",
        inplace=True,
        advanced=True,
        allow_infos=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    if not isinstance(results_graph, Graph):  # pragma: no cover - pyshacl's own failure
        raise RuntimeError("pyshacl returned no report graph")
    return Report.from_results_graph(results_graph, base=base, shapes=shapes_graph())
