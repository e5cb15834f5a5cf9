"""The child side of IsolatedStore: the one process that owns the on-disk Oxigraph store.

Forked from a single-threaded fork server (``forkserver`` context: no inherited locks or
RocksDB handles). It opens the store, caps its own address space, then serves requests on a
few query threads that take turns reading the pipe (leader/followers): the thread that reads
a request runs it, so a request costs no hand-over between threads (pyoxigraph releases the
GIL while it evaluates, measured: a Python thread kept running during a 4.5 s query, and two
queries on two threads took 1.8× one, not 2×). Answers leave already serialised, and gzipped
when the client takes gzip, so the web server's event loop only forwards bytes. Any death
(memory cap, stack overflow, SIGKILL on timeout) is the parent's to notice.

Which request each thread runs is written in a file the parent shares (one 8-byte slot per
thread, memory-mapped), not sent: a message per request would wake the parent twice per
query. After a crash the parent reads the slot of the thread faulthandler names.

Messages to the parent: ``("ready", pid, baseline_bytes, limit_bytes, thread_ids)``,
``("failed", error)``, ``("ok", request_id, value)``, ``("err", request_id, error)``,
``("fatal", request_id)`` just before dying of a MemoryError. From the parent:
``(request_id, op, args)`` and ``"close"``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import faulthandler
import gzip
import mmap
import os
import resource
import struct
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import URIRef

from .base import SerializedResult, Store
from .embedded import EmbeddedStore
from .errors import StoreError

MIB = 1024 * 1024
#: Stack of each query thread, fixed so the measured crash depths hold (see guard.py).
THREAD_STACK = 8 * MIB
_ALT_STACK = 64 * 1024
_EXIT_MEMORY = 71
#: Bodies smaller than this are sent as they are (the app's own gzip threshold).
GZIP_MIN_BYTES = 500
#: Fastest zlib level: a 2.2 MB SPARQL JSON answer (similar-practices at 100k triples) in
#: ~24 ms to 159 kB, where level 6 took ~66 ms to 119 kB (same run, loaded machine): the
#: 40 kB saved cost more time than they take to send on any link worth serving.
GZIP_LEVEL = 1
#: One slot per query thread in the shared file: the id of the request it runs (0: none).
SLOT = struct.Struct("=q")


def error_to_wire(exc: StoreError) -> tuple[str, dict[str, Any]]:
    """A StoreError as picklable data (its ``__init__`` signatures vary, so no pickle)."""
    state = dict(vars(exc))
    state.setdefault("code", exc.code)
    state.setdefault("message_fr", exc.message_fr)
    state.setdefault("message_en", exc.message_en)
    return type(exc).__name__, state


def _construct(store: Store, query: str, bindings: Any, graphs: Any) -> list[Any]:
    return list(store.construct(query, bindings, default_graph=graphs))


def _export(store: Store, fmt: Any, public_only: bool) -> bytes:
    import io

    out = io.BytesIO()
    store.export(out, fmt, public_only=public_only)
    return out.getvalue()


def _replace(store: Store, texts: dict[URIRef, str], version: str) -> None:
    """The parent already logged the changes and chose the version: write as sent."""
    assert isinstance(store, EmbeddedStore)  # noqa: S101 - the child always holds one
    for graph in texts:
        store._check_writable(graph)
    store._write_ntriples(texts, version)


def _query_serialized(store: Store, query: str, media_type: str, kwargs: dict[str, Any]) -> Any:
    return store.query_serialized(query, media_type, **kwargs)


def gzip_answer(result: SerializedResult, wanted: bool) -> tuple[SerializedResult, str | None]:
    """The answer gzip-compressed when the client takes gzip and it is worth it, with the
    ``Content-Encoding`` to announce (None: sent as it is)."""
    if not wanted or len(result.body) < GZIP_MIN_BYTES:
        return result, None
    body = gzip.compress(result.body, compresslevel=GZIP_LEVEL, mtime=0)
    return dataclasses.replace(result, body=body), "gzip"


def _query_encoded(
    store: Store, query: str, media_type: str, kwargs: dict[str, Any], gzipped: bool
) -> tuple[SerializedResult, str | None]:
    """A query answer compressed here, off the web server's event loop, and sent smaller."""
    return gzip_answer(store.query_serialized(query, media_type, **kwargs), gzipped)


OPS: dict[str, Callable[..., Any]] = {
    "select": lambda store, query, bindings, graphs: store.select(
        query, bindings, default_graph=graphs
    ),
    "ask": lambda store, query, bindings, graphs: store.ask(query, bindings, default_graph=graphs),
    "construct": _construct,
    "named_graphs": lambda store: store.named_graphs(),
    "graph_sizes": lambda store: store.graph_sizes(),
    "data_version": lambda store: store.data_version(),
    "export": _export,
    "replace": _replace,
    "drop": lambda store, graph: store.drop_graph(graph),
    "query_serialized": _query_serialized,
    "query_encoded": _query_encoded,
    "pid": lambda store: os.getpid(),
}


