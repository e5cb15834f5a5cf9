"""Similar practices, territory comparison and "collectivities like mine": JSON, JSON-LD, HTML.

``GET /practices/{key}/similar``, ``GET /compare?c=…&c=…``, ``GET /collectivities/{key}/like``.
The format is ``?format=json|jsonld|html`` or else ``Accept`` (a browser gets HTML). Answers
carry an ETag over the data version and the parameters; the similar list is paged with
``Link``.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from rdflib import URIRef

from api.caching import etag, not_modified
from api.discovery import compare as comparing
from api.discovery import linked_lists
from api.discovery import similar as similarity
from api.discovery.search import FACET_NAMES, bad
from api.discovery.state import Current
from api.errors import ApiProblem
from api.html import render_not_found
from api.html.render import View, html_page
from api.html.site import Site
from api.i18n import Lang, request_lang
from api.pagination import link_header
from api.routes.comparison_text import TEXT
from api.routes.discovery import (
    INDEX_VERSION_HEADER,
    discovery_of,
    jsonld_answer,
    openapi_responses,
    response_format,
)
from store import Store

router = APIRouter(tags=["discovery / découverte"])
VARY = "Accept, Accept-Language, Accept-Encoding"
MAX_PER_PAGE = 100


def _positive(request: Request, name: str, default: int, most: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise bad(name, "un entier positif est attendu", "a positive integer is expected", raw)
    if most is not None and int(text) > most:
        raise bad(name, f"{most} au plus", f"{most} at most", raw)
    return int(text)


def _facet_values(request: Request, current: Current, facet: str) -> set[str]:
    """IRIs of the ``kind``/``region`` keys asked; an unknown key is a 400 naming it."""
    snapshot = current.snapshot
    out: set[str] = set()
    for key in request.query_params.getlist(facet):
        key = key.strip()
        if not key:
            continue
        if not snapshot.known(facet, key):
            fr, en = FACET_NAMES[facet]
            raise bad(facet, f"{fr} inconnu(e) dans le graphe", f"unknown {en} in the graph", key)
        out.add(snapshot.iri_of(facet, key))
    return out


def _headers(request: Request, current: Current, *parts: object) -> dict[str, str]:
    tag = etag(
        current.snapshot.version,
        *parts,
        request_lang(request),
        sorted(request.query_params.multi_items()),
    )
    max_age: int = request.app.state.settings.cache_max_age
    return {
        "ETag": tag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": VARY,
        INDEX_VERSION_HEADER: current.snapshot.version,
    }


def _href(base: str, iri: str | None) -> str | None:
    return "/" + iri.removeprefix(base) if iri and iri.startswith(base) else None


async def _current(request: Request) -> tuple[Current, Store]:
    discovery = discovery_of(request)
    current: Current = await run_in_threadpool(discovery.current)
    return current, discovery.store


@router.get(
    "/practices/{key:path}/similar",
    summary="Pratiques similaires d'autres collectivités / similar practices elsewhere",
    responses=openapi_responses(csv=False),
)
async def similar_practices(
    request: Request,
    key: str,
    kind: Annotated[list[str] | None, Query(description="metropole, commune…")] = None,
    region: Annotated[list[str] | None, Query(description="code INSEE / INSEE code: 84…")] = None,
    page: Annotated[str | None, Query(description="1, 2…")] = None,
    per_page: Annotated[str | None, Query(description="20 (≤ 100)")] = None,
    fmt: Annotated[str | None, Query(alias="format", description="json | jsonld | html")] = None,
) -> Response:
    """Practices of other collectivities ranked on the levers and themes they share (a
    narrower concept fully, a broader one by half; rarer concepts weigh more) and on close
    texts, each with its reasons; ``kind`` and ``region`` filter (repeatable, OR)."""
    fmt = response_format(request, csv=False)
    lang = request_lang(request)
    current, store = await _current(request)
    snapshot = current.snapshot
    iri = f"{snapshot.base}id/practice/{key}"
    if iri not in snapshot.practices:
        if fmt == "html":
            return render_not_found(request, URIRef(iri), 404)
        raise ApiProblem(
            f"Pratique inconnue dans le graphe : {key!r}.",
            f"Unknown practice in the graph: {key!r}.",
            status=404,
            code="unknown-practice",
        )
    kinds = _facet_values(request, current, "kind")
    regions = _facet_values(request, current, "region")
    number = _positive(request, "page", 1)
    size = _positive(request, "per_page", 20, MAX_PER_PAGE)
    headers = _headers(request, current, "similar", fmt, key)
    if not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    start = (number - 1) * size
    ranked = await run_in_threadpool(
        lambda: similarity.similar(
            current, store, iri, lang, kinds=kinds, regions=regions, start=start, count=size
        )
    )
    shown = ranked.page
    has_next = start + size < ranked.total
    headers["Link"] = link_header(request.url, number, size, has_next)
    origin = snapshot.practices[iri]
    if fmt == "json":
        body = {
            "practice": {
                "iri": iri,
                "title": origin.title(lang),
                "collectivity": {
                    "iri": origin.collectivity,
                    "label": snapshot.collectivity_name(origin, lang),
                },
            },
            "total": ranked.total,
            "page": number,
            "per_page": size,
            "items": [similarity.match_json(snapshot, m, lang) for m in shown],
        }
        return JSONResponse(body, headers=headers)
    if fmt == "jsonld":
        params = request.query_params.multi_items()
        document = linked_lists.similar_list(snapshot, iri, key, ranked, number, size, params)
        return jsonld_answer(document, headers)
    d = TEXT[lang]
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "format")]
    path = request.url.path

    def at(n: int) -> str:
        return path + "?" + urlencode([*kept, ("page", str(n))])

    items = [
        {
            "title": m.practice.title(lang),
            "href": _href(snapshot.base, m.practice.iri),
            "collectivity": snapshot.collectivity_name(m.practice, lang),
            "collectivity_href": _href(snapshot.base, m.practice.collectivity),
            "score": f"{m.score:.2f}",
            "explanation": similarity.explain(m, lang),
        }
        for m in shown
    ]
    options = {
        facet: [
            {
                "key": snapshot.key_of(facet, v),
                "label": snapshot.names[v].label(lang) if v in snapshot.names else v,
                "selected": v in chosen,
            }
            for v in sorted(snapshot.masks.get(facet, {}))
        ]
        for facet, chosen in (("kind", kinds), ("region", regions))
    }
    view = View(
        "discovery/similar.html",
        d["similar_title"].format(title=origin.title(lang)),
        d["similar_kind"],
        context={
            "d": d,
            "origin_href": _href(snapshot.base, iri),
            "origin_title": origin.title(lang),
            "origin_by": snapshot.collectivity_name(origin, lang),
            "items": items,
            "total": ranked.total,
            "options": options,
            "page": number,
            "pages": max(1, math.ceil(ranked.total / size)),
            "prev_href": at(number - 1) if number > 1 else None,
            "next_href": at(number + 1) if has_next else None,
            "json_href": path + "?" + urlencode([*kept, ("format", "json")]),
            "jsonld_href": path + "?" + urlencode([*kept, ("format", "jsonld")]),
            "action": path,
        },
    )
    return html_page(request, Site(snapshot.base, lang), view, headers=headers)


@router.get(
    "/compare",
    summary="Comparer 2 à 5 collectivités / compare 2 to 5 collectivities",
    responses=openapi_responses(csv=False),
)
async def compare_collectivities(
    request: Request,
    c: Annotated[
        list[str] | None,
        Query(description="2 à 5 clés de collectivités / 2 to 5 collectivity keys"),
    ] = None,
    fmt: Annotated[str | None, Query(alias="format", description="json | jsonld | html")] = None,
) -> Response:
    """Kind, region, delegation, budget and FTE per reference year (per inhabitant when the
    population is known), levers and themes as a matrix, practices per theme."""
    fmt = response_format(request, csv=False)
    lang = request_lang(request)
    current, store = await _current(request)
    keys = comparing.parse_keys(request.query_params.getlist("c"), current.snapshot)
    headers = _headers(request, current, "compare", fmt)
    if not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    data = await run_in_threadpool(comparing.compare, current, store, keys, lang)
    if fmt == "json":
        return JSONResponse(data, headers=headers)
    snapshot = current.snapshot
    if fmt == "jsonld":
        return jsonld_answer(linked_lists.comparison(snapshot, data, keys), headers)
    d = TEXT[lang]
    base = snapshot.base
    everyone = sorted(
        (
            (iri.removeprefix(f"{base}id/collectivity/"), named.label(lang))
            for iri, named in snapshot.names.items()
            if iri.startswith(f"{base}id/collectivity/")
        ),
        key=lambda pair: pair[1].casefold(),
    )
    years = sorted({y["year"] for col in data["collectivities"] for y in col["years"]})
    view = View(
        "discovery/compare.html",
        d["compare_title"],
        d["compare_kind"],
        context={
            "d": d,
            "data": data,
            "years": years,
            "by_year": [{y["year"]: y for y in col["years"]} for col in data["collectivities"]],
            "href": lambda iri: _href(base, iri),
            "everyone": everyone,
            "chosen": set(keys),
            "number": _number(lang),
            "json_href": "/compare?" + urlencode([*(("c", k) for k in keys), ("format", "json")]),
            "jsonld_href": "/compare?"
            + urlencode([*(("c", k) for k in keys), ("format", "jsonld")]),
        },
    )
    return html_page(request, Site(base, lang), view, headers=headers)


def _number(lang: Lang) -> Any:
    def show(value: float | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}"
        if lang == "fr":
            text = text.replace(",", "\u202f").replace(".", ",")
        return text

    return show


@router.get(
    "/collectivities/{key}/like",
    summary="Collectivités comparables / collectivities like this one",
    responses=openapi_responses(csv=False),
)
async def collectivities_like(
    request: Request,
    key: str,
    fmt: Annotated[str | None, Query(alias="format", description="json | jsonld | html")] = None,
) -> Response:
    """Collectivities of the same kind, closest lever profile first (cosine over lever
    vectors, broader levers at half weight), explained, each linked to ``/compare``."""
    fmt = response_format(request, csv=False)
    lang = request_lang(request)
    current, store = await _current(request)
    snapshot = current.snapshot
    if not comparing.is_collectivity(snapshot, key):
        if fmt == "html":
            missing = URIRef(comparing.collectivity_iri(snapshot, key))
            return render_not_found(request, missing, 404)
        raise comparing.unknown_collectivity(key)
    headers = _headers(request, current, "like", fmt, key)
    if not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    kind, found = await run_in_threadpool(comparing.like, current, store, key, lang)
    if fmt == "jsonld":
        return jsonld_answer(linked_lists.like_list(snapshot, key, kind, found), headers)
    iri = comparing.collectivity_iri(snapshot, key)
    label = snapshot.names[iri].label(lang)
    kind_label = snapshot.names[kind].label(lang) if kind in snapshot.names else None
    items = [
        {
            "iri": item.iri,
            "key": item.key,
            "label": item.label,
            "score": round(item.score, 4),
            "levers_in_common": [{"notation": n, "label": x} for n, x in item.shared],
            "related_through": [{"notation": n, "label": x} for n, x in item.near],
            "explanation": comparing.like_explanation(item, lang),
            "compare": "/compare?" + urlencode([("c", key), ("c", item.key)]),
        }
        for item in found
    ]
    if fmt == "json":
        body = {
            "collectivity": {"iri": iri, "label": label},
            "kind": {"iri": kind, "label": kind_label} if kind else None,
            "items": items,
        }
        return JSONResponse(body, headers=headers)
    d = TEXT[lang]
    for item in items:
        item["href"] = _href(snapshot.base, str(item["iri"]))
        item["compare"] = f"{item['compare']}&lang={lang}"
    view = View(
        "discovery/similar.html",
        d["like_title"].format(name=label),
        d["like_kind"],
        context={
            "d": d,
            "like": True,
            "origin_href": _href(snapshot.base, iri),
            "origin_title": label,
            "kind_label": kind_label,
            "items": items,
            "total": len(items),
            "json_href": request.url.path + "?format=json",
            "jsonld_href": request.url.path + "?format=jsonld",
        },
    )
    return html_page(request, Site(snapshot.base, lang), view, headers=headers)
