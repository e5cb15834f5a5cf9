"""Extraction: every non-empty cell lands once; the samples' quirks come out as planned;
new layouts (Framaforms, Microsoft Forms) read with a profile only; generated exports read."""

from __future__ import annotations

import runpy
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.extract import read_export
from ingest.profiles import load_profile
from ingest.records import Amount, Choice, ResponseRecord, Siren, SourceInfo, Staff, Year

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "essgraph" / "demo" / "exports"
FIXTURES = Path(__file__).parent / "fixtures"
LIME = SAMPLES / "limesurvey_results-survey482913_codes.csv"
MONKEY = SAMPLES / "surveymonkey_all-responses_actual-answer-text.xlsx"
GFORMS = SAMPLES / "googleforms_reponses_formulaire.csv"
CASES = [
    (LIME, "limesurvey-2021", 6),
    (MONKEY, "surveymonkey-2021", 6),
    (GFORMS, "googleforms-2021", 7),
]


def _read(path: Path, profile: str | Path) -> tuple[SourceInfo, list[ResponseRecord]]:
    extraction = read_export(path, load_profile(profile))
    records = list(extraction)
    assert extraction.finished
    return extraction.info, records


def _msforms(tmp_path: Path) -> Path:
    make = runpy.run_path(str(FIXTURES / "make_msforms.py"))["make_msforms"]
    return make(tmp_path / "msforms_export.xlsx")


def _all_cases(tmp_path: Path) -> list[tuple[Path, str | Path]]:
    return [(p, n) for p, n, _ in CASES] + [
        (FIXTURES / "framaforms_export.csv", FIXTURES / "framaforms-2022.yaml"),
        (_msforms(tmp_path), FIXTURES / "msforms-2022.yaml"),
    ]


@pytest.mark.parametrize(("path", "profile", "responses"), CASES)
def test_samples_read_with_their_profiles(path: Path, profile: str, responses: int) -> None:
    info, records = _read(path, profile)
    assert len(records) == responses
    assert info.profile == profile and info.file_name == path.name
    assert info.checksum.startswith("sha256:") and len(info.checksum) == 71


def test_every_cell_lands_exactly_once(tmp_path: Path) -> None:
    for path, profile in _all_cases(tmp_path):
        info, records = _read(path, profile)
        assert info.non_empty_cells > 0
        assert sum(r.cell_count() for r in records) == info.non_empty_cells, path.name
        for record in records:
            places = [c.ref for a in record.answers.values() for c in a.cells]
            places += [c.ref for c in record.unmapped]
            assert len(places) == len(set(places)), (path.name, record.row)


def test_count_is_final_after_the_last_record() -> None:
    extraction = read_export(LIME, load_profile("limesurvey-2021"))
    assert extraction.non_empty_cells == 0 and not extraction.finished
    total = sum(r.cell_count() for r in extraction)
    assert extraction.finished and extraction.info.non_empty_cells == total


def _by_id(records: list[ResponseRecord]) -> dict[str, ResponseRecord]:
    return {r.response_id: r for r in records}


def test_limesurvey_quirks() -> None:
    info, records = _read(LIME, "limesurvey-2021")
    assert info.source_id == "limesurvey-482913"
    r = _by_id(records)
    assert r["5"].completeness == "incomplete" and r["5"].submitted is None
    assert r["3"].completeness == "complete"
    assert [ref.column for ref in r["4"].not_shown] == ["ELUDELEG", "PRIO[3]"]
    assert "null-vs-empty" in r["4"].problems
    kind = r["8"].answers["collectivity_kind"]
    assert kind.value == [Choice("Métropole (EPCI à statut particulier)", "-oth-", other=True)]
    assert [c.ref.column for c in kind.cells] == ["COLTYPE", "COLTYPE[other]"]
    assert r["3"].answers["budget"].value == Amount(Decimal(1500000))
    assert r["3"].answers["siren"].value == Siren("200012342", "200012342")
    assert r["9"].answers["siren"].flags == ["luhn-failed"]
    assert r["8"].answers["staff"].flags == ["staff-detail"]
    levers = r["9"].answers["levers"].value
    assert isinstance(levers, list)
    assert levers[-1] == Choice("Budget participatif", other=True)
    assert levers[0] == Choice("Subventions et appels à projets", "SQ001")
    prio = r["3"].answers["priorities"].value
    assert [(c.code, c.rank) for c in prio] == [("A02", 1), ("A01", 2), ("A05", 3)]  # type: ignore[union-attr]
    practice = r["9"].practices[0].answers
    assert practice["start_year"].value == Year(2019, end=2020)
    assert r["6"].practices[1].answers["start_year"].value == Year(2015, uncertain=True)
    assert r["3"].answers["contact_email"].personal
    assert not r["3"].answers["budget"].personal
    assert [c.ref.column for c in r["3"].unmapped] == [
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
    ]


def test_surveymonkey_quirks() -> None:
    _, records = _read(MONKEY, "surveymonkey-2021")
    rows = {r.row: r for r in records}
    assert rows[5].completeness == "incomplete"  # Val de Lys, abandoned
    assert rows[3].answers["siren"].value == Siren("200012342", "200012342")  # a number
    assert rows[8].answers["siren"].flags == ["siret-reduced-to-siren"]
    assert rows[4].answers["budget"].flags == ["range"]
    assert rows[4].answers["staff"].flags == ["part-time-unquantified"]
    assert rows[7].answers["budget"].value == Amount(Decimal(45000), per_year=True)
    assert rows[6].answers["staff"].value == Staff(Decimal(4))
    assert rows[6].answers["collectivity_kind"].value == [
        Choice("Métropole (EPCI à statut particulier)", other=True)
    ]
    levers = rows[8].answers["levers"].value
    assert levers == [
        Choice("Subventions et appels à projets"),
        Choice("Mise à disposition d'un jardin partagé", other=True),
    ]
    assert rows[3].submitted is not None and rows[3].submitted.hour == 9
    assert rows[4].submitted is not None and rows[4].submitted.hour == 15
    assert rows[3].answers["has_delegation"].value is True
    assert rows[8].answers["has_delegation"].value is False


