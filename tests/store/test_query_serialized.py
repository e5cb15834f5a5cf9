"""query_serialized on every backend: each media type parsed back, row cap, public dataset."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.compare import isomorphic

from store import (
    GRAPH_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    UnsupportedMediaType,
    WrongQueryForm,
)
from store.embedded import EmbeddedStore
from store.remote import RemoteStore
from store.terms import to_rdflib
from store.worker import IsolatedStore

BASE = "https://w3id.org/essgraph/"
EX = Namespace("http://example.org/")
TURTLE = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:montreuil ex:label "Montreuil"@fr , "Montreuil, « 93 »"@en ;
    ex:population "111000"^^xsd:integer ;
    ex:note "a\\ttab\\nand a line" ;
    ex:address [ ex:city "Montreuil" ] .
"""
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
QUERY = "SELECT ?p ?o WHERE { <http://example.org/montreuil> ?p ?o FILTER(isLiteral(?o)) }"


def sample() -> Graph:
    return Graph().parse(data=TURTLE, format="turtle")


@pytest.fixture(
    scope="module",
    params=[
        "embedded-memory",
        "embedded-disk",
        pytest.param("remote", marks=pytest.mark.remote),
        "isolated",
    ],
)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """One loaded store per backend for the module: these tests only read (fast setup)."""
    store: Store
    if request.param == "embedded-memory":
        store = EmbeddedStore(BASE)
    elif request.param == "embedded-disk":
        store = EmbeddedStore(BASE, tmp_path_factory.mktemp("disk") / "oxigraph")
    elif request.param == "isolated":
        store = IsolatedStore(BASE, tmp_path_factory.mktemp("isolated") / "oxigraph", threads=2)
    else:
        url = request.getfixturevalue("oxigraph_server")
        httpx.post(
            f"{url}/update",
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        ).raise_for_status()
        store = RemoteStore(BASE, f"{url}/query")
    store.replace_graphs(
        {
            store.graph_iri("source/x"): sample(),
            store.graph_iri("staging/x"): one("staging"),
            store.graph_iri("private/x"): one("private"),
        }
    )
    try:
        yield store
    finally:
        store.close()


def one(name: str) -> Graph:
    graph = Graph()
    graph.add((EX[name], EX.p, Literal(name)))
    return graph


def expected_rows() -> set[tuple[str, str]]:
    return {
        (str(p), o.n3())
        for p, o in sample().predicate_objects(EX.montreuil)
        if isinstance(o, Literal)
    }


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS))
def test_select_round_trips(loaded: Store, media_type: str) -> None:
    result = loaded.query_serialized(QUERY, media_type)
    assert (result.media_type, result.form, result.rows, result.truncated) == (
        media_type,
        "SELECT",
        4,
        False,
    )
    parsed = ox.parse_query_results(result.body, RESULT_FORMATS[media_type])
    assert isinstance(parsed, ox.QuerySolutions)
    assert [v.value for v in parsed.variables] == ["p", "o"]
    rows = {(str(to_rdflib(row["p"])), to_rdflib(row["o"]).n3()) for row in parsed}
    assert rows == expected_rows()


def test_select_csv(loaded: Store) -> None:
    result = loaded.query_serialized(QUERY, "text/csv; charset=utf-8")
    assert result.media_type == "text/csv"
    table = list(csv.reader(io.StringIO(result.body.decode("utf-8"))))
    assert table[0] == ["p", "o"]
    assert {tuple(row) for row in table[1:]} == {
        (str(EX.label), "Montreuil"),
        (str(EX.label), "Montreuil, « 93 »"),
        (str(EX.population), "111000"),
        (str(EX.note), "a\ttab\nand a line"),
    }


@pytest.mark.parametrize("media_type", RESULT_MEDIA_TYPES)
def test_ask(loaded: Store, media_type: str) -> None:
    yes = loaded.query_serialized("ASK { ?s ?p ?o }", media_type)
    no = loaded.query_serialized("ASK { ?s ?p <http://example.org/nothing> }", media_type)
    assert (yes.form, yes.rows, yes.truncated) == ("ASK", None, False)
    if media_type in RESULT_FORMATS:
        assert bool(ox.parse_query_results(yes.body, RESULT_FORMATS[media_type])) is True
        assert bool(ox.parse_query_results(no.body, RESULT_FORMATS[media_type])) is False
    else:
        assert (yes.body, no.body) == (b"true", b"false")


@pytest.mark.parametrize("media_type", GRAPH_MEDIA_TYPES)
def test_construct_and_describe_round_trip(loaded: Store, media_type: str) -> None:
    built = loaded.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", media_type)
    assert (built.form, built.rows, built.truncated) == ("CONSTRUCT", 6, False)
    assert isomorphic(_graph(built.body, media_type), sample())
    described = loaded.query_serialized("DESCRIBE <http://example.org/montreuil>", media_type)
    assert described.form == "DESCRIBE"
    assert isomorphic(_graph(described.body, media_type), sample())


