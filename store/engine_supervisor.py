"""The isolated engine's child process: start it, route its answers, restart it when it dies.

One reader thread per child receives its answers and completes the requests' futures (an
async caller's loop is woken once, by ``asyncio.wrap_future``). On EOF the child is reaped
and the requests it was running are sorted: a kill by us (timeout) or another request's
crash retries the innocent reads once; the culprit, writes, and requests nobody can clear
fail (see store/worker.py). The culprit is named by the child's last words (a MemoryError
it caught) or by faulthandler's dump of the crashing thread, looked up in the slots file
where each query thread writes the request it runs.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, cast

from .engine_requests import (
    Request,
    Requests,
    closed_error,
    crashed,
    error_from_wire,
    fail,
    resolve,
    unavailable,
    write_interrupted,
)
from .errors import StoreError, StoreUnavailable
from .worker_process import SLOT, read_slots
from .worker_process import main as child_main

log = logging.getLogger(__name__)
_CURRENT_THREAD = re.compile(r"Current thread (0x[0-9a-fA-F]+)")


@dataclass(eq=False)
class Child:
    generation: int
    process: BaseProcess
    conn: Connection
    crash_log: Path
    slots: Path
    pid: int = 0
    killed: bool = False  # by us (timeout, close): not a crash
    culprit: int | None = None
    thread_ids: list[int] = field(default_factory=list)  # in slot order
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Any) -> None:
        """Send without the requests' lock: a big message must not stall other callers.
        If the child is dying, its reader retries or fails what it was sent."""
        with self.send_lock, contextlib.suppress(OSError, ValueError):
            self.conn.send(message)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


class Supervisor:
    """Owns the current child; ``requests.lock`` guards which child that is."""

    def __init__(
        self,
        requests: Requests,
        *,
        base: str,
        path: Path,
        memory_mb: int,
        threads: int,
        start_timeout: float,
        logs: Path,
        on_exit: Any,
    ) -> None:
        self.requests = requests
        self.base = base
        self.path = path
        self.memory_mb = memory_mb
        self.threads = threads
        self.start_timeout = start_timeout
        self.logs = logs
        self.restarts = 0
        self.last_restart_seconds: float | None = None
        self.child: Child | None = None
        self.idle = threading.Event()  # cleared while a restart is in progress
        self.idle.set()
        self._on_exit_hook = on_exit  # called (lock held) when a child is gone
        self._context = _context()
        self._generations = itertools.count(1)

    # -- requests ------------------------------------------------------------------------
    def submit(self, request: Request) -> None:
        """Send to the current child, or queue until the restart under way ends."""
        lock = self.requests.lock
        with lock:
            if self.requests.closed:
                raise closed_error()
            child = self.child
            self.requests.track(request, None if child is None else child.generation)
        if child is not None:
            child.send((request.id, request.op, request.args))

    def kill_generations(self, generations: set[int]) -> None:
        """The watchdog's call: kill the current child if it runs an expired request."""
        with self.requests.lock:
            child = self.child
            if child is None or child.generation not in generations:
                return
            child.killed = True
        child.kill()

    # -- the child's life ----------------------------------------------------------------
    def spawn(self) -> Child:
        """Start a child and wait until it has opened the store."""
        generation = next(self._generations)
        parent_end, child_end = self._context.Pipe()
        crash_log = self.logs / f"crash-{generation}.log"
        slots = self.logs / f"slots-{generation}"
        slots.write_bytes(bytes(SLOT.size * self.threads))
        process = self._context.Process(
            target=child_main,
            args=(
                child_end,
                self.base,
                str(self.path),
                self.memory_mb,
                self.threads,
                str(crash_log),
                str(slots),
            ),
            name=f"essgraph-engine-{generation}",
            daemon=True,
        )
        process.start()
        child_end.close()
        child = Child(generation, process, parent_end, crash_log, slots)
        try:
            if not parent_end.poll(self.start_timeout):
                raise unavailable("délai de démarrage dépassé", "start timed out")
            message = parent_end.recv()
        except (EOFError, OSError) as exc:
            process.join(5)
            raise unavailable(
                f"le processus s'est arrêté (code {process.exitcode})",
                f"the process exited (code {process.exitcode})",
            ) from exc
        except StoreUnavailable:
            process.kill()
            process.join()
            raise
        if message[0] == "failed":
            process.join(5)
            raise error_from_wire(message[1])
        child.pid = message[1]
        child.thread_ids = list(message[4])
        threading.Thread(
            target=self._read, args=(child,), name=f"engine-reader-{generation}", daemon=True
        ).start()
        return child

    def _read(self, child: Child) -> None:
        """Route the child's answers to their futures; on EOF, clean up and restart."""
        while True:
            try:
                message = child.conn.recv()
            except (EOFError, OSError):
                break
            kind = message[0]
            if kind == "fatal":
                child.culprit = message[1]
                continue
            request = self.requests.answered(message[1])
            if request is None:
                continue  # already answered (timed out)
            if kind == "ok":
                resolve(request, message[2])
            else:
                fail(request, error_from_wire(message[2]))
        child.conn.close()
        self._on_exit(child)

    def _on_exit(self, child: Child) -> None:
        child.process.join()  # reaped: RocksDB's lock is free again
        with self.requests.lock:
            interrupted = self.requests.of_generation(child.generation)
            if self.child is child:
                self.child = None
            closing = self.requests.closed
            self._on_exit_hook()
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
        retry: list[Request] = []
        for request in interrupted:
            if request.future.done():
                continue
            request.interruptions += 1
            request.generation = None
            if closing:
                fail(request, closed_error())
            elif not request.is_read:
                fail(request, write_interrupted())
            elif request.interruptions > 1:
                fail(request, crashed())
            elif child.killed or (child.culprit is not None and child.culprit != request.id):
                retry.append(request)  # an innocent bystander of a kill or of another's crash
            else:
                # the culprit, or nobody can tell which request it was: none is retried
                fail(request, crashed())
        with contextlib.suppress(OSError):
            child.slots.unlink()
        if closing:
            return
        self.idle.clear()
        try:
            self._restart(retry)
        finally:
            self.idle.set()

    def _restart(self, retry: list[Request]) -> None:
        started = time.monotonic()
        new: Child | None = None
        error: StoreError | None = None
        for attempt in range(3):
            if self.requests.closed:
                break
            try:
                new = self.spawn()
                break
            except StoreError as exc:
                error = exc
                time.sleep(0.2 * (attempt + 1))
        requests = self.requests
        sent: list[Request] = []
        with requests.lock:
            if new is not None:
                self.restarts += 1
                self.last_restart_seconds = time.monotonic() - started
            queued = [r for r in retry + requests.waiting if not r.future.done()]
            requests.waiting = []
            if new is None or requests.closed:
                failed = queued
            else:
                self.child = new
                failed = []
                for request in queued:
                    requests.track(request, new.generation)
                    sent.append(request)
            requests.lock.notify_all()
        for request in sent:
            assert new is not None  # noqa: S101 - sent only to a new child
            new.send((request.id, request.op, request.args))
        for request in failed:
            fail(request, error or closed_error())
        if new is not None and requests.closed:
            self.stop(new)

    def _culprit_from_dump(self, child: Child) -> int | None:
        """The request whose thread faulthandler named as the crashing one, if any."""
        try:
            dump = child.crash_log.read_text(errors="replace")
            match = _CURRENT_THREAD.search(dump)
            if match is None or int(match.group(1), 16) not in child.thread_ids:
                return None
            slot = child.thread_ids.index(int(match.group(1), 16))
            running = read_slots(child.slots, len(child.thread_ids))[slot]
        except OSError:
            return None
        return running or None

    @staticmethod
    def _last_words(child: Child) -> str:
        try:
            lines = child.crash_log.read_text(errors="replace").splitlines()
        except OSError:
            return "?"
        useful = [line for line in lines if line and not line.startswith((" ", "Thread"))]
        return " | ".join(useful[:3]) or "no message"

    def stop(self, child: Child, grace: float = 30.0) -> None:
        """Ask the child to finish its requests and close the store; kill it past ``grace``."""
        child.send("close")
        child.process.join(grace)
        if child.process.is_alive():
            child.killed = True
            child.kill()
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
