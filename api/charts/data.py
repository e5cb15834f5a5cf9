"""What the charts show, read from the public default graph: named queries where they fit
(levers-by-kind, practices-per-year, lever-cooccurrence), bound SPARQL of our own where the
charts need rows the named queries aggregate away (each budget, each theme per year)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

import queries
from api.charts.numbers import Lang
from store import SelectResult, Store

PREFIXES = """PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

THEMES_PER_YEAR = (
    PREFIXES
    + """SELECT ?year ?theme ?notation (COUNT(DISTINCT ?practice) AS ?practices)
WHERE {
  ?practice a ess:Practice ;
            ess:startYear ?started .
  # unbound ?theme: a practice that names no theme (drawn as its own series)
  OPTIONAL {
    ?practice ess:addressesTheme|(ess:addressesTheme/skos:broader+) ?theme .
    ?theme a ess:TransitionTheme ;
           skos:notation ?notation .
    FILTER NOT EXISTS { ?theme skos:broader ?parent }
  }
  BIND(xsd:integer(SUBSTR(STR(?started), 1, 4)) AS ?year)
}
GROUP BY ?year ?theme ?notation"""
)

POLICY_MEANS = (
    PREFIXES
    + """SELECT ?policy ?kind ?kindLabel ?budget ?staff
WHERE {
  ?policy a ess:EssPolicy ;
          ess:policyOf ?collectivity .
  ?collectivity ess:collectivityKind ?kind .
  OPTIONAL { ?policy ess:dedicatedBudget ?budget }
  OPTIONAL { ?policy ess:dedicatedStaff ?staff }
  OPTIONAL { ?kind skos:prefLabel ?kindLabel FILTER(LANG(?kindLabel) = ?lang) }
}"""
)

#: Labels of one class's concepts (a label lookup nested in an OPTIONAL would not see ?lang).
CONCEPT_LABELS = (
    PREFIXES
    + """SELECT ?concept ?notation ?label
WHERE {
  ?concept a ?class ;
           skos:notation ?notation .
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(LANG(?label) = ?lang) }
}"""
)
ESS = "https://w3id.org/essgraph/ontology#"


def concepts(store: Store, cls: str, lang: Lang) -> dict[str, Concept]:
    """Every concept of class ``ess:{cls}`` with its notation and label in ``lang``."""
    rows = store.select(CONCEPT_LABELS, {"class": URIRef(ESS + cls), "lang": Literal(lang)})
    return {
        str(r["concept"]): Concept(
            str(r["concept"]), str(r["notation"]), _label(r, "label", str(r["concept"]))
        )
        for r in rows
    }


