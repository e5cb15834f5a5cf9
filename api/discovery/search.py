"""The practice search as one function: parameters checked, text matched, facets applied,
results sorted. Routes only choose the format (JSON, CSV, HTML)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

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
    request: Request
    total: int
    items: list[Practice]
    everything: list[Practice]
    facets: dict[str, list[FacetValue]]
    years: dict[int, int]
    scores: dict[str, float]

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
    """Text hits (bm25) narrowed by the facets, sorted, and the page asked for."""
    snapshot = current.snapshot
    scores: dict[str, float] = {}
    within = None
    if request.q:
        scores = current.index.scores(request.q, "practice")
        within = scores.keys()
    selected = {
        facet: {snapshot.iri_of(facet, k) if facet in RESOURCE_FACETS else k for k in keys}
        for facet, keys in request.selected.items()
    }
    filtered = apply(
        snapshot,
        selected,
        year_min=request.year_min,
        year_max=request.year_max,
        within=within,
        lang=lang,
    )
    ordered = _sorted(snapshot, filtered.matched, request.sort, scores, lang)
    start = (request.page - 1) * request.per_page
    return Result(
        request,
        len(ordered),
        ordered[start : start + request.per_page],
        ordered,
        filtered.facets,
        filtered.years,
        scores,
    )


def _sorted(
    snapshot: Snapshot, matched: frozenset[str], sort: Sort, scores: dict[str, float], lang: Lang
) -> list[Practice]:
    """Stable orders: ties end on the title order, itself ending on the IRI, so equal titles
    never swap between pages. Title and year orders are the snapshot's, filtered."""
    if sort == "relevance" and scores:
        rank = snapshot.rank(lang)
        iris = sorted(matched, key=lambda iri: (scores.get(iri, 0.0), rank[iri]))
        return [snapshot.practices[iri] for iri in iris]
    order = snapshot.ordered("year" if sort == "year" else "title", lang)
    if len(matched) == len(snapshot.practices):
        return order
    return [p for p in order if p.iri in matched]


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
