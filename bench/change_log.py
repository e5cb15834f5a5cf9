"""What the change log costs a write: the same writes with and without it, in one run.

    .venv/bin/python bench/change_log.py [--triples 100000] [--repeat 3] [--no-server]

A realistic 100k-triple source graph (bench/generate_graph.py: collectivities, policies with
qualified derivations, practices, responses, raw answers), written as N-Triples with
`replace_ntriples` (the path `replace_graphs` and the fast ingest writer take) over the
ontology and thesauri, in three cases: a new graph (every resource added), the same graph
again (every resource compared, nothing recorded) and the graph with 1% of its resources
edited. Each case runs with the change log on and off, alternately, on the in-memory
embedded store and on a real Oxigraph server; medians and the on/off ratio are printed
(the machine is shared, so only ratios within one run mean much).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
import pyoxigraph as ox
from generate_graph import generate
from oxigraph_process import oxigraph_serving
from rdflib import URIRef

from store import Store
from store.embedded import EmbeddedStore
from store.remote import RemoteStore

BASE = "https://w3id.org/essgraph/"


def graphs_as_ntriples(triples: int) -> dict[URIRef, str]:
    """Each named graph of the generated deployment as N-Triples text."""
    out = io.StringIO()
    generate(out, triples, base=BASE)
    grouped: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(out.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode)  # noqa: S101 - named graphs only
        grouped.setdefault(quad.graph_name.value, []).append(quad.triple)
    texts = {}
    for name, members in grouped.items():
        body = ox.serialize(members, format=ox.RdfFormat.N_TRIPLES)
        assert body is not None  # noqa: S101 - no output given: bytes are returned
        texts[URIRef(name)] = body.decode("utf-8")
    return texts


def edited(text: str, every: int = 100) -> str:
    """The text with one resource's title-like literal in ``every`` changed."""
    lines = text.splitlines(keepends=True)
    seen: dict[str, int] = {}
    for n, line in enumerate(lines):
        subject = line.split(" ", 1)[0]
        if subject.startswith(f"<{BASE}id/") and '"@fr .' in line and subject not in seen:
            seen[subject] = n
    for k, n in enumerate(seen.values()):
        if k % every == 0:
            lines[n] = lines[n].replace('"@fr .', ' (modifié)"@fr .', 1)
    return "".join(lines)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(
    open_store: Callable[[], Store], texts: dict[URIRef, str], repeat: int
) -> dict[str, tuple[float, float]]:
    """Median seconds per case with the log on and off (each run on a fresh store)."""
    target = URIRef(f"{BASE}graph/source/bench")
    vocabularies = {g: t for g, t in texts.items() if g != target}
    data = {target: texts[target]}
    changed = {target: edited(texts[target])}
    figures: dict[str, dict[bool, list[float]]] = {}
    for _ in range(repeat):
        for on in (False, True):
            with open_store() as store:
                store.record_changes = on
                store.replace_ntriples(vocabularies)
                for case, texts_of_case in (
                    ("new graph (all added)", data),
                    ("same graph again (no change)", data),
                    ("1% of resources edited", changed),
                ):
                    runs = figures.setdefault(case, {True: [], False: []})
                    runs[on].append(timed(partial(store.replace_ntriples, texts_of_case)))
    return {
        case: (statistics.median(runs[False]), statistics.median(runs[True]))
        for case, runs in figures.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-server", action="store_true", help="embedded store only")
    args = parser.parse_args()
    texts = graphs_as_ntriples(args.triples)
    size = texts[URIRef(f"{BASE}graph/source/bench")].count("\n")
    print(f"source graph of {size:,} triples, median of {args.repeat}")
    print("| store | case | without log | with log | ratio |")
    print("|---|---|---|---|---|")
    report("memory", measure(lambda: EmbeddedStore(BASE), texts, args.repeat))
    if not args.no_server:
        with tempfile.TemporaryDirectory() as tmp:

            def fresh_remote() -> Store:
                """The same server emptied (starting one per run would dominate)."""
                httpx.post(
                    f"{url}/update",
                    content=b"DROP ALL",
                    headers={"Content-Type": "application/sparql-update"},
                ).raise_for_status()
                return RemoteStore(BASE, f"{url}/query", timeout=600)

            with oxigraph_serving(Path(tmp) / "server") as url:
                report("oxigraph server", measure(fresh_remote, texts, args.repeat))


def report(name: str, cases: dict[str, tuple[float, float]]) -> None:
    for case, (off, on) in cases.items():
        print(f"| {name} | {case} | {off:.3f} s | {on:.3f} s | {on / off:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
