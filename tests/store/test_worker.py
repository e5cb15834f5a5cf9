"""IsolatedStore with real child processes: timeouts, memory cap, crashes, restarts, writes."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from store import EngineCrashed, QueryTimeout, StoreError, StoreUnavailable
from store.embedded import EmbeddedStore
from store.factory import open_store
from store.worker import IsolatedStore

BASE = "https://w3id.org/essgraph/"
EX = Namespace("http://example.org/")
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def numbered(count: int, value: str = "v") -> Graph:
    graph = Graph()
    for i in range(count):
        graph.add((EX[f"s{i}"], EX[f"p{i % 5}"], Literal(f"{value}{i}")))
    return graph


def hungry(doublings: int = 26) -> str:
    """A query whose strings double each step: 16 bytes × 2^26 = 1 GiB, with no data."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(doublings))
    return (
        f'SELECT (STRLEN(?x{doublings}) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?x0) {binds} }}'
    )


def count(store: IsolatedStore) -> bytes:
    return store.query_serialized(COUNT, "text/csv").body


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[IsolatedStore]:
    store = IsolatedStore(BASE, tmp_path / "oxigraph", threads=1)
    store.replace_graph(store.graph_iri("source/x"), numbered(2000))
    try:
        yield store
    finally:
        store.close()


def test_runaway_query_is_killed_and_a_waiting_query_retried(isolated: IsolatedStore) -> None:
    """One query thread: the simple query waits behind the runaway, is interrupted by the
    kill, and is answered by the restarted child without the caller seeing anything."""
    pid = isolated.engine_pid
    answers: dict[str, object] = {}

    def simple() -> None:
        time.sleep(0.5)
        answers["simple"] = count(isolated)

    waiting = threading.Thread(target=simple)
    waiting.start()
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        isolated.query_serialized(RUNAWAY, "text/csv", timeout=2)
    assert time.monotonic() - started >= 2  # not before its deadline
    assert caught.value.code == "query-timeout"
    assert "2 s" in caught.value.message_fr
    waiting.join(10)
    assert answers["simple"] == b"n\r\n2000\r\n"
    assert isolated.engine_pid not in (None, pid)
    assert isolated.restarts == 1
    assert isolated.last_restart_seconds is not None


def test_other_queries_answer_while_a_runaway_runs(tmp_path: Path) -> None:
    with IsolatedStore(BASE, tmp_path / "oxigraph", threads=2) as store:
        assert isinstance(store, IsolatedStore)
        store.replace_graph(store.graph_iri("source/x"), numbered(2000))
        errors: list[BaseException] = []

        def run_away() -> None:
            try:
                store.query_serialized(RUNAWAY, "text/csv", timeout=2)
            except QueryTimeout as exc:
                errors.append(exc)

        runaway = threading.Thread(target=run_away)
        runaway.start()
        time.sleep(0.3)
        assert count(store) == b"n\r\n2000\r\n"
        # answered on the second thread while the runaway ran, not retried after the kill
        assert runaway.is_alive() and not errors and store.restarts == 0
        runaway.join(10)
        assert len(errors) == 1


def test_memory_hungry_query_kills_the_child_and_the_next_query_works(tmp_path: Path) -> None:
    with IsolatedStore(BASE, tmp_path / "oxigraph", threads=1, memory_mb=200) as store:
        assert isinstance(store, IsolatedStore)
        store.replace_graph(store.graph_iri("source/x"), numbered(2000))
        pid = store.engine_pid
        with pytest.raises(EngineCrashed) as caught:
            store.query_serialized(hungry(), "text/csv", timeout=20)
        assert caught.value.code == "engine-unavailable"
        assert count(store) == b"n\r\n2000\r\n"  # content survives the restart
        assert store.engine_pid not in (None, pid)


