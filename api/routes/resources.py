"""Linked-data dereferencing: ``/id/…`` and ``/graph/…`` answer ``303 See Other`` to the
document ``/doc/….{html,ttl,jsonld,nt,rdf}`` the client's ``Accept`` (or ``?format=``)
prefers; documents carry ETag, Last-Modified, Link (formats, canonical IRI, pages) and are
``304`` on a repeat; unknown IRIs are ``404`` and withdrawn ones ``410`` in every format.

The path after the server root names the canonical IRI ``{BASE}{path}`` whatever host the
server runs on: ``GET /id/lever/L5.1`` is about ``{BASE}id/lever/L5.1``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from rdflib import URIRef

from api import caching, engine
from api import html as html_pages
from api.deps import SettingsDep, StoreDep
from api.describe import Description, PageOutOfRange, describe, exists, status, tombstone
from api.errors import ApiProblem, problem
from api.i18n import request_lang
from api.rdf_documents import HTML, DocFormat, link_header, negotiate, serialize, split_extension
from essgraph.settings import Settings
from ontology import CONTEXT_VERSION, EARLIER_CONTEXT_VERSIONS, jsonld_context
from store import Store
from store.change_events import ResourceStatus

router = APIRouter(tags=["linked data / données liées"])

#: Characters an IRI cannot hold: a path with one of them names no resource.
_NOT_IN_IRI = frozenset(' <>"{}|\\^`') | frozenset(chr(c) for c in range(0x20))
FormatQuery = Annotated[
    str | None,
    Query(
        alias="format",
        description="ttl, jsonld, nt, rdf, html : remplace l'en-tête Accept / overrides Accept.",
    ),
]
PageQuery = Annotated[
    int | None,
    Query(ge=1, description="Page des liens entrants (1 = la première) / page of inbound links."),
]


@router.head("/id/{path:path}", include_in_schema=False)
@router.get("/id/{path:path}", summary="Ressource / resource (303)")
async def resource(
    request: Request,
    path: str,
    store: StoreDep,
    settings: SettingsDep,
    fmt: FormatQuery = None,
    page: PageQuery = None,
) -> Response:
    """303 to the resource's document in the negotiated format (404, 410 when it has none)."""
    return await _see_other(request, store, settings, f"id/{path}", path, fmt, page)


@router.head("/graph/{path:path}", include_in_schema=False)
@router.get("/graph/{path:path}", summary="Graphe nommé / named graph (303)")
async def named_graph(
    request: Request,
    path: str,
    store: StoreDep,
    settings: SettingsDep,
    fmt: FormatQuery = None,
    page: PageQuery = None,
) -> Response:
    """303 to a public named graph's document (other graphs do not exist here: 404)."""
    return await _see_other(request, store, settings, f"graph/{path}", f"graph/{path}", fmt, page)


@router.head("/doc/{path:path}", include_in_schema=False)
@router.get("/doc/{path:path}", summary="Document d'une ressource / a resource's document")
async def document(
    request: Request,
    path: str,
    store: StoreDep,
    settings: SettingsDep,
    fmt: FormatQuery = None,
    page: PageQuery = None,
) -> Response:
    """A resource's document in the format its extension names (none: 303 as for /id)."""
    stem, doc_format = split_extension(path)
    relative = stem if stem.startswith("graph/") else f"id/{stem}"
    if doc_format is None:
        return await _see_other(request, store, settings, relative, stem, fmt, page)
    iri = _iri(settings, relative)
    urls = _DocUrls(request, stem)
    vary = "Accept-Encoding, Accept-Language" if doc_format is HTML else "Accept-Encoding"
    lang = request_lang(request) if doc_format is HTML else None
    version = await engine.data_version(store)
    tag = caching.etag(version, "ld", str(iri), doc_format.extension, page, lang, CONTEXT_VERSION)
    headers = {**caching.cache_headers(tag, settings.cache_max_age), "Vary": vary}
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    known, state = await _lookup(store, iri)
    headers["Link"] = link_header(urls.at, str(iri), doc_format, page)
    if state.withdrawn is not None or not known:
        return await _missing(request, iri, doc_format, state, headers)
    if state.modified is not None:
        headers["Last-Modified"] = _http_date(state.modified)
        if _unmodified_since(request, state.modified):
            return Response(status_code=304, headers=headers)
    if doc_format is HTML:
        return await _html(request, store, settings, iri, headers)
    try:
        described = await engine.in_thread(
            lambda: describe(store, iri, URIRef(f"{settings.base_uri}doc/{stem}"), page or 1)
        )
    except PageOutOfRange as exc:
        raise _no_such_page(exc) from exc
    pages = (described.page, described.last_page)
    headers["Link"] = link_header(urls.at, str(iri), doc_format, page, pages)
    body = await engine.in_thread(lambda: _body(described, doc_format, settings))
    return Response(body, media_type=doc_format.media_type, headers=headers)


