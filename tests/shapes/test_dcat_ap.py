"""``/dataset`` against the official DCAT-AP 3.0.1 shapes (shapes/dcat-ap/, unmodified).

Profile: shapes.ttl + range.ttl + mdr-vocabularies.shape.ttl + shapes_recommended.ttl, no
``owl:imports``, no network; the EU code-list entries the description uses are merged into
the data graph from shapes/dcat-ap/code-lists.ttl. Two upstream defects are repaired in
memory only (the files stay byte-identical): ``sh:shape`` → ``sh:node`` (documented
upstream: without it dates are never checked), and the SPDX namespace pattern (the shape
demands ``https://spdx.org/rdf/terms`` while SPDX terms are ``http://spdx.org/rdf/terms#``).
Tests below show each defect exists, so the repairs can be dropped when upstream fixes them.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, SH

from api.app import create_app
from essgraph.cli_serve import _load_demo
from essgraph.settings import Settings
from store.embedded import EmbeddedStore
from store.terms import to_rdflib

BASE = "https://w3id.org/essgraph/"
log = logging.getLogger(__name__)
FOLDER = Path(__file__).resolve().parents[2] / "shapes" / "dcat-ap"
PROFILE = ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "shapes_recommended.ttl")
#: sha256 of the upstream files (SEMICeu/DCAT-AP 7c531da7, releases/3.0.1/html/shacl/).
UPSTREAM = {
    "shapes.ttl": "7fe9815e0f32b10f5cbce74fa6ccd0290aae3ef9e5080fb84e2d8093eb984d1d",
    "range.ttl": "24d3bfd0fa17a3d0e877c9ebb91c8174124e5038538e1bf081b2cb679ad0f1b2",
    "mdr-vocabularies.shape.ttl": (
        "2362f83971766a15cc20b2b54420022dc10547dd2c483da02080847c61b4b45a"
    ),
    "shapes_recommended.ttl": "9afbf23f1f56d10d6839259684934137e20506a9aedce0249b619bbc593b9abd",
}
DATASET = URIRef(f"{BASE}dataset")
SPDX_PATTERN = "^https://spdx.org/rdf/terms"
#: Not a SHACL term: pyshacl ignores it silently (the upstream defect).
SH_SHAPE = URIRef("http://www.w3.org/ns/shacl#shape")


@pytest.fixture(scope="module")
def described() -> Iterator[Graph]:
    """``/dataset`` as Turtle, fetched over HTTP from the app on the demo data."""
    store = EmbeddedStore(BASE)
    _load_demo(store)

    async def get() -> bytes:
        transport = httpx.ASGITransport(app=create_app(Settings(store="memory"), store))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answer = await c.get("/dataset", headers={"Accept": "text/turtle"})
            assert answer.status_code == 200, answer.text
            return answer.content

    body = asyncio.run(get())
    graph = Graph()
    for quad in ox.parse(body, format=ox.RdfFormat.TURTLE):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    yield graph
    store.close()


def shapes(*, fix_shape: bool = True, fix_spdx: bool = True) -> Graph:
    graph = Graph()
    for name in PROFILE:
        graph.parse(FOLDER / name, format="turtle")
    if fix_shape:  # the upstream README's repair: sh:shape is not SHACL
        for s, _, o in list(graph.triples((None, SH_SHAPE, None))):
            graph.remove((s, SH_SHAPE, o))
            graph.add((s, SH.node, o))
    if fix_spdx:
        for s, _, o in list(graph.triples((None, SH.pattern, Literal(SPDX_PATTERN)))):
            graph.remove((s, SH.pattern, o))
            graph.add((s, SH.pattern, Literal("^https?://spdx.org/rdf/terms")))
    return graph


def code_lists() -> Graph:
    return Graph().parse(FOLDER / "code-lists.ttl", format="turtle")


def results(data: Graph, shape_graph: Graph) -> list[tuple[str, str, str, str]]:
    """Top-level results (severity, focus, path, message); nested details are left out."""
    _, report, _ = validate(
        data, shacl_graph=shape_graph, inference="none", allow_warnings=True, do_owl_imports=False
    )
    assert isinstance(report, Graph)
    found = []
    for result in report.objects(None, SH.result):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        found.append(
            (
                severity,
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.resultPath)),
                str(report.value(result, SH.resultMessage)),
            )
        )
    return sorted(found)


def violations(found: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    return [r for r in found if r[0] == "Violation"]


def test_copies_are_byte_identical_to_upstream() -> None:
    for name, digest in UPSTREAM.items():
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == digest, name
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name, digest in UPSTREAM.items():
        assert re.search(rf"{digest}\s+{re.escape(name)}", readme), name


def test_dataset_description_conforms(described: Graph) -> None:
    found = results(described + code_lists(), shapes())
    assert violations(found) == []
    warnings = [r for r in found if r[0] == "Warning"]
    log.warning("%d DCAT-AP warnings (recommended properties, non-EU publisher):", len(warnings))
    for _, focus, path, message in warnings:
        log.warning("  %s %s: %s", focus, path, message)
    assert all(r[0] in ("Warning", "Info") for r in found)


def test_code_lists_are_needed(described: Graph) -> None:
    """Without the EU code-list entries the range and vocabulary checks fail: the local
    file really is what makes the description conform."""
    paths = {r[2] for r in violations(results(described, shapes()))}
    assert str(DCTERMS.language) in paths
    assert str(DCTERMS.accrualPeriodicity) in paths
    assert str(DCTERMS["format"]) in paths


def test_spdx_pattern_defect_is_the_only_upstream_violation(described: Graph) -> None:
    found = violations(results(described + code_lists(), shapes(fix_spdx=False)))
    assert found, "the SPDX pattern defect is gone upstream: drop the in-memory repair"
    assert {r[2] for r in found} == {"http://spdx.org/rdf/terms#algorithm"}
    assert len(found) == 3  # one checksum per distribution


def test_dates_are_checked_only_with_the_sh_shape_repair(described: Graph) -> None:
    broken = described + code_lists()
    broken.remove((DATASET, DCTERMS.modified, None))
    broken.add((DATASET, DCTERMS.modified, Literal("15 January 2024")))
    unrepaired = violations(results(broken, shapes(fix_shape=False)))
    assert not [r for r in unrepaired if r[2] == str(DCTERMS.modified)]  # upstream defect
    repaired = violations(results(broken, shapes()))
    assert [r for r in repaired if r[1] == str(DATASET) and r[2] == str(DCTERMS.modified)]


def test_a_broken_description_is_rejected(described: Graph) -> None:
    broken = described + code_lists()
    broken.remove((DATASET, DCTERMS.title, None))
    distribution = next(broken.objects(DATASET, DCAT.distribution))
    broken.remove((distribution, DCAT.byteSize, None))
    broken.add((distribution, DCAT.byteSize, Literal("20480.5", datatype=XSD.decimal)))
    service = next(broken.subjects(RDF.type, DCAT.DataService))
    endpoint = broken.value(service, DCAT.endpointURL)
    broken.remove((service, DCAT.endpointURL, None))
    broken.add((service, DCAT.endpointURL, Literal(str(endpoint))))
    found = {(r[1], r[2]) for r in violations(results(broken, shapes()))}
    assert (str(DATASET), str(DCTERMS.title)) in found
    assert (str(distribution), str(DCAT.byteSize)) in found
    assert (str(service), str(DCAT.endpointURL)) in found
