"""``/sparql``: the SPARQL 1.1 Protocol (queries only), its service description and page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import answering, dataset, engine, formats, pages, service_description
from api.deps import SettingsDep, StoreDep
from api.errors import ApiProblem
from api.negotiation import prefers_html
from api.protocol import (
    effective_timeout,
    missing_query,
    read_query_request,
)

router = APIRouter(tags=["SPARQL"])
_DATA_OFFERS = formats.offers(formats.ALL_FORMATS)


def _wants_page(request: Request, keyword: str | None) -> bool:
    return (
        request.method == "GET"
        and keyword is None
        and prefers_html(request.headers.get("accept"), _DATA_OFFERS)
    )


_DOC = (
    "Protocole SPARQL 1.1 (requêtes seulement) : GET ?query=, POST de formulaire, POST "
    "application/sparql-query ; default-graph-uri, named-graph-uri, timeout (s), format. Sans "
    "requête : la description du service. / SPARQL 1.1 Protocol (queries only); without a "
    "query: the service description."
)


@router.get(
    "/sparql", name="sparql", summary="SPARQL 1.1 (GET)", description=_DOC, response_class=Response
)
async def sparql_get(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await _sparql(request, store, settings)


@router.post("/sparql", summary="SPARQL 1.1 (POST)", description=_DOC, response_class=Response)
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    return await _sparql(request, store, settings)


async def _sparql(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    asked = await read_query_request(request, settings)
    if _wants_page(request, asked.format):
        return pages.query_page(
            request, request.app.state.catalog, query=asked.query, endpoint=str(request.url.path)
        )
    if asked.query is None:
        if request.method == "GET":
            return await _description(request, store, settings, asked.format)
        raise missing_query()
    if not asked.query.strip():
        raise missing_query()
    form = await answering.check_async(asked.query, settings)
    graphs = dataset.resolve(store, asked.default_graphs, asked.named_graphs)  # no I/O
    return await answering.answer(
        request,
        store,
        settings,
        text=asked.query,
        form=form,
        dataset=graphs,
        timeout=effective_timeout(asked.timeout, settings),
        max_rows=settings.max_rows,
        keyword=asked.format,
    )


@router.get("/query", include_in_schema=False)
async def query_alias(request: Request) -> Response:
    """The query page under a friendlier name."""
    return pages.query_page(
        request,
        request.app.state.catalog,
        query=request.query_params.get("query"),
        endpoint=str(request.url_for("sparql").path),
    )


async def _description(
    request: Request, store: StoreDep, settings: SettingsDep, keyword: str | None
) -> Response:
    _, fmt = answering.negotiate("CONSTRUCT", keyword, request.headers.get("accept"))
    graphs = await engine.in_thread(
        lambda: [info for info in store.graph_sizes() if store.is_public(info.iri)]
    )
    endpoint = str(request.url.replace(query="", fragment=""))
    graph = service_description.describe(
        endpoint,
        graphs,
        federated=bool(settings.service_allowlist),
        row_limit=settings.max_rows,
    )
    if fmt.media_type not in service_description.RDFLIB_FORMATS:
        raise ApiProblem("Format indisponible.", "Format unavailable.", status=406)
    body = graph.serialize(format=service_description.RDFLIB_FORMATS[fmt.media_type])
    return Response(
        body.encode("utf-8"),
        media_type=fmt.media_type,
        headers={"Vary": "Accept, Accept-Encoding", "Cache-Control": "public, max-age=60"},
    )
