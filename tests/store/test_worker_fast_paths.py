"""The isolated store's fast paths keep their guarantees: the kept data version follows every
write (and a restart), answers gzipped by the child decode to the same answer, and solutions
written through TSV match pyoxigraph's own writer, including the terms TSV cannot carry."""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace

from store.embedded import EmbeddedStore, solutions_bytes
from store.worker import IsolatedStore
from store.worker_process import GZIP_MIN_BYTES

BASE = "https://w3id.org/essgraph/"
EX = Namespace("http://example.org/")
ROWS = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"


def numbered(count: int, value: str = "v") -> Graph:
    graph = Graph()
    for i in range(count):
        graph.add((EX[f"s{i}"], EX.p, Literal(f"{value}\t{i}\n", lang="fr")))
    return graph


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[IsolatedStore]:
    store = IsolatedStore(BASE, tmp_path / "oxigraph", threads=2)
    store.replace_graph(store.graph_iri("source/x"), numbered(50))
    try:
        yield store
    finally:
        store.close()


def test_kept_version_changes_with_every_write_and_drop(isolated: IsolatedStore) -> None:
    first = isolated.data_version()
    assert isolated.data_version() == first
    assert asyncio.run(isolated.data_version_async()) == first
    isolated.replace_graph(isolated.graph_iri("source/y"), numbered(3))
    second = asyncio.run(isolated.data_version_async())
    assert second != first
    assert isolated.data_version() == second
    assert isolated.drop_graph(isolated.graph_iri("source/y"))
    third = isolated.data_version()
    assert third not in (first, second)
    # what the child itself reads, not what the parent kept
    assert isolated._call("data_version") == third


def test_kept_version_is_forgotten_when_the_engine_restarts(isolated: IsolatedStore) -> None:
    isolated.data_version()
    assert isolated._version is not None
    pid = isolated.engine_pid
    with pytest.raises(Exception, match="time limit"):
        isolated.query_serialized(
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?c ?f ?i ?l",
            "text/csv",
            timeout=0.5,
        )
    while isolated.engine_pid in (pid, None):  # the kill and restart follow the timeout
        time.sleep(0.05)
    assert isolated._version is None
    assert isolated.data_version() == isolated._call("data_version")


def test_written_graph_list_is_seen_by_the_next_query(isolated: IsolatedStore) -> None:
    """The child keeps the public graph list between writes; a write must show at once."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = isolated.query_serialized(count, "text/csv").body
    isolated.replace_graph(isolated.graph_iri("source/z"), numbered(7, "z"))
    after = isolated.query_serialized(count, "text/csv").body
    assert before.split()[-1] == b"50"
    assert after.split()[-1] == b"57"


def test_child_gzips_big_answers_only_when_asked(isolated: IsolatedStore) -> None:
    media = "application/sparql-results+json"
    plain = isolated.query_serialized(ROWS, media)
    assert len(plain.body) > GZIP_MIN_BYTES

    async def encoded(gzipped: bool, query: str = ROWS) -> tuple[bytes, str | None]:
        answer, encoding = await isolated.query_encoded_async(query, media, gzipped=gzipped)
        return answer.body, encoding

    body, encoding = asyncio.run(encoded(True))
    assert encoding == "gzip"
    assert json.loads(gzip.decompress(body)) == json.loads(plain.body)
    assert asyncio.run(encoded(False)) == (plain.body, None)
    small = "ASK { ?s ?p ?o }"
    assert asyncio.run(encoded(True, small))[1] is None  # too small to be worth it


def test_tsv_way_matches_pyoxigraph_and_triple_terms_take_the_json_way() -> None:
    store = EmbeddedStore(BASE)
    store.replace_graph(store.graph_iri("source/x"), numbered(5))
    db = store._db
    graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [
        ox.NamedNode(str(g)) for g in store.public_graphs()
    ]
    for fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV):
        result = db.query(ROWS + " LIMIT 3", default_graph=graphs)
        assert isinstance(result, ox.QuerySolutions)
        variables = [v.value for v in result.variables]
        ours = solutions_bytes(variables, list(result), fmt)
        theirs = db.query(ROWS + " LIMIT 3", default_graph=graphs)
        assert isinstance(theirs, ox.QuerySolutions)
        assert ours == theirs.serialize(format=fmt)
    triple = 'SELECT ?t WHERE { BIND(<<( <http://a> <http://b> "x" )>> AS ?t) }'
    result = db.query(triple)
    assert isinstance(result, ox.QuerySolutions)
    body = solutions_bytes(["t"], list(result), ox.QueryResultsFormat.JSON)
    term = json.loads(body)["results"]["bindings"][0]["t"]
    assert term["type"] == "triple"
    assert term["value"]["object"] == {"type": "literal", "value": "x"}
