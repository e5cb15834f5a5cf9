"""The collectivity search in headless Chromium, without JavaScript: tick "Métropole",
search, tick two results, compare them — no failed or off-site request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import demo_store
from browser_helpers import served_app
from discovery_data import discovery_app, small_graph
from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The app (with /collectivities) on the demo data plus the small graph, by uvicorn."""
    store = demo_store()
    store.replace_graph(store.graph_iri("source/small"), small_graph())
    with served_app(discovery_app(store)) as url:
        yield url
    store.close()


def test_find_metropolises_and_compare_two(browser: Browser, site: str, output_dir: Path) -> None:
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith(site) else problems.append(f"off-site: {r.url}"),
    )
    page.on(
        "response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None
    )
    try:
        page.goto(f"{site}/collectivities")
        assert page.locator("h1").inner_text() == "Rechercher des collectivités"
        page.locator("#facet-kind input[value='metropole']").check()
        page.locator("#q").fill("rives")
        page.locator("#apply").click()
        page.wait_for_load_state()
        assert page.locator("#results-h").inner_text() == "1 collectivité(s)"
        assert page.locator("ol.collectivities a.title").all_inner_texts() == [
            "Métropole des Rives"
        ]
        page.locator("#q").fill("")
        page.locator("#apply").click()
        page.wait_for_load_state()
        names = page.locator("ol.collectivities a.title").all_inner_texts()
        assert "Métropole du Lys" in names and "Commune du Clos" not in names
        page.screenshot(path=str(output_dir / "discovery-collectivities.png"), full_page=True)
        for key in ("rives", "lys"):
            page.locator(f"#compare input[name='c'][value='{key}']").check()
        page.locator("#compare-submit").click()
        page.wait_for_load_state()
        assert "/compare?" in page.url
        assert "c=rives" in page.url and "c=lys" in page.url
        assert "Métropole des Rives" in page.content() and "Métropole du Lys" in page.content()
    finally:
        context.close()
    assert problems == []
