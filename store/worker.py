"""IsolatedStore: the embedded store run in a child process that can be killed and restarted.

pyoxigraph cannot stop a running query, and a runaway query can grow without bound or
overflow the stack. So in production the on-disk store is owned by one child process
(store/worker_process.py) and every Store call is a request over a pipe:

- **timeout**: a watchdog thread tracks each request's deadline; when one passes, that
  request gets QueryTimeout, the child is SIGKILLed and restarted (RocksDB reopens from
  disk), and the *other* reads it was running are sent again once (transparently);
- **memory cap / crash**: the child caps its address space; a query that exhausts it (or
  overflows the stack, or segfaults) kills the child: the parent sees EOF, restarts it, and
  answers the request that killed it with EngineCrashed (never retried). The culprit is
  known from the child's last words (a MemoryError it caught) or from faulthandler's dump
  of the crashing thread; when it cannot be told apart, every interrupted request fails;
- **writes** are never retried: the update is one RocksDB transaction, so an interrupted
  write left the old graphs or the new ones, never a mix, and the caller gets EngineCrashed.

Sync callers block on a concurrent future; async callers await it (``asyncio.wrap_future``
completes it on their loop via ``call_soon_threadsafe``), so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any, cast

from rdflib import Graph, URIRef

from . import base as base_module
from . import errors as errors_module
from .base import (
    Bindings,
    EngineCrashed,
    ExportFormat,
    GraphInfo,
    QueryTimeout,
    SelectResult,
    SerializedResult,
    Store,
)
from .errors import StoreError, StoreUnavailable
from .worker_process import main as child_main

_READS = frozenset(
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
log = logging.getLogger(__name__)
_CURRENT_THREAD = re.compile(r"Current thread (0x[0-9a-fA-F]+)")


@dataclass(eq=False)
class _Request:
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
        return self.op in _READS


@dataclass(eq=False)
class _Child:
    generation: int
    process: BaseProcess
    conn: Connection
    crash_log: Path
    pid: int = 0
    killed: bool = False  # by us (timeout, close): not a crash
    culprit: int | None = None
    threads: dict[int, int] = field(default_factory=dict)  # thread id → request id


class IsolatedStore(Store):
    """The on-disk embedded store, queried through a killable child process."""

    def __init__(
        self,
        base: str,
        path: Path,
        *,
        timeout: float = 30.0,
        memory_mb: int = 2048,
        threads: int = 4,
        start_timeout: float = 60.0,
    ) -> None:
        super().__init__(base)
        self.path = path
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.threads = threads
        self.start_timeout = start_timeout
        self.restarts = 0
        self.last_restart_seconds: float | None = None
        self._context = _context()
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self._generations = itertools.count(1)
        self._pending: dict[int, _Request] = {}
        self._waiting: list[_Request] = []
        self._child: _Child | None = None
        self._closed = False
        self._idle = threading.Event()  # cleared while a restart is in progress
        self._idle.set()
        # The data version, kept between writes: the child is the store's only owner
        # (RocksDB's lock) and every write passes through `_submit`, which forgets it.
        self._version: str | None = None
        self._version_epoch = 0
        self._writes = 0
        self._logs = Path(tempfile.mkdtemp(prefix="essgraph-engine-"))
        self._child = self._spawn()  # raises StoreUnavailable if the store cannot be opened
        self._watchdog = threading.Thread(target=self._watch, name="engine-watchdog", daemon=True)
        self._watchdog.start()

    # -- the child's life ----------------------------------------------------------------
    def _spawn(self) -> _Child:
        """Start a child and wait until it has opened the store."""
        generation = next(self._generations)
        parent_end, child_end = self._context.Pipe()
        crash_log = self._logs / f"crash-{generation}.log"
        process = self._context.Process(
            target=child_main,
            args=(child_end, self.base, str(self.path), self.memory_mb, self.threads, crash_log),
            name=f"essgraph-engine-{generation}",
            daemon=True,
        )
        process.start()
        child_end.close()
        child = _Child(generation, process, parent_end, crash_log)
        try:
            if not parent_end.poll(self.start_timeout):
                raise _unavailable("délai de démarrage dépassé", "start timed out")
            message = parent_end.recv()
        except (EOFError, OSError) as exc:
            process.join(5)
            raise _unavailable(
                f"le processus s'est arrêté (code {process.exitcode})",
                f"the process exited (code {process.exitcode})",
            ) from exc
        except StoreUnavailable:
            process.kill()
            process.join()
            raise
        if message[0] == "failed":
            process.join(5)
            raise _error_from_wire(message[1])
        child.pid = message[1]
        threading.Thread(
            target=self._read, args=(child,), name=f"engine-reader-{generation}", daemon=True
        ).start()
        return child

    def _read(self, child: _Child) -> None:
        """Route the child's answers to their futures; on EOF, clean up and restart."""
        while True:
            try:
                message = child.conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "start":
                child.threads[message[2]] = message[1]
            elif kind == "fatal":
                child.culprit = message[1]
            elif kind in ("ok", "err"):
                with self._lock:
                    request = self._pending.pop(message[1], None)
                if request is None:
                    continue  # already answered (timed out)
                if kind == "ok":
                    _resolve(request, message[2])
                else:
                    _fail(request, _error_from_wire(message[2]))
        child.conn.close()
        self._on_exit(child)

    def _on_exit(self, child: _Child) -> None:
        child.process.join()  # reaped: RocksDB's lock is free again
        with self._lock:
            interrupted = [r for r in self._pending.values() if r.generation == child.generation]
            for request in interrupted:
                del self._pending[request.id]
            if self._child is child:
                self._child = None
            closing = self._closed
            self._forget_version()
        if not child.killed and not closing:
            if child.culprit is None:
                child.culprit = self._culprit_from_dump(child)
            log.warning(
                "query engine process %s died (exit code %s, request %s): %s; restarting",
                child.pid,
                child.process.exitcode,
                child.culprit,
                self._last_words(child),
            )
        retry: list[_Request] = []
        for request in interrupted:
            if request.future.done():
                continue
            request.interruptions += 1
            request.generation = None
            if closing:
                _fail(request, _closed())
            elif not request.is_read:
                _fail(request, _write_interrupted())
            elif request.interruptions > 1:
                _fail(request, _crashed())
            elif child.killed or (child.culprit is not None and child.culprit != request.id):
                retry.append(request)  # an innocent bystander of a kill or of another's crash
            else:
                # the culprit, or nobody can tell which request it was: none is retried
                _fail(request, _crashed())
        if closing:
            return
        self._idle.clear()
        try:
            self._restart(retry)
        finally:
            self._idle.set()

    def _restart(self, retry: list[_Request]) -> None:
        started = time.monotonic()
        new: _Child | None = None
        error: StoreError | None = None
        for attempt in range(3):
            if self._closed:
                break
            try:
                new = self._spawn()
                break
            except StoreError as exc:
                error = exc
                time.sleep(0.2 * (attempt + 1))
        with self._lock:
            if new is not None:
                self.restarts += 1
                self.last_restart_seconds = time.monotonic() - started
            queued = [r for r in retry + self._waiting if not r.future.done()]
            self._waiting = []
            if new is None or self._closed:
                failed = queued
            else:
                self._child = new
                failed = [r for r in queued if not self._send(r)]
            self._lock.notify_all()
        for request in failed:
            _fail(request, error or _closed())
        if new is not None and self._closed:
            self._stop(new)

    def _culprit_from_dump(self, child: _Child) -> int | None:
        """The request whose thread faulthandler named as the crashing one, if any."""
        try:
            dump = child.crash_log.read_text(errors="replace")
        except OSError:
            return None
        match = _CURRENT_THREAD.search(dump)
        return child.threads.get(int(match.group(1), 16)) if match else None

    @staticmethod
    def _last_words(child: _Child) -> str:
        try:
            lines = child.crash_log.read_text(errors="replace").splitlines()
        except OSError:
            return "?"
        useful = [line for line in lines if line and not line.startswith((" ", "Thread"))]
        return " | ".join(useful[:3]) or "no message"

    # -- requests ------------------------------------------------------------------------
    def _send(self, request: _Request) -> bool:
        """Send to the current child (lock held); False if there is none to send to."""
        child = self._child
        if child is None:
            return False
        request.generation = child.generation
        self._pending[request.id] = request
        # if the child is dying, its reader will retry or fail the request
        with contextlib.suppress(OSError, ValueError):
            child.conn.send((request.id, request.op, request.args))
        return True

    def _submit(self, op: str, *args: Any, timeout: float | None = None) -> Future[Any]:
        request = _Request(
            next(self._ids),
            op,
            args,
            timeout,
            None if timeout is None else time.monotonic() + timeout,
        )
        with self._lock:
            if self._closed:
                raise _closed()
            if not request.is_read:
                self._writes += 1
                self._forget_version()
                request.future.add_done_callback(self._write_done)
            if not self._send(request):
                self._waiting.append(request)
            self._lock.notify_all()  # the watchdog may have a nearer deadline now
        return request.future

    def _forget_version(self) -> None:
        with self._lock:
            self._version = None
            self._version_epoch += 1

    def _write_done(self, _: Future[Any]) -> None:
        with self._lock:
            self._writes -= 1
            self._forget_version()

    def _version_request(self) -> tuple[str | None, int, Future[Any] | None]:
        """The kept version, or the epoch and the request that will read it from the child."""
        with self._lock:
            if self._version is not None:
                return self._version, self._version_epoch, None
            epoch = self._version_epoch
        return None, epoch, self._submit("data_version", timeout=self.timeout)

    def _keep_version(self, version: str, epoch: int) -> str:
        """Keep a version read from the child unless a write started or ended meanwhile."""
        with self._lock:
            if epoch == self._version_epoch and not self._writes:
                self._version = version
        return version

    def _call(self, op: str, *args: Any, timeout: float | None = None) -> Any:
        return self._submit(op, *args, timeout=timeout).result()

    def _watch(self) -> None:
        """Answer requests past their deadline with QueryTimeout; kill a child running one."""
        while True:
            expired: list[_Request] = []
            victim: _Child | None = None
            with self._lock:
                if self._closed:
                    return
                now = time.monotonic()
                nearest: float | None = None
                # A request whose caller went away (a cancelled future) still holds the
                # engine until its deadline: it is killed like any other.
                self._waiting = [r for r in self._waiting if not r.future.done()]
                for request in [*self._pending.values(), *self._waiting]:
                    if request.deadline is None:
                        continue
                    if request.deadline <= now:
                        expired.append(request)
                    else:
                        nearest = min(nearest or request.deadline, request.deadline)
                for request in expired:
                    if self._pending.pop(request.id, None) is not None:
                        if self._child is not None and request.generation == self._child.generation:
                            victim = self._child
                            victim.killed = True
                    elif request in self._waiting:
                        self._waiting.remove(request)
                if not expired:
                    self._lock.wait(None if nearest is None else nearest - now)
                    continue
            for request in expired:
                _fail(request, QueryTimeout(request.timeout or 0.0))
            if victim is not None:
                _kill(victim)

    @property
    def in_flight(self) -> int:
        """Requests sent to the child and not answered yet."""
        with self._lock:
            return len(self._pending)

    @property
    def engine_pid(self) -> int | None:
        """PID of the current child (changes on every restart)."""
        child = self._child
        return child.pid if child is not None else None

    # -- the Store interface -------------------------------------------------------------
    def _write_ntriples(self, texts: dict[URIRef, str], version: str) -> None:
        self._call("replace", texts, version)

    def drop_graph(self, graph: URIRef) -> bool:
        return bool(self._call("drop", graph))

    def named_graphs(self) -> list[URIRef]:
        return list(self._call("named_graphs", timeout=self.timeout))

    def graph_sizes(self) -> list[GraphInfo]:
        return list(self._call("graph_sizes", timeout=self.timeout))

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> SelectResult:
        graphs = None if default_graph is None else list(default_graph)
        result: SelectResult = self._call("select", query, bindings, graphs, timeout=self.timeout)
        return result

    def ask(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> bool:
        graphs = None if default_graph is None else list(default_graph)
        return bool(self._call("ask", query, bindings, graphs, timeout=self.timeout))

    def construct(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> Graph:
        graphs = None if default_graph is None else list(default_graph)
        graph = Graph()
        for triple in self._call("construct", query, bindings, graphs, timeout=self.timeout):
            graph.add(triple)
        return graph

    def query_serialized(
        self,
        query: str,
        media_type: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Iterable[URIRef] | None = None,
        named_graphs: Iterable[URIRef] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SerializedResult:
        future = self._submit_query(
            query, media_type, bindings, default_graph, named_graphs, timeout, max_rows
        )
        result: SerializedResult = future.result()
        return result

    async def query_serialized_async(
        self,
        query: str,
        media_type: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Iterable[URIRef] | None = None,
        named_graphs: Iterable[URIRef] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SerializedResult:
        """`query_serialized` for an event loop: awaits the child's answer, never blocks."""
        future = self._submit_query(
            query, media_type, bindings, default_graph, named_graphs, timeout, max_rows
        )
        result: SerializedResult = await asyncio.wrap_future(future)
        return result

    async def query_encoded_async(
        self,
        query: str,
        media_type: str,
        *,
        gzipped: bool,
        bindings: Bindings | None = None,
        default_graph: Iterable[URIRef] | None = None,
        named_graphs: Iterable[URIRef] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> tuple[SerializedResult, str | None]:
        """`query_serialized_async` with the body gzip-compressed by the child when
        ``gzipped`` (and big enough), with the content coding applied (None: none)."""
        future = self._submit_query(
            query,
            media_type,
            bindings,
            default_graph,
            named_graphs,
            timeout,
            max_rows,
            gzipped=gzipped,
        )
        result: tuple[SerializedResult, str | None] = await asyncio.wrap_future(future)
        return result

    async def data_version_async(self) -> str:
        """`data_version` for an event loop (ETags on every GET); no round trip while no
        write has happened since it was last read."""
        version, epoch, future = self._version_request()
        if future is None:
            return str(version)
        return self._keep_version(str(await asyncio.wrap_future(future)), epoch)

    def _submit_query(
        self,
        query: str,
        media_type: str,
        bindings: Bindings | None,
        default_graph: Iterable[URIRef] | None,
        named_graphs: Iterable[URIRef] | None,
        timeout: float | None,
        max_rows: int | None,
        *,
        gzipped: bool | None = None,
    ) -> Future[Any]:
        kwargs = {
            "bindings": bindings,
            "default_graph": None if default_graph is None else list(default_graph),
            "named_graphs": None if named_graphs is None else list(named_graphs),
            "max_rows": max_rows,
        }
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        if gzipped is None:
            return self._submit("query_serialized", query, media_type, kwargs, timeout=limit)
        return self._submit("query_encoded", query, media_type, kwargs, gzipped, timeout=limit)

    def export(self, out: IO[bytes], fmt: ExportFormat = "nq", *, public_only: bool = True) -> None:
        out.write(self._call("export", fmt, public_only))

    def data_version(self) -> str:
        version, epoch, future = self._version_request()
        if future is None:
            return str(version)
        return self._keep_version(str(future.result()), epoch)

    def close(self) -> None:
        """Let the child finish its requests, flush and release the store; then stop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            child = self._child
            waiting, self._waiting = self._waiting, []
            self._lock.notify_all()
        for request in waiting:
            _fail(request, _closed())
        self._idle.wait(self.start_timeout)  # a restart under way stops its own child
        with self._lock:
            child = self._child
        if child is not None:
            self._stop(child)
        shutil.rmtree(self._logs, ignore_errors=True)

    def _stop(self, child: _Child, grace: float = 30.0) -> None:
        with contextlib.suppress(OSError, ValueError):
            child.conn.send("close")
        child.process.join(grace)
        if child.process.is_alive():
            child.killed = True
            _kill(child)
            child.process.join()


def _context() -> multiprocessing.context.ForkServerContext:
    """forkserver with the engine's modules preloaded: a restart forks a process that has
    already imported pyoxigraph and rdflib (spawn re-imports them: ~1 s per restart). The
    fork server is single-threaded, so forking it is safe, unlike forking the web app."""
    context = cast(
        multiprocessing.context.ForkServerContext, multiprocessing.get_context("forkserver")
    )
    context.set_forkserver_preload(["store.worker_process"])
    return context


def _kill(child: _Child) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGKILL)


def _resolve(request: _Request, value: Any) -> None:
    with contextlib.suppress(InvalidStateError):  # cancelled by an async caller gone away
        request.future.set_result(value)


def _fail(request: _Request, error: BaseException) -> None:
    with contextlib.suppress(InvalidStateError):
        request.future.set_exception(error)


def _error_from_wire(wire: tuple[str, dict[str, Any]]) -> StoreError:
    """Rebuild a StoreError sent by the child (same class when it is one of ours)."""
    name, state = wire
    cls = getattr(base_module, name, None) or getattr(errors_module, name, None)
    if not (isinstance(cls, type) and issubclass(cls, StoreError)):
        cls = StoreError
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message_en", ""))
    error.__dict__.update(state)
    return error


def _unavailable(reason_fr: str, reason_en: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"Le moteur de requêtes n'a pas pu démarrer : {reason_fr}.",
        f"The query engine could not start: {reason_en}.",
    )


def _crashed() -> EngineCrashed:
    return EngineCrashed(
        "Le moteur de requêtes s'est arrêté pendant cette requête (mémoire épuisée ou "
        "plantage) ; il a été redémarré. Simplifiez la requête ou limitez ses résultats.",
        "The query engine stopped during this query (memory exhausted or crash); it has "
        "been restarted. Simplify the query or limit its results.",
    )


def _write_interrupted() -> EngineCrashed:
    return EngineCrashed(
        "Le moteur s'est arrêté pendant une écriture : elle a été appliquée entière ou pas "
        "du tout (vérifiez la version des données), jamais à moitié.",
        "The engine stopped during a write: it was applied whole or not at all (check the "
        "data version), never half.",
    )


def _closed() -> StoreError:
    return StoreError("Le magasin est fermé.", "The store is closed.", code="store-closed")
