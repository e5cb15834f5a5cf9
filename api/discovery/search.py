"""The practice search as one function: parameters checked, text matched, facets applied,
results sorted. Routes only choose the format (JSON, CSV, HTML)."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Literal, TypeVar

import numpy as np

from api.discovery.facets import (
    FLAG_FACETS,
    RESOURCE_FACETS,
    FacetValue,
    Practice,
    Snapshot,
    apply,
)
from api.discovery.state import Current
from api.errors import ApiProblem
from api.i18n import Lang
from store.text_index import Hits

T = TypeVar("T")
Sort = Literal["relevance", "title", "year"]
SORTS: tuple[str, ...] = ("relevance", "title", "year")
MAX_PER_PAGE = 200
YEAR_RANGE = (1945, 2035)

#: Facet names as a person reads them, for messages.
FACET_NAMES: dict[str, tuple[str, str]] = {
    "theme": ("thématique", "theme"),
    "lever": ("levier", "lever"),
    "mode": ("mode d'action", "mode of action"),
    "kind": ("nature de collectivité", "collectivity kind"),
    "region": ("région", "region"),
    "partner": ("partenaire", "partner"),
}


@dataclass(frozen=True)
class Request:
    """A search as asked: text, ticked values per facet (keys), year range, order, page."""

    q: str
    selected: dict[str, list[str]]
    year_min: int | None
    year_max: int | None
    sort: Sort
    page: int
    per_page: int


@dataclass(frozen=True)
class Result:
    """A page of practices, the counts, and the whole ordered result set on demand (the CSV
    wants it; a page does not, and building 16k objects would cost more than the search)."""

    request: Request
    total: int
    items: list[Practice]
    facets: dict[str, list[FacetValue]]
    years: dict[int, int]
    #: bm25 per IRI (lower is better), at least for the page's items when ``q`` was given.
    scores: Mapping[str, float]
    ordering: Callable[[], list[Practice]] = field(repr=False, compare=False)

    @functools.cached_property
    def everything(self) -> list[Practice]:
        return self.ordering()

    @property
    def has_next(self) -> bool:
        return self.request.page * self.request.per_page < self.total


def bad(parameter: str, fr: str, en: str, value: str) -> ApiProblem:
    return ApiProblem(
        f"Paramètre « {parameter} » : {fr} ({value!r}).",
        f"Parameter '{parameter}': {en} ({value!r}).",
        code="invalid-parameter",
        parameter=parameter,
    )


def _year(parameter: str, raw: str | None) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise bad(
            parameter,
            "une année sur quatre chiffres est attendue",
            "a 4-digit year is expected",
            raw,
        )
    year = int(text)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        low, high = YEAR_RANGE
        raise bad(
            parameter,
            f"l'année doit être comprise entre {low} et {high}",
            f"the year must lie between {low} and {high}",
            raw,
        )
    return year


def parse(
    params: Sequence[tuple[str, str]], snapshot: Snapshot, *, per_page_default: int = 20
) -> Request:
    """Check every parameter against the graph: an unknown concept is a 400 naming it."""
    selected: dict[str, list[str]] = {}
    for facet in RESOURCE_FACETS:
        keys = [v.strip() for k, v in params if k == facet and v.strip()]
        for key in keys:
            if not snapshot.known(facet, key):
                fr, en = FACET_NAMES[facet]
                raise bad(
                    facet, f"{fr} inconnu(e) dans le graphe", f"unknown {en} in the graph", key
                )
        if keys:
            selected[facet] = list(dict.fromkeys(keys))
    for flag in FLAG_FACETS:
        values = [v.strip().lower() for k, v in params if k == flag and v.strip()]
        for value in values:
            if value not in ("yes", "oui", "true", "1"):
                raise bad(
                    flag, "seule la valeur « yes » est admise", "only 'yes' is accepted", value
                )
        if values:
            selected[flag] = ["yes"]
    single = dict(params)
    year_min = _year("year_min", single.get("year_min"))
    year_max = _year("year_max", single.get("year_max"))
    if year_min is not None and year_max is not None and year_min > year_max:
        raise bad(
            "year_min",
            "l'année de début dépasse l'année de fin",
            "the first year is after the last year",
            f"{year_min} > {year_max}",
        )
    q = single.get("q", "").strip()
    if len(q) > 200:
        raise bad("q", "200 caractères au plus", "200 characters at most", q[:20] + "…")
    sort_raw = single.get("sort", "").strip() or ("relevance" if q else "title")
    if sort_raw not in SORTS:
        raise bad(
            "sort",
            "relevance, title ou year attendu",
            "relevance, title or year expected",
            sort_raw,
        )
    page = _positive("page", single.get("page"), 1)
    per_page = _positive("per_page", single.get("per_page"), per_page_default)
    if per_page > MAX_PER_PAGE:
        raise bad("per_page", f"{MAX_PER_PAGE} au plus", f"{MAX_PER_PAGE} at most", str(per_page))
    return Request(q, selected, year_min, year_max, sort_raw, page, per_page)  # type: ignore[arg-type]


def _positive(parameter: str, raw: str | None, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    if not (raw.strip().isascii() and raw.strip().isdigit()) or int(raw) < 1:
        raise bad(parameter, "un entier positif est attendu", "a positive integer is expected", raw)
    return int(raw)


def run(current: Current, request: Request, lang: Lang) -> Result:
    """Text hits narrowed by the facets, sorted, and the page asked for.

    Everything is a mask over the snapshot's positions: the hit set (cached per index
    version and words), the filters, the counts. Only the page is turned into practices,
    and bm25 is computed for every hit only when the order is relevance (else for the page).
    """
    snapshot = current.snapshot
    hits: Hits | None = None
    universe: int | None = None
    if request.q:
        relevance = request.sort == "relevance"
        hits = current.index.hits(request.q, "practice", scored=relevance)
        universe = 0 if hits is None else _hit_mask(snapshot, hits)
    selected = {
        facet: {snapshot.iri_of(facet, k) if facet in RESOURCE_FACETS else k for k in keys}
        for facet, keys in request.selected.items()
    }
    filtered = apply(
        snapshot,
        selected,
        year_min=request.year_min,
        year_max=request.year_max,
        within=None,
        lang=lang,
        universe=universe,
    )
    mask = filtered.mask
    total = mask.bit_count()
    if hits is not None and request.sort == "relevance":
        order = _relevance_order(snapshot, hits, lang)
    else:
        order = snapshot.order_positions("year" if request.sort == "year" else "title", lang)
    start = (request.page - 1) * request.per_page
    picked = _take(snapshot, order, mask, start, start + request.per_page)
    positions = snapshot.positions
    items = [snapshot.practices[positions[i]] for i in picked]
    scores: Mapping[str, float] = {}
    if hits is not None:
        scores = (
            hits.scores() if request.sort == "relevance" else hits.scores_of(p.iri for p in items)
        )

    def everything() -> list[Practice]:
        return [snapshot.practices[positions[i]] for i in _take(snapshot, order, mask, 0, total)]

    return Result(request, total, items, filtered.facets, filtered.years, scores, everything)


#: Per snapshot: masks of recent hit sets, and their relevance orders (per language).
_CACHED = 32
_CACHE_LOCK = threading.Lock()


def _cached(snapshot: Snapshot, slot: str, key: tuple[str, ...], make: Callable[[], T]) -> T:
    """A small LRU kept on the snapshot (so it dies with its data version)."""
    with _CACHE_LOCK:
        cache: OrderedDict[tuple[str, ...], T] = snapshot.__dict__.setdefault(slot, OrderedDict())
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = make()
    with _CACHE_LOCK:
        cache[key] = value
        while len(cache) > _CACHED:
            cache.popitem(last=False)
    return value


def _hit_mask(snapshot: Snapshot, hits: Hits) -> int:
    """The hits as a mask over the snapshot's positions (IRIs it does not know are left out:
    the index may be one write ahead of the snapshot for a moment)."""

    def make() -> int:
        at = np.fromiter(map(snapshot.position.get, hits.iris, repeat(-1)), np.int64)
        bits = np.zeros(len(snapshot.positions) + 8, dtype=bool)
        bits[at[at >= 0]] = True
        return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")

    return _cached(snapshot, "_hit_masks", (hits.version, hits.expression, hits.kind), make)


def _relevance_order(snapshot: Snapshot, hits: Hits, lang: Lang) -> list[int]:
    """Positions of the hits by bm25, ties by title order (so equal scores never swap
    between pages): the hits in title order, then a stable sort on the score alone (numpy
    arrays rather than a list and tuple per hit: tens of ms at 20k hits)."""

    def make() -> list[int]:
        scores = hits.scores()
        at = np.fromiter(map(snapshot.position.get, scores, repeat(-1)), np.int64, len(scores))
        values = np.fromiter(scores.values(), np.float64, len(scores))
        by_position = np.full(len(snapshot.positions), _UNSCORED)
        by_position[at[at >= 0]] = values[at >= 0]
        titled = np.array(snapshot.order_positions("title", lang), dtype=np.int64)
        ordered = titled[by_position[titled] != _UNSCORED]
        # A stable sort on the score alone keeps title order between equal scores.
        return list(ordered[np.argsort(by_position[ordered], kind="stable")].tolist())

    key = (hits.version, hits.expression, hits.kind, lang)
    return _cached(snapshot, "_relevance_orders", key, make)


_UNSCORED = float("inf")


def _take(snapshot: Snapshot, order: list[int], mask: int, start: int, end: int) -> list[int]:
    """The positions ``start:end`` of ``order`` among those in ``mask``."""
    if mask == (1 << len(snapshot.positions)) - 1 and len(order) == len(snapshot.positions):
        return order[start:end]
    bits = mask.to_bytes(len(snapshot.positions) // 8 + 1, "little")
    out: list[int] = []
    seen = 0
    for i in order:
        if bits[i >> 3] >> (i & 7) & 1:
            if seen >= start:
                out.append(i)
            seen += 1
            if seen >= end:
                break
    return out


def item_json(
    snapshot: Snapshot, practice: Practice, lang: Lang, score: float | None
) -> dict[str, Any]:
    """One result as JSON: IRI, title, collectivity, year, own levers/themes/modes."""
    out: dict[str, Any] = {
        "iri": practice.iri,
        "title": practice.title(lang),
        "collectivity": {
            "iri": practice.collectivity,
            "label": snapshot.collectivity_name(practice, lang),
        },
        "start_year": practice.year,
        "budget": float(practice.budget) if practice.budget else None,
        "levers": snapshot.value_names(practice, "lever", lang),
        "themes": snapshot.value_names(practice, "theme", lang),
        "modes": snapshot.value_names(practice, "mode", lang),
    }
    if score is not None:
        out["score"] = round(-score, 4)
    return out


def facet_json(values: list[FacetValue]) -> list[dict[str, Any]]:
    return [
        {
            "value": v.key,
            "iri": v.iri,
            "label": v.label,
            "notation": v.notation or None,
            "count": v.count,
            "selected": v.selected,
        }
        for v in values
    ]


__all__ = ["Request", "Result", "bad", "facet_json", "item_json", "parse", "run"]
