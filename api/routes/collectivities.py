"""``GET /collectivities``: the faceted collectivity search, as JSON, JSON-LD, CSV or HTML.

Same contract as ``/practices`` (format by ``?format=`` or ``Accept``, ETag over the data
version and the parameters, ``Link`` for paging, the CSV holds the whole result set); the
HTML page lets a person tick collectivities and compare them (``/compare?c=…&c=…``).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.caching import not_modified
from api.discovery import collectivities as found
from api.discovery import linked_data, search
from api.discovery.state import Current
from api.html.render import View, html_page
from api.html.site import Site
from api.i18n import Lang, request_lang
from api.pagination import link_header
from api.routes.discovery import (
    csv_answer,
    discovery_of,
    jsonld_answer,
    openapi_responses,
    page_links,
    response_format,
    search_headers,
)

router = APIRouter(tags=["discovery / découverte"])

TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "title": "Rechercher des collectivités",
        "kind": "Découverte entre territoires",
        "intro": "Quelles collectivités agissent avec tel levier, sur telle thématique, avec "
        "quels moyens ? Cochez des filtres (ET entre rubriques, OU au sein d'une rubrique), "
        "puis cochez des collectivités pour les comparer.",
        "q": "Nom de la collectivité",
        "q_hint": "sans accents ni majuscules obligatoires ; « bel* » pour un préfixe",
        "kind_facet": "Nature de la collectivité",
        "region": "Région",
        "lever": "Leviers d'action (politique ou pratiques)",
        "theme": "Thématiques (politique ou pratiques)",
        "means": "Moyens déclarés",
        "budget": "Budget ESS dédié",
        "fte": "ETP dédiés à l'ESS",
        "sort": "Trier par",
        "sort_relevance": "pertinence",
        "sort_name": "nom",
        "sort_practices": "nombre de pratiques",
        "apply": "Rechercher",
        "reset": "Tout effacer",
        "filters": "Filtres",
        "results": "{n} collectivité(s)",
        "none": "Aucune collectivité ne correspond à ces critères.",
        "csv": "Télécharger la liste (CSV)",
        "json": "JSON",
        "page": "Page {page} sur {pages}",
        "prev": "Page précédente",
        "next": "Page suivante",
        "practices": "{n} pratique(s)",
        "compare": "Comparer les collectivités cochées (2 à 5)",
        "compare_one": "comparer",
    },
    "en": {
        "title": "Search collectivities",
        "kind": "Cross-territory discovery",
        "intro": "Which collectivities act with this lever, on this theme, with which means? "
        "Tick filters (AND across groups, OR within a group), then tick collectivities to "
        "compare them.",
        "q": "Collectivity name",
        "q_hint": "accents and capitals optional; 'bel*' for a prefix",
        "kind_facet": "Collectivity kind",
        "region": "Region",
        "lever": "Levers of action (policy or practices)",
        "theme": "Themes (policy or practices)",
        "means": "Stated means",
        "budget": "Dedicated ESS budget",
        "fte": "ESS staff (FTE)",
        "sort": "Sort by",
        "sort_relevance": "relevance",
        "sort_name": "name",
        "sort_practices": "number of practices",
        "apply": "Search",
        "reset": "Clear all",
        "filters": "Filters",
        "results": "{n} collectivity(ies)",
        "none": "No collectivity matches these criteria.",
        "csv": "Download the list (CSV)",
        "json": "JSON",
        "page": "Page {page} of {pages}",
        "prev": "Previous page",
        "next": "Next page",
        "practices": "{n} practice(s)",
        "compare": "Compare the ticked collectivities (2 to 5)",
        "compare_one": "compare",
    },
}


@router.get(
    "/collectivities",
    summary="Rechercher des collectivités (nom et facettes) / search collectivities",
    responses=openapi_responses(),
)
async def collectivities(
    request: Request,
    q: Annotated[str | None, Query(description="Nom / name (mot* = préfixe / prefix)")] = None,
    kind: Annotated[list[str] | None, Query(description="metropole, commune…")] = None,
    region: Annotated[list[str] | None, Query(description="code INSEE / INSEE code: 84…")] = None,
    lever: Annotated[list[str] | None, Query(description="L5, L5.1…")] = None,
    theme: Annotated[list[str] | None, Query(description="T3.1, T3…")] = None,
    budget: Annotated[str | None, Query(description="yes")] = None,
    fte: Annotated[str | None, Query(description="yes")] = None,
    sort: Annotated[str | None, Query(description="relevance | name | practices")] = None,
    page: Annotated[str | None, Query(description="1, 2…")] = None,
    per_page: Annotated[str | None, Query(description="20 (≤ 200)")] = None,
    fmt: Annotated[
        str | None, Query(alias="format", description="json | jsonld | csv | html")
    ] = None,
) -> Response:
    """Collectivities whose names match ``q`` and the ticked facets: ``kind``, ``region``,
    ``lever`` and ``theme`` used by their policy or practices (a broader concept includes its
    narrower ones; OR within, AND across), ``budget=yes`` / ``fte=yes`` (a policy states
    one); ``sort`` = relevance | name | practices; ``page``, ``per_page``; ``format``."""
    fmt = response_format(request)
    lang = request_lang(request)
    discovery = discovery_of(request)
    current: Current = await run_in_threadpool(discovery.current)
    params = list(request.query_params.multi_items())
    asked = found.parse(params, current.snapshot)
    version = current.snapshot.version
    headers = search_headers(request, version, "collectivities", fmt, lang, params)
    if not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    table = await run_in_threadpool(found.table, discovery.store, current.snapshot)
    result = await run_in_threadpool(found.run, current, table, asked, lang)
    if fmt == "csv":
        body = found.result_csv(current.snapshot, result, lang)
        return csv_answer(body, "collectivites.csv", headers)
    headers["Link"] = link_header(request.url, asked.page, asked.per_page, result.has_next)
    if fmt == "json":
        return JSONResponse(_json(current, result, lang), headers=headers)
    if fmt == "jsonld":
        document = linked_data.collectivities_collection(current.snapshot, result, params)
        return jsonld_answer(document, headers)
    return _html(request, current, result, lang, headers)


def _json(current: Current, result: found.Result, lang: Lang) -> dict[str, Any]:
    snapshot = current.snapshot
    return {
        "total": result.total,
        "page": result.request.page,
        "per_page": result.request.per_page,
        "sort": result.request.sort,
        "items": [
            found.item_json(snapshot, c, lang, result.scores.get(c.iri)) for c in result.items
        ],
        "facets": {name: search.facet_json(values) for name, values in result.facets.items()},
    }


def _html(
    request: Request,
    current: Current,
    result: found.Result,
    lang: Lang,
    headers: dict[str, str],
) -> Response:
    snapshot = current.snapshot
    pages = max(1, math.ceil(result.total / result.request.per_page))

    items = [
        {
            "key": found.key(snapshot, c.iri),
            "label": found.name(snapshot, c.iri, lang),
            "href": "/" + c.iri.removeprefix(snapshot.base),
            "kind": found.value_names(snapshot, c, "kind", lang),
            "region": found.value_names(snapshot, c, "region", lang),
            "practices": c.practices,
        }
        for c in result.items
    ]
    text = TEXT[lang]
    view = View(
        "discovery/collectivities.html",
        text["title"],
        text["kind"],
        context={
            "d": text,
            "result": result,
            "items": items,
            "facets": [(name, result.facets[name]) for name in found.RESOURCE],
            "flags": [(name, result.facets[name][0]) for name in found.FLAGS],
            "asked": result.request,
            "sorts": found.SORTS,
            "pages": pages,
            **page_links(request, "/collectivities", lang, result.request.page, result.has_next),
            "query": "",
        },
    )
    return html_page(request, Site(snapshot.base, lang), view, headers=headers)
