"""Deterministic keys and IRIs for what an ingest mints (see docs/model.md, "Instance IRIs").

The same text always gives the same key, so re-ingesting a file mints the same IRIs. Keys are
ASCII slugs: accents folded, case folded, apostrophes and punctuation turned into hyphens.
Collectivity name keys go further (``St`` → ``saint``, ``lès`` → ``les``, legal-form words
kept) so that "VILLE DE ST AUBIN LES PRES" and "St-Aubin-lès-Prés" meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rdflib import URIRef

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

#: Abbreviations expanded before a collectivity name key is made (whole words only).
_NAME_WORDS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "agglo": "agglomeration",
    "ca": "communaute d agglomeration",
    "cu": "communaute urbaine",
    "cc": "communaute de communes",
}
#: Words that say what kind of body a name is, not which one: dropped from collectivity keys
#: ("Ville de Saint-Aubin" and "Saint-Aubin" are one collectivity; the kind is a separate fact).
_NAME_NOISE = (
    "ville de",
    "ville d",
    "commune de",
    "commune d",
    "mairie de",
    "mairie d",
)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII without accents; œ/æ expanded; apostrophes become spaces."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def slug(text: str) -> str:
    """An IRI-safe key: ``"Maison de l'emploi"`` → ``"maison-de-l-emploi"``."""
    return _NON_ALNUM.sub("-", fold(text)).strip("-")


def collectivity_name_key(name: str) -> str:
    """The dedup key of a collectivity's name (used when there is no valid SIREN).

    Accent-, case- and punctuation-insensitive; ``St``/``Ste`` expanded; "Ville de" dropped.
    The words are kept in order: "Métropole de Bellerive" and "Bellerive Métropole" only meet
    on their SIREN (reordering words would merge bodies that differ, e.g. two "Saint-X").
    """
    words = _NON_ALNUM.sub(" ", fold(name)).split()
    words = [_NAME_WORDS.get(w, w) for w in words]
    text = " ".join(words)
    for noise in _NAME_NOISE:
        if text.startswith(noise + " "):
            text = text[len(noise) + 1 :]
            break
    return slug(text)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 1-based column index: 1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class Iris:
    """The instance IRIs of one deployment base (``{BASE}id/{kind}/{key}``)."""

    def __init__(self, base: str) -> None:
        self.base = base

    def _id(self, path: str) -> URIRef:
        return URIRef(f"{self.base}id/{path}")

    def scheme(self, name: str) -> URIRef:
        return self._id(f"scheme/{name}")

    def collectivity(self, key: str) -> URIRef:
        return self._id(f"collectivity/{key}")

    def policy(self, key: str, year: int) -> URIRef:
        return self._id(f"policy/{key}/{year}")

    def post(self, key: str) -> URIRef:
        return self._id(f"post/{key}/ess")

    def practice(self, key: str, title_key: str) -> URIRef:
        return self._id(f"practice/{key}/{title_key}")

    def partner(self, name: str) -> URIRef:
        return self._id(f"partner/{slug(name)}")

    def survey(self, survey_id: str) -> URIRef:
        return self._id(f"survey/{survey_id}")

    def source(self, source_id: str) -> URIRef:
        return self._id(f"source/{source_id}")

    def response(self, source_id: str, response_id: str) -> URIRef:
        return self._id(f"response/{source_id}/{slug(response_id) or '0'}")

    def respondent_person(self, source_id: str, response_id: str) -> URIRef:
        """The person who answered (private graph only)."""
        return URIRef(f"{self.response(source_id, response_id)}/respondent")

    def raw_answer(self, source_id: str, response_id: str, letter: str, ordinal: int) -> URIRef:
        """``…/cell/{letter}``, then ``…/cell/{letter}-2`` for a second piece of one cell."""
        suffix = letter if ordinal <= 1 else f"{letter}-{ordinal}"
        return URIRef(f"{self.response(source_id, response_id)}/cell/{suffix}")

    def source_graph(self, source_id: str) -> URIRef:
        return URIRef(f"{self.base}graph/source/{source_id}")

    def private_graph(self, source_id: str) -> URIRef:
        return URIRef(f"{self.base}graph/private/source/{source_id}")
