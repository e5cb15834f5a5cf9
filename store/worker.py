"""IsolatedStore: the embedded store run in a child process that can be killed and restarted.

pyoxigraph cannot stop a running query, and a runaway query can grow without bound or
overflow the stack. So in production the on-disk store is owned by one child process
(store/worker_process.py) and every Store call is a request over a pipe:

- **timeout**: a watchdog thread tracks each request's deadline (store/engine_requests.py);
  when one passes, that request gets QueryTimeout, the child is SIGKILLed and restarted
  (RocksDB reopens from disk), and the *other* reads it was running are sent again once
  (transparently; store/engine_supervisor.py);
- **memory cap / crash**: the child caps its address space; a query that exhausts it (or
  overflows the stack, or segfaults) kills the child: the parent sees EOF, restarts it, and
  answers the request that killed it with EngineCrashed (never retried). The culprit is
  known from the child's last words (a MemoryError it caught) or from faulthandler's dump
  of the crashing thread; when it cannot be told apart, every interrupted request fails;
- **writes** are never retried: the update is one RocksDB transaction, so an interrupted
  write left the old graphs or the new ones, never a mix, and the caller gets EngineCrashed.

A query is one message each way: the child's thread that reads it runs it and sends the
answer, the parent's reader thread completes the future. Sync callers block on that
concurrent future; async callers await it (``asyncio.wrap_future`` completes it on their
loop via ``call_soon_threadsafe``), so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any

from rdflib import Graph, URIRef

from .base import (
    Bindings,
    ExportFormat,
    GraphInfo,
    SelectResult,
    SerializedResult,
    Store,
)
from .engine_requests import Requests, closed_error, fail
from .engine_supervisor import Supervisor


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
        # The data version, kept between writes: the child is the store's only owner
        # (RocksDB's lock) and every write passes through `_submit`, which forgets it.
        self._version: str | None = None
        self._version_epoch = 0
        self._writes = 0
        self._version_lock = threading.RLock()
        self._logs = Path(tempfile.mkdtemp(prefix="essgraph-engine-"))
        self._requests = Requests(self._kill_expired, idle_look=timeout)
        self._engine = Supervisor(
            self._requests,
            base=base,
            path=path,
            memory_mb=memory_mb,
            threads=threads,
            start_timeout=start_timeout,
            logs=self._logs,
            on_exit=self._forget_version,
        )
        try:
            self._engine.child = self._engine.spawn()  # StoreUnavailable if it cannot open
        except BaseException:
            self._requests.close()
            shutil.rmtree(self._logs, ignore_errors=True)
            raise

    def _kill_expired(self, generations: set[int]) -> None:
        self._engine.kill_generations(generations)

    @property
    def restarts(self) -> int:
        return self._engine.restarts

    @property
    def last_restart_seconds(self) -> float | None:
        return self._engine.last_restart_seconds

    # -- requests ------------------------------------------------------------------------
    def _submit(self, op: str, *args: Any, timeout: float | None = None) -> Future[Any]:
        request = self._requests.new(op, args, timeout)
        if not request.is_read:
            with self._version_lock:
                self._writes += 1
                self._forget_version()
            request.future.add_done_callback(self._write_done)
        try:
            self._engine.submit(request)
        except BaseException as exc:
            fail(request, exc)
            raise
        return request.future

    def _forget_version(self) -> None:
        with self._version_lock:
            self._version = None
            self._version_epoch += 1

    def _write_done(self, _: Future[Any]) -> None:
        with self._version_lock:
            self._writes -= 1
            self._forget_version()

    def _version_request(self) -> tuple[str | None, int, Future[Any] | None]:
        """The kept version, or the epoch and the request that will read it from the child."""
        with self._version_lock:
            if self._version is not None:
                return self._version, self._version_epoch, None
            epoch = self._version_epoch
        return None, epoch, self._submit("data_version", timeout=self.timeout)

    def _keep_version(self, version: str, epoch: int) -> str:
        """Keep a version read from the child unless a write started or ended meanwhile."""
        with self._version_lock:
            if epoch == self._version_epoch and not self._writes:
                self._version = version
        return version

    def _call(self, op: str, *args: Any, timeout: float | None = None) -> Any:
        return self._submit(op, *args, timeout=timeout).result()

    @property
    def in_flight(self) -> int:
        """Requests sent to the child and not answered yet."""
        return self._requests.in_flight

    @property
    def engine_pid(self) -> int | None:
        """PID of the current child (changes on every restart)."""
        child = self._engine.child
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
        waiting = self._requests.close()
        if waiting is None:
            return
        for request in waiting:
            fail(request, closed_error())
        self._engine.idle.wait(self.start_timeout)  # a restart under way stops its own child
        with self._requests.lock:
            child = self._engine.child
        if child is not None:
            self._engine.stop(child)
        shutil.rmtree(self._logs, ignore_errors=True)
