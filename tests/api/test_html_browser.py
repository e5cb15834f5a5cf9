"""The linked-data pages and the home page in headless Chromium, through `essgraph serve --demo`
and the real /id → /doc routes: no console error, no failed or off-host request, no axe-core
violation (WCAG 2.1 A/AA, axe-core loaded from node_modules), every same-site link resolves,
no sideways scrolling on a phone, and a screenshot per page kind in tests/output/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from browser_helpers import Watched, watched_page
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

#: One resource per page kind, by its /id path (the browser follows the 303 to /doc/….html).
KINDS = {
    "practice": ("/id/practice/200012342/ptce-des-rives", "PTCE des Rives"),
    "collectivity": ("/id/collectivity/200012342", "Métropole de Bellerive"),
    "concept": ("/id/lever/L2", "Appui direct aux structures de l'ESS"),
    "scheme": ("/id/scheme/levers", "Leviers d'action des collectivités en faveur de l'ESS"),
    "response": ("/id/response/demo-2021/4", "Réponse demo-2021/4 — Métropole de Bellerive"),
    "generic": ("/id/partner/federation-du-btp", "Fédération du BTP"),
    "home": ("/", "essgraph : les politiques locales d'ESS en données ouvertes"),
}

#: What Chromium sends when following a link.
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)
#: Same-site links already checked in this run (a link shared by pages is fetched once).
_checked: dict[str, int] = {}


@pytest.fixture
def watched(browser: Browser, served: str) -> Iterator[Watched]:
    yield from watched_page(browser, served, locale="fr-FR")


@pytest.fixture
def phone(browser: Browser, served: str) -> Iterator[Watched]:
    yield from watched_page(
        browser, served, locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True
    )


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations, one line each (rule, impact, first targets)."""
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


def broken_links(page: Page, served: str) -> list[str]:
    """Same-site links answering ≥ 400 (followed through redirects, as a browser asks);
    links to other sites must be marked rel=external (they cannot be fetched offline)."""
    links: list[dict[str, str]] = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => ({href: e.href, rel: e.rel}))"
    )
    broken = []
    for link in links:
        url = link["href"].split("#", 1)[0]
        if not url.startswith(served):
            if "external" not in link["rel"]:
                broken.append(f"off-site link without rel=external: {url}")
            continue
        if url not in _checked:
            answer = httpx.get(url, headers={"Accept": BROWSER_ACCEPT}, follow_redirects=True)
            _checked[url] = answer.status_code
        if _checked[url] >= 400:
            broken.append(f"{_checked[url]} {url}")
    return broken


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_page_kind_in_chromium(watched: Watched, served: str, output_dir: Path, kind: str) -> None:
    path, title = KINDS[kind]
    page = watched.page
    answer = page.goto(f"{served}{path}")
    assert answer is not None and answer.status == 200
    if path.startswith("/id/"):
        assert urlsplit(page.url).path == path.replace("/id/", "/doc/", 1) + ".html"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == title
    page.screenshot(path=str(output_dir / f"ld-{kind}-fr.png"), full_page=True)
    assert axe_violations(page) == []
    assert broken_links(page, served) == []


def test_language_switch_and_english_page(watched: Watched, served: str, output_dir: Path) -> None:
    page = watched.page
    page.goto(f"{served}/id/practice/200077113/appel-a-projets-innovation-sociale")
    assert page.get_by_role("heading", name="Leviers d'action").is_visible()
    page.locator("#other-lang").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Levers of action").is_visible()
    assert "lang=en" in page.url
    page.screenshot(path=str(output_dir / "ld-practice-en.png"), full_page=True)
    assert axe_violations(page) == []


def test_search_from_the_home_page_leads_to_a_resource(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/")
    box = page.locator("#home-search")
    assert (
        page.locator('label[for="home-search"]').inner_text() == "Rechercher un libellé ou un titre"
    )
    box.fill("vernoux")
    box.press("Enter")
    page.wait_for_selector("ul.results a")
    assert page.locator("h1").inner_text() == "Résultats pour « vernoux »"
    assert axe_violations(page) == []
    page.locator("ul.results a").first.click()
    page.wait_for_load_state()
    assert "Vernoux" in page.locator("h1").inner_text()


def test_not_found_page(watched: Watched, served: str) -> None:
    page = watched.page
    answer = page.goto(f"{served}/id/practice/nowhere/nothing")
    assert answer is not None and answer.status == 404
    assert page.locator("h1").inner_text() == "Ressource introuvable"
    assert axe_violations(page) == []
    watched.problems = [p for p in watched.problems if "404" not in p]  # the page's own status


def test_no_sideways_scrolling_on_a_phone(phone: Watched, served: str, output_dir: Path) -> None:
    page = phone.page
    for kind in ("collectivity", "practice", "home"):
        page.goto(f"{served}{KINDS[kind][0]}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, kind
    page.goto(f"{served}{KINDS['collectivity'][0]}")
    page.screenshot(path=str(output_dir / "ld-collectivity-phone.png"), full_page=True)
