"""Sums in euros written by hand: "1,5 M€", "150 000 €", "entre 50 et 80 k€", "NC"…"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ingest.normalise import Normalised
from ingest.normalise.text import clean_spaces, fold, strip_accents
from ingest.records import Amount, Flag

_NOT_COMMUNICATED = re.compile(
    r"^(nc|n\.c\.?|n/c|non communiqu[ée]e?s?|ne sait pas|nsp|inconnu|\?+|-|/)$"
)
_APPROX = re.compile(r"\b(environ|env\.?|approx(imativement)?|pres de|autour de|~|≈|\+/-|ca\.)")
_PER_YEAR = re.compile(r"(/\s*an\b|par an\b|annuel(le)?s?\b|/\s*annee\b|par annee\b)")
# A number with French or English grouping: "1 500 000", "200.000", "1,5", "150000".
_NUMBER = re.compile(r"\d+(?:[ .,']\d+)*")
_UNIT = re.compile(r"^\s*(md|mds|milliards?|m|millions?|k|kilo|milliers?|mille)(?![a-z])")
_MULTIPLIERS = {
    "md": Decimal(10) ** 9,
    "mds": Decimal(10) ** 9,
    "milliard": Decimal(10) ** 9,
    "milliards": Decimal(10) ** 9,
    "m": Decimal(10) ** 6,
    "million": Decimal(10) ** 6,
    "millions": Decimal(10) ** 6,
    "k": Decimal(1000),
    "kilo": Decimal(1000),
    "millier": Decimal(1000),
    "milliers": Decimal(1000),
    "mille": Decimal(1000),
}
_RANGE = re.compile(r"^(?:entre|de)?\s*(?P<a>.+?)\s*(?:\bet\b|\ba\b|-|–)\s*(?P<b>.+)$")
_CURRENCY = re.compile(r"(€|\beuros?\b|\beur\b)")


def _number(token: str, has_multiplier: bool) -> Decimal:
    """A written number: "200.000" is two hundred thousand, "1.5" one and a half."""
    token = token.replace(" ", "").replace("'", "")
    if "," in token and "." in token:
        decimal_sep = "," if token.rfind(",") > token.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        token = token.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in token:
        token = token.replace(",", ".") if token.count(",") == 1 else token.replace(",", "")
    elif "." in token:
        groups = token.split(".")
        if len(groups) > 2 or (not has_multiplier and all(len(g) == 3 for g in groups[1:])):
            token = token.replace(".", "")  # dots as thousands separators: "200.000"
    return Decimal(token)


def _plain(value: Decimal) -> Decimal:
    """An integral Decimal for whole sums (1.5 × 10⁶ → 1500000), the exact figure otherwise."""
    integral = value.to_integral_value()
    return Decimal(int(integral)) if value == integral else value.normalize()


def _figures(text: str) -> list[tuple[Decimal, Decimal | None]]:
    """Each number of the text with the multiplier written right after it, if any."""
    found: list[tuple[Decimal, Decimal | None]] = []
    for match in _NUMBER.finditer(text):
        unit = _UNIT.match(text[match.end() :])
        multiplier = _MULTIPLIERS[unit.group(1)] if unit else None
        found.append((_number(match.group(0), multiplier is not None), multiplier))
    return found


def parse_amount(text: str) -> Normalised[Amount]:
    """Read a sum in euros; the flags say approximate, range, per-year or why there is none."""
    folded = strip_accents(fold(text))
    flags: list[Flag] = []
    if _NOT_COMMUNICATED.match(folded.strip(" .")):
        return Normalised(Amount(None), ["not-communicated"])
    approximate = bool(_APPROX.search(folded))
    per_year = bool(_PER_YEAR.search(folded))
    body = _PER_YEAR.sub(" ", _APPROX.sub(" ", folded))
    body = clean_spaces(_CURRENCY.sub(" ", body))
    try:
        figures = _figures(body)
    except InvalidOperation:
        figures = []
    if not figures:
        return Normalised(Amount(None), ["not-an-amount"])
    if approximate:
        flags.append("approximate")
    if per_year:
        flags.append("per-year")
    range_match = _RANGE.match(body) if len(figures) == 2 else None
    if range_match:
        (low, m_low), (high, m_high) = figures
        m_high = m_high or m_low or Decimal(1)
        m_low = m_low or m_high
        low, high = _plain(low * m_low), _plain(high * m_high)
        if low > high:
            low, high = high, low
        flags.append("range")
        mid = _plain((low + high) / 2)
        return Normalised(Amount(mid, low, high, per_year, approximate=True), flags)
    value, multiplier = figures[0]
    if len(figures) > 1:
        flags.append("extra-text")
    rest = _NUMBER.sub(" ", body)
    rest = _UNIT.sub(" ", rest.strip())
    if re.search(r"[a-z]{3,}", rest):
        flags.append("extra-text")
    amount = _plain(value * (multiplier or Decimal(1)))
    return Normalised(Amount(amount, per_year=per_year, approximate=approximate), flags)
