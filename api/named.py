"""Run a named query for HTTP: bind the caller's values as terms, page SELECT answers."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response
from starlette.requests import Request

from api import answering, dataset
from api.pagination import link_header, paged_text
from api.protocol import effective_timeout
from essgraph.settings import Settings
from queries import NamedQuery
from store import Store

DEFAULT_PER_PAGE = 100


async def answer_named(
    request: Request,
    store: Store,
    settings: Settings,
    query: NamedQuery,
    raw: Mapping[str, str],
    *,
    page: int,
    per_page: int,
    keyword: str | None,
    timeout: str | None,
) -> Response:
    """The named query's answer; SELECT answers are paged with a ``Link`` header."""
    bindings = query.bind(raw, base=store.base)
    seconds = effective_timeout(timeout, settings)
    graphs = dataset.resolve(store, [], [])  # the public graphs, as the store defines them
    paged = query.form == "SELECT"
    size = min(per_page, settings.max_rows) if paged else settings.max_rows
    text = (
        paged_text(query.text, bindings, limit=size + 1, offset=(page - 1) * size)
        if paged
        else query.text
    )
    response = await answering.answer(
        request,
        store,
        settings,
        text=text,
        form=query.form,
        dataset=graphs,
        timeout=seconds,
        max_rows=size,
        keyword=keyword,
        bindings=None if paged else bindings,
        cache_key=("named", query.name, page, sorted(bindings.items())),
    )
    if paged and response.status_code == 200:
        has_next = response.headers.get(answering.TRUNCATED) == "true"
        response.headers["Link"] = link_header(request.url, page, size, has_next)
    return response
