"""The map page in headless Chromium: it renders on the local outline with nothing fetched off
the host, passes axe-core (WCAG 2.1 A/AA), and a point is a link to its collectivity's page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import Watched, served_app, watched_page
from map_fixtures import map_app, small_store
from playwright.sync_api import Browser, Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    store = small_store()
    with served_app(map_app(store)) as url:
        yield url
    store.close()


@pytest.fixture
def watched(browser: Browser, site: str) -> Iterator[Watched]:
    yield from watched_page(
        browser, site, statuses=True, locale="fr-FR", viewport={"width": 1200, "height": 900}
    )


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations, one line each."""
    assert AXE.exists(), "node_modules/axe-core is missing: `make test` runs `npm ci`"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def test_map_renders_accessibly_and_a_point_leads_to_its_page(
    watched: Watched, site: str, output_dir: Path
) -> None:
    page = watched.page
    page.goto(f"{site}/map")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Carte des collectivités"
    picture = page.get_by_role("group", name="Carte des collectivités")
    box = picture.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 500
    assert page.locator("svg.map path.france").count() == 6
    assert page.locator("svg.map a.place").count() == 4
    assert page.locator("table.chart-data tbody tr").count() == 9
    assert axe_violations(page) == []
    page.screenshot(path=str(output_dir / "map.png"), full_page=True)

    lille = page.get_by_role("link", name="Lille — Commune — 0 pratique")
    assert lille.count() == 1
    lille.click()
    page.wait_for_url("**/doc/collectivity/215903501**")
    assert page.locator("h1").inner_text() == "Lille"


def test_map_in_english_and_the_svg_file_alone(watched: Watched, site: str) -> None:
    page = watched.page
    page.goto(f"{site}/map")
    page.locator("#other-lang").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("h1").inner_text() == "Map of collectivities"
    assert page.get_by_role("group", name="Map of collectivities").count() == 1
    assert page.get_by_role("link", name="Lille — Municipality — 0 practices").count() == 1
    # the file alone is a valid image (a malformed SVG would load with no size)
    page.set_content(f'<img alt="" src="{site}/map.svg?lang=en">')
    image = page.locator("img")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 500
