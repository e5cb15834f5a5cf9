"""The query page in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
no failed request, no console error, French first, gallery, results, CSV, bookmarks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from browser_helpers import Watched, watched_page
from playwright.sync_api import Browser

import queries


@pytest.fixture
def watched(browser: Browser, served: str) -> Iterator[Watched]:
    yield from watched_page(browser, served, accept_downloads=True, locale="fr-FR")


def _bound_text(served: str, name: str) -> str:
    """The named query's text with its defaults bound, as the gallery loads it."""
    answer = httpx.get(f"{served}/queries/{name}/sparql", params={"lang": "fr"})
    answer.raise_for_status()
    return answer.text


def _gallery_query_with_rows(served: str) -> str:
    for query in queries.catalog():
        if any(p.required and p.default is None for p in query.parameters):
            continue
        answer = httpx.post(f"{served}/sparql", data={"query": _bound_text(served, query.name)})
        if answer.is_success and answer.json().get("results", {}).get("bindings"):
            return query.name
    pytest.fail("no gallery query returns rows on the demo data")


def test_page_loads_in_french_and_runs_a_gallery_query(
    watched: Watched, served: str, output_dir: Path
) -> None:
    page = watched.page
    page.goto(f"{served}/sparql")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Interroger essgraph en SPARQL"
    assert page.get_by_role("button", name="Exécuter").is_visible()
    assert page.locator(".CodeMirror").count() == 1  # the editor, with SPARQL highlighting
    assert page.locator(".CodeMirror .cm-keyword").count() > 0
    assert "PREFIX ess:" in page.locator(".CodeMirror").inner_text()
    page.screenshot(path=str(output_dir / "query-page-fr.png"), full_page=True)

    name = _gallery_query_with_rows(served)
    page.locator(f'button.example[data-name="{name}"]').click()
    page.wait_for_selector("#output table tbody tr")
    assert page.locator("#output table tbody tr").count() > 0
    assert "ligne(s)" in page.locator("#status").inner_text()
    page.screenshot(path=str(output_dir / "query-results.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    saved = download_info.value.path()
    rows = list(csv.reader(io.StringIO(Path(saved).read_text(encoding="utf-8"))))
    assert len(rows) == page.locator("#output table tbody tr").count() + 1
    assert rows[0] == [th.inner_text() for th in page.locator("#output table th").all()]

    # The address now holds the query: opening it again reproduces the answer.
    bookmarked = page.url
    query_text = parse_qs(urlsplit(bookmarked).query)["query"][0]
    assert query_text == _bound_text(served, name)
    again = page.context.new_page()
    Watched(again, served)
    again.goto(bookmarked)
    again.wait_for_selector("#output table tbody tr")
    assert again.locator("#output table tbody tr").count() == len(rows) - 1


def _named_rows(served: str, name: str) -> int:
    answer = httpx.get(f"{served}/queries/{name}", params={"per_page": 2000, "format": "json"})
    answer.raise_for_status()
    return len(answer.json()["results"]["bindings"])


def test_gallery_runs_a_query_with_its_parameter_defaults(watched: Watched, served: str) -> None:
    """lever-cooccurrence's default scope is "collectivity": run with ?scope unbound it also
    pairs levers across practices and answers more rows (30 vs 15 on the demo data)."""
    page = watched.page
    page.goto(f"{served}/sparql")
    page.locator('button.example[data-name="lever-cooccurrence"]').click()
    page.wait_for_selector("#output table tbody tr")
    editor = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert 'VALUES (?scope) { ("collectivity") }' in editor
    expected = _named_rows(served, "lever-cooccurrence")
    raw = next(q.text for q in queries.catalog() if q.name == "lever-cooccurrence")
    unbound = httpx.post(f"{served}/sparql", data={"query": raw}).json()
    assert len(unbound["results"]["bindings"]) != expected  # the defaults matter here
    assert page.locator("#output table tbody tr").count() == expected
    assert page.locator("#status").inner_text().startswith(f"{expected} ligne(s)")


def test_gallery_query_with_a_required_parameter_says_what_to_fill_in(
    watched: Watched, served: str
) -> None:
    page = watched.page
    page.goto(f"{served}/sparql?lang=en")
    page.locator('button.example[data-name="practice-search"]').click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "'text' is required" in alert.inner_text()
    editor = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor == next(q.text for q in queries.catalog() if q.name == "practice-search")
    # The 400 is the expected answer here, not a page fault: drop the browser's log line.
    watched.problems = [p for p in watched.problems if "400" not in p]


def test_catalog_opens_a_named_query_in_the_editor(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/queries")
    page.locator('article.named:has(h2#q-levers-by-kind) a[href*="#named="]').click()
    page.wait_for_selector("#output table tbody tr")
    editor = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor == _bound_text(served, "levers-by-kind")
    assert page.locator("#output table tbody tr").count() == _named_rows(served, "levers-by-kind")


def test_iris_are_links_and_fragment_bookmarks_work(watched: Watched, served: str) -> None:
    page = watched.page
    query = (
        "PREFIX ess: <https://w3id.org/essgraph/ontology#>\n"
        "SELECT ?p WHERE { ?p a ess:Practice } ORDER BY ?p LIMIT 3"
    )
    page.goto(f"{served}/sparql#query={quote(query, safe='')}")
    page.wait_for_selector("#output table tbody tr")
    link = page.locator("#output table tbody tr a").first
    assert link.get_attribute("href", timeout=5_000).startswith("https://w3id.org/essgraph/id/")  # type: ignore[union-attr]
    assert page.locator("#output table tbody tr").count() == 3


def test_errors_are_shown_in_the_page_language(watched: Watched, served: str) -> None:
    page = watched.page
    page.goto(f"{served}/sparql?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Run").is_visible()
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT * WHERE {')")
    page.get_by_role("button", name="Run").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Invalid SPARQL query" in alert.inner_text()
    # The 400 is the expected answer here, not a page fault: drop the browser's log line.
    watched.problems = [p for p in watched.problems if "400" not in p]


def test_catalog_page(watched: Watched, served: str, output_dir: Path) -> None:
    page = watched.page
    page.goto(f"{served}/queries", wait_until="networkidle")
    assert page.locator("h1").inner_text() == "Requêtes nommées"
    assert page.locator("article.named").count() == len(queries.catalog())
    page.screenshot(path=str(output_dir / "catalog-fr.png"), full_page=True)
