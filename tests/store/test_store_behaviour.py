"""One behaviour suite, run on every backend (embedded in memory, embedded on disk, remote)."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from store import QuerySyntaxError, Store, StoreError, WrongQueryForm, sparql_text
from store.terms import to_rdflib

EX = Namespace("http://example.org/")

TURTLE = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:montreuil ex:label "Montreuil"@fr , "Montreuil"@en ;
    ex:population "111000"^^xsd:integer ;
    ex:budget 12.5 ;
    ex:address [ ex:city "Montreuil" ; ex:postcode "93100" ] ;
    ex:contact [ ex:city "Montreuil" ; ex:postcode "93100" ] .
"""


def sample() -> Graph:
    return Graph().parse(data=TURTLE, format="turtle")


def one(subject: str, value: str = "v") -> Graph:
    graph = Graph()
    graph.add((EX[subject], EX.p, Literal(value)))
    return graph


def subjects(store: Store, query: str = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }") -> set[str]:
    return {str(row["s"]) for row in store.select(query)}


def test_load_reads_back_isomorphic(store: Store) -> None:
    graph = store.graph_iri("source/x")
    store.load_graph(graph, sample())
    back = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isomorphic(back, sample())
    assert len(back) == 10  # both blank nodes survived as two nodes


def test_literals_keep_language_and_datatype(store: Store) -> None:
    store.load_graph(store.graph_iri("source/x"), sample())
    rows = store.select("SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }").rows
    values = {row["o"] for row in rows}
    assert Literal("Montreuil", lang="fr") in values
    assert Literal("111000", datatype=XSD.integer) in values
    assert Literal("93100") in values  # plain, not "93100"^^xsd:string


def test_replace_is_whole(store: Store) -> None:
    graph = store.graph_iri("source/x")
    store.replace_graph(graph, sample())
    store.replace_graph(graph, one("a"))
    assert subjects(store) == {str(EX.a)}
    assert {(g.iri, g.triples) for g in store.graph_sizes()} >= {(graph, 1)}


def test_replace_with_empty_graph_removes_it(store: Store) -> None:
    graph = store.graph_iri("source/x")
    store.replace_graph(graph, one("a"))
    store.replace_graph(graph, Graph())
    assert graph not in store.named_graphs()


def test_drop(store: Store) -> None:
    graph = store.graph_iri("source/x")
    store.replace_graph(graph, one("a"))
    store.replace_graph(store.graph_iri("curated"), one("b"))
    assert store.drop_graph(graph) is True
    assert graph not in store.named_graphs()
    assert subjects(store) == {str(EX.b)}
    assert store.drop_graph(graph) is False


def test_system_graph_cannot_be_written(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.replace_graph(store.system_graph, one("a"))
    assert caught.value.code == "reserved-graph"
    with pytest.raises(StoreError):
        store.drop_graph(store.system_graph)


def test_named_graphs_and_sizes(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), sample())
    store.replace_graph(store.graph_iri("curated"), one("a"))
    expected = sorted([store.graph_iri("source/x"), store.graph_iri("curated"), store.system_graph])
    assert store.named_graphs() == expected
    sizes = {info.iri: info.triples for info in store.graph_sizes()}
    assert sizes == {
        store.graph_iri("source/x"): 10,
        store.graph_iri("curated"): 1,
        store.system_graph: 1,
    }
    assert [info.iri for info in store.graph_sizes()] == expected


def test_empty_store_queries_answer_nothing(store: Store) -> None:
    assert store.select("SELECT * WHERE { ?s ?p ?o }").rows == []
    assert store.ask("ASK { ?s ?p ?o }") is False
    assert len(store.construct("CONSTRUCT WHERE { ?s ?p ?o }")) == 0


