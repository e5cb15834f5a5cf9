"""End-to-end ingest throughput: read → reconcile/build → SHACL → commit (embedded store).

    python bench/ingest_throughput.py [--sizes 10 1000 10000] [--layouts limesurvey …]
        [--engine shacl|pyshacl] [--split-write] [--on-disk]

For each layout and size, the seeded generator (bench/generate_exports.py) writes an export,
then a fresh subprocess ingests it into an embedded store (in memory, or on disk with
``--on-disk``, as ``essgraph ingest`` does) and reports the time of each stage and the peak
resident memory (``ru_maxrss``) after each, so sizes do not share a heap. Prints a Markdown
table: responses per second end to end and before the store's write, and the time of each
stage with its share of the total. ``--split-write`` also times the store's write alone,
without its change log (new graphs: Oxigraph's RDF parser loading one TriG document);
``--engine pyshacl`` validates with the reference engine instead of the default fast one
(the figures before the switch).
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


def measure_one(
    path: Path,
    profile: str,
    engine: str = "shacl",
    split_write: bool = False,
    on_disk: Path | None = None,
) -> dict[str, float]:
    """Ingest one file (in this process) and time each stage.

    ``commit`` is the store's own write (``replace_ntriples``: its change log and the load
    of the new graphs), which the ingest hands one N-Triples text per graph. With
    ``split_write``, the same texts are then written again into a fresh store with the
    change log off (``update_s``: the store's write alone; not in the totals or the peak).
    """
    from ingest.batch import build_batch, other_sources, read_source
    from ingest.validation import validate
    from shapes import native
    from store.embedded import EmbeddedStore

    base = "https://w3id.org/essgraph/"
    store = EmbeddedStore(base, on_disk)
    if engine == "shacl":  # compile the shapes before the clock starts, as a server has
        native.available()
    started = time.perf_counter()
    source = read_source(path, profile)
    read = time.perf_counter()
    read_rss = _peak_mb()
    builds, _merges = build_batch([source], base)
    built = time.perf_counter()
    build_rss = _peak_mb()
    collectivities = {c for b in builds for c in b.collectivities}
    texts = {}
    for build in builds:
        sid = build.context.info.source_id
        texts[store.graph_iri(f"source/{sid}")] = build.public_text
        texts[store.graph_iri(f"private/source/{sid}")] = build.private_text
    context = other_sources(store, collectivities, set(texts))
    results = validate(builds, context, base, engine=engine)
    validated = time.perf_counter()
    shacl_rss = _peak_mb()
    violations = sum(1 for r in results if r.severity == "violation")
    if violations == 0:
        store.replace_ntriples(texts)
    committed = time.perf_counter()
    peak = _peak_mb()
    update_s = float("nan")
    if split_write and violations == 0:  # the same write without the store's change log
        bare = EmbeddedStore(base, None if on_disk is None else on_disk.with_suffix(".bare"))
        bare.record_changes = False
        before = time.perf_counter()
        bare.replace_ntriples(texts)
        update_s = time.perf_counter() - before
    return {
        "responses": len(source.records),
        "cells": source.context.info.non_empty_cells,
        "triples": sum(b.report.triples + b.report.private_triples for b in builds),
        "text_mb": sum(len(t.encode("utf-8")) for t in texts.values()) / 1e6,
        "violations": violations,
        "read_s": read - started,
        "build_s": built - read,
        "shacl_s": validated - built,
        "commit_s": committed - validated,
        "total_s": committed - started,
        "read_rss_mb": read_rss,
        "build_rss_mb": build_rss,
        "shacl_rss_mb": shacl_rss,
        "max_rss_mb": peak,
        "update_s": update_s,
    }


def _peak_mb() -> float:
    """Peak resident memory of this process so far (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(
    layout: str,
    size: int,
    folder: Path,
    engine: str,
    split_write: bool = False,
    on_disk: bool = False,
) -> dict[str, float]:
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
        capture_output=True,
    )
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            __file__,
            "--one",
            str(path),
            PROFILES[layout],
            "--engine",
            engine,
            *(["--split-write"] if split_write else []),
            *(["--on-disk", str(folder / f"store-{layout}-{size}")] if on_disk else []),
        ],
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
    parser.add_argument(
        "--split-write",
        action="store_true",
        help="also time the store's write alone (the write again, change log off)",
    )
    parser.add_argument(
        "--on-disk",
        nargs="?",
        const="",
        help="write into an embedded store on disk (what `essgraph ingest` uses) instead of "
        "one in memory",
    )
    parser.add_argument("--one", nargs=2, metavar=("FILE", "PROFILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        disk = Path(args.on_disk) if args.on_disk else None
        figures = measure_one(Path(args.one[0]), args.one[1], args.engine, args.split_write, disk)
        print(json.dumps(figures))
        return
    where = "on disk" if args.on_disk is not None else "in memory"
    print(f"SHACL engine: {args.engine}; store: embedded, {where}\n")
    print(
        "| layout | responses | cells | triples | read s | build s | SHACL s | commit s "
        "| total s | responses/s | responses/s before the write | N-Triples MB "
        "| peak RSS MB after read / build / SHACL / commit |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for layout in args.layouts:
            for size in args.sizes:
                f = run_size(
                    layout, size, Path(tmp), args.engine, args.split_write, args.on_disk is not None
                )
                total = f["total_s"]
                rate = f["responses"] / total if total else 0.0
                before = total - f["commit_s"]
                ingest_rate = f["responses"] / before if before else 0.0
                flag = " (violations!)" if f["violations"] else ""

                def stage(key: str, f: dict[str, float] = f, total: float = total) -> str:
                    share = 100 * f[key] / total if total else 0.0
                    return f"{f[key]:.2f} ({share:.0f} %)"

                print(
                    f"| {layout} | {int(f['responses'])} | {int(f['cells'])} "
                    f"| {int(f['triples'])} | {stage('read_s')} | {stage('build_s')} "
                    f"| {stage('shacl_s')} | {stage('commit_s')} | {total:.2f} "
                    f"| {rate:.0f}{flag} | {ingest_rate:.0f} | {f['text_mb']:.1f} "
                    f"| {f['read_rss_mb']:.0f} / "
                    f"{f['build_rss_mb']:.0f} / {f['shacl_rss_mb']:.0f} / {f['max_rss_mb']:.0f} |",
                    flush=True,
                )
                if args.split_write:
                    print(
                        f"|  | of which the store's write alone: {f['update_s']:.2f} s, "
                        f"the change log: {f['commit_s'] - f['update_s']:.2f} s |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
