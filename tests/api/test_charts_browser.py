"""The charts page in headless Chromium: every chart renders as an accessible image next to
its table, nothing fails or reaches off the host, the scope form and the language switch work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser_helpers import Watched, watched_page
from playwright.sync_api import Browser

TITLES = (
    "Leviers mobilisés par type de collectivité",
    "Pratiques lancées par année et par thématique",
    "Budget annuel dédié à l'ESS, par type de collectivité",
    "Effectifs dédiés à l'ESS (ETP), par type de collectivité",
    "Leviers mobilisés ensemble",
)


@pytest.fixture
def watched(browser: Browser, served: str) -> Iterator[Watched]:
    yield from watched_page(
        browser, served, statuses=True, locale="fr-FR", viewport={"width": 1200, "height": 900}
    )


def test_charts_page_renders_every_chart_with_its_table(
    watched: Watched, served: str, output_dir: Path
) -> None:
    page = watched.page
    page.goto(f"{served}/charts")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Graphiques"
    for title in TITLES:
        image = page.get_by_role("img", name=title)
        assert image.count() == 1
        box = image.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
        assert page.get_by_role("heading", name=title, level=2).is_visible()
    assert page.locator("table.chart-data").count() == len(TITLES)
    assert page.locator("table.chart-data tbody tr").count() > len(TITLES)
    # marks are drawn: heat-map cells, bar segments, dots and medians
    assert page.locator("svg.chart rect.cell").count() > 10
    assert page.locator("svg.chart rect.segment").count() > 0
    assert page.locator("svg.chart circle.dot").count() > 0
    # every chart is downloadable as an SVG file
    for link in page.get_by_role("link", name="Télécharger en SVG").all():
        answer = httpx.get(served + (link.get_attribute("href") or ""))
        assert answer.headers["content-type"].startswith("image/svg+xml")
    page.screenshot(path=str(output_dir / "charts.png"), full_page=True)


def test_scope_form_redraws_the_cooccurrence_matrix(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/charts")
    by_collectivity = page.locator("#chart-lever-cooccurrence rect.cell").evaluate_all(
        "cells => cells.map(c => c.dataset.value)"
    )
    page.get_by_label("Cooccurrence comptée par").select_option("practice")
    page.locator("#lever-cooccurrence form button").click()
    page.wait_for_url("**scope=practice**")
    by_practice = page.locator("#chart-lever-cooccurrence rect.cell").evaluate_all(
        "cells => cells.map(c => c.dataset.value)"
    )
    assert by_practice != by_collectivity
    assert page.get_by_role("img", name="Leviers mobilisés ensemble").is_visible()


def test_language_switch_and_a_chart_as_an_image(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/charts")
    page.locator("#other-lang").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("h1").inner_text() == "Charts"
    assert page.get_by_role("img", name="Levers used together").count() == 1
    # the file alone is a valid image (a malformed SVG would load with no size)
    page.set_content(f'<img alt="" src="{served}/charts/budget-by-kind.svg?lang=en">')
    image = page.locator("img")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 200
