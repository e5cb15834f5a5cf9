"""The vocabulary pages in headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) against `essgraph serve --demo`: each renders with no console error and no failed
or off-site request, a term IRI's fragment lands on its section, the table of contents and
the language switch work, and a phone-width window needs no sideways scrolling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import Watched, watched_page
from playwright.sync_api import Browser

PAGES = {
    "ontology": ("/ontology", "Ontologie essgraph"),
    "shapes": ("/shapes", "Formes SHACL d'essgraph"),
    "thesauri": ("/thesauri", "Thésaurus d'essgraph"),
}

#: Text whose colour against its background is below WCAG AA (4.5:1), as "tag text ratio".
LOW_CONTRAST = """() => {
  const channels = c => c.match(/[\\d.]+/g).map(Number);
  const luminance = c => {
    const [r, g, b] = channels(c).slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor, v = channels(c);
      if (v.length < 4 || v[3] > 0) return c;
    }
    return "rgb(255, 255, 255)";
  };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || box.right < 0 || box.width === 0) continue;
    const a = luminance(getComputedStyle(el).color), b = luminance(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < 4.5) low.push(`${el.tagName} ${text} ${ratio.toFixed(2)}`);
  }
  return low;
}"""


@pytest.fixture
def watched(browser: Browser, served: str) -> Iterator[Watched]:
    yield from watched_page(
        browser, served, statuses=True, locale="fr-FR", viewport={"width": 1280, "height": 800}
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_in_french_without_errors(
    watched: Watched, served: str, output_dir: Path, name: str
) -> None:
    path, title = PAGES[name]
    page = watched.page
    page.goto(f"{served}{path}")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().startswith(title)
    # the page's own style sheet applied (served locally, no external asset)
    assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).borderTopStyle") == (
        "solid"
    )
    assert page.evaluate(LOW_CONTRAST) == []
    current = page.locator('.vocab-nav a[aria-current="page"]')
    assert current.get_attribute("href") == f"{path}?lang=fr"
    page.screenshot(path=str(output_dir / f"vocab-{name}-fr.png"), full_page=True)


def test_a_term_iri_fragment_lands_on_its_section(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/ontology#Practice")
    page.wait_for_load_state("load")
    target = page.evaluate("document.querySelector(':target')?.id")
    assert target == "Practice"
    top = page.evaluate("document.getElementById('Practice').getBoundingClientRect().top")
    height = page.evaluate("window.innerHeight")
    assert page.evaluate("window.scrollY") > 0
    assert 0 <= top < height / 4
    assert page.locator("#Practice h3").is_visible()
    assert "ess:Practice" in page.locator("#Practice").inner_text()


def test_table_of_contents_and_language_switch(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/shapes")
    page.locator("nav.toc").get_by_role("link", name="Pratique", exact=True).click()
    assert page.url.endswith("/shapes#PracticeShape")
    assert page.evaluate("document.querySelector(':target').id") == "PracticeShape"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "essgraph SHACL shapes"
    assert page.locator("#PracticeHasFrenchTitle").get_by_text("exactly 1").is_visible()
    page.locator("main").get_by_role("link", name="Thesauri", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "essgraph thesauri"
    assert page.locator("#lever-L1 > .concept").inner_text().startswith("L1")


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_width_needs_no_sideways_scrolling(browser: Browser, served: str, name: str) -> None:
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        spy = Watched(page, served, statuses=True)
        page.goto(f"{served}{PAGES[name][0]}")
        page.wait_for_load_state("load")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert spy.problems == []
    finally:
        context.close()
