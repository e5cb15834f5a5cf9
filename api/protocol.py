"""Read a SPARQL 1.1 Protocol query request (GET, POST form, POST direct) into one value.

Refusals follow the protocol: a missing or doubled query is a 400; an update (``update=``, an
``application/sparql-update`` body) is a 403 because this endpoint is read-only; a POST body of
another media type is a 415 (RFC 9110: the protocol names only two media types for query
POSTs, and "unsupported media type" tells a client exactly what to change).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from api.errors import ApiProblem
from essgraph.settings import Settings

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class QueryRequest:
    """The protocol's parameters, as sent (checked further by the guard and the dataset)."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    timeout: str | None = None
    format: str | None = None


def update_forbidden() -> ApiProblem:
    return ApiProblem(
        "Ce point d'accès est en lecture seule : les mises à jour SPARQL (INSERT, DELETE, "
        "LOAD…) sont refusées.",
        "This endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD…) are refused.",
        status=403,
        code="update-forbidden",
    )


def missing_query() -> ApiProblem:
    return ApiProblem(
        "Aucune requête : donnez-la dans le paramètre « query » (GET ou POST de formulaire) "
        "ou comme corps application/sparql-query.",
        "No query: send it as the “query” parameter (GET or form POST) or as an "
        "application/sparql-query body.",
        code="missing-query",
    )


def _doubled(where_fr: str, where_en: str) -> ApiProblem:
    return ApiProblem(
        f"Une seule requête par appel : « query » apparaît {where_fr}.",
        f"One query per request: “query” appears {where_en}.",
        code="duplicate-query",
    )


def _too_large(limit: int) -> ApiProblem:
    return ApiProblem(
        f"Corps de requête trop long (limite : {limit} octets).",
        f"Request body too long (limit: {limit} bytes).",
        status=413,
        code="query-too-large",
    )


def _body_limit(settings: Settings) -> int:
    """Form encoding can triple a query's size (``%XX``); leave room for other fields."""
    return settings.max_query_bytes * 3 + 16_384


async def read_query_request(request: Request, settings: Settings) -> QueryRequest:
    """The query and its parameters from any of the protocol's three ways of sending it."""
    url = request.query_params
    if "update" in url:
        raise update_forbidden()
    url_queries = url.getlist("query")
    common = {"timeout": url.get("timeout"), "format": url.get("format")}
    if request.method == "GET":
        if len(url_queries) > 1:
            raise _doubled("plusieurs fois dans l'URL", "several times in the URL")
        return QueryRequest(
            url_queries[0] if url_queries else None,
            url.getlist("default-graph-uri"),
            url.getlist("named-graph-uri"),
            **common,
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > _body_limit(settings):
        raise _too_large(_body_limit(settings))
    if media_type == UPDATE:
        raise update_forbidden()
    if media_type == DIRECT:
        if url_queries:
            raise _doubled("dans l'URL et dans le corps", "both in the URL and in the body")
        body = await request.body()
        if len(body) > _body_limit(settings):
            raise _too_large(_body_limit(settings))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiProblem(
                "Le corps de la requête n'est pas en UTF-8.",
                "The request body is not UTF-8.",
                code="bad-encoding",
            ) from exc
        return QueryRequest(
            text, url.getlist("default-graph-uri"), url.getlist("named-graph-uri"), **common
        )
    if media_type == FORM:
        form = await request.form()
        if "update" in form:
            raise update_forbidden()
        form_queries = [str(v) for v in form.getlist("query")]
        if url_queries and form_queries:
            raise _doubled("dans l'URL et dans le corps", "both in the URL and in the body")
        queries = url_queries or form_queries
        if len(queries) > 1:
            raise _doubled("plusieurs fois dans le corps", "several times in the body")
        return QueryRequest(
            queries[0] if queries else None,
            url.getlist("default-graph-uri") + [str(v) for v in form.getlist("default-graph-uri")],
            url.getlist("named-graph-uri") + [str(v) for v in form.getlist("named-graph-uri")],
            timeout=str(form.get("timeout") or "") or common["timeout"],
            format=str(form.get("format") or "") or common["format"],
        )
    raise ApiProblem(
        f"Type de contenu non pris en charge : « {media_type or 'absent'} ». Envoyez la requête "
        f"en {FORM} ou en {DIRECT}.",
        f"Unsupported content type: “{media_type or 'none'}”. Send the query as {FORM} or as "
        f"{DIRECT}.",
        status=415,
        code="unsupported-media-type",
        headers={"Accept-Post": f"{FORM}, {DIRECT}"},
    )


def effective_timeout(raw: str | None, settings: Settings) -> float:
    """``?timeout=`` in seconds can only lower the server's cap."""
    if raw is None or raw == "":
        return settings.query_timeout
    try:
        asked = float(raw)
    except ValueError:
        asked = -1.0
    if not asked > 0:
        raise ApiProblem(
            f"« timeout » doit être un nombre de secondes positif (reçu : {raw[:40]!r}).",
            f"“timeout” must be a positive number of seconds (got: {raw[:40]!r}).",
            code="invalid-timeout",
            parameter="timeout",
        )
    return min(asked, settings.query_timeout)
