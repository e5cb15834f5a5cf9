"""The calamine XLSX reader gives what openpyxl's gives: headers, row numbers, cell texts."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.errors import IngestError
from ingest.readers.table import Table
from ingest.readers.xlsx_reader import open_xlsx, open_xlsx_openpyxl

MONKEY = (
    Path(str(resources.files("essgraph").joinpath("demo/exports")))
    / "surveymonkey_all-responses_actual-answer-text.xlsx"
)
BENCH = Path(__file__).resolve().parents[2] / "bench" / "generate_exports.py"


def _read(table: Table) -> tuple[list[str], list[tuple[int, dict[int, str]]]]:
    rows = [(r.number, {i: c.raw for i, c in r.cells.items()}) for r in table.rows]
    return [h.text for h in table.headers], rows


def _same(path: Path, header_rows: int = 1, sheet: str | None = None) -> None:
    fast = _read(open_xlsx(path, header_rows=header_rows, sheet=sheet))
    reference = _read(open_xlsx_openpyxl(path, header_rows=header_rows, sheet=sheet))
    assert fast == reference


def test_the_sample_reads_the_same() -> None:
    _same(MONKEY, header_rows=2)


def test_a_generated_export_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "sm.xlsx"
    subprocess.run(
        [
            sys.executable,
            str(BENCH),
            "--layout",
            "surveymonkey",
            "--responses",
            "60",
            "--seed",
            "3",
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    _same(path, header_rows=2)


def test_values_and_offsets_read_the_same(tmp_path: Path) -> None:
    """A sheet starting at C3 (calamine's rows start at row 1, its columns at the first
    used one), numbers, dates, times, booleans, blanks, formulas without a cached value."""
    wb = Workbook()
    ws = wb.active
    ws["C3"] = "SIREN"
    ws["D3"] = "Montant"
    ws["E3"] = "Date"
    ws["F3"] = "Heure"
    ws["G3"] = "Oui/non"
    ws["H3"] = "Texte"
    ws.append([None, None, 200012342, 3.5, datetime(2016, 9, 1), time(10, 30), True, "  "])
    ws.append([None, None, None, None, None, None, None, None])
    ws.append([None, None, 1.0, "=1/0", date(2020, 1, 2), None, False, "a\nb"])
    ws.append([None, None, 12198734561, 1e20, datetime(2020, 1, 2, 3, 4, 5), None, None, "é€"])
    wb.save(tmp_path / "x.xlsx")
    _same(tmp_path / "x.xlsx", header_rows=3)
    headers, rows = _read(open_xlsx(tmp_path / "x.xlsx", header_rows=3))
    assert headers[2] == "SIREN"
    assert rows[0] == (
        4,
        {3: "200012342", 4: "3.5", 5: "2016-09-01", 6: "10:30:00", 7: "TRUE"},
    )
    assert rows[1][0] == 6 and rows[1][1][8] == "a\nb" and rows[1][1][7] == "FALSE"
    assert rows[2][1][3] == "12198734561"


def test_named_sheet_and_missing_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["ignored"])
    ws = wb.create_sheet("Réponses")
    ws.append(["q"])
    ws.append(["a"])
    wb.save(tmp_path / "x.xlsx")
    _same(tmp_path / "x.xlsx", sheet="Réponses")
    with pytest.raises(IngestError) as err:
        open_xlsx(tmp_path / "x.xlsx", sheet="Autre")
    assert err.value.code == "sheet-missing"
    assert "Réponses" in err.value.message_fr


def test_truncated_workbook_is_unreadable(tmp_path: Path) -> None:
    data = MONKEY.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        with pytest.raises(IngestError) as err:
            list(open_xlsx(path, header_rows=2).rows)
        assert err.value.code == "xlsx-unreadable"
        assert path.name in err.value.message_fr and path.name in err.value.message_en


def test_empty_sheet(tmp_path: Path) -> None:
    Workbook().save(tmp_path / "vide.xlsx")
    with pytest.raises(IngestError) as err:
        open_xlsx(tmp_path / "vide.xlsx")
    assert err.value.code == "empty-file"
