"""What the browser tests share: Debian's headless Chromium launched by Playwright, and a page
that records every failed, off-host or erroring request and every console error or warning."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's chromium (``make test`` installs it), closed on exit."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page whose failed requests, off-host requests, HTTP errors (when ``statuses``) and
    console messages are recorded in ``problems``; the tests assert it stays empty."""

    def __init__(self, page: Page, host: str, *, statuses: bool = False) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("requestfailed", self._failed)
        page.on("request", lambda r: self._off_host(r, host))
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        if statuses:
            page.on("response", self._status)

    def _failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and "format=" in request.url:
            return  # a download link: the browser hands the answer to the download manager
        self.problems.append(f"failed: {request.url} {request.failure}")

    def _off_host(self, request: Request, host: str) -> None:
        if not request.url.startswith((host, "data:", "blob:")):
            self.problems.append(f"external request: {request.url}")

    def _status(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")


def watched_page(
    browser: Browser, host: str, *, statuses: bool = False, **options: Any
) -> Iterator[Watched]:
    """A fresh browser context's page, watched; at the end, nothing may have gone wrong."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    spy = Watched(page, host, statuses=statuses)
    yield spy
    context.close()
    assert spy.problems == []


@contextmanager
def served_app(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free 127.0.0.1 port; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
