"""Yes/no markers, the defaults and a profile's own."""

from __future__ import annotations

import pytest

from ingest.normalise.booleans import parse_boolean


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Y", True),
        ("N", False),
        ("Oui", True),
        ("Non", False),
        ("X", True),
        ("1", True),
        ("0", False),
        (" oui ", True),
        ("peut-être", None),
    ],
)
def test_default_markers(text: str, value: bool | None) -> None:
    parsed = parse_boolean(text)
    assert parsed.value is value
    assert parsed.flags == ([] if value is not None else ["not-a-boolean"])


def test_profile_markers() -> None:
    assert parse_boolean("Coché", true=["Coché"], false=["-"]).value is True
    assert parse_boolean("Oui", true=["Coché"], false=["-"]).value is None
