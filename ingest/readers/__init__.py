"""Readers: an export file becomes header columns and a stream of rows of non-empty cells.

`open_table` reads the header rows at once (so a profile can be checked against them before
any data is read) and gives the data rows as a generator: memory stays flat with file size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ingest.readers.csv_reader import open_csv
from ingest.readers.table import Header, Row, Table
from ingest.readers.xlsx_reader import open_xlsx

__all__ = ["Header", "Row", "Table", "open_table"]


def open_table(
    path: Path,
    *,
    format: Literal["csv", "xlsx"],
    header_rows: int = 1,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    null_vs_empty: bool = False,
) -> Table:
    """Open an export as a `Table`; ``None`` encoding or delimiter means "detect"."""
    if format == "xlsx":
        return open_xlsx(path, header_rows=header_rows, sheet=sheet)
    return open_csv(
        path,
        header_rows=header_rows,
        encoding=encoding,
        delimiter=delimiter,
        null_vs_empty=null_vs_empty,
    )
