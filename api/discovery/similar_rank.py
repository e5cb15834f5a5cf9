"""Ranking of similar practices: the practices of other collectivities, best first.

Why masks: the per-pair scores of :mod:`api.discovery.similar_model` are too slow to compute
against every practice of a large graph, so the practices are grouped into cells by bit masks
and each cell is scored once; only the cells that can reach the page are read one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from api.discovery.facets import Practice, Snapshot
from api.discovery.similar_model import (
    CONCEPT_FACETS,
    PARTIAL,
    TEXT_WEIGHT,
    Model,
    Shared,
    model_of,
    shared_concepts,
    text_similarity,
)
from api.discovery.state import Current
from api.i18n import Lang
from store import Store


@dataclass(frozen=True)
class Match:
    """One similar practice: its score and the parts of it, and why (concepts, words)."""

    practice: Practice
    score: float
    concept_score: float
    text_score: float
    concepts: list[Shared]
    words: list[str]


@dataclass(frozen=True)
class Ranked:
    """Every match's scores, best first, and the page of it explained."""

    total: int
    page: list[Match]


def similar(
    current: Current,
    store: Store,
    iri: str,
    lang: Lang,
    *,
    kinds: set[str] | None = None,
    regions: set[str] | None = None,
    start: int = 0,
    count: int | None = None,
) -> Ranked:
    """Practices of other collectivities with a positive score, best first (ties: title);
    ``start``/``count`` choose the page whose reasons are spelled out.

    Speed (47k practices at a million triples): a practice's concept score depends only on
    which of the origin's concepts (a handful) its closure and own concepts hold, so the
    practices are split into a few cells by masks, each scored once. The text adds at most
    ``TEXT_WEIGHT`` (a cosine is at most 1), so only cells whose concept score comes within
    that of the page's lowest are read practice by practice; the total is counted on masks.
    """
    snapshot = current.snapshot
    model = model_of(current, store)
    origin = snapshot.practices[iri]
    full = (1 << len(snapshot.positions)) - 1
    eligible = full & ~(1 << snapshot.position[iri])
    if origin.collectivity is not None:
        eligible &= ~model.by_collectivity.get(origin.collectivity, 0)
    masks = snapshot.masks
    for ticked, facet in ((kinds, "kind"), (regions, "region")):
        if ticked:
            wanted = 0
            for value in ticked:
                wanted |= masks.get(facet, {}).get(value, 0)
            eligible &= wanted
    cells = [_cells(snapshot, model, iri, f) for f in range(len(CONCEPT_FACETS))]
    combos: list[tuple[float, int]] = []
    for first_score, first in cells[0]:
        for second_score, second in cells[1]:
            both = first & second & eligible
            if both:
                combos.append((first_score + second_score, both))
    combos.sort(key=lambda c: -c[0])
    vector = model.vectors.get(iri, {})
    worded = 0
    for term in vector:
        worded |= model.term_masks.get(term, 0)
    positive = worded
    for score, members in combos:
        if score > 0:
            positive |= members
    total = (positive & eligible).bit_count()
    wanted_count = total if count is None else min(total, start + count)
    threshold, seen = 0.0, 0
    for score, members in combos:  # the concept score the page's last one reaches at least
        seen += members.bit_count()
        threshold = score
        if seen >= wanted_count:
            break
    candidates: list[tuple[float, float, float, str]] = []
    positions = snapshot.positions
    for score, members in combos:
        if score < threshold - TEXT_WEIGHT or not (score > 0 or members & worded):
            continue
        for i in _bits(members if score > 0 else members & worded):
            other = positions[i]
            other_vector = model.vectors.get(other, {})
            text = sum(w * other_vector.get(t, 0.0) for t, w in vector.items())
            total_score = score + TEXT_WEIGHT * text
            if total_score > 0:
                candidates.append((total_score, score, text, other))
    rank = snapshot.rank(lang)
    candidates.sort(key=lambda m: (-round(m[0], 9), rank.get(m[3], 0)))
    chosen = candidates[start:] if count is None else candidates[start : start + count]
    page = [
        Match(
            snapshot.practices[other_iri],
            score,
            concepts,
            text_score,
            shared_concepts(snapshot, model, iri, other_iri, lang),
            text_similarity(model, iri, other_iri)[1],
        )
        for score, concepts, text_score, other_iri in chosen
    ]
    return Ranked(total, page)


def _cells(snapshot: Snapshot, model: Model, iri: str, f: int) -> list[tuple[float, int]]:
    """The practices split by what they share with ``iri`` in one facet (which of its
    concepts their closure holds, which of its own concepts they are filed under), each
    cell with its concept score."""
    facet = CONCEPT_FACETS[f]
    closure_masks = snapshot.masks.get(facet, {})
    parts: dict[tuple[frozenset[str], frozenset[str]], int] = {
        (frozenset(), frozenset()): (1 << len(snapshot.positions)) - 1
    }
    own = model.own(iri, facet)
    splits = [(c, closure_masks.get(c, 0), 0) for c in sorted(model.closure(iri, facet))]
    splits += [(c, model.own_masks[f].get(c, 0), 1) for c in sorted(own)]
    for concept, members, which in splits:
        refined: dict[tuple[frozenset[str], frozenset[str]], int] = {}
        for key, cell in parts.items():
            inside, outside = cell & members, cell & ~members
            if inside:
                grown = (key[0] | {concept}, key[1]) if which == 0 else (key[0], key[1] | {concept})
                refined[grown] = inside
            if outside:
                refined[key] = outside
        parts = refined
    out: list[tuple[float, int]] = []
    for (shared, exact), cell in parts.items():
        partial = set(shared) - exact - model.above(exact)
        partial -= model.above(partial)
        score = sum(model.idf.get(c, 0.0) for c in exact) + PARTIAL * sum(
            model.idf.get(c, 0.0) for c in partial
        )
        out.append((score, cell))
    return out


def _bits(mask: int) -> Iterator[int]:
    """Positions of the set bits of ``mask``, lowest first."""
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for byte_index, byte in enumerate(data):
        while byte:
            low = byte & -byte
            yield (byte_index << 3) + low.bit_length() - 1
            byte ^= low
