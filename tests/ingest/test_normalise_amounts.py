"""Amounts in euros: every budget quirk of the samples, parsed or flagged, raw text kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.normalise.amounts import parse_amount

D = Decimal


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("1,5 M€", D(1500000), []),
        ("150\u202f000\u00a0€", D(150000), []),
        ("150\u00a0000 €", D(150000), []),
        ("150k€", D(150000), []),
        ("80 k€", D(80000), []),
        ("80k€", D(80000), []),
        ("environ 20000", D(20000), ["approximate"]),
        ("200.000 €", D(200000), []),
        ("2,3M€", D(2300000), []),
        ("400 000", D(400000), []),
        ("400000", D(400000), []),
        ("1 500 000", D(1500000), []),
        ("250 000 €", D(250000), []),
        ("0", D(0), []),
        ("45 000 euros/an", D(45000), ["per-year"]),
        ("12 000 €/an", D(12000), ["per-year"]),
        ("NC", None, ["not-communicated"]),
        ("bail emphytéotique", None, ["not-an-amount"]),
        ("1.5 M€", D(1500000), []),
        ("20000 (estimation)", D(20000), ["extra-text"]),
    ],
)
def test_amounts(text: str, value: Decimal | None, flags: list[str]) -> None:
    parsed = parse_amount(text)
    assert parsed.value.value == value
    assert parsed.flags == flags


def test_range_gives_bounds_and_mid_point() -> None:
    parsed = parse_amount("entre 50 et 80 k€")
    amount = parsed.value
    assert (amount.low, amount.high, amount.value) == (D(50000), D(80000), D(65000))
    assert amount.approximate and parsed.flags == ["range"]


def test_per_year_and_approximate_are_on_the_amount() -> None:
    assert parse_amount("45 000 euros/an").value.per_year
    assert parse_amount("environ 20000").value.approximate
