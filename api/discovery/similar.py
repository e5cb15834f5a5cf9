"""Similar practices of other collectivities: shared levers and themes, and close texts.

Why this scoring: a practice sharing a precise lever (L5.1) with another tells more than one
sharing only its broader lever (L5), and a concept few practices use tells more than a common
one. So, for practices A and B, with ``own`` their concepts as filed and ``closure`` those
plus every broader concept:

- a concept in ``own(A) ∩ own(B)`` counts fully: ``idf(c)``;
- otherwise the most specific concepts of ``closure(A) ∩ closure(B)`` (not broader than a
  concept already counted) count half: ``0.5 · idf(c)``;
- ``idf(c) = ln(1 + N / df(c))``, N practices, df(c) those whose closure holds c;
- text: cosine of TF-IDF vectors over the French stems of title + description (stop words
  and words under 3 letters left out), weighted ``TEXT_WEIGHT``.

Everything is read once per data version (the facet snapshot, plus one SELECT of the
descriptions) and kept on the snapshot; a request only computes over memory.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal

from api.discovery.facets import Practice, Snapshot
from api.discovery.state import Current
from api.html.site import natural_key
from api.i18n import Lang
from store import Store
from store.text_index import stem_text

TEXT_WEIGHT = 2.0
PARTIAL = 0.5
#: Shared words named in an explanation.
MAX_WORDS = 4
CONCEPT_FACETS = ("lever", "theme")

_TEXTS = """
PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?p ?text WHERE {
  ?p a ess:Practice .
  { ?p dct:title ?text } UNION { ?p dct:description ?text }
}"""

#: Frequent French words that say nothing of a practice (compared after stemming).
STOP_WORDS = frozenset(
    stem_text(
        "les des une pour par dans sur avec aux est sont son ses leur leurs qui que quoi "
        "dont plus moins entre vers chez sans sous cette ces cet tout tous toute toutes "
        "elle ils elles nous vous être avoir fait faire comme mais aussi ainsi afin "
        "the and for with from that this"
    ).split()
)

_LOCK = threading.Lock()
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Shared:
    """One concept two practices share: ``full`` when both are filed under it."""

    facet: str
    iri: str
    notation: str
    label: str
    full: bool
    weight: float


@dataclass(frozen=True)
class Match:
    practice: Practice
    score: float
    concept_score: float
    text_score: float
    concepts: list[Shared]
    words: list[str]


Signature = tuple[frozenset[str], ...]


@dataclass
class Model:
    """Per data version: each practice's own concepts (a signature shared by practices filed
    alike), IDF, normalised text vectors, masks of practices per concept, stem and place."""

    signature: dict[str, Signature] = field(default_factory=dict)
    ancestors: dict[str, frozenset[str]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)
    #: per practice: stem → the word as first written (shown in explanations)
    surface: dict[str, dict[str, str]] = field(default_factory=dict)
    #: masks over the snapshot's positions: practices filed under a concept as such (per
    #: facet), practices using a stem, practices of a collectivity
    own_masks: list[dict[str, int]] = field(default_factory=list)
    term_masks: dict[str, int] = field(default_factory=dict)
    by_collectivity: dict[str, int] = field(default_factory=dict)

    def own(self, iri: str, facet: str) -> frozenset[str]:
        return self.signature[iri][CONCEPT_FACETS.index(facet)]

    def above(self, concepts: frozenset[str] | set[str]) -> set[str]:
        """Every broader concept of any of ``concepts``."""
        return set().union(*(self.ancestors.get(c, frozenset()) for c in concepts))

    def closure(self, iri: str, facet: str) -> set[str]:
        own = self.own(iri, facet)
        return set(own) | self.above(own)


def ancestors(snapshot: Snapshot, iri: str) -> set[str]:
    """Every broader concept of ``iri``, transitively (cycles cut)."""
    out: set[str] = set()
    todo = [iri]
    while todo:
        named = snapshot.names.get(todo.pop())
        for broader in named.broader if named else ():
            if broader not in out:
                out.add(broader)
                todo.append(broader)
    return out


def build(snapshot: Snapshot, store: Store) -> Model:
    """The model of one data version (the snapshot's tables and one SELECT of texts)."""
    model = Model()
    model.ancestors = {
        iri: frozenset(ancestors(snapshot, iri)) for iri, named in snapshot.names.items()
    }
    df: Counter[str] = Counter()
    for iri, practice in snapshot.practices.items():
        own: list[frozenset[str]] = []
        for facet in CONCEPT_FACETS:
            values = practice.values.get(facet, set())  # the snapshot's closure
            own.append(frozenset(values - model.above(values)))
            df.update(values)
        model.signature[iri] = tuple(own)
    total = len(snapshot.practices) or 1
    model.idf = {c: math.log(1 + total / n) for c, n in df.items()}
    texts: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_TEXTS):
        text = row.get("text")
        if isinstance(text, Literal) and str(row["p"]) in snapshot.practices:
            texts[str(row["p"])].append(str(text))
    counts: dict[str, Counter[str]] = {}
    doc_freq: Counter[str] = Counter()
    for iri, parts in texts.items():
        surface: dict[str, str] = {}
        terms: Counter[str] = Counter()
        for word in _WORD.findall(" ".join(parts)):
            if len(word) < 3 or word.isdigit():
                continue
            stem = stem_text(word)
            if stem in STOP_WORDS:
                continue
            terms[stem] += 1
            surface.setdefault(stem, word.lower())
        counts[iri] = terms
        model.surface[iri] = surface
        doc_freq.update(terms.keys())
    for iri, terms in counts.items():
        vector = {t: n * math.log(1 + total / doc_freq[t]) for t, n in terms.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        model.vectors[iri] = {t: v / norm for t, v in vector.items()}
    _build_masks(snapshot, model)
    return model


def _build_masks(snapshot: Snapshot, model: Model) -> None:
    """The model's masks (see :class:`Model`), set bit by bit in bytearrays."""
    size = len(snapshot.positions) // 8 + 1
    position = snapshot.position
    own: list[dict[str, bytearray]] = [defaultdict(lambda: bytearray(size)) for _ in CONCEPT_FACETS]
    terms: dict[str, bytearray] = defaultdict(lambda: bytearray(size))
    places: dict[str, bytearray] = defaultdict(lambda: bytearray(size))
    for iri, signature in model.signature.items():
        i = position[iri]
        byte, bit = i >> 3, 1 << (i & 7)
        for f, concepts in enumerate(signature):
            for concept in concepts:
                own[f][concept][byte] |= bit
        for term in model.vectors.get(iri, ()):
            terms[term][byte] |= bit
        place = snapshot.practices[iri].collectivity
        if place is not None:
            places[place][byte] |= bit

    def ints(buffers: dict[str, bytearray]) -> dict[str, int]:
        return {k: int.from_bytes(b, "little") for k, b in buffers.items()}

    model.own_masks = [ints(o) for o in own]
    model.term_masks = ints(terms)
    model.by_collectivity = ints(places)


def model_of(current: Current, store: Store) -> Model:
    """The model of the snapshot's version, built once and kept on the snapshot."""
    snapshot = current.snapshot
    found = snapshot.__dict__.get("_similar")
    if isinstance(found, Model):
        return found
    with _LOCK:
        found = snapshot.__dict__.get("_similar")
        if not isinstance(found, Model):
            found = build(snapshot, store)
            snapshot.__dict__["_similar"] = found
    return found


def _shared(model: Model, a: str, b: str, facet: str) -> tuple[set[str], set[str]]:
    """The concepts of one facet A and B share fully, and those they share partly."""
    full = set(model.own(a, facet) & model.own(b, facet))
    partial = (model.closure(a, facet) & model.closure(b, facet)) - full - model.above(full)
    partial -= model.above(partial)
    return full, partial


def concept_score(model: Model, a: str, b: str, facet: str) -> float:
    full, partial = _shared(model, a, b, facet)
    idf = model.idf
    return sum(idf.get(c, 0.0) for c in full) + PARTIAL * sum(idf.get(c, 0.0) for c in partial)


def shared_concepts(snapshot: Snapshot, model: Model, a: str, b: str, lang: Lang) -> list[Shared]:
    """What A and B share, per the rules in the module docstring."""
    out: list[Shared] = []
    for facet in CONCEPT_FACETS:
        full, partial = _shared(model, a, b, facet)
        for concept, is_full in [(c, True) for c in full] + [(c, False) for c in partial]:
            named = snapshot.names.get(concept)
            idf = model.idf.get(concept, 0.0)
            out.append(
                Shared(
                    facet,
                    concept,
                    named.notation if named else "",
                    named.label(lang) if named else concept.rsplit("/", 1)[-1],
                    is_full,
                    idf if is_full else PARTIAL * idf,
                )
            )
    return sorted(out, key=lambda s: (s.facet, natural_key(s.notation or s.iri)))


def text_similarity(model: Model, a: str, b: str) -> tuple[float, list[str]]:
    """Cosine of the two TF-IDF vectors, and A's words that contribute most to it."""
    va, vb = model.vectors.get(a, {}), model.vectors.get(b, {})
    common = {t: va[t] * vb[t] for t in va.keys() & vb.keys()}
    best = sorted(common, key=lambda t: (-common[t], t))[:MAX_WORDS]
    words = [model.surface.get(a, {}).get(t, t) for t in best]
    return sum(common.values()), words


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


_WORDS: dict[Lang, dict[str, str]] = {
    "fr": {
        "lever": "le levier",
        "theme": "le thème",
        "levers": "les leviers",
        "themes": "les thèmes",
        "shares": "partage",
        "near": "voisin par",
        "and": "et",
        "text": "texte proche",
    },
    "en": {
        "lever": "the lever",
        "theme": "the theme",
        "levers": "the levers",
        "themes": "the themes",
        "shares": "shares",
        "near": "related through",
        "and": "and",
        "text": "similar text",
    },
}


def _named(concepts: list[Shared], words: dict[str, str]) -> str:
    """« le levier L5.1 Achats … et le thème T3.1 … » (plural when a facet has several)."""
    groups: list[str] = []
    for facet in CONCEPT_FACETS:
        mine = [s for s in concepts if s.facet == facet]
        if not mine:
            continue
        names = ", ".join(f"{s.notation} {s.label}".strip() for s in mine)
        groups.append(f"{words[facet + 's' if len(mine) > 1 else facet]} {names}")
    return f" {words['and']} ".join(groups)


def explain(match: Match, lang: Lang) -> str:
    """The reasons in one sentence, e.g. « partage le levier L5.1 … ; texte proche : … »."""
    words = _WORDS[lang]
    parts: list[str] = []
    full = [s for s in match.concepts if s.full]
    partial = [s for s in match.concepts if not s.full]
    if full:
        parts.append(f"{words['shares']} {_named(full, words)}")
    if partial:
        parts.append(f"{words['near']} {_named(partial, words)}")
    if match.words:
        colon = " : " if lang == "fr" else ": "
        parts.append(f"{words['text']}{colon}{', '.join(match.words)}")
    return (" ; " if lang == "fr" else "; ").join(parts)


def match_json(snapshot: Snapshot, match: Match, lang: Lang) -> dict[str, Any]:
    """One result: the practice, its score (and parts), reasons as data and as a sentence."""
    practice = match.practice
    return {
        "iri": practice.iri,
        "title": practice.title(lang),
        "collectivity": {
            "iri": practice.collectivity,
            "label": snapshot.collectivity_name(practice, lang),
        },
        "start_year": practice.year,
        "score": round(match.score, 4),
        "concept_score": round(match.concept_score, 4),
        "text_score": round(match.text_score, 4),
        "reasons": {
            "concepts": [
                {
                    "facet": s.facet,
                    "iri": s.iri,
                    "notation": s.notation or None,
                    "label": s.label,
                    "shared": "exact" if s.full else "broader",
                    "weight": round(s.weight, 4),
                }
                for s in match.concepts
            ],
            "words": match.words,
        },
        "explanation": explain(match, lang),
    }


__all__ = [
    "Match",
    "Model",
    "Ranked",
    "Shared",
    "explain",
    "match_json",
    "model_of",
    "shared_concepts",
    "similar",
    "text_similarity",
]
