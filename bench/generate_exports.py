"""Seeded synthetic survey exports in the three sample layouts, with the planted quirks.

    python bench/generate_exports.py --layout limesurvey --responses 10000 --seed 1 --out x.csv

Layouts: ``limesurvey`` (CSV, codes, ";" and BOM, NULL vs ""), ``surveymonkey`` (XLSX, two
header rows, one column per option), ``googleforms`` (CSV, options joined by ", ", grid,
one practice per line). Each file reads with the shipped profile of its layout. Rows are
written as they are made (XLSX in write-only mode), so memory stays flat.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook

LAYOUTS = ("limesurvey", "surveymonkey", "googleforms")
LEVERS = [
    "Subventions et appels à projets",
    "Commande publique responsable (clauses sociales, marchés réservés)",
    "Immobilier et mise à disposition de locaux",
    "Accompagnement, incubation",
    "Finance solidaire (garanties, prêts, fonds d'investissement)",
    "Animation de réseaux et événements",
    "Co-construction des politiques publiques",
]
THEMES_LS = [
    "Alimentation durable",
    "Économie circulaire et réemploi",
    "Mobilité",
    "Transition énergétique",
    "IAE (insertion par l'activité économique)",
    "Habitat",
    "Culture",
    "Numérique",
    "Silver économie",
]
THEMES = [
    "Alimentation durable",
    "Économie circulaire et réemploi",
    "Mobilité",
    "Transition énergétique",
    "Insertion par l'activité économique",
    "Habitat et logement",
    "Culture",
    "Numérique",
    "Silver économie, vieillissement",
]
KINDS = {
    "M1": ("Métropole", "Métropole", "Métropole de"),
    "M2": ("Communauté urbaine", "Communauté urbaine", "Communauté urbaine de"),
    "M3": ("Communauté d'agglomération", "Communauté d'agglomération", "CA du"),
    "M4": ("Ville / commune", "Ville", "Ville de"),
}
PLACES = [
    "Bellerive",
    "Val-de-Lys",
    "Pays de Vernoux",
    "Orlenne",
    "Saint-Aubin-lès-Prés",
    "Montferrand-sur-Aure",
    "Roche-Claire",
    "Vallon d’Ambre",
    "Port-Sauvin",
    "Haute-Lisse",
]
BUDGETS = [
    "1,5 M€",
    "150\u202f000\u00a0€",
    "150k€",
    "environ 20000",
    "200.000 €",
    "entre 50 et 80 k€",
    "45 000 euros/an",
    "NC",
    "bail emphytéotique",
    "1 500 000",
    "0",
    "2,3M€",
    "12 000 €/an",
    "80 k€",
    "400 000",
]
STAFF = [
    "0,5",
    "1.5",
    "1 ETP et demi",
    "2 ETP (dont 1 vacant)",
    "à temps partiel",
    "3,5",
    "4 (dont 1 apprenti)",
    "0,8 ETP",
    "0",
]
YEARS = ["2016", "depuis 2012", "2015 ?", "2019-2020", "2020", "2018"]
PARTNERS = ["CRESS ; France Active", "SCIC La Boucle, ADEME", "Région", "CAE ; 2 SIAE"]
OTHER = ["Budget participatif", "Mise à disposition d'un jardin partagé", "Monnaie locale"]
TITLES = [
    "Recyclerie intercommunale",
    "PTCE des Rives",
    "Mois de l'ESS",
    "Tiers-lieu",
    "Appel à projets « Innovation sociale »",
    "Clauses sociales",
]


def _luhn_siren(rng: random.Random) -> str:
    """A random 9-digit number passing the Luhn check (fictional: never checked in SIRENE)."""
    body = [rng.randint(0, 9) for _ in range(8)]
    body[0] = 2
    for check in range(10):
        digits = [*body, check]
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return "".join(map(str, digits))
    raise AssertionError("unreachable")


def _siren_text(rng: random.Random, siren: str) -> str:
    """A SIREN as respondents type it: spaced, prefixed, a SIRET, or a bad checksum."""
    pick = rng.random()
    if pick < 0.2:
        return f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    if pick < 0.3:
        return f"SIREN : {siren}"
    if pick < 0.35:
        return f"{siren}00010"
    if pick < 0.38:
        return "240055443"
    return siren


class _Response:
    """One synthetic response, shared by every layout."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.n = n
        self.kind = rng.choice(list(KINDS))
        place = rng.choice(PLACES)
        self.name = f"{KINDS[self.kind][2]} {place}" if rng.random() < 0.7 else place.upper()
        self.siren = _siren_text(rng, _luhn_siren(rng))
        self.delegation = rng.random() < 0.7
        self.budget = rng.choice(BUDGETS)
        self.staff = rng.choice(STAFF)
        self.levers = sorted(rng.sample(range(len(LEVERS)), rng.randint(1, 5)))
        self.themes = sorted(rng.sample(range(len(THEMES)), rng.randint(1, 4)))
        self.other = rng.choice(OTHER) if rng.random() < 0.2 else ""
        self.complete = rng.random() > 0.05
        self.practices = [
            (
                rng.choice(TITLES),
                "Soutien à une structure\nportée par une SCIC." if rng.random() < 0.3 else "Appui",
                rng.choice(YEARS),
                rng.choice(PARTNERS),
                rng.choice(BUDGETS),
            )
            for _ in range(rng.randint(0, 2))
        ]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        self.date = (2020 + (month < 6), month, day, rng.randint(8, 17), rng.randint(0, 59))


