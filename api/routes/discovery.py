"""``GET /practices``: the faceted practice search, as JSON, JSON-LD, CSV or an HTML page.

The format is ``?format=json|jsonld|csv|html`` or else the ``Accept`` header (a browser gets
HTML, ``application/ld+json`` a Hydra collection). Answers carry an ETag over the data version
and the parameters, and ``Link`` (first, prev, next) for paging; the CSV holds the whole
result set.
"""

from __future__ import annotations

import math
import threading
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.caching import etag, not_modified
from api.discovery import linked_data, search
from api.discovery.export import result_csv
from api.discovery.facets import FLAG_FACETS, RESOURCE_FACETS
from api.discovery.state import Current, Discovery
from api.discovery.text import TEXT
from api.errors import ApiProblem
from api.html.render import View, html_page
from api.html.site import Site
from api.i18n import Lang, request_lang
from api.negotiation import choose, prefers_html
from api.pagination import link_header
from essgraph.settings import Settings
from store import Store

router = APIRouter(tags=["discovery / découverte"])
_STATE_LOCK = threading.Lock()
#: In the server's order of preference: plain JSON for ``*/*`` (what partner sites read).
_DATA_TYPES = ("application/json", linked_data.MEDIA_TYPE, "text/csv")
_FORMATS = {"application/json": "json", linked_data.MEDIA_TYPE: "jsonld", "text/csv": "csv"}
VARY = "Accept, Accept-Language, Accept-Encoding"


def openapi_responses(csv: bool = True) -> dict[int | str, dict[str, Any]]:
    """The media types an answer comes in, for the OpenAPI description."""
    types = [t for t in _DATA_TYPES if csv or t != "text/csv"] + ["text/html"]
    return {200: {"content": {t: {} for t in types}}}


def discovery_of(request: Request) -> Discovery:
    """The app's Discovery, made on first use (the index folder follows the settings)."""
    state = request.app.state
    found: Discovery | None = getattr(state, "discovery", None)
    store: Store = state.store
    if found is None or found.store is not store:
        with _STATE_LOCK:
            found = getattr(state, "discovery", None)
            if found is None or found.store is not store:
                settings: Settings = state.settings
                found = Discovery.for_settings(store, settings.store, settings.data_dir)
                state.discovery = found
    return found


def response_format(request: Request, csv: bool = True) -> str:
    """``json``, ``jsonld``, ``csv`` (when offered) or ``html``: ``?format=`` else ``Accept``;
    a 400 for an unknown ``format``, a 406 listing the media types when nothing fits."""
    offers = [t for t in _DATA_TYPES if csv or t != "text/csv"]
    names = [_FORMATS[t] for t in offers] + ["html"]
    explicit = request.query_params.get("format")
    if explicit is not None:
        if explicit not in names:
            listed = ", ".join(names[:-1])
            raise search.bad(
                "format",
                f"{listed} ou html attendu",
                f"{listed} or html expected",
                explicit,
            )
        return explicit
    accept = request.headers.get("accept")
    if prefers_html(accept, offers):
        return "html"
    chosen = choose(accept, offers) if accept else "application/json"
    if chosen is None:
        listed = ", ".join(f"{t} (format={_FORMATS[t]})" for t in offers)
        raise ApiProblem(
            f"Aucun format disponible pour Accept: {accept}. Formats possibles : {listed}, "
            "text/html (format=html).",
            f"No format available for Accept: {accept}. Possible formats: {listed}, "
            "text/html (format=html).",
            status=406,
            code="not-acceptable",
            headers={"Vary": VARY},
            acceptable=[*offers, "text/html"],
        )
    return _FORMATS[chosen]


def jsonld_answer(document: dict[str, Any], headers: dict[str, str]) -> Response:
    """A JSON-LD document (``application/ld+json``) with the answer's headers."""
    return Response(linked_data.body(document), media_type=linked_data.MEDIA_TYPE, headers=headers)


#: The data version a discovery answer was built from (see api/discovery/state.py).
INDEX_VERSION_HEADER = "X-Essgraph-Index-Version"


def search_headers(
    request: Request, version: str, name: str, fmt: str, lang: Lang, params: list[tuple[str, str]]
) -> dict[str, str]:
    """ETag (data version and the whole query), Cache-Control and Vary of a search answer;
    the data version served, which lags the store's while a rebuild runs after a write."""
    tag = etag(version, name, fmt, lang, sorted(params))
    max_age: int = request.app.state.settings.cache_max_age
    return {
        "ETag": tag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": VARY,
        INDEX_VERSION_HEADER: version,
    }


def csv_answer(body: str, filename: str, headers: dict[str, str]) -> Response:
    """A result set as a CSV download."""
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


def page_links(
    request: Request, path: str, lang: Lang, page: int, has_next: bool
) -> dict[str, str | None]:
    """The HTML page's links: previous/next page (same query), the CSV and JSON of it."""
    base = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    kept = [(k, v) for k, v in base if k != "format"]
    plain = [(k, v) for k, v in kept if k != "lang"]

    def at(number: int) -> str:
        return f"{path}?" + urlencode([*kept, ("page", str(number))])

    return {
        "prev_href": at(page - 1) if page > 1 else None,
        "next_href": at(page + 1) if has_next else None,
        "csv_href": f"{path}?" + urlencode([*plain, ("format", "csv"), ("lang", lang)]),
        "json_href": f"{path}?" + urlencode([*plain, ("format", "json"), ("lang", lang)]),
        "jsonld_href": f"{path}?" + urlencode([*plain, ("format", "jsonld")]),
    }


