"""Small rules: the timeout a client asks can only lower the cap; paging keeps the prologue."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from api.errors import ApiProblem
from api.pagination import paged_text, prologue_end
from api.protocol import effective_timeout
from essgraph.settings import Settings


@pytest.mark.parametrize(
    ("asked", "expected"), [(None, 30.0), ("", 30.0), ("2", 2.0), ("99", 30.0)]
)
def test_timeout_only_lowers_the_cap(asked: str | None, expected: float) -> None:
    assert effective_timeout(asked, Settings(query_timeout=30)) == expected


def test_bad_timeout_names_the_parameter() -> None:
    with pytest.raises(ApiProblem) as caught:
        effective_timeout("-1", Settings())
    assert caught.value.extra["parameter"] == "timeout"


def test_paging_wraps_the_query_and_keeps_its_order() -> None:
    text = (
        "BASE <http://example.org/>\n# a comment with SELECT in it\n"
        "PREFIX : <http://example.org/>\nPREFIX ex: <http://example.org/x#>\n"
        "SELECT ?n WHERE { VALUES ?n { 3 1 2 5 4 } } ORDER BY DESC(?n)"
    )
    assert text[prologue_end(text) :].startswith("SELECT ?n")
    store = ox.Store()
    first = store.query(paged_text(text, None, limit=2, offset=0))
    second = store.query(paged_text(text, None, limit=2, offset=2))
    assert [int(s["n"].value) for s in first] == [5, 4]  # type: ignore[union-attr]
    assert [int(s["n"].value) for s in second] == [3, 2]  # type: ignore[union-attr]
