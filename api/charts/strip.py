"""A strip plot with medians: one row per group, every value a dot, the median a bar; a log
scale when values span a factor of 20 or more (budgets: 45 k€ to 1.5 M€)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from api.charts import svg
from api.charts.numbers import log_ticks, median, nice_ticks, plain

ROW = 40.0
TOP = 28.0
PLOT_WIDTH = 460.0
DOT = "#0b5394"
MEDIAN = "#d55e00"


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    values: tuple[float, ...]


def uses_log(groups: list[Group]) -> bool:
    values = [v for g in groups for v in g.values]
    return bool(values) and min(values) > 0 and max(values) / min(values) >= 20


def strip_plot(
    chart_id: str,
    title: str,
    desc: str,
    groups: list[Group],
    label: Callable[[float], str],
    axis_label: str,
    median_label: str,
) -> ET.Element:
    log = uses_log(groups)
    values = [v for g in groups for v in g.values]
    ticks = log_ticks(min(values), max(values)) if log else nice_ticks(max(values, default=0))
    low, high = ticks[0], ticks[-1]

    left = max((svg.text_width(g.label, 12) for g in groups), default=0) + 20
    width = left + PLOT_WIDTH + 40
    height = TOP + ROW * len(groups) + 56
    root = svg.canvas(chart_id, width, height, title, desc)
    root.set("data-scale", "log" if log else "linear")
    bottom = TOP + ROW * len(groups)

    def x_of(value: float) -> float:
        if log:
            share = (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
        else:
            share = (value - low) / (high - low)
        return left + PLOT_WIDTH * share

    axis = svg.group(root, "axis")
    for tick in ticks:
        svg.line(axis, x_of(tick), TOP, x_of(tick), bottom)
        svg.text(axis, x_of(tick), bottom + 16, label(tick), anchor="middle", fill=svg.MUTED)
    svg.line(axis, left, bottom, left + PLOT_WIDTH, bottom, stroke=svg.INK)
    svg.text(axis, left, bottom + 36, axis_label, fill=svg.MUTED)
    svg.line(
        axis,
        left + PLOT_WIDTH - 150,
        bottom + 31,
        left + PLOT_WIDTH - 150,
        bottom + 43,
        stroke=MEDIAN,
        width=3,
    )
    svg.text(axis, left + PLOT_WIDTH - 142, bottom + 41, median_label, fill=svg.MUTED)

    rows = svg.group(root, "groups")
    for index, one in enumerate(groups):
        y = TOP + ROW * (index + 0.5)
        row = svg.group(rows, "group", **{"data-group": one.key})
        svg.text(row, left - 10, y + 4, one.label, anchor="end", weight="600")
        for position, value in enumerate(sorted(one.values)):
            jitter = ((position % 3) - 1) * 5.0
            dot = ET.SubElement(
                row,
                "circle",
                {
                    "class": "dot",
                    "cx": f"{x_of(value):.2f}",
                    "cy": f"{y + jitter:.2f}",
                    "r": "5",
                    "fill": "none",
                    "stroke": DOT,
                    "stroke-width": "2",
                    "data-value": plain(value),
                },
            )
            ET.SubElement(dot, "title").text = f"{one.label} : {label(value)}"
        if one.values:
            middle = median(list(one.values))
            mark = svg.line(row, x_of(middle), y - 12, x_of(middle), y + 12, stroke=MEDIAN, width=3)
            mark.set("class", "median")
            mark.set("data-value", plain(middle))
    return root
