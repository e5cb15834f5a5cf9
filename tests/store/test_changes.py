"""The change log on every backend: events recorded with each write, atomically."""

from __future__ import annotations

import io

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from store import Store, StoreError, sparql_text
from store.change_events import ChangeEvent, ResourceStatus, events, resource_status
from store.change_vocab import AS

BASE = "https://w3id.org/essgraph/"
ID = Namespace(f"{BASE}id/")
ESS = Namespace("https://w3id.org/essgraph/ontology#")


def practice(key: str, title: str, *, budget: str = "150000.0", raw: str = "150 k€") -> Graph:
    """A practice with a qualified derivation (a blank node closure), like ingest writes."""
    graph = Graph()
    subject = ID[f"practice/bellerive/{key}"]
    graph.add((subject, RDF.type, ESS.Practice))
    graph.add((subject, DCTERMS.title, Literal(title, lang="fr")))
    graph.add((subject, ESS.dedicatedBudget, Literal(budget, datatype=XSD.decimal)))
    derivation = BNode()
    graph.add((subject, PROV.qualifiedDerivation, derivation))
    graph.add((derivation, RDF.type, PROV.Derivation))
    graph.add((derivation, ESS.rawValue, Literal(raw)))
    graph.add((derivation, ESS.sourceRow, Literal(3)))
    return graph


def kinds(store: Store) -> list[tuple[str, str]]:
    """(kind, resource key) of every event, oldest first."""
    return [(e.kind, str(e.resource).removeprefix(str(ID))) for e in reversed(events(store))]


def test_add_change_withdraw_readd(store: Store) -> None:
    graph = store.graph_iri("source/a")
    jardin = ID["practice/bellerive/jardin"]
    assert resource_status(store, jardin) == ResourceStatus(None, None)
    store.replace_graph(graph, practice("jardin", "Jardin partagé"))
    assert kinds(store) == [("added", "practice/bellerive/jardin")]
    added = resource_status(store, jardin)
    assert added.modified is not None and added.withdrawn is None

    store.replace_graph(graph, practice("jardin", "Jardin partagé et solidaire"))
    store.replace_graph(graph, Graph())
    withdrawn = resource_status(store, jardin)
    assert withdrawn.withdrawn is not None and withdrawn.modified == withdrawn.withdrawn
    assert added.modified is not None and withdrawn.modified > added.modified

    store.replace_graph(graph, practice("jardin", "Jardin partagé"))
    assert kinds(store) == [
        ("added", "practice/bellerive/jardin"),
        ("changed", "practice/bellerive/jardin"),
        ("withdrawn", "practice/bellerive/jardin"),
        ("added", "practice/bellerive/jardin"),
    ]
    live = resource_status(store, jardin)
    assert live.withdrawn is None and live.modified > withdrawn.modified  # type: ignore[operator]
    latest = events(store)[0]
    assert latest.graphs == (graph,)
    assert latest.time == live.modified


def test_same_data_again_records_nothing(store: Store) -> None:
    """Blank nodes get new labels and the store rewrites ``150000.0`` as ``150000``: still
    the same description."""
    graph = store.graph_iri("source/a")
    store.replace_graph(graph, practice("jardin", "Jardin"))
    store.replace_graph(graph, practice("jardin", "Jardin", budget="150000.00"))
    assert kinds(store) == [("added", "practice/bellerive/jardin")]


def test_a_change_inside_a_blank_node_closure_is_a_change(store: Store) -> None:
    graph = store.graph_iri("source/a")
    store.replace_graph(graph, practice("jardin", "Jardin"))
    store.replace_graph(graph, practice("jardin", "Jardin", raw="160 k€"))
    assert kinds(store)[-1] == ("changed", "practice/bellerive/jardin")


