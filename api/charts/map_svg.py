"""The map as server-side SVG: outlines from Natural Earth, one linked symbol per placed
collectivity (size: practices; colour *and* shape: kind), a legend, the count of what could not
be placed and the sources' credits. No script, no tile server, no external asset."""

from __future__ import annotations

import math
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from api.charts import svg
from api.charts.map_data import MapData, Place
from api.charts.map_outline import (
    FRANCE,
    Box,
    Country,
    Frame,
    clip,
    countries,
    frame_of,
    frames,
    path_data,
)
from api.charts.map_text import TEXT, plural, summary
from api.charts.numbers import Lang, number

CHART_ID = "chart-map"
LEFT, TOP = 12.0, 12.0
METRO_SIZE, INSET_SIZE = 560.0, 92.0
WIDTH = LEFT + INSET_SIZE + 24 + METRO_SIZE + LEFT
SEA = "#eef4f8"
LAND, LAND_EDGE = "#fbfbf8", "#c9c9c0"
FRANCE_FILL, FRANCE_EDGE = "#e6e3d8", "#6f6a5c"
SHAPES = ("circle", "square", "diamond", "triangle", "hexagon", "triangle-down")
#: Countries whose polygons are drawn around metropolitan France (lon/lat box searched).
NEIGHBOURHOOD = Box(-14.0, 35.0, 20.0, 58.0)


@dataclass(frozen=True)
class Style:
    colour: str
    shape: str


def styles(kinds: list[tuple[str, str]]) -> dict[str, Style]:
    """A colour and a shape per kind (legend order), so colour is never the only cue."""
    return {
        iri: Style(svg.CATEGORICAL[i % len(svg.CATEGORICAL)], SHAPES[i % len(SHAPES)])
        for i, (iri, _) in enumerate(kinds)
    }


def map_summary(found: MapData, lang: Lang) -> str:
    return summary(lang, len(found.shown), len(found.places), len(found.outside))


def radius(practices: int) -> float:
    return min(4.0 + 2.4 * math.sqrt(max(practices, 0)), 24.0)


def draw(found: MapData, lang: Lang, site_path: dict[str, str]) -> ET.Element:
    """The map of ``found``; ``site_path`` gives each collectivity's page (``/id/…``)."""
    t = TEXT[lang]
    layout = frames(LEFT, TOP, METRO_SIZE, INSET_SIZE)
    atlas = countries()
    kind_styles = styles(found.kinds)
    legend_top = TOP + max(METRO_SIZE, len(layout[1:]) * (INSET_SIZE + 22)) + 18
    root = svg.canvas(CHART_ID, WIDTH, legend_top, t["title"], t["desc"])
    root.set("class", "chart map")
    # links inside: a group of links with a name, not one flat image
    root.set("role", "group")
    root.set("aria-roledescription", "carte" if lang == "fr" else "map")
    root.set("data-placed", str(len(found.shown)))
    root.set("data-total", str(len(found.places)))

    backdrop = svg.group(root, "outline", **{"aria-hidden": "true"})
    for frame in layout:
        _frame_background(backdrop, frame, atlas, lang)
    if not atlas:
        svg.text(root, LEFT + INSET_SIZE + 40, TOP + 30, t["no_outline"], fill=svg.MUTED)

    marks = svg.group(root, "places")
    labels = svg.group(root, "labels", **{"aria-hidden": "true"})
    taken: list[tuple[float, float, float, float]] = []
    located: list[tuple[Place, Frame, float, float]] = []
    for place in found.shown:
        lon, lat = place.longitude or 0.0, place.latitude or 0.0
        where = frame_of(layout, lon, lat)
        if where is not None:
            x, y = where.project(lon, lat)
            located.append((place, where, x, y))
    # big symbols first, so a small one on top of a big one stays clickable
    for place, frame, x, y in sorted(located, key=lambda v: (-v[0].practices, v[0].name)):
        style = kind_styles.get(place.kind, Style(svg.INK, "circle"))
        r = radius(place.practices)
        link = ET.SubElement(
            marks,
            "a",
            {
                "href": site_path.get(place.iri, place.iri),
                "class": "place",
                "data-iri": place.iri,
                "data-source": place.source,
                "data-frame": frame.key,
                "aria-label": f"{place.name} — {place.kind_label} — "
                + plural(lang, "practices", place.practices),
            },
        )
        mark = marker(link, style, x, y, r)
        ET.SubElement(mark, "title").text = (
            f"{place.name} ({place.kind_label}) : "
            if lang == "fr"
            else f"{place.name} ({place.kind_label}): "
        ) + plural(lang, "practices", place.practices)
        _label(labels, place.name, x, y, r, frame, taken)

    height = _legend(root, found, kind_styles, lang, legend_top) + 4
    root.set("viewBox", f"0 0 {WIDTH:.0f} {height:.0f}")
    root.set("height", f"{height:.0f}")
    return root


