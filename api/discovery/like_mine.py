"""Collectivities like mine: same kind of collectivity, ranked by the cosine of lever vectors
(own levers 1, their broader levers ``PARTIAL``), read once per data version and kept on the
facet snapshot; with the fr/en sentence saying why each one came up.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from api.discovery.compared import PREFIXES, closure, collectivity_iri
from api.discovery.facets import Snapshot, collation_key
from api.discovery.similar import PARTIAL, ancestors
from api.discovery.state import Current
from api.html.site import natural_key
from api.i18n import Lang
from store import Store

MAX_LIKE = 10

#: Every collectivity's kind and levers (policy and practices): no request value enters it.
_PROFILES = (
    PREFIXES
    + """
SELECT ?c ?kind ?lever WHERE {
  ?c a ess:Collectivity .
  OPTIONAL { ?c ess:collectivityKind ?kind }
  OPTIONAL {
    { ?policy ess:policyOf ?c ; ess:usesLever ?lever }
    UNION { ?practice ess:implementedBy ?c ; ess:usesLever ?lever }
  }
}"""
)
_LOCK = threading.Lock()


@dataclass
class Profiles:
    kinds: dict[str, str]
    levers: dict[str, set[str]]
    vectors: dict[str, dict[str, float]]


def profiles_of(current: Current, store: Store) -> Profiles:
    """Every collectivity's kind and lever vector, once per data version."""
    snapshot = current.snapshot
    found = snapshot.__dict__.get("_profiles")
    if isinstance(found, Profiles):
        return found
    with _LOCK:
        found = snapshot.__dict__.get("_profiles")
        if isinstance(found, Profiles):
            return found
        kinds: dict[str, str] = {}
        levers: dict[str, set[str]] = defaultdict(set)
        for row in store.select(_PROFILES):
            c = str(row["c"])
            if isinstance(row.get("kind"), URIRef):
                kinds[c] = str(row["kind"])
            if isinstance(row.get("lever"), URIRef):
                levers[c].add(str(row["lever"]))
        vectors = {c: lever_vector(snapshot, own) for c, own in levers.items()}
        found = Profiles(kinds, dict(levers), vectors)
        snapshot.__dict__["_profiles"] = found
    return found


def lever_vector(snapshot: Snapshot, own: set[str]) -> dict[str, float]:
    """Own levers weigh 1, their broader levers ``PARTIAL`` (unless also own)."""
    vector: dict[str, float] = {}
    for lever in own:
        for broader in ancestors(snapshot, lever):
            vector[broader] = max(vector.get(broader, 0.0), PARTIAL)
    for lever in own:
        vector[lever] = 1.0
    return vector


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class Like:
    iri: str
    key: str
    label: str
    score: float
    shared: list[tuple[str, str]]  # (notation, label) of levers both use
    near: list[tuple[str, str]]  # broader levers shared only through narrower ones


def like(current: Current, store: Store, key: str, lang: Lang) -> tuple[str | None, list[Like]]:
    """Collectivities of the same kind, closest lever profile first (ties: name)."""
    snapshot = current.snapshot
    profiles = profiles_of(current, store)
    iri = collectivity_iri(snapshot, key)
    kind = profiles.kinds.get(iri)
    mine = profiles.vectors.get(iri, {})
    out: list[Like] = []
    for other, other_kind in profiles.kinds.items():
        if other == iri or kind is None or other_kind != kind:
            continue
        vector = profiles.vectors.get(other, {})
        score = cosine(mine, vector)
        own_a, own_b = profiles.levers.get(iri, set()), profiles.levers.get(other, set())
        both = own_a & own_b
        near = (set(mine) & set(vector)) - both - closure(snapshot, both)
        named = snapshot.names.get(other)
        out.append(
            Like(
                other,
                other.removeprefix(f"{snapshot.base}id/collectivity/"),
                named.label(lang) if named else other,
                score,
                _labels(snapshot, both, lang),
                _labels(snapshot, near, lang),
            )
        )
    out.sort(key=lambda x: (-round(x.score, 9), collation_key(x.label)))
    return kind, out[:MAX_LIKE]


def _labels(snapshot: Snapshot, iris: set[str], lang: Lang) -> list[tuple[str, str]]:
    pairs = []
    for iri in iris:
        named = snapshot.names.get(iri)
        pairs.append((named.notation if named else "", named.label(lang) if named else iri))
    return sorted(pairs, key=lambda p: natural_key(p[0]))


def like_explanation(item: Like, lang: Lang) -> str:
    """« même nature ; leviers communs : L5.1 … ; voisins par : L2 … »."""

    def names(pairs: list[tuple[str, str]]) -> str:
        return ", ".join(f"{n} {label}".strip() for n, label in pairs)

    if lang == "fr":
        parts = ["même nature de collectivité"]
        if item.shared:
            parts.append(f"leviers communs : {names(item.shared)}")
        if item.near:
            parts.append(f"voisins par : {names(item.near)}")
        return " ; ".join(parts)
    parts = ["same kind of collectivity"]
    if item.shared:
        parts.append(f"levers in common: {names(item.shared)}")
    if item.near:
        parts.append(f"related through: {names(item.near)}")
    return "; ".join(parts)
