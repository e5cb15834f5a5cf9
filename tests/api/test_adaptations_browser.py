"""The "adapted from / adapted by" section with its curation records, in headless Chromium:
the demo with its bundled curated links, both ways on one page, no axe-core violation
(WCAG 2.1 A/AA), no console error or failed request, both languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import demo_store
from browser_helpers import Watched, chromium, served_app, watched_page
from playwright.sync_api import Page

from api.app import create_app
from essgraph.settings import Settings
from ingest.adaptations import load_demo_adaptations

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = ROOT / "tests" / "output"
#: In the bundled links, adapted from the Saint-Aubin garden and by the Val-de-Lys tiers-lieu.
HALLES = "/id/practice/219904562/halles-solidaires"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    store = demo_store()
    load_demo_adaptations(store)  # a no-op once the demo loads them itself
    try:
        with served_app(create_app(Settings(store="memory"), store)) as url:
            yield url
    finally:
        store.close()


@pytest.fixture
def watched(site: str) -> Iterator[Watched]:
    with chromium() as browser:
        yield from watched_page(browser, site, statuses=True, locale="fr-FR")


def axe_violations(page: Page) -> list[str]:
    assert AXE.exists(), "node_modules/axe-core is missing: `make test` runs `npm ci`"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [f"{v['id']} ({v['impact']})" for v in result["violations"]]


def test_both_ways_with_records_accessible_in_both_languages(watched: Watched, site: str) -> None:
    page = watched.page
    page.goto(f"{site}{HALLES}")
    from_list = page.locator("ul[aria-labelledby='adapted-from-h'] li")
    by_list = page.locator("ul[aria-labelledby='adapted-by-h'] li")
    assert from_list.count() == 1 and by_list.count() == 1
    assert from_list.get_by_role("link", name="Jardin partagé du Clos").is_visible()
    assert from_list.get_by_role("link", name="Saint-Aubin-lès-Prés").is_visible()
    assert "Relevé par Yanis Ferrand (fictif) le 2026-10-02" in from_list.inner_text()
    assert by_list.get_by_role("link", name="Tiers-lieu de l'Ancienne Gare").is_visible()
    assert "« Marché de producteurs" in by_list.inner_text()
    assert axe_violations(page) == []
    OUTPUT.mkdir(exist_ok=True)
    page.locator("section[aria-labelledby='transfer-h']").screenshot(
        path=str(OUTPUT / "practice-adaptations.png")
    )
    page.goto(f"{site}{HALLES}?lang=en")
    assert "Recorded by Camille Roussel (fictive) on 2026-09-14" in by_list.inner_text()
    assert page.get_by_role("heading", name="Adapted from").is_visible()
    assert axe_violations(page) == []
    # the adapted practice's link leads to its page, which names this one back
    by_list.get_by_role("link", name="Tiers-lieu de l'Ancienne Gare").click()
    page.wait_for_load_state()
    back = page.locator("ul[aria-labelledby='adapted-from-h'] li")
    assert back.get_by_role("link", name="Halles solidaires").is_visible()
