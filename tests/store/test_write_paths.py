"""Both ways a write reaches the store: new graphs are loaded by the RDF parser (one
transaction), a replacement of existing graphs is one SPARQL update; each is all or nothing,
with one data version afterwards. And the change log's line reader, whatever the spacing."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF

from store import Store, StoreError
from store.change_diff import Lines
from store.change_events import events
from store.embedded import EmbeddedStore
from store.sparql_text import DATA_VERSION

EX = Namespace("http://example.org/")
BASE = "https://w3id.org/essgraph/"
ID = Namespace(f"{BASE}id/")


def with_blanks(n: int, prefix: str = "p") -> Graph:
    """``n`` resources under ``{BASE}id/`` with a blank node each (a qualified derivation)."""
    graph = Graph()
    for i in range(n):
        subject = ID[f"practice/x/{prefix}{i}"]
        node = BNode()
        graph.add((subject, EX.title, Literal(f"Pratique {i} . « guillemets »", lang="fr")))
        graph.add((subject, PROV.qualifiedDerivation, node))
        graph.add((node, RDF.type, PROV.Derivation))
        graph.add((node, EX.raw, Literal(f"cellule {i}")))
    return graph


def text_of(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


def graph_of(store: Store, graph: URIRef) -> Graph:
    return store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}, default_graph=[]
    )


def versions(store: EmbeddedStore) -> int:
    query = "SELECT ?v WHERE { GRAPH ?g { ?g ?p ?v } }"
    return len(store.select(query, {"g": store.system_graph, "p": DATA_VERSION}))


def test_new_graphs_are_written_whole_with_one_version(store: Store) -> None:
    a, b = store.graph_iri("source/a"), store.graph_iri("private/source/a")
    version = store.data_version()
    store.replace_ntriples({a: text_of(with_blanks(50)), b: text_of(with_blanks(3, "q"))})
    assert isomorphic(graph_of(store, a), with_blanks(50))
    assert isomorphic(graph_of(store, b), with_blanks(3, "q"))
    assert store.data_version() != version
    assert len(events(store)) == 50  # the private graph's resources are not logged


def test_a_broken_line_in_new_graphs_writes_nothing(store: Store) -> None:
    a, b = store.graph_iri("source/a"), store.graph_iri("source/b")
    store.replace_ntriples({store.graph_iri("source/first"): text_of(with_blanks(2, "f"))})
    version, graphs, logged = store.data_version(), store.named_graphs(), events(store)
    lines = text_of(with_blanks(200)).splitlines(keepends=True)
    broken = "".join([*lines[:300], "<http://example.org/broken> <http://example.org/p> .\n"])
    with pytest.raises(StoreError) as caught:
        store.replace_ntriples({a: text_of(with_blanks(5, "b")), b: broken + "".join(lines[300:])})
    assert caught.value.code == "write-failed"
    assert store.named_graphs() == graphs
    assert store.data_version() == version
    assert events(store) == logged


def test_replacing_then_adding_keeps_one_version() -> None:
    """The load path adds the new version and removes the old one: exactly one is left."""
    store = EmbeddedStore(BASE)
    a, b = store.graph_iri("source/a"), store.graph_iri("source/b")
    store.replace_ntriples({a: text_of(with_blanks(3))})  # new graph: loaded
    store.replace_ntriples({a: text_of(with_blanks(4))})  # existing graph: one update
    store.replace_ntriples({b: text_of(with_blanks(2, "b"))})  # new graph again
    assert versions(store) == 1
    assert isomorphic(graph_of(store, a), with_blanks(4))
    assert [e.kind for e in events(store)].count("added") == 6


def test_two_versions_left_by_a_crash_are_read_and_then_cleared() -> None:
    """A crash between the load and the removal of the old version leaves two: one of them is
    read, and the next write leaves one."""
    store = EmbeddedStore(BASE)
    system = store.system_graph
    store.replace_ntriples({store.graph_iri("source/a"): text_of(with_blanks(1))})
    extra = f'<{system}> <{DATA_VERSION}> "0000" <{system}> .\n'
    store._db.load(extra.encode(), format=ox.RdfFormat.N_QUADS)
    store.cache.clear()
    assert versions(store) == 2
    assert store.data_version() == "0000"
    store.replace_ntriples({store.graph_iri("source/b"): text_of(with_blanks(1, "b"))})
    assert versions(store) == 1
    assert store.data_version() != "0000"


def test_line_reader_ignores_spacing_and_blank_labels() -> None:
    """Lines holding blank nodes are read triple by triple: tabs, extra spaces and other
    labels there give the same digests (plain lines are compared as the writer spelt them)."""
    text = text_of(with_blanks(20))
    odd = "".join(
        line.replace(" ", "\t", 1).replace(" .", "  .").replace("_:", "_:zz")
        if "_:" in line
        else line
        for line in text.splitlines(keepends=True)
    )
    plain, spaced = Lines(f"{BASE}id/"), Lines(f"{BASE}id/")
    assert plain.feed(text, "a") == spaced.feed(odd, "b")
    assert len(plain.subjects) == 20
    assert {s: plain.digest(s) for s in plain.subjects} == {
        s: spaced.digest(s) for s in spaced.subjects
    }


def test_line_reader_names_nested_blank_nodes_by_content() -> None:
    nested = (
        f'<{ID}x/1> <{EX.p}> _:a .\n_:a <{EX.q}> _:b .\n_:b <{EX.r}> "v" .\n'
        f'<{ID}x/2> <{EX.p}> _:c .\n_:c <{EX.q}> _:d .\n_:d <{EX.r}> "w" .\n'
    )
    relabelled = nested.replace("_:a", "_:k").replace("_:b", "_:m")
    changed = nested.replace('"w"', '"w2"')
    digests = []
    for text in (nested, relabelled, changed):
        lines = Lines(f"{BASE}id/")
        lines.feed(text, "s")
        digests.append({s: lines.digest(s) for s in lines.subjects})
    assert digests[0] == digests[1]
    assert digests[0][f"<{ID}x/1>"] == digests[2][f"<{ID}x/1>"]
    assert digests[0][f"<{ID}x/2>"] != digests[2][f"<{ID}x/2>"]