def _responses(responses: int, seed: int) -> Iterator[_Response]:
    rng = random.Random(seed)
    for n in range(1, responses + 1):
        yield _Response(rng, n)


def _limesurvey(path: Path, responses: int, seed: int) -> None:
    head = [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "COLNOM",
        "COLTYPE",
        "COLTYPE[other]",
        "COLSIREN",
        "CONTACT[NOM]",
        "CONTACT[FONCTION]",
        "CONTACT[MAIL]",
        "CONTACT[TEL]",
        "ELUESS",
        "ELUDELEG",
        "BUDGETESS",
        "ETPESS",
    ]
    head += [f"LEVIERS[SQ{i:03d}]" for i in range(1, 8)] + ["LEVIERS[other]"]
    head += [f"THEMES[SQ{i:03d}]" for i in range(1, 10)] + ["PRIO[1]", "PRIO[2]", "PRIO[3]"]
    head += [f"ACT{n}{f}" for n in (1, 2) for f in ("TIT", "DESC", "AN", "PART", "BUDG")]

    def q(value: str | None) -> str:
        return "" if value is None else '"' + value.replace('"', '""') + '"'

    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(";".join(q(h) for h in head) + "\r\n")
        for r in _responses(responses, seed):
            y, mo, d, h, mi = r.date
            stamp = f"{y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:00"
            row: list[str | None] = [
                str(r.n),
                stamp if r.complete else None,
                "4" if r.complete else "2",
                "fr",
                str(1000 + r.n),
                stamp,
                stamp,
                r.name,
                r.kind,
                "",
                r.siren,
                f"Agent {r.n}",
                "Chargé·e de mission",
                f"agent{r.n}@example.org",
                "01 99 00 12 34",
                "Y" if r.delegation else "N",
                "Vice-président·e ESS" if r.delegation else None,
                r.budget,
                r.staff,
            ]
            row += ["Y" if i in r.levers else "" for i in range(7)] + [r.other]
            row += ["Y" if i in r.themes else "" for i in range(9)]
            prio = [f"A{i + 1:02d}" for i in r.themes[:3]]
            row += prio + [None] * (3 - len(prio))
            for slot in range(2):
                if slot < len(r.practices):
                    row += list(r.practices[slot])
                else:
                    row += [""] * 5
            if not r.complete:
                row = row[:17] + [None] * (len(row) - 17)
            fh.write(";".join(q(v) for v in row) + "\r\n")
        fh.write("\r\n")


