"""`essgraph query NAME --param k=v` and `essgraph queries`, driven as a user drives them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from essgraph.cli import app
from ontology import ontology_graph, thesauri_graph
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
FIXTURE = Path(__file__).with_name("fixture.ttl")
runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk embedded store holding the fixture (closed, so the command can open it)."""
    where = tmp_path_factory.mktemp("cli-queries")
    store = EmbeddedStore(BASE, where / "oxigraph")
    store.replace_graphs(
        {
            store.graph_iri("source/fixture"): Graph().parse(
                FIXTURE, format="turtle", publicID=BASE
            ),
            store.graph_iri("thesauri"): thesauri_graph(BASE),
            store.graph_iri("ontology"): ontology_graph(),
        }
    )
    store.close()
    return where


def run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--store", "embedded", "--data-dir", str(data_dir), *args])
    return result.exit_code, result.stdout, result.stderr


def test_named_query_with_parameters_as_csv(data_dir: Path) -> None:
    code, out, err = run(
        data_dir,
        "query",
        "practices-lever-theme",
        "--param",
        "lever=L5",
        "-p",
        "theme=T1",
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["title"] for r in rows] == ["Clauses sociales", "Marchés réservés"]
    assert rows[0]["practice"] == f"{BASE}id/practice/200012342/clauses-sociales"


def test_named_query_as_json_and_table(data_dir: Path) -> None:
    code, out, _ = run(data_dir, "query", "practices-per-year", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"] == ["year", "practices", "collectivities"]
    assert len(doc["results"]["bindings"]) == 6
    code, out, _ = run(data_dir, "query", "delegation-pairings")
    assert code == 0
    assert "developpement-economique" in out and "5 ligne(s)" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("query", "practices-lever-theme", "--param", "lever=L99"), "L99"),
        (("query", "practices-lever-theme", "--param", "levr=L5"), "levr"),
        (("query", "practices-lever-theme", "--param", "lever"), "nom=valeur"),
        (("query", "collectivity-profile"), "collectivity"),
        (("query", "no-such-query"), "no-such-query"),
    ],
)
def test_bad_named_query_input_is_one_line_and_exit_2(
    data_dir: Path, args: tuple[str, ...], fragment: str
) -> None:
    code, out, err = run(data_dir, *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "Erreur" in lines[0] and "Error" in lines[0] and " | " in lines[0]
    assert fragment in lines[0]


def test_params_refused_for_a_query_file(data_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    code, _, err = run(data_dir, "query", str(query), "--param", "a=b")
    assert code == 2 and "--param" in err
    code, out, _ = run(data_dir, "query", str(query), "--format", "csv")
    assert code == 0 and out.startswith("s,p,o")


def test_queries_lists_the_catalogue(data_dir: Path) -> None:
    code, out, _ = run(data_dir, "queries")
    assert code == 0
    assert "levers-by-kind" in out and "collectivity-profile" in out
    code, out, _ = run(data_dir, "queries", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert len(doc) >= 15
    by_name = {entry["name"]: entry for entry in doc}
    assert by_name["levers-by-kind"]["title"]["fr"] == "Leviers mobilisés par type de collectivité"
    assert by_name["collectivity-profile"]["parameters"][0]["required"] is True
    lever = by_name["lever-ancestry"]["parameters"][0]
    assert lever["name"] == "lever" and "L5.2" in lever["allowed"]