def _frame_background(parent: ET.Element, frame: Frame, atlas: list[Country], lang: Lang) -> None:
    svg.rect(parent, frame.x, frame.y, frame.width, frame.height, SEA, stroke=svg.GRID)
    for key, data in _outline(frame, atlas):
        own = key == FRANCE
        ET.SubElement(
            parent,
            "path",
            {
                "class": "country france" if own else "country",
                "data-country": key,
                "d": data,
                "fill": FRANCE_FILL if own else LAND,
                "stroke": FRANCE_EDGE if own else LAND_EDGE,
                "stroke-width": "0.8",
                "fill-rule": "evenodd",
            },
        )
    if frame.key != "metro":
        svg.text(parent, frame.x, frame.y - 4, frame.name(lang), size=11, fill=svg.MUTED)


_OUTLINES: dict[tuple[str, float, float, float, float], list[tuple[str, str]]] = {}
_OUTLINES_LOCK = threading.Lock()


def _outline(frame: Frame, atlas: list[Country]) -> list[tuple[str, str]]:
    """Each country's path data inside ``frame``: projected and clipped once per process, as
    the layout is fixed (the drawing is the slow part of a map, the points are few)."""
    if not atlas:
        return []
    key = (frame.key, frame.x, frame.y, frame.width, frame.height)
    with _OUTLINES_LOCK:
        if key not in _OUTLINES:
            _OUTLINES[key] = _project_outline(frame, atlas)
        return _OUTLINES[key]


def _project_outline(frame: Frame, atlas: list[Country]) -> list[tuple[str, str]]:
    left, top = frame.x, frame.y
    right, bottom = frame.x + frame.width, frame.y + frame.height
    near = NEIGHBOURHOOD if frame.key == "metro" else frame.box
    out = []
    for country in atlas:
        rings = []
        for polygon, box in zip(country.polygons, country.boxes, strict=True):
            if not polygon or not near.meets(box):
                continue
            for ring in polygon:
                projected = [frame.project(lon, lat) for lon, lat in ring]
                kept = clip(projected, left, top, right, bottom)
                if kept:
                    rings.append(kept)
        data = path_data(rings)
        if data:
            out.append((country.key, data))
    return out


def marker(parent: ET.Element, style: Style, x: float, y: float, r: float) -> ET.Element:
    """A symbol of about the area of a circle of radius ``r``."""
    common = {
        "class": f"mark {style.shape}",
        "fill": style.colour,
        "fill-opacity": "0.85",
        "stroke": svg.INK,
        "stroke-width": "1",
        "data-r": f"{r:.2f}",
    }
    if style.shape == "circle":
        return ET.SubElement(
            parent, "circle", {"cx": f"{x:.2f}", "cy": f"{y:.2f}", "r": f"{r:.2f}", **common}
        )
    sides, turn, scale = {
        "square": (4, 45.0, 1.25),
        "diamond": (4, 0.0, 1.25),
        "triangle": (3, -90.0, 1.55),
        "triangle-down": (3, 90.0, 1.55),
        "hexagon": (6, 0.0, 1.1),
    }[style.shape]
    reach = r * scale
    points = [
        (
            x + reach * math.cos(math.radians(turn + 360.0 * k / sides)),
            y + reach * math.sin(math.radians(turn + 360.0 * k / sides)),
        )
        for k in range(sides)
    ]
    d = "M" + "L".join(f"{px:.2f},{py:.2f}" for px, py in points) + "Z"
    return ET.SubElement(
        parent, "path", {"d": d, "data-x": f"{x:.2f}", "data-y": f"{y:.2f}", **common}
    )


