"""``/`` (the home page) and ``/search`` (a minimal label search, until the discovery index)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from api.deps import SettingsDep, StoreDep
from api.html.home import MAX_SEARCH_CHARS, home_page, search_page

router = APIRouter(tags=["Pages"])


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="Page d'accueil / home page",
    description="Ce qu'est essgraph, quelques chiffres et les points d'entrée. / What essgraph "
    "is, a few figures and the entry points (French first, `?lang=en`).",
)
def home(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return home_page(request, store, settings)


@router.get(
    "/search",
    response_class=HTMLResponse,
    summary="Recherche simple / simple search",
    description="Libellés et titres contenant le texte (sans accents ni majuscules), 50 "
    "premiers résultats. / Labels and titles containing the text (ignoring accents and case), "
    "first 50 results.",
)
def search(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: str = Query("", description=f"texte cherché / text searched (≤ {MAX_SEARCH_CHARS})"),
) -> Response:
    return search_page(request, store, settings)