def natural_key(text: str) -> tuple[object, ...]:
    """L2 before L10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


@dataclass(frozen=True)
class Concept:
    iri: str
    notation: str
    label: str


@dataclass
class LeverShares:
    """Per collectivity kind (query order: French-folded labels) and top-level lever."""

    kinds: list[tuple[str, str, int]] = field(default_factory=list)  # iri, label, total
    levers: list[Concept] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    shares: dict[tuple[str, str], float] = field(default_factory=dict)


def lever_shares(store: Store, lang: Lang) -> LeverShares:
    answer = _named(store, "levers-by-kind", {"level": "top", "lang": lang})
    found = LeverShares()
    kinds: dict[str, tuple[str, str, int]] = {}
    levers: dict[str, Concept] = {}
    for row in answer:
        kind, lever = str(row["kind"]), str(row["lever"])
        kinds.setdefault(kind, (kind, _label(row, "kindLabel", kind), int(str(row["total"]))))
        levers.setdefault(
            lever, Concept(lever, str(row["notation"]), _label(row, "leverLabel", lever))
        )
        found.counts[(kind, lever)] = int(str(row["collectivities"]))
        found.shares[(kind, lever)] = float(str(row["share"]))
    found.kinds = list(kinds.values())
    found.levers = sorted(levers.values(), key=lambda c: natural_key(c.notation))
    return found


@dataclass
class YearThemes:
    """Practices started per year: per top-level theme, and in all (a practice counts once)."""

    years: list[int] = field(default_factory=list)
    themes: list[Concept] = field(default_factory=list)
    counts: dict[tuple[int, str], int] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)
    #: practices naming no theme, per year (key of ``counts``: ``NO_THEME``)
    unthemed: bool = False


NO_THEME = ""


def themes_per_year(store: Store, lang: Lang) -> YearThemes:
    found = YearThemes()
    themes: dict[str, Concept] = {}
    named = concepts(store, "TransitionTheme", lang)
    for row in store.select(THEMES_PER_YEAR, {"lang": Literal(lang)}):
        year = int(str(row["year"]))
        if "theme" in row:
            theme = str(row["theme"])
            concept = named.get(theme, Concept(theme, str(row["notation"]), theme))
            themes.setdefault(theme, concept)
        else:
            theme, found.unthemed = NO_THEME, True
        found.counts[(year, theme)] = int(str(row["practices"]))
    for row in _named(store, "practices-per-year", {}):
        found.totals[int(str(row["year"]))] = int(str(row["practices"]))
    known = set(found.totals) | {year for year, _ in found.counts}
    if known:
        found.years = list(range(min(known), max(known) + 1))
    found.themes = sorted(themes.values(), key=lambda c: natural_key(c.notation))
    return found


@dataclass(frozen=True)
class KindMeans:
    iri: str
    label: str
    policies: int
    budgets: tuple[float, ...]
    staff: tuple[float, ...]


def means_by_kind(store: Store, lang: Lang) -> list[KindMeans]:
    """Every stated budget and FTE figure of each yearly ESS policy, grouped by kind."""
    grouped: dict[str, tuple[str, set[str], list[float], list[float]]] = {}
    for row in store.select(POLICY_MEANS, {"lang": Literal(lang)}):
        kind = str(row["kind"])
        entry = grouped.setdefault(kind, (_label(row, "kindLabel", kind), set(), [], []))
        policy = str(row["policy"])
        if policy in entry[1]:
            continue  # one row per policy (a policy states each figure once)
        entry[1].add(policy)
        if "budget" in row:
            entry[2].append(float(str(row["budget"])))
        if "staff" in row:
            entry[3].append(float(str(row["staff"])))
    kinds = [
        KindMeans(iri, label, len(policies), tuple(sorted(b)), tuple(sorted(s)))
        for iri, (label, policies, b, s) in grouped.items()
    ]
    return sorted(kinds, key=lambda k: _fold(k.label))


@dataclass
class Cooccurrence:
    """How many units (collectivities or practices) use both levers, symmetric."""

    levers: list[Concept] = field(default_factory=list)
    together: dict[tuple[str, str], int] = field(default_factory=dict)


def cooccurrence(store: Store, lang: Lang, scope: str) -> Cooccurrence:
    answer = _named(store, "lever-cooccurrence", {"scope": scope})
    found = Cooccurrence()
    used: set[str] = set()
    for row in answer:
        a, b, n = str(row["leverA"]), str(row["leverB"]), int(str(row["together"]))
        found.together[(a, b)] = n
        found.together[(b, a)] = n
        used.update((a, b))
    if used:
        labels = concepts(store, "Lever", lang)
        found.levers = sorted(
            (labels.get(iri, Concept(iri, iri.rsplit("/", 1)[-1], iri)) for iri in used),
            key=lambda c: natural_key(c.notation),
        )
    return found


def _named(store: Store, name: str, params: Mapping[str, str]) -> SelectResult:
    """A named SELECT query's answer (every query used here is a SELECT)."""
    answer = queries.get(name).run(store, params)
    if not isinstance(answer, SelectResult):
        raise TypeError(f"{name} is not a SELECT query")
    return answer


def _label(row: Mapping[str, object], name: str, iri: str) -> str:
    value = row.get(name)
    return str(value) if value is not None else iri.rsplit("/", 1)[-1]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
