"""A runaway query is stopped at its timeout by the isolated store (a killed and restarted
worker process) while other queries keep being answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_helpers import BASE

from api.app import create_app, open_configured_store
from essgraph.cli_serve import _load_demo
from essgraph.settings import Settings
from store import Store

RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?f ?i"
SIMPLE = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"


@pytest.fixture
def isolated(tmp_path: Path) -> Iterator[tuple[Settings, Store]]:
    settings = Settings(
        store="embedded", data_dir=tmp_path, base_uri=BASE, query_timeout=20, query_memory_mb=4096
    )
    store = open_configured_store(settings)
    try:
        _load_demo(store)
        yield settings, store
    finally:
        store.close()


async def _race(settings: Settings, store: Store) -> tuple[httpx.Response, float, list[bool]]:
    """Send a runaway query, then simple ones while it runs; note whether each simple answer
    came back while the runaway was still pending (ordering, not wall-clock thresholds)."""
    transport = httpx.ASGITransport(app=create_app(settings, store))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        started = time.monotonic()
        runaway = asyncio.create_task(
            http.get("/sparql", params={"query": RUNAWAY, "timeout": "2"})
        )
        await asyncio.sleep(0.3)  # the runaway is in the engine now
        answered_meanwhile = []
        for _ in range(3):
            answer = await http.post("/sparql", data={"query": SIMPLE})
            assert answer.status_code == 200, answer.text
            answered_meanwhile.append(not runaway.done())
        stopped = await runaway
        elapsed = time.monotonic() - started
        after = await http.post("/sparql", data={"query": SIMPLE})  # the worker is back
        assert after.status_code == 200
        return stopped, elapsed, answered_meanwhile


def test_runaway_query_is_stopped_while_others_answer(
    isolated: tuple[Settings, Store],
) -> None:
    settings, store = isolated
    stopped, elapsed, answered_meanwhile = asyncio.run(_race(settings, store))
    assert stopped.status_code == 503, stopped.text
    assert stopped.headers["content-type"].startswith("application/problem+json")
    assert stopped.json()["code"] == "query-timeout"
    assert "2 s" in stopped.json()["message"]["en"]
    assert 2 <= elapsed < 20  # stopped at ?timeout=2, well before the server cap (20 s)
    assert all(answered_meanwhile), answered_meanwhile  # the site kept answering
