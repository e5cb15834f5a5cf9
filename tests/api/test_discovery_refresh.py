"""The search after a write: found at once when the rebuild is quick (small graphs), and
answered from the previous version, never waiting for it, while a long rebuild runs in the
background; the new version is served as soon as it is ready."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import AsgiClient
from discovery_data import SMALL, discovery_app, practice, small_store
from rdflib import Graph

from api.discovery import state
from api.discovery.facets import Snapshot
from api.discovery.search import parse, run
from api.discovery.state import Discovery
from essgraph.settings import Settings
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"


def rewrite(store: EmbeddedStore, old: str, new: str) -> None:
    graph = Graph()
    graph.parse(data=SMALL.replace(old, new), format="turtle", publicID=BASE)
    store.replace_graph(store.graph_iri("source/small"), graph)


def totals(client: AsgiClient, q: str) -> tuple[int, list[str]]:
    body = client.get("/practices", params={"q": q}).json()
    return body["total"], [item["iri"] for item in body["items"]]


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    opened = small_store()
    yield opened
    opened.close()


def test_after_a_write_the_new_text_is_found_and_the_old_one_is_not(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    app = discovery_app(store, Settings(store="embedded", data_dir=tmp_path))
    client = AsgiClient(app)
    try:
        assert totals(client, "vélo") == (1, [practice("clos/atelier")])
        answer = client.get("/practices", params={"q": "vélo"})
        first = answer.headers["etag"]
        assert answer.headers["x-essgraph-index-version"] == store.data_version()
        rewrite(store, "Atelier vélo", "Atelier trottinette")
        assert totals(client, "trottinette") == (1, [practice("clos/atelier")])
        assert totals(client, "vélo") == (0, [])
        again = client.get("/practices", params={"q": "vélo"})
        assert again.headers["etag"] != first
        assert again.headers["x-essgraph-index-version"] == store.data_version()
        similar = client.get("/practices/clos/atelier/similar")
        assert similar.headers["x-essgraph-index-version"] == store.data_version()
        found = client.get("/collectivities", params={"q": "clos"}).json()
        assert [i["iri"] for i in found["items"]] == [f"{BASE}id/collectivity/clos"]
        assert app.state.discovery.index.last_refresh == "incremental"
    finally:
        client.close()


def test_a_long_rebuild_runs_in_the_background_while_the_previous_version_answers(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discovery = Discovery(store, tmp_path, wait=0)
    before = discovery.current()
    gate = threading.Event()
    read = Snapshot.read

    def held(store: EmbeddedStore, version: str) -> Snapshot:
        gate.wait(60)  # a rebuild that takes as long as the test wants
        return read(store, version)

    monkeypatch.setattr(state.Snapshot, "read", held)
    rewrite(store, "Atelier vélo", "Atelier trottinette")
    served = discovery.current()  # does not wait for the rebuild
    assert served is before and served.version != store.data_version()
    result = run(served, parse([("q", "vélo")], served.snapshot), "fr")
    assert [p.iri for p in result.items] == [practice("clos/atelier")]
    builder = discovery._builder
    assert builder is not None
    gate.set()
    builder.join(60)
    fresh = discovery.current()
    assert fresh.version == store.data_version()
    assert run(fresh, parse([("q", "vélo")], fresh.snapshot), "fr").total == 0
    assert run(fresh, parse([("q", "trottinette")], fresh.snapshot), "fr").total == 1
