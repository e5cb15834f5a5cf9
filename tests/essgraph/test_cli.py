"""The `essgraph` command, driven as a user drives it, on a real on-disk embedded store."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from essgraph.cli import app
from store.factory import open_store

BASE = "https://w3id.org/essgraph/"
runner = CliRunner()

VALID_PRACTICE = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/collectivity/200012342> a ess:Collectivity ;
    skos:prefLabel "Métropole de Test"@fr ;
    ess:siren "200012342" ;
    ess:collectivityKind <id/collectivity-kind/metropole> ;
    prov:wasDerivedFrom <id/response/cli-test/1> .

<id/practice/200012342/jardin> a ess:Practice ;
    dct:title "Jardin partagé"@fr ;
    dct:description "Un terrain communal confié à une association."@fr ;
    ess:implementedBy <id/collectivity/200012342> ;
    ess:usesLever <id/lever/L4.1> ;
    ess:addressesTheme <id/theme/T3.2> ;
    ess:startYear "2019"^^xsd:gYear ;
    prov:wasDerivedFrom <id/response/cli-test/1> .

<id/response/cli-test/1> a ess:SurveyResponse ;
    ess:responseId "1" ;
    ess:sourceRow 1 ;
    ess:respondent <id/collectivity/200012342> ;
    prov:wasGeneratedBy <id/survey/cli-test> ;
    prov:hadPrimarySource <id/source/cli-test> .

<id/survey/cli-test> a ess:Survey ; dct:title "Enquête de test"@fr .

<id/source/cli-test> a ess:SourceFile ;
    dct:title "cli-test.ttl" ;
    ess:checksum "sha256:0000000000000000000000000000000000000000000000000000000000000000" ;
    ess:profile "hand-written" ;
    prov:generatedAtTime "2026-11-26T10:00:00Z"^^xsd:dateTime .
"""


def run(data_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["--store", "embedded", "--data-dir", str(data_dir), *args], input=stdin
    )
    return result.exit_code, result.stdout, result.stderr


def snapshot(data_dir: Path) -> tuple[str, list[tuple[str, int]]]:
    with open_store("embedded", BASE, data_dir) as store:
        return store.data_version(), [(str(g.iri), g.triples) for g in store.graph_sizes()]


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    code, _out, err = run(tmp_path, "demo")
    assert code == 0, err
    return tmp_path


def test_demo_loads_vocabularies_and_demo_data_and_summarises(demo_dir: Path) -> None:
    code, out, _ = run(demo_dir, "stats")
    assert code == 0
    assert f"base : {BASE}" in out
    for graph in ("graph/ontology", "graph/thesauri", "graph/source/demo-2021"):
        assert graph in out
    assert "ess:Collectivity" in out and "ess:Practice" in out
    with open_store("embedded", BASE, demo_dir) as store:
        answer = store.select(
            "PREFIX ess: <https://w3id.org/essgraph/ontology#> "
            "SELECT (COUNT(?c) AS ?n) WHERE { ?c a ess:Collectivity }"
        )
        assert int(answer.rows[0]["n"]) == 6


