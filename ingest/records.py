"""What a survey export becomes once read with its profile, before reconciliation and RDF.

The contract between the reading half of ingest (readers, profiles, normalisers, extraction)
and the building half (reconciliation, RDF, validation, commit, reports). Every non-empty
cell of the file ends in exactly one place: an `Answer` (mapped by the profile) or
`ResponseRecord.unmapped` (kept as a raw answer). Nothing read is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class CellRef:
    """Where a value was read: file name, row and column as a person finds them.

    ``row`` is the spreadsheet row number (XLSX) or the line number where the CSV record
    starts (1-based, header rows included), so "row 5" is what the curator opens.
    ``column`` is the header text (several header rows joined by " / ");
    ``column_index`` is 1-based; ``letter`` is the spreadsheet column letter (A, B, …, AA).
    """

    file: str
    row: int
    column: str
    column_index: int
    letter: str


@dataclass(frozen=True)
class Cell:
    """One non-empty cell as read: its place and its exact text."""

    ref: CellRef
    raw: str


Flag = str
"""A stable, kebab-case note on a value, e.g. ``approximate``, ``range``, ``per-year``,
``not-communicated``, ``not-an-amount``, ``siret-reduced-to-siren``, ``luhn-failed``,
``year-uncertain``, ``year-range``, ``unknown-option``, ``other-text``, ``null-vs-empty``.
Reports translate flags into French and English."""


@dataclass(frozen=True)
class Amount:
    """A sum in euros read from free text ("1,5 M€", "entre 50 et 80 k€", "NC")."""

    value: Decimal | None  # best single figure (mid-point of a range), None when unknown
    low: Decimal | None = None
    high: Decimal | None = None
    per_year: bool = False
    approximate: bool = False


@dataclass(frozen=True)
class Staff:
    """Full-time equivalents read from free text ("0,5", "1 ETP et demi")."""

    value: Decimal | None
    approximate: bool = False


@dataclass(frozen=True)
class Year:
    """A year read from free text ("depuis 2012", "2019-2020", "2015 ?")."""

    value: int | None
    end: int | None = None
    uncertain: bool = False


@dataclass(frozen=True)
class Siren:
    """A SIREN read from text or a number; ``value`` only when 9 digits pass Luhn."""

    value: str | None
    digits: str  # what was read, digits only


@dataclass(frozen=True)
class Choice:
    """One option selected in a multi-select or single-choice question.

    ``label`` is the option's label as the survey tool shows it (or the code table's label
    for a code); ``code`` the tool's code when there is one (``SQ001``, ``A02``, ``M1``);
    ``other`` marks a free "other" answer (then ``label`` is the respondent's text).
    ``rank`` is set for ranking questions (1 = first) and for grid priorities (the profile's
    rank for the level). ``level`` is a grid question's answer for this option as written
    (Google Forms "Niveau de priorité [Alimentation durable]" → "Prioritaire").
    """

    label: str
    code: str | None = None
    other: bool = False
    rank: int | None = None
    level: str | None = None


Value = str | bool | Decimal | int | datetime | Amount | Staff | Year | Siren | list[Choice] | None


@dataclass
class Answer:
    """A profile field's value for one response, with the cells it came from."""

    name: str  # the profile's field name, e.g. "budget", "levers", "collectivity_name"
    value: Value
    cells: list[Cell]
    flags: list[Flag] = field(default_factory=list)
    scheme: str | None = None  # concept scheme for choices: levers, themes, collectivity-kinds…
    personal: bool = False  # personal data (contact name, e-mail, phone): private graph only
    part: str | None = None  # the piece of the cell read, when one cell gives several answers


@dataclass
class PracticeRecord:
    """One practice slot of a response (``ACT{n}…`` columns, or one line of a joined cell)."""

    slot: int  # 1-based slot number within the response
    answers: dict[str, Answer] = field(default_factory=dict)  # title, description, start_year…


Completeness = Literal["complete", "incomplete"]


@dataclass
class ResponseRecord:
    """One row of the export read with its profile."""

    source_id: str  # e.g. "limesurvey-482913"
    response_id: str  # the tool's id, or the row number when the tool has none
    row: int  # as in CellRef.row
    submitted: datetime | None
    completeness: Completeness
    answers: dict[str, Answer] = field(default_factory=dict)
    practices: list[PracticeRecord] = field(default_factory=list)
    unmapped: list[Cell] = field(default_factory=list)  # non-empty cells no field consumed
    problems: list[str] = field(default_factory=list)  # flags about the row as a whole
    # Empty cells the tool marked as NULL (LimeSurvey: question not shown), as opposed to
    # shown but left empty (""); only formats that tell them apart fill it.
    not_shown: list[CellRef] = field(default_factory=list)

    def cell_count(self) -> int:
        """Non-empty cells accounted for by this record (each counted once)."""
        seen = {c.ref for a in self.answers.values() for c in a.cells}
        seen |= {c.ref for p in self.practices for a in p.answers.values() for c in a.cells}
        seen |= {c.ref for c in self.unmapped}
        return len(seen)


@dataclass(frozen=True)
class SourceInfo:
    """The file being ingested: what provenance says about it."""

    source_id: str
    file_name: str
    checksum: str  # "sha256:" + 64 hex digits of the file's bytes
    profile: str  # profile name, e.g. "limesurvey-2021"
    read_at: datetime
    non_empty_cells: int  # counted by the reader over the data rows, for the cross-check
