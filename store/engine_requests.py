"""The isolated engine's requests: their futures, which child runs them, their deadlines.

A request is *pending* (sent to the child of its ``generation``) or *waiting* (no child to
send to: a restart is under way) until it is answered, fails, or passes its deadline. The
watchdog thread sleeps until the nearest deadline and answers expired requests with
QueryTimeout, asking the supervisor to kill the child running one. A new request wakes it
only when its deadline comes before the watchdog's next look: most requests share the
server's timeout, so answering a query never wakes a third thread.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from typing import Any

from . import base as base_module
from . import errors as errors_module
from .base import EngineCrashed, QueryTimeout
from .errors import StoreError, StoreUnavailable

READS = frozenset(
    {
        "select",
        "ask",
        "construct",
        "named_graphs",
        "graph_sizes",
        "data_version",
        "export",
        "query_serialized",
        "query_encoded",
        "pid",
    }
)


@dataclass(eq=False)
class Request:
    id: int
    op: str
    args: tuple[Any, ...]
    timeout: float | None
    deadline: float | None
    future: Future[Any] = field(default_factory=Future)
    generation: int | None = None  # the child it was sent to, None while waiting
    interruptions: int = 0

    @property
    def is_read(self) -> bool:
        return self.op in READS


class Requests:
    """The table of requests not answered yet, and the watchdog over their deadlines.

    ``lock`` guards the table and is shared with the supervisor (which child is current);
    ``on_expired(generations)`` is called, outside the lock, with the children that were
    running a request past its deadline, after those requests failed."""

    def __init__(self, on_expired: Callable[[set[int]], None], idle_look: float) -> None:
        self.lock = threading.Condition()
        self.pending: dict[int, Request] = {}
        self.waiting: list[Request] = []
        self.closed = False
        self._ids = itertools.count(1)
        self._on_expired = on_expired
        self._idle_look = max(idle_look, 0.1)
        self._next_look = -math.inf  # the watchdog is awake and will look again
        self._watchdog = threading.Thread(target=self._watch, name="engine-watchdog", daemon=True)
        self._watchdog.start()

    def new(self, op: str, args: tuple[Any, ...], timeout: float | None) -> Request:
        deadline = None if timeout is None else time.monotonic() + timeout
        return Request(next(self._ids), op, args, timeout, deadline)

    def track(self, request: Request, generation: int | None) -> None:
        """Note where the request went (lock held); wake the watchdog if it must look sooner."""
        request.generation = generation
        if generation is None:
            self.waiting.append(request)
        else:
            self.pending[request.id] = request
        if request.deadline is not None and request.deadline < self._next_look:
            self.lock.notify_all()

    def answered(self, request_id: int) -> Request | None:
        """The pending request the child answered (None: it already timed out)."""
        with self.lock:
            return self.pending.pop(request_id, None)

    def of_generation(self, generation: int) -> list[Request]:
        """Take the pending requests sent to that child (lock held)."""
        taken = [r for r in self.pending.values() if r.generation == generation]
        for request in taken:
            del self.pending[request.id]
        return taken

    def close(self) -> list[Request] | None:
        """Stop the watchdog; the waiting requests, for the caller to fail (None: it was
        closed already)."""
        with self.lock:
            if self.closed:
                return None
            self.closed = True
            waiting, self.waiting = self.waiting, []
            self.lock.notify_all()
        return waiting

    @property
    def in_flight(self) -> int:
        with self.lock:
            return len(self.pending)

    def _watch(self) -> None:
        while True:
            expired, victims = self._expired()
            if expired is None:
                return
            for request in expired:
                fail(request, QueryTimeout(request.timeout or 0.0))
            if victims:
                self._on_expired(victims)

    def _expired(self) -> tuple[list[Request] | None, set[int]]:
        """Wait until some request is past its deadline; take those (None: closed)."""
        with self.lock:
            while True:
                self._next_look = -math.inf
                if self.closed:
                    return None, set()
                now = time.monotonic()
                # A request whose caller went away (a cancelled future) still holds the
                # engine until its deadline: it is killed like any other.
                self.waiting = [r for r in self.waiting if not r.future.done()]
                expired: list[Request] = []
                nearest = now + self._idle_look  # idle: look again later, nobody waits
                for request in [*self.pending.values(), *self.waiting]:
                    if request.deadline is None:
                        continue
                    if request.deadline <= now:
                        expired.append(request)
                    else:
                        nearest = min(nearest, request.deadline)
                if expired:
                    break
                self._next_look = nearest
                self.lock.wait(nearest - now)
            victims: set[int] = set()
            for request in expired:
                if self.pending.pop(request.id, None) is not None:
                    if request.generation is not None:
                        victims.add(request.generation)
                elif request in self.waiting:
                    self.waiting.remove(request)
            return expired, victims


def resolve(request: Request, value: Any) -> None:
    with contextlib.suppress(InvalidStateError):  # cancelled by an async caller gone away
        request.future.set_result(value)


def fail(request: Request, error: BaseException) -> None:
    with contextlib.suppress(InvalidStateError):
        request.future.set_exception(error)


def error_from_wire(wire: tuple[str, dict[str, Any]]) -> StoreError:
    """Rebuild a StoreError sent by the child (same class when it is one of ours)."""
    name, state = wire
    cls = getattr(base_module, name, None) or getattr(errors_module, name, None)
    if not (isinstance(cls, type) and issubclass(cls, StoreError)):
        cls = StoreError
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message_en", ""))
    error.__dict__.update(state)
    return error


def unavailable(reason_fr: str, reason_en: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"Le moteur de requêtes n'a pas pu démarrer : {reason_fr}.",
        f"The query engine could not start: {reason_en}.",
    )


def crashed() -> EngineCrashed:
    return EngineCrashed(
        "Le moteur de requêtes s'est arrêté pendant cette requête (mémoire épuisée ou "
        "plantage) ; il a été redémarré. Simplifiez la requête ou limitez ses résultats.",
        "The query engine stopped during this query (memory exhausted or crash); it has "
        "been restarted. Simplify the query or limit its results.",
    )


def write_interrupted() -> EngineCrashed:
    return EngineCrashed(
        "Le moteur s'est arrêté pendant une écriture : elle a été appliquée entière ou pas "
        "du tout (vérifiez la version des données), jamais à moitié.",
        "The engine stopped during a write: it was applied whole or not at all (check the "
        "data version), never half.",
    )


def closed_error() -> StoreError:
    return StoreError("Le magasin est fermé.", "The store is closed.", code="store-closed")
