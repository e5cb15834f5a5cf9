"""Fixtures of the API tests: the app on the demo data (in process), and `essgraph serve`
started for real on 127.0.0.1 (a free port) for clients that need a socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_helpers import AsgiClient, demo_store
from browser_helpers import chromium
from playwright.sync_api import Browser

from api.app import create_app
from essgraph.settings import Settings
from store.embedded import EmbeddedStore

SERVER_START_TIMEOUT = 60.0
OUTPUT = Path(__file__).resolve().parent.parent / "output"


@pytest.fixture(scope="session")
def shared_store() -> Iterator[EmbeddedStore]:
    """The demo data in memory, shared by tests that only read."""
    store = demo_store()
    yield store
    store.close()


@pytest.fixture
def settings() -> Settings:
    return Settings(store="memory", max_rows=500, max_query_bytes=5_000, max_query_nesting=12)


@pytest.fixture
def client(settings: Settings, shared_store: EmbeddedStore) -> Iterator[AsgiClient]:
    http = AsgiClient(create_app(settings, shared_store))
    yield http
    http.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `essgraph serve --demo` run as a person would (in-memory store)."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "ESSGRAPH_STORE": "memory", "ESSGRAPH_MAX_ROWS": "2000"}
    command = [
        str(Path(sys.executable).parent / "essgraph"),
        "serve",
        "--demo",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_until_ready(process, url, log_path)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"essgraph serve exited ({process.returncode}): {log.read_text()}")
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"essgraph serve did not answer on {url} within {SERVER_START_TIMEOUT} s")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where browser screenshots go (gitignored)."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module (Debian's, driven by Playwright)."""
    with chromium() as launched:
        yield launched
