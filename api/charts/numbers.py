"""Numbers as readers expect them (1 234,5 in French, 1,234.5 in English) and axis scales."""

from __future__ import annotations

import math
from typing import Literal

Lang = Literal["fr", "en"]


def number(value: float, lang: Lang, digits: int = 1) -> str:
    """``value`` rounded to ``digits`` decimals, trailing zeros dropped; French uses a narrow
    no-break space between thousands and a decimal comma."""
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: float, lang: Lang) -> str:
    return f"{number(value, lang)}\u00a0%" if lang == "fr" else f"{number(value, lang)}%"


def money(value: float, lang: Lang) -> str:
    return f"{number(value, lang, 0)}\u00a0€" if lang == "fr" else f"€{number(value, lang, 0)}"


def nice_ticks(maximum: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (1, 2 or 5 times a power of ten);
    ``whole``: steps of at least 1 (counts have no half practice)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(step, 1.0)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten spanning [low, high] (both > 0)."""
    first = math.floor(math.log10(low))
    last = math.ceil(math.log10(high))
    if first == last:
        last += 1
    return [10.0**e for e in range(first, last + 1)]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def plain(value: float) -> str:
    """A machine-readable number for ``data-value`` attributes: 1500000, 0.8 (no exponent)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text
