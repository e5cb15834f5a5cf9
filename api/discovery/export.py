"""CSV of a whole result set, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as
a formula by Excel or LibreOffice (CSV injection, OWASP): such cells get a leading ``'``.
"""

from __future__ import annotations

import csv
import io

from api.discovery.facets import Snapshot
from api.discovery.search import Result
from api.i18n import Lang

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADERS: dict[Lang, list[str]] = {
    "fr": [
        "iri",
        "titre",
        "collectivité",
        "nature",
        "région",
        "année de lancement",
        "budget",
        "leviers",
        "thématiques",
        "modes d'action",
        "partenaires",
    ],
    "en": [
        "iri",
        "title",
        "collectivity",
        "kind",
        "region",
        "start year",
        "budget",
        "levers",
        "themes",
        "modes of action",
        "partners",
    ],
}


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def result_csv(snapshot: Snapshot, result: Result, lang: Lang) -> str:
    """Every practice of the result (not only the page), in the result's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS[lang])
    for practice in result.everything:
        row = [
            practice.iri,
            practice.title(lang),
            snapshot.collectivity_name(practice, lang),
            " | ".join(snapshot.value_names(practice, "kind", lang)),
            " | ".join(snapshot.value_names(practice, "region", lang)),
            "" if practice.year is None else str(practice.year),
            practice.budget or "",
            " | ".join(snapshot.value_names(practice, "lever", lang)),
            " | ".join(snapshot.value_names(practice, "theme", lang)),
            " | ".join(snapshot.value_names(practice, "mode", lang)),
            " | ".join(snapshot.value_names(practice, "partner", lang)),
        ]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
