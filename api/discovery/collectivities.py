"""The collectivity search: which collectivities match a text and ticked facets.

Collectivities are few (hundreds, where practices are tens of thousands), so their facet
values are read once per data version (two SELECTs, no request value in them) and filtered
with Python sets. Levers and themes come from the collectivity's policies *and* practices,
with their broader concepts, so ticking L5 finds a collectivity using L5.1. Parameters are
checked by the practice search's own ``parse`` (facet keys, flags, q, page, per_page), the
order by :func:`parse_sort`.
"""

from __future__ import annotations

import csv
import io
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from api.discovery import search
from api.discovery.export import neutralise
from api.discovery.facets import FacetValue, Snapshot, collation_key, facet_values
from api.discovery.state import Current
from api.i18n import Lang
from ontology import sparql_prefixes
from store import Store

Sort = Literal["relevance", "name", "practices"]
SORTS: tuple[str, ...] = ("relevance", "name", "practices")
#: Facets of the collectivity search (practice-search names, so ``search.parse`` checks them).
RESOURCE = ("kind", "region", "lever", "theme")
FLAGS = ("budget", "fte")
FACETS = (*RESOURCE, *FLAGS)
#: Request keys handed to the practice search's parser (``sort`` is ours).
_PARSED = frozenset({*FACETS, "q", "page", "per_page"})

_PREFIXES = sparql_prefixes("ess", "skos")
COLLECTIVITIES = (
    _PREFIXES
    + """
SELECT ?c (COUNT(DISTINCT ?p) AS ?practices) WHERE {
  ?c a ess:Collectivity .
  OPTIONAL { ?p ess:implementedBy ?c ; a ess:Practice }
} GROUP BY ?c"""
)
MEMBERSHIPS = (
    _PREFIXES
    + """
SELECT DISTINCT ?c ?facet ?v WHERE {
  ?c a ess:Collectivity .
  { ?c ess:collectivityKind ?v . BIND("kind" AS ?facet) }
  UNION { ?c ess:region ?v . BIND("region" AS ?facet) }
  UNION { { ?x ess:policyOf ?c } UNION { ?x ess:implementedBy ?c }
          ?x ess:usesLever/skos:broader* ?v . BIND("lever" AS ?facet) }
  UNION { { ?x ess:policyOf ?c } UNION { ?x ess:implementedBy ?c }
          ?x (ess:addressesTheme|ess:priorityTheme)/skos:broader* ?v . BIND("theme" AS ?facet) }
  UNION { ?policy ess:policyOf ?c ; ess:dedicatedBudget ?amount .
          FILTER(?amount > 0) BIND("budget" AS ?facet) BIND("yes" AS ?v) }
  UNION { ?policy ess:policyOf ?c ; ess:dedicatedStaff ?staff .
          FILTER(?staff > 0) BIND("fte" AS ?facet) BIND("yes" AS ?v) }
}"""
)


@dataclass
class Collectivity:
    iri: str
    practices: int = 0
    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass(frozen=True)
class Request:
    q: str
    selected: dict[str, list[str]]
    sort: Sort
    page: int
    per_page: int


@dataclass(frozen=True)
class Result:
    request: Request
    total: int
    items: list[Collectivity]
    everything: list[Collectivity]
    facets: dict[str, list[FacetValue]]
    scores: dict[str, float]

    @property
    def has_next(self) -> bool:
        return self.request.page * self.request.per_page < self.total


_READ_LOCK = threading.Lock()
#: The table is kept on the facet snapshot (one per data version), as its orders are.
_SLOT = "_collectivities"


def table(store: Store, snapshot: Snapshot) -> dict[str, Collectivity]:
    """Every collectivity with its facet values and practice count, for ``snapshot``'s
    version (read once; requests of the same version share it)."""
    found: dict[str, Collectivity] | None = snapshot.__dict__.get(_SLOT)
    if found is None:
        with _READ_LOCK:
            found = snapshot.__dict__.get(_SLOT)
            if found is None:
                found = _read(store)
                snapshot.__dict__[_SLOT] = found
    return found


def _read(store: Store) -> dict[str, Collectivity]:
    out: dict[str, Collectivity] = {}
    for row in store.select(COLLECTIVITIES):
        iri = str(row["c"])
        out[iri] = Collectivity(iri, int(str(row.get("practices", 0))))
    for row in store.select(MEMBERSHIPS):
        member = out.get(str(row["c"]))
        if member is not None:
            member.values[str(row["facet"])].add(str(row["v"]))
    return out


def parse(params: Sequence[tuple[str, str]], snapshot: Snapshot) -> Request:
    """Facets, q and paging checked as ``/practices`` checks them; ``sort`` here."""
    asked = search.parse([(k, v) for k, v in params if k in _PARSED], snapshot)
    q = asked.q
    sort_raw = dict(params).get("sort", "").strip() or ("relevance" if q else "name")
    if sort_raw not in SORTS:
        raise search.bad(
            "sort",
            "relevance, name ou practices attendu",
            "relevance, name or practices expected",
            sort_raw,
        )
    return Request(q, asked.selected, sort_raw, asked.page, asked.per_page)  # type: ignore[arg-type]


