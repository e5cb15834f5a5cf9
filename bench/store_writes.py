"""Benchmark whole-graph writes and reads on each store backend, in one run.

    .venv/bin/python bench/store_writes.py [--triples 100000] [--repeat 3]

Times `replace_graph` (new graph, then over an existing one), `graph_sizes`, an N-Quads
export and a bound COUNT query on: the in-memory embedded store, the on-disk embedded store
and a real Oxigraph server started for the run on 127.0.0.1. Medians are printed with their
ratio to the in-memory figure, because the machine is shared and absolute times drift.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from oxigraph_process import oxigraph_serving
from rdflib import Graph, Literal, URIRef

from store import Store
from store.embedded import EmbeddedStore
from store.remote import RemoteStore

BASE = "https://w3id.org/essgraph/"
ESS = "https://w3id.org/essgraph/ontology#"


def synthetic_graph(triples: int) -> Graph:
    """Practices with a title, a lever and a budget: three triples each."""
    graph = Graph()
    for i in range(triples // 3):
        practice = URIRef(f"{BASE}id/practice/c{i % 500}/p{i}")
        graph.add(
            (
                practice,
                URIRef("http://purl.org/dc/terms/title"),
                Literal(f"Pratique {i}", lang="fr"),
            )
        )
        graph.add((practice, URIRef(f"{ESS}usesLever"), URIRef(f"{BASE}id/lever/L{i % 7 + 1}")))
        graph.add(
            (
                practice,
                URIRef(f"{ESS}dedicatedBudget"),
                Literal(f"{i}.0", datatype="http://www.w3.org/2001/XMLSchema#decimal"),
            )
        )
    return graph


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(store: Store, data: Graph, repeat: int) -> dict[str, float]:
    target = store.graph_iri("source/bench")
    figures = {}
    figures["replace (new graph)"] = median_seconds(
        lambda: (store.drop_graph(target), store.replace_graph(target, data)), 1
    )
    figures["replace (existing)"] = median_seconds(
        lambda: store.replace_graph(target, data), repeat
    )
    figures["graph_sizes"] = median_seconds(store.graph_sizes, repeat)
    figures["export nq"] = median_seconds(lambda: store.export(io.BytesIO(), "nq"), repeat)
    count = f"PREFIX ess: <{ESS}> SELECT (COUNT(*) AS ?n) WHERE {{ ?p ess:usesLever ?lever }}"
    figures["bound COUNT"] = median_seconds(
        lambda: store.select(count, {"lever": URIRef(f"{BASE}id/lever/L3")}), repeat
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = synthetic_graph(args.triples)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with EmbeddedStore(BASE) as memory:
            results["memory"] = measure(memory, data, args.repeat)
        with EmbeddedStore(BASE, Path(tmp) / "disk") as disk:
            results["disk"] = measure(disk, data, args.repeat)
        with (
            oxigraph_serving(Path(tmp) / "server") as url,
            RemoteStore(BASE, f"{url}/query") as remote,
        ):
            results["oxigraph server"] = measure(remote, data, args.repeat)
    print(f"{len(data):,} triples, median of {args.repeat} (ratio to memory)")
    print(f"| operation | {' | '.join(results)} |")
    print(f"|---|{'---|' * len(results)}")
    for operation in results["memory"]:
        base = results["memory"][operation]
        cells = [f"{r[operation]:.3f} s ({r[operation] / base:.1f}×)" for r in results.values()]
        print(f"| {operation} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
