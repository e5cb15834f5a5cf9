"""What the build reads from cells and records: the file's context, the built result,
and the small readings of answer values (choices, texts, years, paired cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property, lru_cache

from rdflib import Graph, URIRef

from ingest import vocabulary_nt as V
from ingest.ntriples import (
    parse,
)
from ingest.records import (
    Amount,
    Answer,
    Cell,
    Choice,
    SourceInfo,
    Staff,
    Year,
)
from ingest.report import FileReport, ResponseReport
from ontology import bind_prefixes

#: Fields whose cells are personal data (private graph only), whatever the profile says.
PERSONAL_FIELDS = frozenset({"contact_name", "contact_role", "contact_email", "contact_phone"})
PERSON_PROPERTY = {
    "contact_name": V.SCHEMA_NAME,
    "contact_role": V.SCHEMA_JOB_TITLE,
    "contact_email": V.SCHEMA_EMAIL,
    "contact_phone": V.SCHEMA_TELEPHONE,
}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"^\+?[\d .()-]{9,}$")
MAX_TITLE_KEY = 80
FIRST_YEAR, LAST_YEAR = 1945, 2035


@dataclass(frozen=True)
class SourceContext:
    """A file of the batch with what its profile says beyond ``SourceInfo``."""

    info: SourceInfo
    survey_id: str
    survey_title: str | None
    reference_year: int
    personal_fields: frozenset[str] = PERSONAL_FIELDS


@dataclass
class FileBuild:
    """The graphs built from one file (N-Triples text), its report, and where each subject
    came from. ``public``/``private`` parse the text into rdflib graphs, on demand only."""

    context: SourceContext
    public_text: str
    private_text: str
    report: FileReport
    origins: dict[URIRef, ResponseReport] = field(default_factory=dict)
    collectivities: set[URIRef] = field(default_factory=set)
    #: Blank nodes of the public text: labelled ``_:{blank_prefix}{n}``, n = 1…blanks.
    blank_prefix: str = "b"
    blanks: int = 0

    @cached_property
    def public(self) -> Graph:
        return bind_prefixes(parse(self.public_text))

    @cached_property
    def private(self) -> Graph:
        return bind_prefixes(parse(self.private_text))


def choices_of(value: object) -> list[Choice]:
    if isinstance(value, list):
        return [v if isinstance(v, Choice) else Choice(label=str(v)) for v in value]
    if isinstance(value, Choice):
        return [value]
    if isinstance(value, str) and value.strip():
        return [Choice(label=value.strip())]
    return []


def text_of(value: object) -> str | None:
    if isinstance(value, Choice):
        return value.label.strip() or None
    if isinstance(value, str):
        text = re.sub(r"[ \t]+", " ", value).strip()
        return text or None
    return None


def year_value(value: object) -> tuple[int | None, list[str]]:
    if isinstance(value, Year):
        return value.value, []
    if isinstance(value, datetime):
        return value.year, []
    if isinstance(value, int) and not isinstance(value, bool):
        return value, []
    return None, []


@lru_cache(maxsize=65536)
def fold_plain(text: str) -> str:
    from ingest.keys import fold

    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def pair_cells(choice: Choice, cells: list[Cell]) -> list[Cell]:
    """The cells a choice was read from: by raw text, code, then column header."""
    if len(cells) == 1:
        return list(cells)
    label = fold_plain(choice.label)
    code = (choice.code or "").casefold()
    found = [
        c
        for c in cells
        if (label and label in fold_plain(c.raw))
        or (code and c.raw.strip().casefold() == code)
        or (code and f"[{code}]" in c.ref.column.casefold())
    ]
    if not found and label:
        found = [c for c in cells if label and label in fold_plain(c.ref.column)]
    if not found and choice.other:
        found = [
            c
            for c in cells
            if "other" in c.ref.column.casefold() or "autre" in fold_plain(c.ref.column)
        ]
    return found


def show(value: object) -> str | None:
    """What a normaliser read, for the report: "150000", "1.5", "2015", "200012342"."""
    inner = getattr(value, "value", value)
    if isinstance(value, (Amount, Staff, Year)) or hasattr(value, "digits"):
        return None if inner is None else str(inner)
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value:
        return ", ".join(c.label if isinstance(c, Choice) else str(c) for c in value)
    return None


def siren_of(answer: Answer) -> str | None:
    value = answer.value
    return getattr(value, "value", None) if value is not None else None
