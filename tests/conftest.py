"""Shared fixtures: a fresh store per test on every backend, and a real Oxigraph server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from store import Store
from store.embedded import EmbeddedStore
from store.remote import RemoteStore
from store.worker import IsolatedStore

BASE = "https://w3id.org/essgraph/"
SERVER_START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an Oxigraph server started for the session (from the `oxigraph` package)."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.fail(f"{binary} is missing: install the dev extras (the `oxigraph` package)")
    location = tmp_path_factory.mktemp("oxigraph-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (location.parent / "oxigraph-server.log").open("wb") as log:
        process = subprocess.Popen(
            [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_ready(process, url)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Oxigraph server exited with code {process.returncode}")
        try:
            if httpx.post(f"{url}/query", data={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the Oxigraph server did not answer on {url} within {SERVER_START_TIMEOUT} s")


@pytest.fixture(
    params=[
        "embedded-memory",
        "embedded-disk",
        pytest.param("remote", marks=pytest.mark.remote),
        "isolated",
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store on each backend."""
    opened: Store
    if request.param == "embedded-memory":
        opened = EmbeddedStore(BASE)
    elif request.param == "embedded-disk":
        opened = EmbeddedStore(BASE, tmp_path / "oxigraph")
    elif request.param == "isolated":  # the on-disk store behind a killable child process
        opened = IsolatedStore(BASE, tmp_path / "oxigraph", threads=2)
    else:
        url = request.getfixturevalue("oxigraph_server")
        httpx.post(
            f"{url}/update",
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        ).raise_for_status()
        opened = RemoteStore(BASE, f"{url}/query")
    try:
        yield opened
    finally:
        opened.close()
