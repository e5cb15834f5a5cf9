"""Cells holding several values: partner lists, and options joined by a separator."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.normalise.text import fold

_OPEN, _CLOSE = "([{«", ")]}»"


def split_list(text: str, separators: Sequence[str] = (";", ",")) -> list[str]:
    """Split on any separator outside brackets: "CRESS ; France Active (Région, État)"."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        sep = next((s for s in separators if text.startswith(s, i)), None) if not depth else None
        if sep is not None:
            parts.append("".join(current))
            current = []
            i += len(sep)
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class Piece:
    """A piece of a joined cell: the text, and the known option it is (None: free text)."""

    text: str
    option: str | None


def split_joined(text: str, separator: str, options: Sequence[str]) -> list[Piece]:
    """Split options joined by ``separator``, matching known labels first, longest first.

    "Accompagnement, incubation, Mobilité" with the option "Accompagnement, incubation"
    gives two pieces, never three. Text matching no option (an "other" answer) runs up to
    the next known option and becomes one free piece. A trailing separator is tolerated.
    """
    folded = _fold_same_length(text)
    by_length = _by_length(tuple(options))
    sep = _fold_same_length(separator).strip() or separator
    pieces: list[Piece] = []
    i, n = 0, len(text)

    def option_at(pos: int) -> tuple[str, str] | None:
        for key, label in by_length:
            end = pos + len(key)
            if folded.startswith(key, pos) and _boundary(folded, end, sep):
                return key, label
        return None

    while i < n:
        i = _skip(folded, i, sep)
        if i >= n:
            break
        found = option_at(i)
        if found is not None:
            key, label = found
            pieces.append(Piece(text[i : i + len(key)], label))
            i += len(key)
            continue
        j = i
        while True:
            k = folded.find(sep, j)
            if k == -1:
                j = n
                break
            after = _skip(folded, k, sep)
            if after >= n or option_at(after) is not None:
                j = k
                break
            j = k + len(sep)
        free = text[i:j].strip()
        if free:
            pieces.append(Piece(free, None))
        i = j
    return pieces


@lru_cache(maxsize=256)
def _by_length(options: tuple[str, ...]) -> list[tuple[str, str]]:
    """(folded label, label) pairs, longest first."""
    pairs = {(_fold_same_length(o.strip()), o) for o in options if o.strip()}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))


def _fold_same_length(text: str) -> str:
    """Fold case, no-break spaces and apostrophes, keeping every character's position."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join((fold(c) or " ") if len(fold(c) or " ") == 1 else c for c in text)


def _skip(folded: str, i: int, sep: str) -> int:
    """Past spaces and separators."""
    n = len(folded)
    while i < n:
        if folded[i].isspace():
            i += 1
        elif folded.startswith(sep, i):
            i += len(sep)
        else:
            break
    return i


def _boundary(folded: str, end: int, sep: str) -> bool:
    """An option match must end the cell or be followed by the separator."""
    rest = folded[end:].lstrip()
    return not rest or rest.startswith(sep)
