"""HTML pages of linked-data resources, French first with English.

Interface used by api/routes/resources.py:
- ``render_resource(request, store, iri, settings) -> Response | None``: the HTML page of a
  resource (None when the public data knows nothing of it);
- ``render_not_found(request, iri, status) -> Response``: the 404/410 page.

The page kind follows the resource's rdf:type; everything is read from the public default
graph with the resource bound as a term (see ``data``).
"""

from __future__ import annotations

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response

from api.html import concepts, data, entities
from api.html.data import Described, ess, skos
from api.html.render import View, cached, etag_for, html_page, unchanged
from api.html.site import Site
from api.i18n import request_lang
from essgraph.settings import Settings
from store import Store

#: Concept classes of the thesauri (a concept page each).
CONCEPT_TYPES = {
    skos("Concept"),
    ess("Lever"),
    ess("TransitionTheme"),
    ess("ModeOfAction"),
    ess("CollectivityKind"),
    ess("Region"),
}


def page_kind(described: Described) -> str:
    """practice, collectivity, concept, scheme, response or generic, from rdf:type."""
    types = described.types
    if ess("Practice") in types:
        return "practice"
    if ess("Collectivity") in types:
        return "collectivity"
    if types & CONCEPT_TYPES:
        return "concept"
    if skos("ConceptScheme") in types:
        return "scheme"
    if ess("SurveyResponse") in types:
        return "response"
    return "generic"


def build_view(store: Store, described: Described, site: Site, page: int) -> View:
    kind = page_kind(described)
    if kind == "practice":
        return entities.practice(store, described, site)
    if kind == "collectivity":
        return entities.collectivity(store, described, site)
    if kind == "concept":
        return concepts.concept(store, described, site, page)
    if kind == "scheme":
        return concepts.scheme(store, described, site)
    if kind == "response":
        return entities.response(store, described, site)
    return entities.generic(store, described, site)


def render_resource(
    request: Request, store: Store, iri: URIRef, settings: Settings
) -> Response | None:
    lang = request_lang(request)
    page = concepts.page_number(request.query_params.get("page"))
    tag = etag_for(request, store.data_version(), str(iri), lang)
    fresh = unchanged(request, tag, settings.cache_max_age)
    if fresh is not None:
        return fresh
    described = data.describe(store, iri)
    if not described:
        return None
    site = Site(settings.base_uri, lang, data.vocabulary_labels(store))
    view = build_view(store, described, site, page)
    return html_page(request, site, view, headers=cached(tag, settings.cache_max_age))


def render_not_found(request: Request, iri: URIRef, status: int) -> Response:
    """The 404 page, or the 410 one for a withdrawn resource (status 410)."""
    lang = request_lang(request)
    base = (
        str(request.app.state.settings.base_uri) if hasattr(request.app.state, "settings") else ""
    )
    site = Site(base, lang)
    gone = status == 410
    title = site.t["gone_title" if gone else "not_found_title"]
    view = View(
        "ld/not_found.html",
        title,
        site.t["kind_resource"],
        {"message": site.t["gone_text" if gone else "not_found_text"], "missing": str(iri)},
    )
    return html_page(request, site, view, status=status)