@router.get("/context.jsonld", summary="Contexte JSON-LD / JSON-LD context")
async def context(
    request: Request,
    settings: SettingsDep,
    v: Annotated[str | None, Query(description="Version attendue / expected version")] = None,
) -> Response:
    """The published JSON-LD context (its version in ``?v=``, a header and a Link)."""
    if v is not None and v != CONTEXT_VERSION and v not in EARLIER_CONTEXT_VERSIONS:
        raise _unknown_context(v)
    return _context_answer(request, settings.cache_max_age)


@router.get("/context/{version}.jsonld", summary="Contexte JSON-LD versionné")
async def versioned_context(request: Request, version: str, settings: SettingsDep) -> Response:
    """The context of one version: the current one, or an earlier one it only adds to."""
    if version != CONTEXT_VERSION and version not in EARLIER_CONTEXT_VERSIONS:
        raise _unknown_context(version)
    return _context_answer(request, max(settings.cache_max_age, 86_400))


# -- the 303 hop ---------------------------------------------------------------------------


async def _see_other(
    request: Request,
    store: Store,
    settings: Settings,
    relative: str,
    doc_stem: str,
    keyword: str | None,
    page: int | None,
) -> Response:
    iri = _iri(settings, relative)
    doc_format = negotiate(request.headers.get("accept"), keyword)
    headers = {"Vary": "Accept", "Cache-Control": f"public, max-age={settings.cache_max_age}"}
    known, state = await _lookup(store, iri)
    if state.withdrawn is not None or not known:
        return await _missing(request, iri, doc_format, state, headers)
    urls = _DocUrls(request, doc_stem)
    location = urls.at(doc_format, page)
    lang = request.query_params.get("lang")
    if lang in ("fr", "en"):  # the page language asked for survives the hop
        location += f"{'&' if '?' in location else '?'}lang={lang}"
    headers["Location"] = location
    headers["Link"] = link_header(urls.at, str(iri), doc_format, page)
    return Response(status_code=303, headers=headers)


class _DocUrls:
    """Server-relative URLs of a resource's documents (they work on any host)."""

    def __init__(self, request: Request, stem: str) -> None:
        self.root = f"{request.scope.get('root_path', '')}/doc/{stem}"

    def at(self, fmt: DocFormat, page: int | None) -> str:
        suffix = f"?page={int(page)}" if page is not None else ""
        return f"{self.root}.{fmt.extension}{suffix}"


def _iri(settings: Settings, relative: str) -> URIRef:
    """``{BASE}{relative}``; a path no IRI can have is answered like an unknown IRI."""
    if not relative or _NOT_IN_IRI.intersection(relative) or relative.endswith("/"):
        raise ApiProblem(
            f"Aucune ressource à cette adresse : {relative}",
            f"No resource at this address: {relative}",
            status=404,
            code="not-found",
        )
    return URIRef(f"{settings.base_uri}{relative}")


