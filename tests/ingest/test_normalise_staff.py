"""Full-time equivalents: every staff quirk of the samples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.normalise.staff import parse_staff


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("0,5", Decimal("0.5"), []),
        ("1.5", Decimal("1.5"), []),
        ("3,5", Decimal("3.5"), []),
        ("3.5", Decimal("3.5"), []),
        ("1 ETP et demi", Decimal("1.5"), []),
        ("2 ETP (dont 1 vacant)", Decimal(2), ["staff-detail"]),
        ("4 (dont 1 apprenti)", Decimal(4), ["staff-detail"]),
        ("0,8 ETP", Decimal("0.8"), []),
        ("0", Decimal(0), []),
        ("à temps partiel", None, ["part-time-unquantified"]),
        ("deux ETP", Decimal(2), []),
        ("mi-temps", Decimal("0.5"), ["half-time"]),
        ("on ne sait pas", None, ["not-a-number"]),
    ],
)
def test_staff(text: str, value: Decimal | None, flags: list[str]) -> None:
    parsed = parse_staff(text)
    assert parsed.value.value == value
    assert parsed.flags == flags
