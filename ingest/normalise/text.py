"""Text folding shared by normalisers and header matching: spaces, apostrophes, case, accents.

Survey answers repeat (option labels, markers, levels): the folds are cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# No-break spaces (U+00A0, U+202F, U+2007), tabs and line breaks all count as one space.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=1 << 16)
def clean_spaces(text: str) -> str:
    """NFC text with every run of (no-break) spaces made one space, and no outer spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def straight_apostrophes(text: str) -> str:
    """Typographic apostrophes (’ ‘ ʼ) made straight (')."""
    return text.translate(_APOSTROPHES)


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Spaces cleaned, typographic apostrophes made straight, lower case (accents kept)."""
    return clean_spaces(text).translate(_APOSTROPHES).lower()


def strip_accents(text: str) -> str:
    """Letters without their diacritics ("lès" → "les", "Économie" → "Economie")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