@router.get(
    "/practices",
    summary="Rechercher des pratiques (texte et facettes) / search practices (text and facets)",
    responses=openapi_responses(),
)
async def practices(
    request: Request,
    q: Annotated[str | None, Query(description="Mots / words (mot* = préfixe / prefix)")] = None,
    theme: Annotated[
        list[str] | None, Query(description="T3.1, T3… (répétable / repeatable)")
    ] = None,
    lever: Annotated[list[str] | None, Query(description="L5, L5.1…")] = None,
    mode: Annotated[list[str] | None, Query(description="M1…")] = None,
    kind: Annotated[list[str] | None, Query(description="metropole, commune…")] = None,
    region: Annotated[list[str] | None, Query(description="code INSEE / INSEE code: 84…")] = None,
    partner: Annotated[list[str] | None, Query(description="clé / key")] = None,
    budget: Annotated[str | None, Query(description="yes")] = None,
    fte: Annotated[str | None, Query(description="yes")] = None,
    year_min: Annotated[str | None, Query(description="AAAA / YYYY")] = None,
    year_max: Annotated[str | None, Query(description="AAAA / YYYY")] = None,
    sort: Annotated[str | None, Query(description="relevance | title | year")] = None,
    page: Annotated[str | None, Query(description="1, 2…")] = None,
    per_page: Annotated[str | None, Query(description="20 (≤ 200)")] = None,
    fmt: Annotated[
        str | None, Query(alias="format", description="json | jsonld | csv | html")
    ] = None,
) -> Response:
    """Practices matching ``q`` (accent-insensitive, stemmed, ``mot*`` prefix) and the ticked
    facets: ``theme``, ``lever`` (a broader concept includes its narrower ones), ``mode``,
    ``kind``, ``region``, ``partner`` (keys, repeatable: OR within, AND across), ``budget=yes``,
    ``fte=yes``, ``year_min``, ``year_max``; ``sort`` = relevance | title | year; ``page``,
    ``per_page``; ``format`` = json | jsonld (Hydra collection) | csv | html; ``lang``."""
    # Values are read from the query string as a whole (repeated keys, exact errors); the
    # signature above only documents them.
    fmt = response_format(request)
    lang = request_lang(request)
    discovery = discovery_of(request)
    current: Current = await run_in_threadpool(discovery.current)
    params = list(request.query_params.multi_items())
    asked = search.parse(params, current.snapshot)
    headers = search_headers(request, current.snapshot.version, "practices", fmt, lang, params)
    if not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    result = await run_in_threadpool(search.run, current, asked, lang)
    if fmt == "csv":
        return csv_answer(result_csv(current.snapshot, result, lang), "pratiques.csv", headers)
    headers["Link"] = link_header(request.url, asked.page, asked.per_page, result.has_next)
    if fmt == "json":
        return JSONResponse(_json(current, result, lang), headers=headers)
    if fmt == "jsonld":
        document = linked_data.practices_collection(current.snapshot, result, params)
        return jsonld_answer(document, headers)
    return _html(request, current, result, lang, headers)


def _json(current: Current, result: search.Result, lang: Lang) -> dict[str, Any]:
    snapshot = current.snapshot
    return {
        "total": result.total,
        "page": result.request.page,
        "per_page": result.request.per_page,
        "sort": result.request.sort,
        "items": [
            search.item_json(snapshot, p, lang, result.scores.get(p.iri)) for p in result.items
        ],
        "facets": {name: search.facet_json(values) for name, values in result.facets.items()},
        "years": {str(year): n for year, n in result.years.items()},
    }


def _html(
    request: Request,
    current: Current,
    result: search.Result,
    lang: Lang,
    headers: dict[str, str],
) -> Response:
    snapshot = current.snapshot
    pages = max(1, math.ceil(result.total / result.request.per_page))
    items = [
        {
            "title": p.title(lang),
            "href": "/" + p.iri.removeprefix(f"{snapshot.base}"),
            "collectivity": snapshot.collectivity_name(p, lang),
            "collectivity_href": (
                "/" + p.collectivity.removeprefix(snapshot.base) if p.collectivity else None
            ),
            "year": p.year,
            "levers": snapshot.value_names(p, "lever", lang),
            "themes": snapshot.value_names(p, "theme", lang),
        }
        for p in result.items
    ]
    site = Site(snapshot.base, lang)
    view = View(
        "discovery/practices.html",
        TEXT[lang]["title"],
        TEXT[lang]["kind"],
        context={
            "d": TEXT[lang],
            "result": result,
            "items": items,
            "facets": [(name, result.facets[name]) for name in RESOURCE_FACETS],
            "flags": [(name, result.facets[name][0]) for name in FLAG_FACETS],
            "years": result.years,
            "asked": result.request,
            "pages": pages,
            **page_links(request, "/practices", lang, result.request.page, result.has_next),
            "query": "",
        },
    )
    return html_page(request, site, view, headers=headers)
