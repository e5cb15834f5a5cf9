"""The fast ranking of similar practices (cells of practices split by masks, text read only
where it can change the page) gives exactly the ranking of scoring every pair, on a graph
from bench/generate_graph.py (hundreds of practices sharing words and concepts), with
filters and at any page."""

from __future__ import annotations

import io
import runpy
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.discovery import similar
from api.discovery.state import Current, Discovery
from ontology import DEFAULT_BASE
from store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Current, EmbeddedStore]]:
    generate = runpy.run_path(str(ROOT / "bench" / "generate_graph.py"))["generate"]
    text = io.StringIO()
    generate(text, 12_000)
    store = EmbeddedStore(DEFAULT_BASE)
    store._db.load(input=text.getvalue().encode(), format=ox.RdfFormat.N_QUADS)
    discovery = Discovery(store, Path(tmp_path_factory.mktemp("index")))
    yield discovery.current(), store
    store.close()


def every_pair(
    current: Current, store: EmbeddedStore, iri: str, kinds: set[str] | None
) -> list[tuple[str, float]]:
    """The definition: every other collectivity's practice scored, best first, ties by title."""
    snapshot = current.snapshot
    model = similar.model_of(current, store)
    origin = snapshot.practices[iri]
    out: list[tuple[float, str]] = []
    for other, practice in snapshot.practices.items():
        if other == iri or practice.collectivity == origin.collectivity:
            continue
        if kinds and not kinds & practice.values.get("kind", set()):
            continue
        concepts = sum(similar.concept_score(model, iri, other, f) for f in ("lever", "theme"))
        score = concepts + similar.TEXT_WEIGHT * similar.text_similarity(model, iri, other)[0]
        if score > 0:
            out.append((score, other))
    rank = snapshot.rank("fr")
    out.sort(key=lambda m: (-round(m[0], 9), rank[m[1]]))
    return [(other, round(score, 6)) for score, other in out]


def test_the_ranking_is_that_of_scoring_every_pair(
    demo: tuple[Current, EmbeddedStore],
) -> None:
    current, store = demo
    snapshot = current.snapshot
    metropoles = {snapshot.iri_of("kind", "metropole")}
    assert len(snapshot.practices) > 300
    for iri in sorted(snapshot.practices)[::25]:
        for kinds in (None, metropoles):
            expected = every_pair(current, store, iri, kinds)
            pages = [(0, None), (0, 3), (2, 2), *((start, 1) for start in range(8))]
            for start, count in pages:
                ranked = similar.similar(
                    current, store, iri, "fr", kinds=kinds, start=start, count=count
                )
                got = [(m.practice.iri, round(m.score, 6)) for m in ranked.page]
                end = None if count is None else start + count
                assert ranked.total == len(expected)
                assert got == expected[start:end], (iri, kinds, start, count)
