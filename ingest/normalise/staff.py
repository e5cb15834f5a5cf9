"""Full-time equivalents written by hand: "0,5", "1 ETP et demi", "2 ETP (dont 1 vacant)"."""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.normalise import Normalised
from ingest.normalise.text import fold, strip_accents
from ingest.records import Flag, Staff

_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DETAIL = re.compile(r"\((?P<detail>[^)]*)\)")
_PART_TIME = re.compile(r"temps partiel|partiellement|en partie|quelques heures")
_HALF_TIME = re.compile(r"\bmi[- ]temps\b")
_APPROX = re.compile(r"\b(environ|env\.?|~|pres de|autour de)")


def parse_staff(text: str) -> Normalised[Staff]:
    """Read an ETP figure; a detail in brackets ("dont 1 vacant") is kept as a flag."""
    folded = strip_accents(fold(text))
    flags: list[Flag] = []
    if _DETAIL.search(folded):
        flags.append("staff-detail")
        folded = _DETAIL.sub(" ", folded)
    approximate = bool(_APPROX.search(folded))
    if approximate:
        flags.append("approximate")
    number = _NUMBER.search(folded)
    value: Decimal | None
    if number:
        value = Decimal(number.group(0).replace(",", "."))
    else:
        word = next((w for w in re.findall(r"[a-z]+", folded) if w in _WORDS), None)
        value = Decimal(_WORDS[word]) if word else None
    if value is not None and re.search(r"\bet (demi|une demie|un demi)\b", folded):
        value += Decimal("0.5")
    elif value is not None and re.search(r"\bet quart\b", folded):
        value += Decimal("0.25")
    if value is None and _HALF_TIME.search(folded):
        value = Decimal("0.5")
        flags.append("half-time")
    if value is None:
        flags.append("part-time-unquantified" if _PART_TIME.search(folded) else "not-a-number")
        return Normalised(Staff(None), flags)
    if len(_NUMBER.findall(folded)) > 1:
        flags.append("extra-text")
    return Normalised(Staff(value, approximate=approximate), flags)