def test_googleforms_quirks() -> None:
    _, records = _read(GFORMS, "googleforms-2021")
    rows = {r.row: r for r in records}
    levers = rows[2].answers["levers"].value
    assert isinstance(levers, list)
    labels = [c.label for c in levers]
    assert "Accompagnement, incubation" in labels and "incubation" not in labels
    assert all(not c.other for c in levers) and levers[0].code == "L1"
    themes = rows[5].answers["themes"].value
    assert [c.label for c in themes] == [  # type: ignore[union-attr]
        "Alimentation durable",
        "Silver économie, vieillissement",
    ]
    assert rows[7].answers["levers"].value[-1] == Choice("Budget participatif", other=True)  # type: ignore[index]
    grid = rows[5].answers["priorities"]
    assert grid.value == [Choice("Alimentation durable", rank=2, level="Secondaire")]
    assert len(grid.cells) == 2  # "Non concerné" is accounted for, selects nothing
    first = rows[2]
    assert [p.slot for p in first.practices] == [1, 2, 3]
    assert first.practices[0].answers["start_year"].value == Year(2016)
    extra = first.practices[1].answers
    assert extra["title"].value == "Clauses sociales"
    assert extra["budget"].flags == ["not-communicated"]
    assert extra["title"].part == "Clauses sociales"
    semi = rows[8].practices[1].answers
    assert (semi["title"].value, semi["start_year"].value) == ("Mois de l'ESS", Year(2015))
    assert rows[9].practices[1].answers["budget"].flags == ["not-an-amount"]
    assert rows[2].response_id == "2"  # no id column: the row number


def test_framaforms_fixture_needs_only_a_profile() -> None:
    info, records = _read(FIXTURES / "framaforms_export.csv", FIXTURES / "framaforms-2022.yaml")
    assert info.source_id == "framaforms-2022-framaforms-export"
    r = _by_id(records)
    assert [x.completeness for x in records] == ["complete", "incomplete", "complete"]
    assert r["101"].answers["levers"].value == [
        Choice("Subventions et appels à projets"),
        Choice("Accompagnement, incubation"),
        Choice("Budget participatif", other=True),
        Choice("Monnaie locale", other=True),
    ]
    assert r["101"].practices[0].answers["title"].value == "Recyclerie\nsolidaire"
    assert r["103"].answers["has_delegation"].value is False


def test_msforms_fixture_needs_only_a_profile(tmp_path: Path) -> None:
    _, records = _read(_msforms(tmp_path), FIXTURES / "msforms-2022.yaml")
    first, second = records
    assert first.answers["levers"].value == [
        Choice("Subventions et appels à projets"),
        Choice("Accompagnement, incubation"),
        Choice("Budget participatif", other=True),
    ]
    assert first.answers["siren"].value == Siren("200012342", "200012342")
    assert first.answers["staff"].value == Staff(Decimal("3.5"))
    assert second.answers["staff"].value == Staff(Decimal("1.5"))
    assert second.practices[0].answers["start_year"].value == Year(2019, end=2020)
    assert first.submitted is not None and first.submitted.minute == 21


def test_headers_only_export_is_valid_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "headers_only.csv"
    path.write_bytes(LIME.read_bytes().splitlines(keepends=True)[0])
    info, records = _read(path, "limesurvey-2021")
    assert records == [] and info.non_empty_cells == 0


def test_bad_inputs_name_the_file(tmp_path: Path) -> None:
    png = tmp_path / "export.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    with pytest.raises(IngestError) as err:
        read_export(png, load_profile("limesurvey-2021"))
    assert err.value.code == "not-a-csv" and err.value.file == "export.csv"
    with pytest.raises(IngestError) as err:
        read_export(tmp_path / "absent.csv", load_profile("limesurvey-2021"))
    assert err.value.code == "file-not-found"
    with pytest.raises(IngestError) as err:
        read_export(GFORMS, load_profile("limesurvey-2021"))
    assert err.value.code == "missing-column" and err.value.column == "id"


@pytest.mark.parametrize(
    ("layout", "suffix", "profile"),
    [
        ("limesurvey", "csv", "limesurvey-2021"),
        ("surveymonkey", "xlsx", "surveymonkey-2021"),
        ("googleforms", "csv", "googleforms-2021"),
    ],
)
def test_generated_exports_read_back(
    tmp_path: Path, layout: str, suffix: str, profile: str
) -> None:
    generate = runpy.run_path(str(ROOT / "bench" / "generate_exports.py"))["generate"]
    path = generate(layout, 10, 1, tmp_path / f"{layout}.{suffix}")
    again = generate(layout, 10, 1, tmp_path / f"again.{suffix}")
    assert path.read_bytes() == again.read_bytes() or suffix == "xlsx"  # zip times differ
    info, records = _read(path, profile)
    assert len(records) == 10
    assert sum(r.cell_count() for r in records) == info.non_empty_cells
    assert any(r.practices for r in records)
    assert all("collectivity_name" in r.answers for r in records)
