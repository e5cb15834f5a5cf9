"""Readers: encodings, delimiters, header rows, multi-line cells, NULL vs "", XLSX values."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.errors import IngestError
from ingest.readers import open_table
from ingest.readers.csv_reader import split_record

SAMPLES = Path(__file__).resolve().parents[2] / "essgraph" / "demo" / "exports"
LIME = SAMPLES / "limesurvey_results-survey482913_codes.csv"
MONKEY = SAMPLES / "surveymonkey_all-responses_actual-answer-text.xlsx"
GFORMS = SAMPLES / "googleforms_reponses_formulaire.csv"
TEXT = "Nom;Budget\r\nCommunauté d’agglo;150\u202f000 €\r\n"


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = tmp_path / "x.csv"
    text = TEXT.replace("\u202f", " ") if encoding == "cp1252" else TEXT
    path.write_bytes(text.encode(encoding))
    table = open_table(path, format="csv")
    assert table.encoding == detected
    [row] = list(table.rows)
    assert row.cells[1].raw == "Communauté d’agglo"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f'a{delimiter}"b, c"\n1{delimiter}2\n', encoding="utf-8")
    table = open_table(path, format="csv")
    assert table.delimiter == delimiter
    assert [h.text for h in table.headers] == ["a", "b, c"]


def test_null_and_empty_string_are_told_apart() -> None:
    table = open_table(LIME, format="csv", null_vs_empty=True)
    rows = {r.number: r for r in table.rows}
    # Response 4: ELUDELEG (17) and PRIO[3] (39) are NULL, the empty options are "".
    assert rows[4].nulls == [17, 39]
    assert 10 not in rows[4].cells  # COLTYPE[other] is "" (shown, empty): no cell
    assert 10 not in rows[4].nulls


def test_split_record_remembers_quotes() -> None:
    assert split_record('"a";;"";"b""c"', ";") == [
        ("a", True),
        ("", False),
        ("", True),
        ('b"c', True),
    ]


def test_multi_line_cells_and_row_numbers() -> None:
    table = open_table(LIME, format="csv")
    rows = list(table.rows)
    assert [r.number for r in rows] == [2, 4, 5, 6, 8, 9]  # where each record starts
    cell = rows[0].cells[41]
    assert cell.raw == "Appui au PTCE : animation, étude de préfiguration,\nlocaux mutualisés."
    assert (cell.ref.row, cell.ref.column, cell.ref.letter) == (2, "ACT1DESC", "AO")


def test_header_spaces_are_folded_for_matching_but_kept_for_reports() -> None:
    table = open_table(GFORMS, format="csv")
    budget = table.headers[10]
    assert budget.text == "Budget annuel dédié à l'ESS (en €) "
    assert budget.key == "budget annuel dédié à l'ess (en €)"
    delegation = table.headers[8]
    assert "\u00a0?" in delegation.text and delegation.key.endswith("ess ?")


def test_two_header_rows_are_joined_with_the_question_spread_right() -> None:
    table = open_table(MONKEY, format="xlsx", header_rows=2)
    texts = [h.text for h in table.headers]
    assert texts[0] == "Respondent ID"
    assert texts[11] == "Type de collectivité / Autre (veuillez préciser)"
    assert texts[37] == "Action n°1 / Intitulé"


def test_xlsx_numbers_keep_their_digits() -> None:
    table = open_table(MONKEY, format="xlsx", header_rows=2)
    first = next(iter(table.rows))
    assert first.number == 3
    assert first.cells[1].raw == "12198734561"
    assert first.cells[13].raw == "200012342"


def test_xlsx_values(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["n", "x", "d", "s", "empty"])
    ws.append([200012342, 3.5, datetime(2016, 9, 1), "  ", None])
    ws.append([None, None, None, None, None])
    ws.append([1.0, None, datetime(2020, 1, 2, 3, 4, 5), "a\nb", None])
    wb.save(tmp_path / "x.xlsx")
    rows = list(open_table(tmp_path / "x.xlsx", format="xlsx").rows)
    assert [r.number for r in rows] == [2, 4]
    assert {i: c.raw for i, c in rows[0].cells.items()} == {
        1: "200012342",
        2: "3.5",
        3: "2016-09-01",
    }
    assert {i: c.raw for i, c in rows[1].cells.items()} == {
        1: "1",
        3: "2020-01-02T03:04:05",
        4: "a\nb",
    }


def test_named_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["ignored"])
    ws = wb.create_sheet("Réponses")
    ws.append(["q"])
    ws.append(["a"])
    wb.save(tmp_path / "x.xlsx")
    [row] = list(open_table(tmp_path / "x.xlsx", format="xlsx", sheet="Réponses").rows)
    assert row.cells[1].raw == "a"
    with pytest.raises(IngestError) as err:
        open_table(tmp_path / "x.xlsx", format="xlsx", sheet="Autre")
    assert err.value.code == "sheet-missing"


def test_rows_are_streamed() -> None:
    table = open_table(LIME, format="csv")
    assert not isinstance(table.rows, list)
    assert next(table.rows).number == 2


def _png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return path


@pytest.mark.parametrize(
    ("name", "make", "fmt", "code"),
    [
        ("image.csv", _png, "csv", "not-a-csv"),
        ("empty.csv", lambda p: (p.write_bytes(b""), p)[1], "csv", "empty-file"),
        ("blank.csv", lambda p: (p.write_text("\n\n"), p)[1], "csv", "empty-file"),
        ("text.xlsx", lambda p: (p.write_text("a;b\n1;2\n"), p)[1], "xlsx", "not-an-xlsx"),
        ("empty.xlsx", lambda p: (p.write_bytes(b""), p)[1], "xlsx", "empty-file"),
        (
            "quote.csv",
            lambda p: (p.write_text('a;b\n1;"open\n'), p)[1],
            "csv",
            "csv-unclosed-quote",
        ),
    ],
)
def test_bad_files(tmp_path: Path, name: str, make: object, fmt: str, code: str) -> None:
    path = make(tmp_path / name)  # type: ignore[operator]
    with pytest.raises(IngestError) as err:
        list(open_table(path, format=fmt).rows)  # type: ignore[arg-type]
    assert err.value.code == code
    assert name in err.value.message_fr and name in err.value.message_en


def test_truncated_xlsx(tmp_path: Path) -> None:
    data = MONKEY.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as err:
        list(open_table(path, format="xlsx", header_rows=2).rows)
    assert err.value.code == "xlsx-unreadable"
    assert "truncated.xlsx" in str(err.value)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(IngestError) as err:
        open_table(path, format="xlsx")
    assert err.value.code == "xlsx-unreadable"


def test_headers_only_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "headers.csv"
    path.write_text("a;b\r\n", encoding="utf-8")
    table = open_table(path, format="csv")
    assert [h.text for h in table.headers] == ["a", "b"]
    assert list(table.rows) == []