def test_stack_overflow_kills_only_its_own_query(tmp_path: Path) -> None:
    """The crashing request is found in faulthandler's dump; the innocent one is retried."""
    with IsolatedStore(BASE, tmp_path / "oxigraph", threads=2) as store:
        assert isinstance(store, IsolatedStore)
        store.replace_graph(store.graph_iri("source/x"), numbered(1500))
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
        answers: dict[str, object] = {}
        innocent = threading.Thread(
            target=lambda: answers.update(n=store.query_serialized(slow, "text/csv").body)
        )
        innocent.start()
        time.sleep(0.2)
        deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000  # not guarded here
        with pytest.raises(EngineCrashed):
            store.query_serialized(deep, "text/csv")
        innocent.join(20)
        assert answers["n"] == f"n\r\n{1500 * 1500}\r\n".encode()
        assert store.restarts == 1


def test_write_killed_midway_leaves_old_or_new_graph(isolated: IsolatedStore) -> None:
    graph = isolated.graph_iri("source/x")
    version = isolated.data_version()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            isolated.replace_graph(graph, numbered(30_000, "new"))
        except StoreError as exc:
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    deadline = time.monotonic() + 30
    while isolated.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    pid = isolated.engine_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    writer.join(60)
    values = isolated.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
    assert _old_or_new(values)  # never a mix
    assert len(errors) == 1  # the write was killed while the engine ran it (~2 s long)
    assert isinstance(errors[0], EngineCrashed)
    assert "jamais à moitié" in errors[0].message_fr
    assert (isolated.data_version() == version) == (len(values) == 2000)


def _old_or_new(rows: Sequence[Mapping[str, object]]) -> bool:
    values = [str(row["o"]) for row in rows]
    old = len(values) == 2000 and all(v.startswith("v") for v in values)
    new = len(values) == 30_000 and all(v.startswith("new") for v in values)
    return old or new


def test_async_query_does_not_block_the_loop(isolated: IsolatedStore) -> None:
    async def scenario() -> tuple[int, BaseException | None, bytes]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        task = asyncio.create_task(ticker())
        error: BaseException | None = None
        try:
            await isolated.query_serialized_async(RUNAWAY, "text/csv", timeout=1)
        except QueryTimeout as exc:
            error = exc
        answer = await isolated.query_serialized_async(COUNT, "text/csv")
        assert await isolated.data_version_async() == isolated.data_version()
        task.cancel()
        return ticks, error, answer.body

    ticks, error, body = asyncio.run(scenario())
    assert isinstance(error, QueryTimeout)
    assert ticks >= 10  # the loop kept turning during the second the query ran
    assert body == b"n\r\n2000\r\n"


def test_close_flushes_and_reopens(tmp_path: Path) -> None:
    store = IsolatedStore(BASE, tmp_path / "oxigraph", threads=1)
    store.replace_graph(store.graph_iri("source/x"), numbered(10))
    version = store.data_version()
    pid = store.engine_pid
    store.close()
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(StoreError) as caught:
        store.data_version()
    assert caught.value.code == "store-closed"
    with IsolatedStore(BASE, tmp_path / "oxigraph", threads=1) as again:
        assert again.data_version() == version
        assert len(again.construct("CONSTRUCT WHERE { ?s ?p ?o }")) == 10


def test_store_already_open_elsewhere_is_unavailable(tmp_path: Path) -> None:
    holder = EmbeddedStore(BASE, tmp_path / "oxigraph")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            IsolatedStore(BASE, tmp_path / "oxigraph", threads=1)
        assert "autre processus" in caught.value.message_fr
    finally:
        holder.close()


def test_factory(tmp_path: Path) -> None:
    with open_store("embedded", BASE, tmp_path, isolated=True, query_timeout=5) as store:
        assert isinstance(store, IsolatedStore)
        assert store.timeout == 5
        assert store.named_graphs() == [URIRef(f"{BASE}graph/system")]
    with pytest.raises(StoreError) as caught:
        open_store("memory", BASE, None, isolated=True)
    assert caught.value.code == "store-config"


def test_abandoned_async_query_is_still_killed_at_its_deadline(isolated: IsolatedStore) -> None:
    """A client that disconnects must not leave its runaway query running forever."""
    pid = isolated.engine_pid

    async def give_up() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(
                isolated.query_serialized_async(RUNAWAY, "text/csv", timeout=1), 0.2
            )

    asyncio.run(give_up())
    deadline = time.monotonic() + 10
    while isolated.restarts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert isolated.restarts == 1
    assert isolated.engine_pid != pid
    assert count(isolated) == b"n\r\n2000\r\n"
