"""Two to five collectivities side by side, and "collectivities like mine".

The comparison validates the keys, reads each collectivity (compared.py) and lays them out:
figures per reference year, a matrix with one row per concept any of them uses, under its
broader concepts (a broader row counts what its narrower ones hold), and practices per theme.
"Like mine" lives in like_mine.py; its names are re-exported here for existing importers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from api.discovery.compared import (
    Compared,
    Year,
    closure,
    collectivity_iri,
    is_collectivity,
    read,
)
from api.discovery.facets import Snapshot, collation_key
from api.discovery.like_mine import (
    MAX_LIKE,
    Like,
    Profiles,
    cosine,
    lever_vector,
    like,
    like_explanation,
    profiles_of,
)
from api.discovery.search import bad
from api.discovery.state import Current
from api.errors import ApiProblem
from api.html.site import natural_key
from api.i18n import Lang
from store import Store

MIN_COMPARED, MAX_COMPARED = 2, 5
FACETS = ("lever", "theme")
NO_THEME: dict[Lang, str] = {"fr": "Sans thème renseigné", "en": "No theme given"}


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


def matrix(snapshot: Snapshot, compared: list[Compared], facet: str, lang: Lang) -> list[Row]:
    """Rows for every concept used (and its broader ones), in thesaurus order: a broader row
    precedes its narrower ones because notations sort that way (L5, L5.1, L5.2…)."""
    policy = [closure(snapshot, c.policy.get(facet, set())) for c in compared]
    practices = [
        [closure(snapshot, p.get(facet, set())) for p in c.practices.values()] for c in compared
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


def unknown_collectivity(key: str) -> ApiProblem:
    return ApiProblem(
        f"Collectivité inconnue dans le graphe : {key!r}.",
        f"Unknown collectivity in the graph: {key!r}.",
        status=404,
        code="unknown-collectivity",
    )


__all__ = [
    "FACETS",
    "MAX_COMPARED",
    "MAX_LIKE",
    "MIN_COMPARED",
    "NO_THEME",
    "Cell",
    "Compared",
    "Like",
    "Profiles",
    "Row",
    "Year",
    "collectivity_iri",
    "compare",
    "cosine",
    "is_collectivity",
    "lever_vector",
    "like",
    "like_explanation",
    "matrix",
    "parse_keys",
    "per_inhabitant",
    "practices_by_theme",
    "profiles_of",
    "read",
    "unknown_collectivity",
]
