"""Load what every deployment starts from: the ontology, the thesauri and the demo data."""

from __future__ import annotations

from importlib import resources

from rdflib import Graph

from ontology import bind_prefixes, ontology_graph, thesauri_graph
from store import Store

DEMO_SOURCE = "demo-2021"
DEMO_FILE = "demo/demo-2021.ttl"


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


def demo_turtle() -> str:
    """The bundled, fictional demo data (Turtle with base-relative IRIs)."""
    return resources.files("essgraph").joinpath(DEMO_FILE).read_text(encoding="utf-8")


def demo_graph(base: str) -> Graph:
    return bind_prefixes(Graph()).parse(data=demo_turtle(), format="turtle", publicID=base)
