"""The valid / invalid example corpus: each file states the results it must produce.

An invalid file carries one or more header lines
``# expect: violation shp:PracticeHasFrenchTitle "Une pratique doit avoir un titre en français"``;
validation must produce exactly those (severity, shape) pairs, and each message must contain
the quoted text (in French or English). A valid file has no violation and only the warnings
it declares the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from ontology import DEFAULT_BASE
from shapes import SHP, validate

EXAMPLES = Path(__file__).parent / "examples"
FILES = sorted(EXAMPLES.glob("*.ttl"))
EXPECT = re.compile(r'^#\s*expect:\s*(violation|warning|info)\s+shp:(\w+)\s+"([^"]+)"\s*$')


@dataclass(frozen=True)
class Expectation:
    severity: str
    shape: str
    message: str


def expectations(path: Path) -> list[Expectation]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            severity, local, message = match.groups()
            found.append(Expectation(severity, str(SHP[local]), message))
        elif line.startswith("# expect"):
            raise AssertionError(f"malformed expect line in {path.name}: {line!r}")
    return found


def test_corpus_is_large_and_named_consistently() -> None:
    assert len(FILES) >= 20
    for path in FILES:
        assert re.match(r"^\d\d-(valid|invalid)-[a-z0-9-]+\.ttl$", path.name), path.name


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_example(path: Path) -> None:
    expected = expectations(path)
    graph = Graph().parse(path, format="turtle", publicID=DEFAULT_BASE)
    report = validate(graph)

    if "-valid-" in path.name:
        assert report.conforms, report.to_text("en")
        assert all(e.severity != "violation" for e in expected), "a valid file expects a violation"
    else:
        assert not report.conforms, "an invalid file must produce a violation"
        assert any(e.severity == "violation" for e in expected), "no expected violation declared"

    got = {(r.severity, str(r.shape)) for r in report.results}
    want = {(e.severity, e.shape) for e in expected}
    assert got == want, report.to_text("en")
    for expectation in expected:
        messages = [
            (r.message_fr, r.message_en)
            for r in report.results
            if str(r.shape) == expectation.shape and r.severity == expectation.severity
        ]
        assert any(expectation.message in fr or expectation.message in en for fr, en in messages), (
            f"no message of {expectation.shape} contains {expectation.message!r}: {messages}"
        )
