"""Load what every deployment starts from: the ontology, the thesauri and the demo data.

The demo data is what ingesting the three bundled, fictional survey exports gives
(``essgraph/demo/exports/``, with the shipped profiles), in one batch, as a curator would.
"""

from __future__ import annotations

from importlib import resources

from rdflib import Graph

from ingest.adaptations import load_demo_adaptations
from ingest.batch import BatchResult, read_sources, run
from ontology import bind_prefixes, ontology_graph, thesauri_graph
from store import Store

#: Source ids of the demo exports all start with this (``graph/source/demo-2021…``).
DEMO_SOURCE = "demo-2021"
#: The hand-written demo graph of earlier releases (still read by the ontology tests).
DEMO_FILE = "demo/demo-2021.ttl"
#: The bundled exports: (file in ``demo/exports``, profile, source id), in batch order.
DEMO_EXPORTS: tuple[tuple[str, str, str], ...] = (
    ("limesurvey_results-survey482913_codes.csv", "limesurvey-2021", "demo-2021-limesurvey"),
    (
        "surveymonkey_all-responses_actual-answer-text.xlsx",
        "surveymonkey-2021",
        "demo-2021-surveymonkey",
    ),
    # the hand-written demo of earlier releases transcribed this file: same source id
    ("googleforms_reponses_formulaire.csv", "googleforms-2021", "demo-2021"),
)


def vocabulary_graphs(base: str) -> dict[str, Graph]:
    """The ontology graph and the thesauri graph (parsed against ``base``), by graph name."""
    return {"ontology": ontology_graph(), "thesauri": thesauri_graph(base)}


def load_vocabularies(store: Store) -> dict[str, int]:
    """(Re)load `graph/ontology` and `graph/thesauri`; return triples per graph."""
    sizes = {}
    for name, graph in vocabulary_graphs(store.base).items():
        store.replace_graph(store.graph_iri(name), graph)
        sizes[name] = len(graph)
    return sizes


def load_demo(store: Store, *, dry_run: bool = False) -> BatchResult:
    """Ingest the bundled exports as one batch, written with the vocabularies atomically.

    The Google Forms export keeps the source id of the hand-written graph of earlier
    releases (``demo-2021``), which it replaces. Nothing is written on a dry run or a
    violation.
    """
    folder = resources.files("essgraph").joinpath("demo/exports")
    with resources.as_file(folder) as path:
        sources = read_sources(
            [(path / name, profile) for name, profile, _ in DEMO_EXPORTS],
            source_ids=[source_id for _, _, source_id in DEMO_EXPORTS],
        )
    vocabularies = {store.graph_iri(n): g for n, g in vocabulary_graphs(store.base).items()}
    result = run(store, sources, dry_run=dry_run, extra=vocabularies)
    if result.report.written:
        load_demo_adaptations(store)
    return result


def demo_turtle() -> str:
    """The hand-written demo graph of earlier releases (Turtle with base-relative IRIs)."""
    return resources.files("essgraph").joinpath(DEMO_FILE).read_text(encoding="utf-8")


def demo_graph(base: str) -> Graph:
    """The hand-written demo graph (kept for `essgraph serve --demo` until it calls
    `load_demo`)."""
    return bind_prefixes(Graph()).parse(data=demo_turtle(), format="turtle", publicID=base)
