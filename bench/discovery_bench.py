"""Time the practice search and similar practices over HTTP against plain SPARQL on rdflib.

    .venv/bin/python bench/discovery_bench.py --triples 100000 --runs 30 --rdflib-runs 5
    .venv/bin/python bench/discovery_bench.py --triples 1000000 --runs 30 --rdflib-runs 0

Both sides answer the same questions on the same N-Quads file (bench/generate_graph.py):
  essgraph  ``GET /practices?…`` over HTTP from a server in its own process (the app with the
            discovery router on the embedded in-memory store; the text index and the facet
            snapshot are built by the first, untimed, request), JSON parsed;
  rdflib    rdflib's in-memory Dataset (union default graph) answering the same search as a
            SPARQL SELECT with ``CONTAINS(LCASE(…))`` on titles and descriptions and the same
            filters, plus one ``GROUP BY`` count query per facet (the other filters applied):
            what one would write without a text index.
Cases marked *cold* ask something new at every run (another word, another practice), so
no cache of a previous answer helps; the others repeat one request, as paging and ticking
facets under the same words do. Similar practices on rdflib is the concept part only (shared
levers and themes with their broader concepts, counted and ranked in one SELECT): what one
would write without precomputed weights; it runs only with ``--rdflib-similar`` (at 100k
triples one run had not ended after 8 minutes). ``--rdflib-runs 0`` (at a million triples
rdflib takes minutes per run) times essgraph alone.
Prints a Markdown table of median and p95 per case and the ratio rdflib / essgraph (medians).
Figures drift on a shared machine: compare the ratio within one run.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from rdflib import URIRef

from ontology import DEFAULT_BASE

#: (case, hits essgraph, hits rdflib, essgraph seconds, rdflib seconds)
Row = tuple[str, int, int, list[float], list[float]]
#: (name, request parameters, the same search for rdflib: words, facet filters)
CASES: list[tuple[str, dict[str, str], list[str], dict[str, str]]] = [
    ("facets only", {}, [], {}),
    ("text", {"q": "recyclerie"}, ["recyclerie"], {}),
    ("text + theme", {"q": "solidaire", "theme": "T3"}, ["solidaire"], {"theme": "T3"}),
    (
        "theme + lever + kind",
        {"theme": "T3.1", "lever": "L5", "kind": "metropole"},
        [],
        {"theme": "T3.1", "lever": "L5", "kind": "metropole"},
    ),
]

#: Words of bench/generate_graph.py searched once each by the cold case (none of the above).
COLD_WORDS = [
    "jardin", "épicerie", "clauses", "marchés", "coopération", "monnaie", "incubateur",
    "projets", "foncière", "mobilité", "habitat", "énergie", "alimentation", "circuit",
    "insertion", "emploi", "numérique", "culture", "formation", "commun", "locale",
    "sociales", "réservés", "pôle", "appel", "court", "tiers-lieu", "jardin épicerie",
    "énergie habitat", "emploi insertion", "culture numérique", "mobilité solidaire",
]  # fmt: skip
_SIMILAR = """SELECT ?other (COUNT(DISTINCT ?c) AS ?shared) WHERE {
  ?p ess:implementedBy ?pc .
  { ?p ess:usesLever/skos:broader* ?c . ?other ess:usesLever/skos:broader* ?c }
  UNION { ?p ess:addressesTheme/skos:broader* ?c . ?other ess:addressesTheme/skos:broader* ?c }
  ?other a ess:Practice ; ess:implementedBy ?oc . FILTER(?oc != ?pc)
} GROUP BY ?other ORDER BY DESC(?shared) ?other LIMIT 20"""
_FILTER_PATHS = {
    "theme": ("ess:addressesTheme/skos:broader*", "theme"),
    "lever": ("ess:usesLever/skos:broader*", "lever"),
    "kind": ("ess:implementedBy/ess:collectivityKind", "collectivity-kind"),
}
_COUNT_PATHS = {
    "theme": "ess:addressesTheme/skos:broader*",
    "lever": "ess:usesLever/skos:broader*",
    "mode": "ess:modeOfAction",
    "kind": "ess:implementedBy/ess:collectivityKind",
    "region": "ess:implementedBy/ess:region",
    "partner": "ess:hasPartner",
}
_PREFIXES = (
    "PREFIX ess: <https://w3id.org/essgraph/ontology#>\n"
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(run: Callable[[], int], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        out.append(time.perf_counter() - start)
    return out


# -- the essgraph side ------------------------------------------------------------------------
def serve(nquads: Path, port: int, fts5_ranking: bool = False) -> None:
    """Child process: load the file into the embedded store and serve the discovery app
    (``fts5_ranking``: bm25 from FTS5 only, without store/text_ranking.py's tables)."""
    import pyoxigraph as ox
    import uvicorn

    from api.app import create_app
    from essgraph.settings import Settings
    from store.embedded import EmbeddedStore

    store = EmbeddedStore(DEFAULT_BASE)
    store._db.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    app = create_app(Settings(store="memory"), store)
    if fts5_ranking:
        from api.discovery.state import Discovery

        app.state.discovery = Discovery.for_settings(store, "memory", Path())
        app.state.discovery.index.frequent = None
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def start_server(nquads: Path, fts5_ranking: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, __file__, "--serve", str(nquads), "--port", str(port)]
    command += ["--fts5-ranking"] if fts5_ranking else []
    process = subprocess.Popen(command)  # noqa: S603 - this script, with our own arguments
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2)
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