def _surveymonkey(path: Path, responses: int, seed: int) -> None:
    lev_q = "Quels leviers d'action mobilisez-vous\u00a0? (plusieurs réponses possibles)"
    theme_q = "Champs d'intervention / thématiques de transition"
    top = [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
        "Nom de la collectivité",
        "Type de collectivité",
        None,
        "Numéro SIREN de la collectivité",
        "Coordonnées de la personne référente",
        None,
        None,
        None,
        "Un ou une élu(e) dispose-t-il/elle d'une délégation ESS\u00a0?",
        "Budget annuel consacré à l'ESS (en euros)",
        "Nombre d'agents dédiés à l'ESS (en ETP)",
        lev_q,
        *[None] * 7,
        theme_q,
        *[None] * 8,
        "Action n°1",
        *[None] * 4,
        "Action n°2",
        *[None] * 4,
    ]
    sub = [None] * 9 + [
        "Open-Ended Response",
        "Response",
        "Autre (veuillez préciser)",
        "Open-Ended Response",
        "Nom",
        "Fonction",
        "Adresse e-mail",
        "Téléphone",
        "Response",
        "Open-Ended Response",
        "Open-Ended Response",
        *LEVERS,
        "Autre (veuillez préciser)",
        *THEMES,
    ]
    sub += ["Intitulé", "Description", "Année de démarrage", "Partenaires", "Budget (€)"] * 2
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet")
    ws.append(top)
    ws.append(sub)
    for r in _responses(responses, seed):
        y, mo, d, h, mi = r.date
        half = "AM" if h < 12 else "PM"
        stamp = f"{mo:02d}/{d:02d}/{y} {(h - 1) % 12 + 1:02d}:{mi:02d}:00 {half}"
        siren: str | int = int(r.siren) if r.siren.isdigit() else r.siren
        row: list[object] = [
            12198734561 + r.n,
            405118822,
            stamp,
            stamp,
            None,
            None,
            None,
            None,
            None,
            r.name,
            KINDS[r.kind][0],
            None,
            siren,
            f"Agent {r.n}",
            "Chargé·e de mission",
            f"agent{r.n}@example.org",
            "01 99 00 12 34",
        ]
        if r.complete:
            row += ["Oui" if r.delegation else "Non", r.budget, r.staff]
            row += [LEVERS[i] if i in r.levers else None for i in range(7)]
            row += [r.other or None]
            row += [THEMES[i] if i in r.themes else None for i in range(9)]
            for slot in range(2):
                practice = r.practices[slot] if slot < len(r.practices) else (None,) * 5
                row += list(practice)
        ws.append(row)
    wb.save(path)


def _googleforms(path: Path, responses: int, seed: int) -> None:
    head = [
        "Horodateur",
        "Adresse e-mail",
        "Nom de la collectivité",
        "Type de collectivité",
        "Numéro SIREN",
        "Nom et prénom de la personne référente",
        "Fonction",
        "Téléphone",
        "Un ou une élu·e dispose-t-il/elle d'une délégation ESS\u00a0?",
        "Intitulé exact de la délégation",
        "Budget annuel dédié à l'ESS (en €) ",
        "Nombre d'ETP dédiés à l'ESS",
        "Leviers d'action mobilisés",
        "Champs d'intervention / thématiques de transition",
        "Niveau de priorité [Alimentation durable]",
        "Niveau de priorité [Économie circulaire et réemploi]",
        "Niveau de priorité [Mobilité]",
        "Action 1 - Intitulé",
        "Action 1 - Description",
        "Action 1 - Date de démarrage",
        "Action 1 - Partenaires",
        "Action 1 - Budget",
        "Autres actions (une par ligne : intitulé, année, partenaires, budget)",
    ]
    levels = ["Prioritaire", "Secondaire", "Non concerné", ""]
    rng = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\r\n")
        out.writerow(head)
        for r in _responses(responses, seed):
            y, mo, d, h, mi = r.date
            chosen = [LEVERS[i] for i in r.levers] + ([r.other] if r.other else [])
            first = r.practices[0] if r.practices else ("",) * 5
            more = "\n".join(
                f"{t}, {yr.split()[-1]}, {p.replace(' ;', ',')}, {b}"
                for t, _, yr, p, b in r.practices[1:]
            )
            out.writerow(
                [
                    f"{d:02d}/{mo:02d}/{y} {h:02d}:{mi:02d}:00",
                    f"agent{r.n}@example.org",
                    r.name,
                    KINDS[r.kind][1],
                    r.siren,
                    f"Agent {r.n}",
                    "Chargé·e de mission",
                    "01 99 00 12 34",
                    "Oui" if r.delegation else "Non",
                    "Vice-président·e ESS" if r.delegation else "",
                    r.budget,
                    r.staff,
                    ", ".join(chosen),
                    ", ".join(THEMES[i] for i in r.themes),
                    *(rng.choice(levels) for _ in range(3)),
                    *first,
                    more,
                ]
            )


def generate(layout: str, responses: int, seed: int, path: Path) -> Path:
    """Write ``responses`` synthetic responses in ``layout`` at ``path`` (same seed, same file)."""
    writers = {
        "limesurvey": _limesurvey,
        "surveymonkey": _surveymonkey,
        "googleforms": _googleforms,
    }
    if layout not in writers:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    writers[layout](Path(path), responses, seed)
    return Path(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", choices=LAYOUTS, required=True)
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.layout, args.responses, args.seed, args.out)
    print(f"{args.out}: {args.responses} responses ({args.layout}, seed {args.seed})")


if __name__ == "__main__":
    main()
