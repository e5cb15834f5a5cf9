"""The language of an answer: ``?lang=`` first, then ``Accept-Language``, French by default."""

from __future__ import annotations

from typing import Literal

from starlette.requests import Request

Lang = Literal["fr", "en"]

#: The site navigation's labels, shared by every page layout (``base.html``, ``ld/layout.html``).
NAV_TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "api_docs": "Documentation de l'API",
        "nav_home": "Accueil",
        "nav_practices": "Pratiques",
        "nav_collectivities": "Collectivités",
        "nav_charts": "Graphiques",
        "nav_map": "Carte",
        "nav_ontology": "Ontologie",
        "nav_shapes": "Formes SHACL",
        "nav_thesauri": "Thésaurus",
        "nav_dataset": "Jeu de données",
        "other_lang": "English",
    },
    "en": {
        "api_docs": "API documentation",
        "nav_home": "Home",
        "nav_practices": "Practices",
        "nav_collectivities": "Collectivities",
        "nav_charts": "Charts",
        "nav_map": "Map",
        "nav_ontology": "Ontology",
        "nav_shapes": "SHACL shapes",
        "nav_thesauri": "Thesauri",
        "nav_dataset": "Dataset",
        "other_lang": "Français",
    },
}


def pick_lang(explicit: str | None, accept_language: str | None) -> Lang:
    """``fr`` or ``en``: an explicit choice wins, then the first of the two the client ranks."""
    if explicit in ("fr", "en"):
        return explicit  # type: ignore[return-value]
    ranked: list[tuple[float, int, str]] = []
    for index, element in enumerate((accept_language or "").split(",")):
        tag, _, params = element.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("fr", "en") and q > 0:
            ranked.append((-q, index, primary))
    return sorted(ranked)[0][2] if ranked else "fr"  # type: ignore[return-value]


def request_lang(request: Request) -> Lang:
    return pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