def test_public_default_graph(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), one("source"))
    store.replace_graph(store.graph_iri("curated"), one("curated"))
    store.replace_graph(store.graph_iri("staging/x"), one("staging"))
    store.replace_graph(store.graph_iri("private/source/x"), one("private"))
    assert subjects(store) == {str(EX.source), str(EX.curated)}  # no staging, private, system
    assert store.public_graphs() == [store.graph_iri("curated"), store.graph_iri("source/x")]
    everywhere = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    assert {row["g"] for row in everywhere} == {
        store.graph_iri("source/x"),
        store.graph_iri("curated"),
        store.graph_iri("staging/x"),
        store.graph_iri("private/source/x"),
        store.system_graph,
    }
    staged = store.select(
        "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": store.graph_iri("staging/x")}
    )
    assert [row["s"] for row in staged] == [EX.staging]
    # an explicit default graph replaces the public one
    only = store.select(
        "SELECT ?s WHERE { ?s ?p ?o }", default_graph=[store.graph_iri("staging/x")]
    )
    assert [row["s"] for row in only] == [EX.staging]


def test_select_with_bindings(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), sample())
    by_iri = store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": EX.montreuil, "p": EX.population})
    assert by_iri.variables == ["o"]
    assert by_iri.rows == [{"o": Literal("111000", datatype=XSD.integer)}]
    fr = store.select(
        "SELECT ?s WHERE { ?s ?p ?label }", {"label": Literal("Montreuil", lang="fr")}
    )
    assert [row["s"] for row in fr] == [EX.montreuil]
    counted = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?label }", {"label": Literal("Montreuil", lang="de")}
    )
    assert counted.rows == [{"n": Literal(0)}]


def test_unbound_variables_are_absent_from_rows(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), one("a"))
    result = store.select("SELECT ?s ?missing WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?missing } }")
    assert result.variables == ["s", "missing"]
    assert result.rows == [{"s": EX.a}]


def test_injection_attempt_is_a_plain_literal(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), sample())
    before = (store.graph_sizes(), store.data_version())
    hostile = Literal('x" } ; DROP ALL ; #')
    assert store.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": hostile}).rows == []
    assert store.ask("ASK { ?s ?p ?o }", {"o": hostile}) is False
    assert (store.graph_sizes(), store.data_version()) == before


def test_bindings_refuse_blank_nodes_and_odd_names(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.select("SELECT ?s WHERE { ?s ?p ?o }", {"s": BNode()})
    assert caught.value.code == "invalid-binding"
    with pytest.raises(StoreError):
        store.select("SELECT ?s WHERE { ?s ?p ?o }", {"s) { } } DROP ALL #": EX.a})


def test_ask(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), sample())
    assert store.ask("ASK { ?s ?p ?o }") is True
    assert store.ask("ASK WHERE { ?s ?p ?o }", {"s": EX.nobody}) is False


def test_construct(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), sample())
    built = store.construct(
        "PREFIX ex: <http://example.org/> CONSTRUCT { ?s ex:name ?l } WHERE { ?s ex:label ?l }",
        {"l": Literal("Montreuil", lang="en")},
    )
    assert set(built) == {(EX.montreuil, EX.name, Literal("Montreuil", lang="en"))}


def test_describe(store: Store) -> None:
    store.replace_graph(store.graph_iri("source/x"), sample())
    store.replace_graph(store.graph_iri("staging/x"), one("montreuil", "not yet public"))
    described = store.describe(EX.montreuil)
    assert isomorphic(described, sample())  # with its blank nodes, without the staging triple
    assert len(store.construct("DESCRIBE <http://example.org/montreuil>")) == 10


