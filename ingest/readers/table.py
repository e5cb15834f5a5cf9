"""What every reader gives: headers with their matching keys, and rows of non-empty cells."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ingest.normalise.text import clean_spaces, fold, straight_apostrophes
from ingest.records import Cell, CellRef

HEADER_JOINER = " / "


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 1-based column index: 1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Header:
    """One column: its original header text (rows joined by " / ") and its matching forms.

    ``key`` (spaces and no-break spaces collapsed, straight apostrophes, lower case) is what a
    profile's ``column`` is compared with; ``clean`` (spaces collapsed, straight apostrophes,
    case kept) is what a
    ``pattern`` is searched in. ``text`` stays as written, for reports.
    """

    index: int
    letter: str
    text: str
    key: str
    clean: str
    parts: tuple[str, ...] = ()


@dataclass
class Row:
    """One data row: its number as the curator sees it, its non-empty cells by column index.

    ``nulls`` lists the columns read as NULL (a bare empty CSV field) when the reader was asked
    to tell NULL from an empty string (LimeSurvey); otherwise it stays empty.
    """

    number: int
    cells: dict[int, Cell]
    nulls: list[int] = field(default_factory=list)


@dataclass
class Table:
    """An opened export: headers, and the data rows as a generator (read on demand)."""

    file: str
    headers: list[Header]
    rows: Iterator[Row]
    header_rows: int
    distinguishes_null: bool = False
    encoding: str | None = None
    delimiter: str | None = None


def make_headers(header_records: Sequence[Sequence[str]]) -> list[Header]:
    """Join 1–3 header rows per column; upper rows spread right over blanks (merged cells).

    A blank upper cell takes its left neighbour's text only while every row above it was
    blank too, so a new group in row 1 does not inherit row 2 from the previous group.
    """
    width = max((len(r) for r in header_records), default=0)
    grid = [[(r[i] if i < len(r) else "") or "" for i in range(width)] for r in header_records]
    filled = [list(row) for row in grid]
    spread = [[False] * width for _ in grid]
    for r in range(len(grid) - 1):
        for c in range(1, width):
            if not grid[r][c].strip() and (r == 0 or spread[r - 1][c]):
                filled[r][c] = filled[r][c - 1]
                spread[r][c] = True
    headers = []
    for c in range(width):
        parts: list[str] = []
        for r in range(len(grid)):
            part = filled[r][c]
            if part.strip() and (not parts or clean_spaces(parts[-1]) != clean_spaces(part)):
                parts.append(part)
        headers.append(header(c + 1, HEADER_JOINER.join(parts), tuple(parts)))
    return headers


def header(index: int, text: str, parts: tuple[str, ...] = ()) -> Header:
    """A header for column ``index``; a column without header text is named by its letter."""
    letter = column_letter(index)
    shown = text if text.strip() else letter
    clean = straight_apostrophes(clean_spaces(shown))
    return Header(index, letter, shown, fold(shown), clean, parts or (shown,))


class CellMaker:
    """Builds `Cell`s with one `CellRef` prefix per column, extending headers past the width."""

    def __init__(self, file: str, headers: list[Header]) -> None:
        self.file = file
        self.headers = headers

    def column(self, index: int) -> Header:
        """The header of a 1-based column, inventing letter-named ones past the last."""
        while index > len(self.headers):
            self.headers.append(header(len(self.headers) + 1, ""))
        return self.headers[index - 1]

    def cell(self, row: int, index: int, raw: str) -> Cell:
        """A non-empty cell at (row, column index)."""
        h = self.column(index)
        return Cell(CellRef(self.file, row, h.text, index, h.letter), raw)
