"""Submission dates in each tool's format: "14/12/2020 09:41:55", "12/14/2020 09:12:03 AM"…"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ingest.normalise import Normalised
from ingest.normalise.text import clean_spaces


def parse_datetime(text: str, formats: Sequence[str] = ()) -> Normalised[datetime | None]:
    """The first of the profile's formats that reads the text, else ISO 8601, else None."""
    cleaned = clean_spaces(text)
    for fmt in formats:
        try:
            return Normalised(datetime.strptime(cleaned, fmt))
        except ValueError:
            continue
    try:
        return Normalised(datetime.fromisoformat(cleaned))
    except ValueError:
        return Normalised(None, ["date-unparsed"])
