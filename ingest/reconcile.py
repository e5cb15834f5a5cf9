"""Option labels and codes → SKOS concepts of the thesauri, with ranked suggestions.

One index per scheme, built once from the thesauri graph parsed with the deployment base:
every prefLabel, altLabel, hiddenLabel and notation, compared after folding case, accents,
apostrophes, punctuation and spaces. A label names one concept within a scheme (the
thesauri tests guarantee it). A levers question is matched against the levers scheme, then
the modes scheme ("Co-construction des politiques publiques" is a mode of action).
Unmatched answers get the three closest labels of the scheme (rapidfuzz) as suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from ingest.keys import fold
from ingest.records import Choice
from ontology import ESS, thesauri_graph

_SPACES = re.compile(r"[^0-9a-z]+")

#: The property a concept of each scheme is stated with.
SCHEME_PROPERTY: dict[str, URIRef] = {
    "levers": ESS.usesLever,
    "modes": ESS.modeOfAction,
    "themes": ESS.addressesTheme,
    "collectivity-kinds": ESS.collectivityKind,
    "regions": ESS.region,
}
#: Schemes tried in order for a question asked against a scheme.
FALLBACK: dict[str, tuple[str, ...]] = {"levers": ("levers", "modes")}


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """Fold case, accents, apostrophes, punctuation and spaces: the reconciliation key."""
    return _SPACES.sub(" ", fold(text)).strip()


@dataclass(frozen=True)
class Suggestion:
    """A concept that an unmatched answer might mean, with rapidfuzz's score (0–100)."""

    concept: URIRef
    label: str
    score: float


@dataclass(frozen=True)
class Match:
    """An answer reconciled to a concept: which scheme, which label kind matched."""

    concept: URIRef
    scheme: str
    prop: URIRef
    via: str  # prefLabel, altLabel, hiddenLabel, notation


class SchemeIndex:
    """Every label and notation of one concept scheme, folded, to its concept."""

    def __init__(self, graph: Graph, scheme_iri: URIRef, name: str) -> None:
        self.name = name
        self.keys: dict[str, tuple[URIRef, str]] = {}
        self.labels: list[tuple[str, URIRef, str]] = []  # (folded, concept, label as written)
        for concept in sorted(graph.subjects(SKOS.inScheme, scheme_iri), key=str):
            if not isinstance(concept, URIRef):
                continue
            for prop, via in (
                (SKOS.prefLabel, "prefLabel"),
                (SKOS.altLabel, "altLabel"),
                (SKOS.hiddenLabel, "hiddenLabel"),
                (SKOS.notation, "notation"),
            ):
                for value in sorted(graph.objects(concept, prop), key=str):
                    if not isinstance(value, Literal):
                        continue
                    key = label_key(str(value))
                    if key and key not in self.keys:
                        self.keys[key] = (concept, via)
                    if via in ("prefLabel", "altLabel") and value.language != "en":
                        self.labels.append((key, concept, str(value)))

    def lookup(self, text: str) -> tuple[URIRef, str] | None:
        return self.keys.get(label_key(text))

    def suggest(self, text: str, limit: int = 3) -> list[Suggestion]:
        """The ``limit`` closest concepts (best label each), best first."""
        query = label_key(text)
        if not query or not self.labels:
            return []
        found = process.extract(
            query,
            [k for k, _c, _l in self.labels],
            scorer=fuzz.token_set_ratio,
            limit=len(self.labels),
        )
        out: list[Suggestion] = []
        seen: set[URIRef] = set()
        for _key, score, index in found:
            _k, concept, label = self.labels[index]
            if concept in seen:
                continue
            seen.add(concept)
            out.append(Suggestion(concept, label, round(float(score), 1)))
            if len(out) == limit:
                break
        return out


class Reconciler:
    """Reconciles survey answers against the thesauri of one deployment base."""

    def __init__(self, base: str, graph: Graph | None = None) -> None:
        self.base = base
        self.graph = graph if graph is not None else thesauri_graph(base)
        self._indexes: dict[str, SchemeIndex] = {}

    def index(self, scheme: str) -> SchemeIndex:
        if scheme not in self._indexes:
            iri = URIRef(f"{self.base}id/scheme/{scheme}")
            self._indexes[scheme] = SchemeIndex(self.graph, iri, scheme)
        return self._indexes[scheme]

    def match_text(self, scheme: str, text: str) -> Match | None:
        """The concept a label (or notation or code) names, trying the fallback schemes."""
        for name in FALLBACK.get(scheme, (scheme,)):
            found = self.index(name).lookup(text)
            if found is not None:
                concept, via = found
                return Match(concept, name, SCHEME_PROPERTY[name], via)
        return None

    def match(self, scheme: str, choice: Choice) -> Match | None:
        """A choice by its label first, then by its code (hiddenLabel such as ``ME``)."""
        found = self.match_text(scheme, choice.label) if choice.label else None
        if found is None and choice.code and not choice.other:
            found = self.match_text(scheme, choice.code)
        return found

    def suggest(self, scheme: str, text: str, limit: int = 3) -> list[Suggestion]:
        """Ranked suggestions over every label of the question's schemes."""
        merged: list[Suggestion] = []
        for name in FALLBACK.get(scheme, (scheme,)):
            merged.extend(self.index(name).suggest(text, limit))
        merged.sort(key=lambda s: (-s.score, str(s.concept)))
        return merged[:limit]


@cache
def reconciler(base: str) -> Reconciler:
    """The reconciler of a base (indexes built once per process, per scheme)."""
    return Reconciler(base)
