"""What the map says, French first: its title, legend, counts, the reasons a collectivity has
no position, and the credits its sources ask for."""

from __future__ import annotations

from api.charts.numbers import Lang, number

TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "title": "Carte des collectivités",
        "desc": "Les collectivités du graphe dont la position est connue, sur la France "
        "métropolitaine et, en encarts, les régions d'outre-mer. Taille du symbole : nombre "
        "de pratiques ; couleur et forme : type de collectivité. Aucune position n'est "
        "devinée : les autres collectivités sont listées dans le tableau.",
        "placed": "{n} collectivité placée sur {total}",
        "placed_many": "{n} collectivités placées sur {total}",
        "unknown_all": "coordonnées inconnues (voir le tableau)",
        "unknown": "coordonnées inconnues",
        "see_table": "(voir le tableau)",
        "kind": "Type de collectivité",
        "size": "Nombre de pratiques",
        "practices": "{n} pratique",
        "practices_many": "{n} pratiques",
        "no_outline": "Fond de carte indisponible : le paquet npm world-atlas n'est pas "
        "installé (npm ci).",
        "credits": "Fond : Natural Earth (domaine public). Positions : coordonnées du graphe ; "
        "sinon liste officielle (INSEE, DGCL ; Licence Ouverte) et © contributeurs GeoNames, "
        "CC BY 4.0.",
        "seat_note": "Un EPCI ou un EPT est placé à sa commune membre la plus peuplée, "
        "approximation de son siège.",
        "source.graph": "coordonnées du graphe (geo:lat, geo:long)",
        "source.reference": "liste officielle (SIREN et nom) et GeoNames",
        "source.reference_seat": "liste officielle (SIREN et nom) et GeoNames : commune la "
        "plus peuplée, {seat}",
        "source.unknown": "inconnues",
        "reason.no-siren": "pas de SIREN dans le graphe",
        "reason.siren-unlisted": "SIREN absent de la liste officielle",
        "reason.name-mismatch": "le nom ne correspond pas à celui que la liste officielle "
        "donne pour ce SIREN",
        "reason.not-in-geonames": "commune introuvable dans GeoNames",
        "reason.no-reference": "liste officielle non installée (npm ci)",
        "reason.invalid-coordinates": "coordonnées du graphe invalides",
        "outside": "hors des cadres de la carte",
    },
    "en": {
        "title": "Map of collectivities",
        "desc": "The graph's collectivities whose position is known, on metropolitan France "
        "and, in insets, the overseas regions. Symbol size: number of practices; colour and "
        "shape: kind of collectivity. No position is guessed: the other collectivities are "
        "listed in the table.",
        "placed": "{n} of {total} collectivities placed",
        "placed_many": "{n} of {total} collectivities placed",
        "unknown_all": "coordinates unknown (see the table)",
        "unknown": "coordinates unknown",
        "see_table": "(see the table)",
        "kind": "Kind of collectivity",
        "size": "Number of practices",
        "practices": "{n} practice",
        "practices_many": "{n} practices",
        "no_outline": "No background map: the npm package world-atlas is not installed (npm ci).",
        "credits": "Background: Natural Earth (public domain). Positions: the graph's "
        "coordinates; else the official list (INSEE, DGCL; Licence Ouverte) and © GeoNames "
        "contributors, CC BY 4.0.",
        "seat_note": "An EPCI or EPT is placed at its most populous member commune, an "
        "approximation of its seat.",
        "source.graph": "the graph's coordinates (geo:lat, geo:long)",
        "source.reference": "official list (SIREN and name) and GeoNames",
        "source.reference_seat": "official list (SIREN and name) and GeoNames: most populous "
        "commune, {seat}",
        "source.unknown": "unknown",
        "reason.no-siren": "no SIREN in the graph",
        "reason.siren-unlisted": "SIREN not in the official list",
        "reason.name-mismatch": "the name differs from the one the official list gives for "
        "this SIREN",
        "reason.not-in-geonames": "commune not found in GeoNames",
        "reason.no-reference": "official list not installed (npm ci)",
        "reason.invalid-coordinates": "the graph's coordinates are invalid",
        "outside": "outside the map's frames",
    },
}


def plural(lang: Lang, key: str, n: int, **fmt: str) -> str:
    """``key`` or ``key_many`` (French keeps 0 and 1 singular)."""
    t = TEXT[lang]
    many = n > 1 if lang == "fr" else n != 1
    return t[f"{key}_many" if many else key].format(n=number(n, lang), **fmt)


def summary(lang: Lang, shown: int, total: int, outside: int = 0) -> str:
    """ "2 collectivités placées sur 4 ; coordonnées inconnues : 1 ; hors des cadres de la
    carte : 1 (voir le tableau)"."""
    t = TEXT[lang]
    head = plural(lang, "placed", shown, total=number(total, lang))
    unknown = total - shown - outside
    if shown == total:
        return head
    if shown == 0 and outside == 0:
        return head + (" : " if lang == "fr" else ": ") + t["unknown_all"]
    colon = " : " if lang == "fr" else ": "
    parts = [head]
    if unknown:
        parts.append(t["unknown"] + colon + number(unknown, lang))
    if outside:
        parts.append(t["outside"] + colon + number(outside, lang))
    return (" ; " if lang == "fr" else "; ").join(parts) + " " + t["see_table"]
