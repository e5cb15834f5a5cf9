"""Answer one checked query: pick the format, honour ``If-None-Match``, run, add the headers.

Shared by ``/sparql`` and the named queries, so both negotiate, cache and cap rows alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import Response
from starlette.requests import Request

from api import caching, engine, formats
from api.dataset import Dataset
from api.errors import ApiProblem
from api.negotiation import choose
from essgraph.settings import Settings
from store import Store, Term

ROW_LIMIT = "X-Essgraph-Row-Limit"
TRUNCATED = "X-Essgraph-Truncated"
ROWS = "X-Essgraph-Rows"
#: Headers a browser script on another origin may read (CORS).
EXPOSED = [
    "ETag",
    "Link",
    "Location",
    "Last-Modified",
    "X-Essgraph-Context-Version",
    ROW_LIMIT,
    TRUNCATED,
    ROWS,
]


def check(text: str, settings: Settings) -> str:
    """The query's form after the guard's checks (size, nesting, SERVICE) — before parsing."""
    form = engine.check_query(
        text,
        max_bytes=settings.max_query_bytes,
        max_nesting=settings.max_query_nesting,
        service_allowlist=list(settings.service_allowlist),
    )
    return str(form)


def accepts_gzip(header: str | None) -> bool:
    """Whether ``Accept-Encoding`` takes gzip (named or ``*``, with a non-zero q-value)."""
    weights: dict[str, float] = {}
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


#: Query texts longer than this are checked off the event loop (the guard's scan of a
#: 100 kB query takes 0.1–0.2 s of CPU).
CHECK_IN_THREAD_CHARS = 4096


async def check_async(text: str, settings: Settings) -> str:
    """`check` without holding the event loop for long texts."""
    if len(text) <= CHECK_IN_THREAD_CHARS:
        return check(text, settings)
    return await engine.in_thread(lambda: check(text, settings))


def negotiate(form: str, keyword: str | None, accept: str | None) -> tuple[str, formats.Format]:
    """The media type to answer with and its format, or 406 listing what can be served."""
    candidates = formats.formats_for(form)
    if keyword:
        fmt = formats.by_keyword(keyword, form)
        if fmt is not None:
            return fmt.media_type, fmt
    else:
        chosen = choose(accept, formats.offers(candidates))
        if chosen is not None:
            return chosen, formats.by_media_type(chosen, candidates)
    served = ", ".join(f"{f.media_type} (format={f.keyword})" for f in candidates)
    asked = f"format={keyword}" if keyword else f"Accept: {accept}"
    raise ApiProblem(
        f"Aucun format disponible pour {asked}. Pour une requête {form} : {served}.",
        f"No format available for {asked}. For a {form} query: {served}.",
        status=406,
        code="not-acceptable",
        acceptable=[f.media_type for f in candidates],
    )


async def answer(
    request: Request,
    store: Store,
    settings: Settings,
    *,
    text: str,
    form: str,
    dataset: Dataset,
    timeout: float,
    max_rows: int,
    keyword: str | None = None,
    bindings: Mapping[str, Term] | None = None,
    cache_key: Sequence[object] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Run the query and shape the HTTP answer; GET answers carry an ETag and may be 304."""
    media_type, fmt = negotiate(form, keyword, request.headers.get("accept"))
    out = {ROW_LIMIT: str(max_rows), "Vary": caching.VARY, **(headers or {})}
    if request.method == "GET":
        version = await engine.data_version(store)
        tag = caching.etag(
            version,
            text,
            media_type,
            dataset.default_graph,
            dataset.named_graphs,
            sorted((bindings or {}).items()),
            max_rows,
            *cache_key,
        )
        out.update(caching.cache_headers(tag, settings.cache_max_age))
        if caching.not_modified(request, tag):
            return Response(status_code=304, headers=out)
    answered = await engine.run(
        store,
        engine.QueryCall(
            text=text,
            media_type=fmt.media_type,
            timeout=timeout,
            max_rows=max_rows,
            bindings=bindings,
            default_graph=dataset.default_graph,
            named_graphs=dataset.named_graphs,
            gzipped=accepts_gzip(request.headers.get("accept-encoding")),
        ),
    )
    result = answered.result
    out[TRUNCATED] = "true" if result.truncated else "false"
    if result.rows is not None:
        out[ROWS] = str(result.rows)
    if answered.encoding:
        # compressed by the engine's process: the app's gzip middleware lets it through
        out["Content-Encoding"] = answered.encoding
    return Response(result.body, media_type=media_type, headers=out)