# -- the rdflib side --------------------------------------------------------------------------
def rdflib_queries(words: list[str], filters: dict[str, str]) -> tuple[str, list[str]]:
    """The search as a SELECT, and one count query per facet (its own filter left out)."""

    def where(skip: str | None) -> str:
        lines = ["?p a ess:Practice ."]
        if words:
            lines.append("?p dct:title ?title . OPTIONAL { ?p dct:description ?description }")
            for word in words:  # bench constants, not request values
                lines.append(
                    f'FILTER(CONTAINS(LCASE(STR(?title)), "{word}") '
                    f'|| CONTAINS(LCASE(STR(?description)), "{word}"))'
                )
        for facet, key in filters.items():
            if facet != skip:
                path, kind = _FILTER_PATHS[facet]
                lines.append(f"?p {path} <{DEFAULT_BASE}id/{kind}/{key}> .")
        return "\n".join(lines)

    search = (
        f"{_PREFIXES}SELECT DISTINCT ?p ?t WHERE {{ {where(None)}\n"
        "OPTIONAL { ?p dct:title ?t } } ORDER BY ?t"
    )
    counts = [
        f"{_PREFIXES}SELECT ?v (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {where(facet)}\n"
        f"?p {path} ?v . }} GROUP BY ?v"
        for facet, path in _COUNT_PATHS.items()
    ]
    return search, counts


