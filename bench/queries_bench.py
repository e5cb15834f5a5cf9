"""Time every named query on generated data, side by side on several engines, in one run.

    .venv/bin/python bench/queries_bench.py --triples 100000 --runs 20
    .venv/bin/python bench/queries_bench.py --triples 1000000 --runs 10 --rdflib-limit 60
    .venv/bin/python bench/queries_bench.py --essgraph-url http://127.0.0.1:8000  # 4th column

Targets, all on the same N-Quads file from bench/generate_graph.py:
  embedded  essgraph's embedded store (pyoxigraph in-process), through ``NamedQuery.run``;
  rdflib    rdflib's in-memory Dataset (union default graph) running the same bound SPARQL
            text (what rdflib-endpoint serves), in a worker process: a first run in a fork
            of it, killed after ``--rdflib-limit`` seconds (reported as "> N s"), then the
            timed runs in the worker itself;
  server    the Oxigraph server (``oxigraph serve``) over HTTP, same text, public graphs
            given as ``default-graph-uri``, SPARQL JSON results read and parsed;
  essgraph  (with ``--essgraph-url``) essgraph's own ``GET /queries/{name}`` over HTTP, all
            rows in one page (``--essgraph-per-page``; start the app with ESSGRAPH_MAX_ROWS
            at least that, and the same data in its ESSGRAPH_DATA_DIR).
Prints a Markdown table of median and p95 per target with the ratio to the embedded median,
then rdflib / essgraph HTTP and essgraph HTTP / server (medians) when those targets ran.
Figures drift on a shared machine: compare ratios within one run. The embedded, server and
essgraph targets take turns run by run (rotating order), so a burst of load from elsewhere
falls on all three rather than on whichever was running.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from generate_graph import generate  # sibling script (bench/ is on sys.path)
from oxigraph_process import OXIGRAPH, oxigraph_serving

import queries
from store import SelectResult
from store.embedded import EmbeddedStore
from store.sparql_text import bind_values

BASE = "https://w3id.org/essgraph/"
GRAPHS = [f"{BASE}graph/source/bench", f"{BASE}graph/thesauri", f"{BASE}graph/ontology"]

#: Parameters each query is timed with (besides its defaults); ``{…}`` filled from the data.
PARAMS: dict[str, dict[str, str]] = {
    "collectivities-without-theme": {"theme": "T3.4"},
    "collectivity-profile": {"collectivity": "{collectivity}"},
    "ess-means-by-kind": {"year": "2020"},
    "lever-ancestry": {"lever": "L5.2"},
    "lever-cooccurrence": {"scope": "collectivity"},
    "practice-search": {"text": "recyclerie"},
    "practices-lever-theme": {"lever": "L5", "theme": "T3"},
    "provenance": {"resource": "{policy}"},
    "similar-practices": {"practice": "{practice}"},
    "top-partners": {"theme": "T3"},
}


@dataclass
class Timing:
    """Seconds per run for one query on one target; ``limit`` set when a run was cut."""

    seconds: list[float] = field(default_factory=list)
    rows: int | None = None
    limit: float | None = None
    error: str | None = None

    def cell(self, reference: float | None) -> str:
        if self.error:
            return f"error: {self.error[:40]}"
        if self.limit is not None and not self.seconds:
            return f"> {self.limit:g} s"
        med, p95 = median(self.seconds), p95_of(self.seconds)
        text = f"{fmt(med)} / {fmt(p95)}"
        if reference:
            text += f" ({med / reference:.1f}×)"
        if self.limit is not None:
            text += f", then > {self.limit:g} s"
        return text


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95_of(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def fmt(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


#: Ratio columns (median over median) printed when both targets ran.
RATIOS = [("rdflib", "essgraph HTTP"), ("essgraph HTTP", "server")]


def ratio(a: Timing, b: Timing) -> str:
    """``a``'s median over ``b``'s; a lower bound ("> x") when ``a`` hit the rdflib limit."""
    if a.error or b.error or not b.seconds:
        return "–"
    if not a.seconds:
        if not a.limit:
            return "–"
        bound = a.limit / median(b.seconds)
        return f"> {bound:.0f}×" if bound >= 10 else f"> {bound:.2f}×"
    value = median(a.seconds) / median(b.seconds)
    return f"{value:.0f}×" if value >= 10 else f"{value:.2f}×"


# -- targets ---------------------------------------------------------------------------------
def time_interleaved(runs_of: dict[str, Callable[[], int]], runs: int) -> dict[str, Timing]:
    """Time several targets on the same query taking turns (one warm-up each, not counted)."""
    timings = {name: Timing() for name in runs_of}
    names = list(runs_of)
    for name in names:
        try:
            runs_of[name]()
        except Exception as exc:  # a failing engine is reported in its cell, the run goes on
            timings[name].error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    live = [name for name in names if timings[name].error is None]
    for index in range(runs if live else 0):
        turn = index % len(live)
        for name in live[turn:] + live[:turn]:
            if timings[name].error is not None:
                continue
            try:
                start = time.perf_counter()
                timings[name].rows = runs_of[name]()
                timings[name].seconds.append(time.perf_counter() - start)
            except Exception as exc:
                timings[name].error = str(exc).splitlines()[0] if str(exc) else repr(exc)
    return timings


def _rdflib_worker(path: str, conn: Connection) -> None:
    """Load the file into an rdflib Dataset once, then answer ``(text, limit, runs)``: a first
    run in a forked child (copy-on-write, killed past the limit: no reload), then, if it
    finished, the timed runs here in the loading process, where rdflib runs as it would in
    an endpoint (a fork's copy-on-write page faults would slow it)."""
    import os
    import select
    import signal
    import warnings

    from rdflib import Dataset

    warnings.simplefilter("ignore")
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    conn.send(("ready", len(dataset)))
    while True:
        request = conn.recv()
        if request is None:
            return
        text, limit, runs = request
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the probing run, its outcome as JSON on the pipe
            os.close(read_end)
            try:
                reply = ["ok", len(list(dataset.query(text)))]
            except Exception as exc:
                reply = ["error", str(exc).splitlines()[0] if str(exc) else repr(exc)]
            os.write(write_end, json.dumps(reply).encode("utf-8"))
            os._exit(0)
        os.close(write_end)
        ready, _, _ = select.select([read_end], [], [], limit)
        probe = None
        if ready:
            chunks = []
            while chunk := os.read(read_end, 65536):
                chunks.append(chunk)
            probe = json.loads(b"".join(chunks))
        else:
            os.kill(pid, signal.SIGKILL)
        os.close(read_end)
        os.waitpid(pid, 0)
        if probe is None:
            conn.send(("limit",))
            continue
        if probe[0] == "error":
            conn.send(tuple(probe))
            continue
        seconds: list[float] = []
        rows = probe[1]
        for _ in range(runs):
            start = time.perf_counter()
            rows = len(list(dataset.query(text)))
            seconds.append(time.perf_counter() - start)
            if sum(seconds) > limit:
                break
        conn.send(("ok", seconds, rows))


class RdflibTarget:
    """rdflib in a worker process, each run in a fork of it that can be killed."""

    def __init__(self, path: Path, limit: float) -> None:
        self.path = path
        self.limit = limit
        self.ctx = mp.get_context("spawn")
        self.process: Any = None
        self.conn: Connection | None = None
        self.load_seconds = 0.0

    def start(self) -> None:
        started = time.perf_counter()
        parent, child = self.ctx.Pipe()
        self.process = self.ctx.Process(target=_rdflib_worker, args=(str(self.path), child))
        self.process.start()
        self.conn = parent
        message = parent.recv()
        assert message[0] == "ready"  # noqa: S101 - protocol of our own worker
        self.load_seconds = time.perf_counter() - started

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self.process = None

    def time(self, text: str, runs: int) -> Timing:
        """Up to ``runs`` timed runs after a probing one, stopping once their total passes
        the limit; "> limit" when the probing run did not finish in time."""
        timing = Timing()
        if self.process is None:
            self.start()
        assert self.conn is not None  # noqa: S101
        self.conn.send((text, self.limit, runs))
        reply = self.conn.recv()
        if reply[0] == "limit":
            timing.limit = self.limit
        elif reply[0] == "error":
            timing.error = reply[1]
        else:
            timing.seconds, timing.rows = list(reply[1]), reply[2]
        return timing


@contextmanager
def oxigraph_server(nquads: Path) -> Iterator[str]:
    """Bulk-load the file with the `oxigraph` CLI, then serve it on a free local port."""
    with tempfile.TemporaryDirectory(prefix="bench-oxigraph-") as location:
        subprocess.run(  # noqa: S603 - our own binary and paths
            [str(OXIGRAPH), "load", "--location", location, "--file", str(nquads)],
            check=True,
            capture_output=True,
        )
        with oxigraph_serving(location, read_only=True) as url:
            yield url


def server_run(client: httpx.Client, url: str, text: str) -> Callable[[], int]:
    form: dict[str, str | list[str]] = {"query": text, "default-graph-uri": GRAPHS}

    def run() -> int:
        response = client.post(
            f"{url}/query", data=form, headers={"Accept": "application/sparql-results+json"}
        )
        response.raise_for_status()
        return len(json.loads(response.content)["results"]["bindings"])

    return run


def essgraph_run(
    client: httpx.Client, url: str, name: str, raw: dict[str, str], per_page: int
) -> Callable[[], int]:
    """All rows in one page; a truncated answer fails the cell (rows would not compare)."""
    params = {**raw, "per_page": str(per_page)}

    def run() -> int:
        response = client.get(
            f"{url.rstrip('/')}/queries/{name}",
            params=params,
            headers={"Accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        if response.headers.get("X-Essgraph-Truncated") == "true":
            raise RuntimeError(f"truncated at {per_page} rows: raise ESSGRAPH_MAX_ROWS")
        return len(json.loads(response.content)["results"]["bindings"])

    return run


# -- the run ---------------------------------------------------------------------------------
def sample_values(store: EmbeddedStore) -> dict[str, str]:
    """IRIs of one collectivity with a policy, one of its practices and its latest policy."""
    result = store.select(
        """PREFIX ess: <https://w3id.org/essgraph/ontology#>
        SELECT ?collectivity ?practice ?policy WHERE {
          ?policy ess:policyOf ?collectivity . ?practice ess:implementedBy ?collectivity .
        } ORDER BY ?collectivity DESC(?policy) ?practice LIMIT 1"""
    )
    assert isinstance(result, SelectResult) and result.rows  # noqa: S101
    return {k: str(v) for k, v in result.rows[0].items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rdflib-limit", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument(
        "--no-embedded",
        action="store_true",
        help="skip the in-process target (the issue's targets are essgraph HTTP, rdflib and "
        "the server; this shortens a 1M-triple run by a third)",
    )
    parser.add_argument("--essgraph-url", help="base URL of a running essgraph app (4th target)")
    parser.add_argument(
        "--essgraph-per-page",
        type=int,
        default=1_000_000,
        help="per_page of the essgraph target (the app's ESSGRAPH_MAX_ROWS must allow it)",
    )
    parser.add_argument("--only", nargs="*", help="named queries to run (default: all)")
    parser.add_argument("--data", type=Path, help="reuse this N-Quads file instead of generating")
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="embedded store on disk (RocksDB, like the server) rather than in memory",
    )
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="essgraph-bench-"))
    nquads = args.data or workdir / f"bench-{args.triples}.nq"
    if args.data is None:
        started = time.perf_counter()
        with nquads.open("w", encoding="utf-8") as handle:
            total = generate(handle, args.triples)
        print(f"generated {total} quads in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    store = EmbeddedStore(BASE, workdir / "oxigraph" if args.on_disk else None)
    started = time.perf_counter()
    store._db.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.cache.clear()  # written behind the store's back: forget its graph list
    print(f"embedded: loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    samples = sample_values(store)

    rdflib_target = None if args.no_rdflib else RdflibTarget(nquads, args.rdflib_limit)
    if rdflib_target is not None:
        rdflib_target.start()
        print(f"rdflib: loaded in {rdflib_target.load_seconds:.1f} s", file=sys.stderr)

    catalog = [q for q in queries.catalog() if not args.only or q.name in args.only]
    columns = ([] if args.no_embedded else ["embedded"]) + (["rdflib"] if rdflib_target else [])
    columns.append("server")
    if args.essgraph_url:
        columns.append("essgraph HTTP")
    ratios = [(a, b) for a, b in RATIOS if a in columns and b in columns]
    where = "on disk" if args.on_disk else "in memory"
    data = f"{args.data.name}" if args.data else f"{args.triples:,} generated triples"
    embedded_note = (
        "" if args.no_embedded else f"embedded store {where}, (×) = median relative to it; "
    )
    print(f"\n{data}; {embedded_note}server on disk; median / p95 of {args.runs} runs.\n")
    headers = columns + [f"{a} / {b}" for a, b in ratios]
    print("| query | rows | " + " | ".join(headers) + " |")
    print("|---|---:|" + "---|" * len(columns) + "---:|" * len(ratios), flush=True)
    with oxigraph_server(nquads) as url, httpx.Client(timeout=3600) as client:
        for named in catalog:
            raw = {k: v.format(**samples) for k, v in PARAMS.get(named.name, {}).items()}
            bindings = named.bind(raw, base=BASE)
            text = bind_values(named.text, bindings)
            timings: dict[str, Timing] = {}

            def embedded(named: queries.NamedQuery = named, raw: dict[str, str] = raw) -> int:
                answer = named.run(store, raw)
                return len(answer) if isinstance(answer, SelectResult) else 1

            targets: dict[str, Callable[[], int]] = {"server": server_run(client, url, text)}
            if not args.no_embedded:
                targets["embedded"] = embedded
            if args.essgraph_url:
                targets["essgraph HTTP"] = essgraph_run(
                    client, args.essgraph_url, named.name, raw, args.essgraph_per_page
                )
            timings.update(time_interleaved(targets, args.runs))
            if rdflib_target is not None:
                timings["rdflib"] = rdflib_target.time(text, args.runs)
            # each row as soon as it is measured: a long run is useful even if stopped
            print(row(named.name, timings, columns, ratios), flush=True)
    if rdflib_target is not None:
        if rdflib_target.conn is not None and rdflib_target.process is not None:
            rdflib_target.conn.send(None)
        rdflib_target.stop()
    return 0


def row(
    name: str, timings: dict[str, Timing], columns: list[str], ratios: list[tuple[str, str]]
) -> str:
    """One Markdown table row; rows counted by the first target that answered."""
    rows = next((t.rows for t in timings.values() if t.rows is not None), None)
    own = timings["embedded"].seconds if "embedded" in timings else []
    ref = median(own) if own else None
    cells = [timings[c].cell(ref if c != "embedded" else None) for c in columns]
    cells += [ratio(timings[a], timings[b]) for a, b in ratios]
    mismatch = {c: t.rows for c, t in timings.items() if t.rows is not None and t.rows != rows}
    note = f" (rows differ: {mismatch})" if mismatch else ""
    return f"| {name}{note} | {rows} | " + " | ".join(cells) + " |"


if __name__ == "__main__":
    sys.exit(main())
