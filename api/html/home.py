"""The home page (what this is, figures, entry points) and a minimal label search.

The search is deliberately small: a folded substring match over labels and titles in SPARQL,
first 50 results. The discovery work replaces it with a full-text index.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rdflib import Literal, URIRef
from starlette.requests import Request
from starlette.responses import Response

from api.errors import ApiProblem
from api.html.data import PREFIXES, ess, pick
from api.html.render import View, cached, etag_for, html_page, unchanged
from api.html.site import Site, natural_key
from api.i18n import request_lang
from essgraph.settings import Settings
from store import Store

SEARCH_LIMIT = 50
MAX_SEARCH_CHARS = 200

#: Accent folding inside SPARQL (no standard function does it), mirrored by ``fold``.
_FOLDS = (
    ("[àâäáã]", "a"),
    ("[éèêë]", "e"),
    ("[îïí]", "i"),
    ("[ôöó]", "o"),
    ("[ùûüú]", "u"),
    ("ç", "c"),
    ("œ", "oe"),
    ("æ", "ae"),
    ("’", "'"),
)


def _folded(expression: str) -> str:
    for pattern, replacement in _FOLDS:
        expression = f'REPLACE({expression}, "{pattern}", "{replacement}")'
    return expression


def fold(text: str) -> str:
    """Lower case, accents and typographic apostrophes removed (as the SPARQL side does)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


COUNTED = {
    ess("Practice"): "n_practices",
    ess("Collectivity"): "n_collectivities",
    ess("Lever"): "n_levers",
    ess("TransitionTheme"): "n_themes",
}


def _figures(store: Store, site: Site) -> list[dict[str, str]]:
    rows = store.select(
        PREFIXES
        + """SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?kind { ess:Practice ess:Collectivity ess:Lever ess:TransitionTheme }
  ?s a ?kind
} GROUP BY ?kind"""
    )
    counts = {row["kind"]: str(row["n"]) for row in rows}
    return [
        {"n": site.number(counts.get(kind, "0")), "label": site.t[key]}
        for kind, key in COUNTED.items()
    ]


def _schemes(store: Store, site: Site) -> list[Any]:
    rows = store.select(
        PREFIXES
        + """SELECT DISTINCT ?scheme ?label WHERE {
  ?scheme a skos:ConceptScheme . OPTIONAL { ?scheme skos:prefLabel ?label }
}"""
    )
    labels: dict[Any, list[Any]] = {}
    for row in rows:
        labels.setdefault(row["scheme"], [])
        if "label" in row:
            labels[row["scheme"]].append(row["label"])
    refs = [site.ref(s, found) for s, found in labels.items() if site.path(str(s))]
    return sorted(refs, key=lambda r: r.label.casefold())


def home_page(request: Request, store: Store, settings: Settings) -> Response:
    lang = request_lang(request)
    tag = etag_for(request, store.data_version(), "home", lang)
    fresh = unchanged(request, tag, settings.cache_max_age)
    if fresh is not None:
        return fresh
    site = Site(settings.base_uri, lang)
    root = str(request.base_url)
    view = View(
        "ld/home.html",
        site.t["home_title"],
        "",
        {"figures": _figures(store, site), "schemes": _schemes(store, site)},
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "essgraph",
            "url": root,
            "inLanguage": ["fr", "en"],
            "description": site.t["home_intro"],
            "potentialAction": {
                "@type": "SearchAction",
                "target": root + "search?q={search_term_string}",
                "query-input": "required name=search_term_string",
            },
        },
    )
    return html_page(request, site, view, headers=cached(tag, settings.cache_max_age))


def search(store: Store, query: str, lang: str, base: str) -> list[tuple[URIRef, list[Any], str]]:
    """(resource, names, notation) of resources under ``{base}id/`` whose label or title
    contains the folded ``query``; the query is bound as a literal, never spliced."""
    rows = store.select(
        PREFIXES
        + f"""SELECT ?s (SAMPLE(?l1) AS ?name) (SAMPLE(?label) AS ?matched)
       (SAMPLE(?n) AS ?notation) WHERE {{
  ?s skos:prefLabel|skos:altLabel|dct:title ?label .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix))
  FILTER(CONTAINS({_folded("LCASE(STR(?label))")}, ?q))
  OPTIONAL {{ ?s skos:prefLabel|dct:title ?l1 FILTER(lang(?l1) = ?lang) }}
  OPTIONAL {{ ?s skos:notation ?n }}
}} GROUP BY ?s ORDER BY ?s LIMIT {SEARCH_LIMIT}""",
        {"q": Literal(query), "lang": Literal(lang), "prefix": Literal(base + "id/")},
    )
    return [
        (row["s"], [row[k] for k in ("name", "matched") if k in row], str(row.get("notation", "")))
        for row in rows
        if isinstance(row["s"], URIRef)
    ]


def search_page(request: Request, store: Store, settings: Settings) -> Response:
    lang = request_lang(request)
    raw = request.query_params.get("q", "")
    if len(raw) > MAX_SEARCH_CHARS:
        raise ApiProblem(
            f"Paramètre « q » trop long : {len(raw)} caractères, {MAX_SEARCH_CHARS} au plus.",
            f"Parameter “q” is too long: {len(raw)} characters, at most {MAX_SEARCH_CHARS}.",
            code="invalid-parameter",
            parameter="q",
        )
    site = Site(settings.base_uri, lang, None)
    query = fold(raw)
    results = []
    if query:
        for iri, names, notation in search(store, query, lang, settings.base_uri):
            results.append(site.ref(iri, [pick(names, lang) or ""] if names else [], notation))
        results.sort(key=lambda r: (natural_key(r.notation), r.label.casefold()))
    title = site.t["search_results"].format(q=raw.strip()) if query else site.t["search_title"]
    view = View(
        "ld/search.html",
        title,
        "",
        {"query": raw, "searched": bool(query), "results": results},
    )
    return html_page(request, site, view)
