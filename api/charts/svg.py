"""SVG primitives shared by the chart builders (xml.etree, no script, no external asset).

Every chart is an ``<svg role="img">`` whose ``<title>`` and ``<desc>`` are referenced by
``aria-labelledby``, so a screen reader announces it as one picture; the numbers themselves are
in the data table the page shows next to it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
INK = "#1a1a1a"
MUTED = "#4a4a4a"
GRID = "#c8c8c8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

#: Okabe–Ito, readable by the common colour-blindnesses; segments are also labelled in text.
CATEGORICAL = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
)


def text_width(content: str, size: float) -> float:
    """A rough width of ``content`` in pixels (system sans-serif averages ~0.58 em a glyph)."""
    return len(content) * size * 0.58


def canvas(chart_id: str, width: float, height: float, title: str, desc: str) -> ET.Element:
    """The root ``<svg role="img">`` with its title and description."""
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "id": chart_id,
            "class": "chart",
            "role": "img",
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "width": _n(width),
            "height": _n(height),
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "font-family": FONT,
            "font-size": "12",
        },
    )
    ET.SubElement(root, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{chart_id}-desc"}).text = desc
    ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    return root


def group(parent: ET.Element, cls: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, "g", {"class": cls, **attrs})


def text(
    parent: ET.Element,
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = 12,
    fill: str = INK,
    weight: str | None = None,
    cls: str | None = None,
) -> ET.Element:
    attrs = {
        "x": _n(x),
        "y": _n(y),
        "text-anchor": anchor,
        "font-size": _n(size),
        "fill": fill,
    }
    if weight:
        attrs["font-weight"] = weight
    if cls:
        attrs["class"] = cls
    element = ET.SubElement(parent, "text", attrs)
    element.text = content
    return element


def rect(
    parent: ET.Element,
    x: float,
    y: float,
    width: float,
    height: float,
    fill: str,
    *,
    tip: str | None = None,
    stroke: str | None = None,
    **data: str,
) -> ET.Element:
    """A rectangle; ``tip`` becomes its ``<title>`` (the hover text), ``data`` its data-*."""
    attrs = {
        "x": _n(x),
        "y": _n(y),
        "width": _n(max(width, 0)),
        "height": _n(max(height, 0)),
        "fill": fill,
    }
    if stroke:
        attrs["stroke"] = stroke
    attrs.update({f"data-{k}": v for k, v in data.items()})
    element = ET.SubElement(parent, "rect", attrs)
    if tip:
        ET.SubElement(element, "title").text = tip
    return element


def line(
    parent: ET.Element,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    *,
    stroke: str = GRID,
    width: float = 1,
) -> ET.Element:
    return ET.SubElement(
        parent,
        "line",
        {
            "x1": _n(x1),
            "y1": _n(y1),
            "x2": _n(x2),
            "y2": _n(y2),
            "stroke": stroke,
            "stroke-width": _n(width),
        },
    )


def empty_state(chart_id: str, title: str, desc: str, message: str) -> ET.Element:
    """A chart with nothing to draw: the same frame, one line saying so."""
    root = canvas(chart_id, 480, 120, title, desc)
    root.set("data-empty", "true")
    text(root, 240, 64, message, anchor="middle", size=14, fill=MUTED, cls="empty")
    return root


def contrast_ink(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance)."""
    value = luminance(fill)
    on_black = (value + 0.05) / 0.05
    on_white = 1.05 / (value + 0.05)
    return "#000000" if on_black >= on_white else "#ffffff"


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    digits = colour.lstrip("#")
    r, g, b = (channel(digits[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def to_string(root: ET.Element) -> str:
    """The SVG markup, without an XML declaration (fit to inline in HTML)."""
    return ET.tostring(root, encoding="unicode")


def document(root: ET.Element) -> bytes:
    """A standalone ``image/svg+xml`` file."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _n(value: float) -> str:
    """Coordinates with at most two decimals, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