def name(snapshot: Snapshot, iri: str, lang: Lang) -> str:
    named = snapshot.names.get(iri)
    return named.label(lang) if named else iri.rsplit("/", 1)[-1]


def key(snapshot: Snapshot, iri: str) -> str:
    return iri.removeprefix(f"{snapshot.base}id/collectivity/")


def run(
    current: Current, collectivities: Mapping[str, Collectivity], asked: Request, lang: Lang
) -> Result:
    """Text hits narrowed by the facets (AND across, OR within), each facet counted with the
    other facets' filters, sorted, and the page asked for."""
    snapshot = current.snapshot
    scores: dict[str, float] = {}
    universe = set(collectivities)
    if asked.q:
        scores = current.index.scores(asked.q, "collectivity")
        universe &= scores.keys()
    wanted = {
        facet: {snapshot.iri_of(facet, k) if facet in RESOURCE else k for k in keys}
        for facet, keys in asked.selected.items()
    }
    passing = {
        facet: {i for i in universe if collectivities[i].values.get(facet, set()) & values}
        for facet, values in wanted.items()
    }

    def base_without(skip: str | None) -> set[str]:
        base = set(universe)
        for facet, members in passing.items():
            if facet != skip:
                base &= members
        return base

    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counts: dict[str, int] = defaultdict(int)
        for iri in base_without(facet):
            for value in collectivities[iri].values.get(facet, set()):
                counts[value] += 1
        facets[facet] = facet_values(snapshot, facet, counts, wanted.get(facet, set()), lang)
    ordered = _sorted(snapshot, collectivities, base_without(None), asked.sort, scores, lang)
    start = (asked.page - 1) * asked.per_page
    page = ordered[start : start + asked.per_page]
    return Result(asked, len(ordered), page, ordered, facets, scores)


def _sorted(
    snapshot: Snapshot,
    collectivities: Mapping[str, Collectivity],
    matched: set[str],
    sort: Sort,
    scores: dict[str, float],
    lang: Lang,
) -> list[Collectivity]:
    """Ties always end on the name (French collation), then the IRI: pages never overlap."""
    by_name = sorted(matched, key=lambda i: (collation_key(name(snapshot, i, lang)), i))
    if sort == "relevance" and scores:
        by_name.sort(key=lambda i: scores.get(i, 0.0))  # bm25: lower is better; stable
    elif sort == "practices":
        by_name.sort(key=lambda i: -collectivities[i].practices)
    return [collectivities[i] for i in by_name]


def value_names(snapshot: Snapshot, c: Collectivity, facet: str, lang: Lang) -> list[str]:
    """Labels of a collectivity's most specific values of a facet (broader ones left out)."""
    iris = c.values.get(facet, set())
    own = [
        i
        for i in iris
        if not any(i in snapshot.names[o].broader for o in iris if o in snapshot.names)
    ]
    return sorted((name(snapshot, i, lang) for i in own), key=collation_key)


def item_json(
    snapshot: Snapshot, c: Collectivity, lang: Lang, score: float | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "iri": c.iri,
        "key": key(snapshot, c.iri),
        "label": name(snapshot, c.iri, lang),
        "kind": value_names(snapshot, c, "kind", lang),
        "region": value_names(snapshot, c, "region", lang),
        "practices": c.practices,
        "has_budget": "yes" in c.values.get("budget", set()),
        "has_fte": "yes" in c.values.get("fte", set()),
        "levers": value_names(snapshot, c, "lever", lang),
        "themes": value_names(snapshot, c, "theme", lang),
    }
    if score is not None:
        out["score"] = round(-score, 4)
    return out


CSV_HEADERS: dict[Lang, list[str]] = {
    "fr": [
        "iri",
        "nom",
        "nature",
        "région",
        "pratiques",
        "budget ESS",
        "ETP ESS",
        "leviers",
        "thématiques",
    ],
    "en": [
        "iri",
        "name",
        "kind",
        "region",
        "practices",
        "ESS budget",
        "ESS FTE",
        "levers",
        "themes",
    ],
}


def result_csv(snapshot: Snapshot, result: Result, lang: Lang) -> str:
    """Every collectivity of the result (not only the page), formula cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS[lang])
    yes, no = ("oui", "non") if lang == "fr" else ("yes", "no")
    for c in result.everything:
        row = [
            c.iri,
            name(snapshot, c.iri, lang),
            " | ".join(value_names(snapshot, c, "kind", lang)),
            " | ".join(value_names(snapshot, c, "region", lang)),
            str(c.practices),
            yes if "yes" in c.values.get("budget", set()) else no,
            yes if "yes" in c.values.get("fte", set()) else no,
            " | ".join(value_names(snapshot, c, "lever", lang)),
            " | ".join(value_names(snapshot, c, "theme", lang)),
        ]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


__all__ = ["Collectivity", "Request", "Result", "item_json", "parse", "result_csv", "run", "table"]
