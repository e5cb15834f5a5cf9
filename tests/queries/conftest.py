"""The query library's fixture graph, loaded once into an in-memory store (read-only tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef

from ontology import ontology_graph, thesauri_graph
from store import Store
from store.embedded import EmbeddedStore
from store.remote import RemoteStore

BASE = "https://w3id.org/essgraph/"
FIXTURE = Path(__file__).with_name("fixture.ttl")


def fixture_graphs(store: Store) -> dict[URIRef, Graph]:
    """graph/source/fixture, graph/thesauri and graph/ontology, as the store names them."""
    data = Graph().parse(FIXTURE, format="turtle", publicID=BASE)
    return {
        store.graph_iri("source/fixture"): data,
        store.graph_iri("thesauri"): thesauri_graph(BASE),
        store.graph_iri("ontology"): ontology_graph(),
    }


@pytest.fixture(scope="session")
def library_store() -> Iterator[Store]:
    """An embedded in-memory store holding the fixture; tests only read it."""
    store = EmbeddedStore(BASE)
    store.replace_graphs(fixture_graphs(store))
    yield store
    store.close()


@pytest.fixture(scope="module")
def remote_library_store(oxigraph_server: str) -> Iterator[Store]:
    """The real Oxigraph server holding the same fixture, through RemoteStore.

    Module scope: other suites empty the shared server between their tests; emptied again
    at teardown so they find it as they expect.
    """
    _drop_all(oxigraph_server)
    store = RemoteStore(BASE, f"{oxigraph_server}/query")
    store.replace_graphs(fixture_graphs(store))
    yield store
    store.close()
    _drop_all(oxigraph_server)  # leave the shared server empty for the next suite


def _drop_all(url: str) -> None:
    httpx.post(
        f"{url}/update",
        content=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
    ).raise_for_status()
