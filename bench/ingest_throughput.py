"""End-to-end ingest throughput: read → reconcile/build → SHACL → commit (in-memory store).

    python bench/ingest_throughput.py [--sizes 10 1000 10000] [--layouts limesurvey …]
        [--engine shacl|pyshacl]

For each layout and size, the seeded generator (bench/generate_exports.py) writes an export,
then a fresh subprocess ingests it into an in-memory embedded store and reports the time of
each stage and its peak resident memory (``ru_maxrss``), so sizes do not share a heap.
Prints a Markdown table: responses per second end to end, and the time of each stage with
its share of the total. ``--engine pyshacl`` validates with the reference engine instead of
the default fast one (the figures before the switch).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROFILES = {
    "limesurvey": "limesurvey-2021",
    "surveymonkey": "surveymonkey-2021",
    "googleforms": "googleforms-2021",
}
SUFFIX = {"limesurvey": ".csv", "surveymonkey": ".xlsx", "googleforms": ".csv"}


def measure_one(path: Path, profile: str, engine: str = "shacl") -> dict[str, float]:
    """Ingest one file (in this process) and time each stage."""
    import functools

    import ingest.batch
    import shapes
    from ingest.batch import build_batch, other_sources, read_source, validate
    from store.embedded import EmbeddedStore

    ingest.batch.shacl_validate = functools.partial(  # type: ignore[assignment]
        shapes.validate, engine=engine
    )
    if engine == "pyshacl":  # as before the fast engine: pyshacl on collectivity-sized chunks
        ingest.batch.shacl_engine_available = lambda: False

    base = "https://w3id.org/essgraph/"
    store = EmbeddedStore(base)
    started = time.perf_counter()
    source = read_source(path, profile)
    read = time.perf_counter()
    builds, _merges = build_batch([source], base)
    built = time.perf_counter()
    collectivities = {c for b in builds for c in b.collectivities}
    graphs = {}
    for build in builds:
        sid = build.context.info.source_id
        graphs[store.graph_iri(f"source/{sid}")] = build.public
        graphs[store.graph_iri(f"private/source/{sid}")] = build.private
    context = other_sources(store, collectivities, set(graphs))
    results = validate(builds, context, base)
    validated = time.perf_counter()
    violations = sum(1 for r in results if r.severity == "violation")
    if violations == 0:
        store.replace_graphs(graphs)
    committed = time.perf_counter()
    return {
        "responses": len(source.records),
        "cells": source.context.info.non_empty_cells,
        "triples": sum(len(g) for g in graphs.values()),
        "violations": violations,
        "read_s": read - started,
        "build_s": built - read,
        "shacl_s": validated - built,
        "commit_s": committed - validated,
        "total_s": committed - started,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_size(layout: str, size: int, folder: Path, engine: str) -> dict[str, float]:
    path = folder / f"{layout}-{size}{SUFFIX[layout]}"
    subprocess.run(  # noqa: S603 - our own generator, fixed arguments
        [
            sys.executable,
            str(HERE / "generate_exports.py"),
            "--layout",
            layout,
            "--responses",
            str(size),
            "--seed",
            "1",
            "--out",
            str(path),
        ],
        check=True,
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--one", str(path), PROFILES[layout], "--engine", engine],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10000])
    parser.add_argument("--layouts", nargs="+", default=list(PROFILES))
    parser.add_argument("--engine", choices=["shacl", "pyshacl"], default="shacl")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "PROFILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(Path(args.one[0]), args.one[1], args.engine)))
        return
    print(f"SHACL engine: {args.engine}\n")
    print(
        "| layout | responses | cells | triples | read s | build s | SHACL s | commit s "
        "| total s | responses/s | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in args.layouts:
            for size in args.sizes:
                f = run_size(layout, size, Path(tmp), args.engine)
                total = f["total_s"]
                rate = f["responses"] / total if total else 0.0
                flag = " (violations!)" if f["violations"] else ""

                def stage(key: str, f: dict[str, float] = f, total: float = total) -> str:
                    share = 100 * f[key] / total if total else 0.0
                    return f"{f[key]:.2f} ({share:.0f} %)"

                print(
                    f"| {layout} | {int(f['responses'])} | {int(f['cells'])} "
                    f"| {int(f['triples'])} | {stage('read_s')} | {stage('build_s')} "
                    f"| {stage('shacl_s')} | {stage('commit_s')} | {total:.2f} "
                    f"| {rate:.0f}{flag} | {f['max_rss_mb']:.0f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