def _graph(body: bytes, media_type: str) -> Graph:
    graph = Graph()
    for quad in ox.parse(body, GRAPH_FORMATS[media_type]):
        assert isinstance(quad.graph_name, ox.DefaultGraph)
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def test_row_cap(loaded: Store) -> None:
    cut = loaded.query_serialized(QUERY, "application/sparql-results+json", max_rows=3)
    assert (cut.rows, cut.truncated) == (3, True)
    parsed = ox.parse_query_results(cut.body, ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    assert len(list(parsed)) == 3
    exact = loaded.query_serialized(QUERY, "text/csv", max_rows=4)
    assert (exact.rows, exact.truncated) == (4, False)
    triples = loaded.query_serialized("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", max_rows=2)
    assert (triples.rows, triples.truncated) == (2, True)
    assert len(_graph(triples.body, "text/turtle")) == 2


def test_bindings(loaded: Store) -> None:
    result = loaded.query_serialized(
        "SELECT ?s WHERE { ?s ?p ?o }", "text/csv", bindings={"o": Literal("Montreuil", lang="fr")}
    )
    assert result.body.decode().split() == ["s", str(EX.montreuil)]


SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def _column(store: Store, query: str, **kwargs: object) -> list[str]:
    body = store.query_serialized(query, "text/csv", **kwargs).body.decode()  # type: ignore[arg-type]
    return body.split()[1:]


def test_non_public_graphs_are_never_reachable(loaded: Store) -> None:
    source = loaded.graph_iri("source/x")
    hidden = [loaded.graph_iri("staging/x"), loaded.graph_iri("private/x"), loaded.system_graph]
    # defaults: public graphs only, as the default graph and as named graphs
    assert _column(loaded, GRAPHS) == [str(source)]
    assert str(EX.staging) not in _column(loaded, SUBJECTS)
    # asking for them by protocol parameters gives empty graphs
    assert _column(loaded, SUBJECTS, default_graph=hidden) == []
    assert _column(loaded, GRAPHS, named_graphs=hidden) == []
    assert _column(loaded, SUBJECTS, default_graph=hidden, named_graphs=hidden) == []
    for graph in hidden:
        query = f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        assert _column(loaded, query) == []
        assert _column(loaded, query, named_graphs=[graph, source]) == []
        # a query's own FROM / FROM NAMED is overridden by the public dataset
        from_graph = f"SELECT ?s FROM <{graph}> WHERE {{ ?s ?p ?o }}"  # noqa: S608 - SPARQL
        assert sorted(_column(loaded, from_graph)) == sorted(
            _column(loaded, "SELECT ?s WHERE { ?s ?p ?o }")
        )
        from_named = f"SELECT ?s FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"  # noqa: S608
        assert str(EX.staging) not in _column(loaded, from_named)
    # the protocol's lists: a public graph asked for is there, and only as what was asked
    assert _column(loaded, GRAPHS, named_graphs=[source]) == [str(source)]
    assert _column(loaded, GRAPHS, default_graph=[source]) == []  # no named graphs then
    assert str(EX.montreuil) in _column(loaded, SUBJECTS, default_graph=[source, *hidden])


def test_unsupported_media_types(loaded: Store) -> None:
    for query, media_type in [
        ("ASK { ?s ?p ?o }", "text/turtle"),
        ("SELECT * WHERE { ?s ?p ?o }", "application/ld+json"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv"),
        ("SELECT * WHERE { ?s ?p ?o }", "text/html"),
    ]:
        with pytest.raises(UnsupportedMediaType) as caught:
            loaded.query_serialized(query, media_type)
        assert isinstance(caught.value, WrongQueryForm)
        assert caught.value.code == "unsupported-media-type"
        assert media_type in caught.value.message_fr


def test_syntax_error(loaded: Store) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        loaded.query_serialized("SELECT ?s WHERE { ?s ?p }", "text/csv")
    assert "1:" in caught.value.message_en


@pytest.mark.remote
def test_remote_call_is_stopped_at_our_timeout(oxigraph_server: str) -> None:
    store = RemoteStore(BASE, f"{oxigraph_server}/query")
    try:
        graph = Graph()
        for i in range(150):
            graph.add((EX[f"s{i}"], EX.p, Literal(i)))
        store.replace_graph(store.graph_iri("source/timeout"), graph)
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(QueryTimeout) as caught:
            store.query_serialized(count, "text/csv", timeout=0.2)
        assert caught.value.code == "query-timeout"
    finally:
        store.drop_graph(store.graph_iri("source/timeout"))
        store.close()
