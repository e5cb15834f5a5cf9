"""Opening stores: the factory's choices and errors, and an on-disk store across reopen."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.compare import isomorphic

from store import StoreError, StoreUnavailable
from store.embedded import EmbeddedStore
from store.factory import open_store
from store.remote import RemoteStore

EX = Namespace("http://example.org/")
BASE = "https://w3id.org/essgraph/"


def sample() -> Graph:
    graph = Graph()
    graph.add((EX.a, EX.label, Literal("Montreuil", lang="fr")))
    return graph


def test_disk_store_survives_close_and_reopen(tmp_path: Path) -> None:
    with open_store("embedded", BASE, tmp_path) as store:
        store.replace_graph(store.graph_iri("source/x"), sample())
        version = store.data_version()
    assert (tmp_path / "oxigraph").is_dir()
    with open_store("embedded", BASE, tmp_path) as store:
        assert store.data_version() == version  # reopening is not a change
        back = store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
        assert isomorphic(back, sample())


def test_memory_store() -> None:
    with open_store("memory", BASE, None) as store:
        assert isinstance(store, EmbeddedStore)
        assert store.named_graphs() == [store.system_graph]


def test_remote_store_urls() -> None:
    store = open_store("http://127.0.0.1:7878/query", BASE, None)
    assert isinstance(store, RemoteStore)
    assert store.update_url == "http://127.0.0.1:7878/update"
    store.close()
    store = open_store("https://h/sparql", BASE, None, update_url="https://h/up")
    assert isinstance(store, RemoteStore)
    assert store.update_url == "https://h/up"
    store.close()


def test_unknown_store() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgres", BASE, None)
    assert caught.value.code == "store-config"
    assert "postgres" in caught.value.message_fr
    assert "postgres" in caught.value.message_en


def test_embedded_needs_a_data_dir() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("embedded", BASE, None)
    assert caught.value.code == "store-config"


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable) as caught:
        open_store("embedded", BASE, blocker)
    assert str(blocker) in caught.value.message_en
    assert str(blocker) in caught.value.message_fr


def test_locked_store(tmp_path: Path) -> None:
    with open_store("embedded", BASE, tmp_path), pytest.raises(StoreUnavailable) as caught:
        open_store("embedded", BASE, tmp_path)
    assert str(tmp_path / "oxigraph") in caught.value.message_en
    assert caught.value.code == "store-unavailable"


def test_unreachable_endpoint() -> None:
    store = RemoteStore(BASE, "http://127.0.0.1:9/query", timeout=2)
    with pytest.raises(StoreUnavailable) as caught:
        store.select("SELECT * WHERE { ?s ?p ?o }")
    assert "http://127.0.0.1:9/query" in caught.value.message_fr
    with pytest.raises(StoreUnavailable) as caught:
        store.replace_graph(store.graph_iri("source/x"), sample())
    assert "http://127.0.0.1:9/" in caught.value.message_en  # the change log reads first
    store.close()


def test_endpoint_that_never_answers() -> None:
    """A server that accepts the connection but stays silent: a timeout, not a hang."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        store = RemoteStore(BASE, url, timeout=0.5)
        with pytest.raises(StoreUnavailable) as caught:
            store.ask("ASK { ?s ?p ?o }")
        assert url in caught.value.message_en
        with pytest.raises(StoreUnavailable):
            store.replace_graph(store.graph_iri("source/x"), sample())
        store.close()
