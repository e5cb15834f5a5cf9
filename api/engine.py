"""How the endpoint reaches the query engine: the guard first, then a serialised answer, never
on the event loop.

An isolated store (``query_encoded_async``) runs the query in a supervised worker process,
which also gzips the answer when the client takes it, and kills it at the timeout; any other
store runs in a worker thread (which gzips too), and the endpoint stops waiting for it at the
timeout (the thread itself ends only with its query).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from rdflib import URIRef

from store import Store, Term
from store.base import EngineCrashed, QueryRejected, QueryTimeout, SerializedResult
from store.embedded import EmbeddedStore
from store.guard import check_query
from store.worker_process import gzip_answer

T = TypeVar("T")
#: Seconds granted beyond the engine's own timeout before the endpoint gives up waiting.
GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class QueryCall:
    """Everything one engine call needs, already checked by the protocol layer."""

    text: str
    media_type: str
    timeout: float
    max_rows: int
    bindings: Mapping[str, Term] | None = None
    default_graph: Iterable[URIRef] | None = None
    named_graphs: Iterable[URIRef] | None = None
    gzipped: bool = False  # the client takes gzip

    def kwargs(self) -> dict[str, Any]:
        return {
            "bindings": self.bindings,
            "default_graph": None if self.default_graph is None else list(self.default_graph),
            "named_graphs": None if self.named_graphs is None else list(self.named_graphs),
            "timeout": self.timeout,
            "max_rows": self.max_rows,
        }


@dataclass(frozen=True)
class Answer:
    """A serialised answer and the content coding its body is in (None: as it is)."""

    result: SerializedResult
    encoding: str | None = None


async def run(store: Store, call: QueryCall) -> Answer:
    """Run one query and return its serialised answer without blocking the event loop."""
    native: Callable[..., Awaitable[tuple[SerializedResult, str | None]]] | None = getattr(
        store, "query_encoded_async", None
    )
    pending: Awaitable[tuple[SerializedResult, str | None]]
    if native is not None:
        pending = native(call.text, call.media_type, gzipped=call.gzipped, **call.kwargs())
        wait = call.timeout + GRACE_SECONDS  # the worker stops itself; this is a backstop
    else:

        def work() -> tuple[SerializedResult, str | None]:
            found = store.query_serialized(call.text, call.media_type, **call.kwargs())
            return gzip_answer(found, call.gzipped)

        pending = asyncio.to_thread(work)
        wait = call.timeout
    try:
        result, encoding = await asyncio.wait_for(pending, wait)
    except TimeoutError as exc:
        raise QueryTimeout(call.timeout) from exc
    return Answer(result, encoding)


async def data_version(store: Store) -> str:
    """The store's data version (for ETags) without blocking the event loop: the isolated
    and the embedded stores keep it between writes (no thread hop, no query); a remote store,
    which other processes may write to, is asked every time."""
    native: Callable[[], Awaitable[str]] | None = getattr(store, "data_version_async", None)
    if native is not None:
        return await native()
    if isinstance(store, EmbeddedStore):
        return store.data_version()
    return await in_thread(store.data_version)


async def in_thread(func: Callable[[], T]) -> T:
    """Run a short blocking store call (data version, graph list) off the event loop."""
    return await asyncio.to_thread(func)


__all__ = [
    "Answer",
    "EngineCrashed",
    "QueryCall",
    "QueryRejected",
    "QueryTimeout",
    "check_query",
    "run",
]