def cold_text(client: httpx.Client, dataset: Any, args: argparse.Namespace) -> Row:
    """Each run searches words not searched before (sorted by relevance, the default)."""
    words = iter(COLD_WORDS * (1 + args.runs // len(COLD_WORDS)))
    hits: list[int] = []

    def http() -> int:
        answer = client.get("/practices", params={"q": next(words)})
        answer.raise_for_status()
        hits.append(int(answer.json()["total"]))
        return hits[-1]

    plain_words = iter(COLD_WORDS)

    def plain() -> int:
        search, counts = rdflib_queries(next(plain_words).split(), {})
        total = len(list(dataset.query(search)))
        for text in counts:
            list(dataset.query(text))
        return total

    ours_t = timed(http, min(args.runs, len(COLD_WORDS)))
    theirs_t = timed(plain, args.rdflib_runs) or [float("nan")]
    return ("text, cold (new words each run)", int(statistics.median(hits)), 0, ours_t, theirs_t)


def cold_baseline(nquads: Path, dataset: Any, args: argparse.Namespace) -> Row:
    """The cold text case again on a fresh server ranking with FTS5's bm25 (the path before
    store/text_ranking.py), for a before/after in the same run."""
    process, url = start_server(nquads, fts5_ranking=True)
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            client.get("/practices").raise_for_status()
            name, hits, theirs, ours_t, theirs_t = cold_text(client, dataset, args)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return (f"{name}, FTS5 bm25 (before)", hits, theirs, ours_t, theirs_t)


def similar_practices(client: httpx.Client, dataset: Any, args: argparse.Namespace) -> Row:
    """``/practices/{key}/similar`` of a different practice each run (first page of 20)."""
    listing = client.get("/practices", params={"per_page": "200", "sort": "title"}).json()
    base = f"{DEFAULT_BASE}id/practice/"
    keys = [item["iri"].removeprefix(base) for item in listing["items"]]
    keys = keys[:: max(1, len(keys) // args.runs)]
    client.get(f"/practices/{keys[-1]}/similar").raise_for_status()  # builds the model
    totals: list[int] = []
    chosen = iter(keys * 2)

    def http() -> int:
        answer = client.get(f"/practices/{next(chosen)}/similar")
        answer.raise_for_status()
        totals.append(int(answer.json()["total"]))
        return totals[-1]

    rdflib_keys = iter(keys)

    def plain() -> int:
        origin = URIRef(f"{base}{next(rdflib_keys)}")
        return len(list(dataset.query(_PREFIXES + _SIMILAR, initBindings={"p": origin})))

    ours_t = timed(http, args.runs)
    runs = args.rdflib_runs if args.rdflib_similar else 0
    theirs_t = timed(plain, runs) or [float("nan")]
    return ("similar practices, cold (a new one each run)", 20, 0, ours_t, theirs_t)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rdflib-runs", type=int, default=5)
    parser.add_argument(
        "--rdflib-similar",
        action="store_true",
        help="also time similar practices on rdflib (one run did not end in 8 min at 100k)",
    )
    parser.add_argument(
        "--cold-baseline",
        action="store_true",
        help="also time the cold text case on a second server ranking with FTS5's bm25 only",
    )
    parser.add_argument("--fts5-ranking", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.fts5_ranking)
        return 0

    from generate_graph import generate
    from rdflib import Dataset

    with tempfile.TemporaryDirectory() as folder:
        nquads = Path(folder) / "bench.nq"
        with nquads.open("w", encoding="utf-8") as out:
            written = generate(out, args.triples)
        print(f"{written} triples generated", file=sys.stderr)
        process, url = start_server(nquads)
        dataset = Dataset(default_union=True)
        if args.rdflib_runs:  # 0: essgraph alone (rdflib takes minutes per run at 1M)
            dataset.parse(str(nquads), format="nquads")
        rows: list[Row] = []
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                start = time.perf_counter()
                client.get("/practices").raise_for_status()  # builds the index and facets
                print(f"first request (index + facets built): {ms(time.perf_counter() - start)}")
                for name, params, words, filters in CASES:

                    def http(params: dict[str, str] = params) -> int:
                        answer = client.get("/practices", params=params)
                        answer.raise_for_status()
                        return int(answer.json()["total"])

                    search, counts = rdflib_queries(words, filters)

                    def plain(search: str = search, counts: list[str] = counts) -> int:
                        total = len(list(dataset.query(search)))
                        for text in counts:
                            list(dataset.query(text))
                        return total

                    ours = http()
                    theirs = plain() if args.rdflib_runs else 0
                    ours_t = timed(http, args.runs)
                    theirs_t = timed(plain, args.rdflib_runs) or [float("nan")]
                    rows.append((name, ours, theirs, ours_t, theirs_t))
                    print(line(rows[-1]), flush=True)
                rows.append(cold_text(client, dataset, args))
                print(line(rows[-1]), flush=True)
                rows.append(similar_practices(client, dataset, args))
                print(line(rows[-1]), flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)
        if args.cold_baseline:
            rows.append(cold_baseline(nquads, dataset, args))
            print(line(rows[-1]), flush=True)
    print(f"\n{args.triples} triples; essgraph {args.runs} runs, rdflib {args.rdflib_runs} runs\n")
    print(
        "| case | hits (essgraph / rdflib) | essgraph HTTP median | p95 "
        "| rdflib median | p95 | rdflib / essgraph |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(line(row))
    return 0


def line(row: Row) -> str:
    """One case as a Markdown table row (rdflib columns empty when it did not run)."""
    name, ours, theirs, ours_t, theirs_t = row
    if theirs_t and theirs_t[0] == theirs_t[0]:  # not NaN: rdflib ran
        plain = f"{ms(median(theirs_t))} | {ms(p95(theirs_t))} | "
        ratio = f"{median(theirs_t) / median(ours_t):.0f}×"
    else:
        plain, ratio = "– | – | ", "–"
    essgraph = f"{ms(median(ours_t))} | {ms(p95(ours_t))}"
    return f"| {name} | {ours} / {theirs} | {essgraph} | {plain}{ratio} |"


if __name__ == "__main__":
    raise SystemExit(main())
