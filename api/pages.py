"""HTML pages of the endpoint (the query page, the catalogue), French first, via Jinja2."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from api.i18n import NAV_TEXT, Lang, request_lang
from ontology import PREFIXES, sparql_prefixes
from queries import NamedQuery

TEMPLATES = Jinja2Templates(directory=str(resources.files("api").joinpath("templates")))

#: Page strings; the templates and the script read only these.
TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        **NAV_TEXT["fr"],
        "title": "Interroger essgraph en SPARQL",
        "intro": "Écrivez une requête SPARQL ou choisissez un exemple, puis exécutez-la. "
        "Les résultats se téléchargent en CSV ou en JSON ; l'adresse de la page garde la "
        "requête pour la partager.",
        "editor": "Requête SPARQL",
        "run": "Exécuter",
        "running": "Exécution…",
        "gallery": "Exemples de requêtes",
        "results": "Résultats",
        "download_csv": "Télécharger en CSV",
        "download_json": "Télécharger en JSON",
        "rows": "ligne(s)",
        "truncated": "Résultat tronqué à la limite du serveur",
        "no_results": "Aucun résultat.",
        "error": "Erreur",
        "endpoint": "Point d'accès",
        "catalog": "Requêtes nommées",
        "skip": "Aller à l'éditeur",
        "parameters": "Paramètres",
        "open": "Charger dans l'éditeur",
        "catalog_intro": "Chaque requête est aussi une adresse de l'API, avec ses paramètres.",
        "tags": "Mots-clés",
    },
    "en": {
        **NAV_TEXT["en"],
        "title": "Query essgraph with SPARQL",
        "intro": "Write a SPARQL query or pick an example, then run it. Results download as "
        "CSV or JSON; the page address keeps the query so you can share it.",
        "editor": "SPARQL query",
        "run": "Run",
        "running": "Running…",
        "gallery": "Example queries",
        "results": "Results",
        "download_csv": "Download as CSV",
        "download_json": "Download as JSON",
        "rows": "row(s)",
        "truncated": "Result truncated at the server's limit",
        "no_results": "No results.",
        "error": "Error",
        "endpoint": "Endpoint",
        "catalog": "Named queries",
        "skip": "Skip to the editor",
        "parameters": "Parameters",
        "open": "Load in the editor",
        "catalog_intro": "Each query is also an API address, with its parameters.",
        "tags": "Tags",
    },
}

#: Prefixes written at the top of a new query.
DEFAULT_PREFIXES = ("ess", "skos", "rdfs", "dct", "org", "schema", "prov", "xsd")


def default_query() -> str:
    lines = sparql_prefixes(*DEFAULT_PREFIXES).splitlines()
    lines += [
        "",
        "SELECT ?pratique ?titre WHERE {",
        "  ?pratique a ess:Practice ; dct:title ?titre .",
        '  FILTER(lang(?titre) = "fr")',
        "} LIMIT 20",
    ]
    return "\n".join(lines)


def _gallery(catalog: list[NamedQuery], lang: Lang) -> list[dict[str, Any]]:
    return [
        {
            "name": q.name,
            "title": q.title.get(lang) or q.title.get("fr") or q.name,
            "description": q.description.get(lang) or q.description.get("fr") or "",
            "text": q.text,
            "tags": list(q.tags),
        }
        for q in catalog
    ]


def query_page(
    request: Request, catalog: list[NamedQuery], *, query: str | None, endpoint: str
) -> Response:
    lang = request_lang(request)
    config = {
        "endpoint": endpoint,
        "lang": lang,
        "text": TEXT[lang],
        "defaultQuery": default_query(),
        "initialQuery": query,
        "gallery": _gallery(catalog, lang),
        "prefixes": PREFIXES,
    }
    return TEMPLATES.TemplateResponse(
        request,
        "query.html",
        {
            "lang": lang,
            "t": TEXT[lang],
            "other": "en" if lang == "fr" else "fr",
            "gallery": config["gallery"],
            "query": query or default_query(),
            "config_json": json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
        },
        headers={"Vary": "Accept, Accept-Language", "Cache-Control": "no-cache"},
    )


def catalog_page(request: Request, catalog: list[NamedQuery]) -> Response:
    lang = request_lang(request)
    return TEMPLATES.TemplateResponse(
        request,
        "catalog.html",
        {
            "lang": lang,
            "t": TEXT[lang],
            "other": "en" if lang == "fr" else "fr",
            "queries": _gallery(catalog, lang),
            "params": {q.name: q.parameters for q in catalog},
        },
        headers={"Vary": "Accept, Accept-Language"},
    )
