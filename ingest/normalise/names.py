"""Collectivity names and their dedup key: one key for every way of writing one name."""

from __future__ import annotations

import re

from ingest.normalise.text import fold, strip_accents

# Words naming the kind of collectivity or linking words: dropped from the key, so
# "Métropole de Bellerive" and "Bellerive Métropole" meet.
GENERIC_WORDS = frozenset(
    [
        "ville",
        "commune",
        "communes",
        "metropole",
        "eurometropole",
        "communaute",
        "urbaine",
        "agglomeration",
        "agglo",
        "ca",
        "cu",
        "cc",
        "ept",
        "etablissement",
        "public",
        "territorial",
        "grand",
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "et",
        "en",
    ]
)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def name_tokens(name: str) -> list[str]:
    """Lower-case words without accents, abbreviations spelled out, generic words dropped."""
    words = re.findall(r"[a-z0-9]+", strip_accents(fold(name)))
    words = [_ABBREVIATIONS.get(w, w) for w in words]
    kept = [w for w in words if w not in GENERIC_WORDS]
    return kept or words


def name_key(name: str) -> str:
    """The dedup key: the name's distinctive words, sorted, joined by "-".

    "VILLE DE ST AUBIN LES PRES", "St-Aubin-les-Prés" and "Saint-Aubin-lès-Prés" all give
    "aubin-pres-saint"; word order does not matter ("Bellerive Métropole").
    """
    return "-".join(sorted(name_tokens(name)))


def display_name(name: str) -> str:
    """The name as written, with spaces cleaned and straight apostrophes."""
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip()
