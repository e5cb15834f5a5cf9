"""SHACL shapes for essgraph and ``validate(graph) -> Report``.

The shapes are package data (``*.ttl``, read with importlib.resources), split by target:
practices, collectivities, policies and posts, thesaurus concepts, provenance. Each shape is
named after the requirement it checks (``shp:PracticeHasFrenchTitle``) and carries its name,
description and message in French and English; ``sh:Violation`` blocks an ingest,
``sh:Warning`` is only reported.

Two engines check the same shapes: the ``shacl`` package (Rust, see ``shapes.native``), the
default, 25–35× faster on an ingest batch, and pyshacl (``engine="pyshacl"``), the
reference, which the tests run on the whole example corpus to cross-check the other.
Whatever the fast engine's output cannot be mapped back exactly is validated with pyshacl.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Literal

from pyshacl import validate as _pyshacl_validate
from rdflib import Graph, Namespace

from ontology import DEFAULT_BASE, bind_prefixes, ontology_graph, thesauri_graph
from shapes import native
from shapes.report import Report, ValidationResult

__all__ = [
    "ENGINES",
    "SHAPE_FILES",
    "SHP",
    "Engine",
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

Engine = Literal["shacl", "pyshacl"]
ENGINES: tuple[Engine, ...] = ("shacl", "pyshacl")

_log = logging.getLogger(__name__)

SHAPE_FILES = ("practice", "collectivity", "policy", "concept", "provenance", "adaptation")


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


def validate(
    graph: Graph | Sequence[Graph],
    *,
    base: str = DEFAULT_BASE,
    vocabularies: bool = True,
    engine: Engine = "shacl",
) -> Report:
    """Validate ``graph`` against every shape; the graph itself is left untouched.

    ``graph`` may be a sequence of graphs: their union is validated, without copying them
    into one graph first.

    With ``vocabularies`` the ontology and the thesauri (parsed against ``base``) are added
    to the data, so concept references resolve and the concepts are checked too.
    No inference, no ``owl:imports`` followed: what is validated is what will be stored.
    ``engine`` picks the validator: ``"shacl"`` (fast; falls back to pyshacl when it is
    missing or its output cannot be mapped back exactly) or ``"pyshacl"``.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}")
    graphs = [graph] if isinstance(graph, Graph) else list(graph)
    if engine == "shacl" and native.available():
        try:
            results = native.validate_graphs(graphs, base=base, vocabularies=vocabularies)
        except native.Unsupported as reason:
            _log.info("fast SHACL engine not usable here (%s): using pyshacl", reason)
        else:
            return Report(results, base=base)
    return _validate_pyshacl(graphs, base=base, vocabularies=vocabularies)


def _validate_pyshacl(graphs: list[Graph], *, base: str, vocabularies: bool) -> Report:
    data = Graph()
    if vocabularies:
        data += vocabularies_graph(base)
    for graph in graphs:
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
