"""Stacked vertical bars: one bar per category (a year), one labelled segment per series.

Colour is never the only cue: each segment tall enough carries its series code and value, the
legend repeats the codes in stack order, and every segment has a hover title.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from api.charts import svg
from api.charts.numbers import Lang, nice_ticks, number, plain

PLOT_HEIGHT = 240.0
BAR = 40.0
GAP = 18.0
TOP = 40.0
LEFT = 56.0
LEGEND_LINE = 20.0


@dataclass(frozen=True)
class Series:
    """One stacked series: a short code shown on segments, its label, one value a category."""

    code: str
    label: str
    values: tuple[float, ...]


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    categories: list[str],
    series: list[Series],
    lang: Lang,
    axis_label: str,
) -> ET.Element:
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = nice_ticks(max(totals, default=0), whole=True)
    top_value = ticks[-1]
    plot_width = len(categories) * (BAR + GAP) + GAP
    legend_width = max((svg.text_width(f"{s.code} {s.label}", 12) for s in series), default=0)
    width = max(LEFT + plot_width + 16, LEFT + legend_width + 40, 320)
    height = TOP + PLOT_HEIGHT + 44 + LEGEND_LINE * len(series) + 8
    root = svg.canvas(chart_id, width, height, title, desc)
    bottom = TOP + PLOT_HEIGHT

    def y_of(value: float) -> float:
        return bottom - PLOT_HEIGHT * value / top_value

    axis = svg.group(root, "axis")
    for tick in ticks:
        svg.line(axis, LEFT, y_of(tick), LEFT + plot_width, y_of(tick))
        svg.text(axis, LEFT - 6, y_of(tick) + 4, number(tick, lang), anchor="end", fill=svg.MUTED)
    svg.text(axis, 8, 14, axis_label, fill=svg.MUTED)
    svg.line(axis, LEFT, bottom, LEFT + plot_width, bottom, stroke=svg.INK)

    bars = svg.group(root, "bars")
    for index, category in enumerate(categories):
        x = LEFT + GAP + index * (BAR + GAP)
        bar = svg.group(bars, "bar", **{"data-category": category})
        base = 0.0
        for position, one in enumerate(series):
            value = one.values[index]
            if value <= 0:
                continue
            fill = svg.CATEGORICAL[position % len(svg.CATEGORICAL)]
            y_top = y_of(base + value)
            segment_height = y_of(base) - y_top
            svg.rect(
                bar,
                x,
                y_top,
                BAR,
                segment_height,
                fill,
                stroke=svg.INK,
                tip=f"{category} · {one.code} {one.label} : {number(value, lang)}",
                category=category,
                series=one.code,
                value=plain(value),
            ).set("class", "segment")
            if segment_height >= 15:
                label = f"{one.code} {number(value, lang)}"
                size = 10 if svg.text_width(label, 10) <= BAR else 9
                svg.text(
                    bar,
                    x + BAR / 2,
                    y_top + segment_height / 2 + 4,
                    label,
                    anchor="middle",
                    size=size,
                    fill=svg.contrast_ink(fill),
                )
            base += value
        svg.text(
            bar,
            x + BAR / 2,
            y_of(base) - 5,
            number(base, lang),
            anchor="middle",
            weight="600",
            cls="total",
        )
        svg.text(bar, x + BAR / 2, bottom + 16, category, anchor="middle", cls="category")

    legend = svg.group(root, "legend")
    for position, one in enumerate(series):
        y = bottom + 40 + position * LEGEND_LINE
        fill = svg.CATEGORICAL[position % len(svg.CATEGORICAL)]
        svg.rect(legend, LEFT, y - 11, 14, 14, fill, stroke=svg.INK)
        svg.text(legend, LEFT + 20, y, f"{one.code} — {one.label}")
    return root