def test_wrong_query_form(store: Store) -> None:
    with pytest.raises(WrongQueryForm):
        store.select("ASK { ?s ?p ?o }")
    with pytest.raises(WrongQueryForm):
        store.ask("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(WrongQueryForm):
        store.construct("SELECT * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(
    "query",
    ["SELECT ?s WHERE { ?s ?p }", "SELEC ?s WHERE { ?s ?p ?o }", "DROP ALL"],
)
def test_syntax_error(store: Store, query: str) -> None:
    store.replace_graph(store.graph_iri("source/x"), one("a"))
    with pytest.raises(QuerySyntaxError) as caught:
        store.select(query)
    error = caught.value
    assert error.code == "query-syntax"
    assert "1:" in error.message_en  # the engine's line:column is kept
    assert error.message_fr.startswith("Requête SPARQL invalide")
    assert store.graph_sizes()[0].triples == 1


def test_data_version_changes_on_writes_only(store: Store) -> None:
    first = store.data_version()
    assert first == store.data_version()
    graph = store.graph_iri("source/x")
    store.replace_graph(graph, sample())
    second = store.data_version()
    assert second != first
    store.select("SELECT * WHERE { ?s ?p ?o }")
    store.ask("ASK { ?s ?p ?o }")
    store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
    store.describe(EX.montreuil)
    store.graph_sizes()
    store.export(io.BytesIO())
    assert store.data_version() == second
    store.drop_graph(graph)
    third = store.data_version()
    assert third not in (first, second)
    store.drop_graph(graph)  # nothing to drop: nothing changed
    assert store.data_version() == third


def test_failed_replace_leaves_graph_and_version(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = store.graph_iri("source/x")
    store.replace_graph(graph, sample())
    version = store.data_version()
    serialise = sparql_text.ntriples

    def broken_halfway(data: Graph) -> str:
        lines = serialise(data).splitlines(keepends=True)
        half = len(lines) // 2
        return "".join(
            [*lines[:half], "<http://example.org/broken> <http://example.org/p> .\n", *lines[half:]]
        )

    monkeypatch.setattr(sparql_text, "ntriples", broken_halfway)
    big = Graph()
    for i in range(1000):
        big.add((EX[f"s{i}"], EX.p, Literal(i)))
    with pytest.raises(StoreError) as caught:
        store.replace_graph(graph, big)
    assert caught.value.code == "write-failed"
    back = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isomorphic(back, sample())
    assert store.data_version() == version


def test_replace_graphs_is_one_atomic_write(store: Store) -> None:
    a, b, c = (store.graph_iri(f"source/{n}") for n in "abc")
    store.replace_graphs({a: one("a1"), c: one("c1")})
    version = store.data_version()
    store.replace_graphs({a: one("a2"), b: one("b2"), c: Graph()})
    assert store.data_version() != version
    assert subjects(store) == {str(EX.a2), str(EX.b2)}
    assert store.named_graphs() == sorted([a, b, store.system_graph])


def test_failed_multi_graph_write_changes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = store.graph_iri("source/a"), store.graph_iri("source/b")
    store.replace_graphs({a: one("a1"), b: one("b1")})
    version = store.data_version()
    serialise = sparql_text.ntriples
    calls = []

    def second_is_broken(data: Graph) -> str:
        calls.append(data)
        text = serialise(data)
        return text if len(calls) == 1 else text + "<http://example.org/broken> .\n"

    monkeypatch.setattr(sparql_text, "ntriples", second_is_broken)
    with pytest.raises(StoreError):
        store.replace_graphs({a: one("a2"), b: one("b2")})
    assert subjects(store) == {str(EX.a1), str(EX.b1)}
    assert store.data_version() == version


def _parsed(data: bytes, fmt: ox.RdfFormat) -> dict[URIRef, Graph]:
    """Named graphs of an export (parsed with Oxigraph: rdflib 7.6's Dataset.parse warns)."""
    graphs: dict[URIRef, Graph] = {}
    for quad in ox.parse(data, fmt):
        assert isinstance(quad.graph_name, ox.NamedNode), "exports hold named graphs only"
        graph = graphs.setdefault(URIRef(quad.graph_name.value), Graph())
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graphs


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)]
)
def test_export_round_trips(store: Store, fmt: str, rdflib_format: ox.RdfFormat) -> None:
    source, staging = store.graph_iri("source/x"), store.graph_iri("staging/x")
    store.replace_graph(source, sample())
    store.replace_graph(staging, one("staged"))

    out = io.BytesIO()
    store.export(out, fmt)  # type: ignore[arg-type]
    public = _parsed(out.getvalue(), rdflib_format)
    assert set(public) == {source}
    assert isomorphic(public[source], sample())

    out = io.BytesIO()
    store.export(out, fmt, public_only=False)  # type: ignore[arg-type]
    everything = _parsed(out.getvalue(), rdflib_format)
    assert set(everything) == {source, staging, store.system_graph}
    assert isomorphic(everything[staging], one("staged"))
