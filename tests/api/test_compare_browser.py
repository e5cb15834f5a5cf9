"""The comparison page in headless Chromium: two demo metropolises side by side, the lever
matrix rendered as a real table, no console error, failed or off-host request; a screenshot
goes to tests/output/compare.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import demo_store
from browser_helpers import Watched, served_app
from comparison_data import app_over
from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The app (with the comparison routes) on the demo data, served by uvicorn."""
    store = demo_store()
    with served_app(app_over(store)) as url:
        yield url
    store.close()


def test_two_metropolises_side_by_side(browser: Browser, site: str, output_dir: Path) -> None:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    watched = Watched(page, site, statuses=True)
    try:
        page.goto(f"{site}/compare?c=200012342&c=200077113")
        assert page.locator("h1").inner_text() == "Comparer des collectivités"
        header = page.locator("#matrix-lever thead th[scope=col]").all_inner_texts()
        assert header == ["Concept", "Métropole de Bellerive", "Métropole Val-de-Lys"]
        caption = page.locator("#matrix-lever caption").inner_text()
        assert caption.startswith("Leviers de la politique")
        rows = page.locator("#matrix-lever tbody tr")
        assert rows.count() >= 3
        first = rows.first.locator("th[scope=row]").inner_text()
        assert first.startswith("L1 ")
        assert page.locator("#matrix-lever tbody td", has_text="politique").count() > 0
        budget = page.locator("#facts tr", has_text="Budget ESS").locator("td").all_inner_texts()
        assert budget == ["1\u202f500\u202f000", "200\u202f000"]
        # Back to the chooser: untick one, tick another, compare again.
        page.locator("input[name=c][value='200077113']").uncheck()
        page.locator("input[name=c][value='219904562']").check()
        page.locator("#compare").click()
        page.wait_for_load_state()
        header = page.locator("#facts thead th[scope=col]").all_inner_texts()
        assert header[1:] == ["Métropole de Bellerive", "Ville d'Orlenne"]
        page.screenshot(path=str(output_dir / "compare.png"), full_page=True)
        assert watched.problems == []
    finally:
        context.close()
