"""The floor under a SPARQL answer over HTTP: what the Python HTTP stack costs, what the
isolated engine's pipe costs, and what the Oxigraph server takes for the same trivial query.

    .venv/bin/python bench/http_floor.py [--requests 400] [--rounds 8]

Every HTTP target is its own server process on 127.0.0.1, reached by one httpx client with
keep-alive (the same as bench/queries_bench.py), GET, median and p95 per request:

  noop FastAPI          a bare FastAPI app, one route returning 4 bytes, under each uvicorn
                        (loop, http) pair importable here (asyncio/h11 always; uvloop and
                        httptools when installed), with the options `essgraph serve` uses;
  noop essgraph app     essgraph's own app (its middleware: gzip, CORS, Vary) plus that route;
  /sparql ASK {}        essgraph's app over the isolated engine (what `essgraph serve` runs)
                        and over the in-process embedded store (a worker-thread hop instead);
  Oxigraph ASK {}       the Oxigraph server (PyPI `oxigraph`) on the same store files.

Without HTTP: the engine call in process, through the isolated engine (sync and from an
event loop), and a bare multiprocessing pipe ping-pong between two processes. HTTP targets
take turns round by round, so load from elsewhere falls on all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
from oxigraph_process import oxigraph_serving  # sibling script (bench/ is on sys.path)

BASE = "https://w3id.org/essgraph/"
ASK = "ASK {}"
JSON = "application/sparql-results+json"
ROOT = Path(__file__).resolve().parent.parent


# -- statistics ------------------------------------------------------------------------------
def summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered) * 1000:.3f} / {p95 * 1000:.3f}"


def timed(call: Callable[[], object], count: int) -> list[float]:
    out = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on one socket: a prepared request out, the answer
    read by its Content-Length. Shows the server side with ~no client cost (httpx adds ~1 ms)."""

    def __init__(self, url: str, params: dict[str, str]) -> None:
        parsed = httpx.URL(url, params=params)
        self.sock = socket.create_connection((parsed.host, parsed.port or 80))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        target = parsed.raw_path.decode("ascii")
        self.request = (
            f"GET {target} HTTP/1.1\r\nHost: {parsed.host}:{parsed.port}\r\n"
            f"Accept: {JSON}\r\nAccept-Encoding: gzip\r\n\r\n"
        ).encode("ascii")
        self.buffer = b""

    def __call__(self) -> None:
        self.sock.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._recv()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode("latin-1"))
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        return chunk

    def close(self) -> None:
        self.sock.close()


