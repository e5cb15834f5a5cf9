"""Start the Oxigraph server (from the `oxigraph` PyPI package) on a free local port for a
benchmark, wait until it answers, and stop it afterwards."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@contextmanager
def oxigraph_serving(location: Path | str, *, read_only: bool = False) -> Iterator[str]:
    """Serve the store at ``location``; yield its base URL (``/query``, ``/update`` below)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
        [str(OXIGRAPH), command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.post(f"{url}/query", data={"query": "ASK {}"}, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
