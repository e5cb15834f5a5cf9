"""The background of the map: country outlines from Natural Earth, read at run time from the
npm package ``world-atlas`` (TopoJSON, installed by ``npm ci``, never copied here), and the
frames that project longitude/latitude to the picture: metropolitan France in a Lambert-93-like
conic, each overseas region (DROM) in a small inset of its own."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Browser and data packages installed by ``npm ci`` (as ``api.app.NODE_MODULES``).
NODE_MODULES = Path(__file__).resolve().parent.parent.parent / "node_modules"
WORLD_ATLAS = NODE_MODULES / "world-atlas" / "countries-50m.json"

Point = tuple[float, float]
Ring = list[Point]
#: Natural Earth's ISO 3166-1 numeric code of France (its geometry holds the DROM too).
FRANCE = "250"


@dataclass(frozen=True)
class Box:
    """A longitude/latitude rectangle."""

    west: float
    south: float
    east: float
    north: float

    def holds(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def meets(self, other: Box) -> bool:
        return not (
            other.east < self.west
            or other.west > self.east
            or other.north < self.south
            or other.south > self.north
        )


@dataclass(frozen=True)
class Frame:
    """One drawn area: the lon/lat box it shows, its names, where it sits in the picture and
    how a lon/lat becomes a pixel (``project``)."""

    key: str
    name_fr: str
    name_en: str
    box: Box
    x: float
    y: float
    width: float
    height: float
    project: Callable[[float, float], Point]

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


@dataclass(frozen=True)
class Country:
    key: str
    name: str
    polygons: list[list[Ring]]
    boxes: list[Box]  # each polygon's outer ring's bounds, to skip far ones at once


def lambert(lon: float, lat: float) -> Point:
    """Spherical Lambert conformal conic with Lambert-93's parallels (44°, 49°), origin 46.5° N
    3° E; metres on a 6 371 km sphere, y growing north."""
    phi1, phi2, phi0 = math.radians(44), math.radians(49), math.radians(46.5)
    n = math.log(math.cos(phi1) / math.cos(phi2)) / math.log(
        math.tan(math.pi / 4 + phi2 / 2) / math.tan(math.pi / 4 + phi1 / 2)
    )
    f = math.cos(phi1) * math.tan(math.pi / 4 + phi1 / 2) ** n / n
    radius = 6_371_000.0

    def rho(phi: float) -> float:
        return radius * f / math.tan(math.pi / 4 + phi / 2) ** n

    theta = n * math.radians(lon - 3)
    r = rho(math.radians(lat))
    return r * math.sin(theta), rho(phi0) - r * math.cos(theta)


def fit(
    project: Callable[[float, float], Point], box: Box, x: float, y: float, size: float
) -> Callable[[float, float], Point]:
    """``project`` scaled so that ``box`` fits a ``size``-pixel square at (x, y), centred."""
    corners = [
        project(lon, lat)
        for lon in (box.west, (box.west + box.east) / 2, box.east)
        for lat in (box.south, box.north)
    ]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    scale = size / span
    width, height = (max(xs) - min(xs)) * scale, (max(ys) - min(ys)) * scale
    left, top = x + (size - width) / 2, y + (size - height) / 2
    low_x, high_y = min(xs), max(ys)

    def to_pixel(lon: float, lat: float) -> Point:
        px, py = project(lon, lat)
        return left + (px - low_x) * scale, top + (high_y - py) * scale

    return to_pixel


def equirectangular(middle_lat: float) -> Callable[[float, float], Point]:
    """Plate carrée with longitudes shrunk by cos(latitude): fine for an island's inset."""
    shrink = math.cos(math.radians(middle_lat))
    return lambda lon, lat: (lon * shrink, lat)


#: Metropolitan France with Corsica, then the five overseas regions (INSEE region code).
METRO = Box(-5.5, 41.0, 10.0, 51.5)
OVERSEAS: tuple[tuple[str, str, str, Box], ...] = (
    ("01", "Guadeloupe", "Guadeloupe", Box(-61.9, 15.8, -60.95, 16.55)),
    ("02", "Martinique", "Martinique", Box(-61.3, 14.35, -60.75, 14.9)),
    ("03", "Guyane", "French Guiana", Box(-54.7, 2.0, -51.5, 5.9)),
    ("04", "La Réunion", "Réunion", Box(55.15, -21.45, 55.9, -20.82)),
    ("06", "Mayotte", "Mayotte", Box(44.95, -13.05, 45.35, -12.6)),
)


def on_map(lon: float, lat: float) -> bool:
    """Whether (lon, lat) falls in the metropolitan frame or an overseas inset."""
    return METRO.holds(lon, lat) or any(box.holds(lon, lat) for *_, box in OVERSEAS)


