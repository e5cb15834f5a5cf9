"""An export file read with its profile: `SourceInfo` and a stream of `ResponseRecord`s.

Every non-empty cell of every data row lands in exactly one place: an answer's cells, a
practice's answer cells, or ``unmapped``. The reader counts non-empty cells as rows stream
by, so the count is final only once the records are exhausted: `read_export` returns a
`SourceInfo` whose ``non_empty_cells`` follows the stream (read it after the loop), and
`extract` returns an `Extraction` that says so explicitly (``finished``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingest.binding import Binding, BoundField, bind
from ingest.errors import IngestError
from ingest.interpret import Interpreter, as_decimal, parse_scalar
from ingest.normalise import Normalised
from ingest.normalise.dates import parse_datetime
from ingest.normalise.lists import split_list
from ingest.profile_schema import LinesSpec
from ingest.profiles import Profile
from ingest.readers import Header, Row, Table, open_table
from ingest.readers.table import column_letter
from ingest.records import (
    Answer,
    Cell,
    CellRef,
    Choice,
    Completeness,
    PracticeRecord,
    ResponseRecord,
    SourceInfo,
    Value,
)

RESPONSE_ID = "response_id"
SUBMITTED = "submitted"


class Extraction:
    """A file being read: its source description, its records (one pass), the cell count.

    Iterate it (or `records()`) for the `ResponseRecord`s; ``info`` is the `SourceInfo`,
    whose ``non_empty_cells`` is final once ``finished`` (after the last record).
    """

    def __init__(self, info: SourceInfo, table: Table, reading: _Reading) -> None:
        self._info = info
        self.table = table
        self._reading = reading
        self._records = reading.records(table.rows)
        self.data_rows = 0
        self.finished = False

    @property
    def non_empty_cells(self) -> int:
        """Non-empty data cells read so far (all of them once ``finished``)."""
        return self._reading.cells

    @property
    def info(self) -> SourceInfo:
        """The source with the cell count so far (final once ``finished``)."""
        return dataclasses.replace(self._info, non_empty_cells=self._reading.cells)

    source = info

    def records(self) -> Iterator[ResponseRecord]:
        """The response records, streamed; ``finished`` turns true after the last one."""
        for record in self._records:
            self.data_rows += 1
            yield record
        self.finished = True

    def __iter__(self) -> Iterator[ResponseRecord]:
        return self.records()


def source_id_for(path: Path, profile: Profile) -> str:
    """The profile's source id, else one made from the profile and file names."""
    if profile.spec.source.id:
        return profile.spec.source.id
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return f"{profile.name}-{stem}"[:120]


def checksum(path: Path) -> str:
    """``sha256:`` and the hex digest of the file's bytes, read by chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def extract(path: Path, profile: Profile, *, source_id: str | None = None) -> Extraction:
    """Open the file, check the profile's columns against its headers, stream its records."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(
            "file-not-found",
            "Fichier introuvable",
            "File not found",
            file=str(path),
        )
    reader = profile.spec.reader
    table = open_table(
        path,
        format=reader.format,
        header_rows=reader.header_rows,
        encoding=reader.encoding,
        delimiter=reader.delimiter,
        sheet=reader.sheet,
        null_vs_empty=reader.null_vs_empty,
    )
    binding = bind(profile, table.headers, path.name)
    info = SourceInfo(
        source_id=source_id or source_id_for(path, profile),
        file_name=path.name,
        checksum=checksum(path),
        profile=profile.name,
        read_at=datetime.now(UTC),
        non_empty_cells=0,
    )
    return Extraction(info, table, _Reading(profile, binding, info, table.headers))


def read_export(path: Path, profile: Profile, source_id: str | None = None) -> Extraction:
    """Read an export with its profile: iterate the result for records, then read ``.info``.

    The source's ``non_empty_cells`` is counted while the rows stream by, so it is final
    only after the last record (``Extraction.finished``); see `Extraction`.
    """
    return extract(path, profile, source_id=source_id)


