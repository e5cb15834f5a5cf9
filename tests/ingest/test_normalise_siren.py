"""SIREN: spaces, prefixes, XLSX numbers, SIRET reduced, Luhn failures."""

from __future__ import annotations

import pytest

from ingest.normalise.siren import luhn_ok, parse_siren


@pytest.mark.parametrize(
    ("text", "value", "digits", "flags"),
    [
        ("200 012 342", "200012342", "200012342", []),
        ("SIREN : 200077113", "200077113", "200077113", []),
        ("SIREN 200077113", "200077113", "200077113", []),
        ("200012342", "200012342", "200012342", []),  # an XLSX number, as the reader gives it
        ("21990123800010", "219901238", "21990123800010", ["siret-reduced-to-siren"]),
        ("240055443", None, "240055443", ["luhn-failed"]),
        ("2400554", None, "2400554", ["siren-wrong-length"]),
        ("12345678", None, "012345678", ["siren-zero-restored", "luhn-failed"]),
    ],
)
def test_siren(text: str, value: str | None, digits: str, flags: list[str]) -> None:
    parsed = parse_siren(text)
    assert parsed.value.value == value
    assert parsed.value.digits == digits
    assert parsed.flags == flags


def test_luhn() -> None:
    assert luhn_ok("200012342")
    assert not luhn_ok("240055443")
