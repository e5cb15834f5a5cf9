"""Profiles: shipped ones load; mistakes are named by key path and YAML line, fr and en."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.extract import read_export
from ingest.profiles import available, load_profile

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = """\
tool: test
edition: "2022"
reader:
  format: csv
source:
  survey_id: test-2022
  title:
    fr: Test
  reference_year: 2021
fields:
  collectivity_name:
    column: Nom
  budget:
    column: Budget
    parser: amount_eur
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_profiles() -> None:
    assert available() == ["googleforms-2021", "limesurvey-2021", "surveymonkey-2021"]
    for name in available():
        profile = load_profile(name)
        assert profile.name == name
        assert profile.spec.source.survey_id == "avise-rtes-france-urbaine-2021"


def test_profile_by_path(tmp_path: Path) -> None:
    profile = load_profile(_write(tmp_path, GOOD))
    assert profile.name == "p" and profile.spec.fields["budget"].parser == "amount_eur"


def test_unknown_profile_name() -> None:
    with pytest.raises(IngestError) as err:
        load_profile("nope-2021")
    assert err.value.code == "unknown-profile"
    assert "limesurvey-2021" in err.value.message_fr


@pytest.mark.parametrize(
    ("change", "key", "line", "words_fr", "words_en"),
    [
        (
            ("    parser: amount_eur", "    parser: amount_eur\n    colum: X"),
            "fields.budget.colum",
            16,
            "clé inconnue",
            "unknown key",
        ),
        (
            ("    parser: amount_eur", "    parser: money"),
            "fields.budget.parser",
            15,
            "valeur non permise",
            "value not allowed",
        ),
        (("  format: csv", "  format: ods"), "reader.format", 4, "attendu", "expected"),
        (
            ("  reference_year: 2021\n", ""),
            "source.reference_year",
            5,
            "clé obligatoire absente",
            "required key missing",
        ),
        (("  header_rows", "  header_rows"), None, None, "", ""),
        (
            ("reader:\n  format: csv", "reader:\n  format: csv\n  header_rows: 5"),
            "reader.header_rows",
            5,
            "valeur invalide",
            "invalid value",
        ),
        (
            ("    column: Nom", "    column: Nom\n    layout: joined"),
            "fields.collectivity_name",
            11,
            "layout",
            "layout",
        ),
        (
            ("    column: Nom", "    column: Nom\n    codes: kinds"),
            "fields.collectivity_name.codes",
            13,
            "kinds",
            "kinds",
        ),
        (("    column: Nom", "    column: Nom{n}"), "fields.collectivity_name", 11, "{n}", "{n}"),
    ],
)
def test_schema_errors_name_key_and_line(
    tmp_path: Path,
    change: tuple[str, str],
    key: str | None,
    line: int | None,
    words_fr: str,
    words_en: str,
) -> None:
    text = GOOD.replace(*change)
    if key is None:  # the change did nothing: still valid
        load_profile(_write(tmp_path, text))
        return
    with pytest.raises(IngestError) as err:
        load_profile(_write(tmp_path, text))
    e = err.value
    assert (e.key, e.line, e.file) == (key, line, "p.yaml")
    assert words_fr in e.message_fr and words_en in e.message_en
    assert f"clé {key}" in e.message_fr and f"ligne {line} du profil" in e.message_fr
    assert f"key {key}" in e.message_en and f"profile line {line}" in e.message_en


def test_duplicate_key(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        load_profile(_write(tmp_path, GOOD + "  budget:\n    column: B\n"))
    assert (err.value.code, err.value.key, err.value.line) == (
        "profile-duplicate-key",
        "fields.budget",
        16,
    )


def test_yaml_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        load_profile(_write(tmp_path, GOOD + "  bad: [unclosed\n"))
    assert err.value.code == "profile-yaml" and err.value.line is not None


def test_regex_error(tmp_path: Path) -> None:
    text = GOOD.replace("    column: Nom", "    pattern: '^Nom('")
    with pytest.raises(IngestError) as err:
        load_profile(_write(tmp_path, text))
    assert err.value.key == "fields.collectivity_name.pattern" and err.value.line == 12


def test_missing_column_names_column_key_line_and_file(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Nom;Montant\nBellerive;3\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        read_export(export, load_profile(_write(tmp_path, GOOD)))
    e = err.value
    assert (e.code, e.column, e.key, e.line, e.file) == (
        "missing-column",
        "Budget",
        "fields.budget.column",
        14,
        "export.csv",
    )
    assert "« Budget »" in e.message_fr and "export.csv" in e.message_en


def test_fixture_profiles_load() -> None:
    for name in ("framaforms-2022.yaml", "msforms-2022.yaml"):
        assert load_profile(FIXTURES / name).spec.tool in ("framaforms", "msforms")