def test_load_valid_file_into_its_named_graph(demo_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "cli-test.ttl"
    source.write_text(VALID_PRACTICE, encoding="utf-8")
    before, _ = snapshot(demo_dir)
    code, _out, err = run(demo_dir, "load", str(source))
    assert code == 0, err
    version, graphs = snapshot(demo_dir)
    assert version != before
    assert (
        BASE + "graph/source/cli-test",
        len(Graph().parse(data=VALID_PRACTICE, publicID=BASE)),
    ) in graphs


def test_load_bad_syntax_names_file_and_line_and_writes_nothing(
    demo_dir: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(VALID_PRACTICE, encoding="utf-8")
    bad = tmp_path / "broken.ttl"
    bad.write_text(
        '@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b "oops .\n', encoding="utf-8"
    )
    before = snapshot(demo_dir)
    code, _out, err = run(demo_dir, "load", str(good), str(bad))
    assert code == 2
    assert "broken.ttl" in err and "ligne 3" in err and "line 3" in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(demo_dir) == before  # the good file was not written either


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.ttl", "", "vide"),
        ("data.csv", "a,b\n", "extension"),
        ("remote.jsonld", '{"@context": "https://example.org/ctx.jsonld", "@id": "x"}', "context"),
    ],
)
def test_load_refuses_bad_files(
    demo_dir: Path, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = snapshot(demo_dir)
    code, _, err = run(demo_dir, "load", str(path))
    assert code == 2
    assert name in err and expected in err.lower()
    assert snapshot(demo_dir) == before


def test_load_missing_file(demo_dir: Path, tmp_path: Path) -> None:
    code, _, err = run(demo_dir, "load", str(tmp_path / "nowhere[1].ttl"))
    assert code == 2 and "nowhere[1].ttl" in err  # file names are not read as rich markup


def test_load_refuses_non_conforming_data(demo_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "untitled.ttl"
    path.write_text(VALID_PRACTICE.replace('dct:title "Jardin partagé"@fr ;', ""), encoding="utf-8")
    before = snapshot(demo_dir)
    code, _out, err = run(demo_dir, "load", str(path))
    assert code == 1
    assert "id/practice/200012342/jardin" in err
    assert snapshot(demo_dir) == before


def test_validate_prints_french_messages_naming_the_focus_node(tmp_path: Path) -> None:
    path = tmp_path / "invalid.ttl"
    path.write_text(
        VALID_PRACTICE.replace('"Jardin partagé"@fr', '"Shared garden"@en'), encoding="utf-8"
    )
    code, out, _ = run(tmp_path, "validate", str(path))
    assert code == 1
    assert "practice/200012342/jardin" in out
    assert "titre" in out.lower()
    assert "[violation] <id/practice/200012342/jardin>" in out  # not eaten as rich markup
    code, out_en, _ = run(tmp_path, "--lang", "en", "validate", str(path))
    assert code == 1 and "title" in out_en.lower()


def test_validate_valid_file_exits_zero_and_renders_json(tmp_path: Path) -> None:
    path = tmp_path / "ok.ttl"
    path.write_text(VALID_PRACTICE, encoding="utf-8")
    assert run(tmp_path, "validate", str(path))[0] == 0
    code, out, _ = run(tmp_path, "validate", "--format", "json", str(path))
    assert code == 0 and json.loads(out)["conforms"] is True


QUERY = """PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name WHERE { ?c a ess:Collectivity ; skos:prefLabel ?name } ORDER BY ?name"""


def test_query_from_stdin_as_csv_and_json(demo_dir: Path) -> None:
    code, out, err = run(demo_dir, "query", "-", "--format", "csv", stdin=QUERY)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "name" and len(lines) == 7
    assert "Métropole de Bellerive" in out
    code, out, _ = run(demo_dir, "query", "-", "--format", "json", stdin=QUERY)
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"] == ["name"] and len(doc["results"]["bindings"]) == 6


def test_query_file_ask_and_construct(demo_dir: Path, tmp_path: Path) -> None:
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s a <https://w3id.org/essgraph/ontology#Practice> }", encoding="utf-8")
    code, out, _ = run(demo_dir, "query", str(ask), "--format", "json")
    assert code == 0 and json.loads(out)["boolean"] is True
    construct = tmp_path / "c.rq"
    construct.write_text(
        "CONSTRUCT { ?c a <https://w3id.org/essgraph/ontology#Collectivity> } "
        "WHERE { ?c a <https://w3id.org/essgraph/ontology#Collectivity> }",
        encoding="utf-8",
    )
    code, out, _ = run(demo_dir, "query", str(construct))
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) == 6


def test_query_syntax_error_is_one_clear_line(demo_dir: Path) -> None:
    code, _, err = run(demo_dir, "query", "-", stdin="SELECT ?x WHERE { ?x ?y }")
    assert code == 2
    assert "Erreur" in err and "Error" in err


def test_export_round_trips(demo_dir: Path, tmp_path: Path) -> None:
    for fmt in ("nq", "trig"):
        target = tmp_path / f"dump.{fmt}"
        code, _, err = run(demo_dir, "export", "--format", fmt, "--output", str(target))
        assert code == 0, err
        names = {
            q.graph_name.value
            for q in ox.parse(path=target, format=ox.RdfFormat.from_extension(fmt))
            if isinstance(q.graph_name, ox.NamedNode)
        }
        assert BASE + "graph/source/demo-2021" in names
        assert BASE + "graph/system" not in names


def test_export_to_stdout(demo_dir: Path) -> None:
    code, out, _ = run(demo_dir, "export")
    assert code == 0
    quads = list(ox.parse(out.encode(), ox.RdfFormat.N_QUADS))
    assert len(quads) > 100


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("ESSGRAPH_BASE_URI", "ftp://example.org/", "ESSGRAPH_BASE_URI"),
        ("ESSGRAPH_BASE_URI", "https://example.org/no-slash", "ESSGRAPH_BASE_URI"),
        ("ESSGRAPH_STORE", "sqlite", "ESSGRAPH_STORE"),
    ],
)
def test_bad_settings_are_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(env, value)
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "stats"])
    assert result.exit_code == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unusable_data_dir_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, _, err = run(blocker, "stats")
    assert code == 2 and str(blocker) in err


def test_custom_base_mints_instance_iris_under_it(tmp_path: Path) -> None:
    base = "https://ess.example.org/"
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "--base-uri", base, "demo"])
    assert result.exit_code == 0, result.stderr
    with open_store("embedded", base, tmp_path) as store:
        assert store.ask("ASK { <https://ess.example.org/id/lever/L5.1> ?p ?o }")
        assert store.graph_iri("thesauri") in store.named_graphs()


@pytest.mark.remote
def test_demo_and_query_against_the_real_oxigraph_server(
    oxigraph_server: str, tmp_path: Path
) -> None:
    endpoint = f"{oxigraph_server}/query"
    # the server is shared by the session: start from an empty one, as the `store` fixture does
    httpx.post(
        f"{oxigraph_server}/update",
        content=b"DROP ALL",
        headers={"Content-Type": "application/sparql-update"},
    ).raise_for_status()
    result = runner.invoke(app, ["--store", endpoint, "demo"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["--store", endpoint, "query", "-", "--format", "csv"], input=QUERY)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 7


def test_serve_on_a_busy_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(
            app, ["--data-dir", str(tmp_path), "serve", "--host", "127.0.0.1", "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "oxigraph").exists()  # nothing opened, nothing written
