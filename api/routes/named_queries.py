"""``/queries`` and one typed route per named query, generated at app creation so each shows
in the OpenAPI document with its parameters (descriptions fr/en, defaults, allowed values)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api import formats, pages
from api.deps import SettingsDep, StoreDep
from api.named import DEFAULT_PER_PAGE, answer_named
from api.negotiation import prefers_html
from queries import NamedQuery, Parameter, UnknownQuery
from store.sparql_text import bind_values

_KEYWORDS = tuple(f.keyword for f in formats.ALL_FORMATS)
#: Route arguments that are not query parameters (their aliases are reserved names).
_CONTROL = {"page", "per_page", "format", "timeout"}


def _describe(param: Parameter) -> str:
    fr = param.description.get("fr", "")
    en = param.description.get("en", "")
    return f"{fr} / {en} (type : {param.type})" if fr or en else f"type : {param.type}"


def _annotation(param: Parameter, base: str) -> Any:
    allowed = param.allowed_values(base)
    kind: Any = Literal[tuple(allowed)] if allowed else str
    if param.type in ("integer", "year") and not allowed:
        kind = int
    return Annotated[kind | None, Query(alias=param.name, description=_describe(param))]


def _default(param: Parameter) -> Any:
    """The header's default, typed like the parameter (shown in the OpenAPI document)."""
    if param.default is not None and param.type in ("integer", "year") and not param.allowed:
        return int(param.default)
    return param.default


def _signature(query: NamedQuery, base: str, max_rows: int) -> inspect.Signature:
    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("store", keyword, annotation=StoreDep),
        inspect.Parameter("settings", keyword, annotation=SettingsDep),
        inspect.Parameter(
            "page",
            keyword,
            default=1,
            annotation=Annotated[int, Query(ge=1, description="Page (1 = la première).")],
        ),
        inspect.Parameter(
            "per_page",
            keyword,
            default=DEFAULT_PER_PAGE,
            annotation=Annotated[
                int, Query(ge=1, le=max_rows, description="Lignes par page / rows per page.")
            ],
        ),
        inspect.Parameter(
            "format",
            keyword,
            default=None,
            annotation=Annotated[
                Literal[_KEYWORDS] | None,
                Query(description="Remplace l'en-tête Accept / overrides Accept."),
            ],
        ),
        inspect.Parameter(
            "timeout",
            keyword,
            default=None,
            annotation=Annotated[
                float | None, Query(gt=0, description="Délai (s), au plus celui du serveur.")
            ],
        ),
    ]
    for index, param in enumerate(query.parameters):
        if param.name in _CONTROL:
            continue
        params.append(
            inspect.Parameter(
                f"p{index}", keyword, default=_default(param), annotation=_annotation(param, base)
            )
        )
    return inspect.Signature(params)


def _endpoint(
    query: NamedQuery, base: str, max_rows: int
) -> Callable[..., Coroutine[Any, Any, Response]]:
    names = {f"p{i}": p.name for i, p in enumerate(query.parameters)}

    async def run_named_query(**kwargs: Any) -> Response:
        raw = {names[k]: str(v) for k, v in kwargs.items() if k in names and v is not None}
        timeout = kwargs["timeout"]
        return await answer_named(
            kwargs["request"],
            kwargs["store"],
            kwargs["settings"],
            query,
            raw,
            page=kwargs["page"],
            per_page=kwargs["per_page"],
            keyword=kwargs["format"],
            timeout=None if timeout is None else str(timeout),
        )

    run_named_query.__signature__ = _signature(query, base, max_rows)  # type: ignore[attr-defined]
    run_named_query.__name__ = f"query_{query.name.replace('-', '_')}"
    return run_named_query


def build_router(catalog: Sequence[NamedQuery], base: str, max_rows: int) -> APIRouter:
    """The catalogue route and one GET route per named query."""
    router = APIRouter(tags=["Requêtes nommées / named queries"])

    @router.get(
        "/queries",
        summary="Catalogue des requêtes nommées / named query catalogue",
        response_class=Response,
    )
    async def list_queries(request: Request) -> Response:
        if prefers_html(request.headers.get("accept"), ["application/json"]):
            return pages.catalog_page(request, list(catalog))
        body = [q.as_dict(base) | {"url": str(request.url_for(_route_name(q)))} for q in catalog]
        return JSONResponse(body, headers={"Vary": "Accept"})

    by_name = {q.name: q for q in catalog}

    @router.get(
        "/queries/{name}/sparql",
        summary="Texte SPARQL d'une requête nommée, valeurs liées / a named query's SPARQL "
        "text with its values bound",
        description="Le texte que le serveur exécute pour ces paramètres (valeurs par défaut "
        "comprises), liés en bloc VALUES ; la galerie de la page de requête le charge. / The "
        "text the server runs for these parameters (defaults included), bound as a VALUES "
        "block; the query page's gallery loads it.",
        response_class=Response,
        responses={200: {"content": {"application/sparql-query": {}}}},
    )
    async def named_query_text(
        request: Request, name: Annotated[str, Path(description="Nom / name")]
    ) -> Response:
        query = by_name.get(name)
        if query is None:
            raise UnknownQuery(name)
        # like /queries/{name}: other parameters are ignored (the page sends its lang)
        known = {p.name for p in query.parameters}
        raw = {k: v for k, v in request.query_params.items() if k in known}
        text = bind_values(query.text, query.bind(raw, base=base))
        return Response(
            text.encode("utf-8"),
            media_type="application/sparql-query; charset=utf-8",
            headers={"Cache-Control": "public, max-age=300"},
        )

    for query in catalog:
        description = "\n\n".join(
            part for part in (query.description.get("fr"), query.description.get("en")) if part
        )
        router.add_api_route(
            f"/queries/{query.name}",
            _endpoint(query, base, max_rows),
            methods=["GET"],
            name=_route_name(query),
            summary=f"{query.title.get('fr', query.name)} / {query.title.get('en', '')}",
            description=description + "\n\n```sparql\n" + query.text.strip() + "\n```",
            response_class=Response,
        )
    return router


def _route_name(query: NamedQuery) -> str:
    return f"named-query-{query.name}"
