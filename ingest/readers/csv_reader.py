"""CSV exports, read record by record from the raw text.

The `csv` module cannot tell a bare empty field (`;;`, LimeSurvey's NULL: question not shown)
from a quoted empty one (`;"";`, shown but unanswered), so records are cut and split here:
a record ends at a line break outside quotes; fields are split on the delimiter outside
quotes, remembering whether each field was quoted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ingest.errors import IngestError
from ingest.readers.encoding import check_text_file, detect_encoding
from ingest.readers.table import CellMaker, Row, Table, make_headers

_DELIMITERS = (";", ",", "\t")

Field = tuple[str, bool]  # (text, was quoted)


def raw_records(lines: Iterator[str], file: str) -> Iterator[tuple[int, str]]:
    """(line where the record starts, record text without its line break), quotes balanced."""
    buffer: list[str] = []
    quotes = 0
    start = 0
    number = 0
    for number, line in enumerate(lines, start=1):
        if not buffer:
            start = number
        buffer.append(line)
        quotes += line.count('"')
        if quotes % 2 == 0:
            yield start, "".join(buffer).rstrip("\r\n")
            buffer, quotes = [], 0
    if buffer:
        raise IngestError(
            "csv-unclosed-quote",
            "Guillemet ouvert jamais refermé : le fichier est tronqué ou mal formé",
            "A quote is opened and never closed: the file is truncated or malformed",
            file=file,
            row=start,
        )


def split_record(record: str, delimiter: str) -> list[Field]:
    """The record's fields, each with whether it was quoted (doubled quotes undone)."""
    if '"' not in record:
        return [(f, False) for f in record.split(delimiter)]
    fields: list[Field] = []
    i, n, step = 0, len(record), len(delimiter)
    while True:
        quoted = i < n and record[i] == '"'
        if quoted:
            j, parts = i + 1, []
            while True:
                k = record.find('"', j)
                if k == -1:
                    parts.append(record[j:])
                    i = n
                    break
                if record.startswith('"', k + 1):
                    parts.append(record[j : k + 1])
                    j = k + 2
                    continue
                parts.append(record[j:k])
                i = k + 1
                break
            text = "".join(parts)
        else:
            text = ""
        k = record.find(delimiter, i)
        end = n if k == -1 else k
        text += record[i:end]  # text after a closing quote is kept, as the csv module does
        fields.append((text, quoted))
        if k == -1:
            return fields
        i = k + step


def sniff_delimiter(record: str) -> str:
    """The delimiter that occurs most often outside quotes in the first record."""
    outside = "".join(part for i, part in enumerate(record.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_csv(
    path: Path,
    *,
    header_rows: int = 1,
    encoding: str | None = None,
    delimiter: str | None = None,
    null_vs_empty: bool = False,
) -> Table:
    """Read the header records now; the data rows come later from a generator."""
    if encoding:
        check_text_file(path)
    enc = encoding or detect_encoding(path)
    file = path.name
    with _open_text(path, enc) as fh:
        records = raw_records(_lines(fh, file, enc), file)
        heads: list[str] = []
        for _, record in records:
            heads.append(record)
            if len(heads) == header_rows:
                break
    if not heads or not any(h.strip() for h in heads):
        raise IngestError(
            "empty-file",
            "Le fichier ne contient ni en-têtes ni données",
            "The file holds neither headers nor data",
            file=file,
        )
    delim = delimiter or sniff_delimiter(heads[0])
    headers = make_headers([[t for t, _ in split_record(h, delim)] for h in heads])
    table = Table(file, headers, iter(()), header_rows, null_vs_empty, enc, delim)
    table.rows = _rows(path, enc, delim, header_rows, null_vs_empty, CellMaker(file, headers))
    return table


def _open_text(path: Path, encoding: str) -> TextIO:
    """The file as text, universal line ends kept as written (``newline=""``)."""
    return path.open("r", encoding=encoding, newline="")


def _lines(fh: Iterator[str], file: str, encoding: str) -> Iterator[str]:
    """Lines of the file, a decoding error turned into an IngestError naming the line."""
    number = 0
    try:
        for number, line in enumerate(fh, start=1):  # noqa: B007
            yield line
    except UnicodeDecodeError as exc:
        raise IngestError(
            "encoding-error",
            f"Texte illisible en {encoding} ({exc.reason}) ; indiquez reader.encoding",
            f"Text unreadable as {encoding} ({exc.reason}); set reader.encoding",
            file=file,
            row=number + 1,
        ) from exc


def _rows(
    path: Path,
    encoding: str,
    delimiter: str,
    header_rows: int,
    null_vs_empty: bool,
    cells: CellMaker,
) -> Iterator[Row]:
    """Data rows with their non-empty cells; blank records are skipped."""
    with _open_text(path, encoding) as fh:
        records = raw_records(_lines(fh, cells.file, encoding), cells.file)
        for index, (line, record) in enumerate(records):
            if index < header_rows:
                continue
            row_cells = {}
            nulls = []
            for col, (text, quoted) in enumerate(split_record(record, delimiter), start=1):
                if text.strip():
                    row_cells[col] = cells.cell(line, col, text)
                elif null_vs_empty and not quoted and not text:
                    nulls.append(col)
            if row_cells:
                yield Row(line, row_cells, nulls)