def test_withdrawal_across_two_source_graphs(store: Store) -> None:
    """Described by two exports: dropping it from one changes it; from both withdraws it."""
    a, b = store.graph_iri("source/a"), store.graph_iri("source/b")
    both = practice("jardin", "Jardin")
    other = Graph()
    other.add((ID["practice/bellerive/jardin"], ESS.startYear, Literal("2019", datatype=XSD.gYear)))
    store.replace_graphs({a: both, b: other})
    store.replace_graph(b, other)  # b again, same data: nothing
    store.replace_graph(a, Graph())
    assert kinds(store) == [
        ("added", "practice/bellerive/jardin"),
        ("changed", "practice/bellerive/jardin"),
    ]
    assert events(store)[0].graphs == (a,)
    assert store.drop_graph(b)
    assert kinds(store)[-1] == ("withdrawn", "practice/bellerive/jardin")
    assert events(store)[0].graphs == (b,)
    assert not store.drop_graph(b)
    assert len(events(store)) == 3


def test_moving_a_description_between_graphs_is_no_change(store: Store) -> None:
    a, b = store.graph_iri("source/a"), store.graph_iri("source/b")
    store.replace_graph(a, practice("jardin", "Jardin"))
    store.replace_graphs({a: Graph(), b: practice("jardin", "Jardin")})
    assert kinds(store) == [("added", "practice/bellerive/jardin")]


def test_only_public_resources_are_logged(store: Store) -> None:
    """Private and staging graphs, and subjects outside ``{BASE}id/``, record nothing."""
    store.replace_graph(store.graph_iri("private/source/a"), practice("jardin", "Jardin"))
    store.replace_graph(store.graph_iri("staging/s1"), practice("jardin", "Jardin"))
    outside = Graph()
    outside.add((URIRef("http://example.org/x"), DCTERMS.title, Literal("x")))
    store.replace_graph(store.graph_iri("source/a"), outside)
    assert events(store) == []
    assert all("/graph/changes/" not in str(g) for g in store.named_graphs())


def test_the_log_is_not_in_the_public_default_graph(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/a"), practice("jardin", "Jardin"))
    logs = [g for g in store.named_graphs() if str(g).startswith(f"{BASE}graph/changes/")]
    assert sorted(logs)[-1] == URIRef(f"{BASE}graph/changes/state/source/a")
    assert len(logs) == 2  # the events of the write, the hashes of source/a
    assert not any(store.is_public(g) or g in store.public_graphs() for g in logs)
    query = f"ASK {{ ?event <{AS}object> ?resource }}"
    assert not store.ask(query)
    answer = store.query_serialized(
        f"SELECT ?event WHERE {{ ?event <{AS}object> ?r }}", "application/sparql-results+json"
    )
    assert answer.rows == 0
    exported = io.BytesIO()
    store.export(exported, "nq")
    assert b"/graph/changes/" not in exported.getvalue()


def change_graph(store: Store, event: ChangeEvent) -> tuple[URIRef, Graph]:
    log = URIRef(str(event.iri).split("#", 1)[0])
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?log { ?s ?p ?o } }"
    return log, store.construct(query, {"log": log})


def test_the_change_graph_holds_activities(store: Store) -> None:
    """Time, version and graph on the commit (the graph's IRI); two triples per event."""
    graph = store.graph_iri("source/a")
    store.replace_graph(graph, practice("jardin", "Jardin") + practice("verger", "Verger"))
    found = events(store)
    assert found[0].version == store.data_version()  # the events carry the write's version
    log, held = change_graph(store, found[0])
    as_ = Namespace(AS)
    expected = Graph()
    expected.add((log, as_.target, graph))
    expected.add((log, ESS.dataVersion, Literal(found[0].version)))
    for event in found:
        assert event.graphs == (graph,) and event.time == found[0].time
        expected.add((event.iri, RDF.type, as_.Create))
        expected.add((event.iri, as_.object, event.resource))
    assert {e.resource for e in found} == {
        ID["practice/bellerive/jardin"],
        ID["practice/bellerive/verger"],
    }
    published = held.value(log, as_.published)
    assert isinstance(published, Literal) and published.datatype == XSD.dateTime
    assert published.toPython() == found[0].time
    held.remove((log, as_.published, None))
    assert isomorphic(held, expected)