# -- the servers (each `--serve KIND` runs in its own process) -------------------------------
def serve(kind: str, port: int, loop: str, http: str, data_dir: str) -> None:
    """Run one target server in this process until killed."""
    import uvicorn
    from fastapi import FastAPI, Response

    from essgraph.cli_serve import uvicorn_options

    async def noop() -> Response:
        return Response(b"true", media_type="text/plain")

    store = None
    if kind == "noop":
        app = FastAPI()
        app.add_api_route("/noop", noop, methods=["GET"])
    else:
        from api.app import create_app, open_configured_store
        from essgraph.settings import Settings

        store_kind = "embedded" if kind == "isolated" else "memory-on-disk"
        settings = Settings(store="embedded", data_dir=Path(data_dir), base_uri=BASE)
        if store_kind == "embedded":
            store = open_configured_store(settings)  # the isolated engine, as `serve` opens it
        else:
            from store.embedded import EmbeddedStore

            store = EmbeddedStore(BASE, Path(data_dir) / "oxigraph")
        app = create_app(settings, store)
        app.add_api_route("/noop", noop, methods=["GET"])
    options = {**uvicorn_options(), "loop": loop, "http": http}
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, **options)
    finally:
        if store is not None:
            store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(kind: str, loop: str, http: str, data_dir: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, __file__, "--serve", kind, "--port", str(port)]
    command += ["--loop", loop, "--http", http, "--data-dir", str(data_dir)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603 - this very script
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{url}/noop", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{kind} server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def loop_http_pairs() -> list[tuple[str, str]]:
    pairs = [("asyncio", "h11")]
    if importlib.util.find_spec("uvloop") and importlib.util.find_spec("httptools"):
        pairs.append(("uvloop", "httptools"))
    return pairs


# -- without HTTP ----------------------------------------------------------------------------
def _pong(conn: Connection) -> None:
    while (message := conn.recv()) is not None:
        conn.send(message)


def pipe_ping_pong(count: int) -> list[float]:
    """A tuple like a request there and back between two processes: the OS and pickle floor."""
    context = get_context("forkserver")
    parent, child = context.Pipe()
    process = context.Process(target=_pong, args=(child,), daemon=True)
    process.start()
    message = (1, "query_encoded", (ASK, JSON, {"bindings": None}, True))

    def once() -> None:
        parent.send(message)
        parent.recv()

    try:
        timed(once, 50)
        return timed(once, count)
    finally:
        parent.send(None)
        process.join(5)


def engine_without_http(data_dir: Path, count: int) -> dict[str, list[float]]:
    """The same ASK in process, through the isolated engine (sync, and awaited on a loop)."""
    from store.embedded import EmbeddedStore
    from store.worker import IsolatedStore

    out: dict[str, list[float]] = {}
    copy = Path(tempfile.mkdtemp(prefix="floor-copy-"))
    shutil.copytree(data_dir / "oxigraph", copy / "oxigraph")
    embedded = EmbeddedStore(BASE, copy / "oxigraph")
    try:
        timed(lambda: embedded.query_serialized(ASK, JSON), 50)
        out["in-process EmbeddedStore.query_serialized"] = timed(
            lambda: embedded.query_serialized(ASK, JSON), count
        )
    finally:
        embedded.close()
        shutil.rmtree(copy, ignore_errors=True)
    isolated = IsolatedStore(BASE, data_dir / "oxigraph", threads=4)
    try:
        timed(lambda: isolated.query_serialized(ASK, JSON), 50)
        out["IsolatedStore.query_serialized (sync caller)"] = timed(
            lambda: isolated.query_serialized(ASK, JSON), count
        )

        async def on_loop() -> list[float]:
            seconds = []
            for _ in range(count + 50):
                started = time.perf_counter()
                await isolated.query_encoded_async(ASK, JSON, gzipped=True)
                seconds.append(time.perf_counter() - started)
            return seconds[50:]

        out["IsolatedStore.query_encoded_async (event loop)"] = asyncio.run(on_loop())
    finally:
        isolated.close()
    out["multiprocessing pipe ping-pong (2 processes)"] = pipe_ping_pong(count)
    return out


# -- the run ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per target, all rounds")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--data-dir", type=Path, help="an essgraph data dir (default: empty)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="asyncio", help=argparse.SUPPRESS)
    parser.add_argument("--http", default="h11", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.loop, args.http, str(args.data_dir))
        return 0

    work = Path(tempfile.mkdtemp(prefix="http-floor-"))
    data = args.data_dir or work / "data"
    if args.data_dir is None:
        from store.embedded import EmbeddedStore

        (data / "oxigraph").mkdir(parents=True)
        EmbeddedStore(BASE, data / "oxigraph").close()  # an empty store, versioned

    def copy(name: str) -> Path:
        """Each server opens its own copy of the store (RocksDB takes one owner)."""
        shutil.copytree(data / "oxigraph", work / name / "oxigraph")
        return work / name

    targets: dict[str, tuple[str, dict[str, str]]] = {}
    per_round = max(1, args.requests // args.rounds)
    sparql = {"query": ASK}
    with ExitStack() as stack:
        for loop, http in loop_http_pairs():
            url = stack.enter_context(server("noop", loop, http, data))
            targets[f"noop FastAPI route, uvicorn {loop}/{http}"] = (f"{url}/noop", {})
        for loop, http in loop_http_pairs():
            url = stack.enter_context(server("isolated", loop, http, copy(f"isolated-{loop}")))
            targets[f"noop route in essgraph's app, {loop}/{http}"] = (f"{url}/noop", {})
            targets[f"essgraph /sparql ASK, isolated engine, {loop}/{http}"] = (
                f"{url}/sparql",
                sparql,
            )
        loop, http = loop_http_pairs()[-1]
        url = stack.enter_context(server("inprocess", loop, http, copy("inprocess")))
        targets[f"essgraph /sparql ASK, in-process store, {loop}/{http}"] = (
            f"{url}/sparql",
            sparql,
        )
        oxigraph = stack.enter_context(oxigraph_serving(copy("server") / "oxigraph"))
        targets["Oxigraph server /query ASK"] = (f"{oxigraph}/query", sparql)

        seconds: dict[str, list[float]] = {name: [] for name in targets}
        raw_seconds: dict[str, list[float]] = {name: [] for name in targets}
        raw = {
            name: stack.enter_context(closing(RawClient(*target)))
            for name, target in targets.items()
        }
        with httpx.Client(headers={"Accept": JSON, "Accept-Encoding": "gzip"}) as client:

            def call(address: str, params: dict[str, str]) -> Callable[[], object]:
                def once() -> None:
                    client.get(address, params=params).raise_for_status()

                return once

            names = list(targets)
            for name in names:
                timed(call(*targets[name]), 30)  # warm-up, not counted
                timed(raw[name], 30)
            for index in range(args.rounds):
                turn = index % len(names)
                for name in names[turn:] + names[:turn]:
                    seconds[name] += timed(call(*targets[name]), per_round)
                    raw_seconds[name] += timed(raw[name], per_round)
    count = per_round * args.rounds
    print(f"\nHTTP GET, keep-alive, {count} requests each, median / p95 (ms):\n")
    print("| target | httpx client | raw socket client |\n|---|---|---|")
    for name, values in seconds.items():
        print(f"| {name} | {summary(values)} | {summary(raw_seconds[name])} |")
    print("\nWithout HTTP (same ASK, JSON answer), median / p95 (ms):\n")
    print("| call | time |\n|---|---|")
    for name, values in engine_without_http(data, args.requests).items():
        print(f"| {name} | {summary(values)} |")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
