"""The ontology, the shapes and the thesauri at their own IRIs, as HTML or RDF.

``https://w3id.org/essgraph/ontology`` and ``…/shapes`` are fixed for every deployment
(w3id.org redirects them to the deployment), so ``/ontology``, ``/ontology/{version}``,
``/shapes`` and ``/thesauri`` answer on any host. Content negotiation: ``?format=`` wins,
then ``Accept``; HTML for browsers, Turtle for ``*/*``; 406 when nothing fits. The answers
come from package data, so their ETag follows the package and its files, not the store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from api import caching
from api.errors import ApiProblem
from api.i18n import Lang, request_lang
from api.pages import TEMPLATES
from api.vocab_common import TEXT, other
from api.vocab_ontology import ontology_doc, versions
from api.vocab_rdf import FORMATS, VARY, Document, alternates, etag, negotiate, serialise
from api.vocab_shapes import shapes_doc
from api.vocab_thesauri import thesauri_doc
from essgraph.settings import Settings

router = APIRouter(tags=["vocabulaires / vocabularies"])

FormatParam = Annotated[
    str | None,
    Query(
        alias="format",
        description="ttl, jsonld, nt, rdf ou html (prime sur Accept) / "
        "ttl, jsonld, nt, rdf or html (overrides Accept)",
    ),
]
LangParam = Annotated[
    str | None,
    Query(description="fr ou en (prime sur Accept-Language) / fr or en (overrides it)"),
]
_DOC = (
    "HTML (documentation, français puis anglais), Turtle, JSON-LD, N-Triples ou RDF/XML selon "
    "Accept ou ?format= / HTML documentation (French first), Turtle, JSON-LD, N-Triples or "
    "RDF/XML by Accept or ?format=."
)
_FORMAT_NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}


Endpoint = Callable[..., Awaitable[Response]]


def _get_and_head(path: str, summary: str) -> Callable[[Endpoint], Endpoint]:
    """GET in the OpenAPI, and HEAD alike but unlisted (one operation id per route)."""

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            summary=summary,
            description=_DOC,
            response_class=Response,
        )
        router.add_api_route(
            path, endpoint, methods=["HEAD"], include_in_schema=False, response_class=Response
        )
        return endpoint

    return register


def _answer(
    request: Request,
    document: Document,
    path: str,
    template: str,
    content: Callable[[Lang, str], dict[str, Any]],
) -> Response:
    """Negotiate, answer 304 to a matching ``If-None-Match``, else the HTML page or the RDF."""
    settings: Settings = request.app.state.settings
    choice = negotiate(request.query_params.get("format"), request.headers.get("accept"))
    lang = request_lang(request)
    tag = etag(path, choice, lang if choice.fmt is None else "", settings.base_uri)
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={settings.cache_max_age}",
        "Vary": VARY,
        "Link": alternates(path),
    }
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    if choice.fmt is not None:
        body = serialise(document, choice.fmt.keyword, settings.base_uri)
        return Response(body, media_type=choice.media_type, headers=headers)
    headers["Content-Language"] = lang
    context = {
        "lang": lang,
        "t": TEXT[lang],
        "other": other(lang),
        "path": path,
        "current": document,
        "formats": [(f.keyword, _FORMAT_NAMES[f.keyword], f.media_type) for f in FORMATS],
        **content(lang, settings.base_uri),
    }
    return TEMPLATES.TemplateResponse(request, template, context, headers=headers)


def _ontology(lang: Lang, _base: str) -> dict[str, Any]:
    return {"doc": ontology_doc(lang)}


@_get_and_head("/ontology", "L'ontologie / the ontology")
async def ontology(request: Request, fmt: FormatParam = None, lang: LangParam = None) -> Response:
    return _answer(request, "ontology", "/ontology", "vocab/ontology.html", _ontology)


@_get_and_head("/ontology/{version}", "Une version de l'ontologie / one version of the ontology")
async def ontology_version(
    request: Request, version: str, fmt: FormatParam = None, lang: LangParam = None
) -> Response:
    known = versions()
    if version not in known:
        listed = ", ".join(known)
        raise ApiProblem(
            f"Version de l'ontologie inconnue : « {version} ». Versions publiées : {listed}.",
            f"Unknown ontology version: “{version}”. Published versions: {listed}.",
            status=404,
            code="unknown-version",
            versions=known,
        )
    path = f"/ontology/{version}"
    return _answer(request, "ontology", path, "vocab/ontology.html", _ontology)


@_get_and_head("/shapes", "Les formes SHACL / the SHACL shapes")
async def shapes(request: Request, fmt: FormatParam = None, lang: LangParam = None) -> Response:
    return _answer(
        request, "shapes", "/shapes", "vocab/shapes.html", lambda lg, _b: {"groups": shapes_doc(lg)}
    )


@_get_and_head("/thesauri", "Les thésaurus SKOS / the SKOS thesauri")
async def thesauri(request: Request, fmt: FormatParam = None, lang: LangParam = None) -> Response:
    return _answer(
        request,
        "thesauri",
        "/thesauri",
        "vocab/thesauri.html",
        lambda lg, base: {"schemes": thesauri_doc(lg, base)},
    )