def main(
    conn: Connection,
    base: str,
    path: str,
    memory_mb: int,
    threads: int,
    crash_log: str,
    slots_file: str,
) -> None:
    """Entry point of the child process."""
    with open(crash_log, "w") as log:
        # faulthandler's dump names the crashing thread; the engine's own last words
        # ("memory allocation of … failed", a Rust backtrace) land in the same file.
        os.dup2(log.fileno(), 2)
        faulthandler.enable(file=log, all_threads=True)
        _limit_malloc_arenas()
        threading.stack_size(THREAD_STACK)
        try:
            store = EmbeddedStore(base, Path(path))
        except StoreError as exc:
            conn.send(("failed", error_to_wire(exc)))
            return
        with open(slots_file, "r+b") as handle:
            slots = mmap.mmap(handle.fileno(), SLOT.size * threads)
        server = _Server(conn, store, slots)
        idents = server.start(threads)  # every thread (stack, arena) before the cap
        baseline = _vm_size()
        limit = baseline + memory_mb * MIB
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
        server.send(("ready", os.getpid(), baseline, limit, idents))
        try:
            server.stopping.wait()
        finally:
            server.join()  # requests under way finish and are answered
            store.close()  # flushes RocksDB and releases its lock


class _Server:
    """Query threads taking turns at the pipe: one reads while the others run or wait."""

    def __init__(self, conn: Connection, store: Store, slots: mmap.mmap) -> None:
        self.conn = conn
        self.store = store
        self.slots = slots
        self.stopping = threading.Event()
        self._recv_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self, count: int) -> list[int]:
        """Start the threads; their ids, in slot order, once each has its signal stack."""
        barrier = threading.Barrier(count + 1)
        for index in range(count):
            thread = threading.Thread(
                target=self._serve, args=(index, barrier), name=f"query-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        barrier.wait(10)
        return [thread.ident or 0 for thread in self._threads]

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def send(self, message: tuple[Any, ...]) -> None:
        with self._send_lock:
            self.conn.send(message)

    def _serve(self, index: int, barrier: threading.Barrier) -> None:
        _alt_stack()
        barrier.wait(10)
        while True:
            with self._recv_lock:
                if self.stopping.is_set():
                    return
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):  # the parent is gone
                    message = "close"
                if message == "close":
                    self.stopping.set()
                    return
            self._run(index, *message)

    def _run(self, index: int, request_id: int, op: str, args: tuple[Any, ...]) -> None:
        SLOT.pack_into(self.slots, index * SLOT.size, request_id)
        try:
            self.send(("ok", request_id, OPS[op](self.store, *args)))
        except StoreError as exc:
            self.send(("err", request_id, error_to_wire(exc)))
        except MemoryError:
            # The heap is in doubt: report which request did it and die for a clean start.
            try:
                self.send(("fatal", request_id))
            finally:
                os._exit(_EXIT_MEMORY)
        except Exception as exc:  # a bug or an engine error: answered, the child lives on
            error = StoreError(
                f"Erreur du moteur de requêtes : {exc}",
                f"Query engine error: {exc}",
                code="query-failed",
            )
            self.send(("err", request_id, error_to_wire(error)))
        finally:
            SLOT.pack_into(self.slots, index * SLOT.size, 0)


def read_slots(path: Path, threads: int) -> list[int]:
    """The request id each query thread was running (0: none), read by the parent."""
    data = path.read_bytes()[: SLOT.size * threads]
    return [value for (value,) in SLOT.iter_unpack(data)]


def _vm_size() -> int:
    """Bytes of address space in use: RLIMIT_AS counts reserved space, not resident memory."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit_malloc_arenas() -> None:
    """glibc reserves 64 MiB of address space per thread arena: keep two, so the cap measures
    what queries allocate rather than how many threads touched malloc."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


_alt_stacks: list[ctypes.Array[ctypes.c_char]] = []


class _StackT(ctypes.Structure):
    _fields_ = [
        ("ss_sp", ctypes.c_void_p),
        ("ss_flags", ctypes.c_int),
        ("ss_size", ctypes.c_size_t),
    ]


def _alt_stack() -> None:
    """Give each query thread a signal stack, so faulthandler can still write which thread
    overflowed its stack (it only sets one up for the thread that enabled it)."""
    try:
        buffer = ctypes.create_string_buffer(_ALT_STACK)
        _alt_stacks.append(buffer)
        stack = _StackT(ctypes.cast(buffer, ctypes.c_void_p), 0, _ALT_STACK)
        ctypes.CDLL(None, use_errno=True).sigaltstack(ctypes.byref(stack), None)
    except (OSError, AttributeError):
        pass