def _label(
    parent: ET.Element,
    name: str,
    x: float,
    y: float,
    r: float,
    frame: Frame,
    taken: list[tuple[float, float, float, float]],
) -> None:
    """The name right of the symbol (else left), unless it would cover another label or leave
    the frame: the table holds every name anyway."""
    width = svg.text_width(name, 11)
    for left, anchor in ((x + r + 3, "start"), (x - r - 3 - width, "end")):
        box = (left, y - 9, left + width, y + 4)
        inside = frame.x <= box[0] and box[2] <= frame.x + frame.width
        if inside and not any(_overlap(box, other) for other in taken):
            taken.append(box)
            at = left if anchor == "start" else left + width
            label = svg.text(parent, at, y + 4, name, anchor=anchor, size=11, cls="place-label")
            label.set("stroke", "#ffffff")
            label.set("stroke-width", "3")
            label.set("paint-order", "stroke")
            return


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(
    root: ET.Element, found: MapData, kind_styles: dict[str, Style], lang: Lang, top: float
) -> float:
    """The count, the kinds, the size key and the credits from ``top`` down; the y reached."""
    t = TEXT[lang]
    legend = svg.group(root, "legend")
    y = top
    for line in wrap(map_summary(found, lang), WIDTH - 2 * LEFT, 12.5):
        svg.text(legend, LEFT, y, line, weight="600", cls="summary")
        y += 16
    y += 6
    used = [k for k in found.kinds if k[0] in {p.kind for p in found.shown}]
    if used:
        svg.text(legend, LEFT, y, t["kind"], fill=svg.MUTED)
        column = (WIDTH - 2 * LEFT) / 2
        for index, (iri, label) in enumerate(used):
            row, col = divmod(index, 2)
            x, ky = LEFT + 8 + col * column, y + 18 + row * 22
            item = svg.group(legend, "legend-kind", **{"data-kind": iri})
            marker(item, kind_styles[iri], x, ky - 4, 6)
            svg.text(item, x + 14, ky, label)
        y += 18 + 22 * math.ceil(len(used) / 2)
    counts = sorted({p.practices for p in found.shown})
    if counts:
        samples = sorted({counts[0], counts[len(counts) // 2], counts[-1]})
        biggest = radius(samples[-1])
        y += biggest - 6
        svg.text(legend, LEFT, y + 4, t["size"], fill=svg.MUTED)
        x = LEFT + svg.text_width(t["size"], 12) + 16
        for n in samples:
            r = radius(n)
            ET.SubElement(
                legend,
                "circle",
                {"cx": f"{x + r:.2f}", "cy": f"{y:.2f}", "r": f"{r:.2f}", "fill": "none",
                 "stroke": svg.INK, "class": "size-sample"},
            )  # fmt: skip
            svg.text(legend, x + 2 * r + 4, y + 4, number(n, lang))
            x += 2 * r + 16 + svg.text_width(number(n, lang), 12)
        y += biggest + 18
    for paragraph in (t["seat_note"], t["credits"]):
        for line in wrap(paragraph, WIDTH - 2 * LEFT, 10):
            svg.text(legend, LEFT, y, line, size=10, fill=svg.MUTED, cls="credits")
            y += 13
    return y


def wrap(content: str, width: float, size: float) -> list[str]:
    """Words on lines no wider than ``width`` pixels (by the rough glyph width)."""
    lines: list[str] = []
    for word in content.split():
        if lines and svg.text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
