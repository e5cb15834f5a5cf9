"""The one table that turns errors into ``application/problem+json`` (RFC 9457).

Every answer carries a stable ``code`` and a message in French and English; ``detail`` is in
the language the client asked for. Nothing internal (stack, path, exception text of an
unexpected error) ever leaves the server: those are logged and answered with a bare 500.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import engine
from api.i18n import request_lang
from queries import ParameterError, UnknownQuery
from store import QuerySyntaxError, StoreError, StoreUnavailable, WrongQueryForm

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("essgraph.api")


class ApiProblem(Exception):
    """An error raised by the API itself (protocol, negotiation, parameters)."""

    status = 400
    code = "bad-request"

    def __init__(
        self,
        message_fr: str,
        message_en: str,
        *,
        status: int | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})
        self.extra = extra


#: Domain errors → (HTTP status, fallback code). The exception's own ``code`` wins when it
#: has one, so the store's codes (``query-too-large``, ``service-refused``…) reach clients.
#: Most specific classes first: the first ``isinstance`` match is used.
ERROR_TABLE: list[tuple[type[Exception], int, str]] = [
    (engine.QueryTimeout, 503, "query-timeout"),
    (engine.EngineCrashed, 503, "engine-unavailable"),
    (engine.QueryRejected, 400, "query-rejected"),
    (ParameterError, 400, "invalid-parameter"),
    (UnknownQuery, 404, "unknown-query"),
    (QuerySyntaxError, 400, "query-syntax"),
    (WrongQueryForm, 400, "query-form"),
    (StoreUnavailable, 503, "store-unavailable"),
]

_STATUS_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
_HTTP_MESSAGES = {
    404: ("Ressource introuvable.", "Not found."),
    405: ("Méthode non autorisée ici.", "Method not allowed here."),
}


def problem(
    request: Request,
    status: int,
    code: str,
    message_fr: str,
    message_en: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response in the client's language, with both messages."""
    lang = request_lang(request)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _STATUS_TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": message_fr if lang == "fr" else message_en,
        "message": {"fr": message_fr, "en": message_en},
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


#: The guard's reasons for refusing a query → (status, code). Updates are a 403: the
#: request is understood, and this endpoint will not do it.
REJECTIONS: dict[str, tuple[int, str]] = {
    "size": (400, "query-too-large"),
    "nesting": (400, "query-too-deep"),
    "tokens": (400, "query-too-complex"),
    "ambiguous": (400, "query-ambiguous"),
    "encoding": (400, "bad-encoding"),
    "update": (403, "update-forbidden"),
    "service": (400, "service-refused"),
}


def domain_status(exc: Exception) -> tuple[int, str] | None:
    """Status and code of a known domain error, from the tables."""
    if isinstance(exc, engine.QueryRejected):
        reason = str(getattr(exc, "reason", ""))
        if reason in REJECTIONS:
            return REJECTIONS[reason]
    for kind, status, code in ERROR_TABLE:
        if isinstance(exc, kind):
            return status, str(getattr(exc, "code", None) or code)
    return None


async def _on_api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)  # noqa: S101 - registered for ApiProblem only
    return problem(
        request,
        exc.status,
        exc.code,
        exc.message_fr,
        exc.message_en,
        headers=exc.headers,
        **exc.extra,
    )


async def _on_store_error(request: Request, exc: Exception) -> JSONResponse:
    known = domain_status(exc)
    if known is None:
        # An unexpected store failure: its text may name files or engine internals.
        log.error("store failure on %s", request.url.path, exc_info=exc)
        return _internal(request)
    status, code = known
    extra: dict[str, Any] = {}
    parameter = getattr(exc, "parameter", None)
    if parameter:
        extra["parameter"] = parameter
    headers = {"Retry-After": "5"} if status == 503 else None
    fr = getattr(exc, "message_fr", None) or str(exc)
    en = getattr(exc, "message_en", None) or str(exc)
    return problem(request, status, code, fr, en, headers=headers, **extra)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for it only
    fr, en = _HTTP_MESSAGES.get(exc.status_code, ("Requête refusée.", "Request refused."))
    code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    return problem(request, exc.status_code, code, fr, en, headers=exc.headers)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's own parameter checks (named query parameters): name the parameter."""
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for it only
    first = exc.errors()[0] if exc.errors() else {}
    name = str(first.get("loc", ["", "?"])[-1])
    reason = str(first.get("msg", "invalid value"))
    return problem(
        request,
        400,
        "invalid-parameter",
        f"Paramètre « {name} » invalide : {reason}.",
        f"Invalid parameter “{name}”: {reason}.",
        parameter=name,
    )


def _internal(request: Request) -> JSONResponse:
    return problem(
        request,
        500,
        "internal-error",
        "Erreur interne du serveur ; elle a été consignée.",
        "Internal server error; it has been logged.",
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return _internal(request)


def install(app: FastAPI) -> None:
    """Register the handlers: API problems, the domain table, HTTP errors, and the 500."""
    app.add_exception_handler(ApiProblem, _on_api_problem)
    app.add_exception_handler(StoreError, _on_store_error)
    for kind, _status, _code in ERROR_TABLE:
        if not issubclass(kind, StoreError):
            app.add_exception_handler(kind, _on_store_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
