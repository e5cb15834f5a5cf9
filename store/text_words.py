"""Words of the full-text index: French stems, and the FTS5 query of a user's text.

Both sides of the index share these: documents get their stems (``*_stem`` columns) from
:func:`stem_text` at index time, and :func:`match_expression` asks for a word or its stem at
query time, so "économique" finds "économie". Stems come from Snowball (the
``snowballstemmer`` package). User text never reaches FTS5 as syntax: only word characters
are kept and each token is quoted.
"""

from __future__ import annotations

import functools
import re
import threading

import snowballstemmer

#: A user's word: letters and digits (any script), optionally ending in ``*`` (prefix).
_USER_TOKEN = re.compile(r"(\w+)(\*?)")
_WORD = re.compile(r"\w+")
#: Cap on the words of one query (a longer text is cut: it is a search box, not a document).
MAX_QUERY_TOKENS = 16

_STEMMER = snowballstemmer.stemmer("french")
_STEM_LOCK = threading.Lock()  # Snowball stemmer objects keep state between calls


def stem_text(text: str) -> str:
    """The French stems of every word of ``text`` (lower-cased first), space-separated."""
    return " ".join(_stem(w) for w in _WORD.findall(text))


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """One word's stem; cached, since a corpus repeats its words (and Snowball is Python)."""
    with _STEM_LOCK:
        stem: str = _STEMMER.stemWord(word.lower())
    return stem


def match_expression(text: str) -> str | None:
    """The FTS5 query for a user's text, or None when it holds no word.

    Each word becomes ``("word" OR "stem")`` (``"word"*`` when the user ended it with ``*``),
    and words are ANDed. Only word characters survive, each token is double-quoted, so
    quotes, ``NEAR``, ``-``, ``:``, parentheses or column names are searched as plain words
    (or dropped), never read as FTS5 syntax.
    """
    parts: list[str] = []
    for raw, star in _USER_TOKEN.findall(text)[:MAX_QUERY_TOKENS]:
        word = raw.lower()  # FTS5 folds case anyway; one expression (and cache entry) per word
        if star:
            parts.append(f'"{word}"*')
            continue
        stem = _stem(word)
        alternatives = [f'"{word}"'] + ([f'"{stem}"'] if stem and stem != word else [])
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) if parts else None


__all__ = ["MAX_QUERY_TOKENS", "match_expression", "stem_text"]
