"""Which collectivities the map can place, and from what: read from the public default graph
(no request value enters the SPARQL but the language, bound as a term), then placed by
coordinates the graph states (``geo:lat``/``geo:long``, WGS84) or else by the official list and
GeoNames (:mod:`api.charts.map_reference`); never by guess."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, replace

from rdflib import Literal

from api.charts.data import concepts
from api.charts.map_outline import on_map
from api.charts.map_reference import Reference, shared
from api.charts.numbers import Lang
from store import Store
from store.base import Term

GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
COLLECTIVITIES = """PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?c ?kind ?siren ?lat ?long (COUNT(DISTINCT ?p) AS ?practices)
WHERE {
  ?c a ess:Collectivity .
  OPTIONAL { ?c ess:collectivityKind ?kind }
  OPTIONAL { ?c ess:siren ?siren }
  OPTIONAL { ?c geo:lat ?lat ; geo:long ?long }
  OPTIONAL { ?p ess:implementedBy ?c ; a ess:Practice }
}
GROUP BY ?c ?kind ?siren ?lat ?long"""
NAMES = """PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?name ?preferred
WHERE {
  ?c a ess:Collectivity .
  { ?c skos:prefLabel ?name BIND(true AS ?preferred) }
  UNION { ?c skos:altLabel ?name BIND(false AS ?preferred) }
}"""

#: Where a position comes from (``source``), and why there is none (``reason``).
SOURCES = ("graph", "reference", "unknown")
REASONS = (
    "no-siren",
    "siren-unlisted",
    "name-mismatch",
    "not-in-geonames",
    "no-reference",
    "invalid-coordinates",
)


@dataclass(frozen=True)
class Place:
    """One collectivity on (or off) the map."""

    iri: str
    name: str
    kind: str
    kind_label: str
    practices: int
    source: str
    latitude: float | None = None
    longitude: float | None = None
    reason: str = ""
    seat: str = ""  # the commune standing for an EPCI's position ("" for a commune itself)
    level: str = ""  # commune, epci or ept when placed from the official list

    @property
    def placed(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def on_map(self) -> bool:
        if self.latitude is None or self.longitude is None:
            return False
        return on_map(self.longitude, self.latitude)


@dataclass
class MapData:
    places: list[Place] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)  # iri, label (legend order)

    @property
    def placed(self) -> list[Place]:
        """Those with coordinates (in the GeoJSON), drawn or not."""
        return [p for p in self.places if p.placed]

    @property
    def shown(self) -> list[Place]:
        """Those drawn: coordinates inside the metropolitan frame or an overseas inset."""
        return [p for p in self.placed if p.on_map]

    @property
    def outside(self) -> list[Place]:
        return [p for p in self.placed if not p.on_map]

    @property
    def unplaced(self) -> list[Place]:
        return [p for p in self.places if not p.placed]


def read(store: Store, lang: Lang, reference: Reference | None = None) -> MapData:
    """Every collectivity of the public graph, placed where an honest source allows."""
    reference = reference or shared()
    names: dict[str, list[tuple[bool, Literal]]] = {}
    for row in store.select(NAMES):
        name = row["name"]
        if isinstance(name, Literal):
            names.setdefault(str(row["c"]), []).append((str(row["preferred"]) == "true", name))
    kind_labels = {iri: c.label for iri, c in concepts(store, "CollectivityKind", lang).items()}
    rows: dict[str, dict[str, Term]] = {}
    for row in store.select(COLLECTIVITIES):
        rows.setdefault(str(row["c"]), row)  # a second kind or SIREN would break shapes
    found = MapData()
    for iri, row in rows.items():
        kind = str(row.get("kind", ""))
        given = names.get(iri, [])
        place = Place(
            iri=iri,
            name=_display_name(given, lang, iri),
            kind=kind,
            kind_label=kind_labels.get(kind, kind.rsplit("/", 1)[-1]),
            practices=int(str(row.get("practices", 0))),
            source="unknown",
        )
        found.places.append(_locate(place, row, [str(n) for _, n in given], reference))
    found.places.sort(key=lambda p: (_fold(p.name), p.iri))
    used = {p.kind for p in found.places}
    found.kinds = sorted(
        ((k, kind_labels.get(k, k.rsplit("/", 1)[-1])) for k in used), key=lambda k: _fold(k[1])
    )
    return found


def _locate(place: Place, row: dict[str, Term], names: list[str], ref: Reference) -> Place:
    if "lat" in row and "long" in row:
        position = _coordinates(row["lat"], row["long"])
        if position is None:
            return replace(place, reason="invalid-coordinates")
        return replace(place, source="graph", latitude=position[0], longitude=position[1])
    siren = str(row["siren"]) if "siren" in row else None
    match = ref.locate(siren, names)
    if match.seat is None or match.official is None:
        return replace(place, reason=match.reason)
    seat = match.seat.commune if match.official.level != "commune" else ""
    return replace(
        place,
        source="reference",
        latitude=match.seat.latitude,
        longitude=match.seat.longitude,
        seat=seat,
        level=match.official.level,
    )


def _coordinates(lat: object, lon: object) -> tuple[float, float] | None:
    """WGS84 degrees, or None when they are not numbers within range."""
    try:
        latitude, longitude = float(str(lat)), float(str(lon))
    except ValueError:
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def _display_name(given: list[tuple[bool, Literal]], lang: Lang, iri: str) -> str:
    preferred = [n for p, n in given if p]
    for wanted in (lang, "fr", None):
        for name in preferred:
            if wanted is None or name.language == wanted:
                return str(name)
    return str(given[0][1]) if given else iri.rsplit("/", 1)[-1]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
