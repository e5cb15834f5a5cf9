"""`essgraph ingest` and `essgraph demo` driven as a curator drives them, on a real store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from rdflib import URIRef
from typer.testing import CliRunner

from essgraph.cli import app
from store.factory import open_store

BASE = "https://w3id.org/essgraph/"
runner = CliRunner()
EXPORTS = resources.files("essgraph").joinpath("demo/exports")
LS = "limesurvey_results-survey482913_codes.csv"
SM = "surveymonkey_all-responses_actual-answer-text.xlsx"
GF = "googleforms_reponses_formulaire.csv"


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    with resources.as_file(EXPORTS) as source:
        for name in (LS, SM, GF):
            shutil.copy(Path(source) / name, folder / name)
    return folder


def run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--store", "embedded", "--data-dir", str(data_dir), *args])
    return result.exit_code, result.stdout, result.stderr


def snapshot(data_dir: Path) -> tuple[str, list[tuple[str, int]]]:
    with open_store("embedded", BASE, data_dir) as store:
        return store.data_version(), [(str(g.iri), g.triples) for g in store.graph_sizes()]


def test_ingest_three_files_in_one_batch_with_reports(exports: Path, tmp_path: Path) -> None:
    data = tmp_path / "store"
    code, _, err = run(data, "init")
    assert code == 0, err
    version_before, _ = snapshot(data)
    report_json, report_html = tmp_path / "r.json", tmp_path / "r.html"
    code, out, err = run(
        data,
        "ingest",
        str(exports / LS),
        str(exports / SM),
        str(exports / GF),
        "--profile",
        "limesurvey-2021",
        "--profile",
        "surveymonkey-2021",
        "--profile",
        "googleforms-2021",
        "--report-json",
        str(report_json),
        "--report-html",
        str(report_html),
    )
    assert code == 0, err + out
    assert "508/508" in out and "écrit / written" in out
    version, graphs = snapshot(data)
    assert version != version_before
    names = [g for g, _ in graphs]
    for source in ("limesurvey-482913", "surveymonkey-2021", "googleforms-2021"):
        assert f"{BASE}graph/source/{source}" in names
        assert f"{BASE}graph/private/source/{source}" in names
    report = json.loads(report_json.read_text(encoding="utf-8"))
    assert report["totals"]["collectivities"] == 6 and report["written"] is True
    assert all(f["cells_match"] for f in report["files"])
    html = report_html.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html


def test_dry_run_and_bad_input_leave_the_store_unchanged(exports: Path, tmp_path: Path) -> None:
    data = tmp_path / "store"
    assert run(data, "init")[0] == 0
    before = snapshot(data)
    code, out, err = run(data, "ingest", str(exports / LS), "-p", "limesurvey-2021", "--dry-run")
    assert code == 0, err
    assert "rien n'a été écrit" in out
    assert snapshot(data) == before
    # a profile that does not fit the file: exit 2, one bilingual line naming the file
    code, _, err = run(data, "ingest", str(exports / LS), "-p", "googleforms-2021")
    assert code == 2
    assert "Erreur" in err and "Error" in err and LS in err
    assert snapshot(data) == before
    code, _, err = run(data, "ingest", str(exports / LS), "-p", "no-such-profile")
    assert code == 2 and "no-such-profile" in err
    code, _, err = run(data, "ingest", str(exports / "missing.csv"), "-p", "limesurvey-2021")
    assert code == 2 and "missing.csv" in err
    empty = exports / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = run(data, "ingest", str(empty), "-p", "limesurvey-2021")
    assert code == 2 and "empty.csv" in err
    code, _, err = run(
        data, "ingest", str(exports / LS), str(exports / GF), "-p", "a", "-p", "b", "-p", "c"
    )
    assert code == 2 and "profil" in err
    assert snapshot(data) == before


def test_violation_exits_1_and_writes_nothing(exports: Path, tmp_path: Path) -> None:
    """Another source already names Orlenne differently: the conflict blocks the batch."""
    data = tmp_path / "store"
    other = tmp_path / "other.ttl"
    other.write_text(
        """
        @prefix ess: <https://w3id.org/essgraph/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        <id/collectivity/219904562> a ess:Collectivity ;
            skos:prefLabel "Commune nouvelle d'Orlenne"@fr ;
            ess:siren "219904562" ;
            ess:collectivityKind <id/collectivity-kind/commune> ;
            prov:wasDerivedFrom <id/response/other/1> .
        """,
        encoding="utf-8",
    )
    assert run(data, "init")[0] == 0
    code, _, err = run(data, "load", str(other), "--no-validate")
    assert code == 0, err
    before = snapshot(data)
    code, out, _ = run(data, "ingest", str(exports / SM), "-p", "surveymonkey-2021")
    assert code == 1
    assert "Violations SHACL" in out and "219904562" in out
    assert snapshot(data) == before


def test_demo_ingests_the_samples_through_the_installed_script(tmp_path: Path) -> None:
    """The installed `essgraph` entry point works (packaging metadata is not stale)."""
    exe = Path(sys.executable).with_name("essgraph")
    done = subprocess.run(
        [str(exe), "--data-dir", str(tmp_path), "demo"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "508/508" in done.stdout
    assert "graph/source/demo-2021-limesurvey" in done.stdout
    with open_store("embedded", BASE, tmp_path) as store:
        answer = store.select(
            "PREFIX ess: <https://w3id.org/essgraph/ontology#> "
            "SELECT (COUNT(DISTINCT ?c) AS ?n) (COUNT(DISTINCT ?p) AS ?m) "
            "WHERE { ?c a ess:Collectivity . OPTIONAL { ?p ess:implementedBy ?c } }"
        )
        assert int(answer.rows[0]["n"]) == 6 and int(answer.rows[0]["m"]) >= 1
        # the Google Forms export replaces the hand-written graph of earlier releases
        assert store.ask(
            "ASK { GRAPH ?g { ?s <https://w3id.org/essgraph/ontology#profile> ?p } "
            "FILTER (?p = 'googleforms-2021') }",
            {"g": URIRef(f"{BASE}graph/source/demo-2021")},
        )
