"""Submission dates in each tool's format."""

from __future__ import annotations

from datetime import datetime

import pytest

from ingest.normalise.dates import parse_datetime


@pytest.mark.parametrize(
    ("text", "formats", "expected"),
    [
        ("14/12/2020 09:41:55", ["%d/%m/%Y %H:%M:%S"], datetime(2020, 12, 14, 9, 41, 55)),
        ("12/14/2020 09:12:03 AM", ["%m/%d/%Y %I:%M:%S %p"], datetime(2020, 12, 14, 9, 12, 3)),
        ("12/21/2020 03:27:41 PM", ["%m/%d/%Y %I:%M:%S %p"], datetime(2020, 12, 21, 15, 27, 41)),
        ("2020-12-14 09:41:55", [], datetime(2020, 12, 14, 9, 41, 55)),
        ("2022-05-02T09:21:40", [], datetime(2022, 5, 2, 9, 21, 40)),
    ],
)
def test_dates(text: str, formats: list[str], expected: datetime) -> None:
    parsed = parse_datetime(text, formats)
    assert parsed.value == expected and parsed.flags == []


def test_unparsed_date_is_flagged() -> None:
    assert parse_datetime("hier", ["%d/%m/%Y"]).flags == ["date-unparsed"]
