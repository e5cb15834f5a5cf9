"""Years: "depuis 2012", "2015 ?", "2019-2020", dates from date pickers."""

from __future__ import annotations

import pytest

from ingest.normalise.years import parse_year


@pytest.mark.parametrize(
    ("text", "value", "end", "uncertain", "flags"),
    [
        ("2016", 2016, None, False, []),
        ("depuis 2012", 2012, None, False, []),
        ("2015 ?", 2015, None, True, ["year-uncertain"]),
        ("2019-2020", 2019, 2020, False, ["year-range"]),
        ("01/09/2016", 2016, None, False, []),
        ("15/03/2019", 2019, None, False, []),
        ("2016-09-01", 2016, None, False, []),
        ("1890", 1890, None, False, ["year-implausible"]),
        ("en projet", None, None, False, ["not-a-year"]),
    ],
)
def test_years(
    text: str, value: int | None, end: int | None, uncertain: bool, flags: list[str]
) -> None:
    parsed = parse_year(text)
    assert (parsed.value.value, parsed.value.end, parsed.value.uncertain) == (
        value,
        end,
        uncertain,
    )
    assert parsed.flags == flags