class _Reading:
    """Reads rows into records with one profile binding."""

    def __init__(
        self, profile: Profile, binding: Binding, info: SourceInfo, headers: list[Header]
    ) -> None:
        self.cells = 0
        self.headers = headers
        self.profile = profile
        self.binding = binding
        self.info = info
        self.interpreter = Interpreter(profile.spec.codes)
        self.formats = profile.spec.submitted.formats if profile.spec.submitted else []
        self.lines = profile.spec.practices.lines if profile.spec.practices else None

    def records(self, rows: Iterator[Row]) -> Iterator[ResponseRecord]:
        for row in rows:
            self.cells += len(row.cells)
            yield self.record(row)

    def record(self, row: Row) -> ResponseRecord:
        b = self.binding
        cells = row.cells
        answers: dict[str, Answer] = {}
        problems: list[str] = []
        response_id = str(row.number)
        if b.response_id is not None:
            id_cell = cells.get(b.response_id)
            if id_cell is not None:
                response_id = id_cell.raw.strip()
                answers[RESPONSE_ID] = Answer(RESPONSE_ID, response_id, [id_cell])
            else:
                problems.append("response-id-missing")
        submitted = None
        if b.submitted is not None and b.submitted in cells:
            date_cell = cells[b.submitted]
            parsed = parse_datetime(date_cell.raw, self.formats)
            submitted = parsed.value
            answers[SUBMITTED] = Answer(SUBMITTED, submitted, [date_cell], list(parsed.flags))
        for bf in b.fields:
            answer = self.interpreter.answer(bf, cells)
            if answer is not None:
                answers[bf.name] = answer
        practices = self.slots(b.slots, cells)
        if b.lines is not None and b.lines in cells and self.lines is not None:
            practices += self.line_practices(self.lines, cells[b.lines], len(practices))
        # Cells of one row differ by column only: compare column indexes, not whole refs.
        used = {c.ref.column_index for a in answers.values() for c in a.cells}
        used |= {c.ref.column_index for p in practices for a in p.answers.values() for c in a.cells}
        unmapped = [c for i, c in cells.items() if i not in used]
        not_shown = []
        if row.nulls:
            problems.append("null-vs-empty")
            not_shown = [self.null_ref(row.number, i) for i in row.nulls]
        return ResponseRecord(
            source_id=self.info.source_id,
            response_id=response_id,
            row=row.number,
            submitted=submitted,
            completeness=self.completeness(cells, answers),
            answers=answers,
            practices=practices,
            unmapped=unmapped,
            problems=problems,
            not_shown=not_shown,
        )

    def null_ref(self, row: int, index: int) -> CellRef:
        """Where a NULL (not shown) cell is."""
        h = self.headers[index - 1] if index <= len(self.headers) else None
        letter = column_letter(index)
        return CellRef(self.info.file_name, row, h.text if h else letter, index, letter)

    def slots(self, slots: list[list[BoundField]], cells: dict[int, Cell]) -> list[PracticeRecord]:
        practices: list[PracticeRecord] = []
        for fields in slots:
            answers = {}
            for bf in fields:
                answer = self.interpreter.answer(bf, cells)
                if answer is not None:
                    answers[bf.name] = answer
            if answers:
                practices.append(PracticeRecord(len(practices) + 1, answers))
        return practices

    def line_practices(self, spec: LinesSpec, cell: Cell, before: int) -> list[PracticeRecord]:
        """One practice per non-empty line of the cell, its parts read by the lines' parsers."""
        practices: list[PracticeRecord] = []
        for line in (ln.strip() for ln in cell.raw.splitlines()):
            if not line:
                continue
            parts, flags = split_line(line, spec)
            answers = {}
            for name, part in parts.items():
                if spec.fields[name] == "list":
                    pieces = split_list(part, spec.list_separators)
                    parsed: Normalised[Value] = Normalised([Choice(p) for p in pieces])
                else:
                    parsed = parse_scalar(spec.fields[name], part)
                answers[name] = Answer(
                    name, parsed.value, [cell], [*parsed.flags, *flags], part=part
                )
            if answers:
                practices.append(PracticeRecord(before + len(practices) + 1, answers))
        return practices

    def completeness(self, cells: dict[int, Cell], answers: dict[str, Answer]) -> Completeness:
        """Complete when every condition of the profile's rule holds."""
        b = self.binding
        for _, column, name in b.non_empty:
            present = name in answers if name is not None else column in cells
            if not present:
                return "incomplete"
        for _, minimum, column, name in b.at_least:
            if name is not None:
                cell = answers[name].cells[0] if name in answers else None
            else:
                cell = cells.get(column) if column is not None else None
            number = as_decimal(cell.raw) if cell is not None else None
            if number is None or number < minimum:
                return "incomplete"
        return "complete"


def split_line(line: str, spec: LinesSpec) -> tuple[dict[str, str], list[str]]:
    """A line's parts by field name: the first separator present splits the line; extra
    parts go to the ``overflow`` field, missing ones are flagged."""
    sep = next((s for s in spec.separators if s in line), None)
    parts = [p.strip() for p in line.split(sep)] if sep else [line.strip()]
    names = list(spec.fields)
    flags: list[str] = []
    if len(parts) > len(names) and spec.overflow is not None and sep is not None:
        at = names.index(spec.overflow)
        extra = len(parts) - len(names)
        merged = (
            f"{sep} ".join(parts[at : at + extra + 1])
            if sep.strip()
            else sep.join(parts[at : at + extra + 1])
        )
        parts = [*parts[:at], merged, *parts[at + extra + 1 :]]
    if len(parts) > len(names):
        flags.append("line-extra-parts")
        parts = [*parts[: len(names) - 1], f"{sep} ".join(parts[len(names) - 1 :])]
    elif len(parts) < len(names):
        flags.append("line-parts-missing")
    return {n: p for n, p in zip(names, parts, strict=False) if p}, flags
