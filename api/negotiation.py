"""HTTP content negotiation: ``Accept`` parsed per RFC 9110 (q-values, wildcards, parameters).

The server lists what it can send, in its order of preference; the client's ranges pick among
them. A range's most specific match decides an offer's weight (``text/csv;q=0`` excludes CSV
even when ``*/*`` is accepted); ties go to the server's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header, e.g. ``text/*;q=0.5``."""

    type: str
    subtype: str
    q: float = 1.0
    params: dict[str, str] = field(default_factory=dict)

    def matches(self, media_type: str) -> bool:
        kind, _, sub = _essence(media_type).partition("/")
        return (self.type in ("*", kind)) and (self.subtype in ("*", sub))

    @property
    def specificity(self) -> int:
        """``*/*`` < ``type/*`` < ``type/subtype`` < ``type/subtype;param``."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header; malformed elements are skipped (RFC 9110 leniency).

    An absent or empty header means ``*/*``.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*")]
    ranges = []
    for element in header.split(","):
        parts = [p.strip() for p in element.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        params: dict[str, str] = {}
        for param in parts[1:]:
            name, eq, value = param.partition("=")
            name = name.strip().lower()
            value = value.strip().strip('"')
            if not eq or not name:
                continue
            if name == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions, not media type parameters
            params[name] = value
        ranges.append(MediaRange(kind, sub, q, params))
    return ranges


def weight(ranges: Sequence[MediaRange], offer: str) -> float:
    """The q-value the client gives ``offer``: that of the most specific matching range."""
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(offer) and (
            best is None or media_range.specificity > best.specificity
        ):
            best = media_range
    return 0.0 if best is None else best.q


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers (server order breaks ties), or None if nothing fits."""
    ranges = parse_accept(header)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = weight(ranges, offer)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


def prefers_html(header: str | None, data_offers: Sequence[str]) -> bool:
    """Whether a browser-like client names HTML explicitly and ranks it at least as high as
    any data format (``*/*`` alone never means HTML: curl and SPARQL clients get data)."""
    ranges = parse_accept(header)
    explicit = [r for r in ranges if r.type == "text" and r.subtype == "html" and r.q > 0]
    if not explicit:
        return False
    html_q = max(r.q for r in explicit)
    return all(weight(ranges, offer) <= html_q for offer in data_offers)
