"""Accept parsing and choice: q-values, wildcards, parameters, server order on ties."""

from __future__ import annotations

import pytest

from api.i18n import pick_lang
from api.negotiation import choose, parse_accept, prefers_html, weight

RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/*", "text/csv"),
        ("text/*;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml;q=0.9, text/csv;q=0.1", "application/sparql-results+xml"),
        ("*/*;q=0.1, text/csv;q=0", "application/sparql-results+json"),
        ("text/csv;q=0, */*", "application/sparql-results+json"),
        ("text/csv; charset=utf-8", "text/csv"),
        ("TEXT/CSV", "text/csv"),
        ("application/json", None),
        ("image/png", None),
        ("text/csv;q=0", None),
    ],
)
def test_choose(header: str | None, expected: str | None) -> None:
    assert choose(header, RESULTS) == expected


def test_ties_go_to_server_order() -> None:
    assert choose("text/csv, application/sparql-results+json", RESULTS) == RESULTS[0]


def test_the_most_specific_range_decides() -> None:
    ranges = parse_accept("text/*;q=0.3, text/csv;q=0.7, */*;q=0.1")
    assert weight(ranges, "text/csv") == 0.7
    assert weight(ranges, "text/tab-separated-values") == 0.3
    assert weight(ranges, "application/sparql-results+json") == 0.1


def test_parameters_and_malformed_elements() -> None:
    ranges = parse_accept('text/turtle;charset="utf-8";q=0.4, garbage, */plain, ;q=1')
    assert [(r.type, r.subtype, r.q, r.params) for r in ranges] == [
        ("text", "turtle", 0.4, {"charset": "utf-8"})
    ]
    assert parse_accept("text/csv;q=abc")[0].q == 0.0
    assert parse_accept("text/csv;q=7")[0].q == 1.0


def test_html_only_when_named_and_ranked_first() -> None:
    assert prefers_html(BROWSER, RESULTS)
    assert not prefers_html("*/*", RESULTS)
    assert not prefers_html(None, RESULTS)
    assert not prefers_html("application/sparql-results+json, text/html;q=0.5", RESULTS)
    assert not prefers_html("text/html;q=0", RESULTS)


@pytest.mark.parametrize(
    ("explicit", "header", "expected"),
    [
        (None, None, "fr"),
        ("en", "fr-FR", "en"),
        ("de", "en-GB,en;q=0.9", "en"),
        (None, "de-DE, en;q=0.8, fr;q=0.9", "fr"),
        (None, "en;q=0", "fr"),
    ],
)
def test_language(explicit: str | None, header: str | None, expected: str) -> None:
    assert pick_lang(explicit, header) == expected