async def _lookup(store: Store, iri: URIRef) -> tuple[bool, ResourceStatus]:
    def read() -> tuple[bool, ResourceStatus]:
        state = status(store, iri)
        return (state.withdrawn is None and exists(store, iri)), state

    return await engine.in_thread(read)


# -- answers ---------------------------------------------------------------------------------


async def _missing(
    request: Request,
    iri: URIRef,
    doc_format: DocFormat,
    state: ResourceStatus,
    headers: dict[str, str],
) -> Response:
    """404 (unknown) or 410 (withdrawn) in the asked format: an HTML page, the withdrawal
    in RDF, or problem+json; never cached long (the IRI may be minted soon)."""
    code = 410 if state.withdrawn is not None else 404
    out = {**headers, "Cache-Control": "no-cache"}
    out.pop("ETag", None)
    if doc_format is HTML:
        response = await engine.in_thread(lambda: html_pages.render_not_found(request, iri, code))
        response.headers.update(out)
        return response
    if state.withdrawn is not None:
        settings: Settings = request.app.state.settings
        graph = tombstone(iri, state.withdrawn)
        body = serialize(graph, doc_format, iri, settings.base_uri)
        return Response(body, status_code=410, media_type=doc_format.media_type, headers=out)
    return problem(
        request,
        404,
        "not-found",
        f"Ressource inconnue : {iri}",
        f"Unknown resource: {iri}",
        headers=out,
        iri=str(iri),
    )


async def _html(
    request: Request, store: Store, settings: Settings, iri: URIRef, headers: dict[str, str]
) -> Response:
    page = await engine.in_thread(lambda: html_pages.render_resource(request, store, iri, settings))
    if page is None:
        page = await engine.in_thread(lambda: html_pages.render_not_found(request, iri, 404))
        headers = {**headers, "Cache-Control": "no-cache"}
        headers.pop("ETag", None)
    page.headers.update(headers)
    return page


def _body(described: Description, doc_format: DocFormat, settings: Settings) -> bytes:
    return serialize(described.graph, doc_format, described.iri, settings.base_uri)


def _no_such_page(exc: PageOutOfRange) -> ApiProblem:
    return ApiProblem(
        f"La page {exc.page} n'existe pas ; la dernière page est {exc.last}.",
        f"Page {exc.page} does not exist; the last page is {exc.last}.",
        status=404,
        code="page-out-of-range",
        parameter="page",
        last_page=exc.last,
    )


def _http_date(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_datetime(aware.astimezone(UTC), usegmt=True)


def _unmodified_since(request: Request, modified: datetime) -> bool:
    """``If-Modified-Since`` holds (only read without ``If-None-Match``, RFC 9110 §13.1.3)."""
    header = request.headers.get("if-modified-since")
    if not header or request.headers.get("if-none-match"):
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    aware = modified if modified.tzinfo else modified.replace(tzinfo=UTC)
    return aware.replace(microsecond=0) <= since


# -- the context ---------------------------------------------------------------------------


def _context_answer(request: Request, max_age: int) -> Response:
    body = json.dumps(jsonld_context(), ensure_ascii=False, indent=2).encode("utf-8")
    tag = caching.etag(CONTEXT_VERSION, hashlib.sha256(body).hexdigest())
    headers = {
        **caching.cache_headers(tag, max_age),
        "Vary": "Accept-Encoding",
        "Link": f"<{request.scope.get('root_path', '')}/context/{CONTEXT_VERSION}.jsonld>; "
        'rel="canonical"',
        "X-Essgraph-Context-Version": CONTEXT_VERSION,
    }
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/ld+json", headers=headers)


def _unknown_context(version: str) -> ApiProblem:
    return ApiProblem(
        f"Version de contexte inconnue : {version} ; version servie : {CONTEXT_VERSION}.",
        f"Unknown context version: {version}; served version: {CONTEXT_VERSION}.",
        status=404,
        code="unknown-context-version",
        served_version=CONTEXT_VERSION,
    )


__all__ = ["router"]
