"""Years written by hand: "depuis 2012", "2015 ?", "2019-2020", "01/09/2016"."""

from __future__ import annotations

import re

from ingest.normalise import Normalised
from ingest.normalise.text import fold
from ingest.records import Flag, Year

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_SHORT_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{2,4}$")  # "09/2016", "9-16"
_PLAUSIBLE = range(1945, 2036)


def parse_year(text: str) -> Normalised[Year]:
    """Read a start year; a span keeps its end, a question mark marks it uncertain."""
    folded = fold(text)
    flags: list[Flag] = []
    years = [int(y) for y in _YEAR.findall(folded)]
    if not years:
        return Normalised(Year(None), ["not-a-year"])
    uncertain = "?" in folded or bool(re.search(r"\b(vers|environ|env\.|~)", folded))
    if uncertain:
        flags.append("year-uncertain")
    end = None
    if len(years) > 1 and years[1] > years[0]:
        end = years[1]
        flags.append("year-range")
    elif len(years) > 1:
        flags.append("extra-text")
    if years[0] not in _PLAUSIBLE:
        flags.append("year-implausible")
    return Normalised(Year(years[0], end=end, uncertain=uncertain), flags)