def test_events_of_a_multi_graph_write_name_their_own_graphs(store: Store) -> None:
    a, b = store.graph_iri("source/a"), store.graph_iri("source/b")
    shared = practice("jardin", "Jardin")
    store.replace_graphs({a: shared + practice("rucher", "Rucher"), b: shared})
    by_resource = {str(e.resource).rsplit("/", 1)[1]: e.graphs for e in events(store)}
    assert by_resource == {"jardin": (a, b), "rucher": (a,)}
    log, held = change_graph(store, events(store)[0])
    assert held.value(log, Namespace(AS).target) is None


def test_a_failed_write_records_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = store.graph_iri("source/a")
    store.replace_graph(graph, practice("jardin", "Jardin"))
    before = events(store)
    status = resource_status(store, ID["practice/bellerive/jardin"])
    serialise = sparql_text.ntriples

    def broken_halfway(data: Graph) -> str:
        lines = serialise(data).splitlines(keepends=True)
        half = len(lines) // 2
        broken = f"<{ID}practice/bellerive/broken> <http://example.org/p> .\n"
        return "".join([*lines[:half], broken, *lines[half:]])

    monkeypatch.setattr(sparql_text, "ntriples", broken_halfway)
    big = practice("jardin", "Jardin modifié")
    for i in range(300):
        big += practice(f"p{i}", f"Pratique {i}")
    with pytest.raises(StoreError) as caught:
        store.replace_graph(graph, big)
    assert caught.value.code == "write-failed"
    assert events(store) == before
    assert resource_status(store, ID["practice/bellerive/jardin"]) == status


def test_feed_paging_and_since(store: Store) -> None:
    graph = store.graph_iri("source/a")
    for n in range(3):
        data = Graph()
        for i in range(n + 1):
            data += practice(f"p{i}", f"Pratique {i}")
        store.replace_graph(graph, data)
    every = events(store)
    assert [e.kind for e in every] == ["added", "added", "added"]  # p2, p1, p0
    assert [e.time for e in every] == sorted((e.time for e in every), reverse=True)
    first = events(store, limit=2)
    rest = events(store, after=(first[-1].time, first[-1].iri), limit=2)
    assert first + rest == every
    assert events(store, since=every[1].time) == every[:1]
    assert all(isinstance(e, ChangeEvent) for e in every)


def test_a_graph_written_without_the_log_is_compared_whole(store: Store) -> None:
    """No content hashes kept for it (an older store, or the log switched off): the old
    graph is read whole once, and only what really changed is recorded."""
    graph = store.graph_iri("source/a")
    store.record_changes = False
    store.replace_graph(graph, practice("jardin", "Jardin") + practice("rucher", "Rucher"))
    assert events(store) == []
    assert not [g for g in store.named_graphs() if "/graph/changes/" in str(g)]
    store.record_changes = True
    store.replace_graph(graph, practice("jardin", "Jardin") + practice("verger", "Verger"))
    assert sorted(kinds(store)) == [
        ("added", "practice/bellerive/verger"),
        ("withdrawn", "practice/bellerive/rucher"),
    ]
    store.replace_graph(graph, practice("jardin", "Jardin") + practice("verger", "Verger 2"))
    assert kinds(store)[-1] == ("changed", "practice/bellerive/verger")
    assert len(events(store)) == 3


def test_an_invalid_iri_is_refused_and_nothing_is_written(store: Store) -> None:
    graph = store.graph_iri("source/a")
    store.replace_graph(graph, practice("jardin", "Jardin"))
    version = store.data_version()
    text = f'<{ID}practice/bad iri> <{DCTERMS.title}> "x" .\n'
    with pytest.raises(StoreError) as caught:
        store.replace_ntriples({graph: text})
    assert caught.value.code == "write-failed"
    assert store.data_version() == version
    assert len(events(store)) == 1
