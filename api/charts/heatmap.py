"""A heat-map matrix: rows × columns of shaded cells, each printing its value in text, so the
shade is a second cue and never the only one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from api.charts import svg
from api.charts.numbers import plain

CELL_W = 64.0
CELL_H = 34.0
TOP = 56.0
#: Sequential blues, light to dark (ColorBrewer "Blues"); text ink follows the luminance.
RAMP = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594")
BLANK = "#eeeeee"


@dataclass(frozen=True)
class Axis:
    """A row or column: short text drawn on the chart and the full name in its hover title."""

    key: str
    short: str
    full: str


def shade(value: float, maximum: float) -> str:
    if maximum <= 0 or value <= 0:
        return RAMP[0]
    step = round(value / maximum * (len(RAMP) - 1))
    return RAMP[max(1, min(step, len(RAMP) - 1))]


def heatmap(
    chart_id: str,
    title: str,
    desc: str,
    rows: list[Axis],
    columns: list[Axis],
    values: dict[tuple[str, str], float],
    maximum: float,
    label: Callable[[float], str],
    *,
    blank: Callable[[str, str], bool] = lambda _row, _column: False,
) -> ET.Element:
    """``values[(row key, column key)]`` (absent = 0); ``blank`` cells are drawn grey, empty."""
    left = max((svg.text_width(r.short, 12) for r in rows), default=0) + 16
    width = left + CELL_W * len(columns) + 16
    height = TOP + CELL_H * len(rows) + 16
    root = svg.canvas(chart_id, width, height, title, desc)
    heads = svg.group(root, "columns")
    for j, column in enumerate(columns):
        head = svg.text(
            heads,
            left + CELL_W * (j + 0.5),
            TOP - 10,
            column.short,
            anchor="middle",
            weight="600",
        )
        ET.SubElement(head, "title").text = column.full
    cells = svg.group(root, "cells")
    for i, row in enumerate(rows):
        y = TOP + CELL_H * i
        head = svg.text(cells, left - 8, y + CELL_H / 2 + 4, row.short, anchor="end", weight="600")
        ET.SubElement(head, "title").text = row.full
        for j, column in enumerate(columns):
            x = left + CELL_W * j
            if blank(row.key, column.key):
                svg.rect(cells, x, y, CELL_W, CELL_H, BLANK, stroke="#ffffff")
                continue
            value = values.get((row.key, column.key), 0.0)
            fill = shade(value, maximum)
            text = label(value)
            cell = svg.rect(
                cells,
                x,
                y,
                CELL_W,
                CELL_H,
                fill,
                stroke="#ffffff",
                tip=f"{row.full} × {column.full} : {text}",
                row=row.key,
                column=column.key,
                value=plain(value),
            )
            cell.set("class", "cell")
            svg.text(
                cells,
                x + CELL_W / 2,
                y + CELL_H / 2 + 4,
                text,
                anchor="middle",
                fill=svg.contrast_ink(fill),
            )
    return root
