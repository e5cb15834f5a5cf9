"""What engine isolation costs: a small query in-process vs through the child, and a restart.

Run: .venv/bin/python bench/engine_isolation.py
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, Namespace

from store import QueryTimeout
from store.embedded import EmbeddedStore
from store.worker import IsolatedStore

BASE = "https://w3id.org/essgraph/"
EX = Namespace("http://example.org/")
QUERY = "SELECT ?s ?o WHERE { ?s <http://example.org/p0> ?o } LIMIT 10"
RUNS = 200


def data() -> Graph:
    graph = Graph()
    for i in range(2000):
        graph.add((EX[f"s{i}"], EX[f"p{i % 5}"], Literal(i)))
    return graph


def median_ms(call: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        embedded = EmbeddedStore(BASE, Path(tmp) / "embedded")
        embedded.replace_graph(embedded.graph_iri("source/x"), data())
        started = time.perf_counter()
        isolated = IsolatedStore(BASE, Path(tmp) / "isolated", threads=2)
        first_start = time.perf_counter() - started
        isolated.replace_graph(isolated.graph_iri("source/x"), data())
        try:
            for name, store in (("in-process", embedded), ("isolated", isolated)):
                for media in ("application/sparql-results+json", "text/csv"):
                    ms = median_ms(lambda s=store, m=media: s.query_serialized(QUERY, m))
                    print(f"query_serialized {media:32} {name:10} median {ms:.3f} ms")
                ms = median_ms(lambda s=store: s.select(QUERY))
                print(f"select {'':49} {name:10} median {ms:.3f} ms")
            print(f"first start (fork server + RocksDB open): {first_start:.2f} s")
            restarts = []
            for _ in range(5):
                with contextlib.suppress(QueryTimeout):
                    isolated.query_serialized(
                        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c",
                        "text/csv",
                        timeout=0.2,
                    )
                isolated.data_version()  # waits for the restarted child
                assert isolated.last_restart_seconds is not None  # noqa: S101
                restarts.append(isolated.last_restart_seconds)
            print(
                f"restart after a kill: median {statistics.median(restarts):.3f} s "
                f"(min {min(restarts):.3f}, max {max(restarts):.3f}, {len(restarts)} runs)"
            )
        finally:
            embedded.close()
            isolated.close()


if __name__ == "__main__":
    main()
