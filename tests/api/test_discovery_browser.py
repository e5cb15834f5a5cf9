"""The practice search in headless Chromium, as a new user would use it: tick the theme
"Économie circulaire", the lever "Achats responsables" and the kind "Métropole", search, read
the results, download the CSV — no JavaScript, no failed or off-site request."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from api_helpers import demo_store
from browser_helpers import served_app
from discovery_data import discovery_app, small_graph
from playwright.sync_api import Browser, Page

from essgraph.settings import Settings


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The app on the demo data plus the small graph, served by uvicorn on 127.0.0.1."""
    store = demo_store()
    store.replace_graph(store.graph_iri("source/small"), small_graph())
    with served_app(discovery_app(store, Settings(store="memory"))) as url:
        yield url
    store.close()


def tick(page: Page, facet: str, label: str) -> None:
    page.locator(f"#facet-{facet} label", has_text=label).first.locator("input").check()


def test_circular_economy_with_responsible_procurement_in_metropolises(
    browser: Browser, site: str, output_dir: Path
) -> None:
    context = browser.new_context(accept_downloads=True, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on(
        "requestfailed",
        lambda r: problems.append(f"failed: {r.url}") if "format=csv" not in r.url else None,
    )
    page.on(
        "request",
        lambda r: None if r.url.startswith(site) else problems.append(f"off-site: {r.url}"),
    )
    page.on(
        "response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    try:
        page.goto(f"{site}/practices")
        assert page.locator("h1").inner_text() == "Rechercher des pratiques"
        tick(page, "theme", "Économie circulaire")
        tick(page, "lever", "Achats responsables")
        tick(page, "kind", "Métropole (de droit commun)")
        page.locator("#apply").click()
        page.wait_for_load_state()
        assert page.locator("#results-h").inner_text() == "2 pratique(s)"
        titles = page.locator("ol.practices a.title").all_inner_texts()
        assert sorted(titles) == ["Recyclerie des Rives", "Économie circulaire et achats"]
        assert page.locator("#facet-theme input[value='T3.1']").is_checked()
        page.screenshot(path=str(output_dir / "discovery-practices.png"), full_page=True)
        with page.expect_download() as download_info:
            page.locator("#csv").click()
        download = download_info.value
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
        assert sorted(r["titre"] for r in rows) == sorted(titles)
        page.locator("ol.practices a.title", has_text="Recyclerie des Rives").click()
        page.wait_for_load_state()
        assert "/practice/rives/recyclerie" in page.url
        assert "Recyclerie des Rives" in page.locator("h1").inner_text()
    finally:
        context.close()
    assert problems == []
    assert httpx.get(f"{site}/practices", params={"q": "recyclerie"}).json()["total"] >= 2
