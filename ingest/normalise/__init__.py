"""Normalisers: free French answers become the typed values of `ingest.records`, plus flags.

Each normaliser is a pure function of the cell's text returning a `Normalised` (value and
flags). None of them loses anything: the raw text stays in the `Cell` the value came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ingest.records import Flag

T = TypeVar("T", covariant=True)


@dataclass(frozen=True)
class Normalised(Generic[T]):
    """A typed value read from text, with the flags saying what was odd about the text."""

    value: T
    flags: list[Flag] = field(default_factory=list)