def frames(left: float, top: float, metro_size: float, inset_size: float) -> list[Frame]:
    """The metropolitan frame at (left + inset column, top) and the insets stacked at its left,
    each under a one-line caption (16 px)."""
    metro_left = left + inset_size + 24
    project = fit(lambert, METRO, metro_left, top, metro_size)
    out = [Frame("metro", "France métropolitaine", "Metropolitan France", METRO,
                 metro_left, top, metro_size, metro_size, project)]  # fmt: skip
    step = inset_size + 22
    for index, (code, fr, en, box) in enumerate(OVERSEAS):
        y = top + index * step + 16
        shape = equirectangular((box.south + box.north) / 2)
        to_pixel = fit(shape, box, left, y, inset_size)
        out.append(Frame(code, fr, en, box, left, y, inset_size, inset_size, to_pixel))
    return out


def frame_of(all_frames: Sequence[Frame], lon: float, lat: float) -> Frame | None:
    """The frame showing (lon, lat), if any."""
    return next((f for f in all_frames if f.box.holds(lon, lat)), None)


# -- TopoJSON -------------------------------------------------------------------------------
_LOCK = threading.Lock()
_COUNTRIES: dict[Path, list[Country]] = {}


def countries() -> list[Country]:
    """Every country of the atlas as lon/lat polygons (read once per process); empty when the
    npm package is not installed (the map then says it has no background)."""
    path = WORLD_ATLAS
    with _LOCK:
        if path not in _COUNTRIES:
            _COUNTRIES[path] = _read(path) if path.exists() else []
        return _COUNTRIES[path]


def _read(path: Path) -> list[Country]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry_polygons(geometry, arcs)
        if polygons:
            name = str(geometry.get("properties", {}).get("name", ""))
            boxes = [bounds(p[0]) if p and p[0] else Box(0, 0, 0, 0) for p in polygons]
            found.append(Country(str(geometry.get("id", name)), name, polygons, boxes))
    return found


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Arcs in lon/lat: a quantized topology's positions are deltas from the previous one, in
    units of ``transform.scale`` from ``transform.translate``."""
    transform = topology.get("transform")
    out: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
        x = y = 0
        ring: Ring = []
        for position in arc:
            x += position[0]
            y += position[1]
            ring.append((x * kx + dx, y * ky + dy))
        out.append(ring)
    return out


def geometry_polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[list[Ring]]:
    """A Polygon's or MultiPolygon's rings (a negative arc index ``~i`` is arc i reversed; each
    arc after the first repeats the previous one's last point)."""

    def ring(indexes: list[int]) -> Ring:
        points: Ring = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    if geometry.get("type") == "Polygon":
        return [[ring(r) for r in geometry["arcs"]]]
    if geometry.get("type") == "MultiPolygon":
        return [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
    return []


def bounds(ring: Ring) -> Box:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return Box(min(lons), min(lats), max(lons), max(lats))


# -- drawing helpers ------------------------------------------------------------------------
def clip(ring: Sequence[Point], left: float, top: float, right: float, bottom: float) -> Ring:
    """Sutherland–Hodgman: the part of a polygon (pixels) inside a rectangle."""
    points = list(ring)
    edges: tuple[tuple[Callable[[Point], bool], Callable[[Point, Point], Point]], ...] = (
        (lambda p: p[0] >= left, lambda a, b: _at_x(a, b, left)),
        (lambda p: p[0] <= right, lambda a, b: _at_x(a, b, right)),
        (lambda p: p[1] >= top, lambda a, b: _at_y(a, b, top)),
        (lambda p: p[1] <= bottom, lambda a, b: _at_y(a, b, bottom)),
    )
    for inside, cross in edges:
        if not points:
            break
        kept: Ring = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    kept.append(cross(previous, current))
                kept.append(current)
            elif inside(previous):
                kept.append(cross(previous, current))
            previous = current
        points = kept
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    share = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + share * (b[1] - a[1])


def _at_y(a: Point, b: Point, y: float) -> Point:
    share = (y - a[1]) / (b[1] - a[1])
    return a[0] + share * (b[0] - a[0]), y


def path_data(rings: Sequence[Sequence[Point]], tolerance: float = 0.6) -> str:
    """SVG path data of closed rings in pixels, dropping points closer than ``tolerance`` to the
    last one kept (the outline loses nothing visible, the file most of its size)."""
    parts = []
    for ring in rings:
        kept: list[Point] = []
        for point in ring:
            if not kept or abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= tolerance:
                kept.append(point)
        if len(kept) >= 3:
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
    return "".join(parts)
