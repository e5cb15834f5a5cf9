"""Scoring model of similar practices: shared levers and themes, and close texts.

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
from dataclasses import dataclass, field

from rdflib import Literal

from api.discovery.facets import Snapshot
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
