"""The endpoint over the isolated engine (what `essgraph serve` runs): the ETag follows a
write although the data version is kept between writes, and answers are gzipped by the
engine's process, decoding to the same answer a client gets without gzip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import AsgiClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from api.app import create_app
from essgraph.settings import Settings
from store.worker import IsolatedStore

BASE = "https://w3id.org/essgraph/"
ESS = Namespace("https://w3id.org/essgraph/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
PRACTICES = (
    "PREFIX ess: <https://w3id.org/essgraph/ontology#>\n"
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
    "SELECT ?p ?title WHERE { ?p a ess:Practice ; dct:title ?title } ORDER BY ?p"
)


def practices(count: int, start: int = 0) -> Graph:
    graph = Graph()
    for i in range(start, start + count):
        practice = URIRef(f"{BASE}id/practice/p{i}")
        graph.add((practice, RDF.type, ESS.Practice))
        graph.add((practice, DCT.title, Literal(f"Recyclerie solidaire n° {i}", lang="fr")))
    return graph


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[IsolatedStore]:
    store = IsolatedStore(BASE, tmp_path / "oxigraph", threads=2)
    store.replace_graph(store.graph_iri("source/a"), practices(40))
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def http(isolated: IsolatedStore) -> Iterator[AsgiClient]:
    client = AsgiClient(create_app(Settings(store="memory"), isolated))
    yield client
    client.close()


def test_etag_changes_after_a_write_through_the_isolated_store(
    http: AsgiClient, isolated: IsolatedStore
) -> None:
    first = http.get("/sparql", params={"query": PRACTICES})
    tag = first.headers["etag"]
    assert http.get("/queries/delegation-pairings").headers["etag"]
    again = http.get("/sparql", params={"query": PRACTICES}, headers={"If-None-Match": tag})
    assert again.status_code == 304
    isolated.replace_graph(isolated.graph_iri("source/b"), practices(2, start=100))
    after = http.get("/sparql", params={"query": PRACTICES}, headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.headers["etag"] != tag
    assert len(after.json()["results"]["bindings"]) == 42
    isolated.drop_graph(isolated.graph_iri("source/b"))
    dropped = http.get("/sparql", params={"query": PRACTICES})
    assert dropped.headers["etag"] not in (tag, after.headers["etag"])


def test_engine_gzips_what_the_client_accepts(http: AsgiClient) -> None:
    zipped = http.get("/sparql", params={"query": PRACTICES}, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(zipped.content)  # httpx decoded it
    plain = http.get(
        "/sparql", params={"query": PRACTICES}, headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    # one gzip layer (the app's middleware lets the engine's through): decoded once, equal
    assert json.loads(zipped.content) == json.loads(plain.content)


def test_accept_encoding_is_read_with_its_q_values() -> None:
    from api.answering import accepts_gzip

    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0, identity")
    assert not accepts_gzip("identity")
    assert not accepts_gzip(None)
    assert not accepts_gzip("*;q=0")
