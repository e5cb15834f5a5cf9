"""Two to five collectivities side by side, and "collectivities like mine".

A comparison reads each collectivity with its IRI bound as a term (store bindings): facts,
ESS policy per reference year, and the levers and themes of its policy and its practices.
The matrix has one row per concept any of them uses, under its broader concepts (a broader
row counts what its narrower ones hold). "Like mine" ranks collectivities of the same kind by
the cosine of lever vectors (own levers 1, their broader levers ``PARTIAL``), read once per
data version and kept on the facet snapshot.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import Literal, URIRef

from api.discovery.facets import Snapshot, collation_key
from api.discovery.search import bad
from api.discovery.similar import PARTIAL, ancestors
from api.discovery.state import Current
from api.errors import ApiProblem
from api.html.site import natural_key
from api.i18n import Lang
from store import Store

MIN_COMPARED, MAX_COMPARED = 2, 5
FACETS = ("lever", "theme")
MAX_LIKE = 10
NO_THEME: dict[Lang, str] = {"fr": "Sans thème renseigné", "en": "No theme given"}

_PREFIXES = """
PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_FACTS = (
    _PREFIXES
    + """
SELECT ?label ?kind ?region ?population WHERE {
  ?c a ess:Collectivity .
  OPTIONAL { ?c skos:prefLabel ?label }
  OPTIONAL { ?c ess:collectivityKind ?kind }
  OPTIONAL { ?c ess:region ?region }
  OPTIONAL { ?c ess:population ?population }
}"""
)
_POLICIES = (
    _PREFIXES
    + """
SELECT ?year ?budget ?staff ?delegation ?title WHERE {
  ?policy ess:policyOf ?c ; ess:referenceYear ?year .
  OPTIONAL { ?policy ess:dedicatedBudget ?budget }
  OPTIONAL { ?policy ess:dedicatedStaff ?staff }
  OPTIONAL { ?policy ess:hasEssDelegation ?delegation }
  OPTIONAL { ?policy ess:electedOfficialPost/ess:delegationTitle ?title }
}"""
)
_CONCEPTS = (
    _PREFIXES
    + """
SELECT ?facet ?concept ?practice WHERE {
  { ?policy ess:policyOf ?c ; ess:usesLever ?concept . BIND("lever" AS ?facet) }
  UNION { ?policy ess:policyOf ?c ; ess:addressesTheme ?concept . BIND("theme" AS ?facet) }
  UNION { ?practice ess:implementedBy ?c ; ess:usesLever ?concept . BIND("lever" AS ?facet) }
  UNION {
    ?practice ess:implementedBy ?c ; ess:addressesTheme ?concept . BIND("theme" AS ?facet)
  }
}"""
)
#: Every collectivity's kind and levers (policy and practices): no request value enters it.
_PROFILES = (
    _PREFIXES
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
class Year:
    """One reference year of an ESS policy."""

    year: str
    budget: Decimal | None = None
    staff: Decimal | None = None
    delegation: bool | None = None
    title: str | None = None


@dataclass
class Compared:
    """One collectivity as the comparison shows it."""

    iri: str
    key: str
    label: str
    kind: str | None = None
    region: str | None = None
    population: int | None = None
    years: list[Year] = field(default_factory=list)
    policy: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    practices: dict[str, dict[str, set[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    policy: bool
    practices: int


@dataclass(frozen=True)
class Row:
    facet: str
    iri: str
    notation: str
    label: str
    depth: int
    cells: list[Cell]


def parse_keys(values: Sequence[str], snapshot: Snapshot) -> list[str]:
    """2 to 5 distinct known collectivity keys, or a 400 naming ``c``."""
    keys = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not MIN_COMPARED <= len(keys) <= MAX_COMPARED:
        raise bad(
            "c",
            f"de {MIN_COMPARED} à {MAX_COMPARED} collectivités distinctes sont attendues",
            f"{MIN_COMPARED} to {MAX_COMPARED} distinct collectivities are expected",
            ", ".join(keys),
        )
    for key in keys:
        if not is_collectivity(snapshot, key):
            raise bad(
                "c",
                "collectivité inconnue dans le graphe",
                "unknown collectivity in the graph",
                key,
            )
    return keys


def collectivity_iri(snapshot: Snapshot, key: str) -> str:
    return f"{snapshot.base}id/collectivity/{key}"


def is_collectivity(snapshot: Snapshot, key: str) -> bool:
    """Whether the key names a collectivity of the public graph ('/' never in a key)."""
    return "/" not in key and collectivity_iri(snapshot, key) in snapshot.names


def _decimal(term: object) -> Decimal | None:
    if not isinstance(term, Literal):
        return None
    try:
        return Decimal(str(term))
    except InvalidOperation:
        return None


def read(store: Store, snapshot: Snapshot, key: str, lang: Lang) -> Compared:
    """One collectivity, its IRI bound as a term in each query."""
    iri = collectivity_iri(snapshot, key)
    bound = {"c": URIRef(iri)}
    named = snapshot.names.get(iri)
    out = Compared(iri, key, named.label(lang) if named else key)
    for row in store.select(_FACTS, bound):
        if isinstance(row.get("kind"), URIRef):
            out.kind = str(row["kind"])
        if isinstance(row.get("region"), URIRef):
            out.region = str(row["region"])
        population = _decimal(row.get("population"))
        if population is not None and population > 0:
            out.population = int(population)
    years: dict[str, Year] = {}
    for row in store.select(_POLICIES, bound):
        year = years.setdefault(str(row["year"]), Year(str(row["year"])))
        year.budget = _decimal(row.get("budget")) if "budget" in row else year.budget
        year.staff = _decimal(row.get("staff")) if "staff" in row else year.staff
        if isinstance(row.get("delegation"), Literal):
            year.delegation = bool(row["delegation"].toPython())
        title = row.get("title")
        if isinstance(title, Literal) and (year.title is None or title.language == lang):
            year.title = str(title)
    out.years = sorted(years.values(), key=lambda y: y.year)
    for row in store.select(_CONCEPTS, bound):
        facet, concept = str(row["facet"]), str(row["concept"])
        if "practice" in row:
            practice = str(row["practice"])
            out.practices.setdefault(practice, defaultdict(set))[facet].add(concept)
        else:
            out.policy[facet].add(concept)
    for practice_iri, known in snapshot.practices.items():
        if known.collectivity == iri:  # practices filed under no lever or theme too
            out.practices.setdefault(practice_iri, defaultdict(set))
    return out


def _closure(snapshot: Snapshot, concepts: set[str]) -> set[str]:
    return set(concepts).union(*(ancestors(snapshot, c) for c in concepts)) if concepts else set()


def matrix(snapshot: Snapshot, compared: list[Compared], facet: str, lang: Lang) -> list[Row]:
    """Rows for every concept used (and its broader ones), in thesaurus order: a broader row
    precedes its narrower ones because notations sort that way (L5, L5.1, L5.2…)."""
    policy = [_closure(snapshot, c.policy.get(facet, set())) for c in compared]
    practices = [
        [_closure(snapshot, p.get(facet, set())) for p in c.practices.values()] for c in compared
    ]
    used = set().union(*policy, *(s for per in practices for s in per))
    rows: list[Row] = []
    for concept in used:
        named = snapshot.names.get(concept)
        cells = [
            Cell(concept in policy[i], sum(concept in s for s in practices[i]))
            for i in range(len(compared))
        ]
        rows.append(
            Row(
                facet,
                concept,
                named.notation if named else "",
                named.label(lang) if named else concept.rsplit("/", 1)[-1],
                snapshot.depth(concept),
                cells,
            )
        )
    return sorted(rows, key=lambda r: natural_key(r.notation or r.iri))


def practices_by_theme(
    snapshot: Snapshot, compared: list[Compared], lang: Lang
) -> list[dict[str, Any]]:
    """Per theme a practice is filed under (own themes only): each collectivity's practices;
    practices filed under no theme are grouped last (``iri`` None)."""
    themes: dict[str, list[list[dict[str, str]]]] = {}
    for i, c in enumerate(compared):
        for practice_iri, facets in c.practices.items():
            practice = snapshot.practices.get(practice_iri)
            title = practice.title(lang) if practice else practice_iri.rsplit("/", 1)[-1]
            for theme in facets.get("theme", set()) or {""}:
                columns = themes.setdefault(theme, [[] for _ in compared])
                columns[i].append({"iri": practice_iri, "title": title})
    out: list[dict[str, Any]] = []
    for theme, columns in themes.items():
        named = snapshot.names.get(theme)
        out.append(
            {
                "iri": theme or None,
                "notation": named.notation if named else None,
                "label": named.label(lang) if named else NO_THEME[lang],
                "practices": [
                    sorted(col, key=lambda p: collation_key(p["title"])) for col in columns
                ],
            }
        )
    # Themes in thesaurus order, practices without a theme last.
    return sorted(out, key=lambda t: (t["iri"] is None, natural_key(t["notation"] or "")))


def per_inhabitant(value: Decimal | None, population: int | None, scale: int = 1) -> float | None:
    if value is None or not population:
        return None
    return round(float(value) * scale / population, 4)


def compare(current: Current, store: Store, keys: list[str], lang: Lang) -> dict[str, Any]:
    """The whole comparison as JSON-ready data (the HTML page shows the same)."""
    snapshot = current.snapshot
    compared = [read(store, snapshot, key, lang) for key in keys]

    def name(iri: str | None) -> dict[str, str] | None:
        if iri is None:
            return None
        named = snapshot.names.get(iri)
        return {"iri": iri, "label": named.label(lang) if named else iri.rsplit("/", 1)[-1]}

    return {
        "collectivities": [
            {
                "iri": c.iri,
                "key": c.key,
                "label": c.label,
                "kind": name(c.kind),
                "region": name(c.region),
                "population": c.population,
                "practice_count": len(c.practices),
                "years": [
                    {
                        "year": y.year,
                        "budget": float(y.budget) if y.budget is not None else None,
                        "fte": float(y.staff) if y.staff is not None else None,
                        "budget_per_inhabitant": per_inhabitant(y.budget, c.population),
                        "fte_per_100k_inhabitants": per_inhabitant(y.staff, c.population, 100_000),
                        "delegation": y.delegation,
                        "delegation_title": y.title,
                    }
                    for y in c.years
                ],
            }
            for c in compared
        ],
        "matrix": {
            facet: [
                {
                    "iri": r.iri,
                    "notation": r.notation or None,
                    "label": r.label,
                    "depth": r.depth,
                    "cells": [{"policy": x.policy, "practices": x.practices} for x in r.cells],
                }
                for r in matrix(snapshot, compared, facet, lang)
            ]
            for facet in FACETS
        },
        "practices_by_theme": practices_by_theme(snapshot, compared, lang),
    }


# -- collectivities like mine ------------------------------------------------------------
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
        near = (set(mine) & set(vector)) - both - _closure(snapshot, both)
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


def unknown_collectivity(key: str) -> ApiProblem:
    return ApiProblem(
        f"Collectivité inconnue dans le graphe : {key!r}.",
        f"Unknown collectivity in the graph: {key!r}.",
        status=404,
        code="unknown-collectivity",
    )


__all__ = [
    "Compared",
    "Like",
    "compare",
    "cosine",
    "is_collectivity",
    "lever_vector",
    "like",
    "like_explanation",
    "parse_keys",
    "unknown_collectivity",
]
