"""Yes/no answers: "Y"/"N", "Oui"/"Non", "X", "1"/"0", or the markers a profile gives."""

from __future__ import annotations

from collections.abc import Iterable

from ingest.normalise import Normalised
from ingest.normalise.text import fold

TRUE_MARKERS = ("oui", "o", "yes", "y", "x", "1", "vrai", "true")
FALSE_MARKERS = ("non", "n", "no", "0", "faux", "false")


def parse_boolean(
    text: str,
    true: Iterable[str] = TRUE_MARKERS,
    false: Iterable[str] = FALSE_MARKERS,
) -> Normalised[bool | None]:
    """True or False by marker (case and spaces ignored); anything else is None, flagged."""
    folded = fold(text)
    if folded in {fold(m) for m in true}:
        return Normalised(True)
    if folded in {fold(m) for m in false}:
        return Normalised(False)
    return Normalised(None, ["not-a-boolean"])
