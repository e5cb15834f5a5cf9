"""SIREN numbers as typed or exported: spaces, "SIREN :" prefixes, XLSX numbers, SIRETs."""

from __future__ import annotations

import re

from ingest.normalise import Normalised
from ingest.records import Flag, Siren


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum SIREN and SIRET numbers carry (INSEE)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def parse_siren(text: str) -> Normalised[Siren]:
    """Read a SIREN; ``value`` is set only for 9 digits passing Luhn (a SIRET gives its SIREN)."""
    digits = "".join(re.findall(r"\d", text))
    flags: list[Flag] = []
    if len(digits) == 8 and text.strip().isdigit():
        # A SIREN starting with 0 stored as a number in a spreadsheet loses its zero.
        digits = "0" + digits
        flags.append("siren-zero-restored")
    if len(digits) == 14:
        flags.append("siret-reduced-to-siren")
        candidate = digits[:9]
    elif len(digits) == 9:
        candidate = digits
    else:
        return Normalised(Siren(None, digits), [*flags, "siren-wrong-length"])
    if not luhn_ok(candidate):
        return Normalised(Siren(None, digits), [*flags, "luhn-failed"])
    return Normalised(Siren(candidate, digits), flags)
