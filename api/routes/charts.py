"""``/charts`` (every chart with its data table, HTML) and ``/charts/{name}.svg`` (one chart).

The SVG is drawn on the server from the public default graph, so the picture works without
script and anywhere an image does; its ETag follows the data version, the language and the
scope, so a write makes every chart fresh.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.caching import etag, not_modified
from api.charts import catalog
from api.deps import SettingsDep, StoreDep
from api.errors import ApiProblem
from api.html.render import VARY, View, cached, etag_for, html_page, unchanged
from api.html.site import Site
from api.i18n import Lang, request_lang
from store import Store

router = APIRouter(tags=["charts / graphiques"])
SVG = "image/svg+xml"

PAGE_TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "title": "Graphiques",
        "intro": "Les leviers, thématiques et moyens des politiques ESS en images, calculés à "
        "partir des données publiques du graphe. Chaque graphique est suivi du tableau de ses "
        "chiffres et se télécharge en SVG.",
        "contents": "Sommaire",
        "table": "Les chiffres du graphique",
        "download": "Télécharger en SVG",
        "no_rows": "Aucune donnée.",
        "scope": "Cooccurrence comptée par",
        "scope.collectivity": "collectivité",
        "scope.practice": "pratique",
        "map_note": "La carte des collectivités, avec la source des coordonnées de chacune :",
        "map_link": "Carte des collectivités",
    },
    "en": {
        "title": "Charts",
        "intro": "The levers, themes and means of ESS policies as pictures, computed from the "
        "graph's public data. Each chart is followed by the table of its numbers and can be "
        "downloaded as SVG.",
        "contents": "Contents",
        "table": "The chart's numbers",
        "download": "Download as SVG",
        "no_rows": "No data.",
        "scope": "Co-occurrence counted per",
        "scope.collectivity": "collectivity",
        "scope.practice": "practice",
        "map_note": "The map of collectivities, with where each one's coordinates come from:",
        "map_link": "Map of collectivities",
    },
}

ScopeQuery = Annotated[
    str,
    Query(
        description="collectivity | practice (lever-cooccurrence : même collectivité / "
        "same collectivity, ou même pratique / or same practice)"
    ),
]


def _scope(value: str) -> str:
    if value not in catalog.SCOPES:
        raise ApiProblem(
            f"paramètre « scope » : « {value} » invalide (collectivity ou practice attendu)",
            f"parameter 'scope': {value!r} is invalid (collectivity or practice expected)",
            code="invalid-parameter",
            parameter="scope",
        )
    return value


@router.get(
    "/charts/{name}.svg",
    summary="Un graphique en SVG / one chart as SVG",
    description="Graphiques / charts: " + ", ".join(catalog.NAMES) + ". Français par défaut, "
    "`?lang=en` (ou Accept-Language). / French by default, `?lang=en` (or Accept-Language).",
    response_class=Response,
    responses={200: {"content": {SVG: {}}}},
)
async def chart_svg(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    name: Annotated[str, Path(description=", ".join(catalog.NAMES))],
    scope: ScopeQuery = "collectivity",
) -> Response:
    if name not in catalog.NAMES:
        raise ApiProblem(
            f"graphique inconnu : « {name} » (connus : {', '.join(catalog.NAMES)})",
            f"unknown chart: {name!r} (known: {', '.join(catalog.NAMES)})",
            status=404,
            code="unknown-chart",
        )
    scope = _scope(scope)
    lang = request_lang(request)
    version = await run_in_threadpool(store.data_version)
    tag = etag(version, "chart", name, lang, scope)
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={settings.cache_max_age}",
        "Vary": VARY,
    }
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    chart = await run_in_threadpool(catalog.build, name, store, lang, scope)
    return Response(chart.document, media_type=SVG, headers=headers)


@router.get(
    "/charts",
    response_class=HTMLResponse,
    summary="Graphiques / charts",
    description="Tous les graphiques avec le tableau de leurs chiffres (français d'abord, "
    "`?lang=en`). / Every chart with the table of its numbers (French first, `?lang=en`).",
)
async def charts_page(
    request: Request, store: StoreDep, settings: SettingsDep, scope: ScopeQuery = "collectivity"
) -> Response:
    scope = _scope(scope)
    lang = request_lang(request)
    version = await run_in_threadpool(store.data_version)
    tag = etag_for(request, version, lang)
    early = unchanged(request, tag, settings.cache_max_age)
    if early is not None:
        return early
    charts = await run_in_threadpool(_build_all, store, lang, scope)
    text = PAGE_TEXT[lang]
    view = View(
        template="charts/charts.html",
        title=text["title"],
        kind="",
        context={"charts": charts, "c": text, "scope": scope, "scopes": catalog.SCOPES},
    )
    site = Site(settings.base_uri, lang)
    return html_page(request, site, view, headers=cached(tag, settings.cache_max_age))


def _build_all(store: Store, lang: Lang, scope: str) -> list[catalog.Chart]:
    return [catalog.build(name, store, lang, scope) for name in catalog.NAMES]
