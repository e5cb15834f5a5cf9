"""`essgraph adaptations …` driven as a curator drives it, on a real on-disk store holding the
demo: add, list, remove, import (all or nothing), export; then the links on both practices'
pages (the real app over the same store) and in the named query."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from api.app import create_app
from essgraph import cli_curate
from essgraph.cli import app
from essgraph.settings import Settings
from ingest.adaptations import graph_iri
from store import Store
from store.factory import open_store

BASE = "https://w3id.org/essgraph/"
PTCE = "200012342/ptce-des-rives"  # Métropole de Bellerive
GARE = "200077113/tiers-lieu-de-l-ancienne-gare"  # Métropole Val-de-Lys
CALL = "200077113/appel-a-projets-innovation-sociale"  # Métropole Val-de-Lys
MOIS = "240098764/mois-de-l-ess"  # Pays de Vernoux
DEMO_CSV = resources.files("essgraph").joinpath("demo/adaptations.csv")
cli_curate.register(app)
runner = CliRunner()


def run(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--store", "embedded", "--data-dir", str(data_dir), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    code, _out, err = run(folder, "demo")
    assert code == 0, err
    return folder


@pytest.fixture
def data_dir(demo_copy: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo store per test (the store is closed between commands)."""
    target = tmp_path / "store"
    shutil.copytree(demo_copy, target)
    return target


@pytest.fixture
def csv_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "liens.csv"


def opened(data_dir: Path) -> Store:
    return open_store("embedded", BASE, data_dir)


def snapshot(data_dir: Path) -> tuple[str, list[tuple[str, int]], Graph]:
    with opened(data_dir) as store:
        graph = store.construct(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph_iri(store)}
        )
        return store.data_version(), [(str(g.iri), g.triples) for g in store.graph_sizes()], graph


def test_add_list_remove(data_dir: Path) -> None:
    code, out, err = run(
        data_dir, "adaptations", "add", MOIS, PTCE, "--curator", "Léa Dubois",
        "--note", "Même format d'animation", "--date", "2026-11-02",
    )  # fmt: skip
    assert code == 0, err
    assert "1 ajouté(s)" in out and "written" in out
    code, out, _ = run(data_dir, "adaptations", "list", "--format", "json")
    (link,) = [d for d in json.loads(out) if d["practice"] == MOIS]
    assert link == {
        "practice": MOIS,
        "source": PTCE,
        "curator": "Léa Dubois",
        "note": "Même format d'animation",
        "date": "2026-11-02",
        "practice_iri": f"{BASE}id/practice/{MOIS}",
        "source_iri": f"{BASE}id/practice/{PTCE}",
    }
    code, out, _ = run(data_dir, "adaptations", "list")
    assert code == 0 and "Léa Dubois" in out and "2026-11-02" in out
    code, out, err = run(data_dir, "adaptations", "remove", f"{BASE}id/practice/{MOIS}", PTCE)
    assert code == 0, err
    code, out, _ = run(data_dir, "adaptations", "list", "--format", "csv")
    assert MOIS not in out and out.startswith("practice,source,curator,note,date")


def test_refusals_exit_2_in_both_languages_and_write_nothing(data_dir: Path) -> None:
    before = snapshot(data_dir)
    for args, fr, en in (
        ((CALL, GARE, "--curator", "Léa"), "même collectivité", "same collectivity"),
        ((CALL, "200012342/inconnue", "--curator", "Léa"), "pratique inconnue", "unknown practice"),
        ((CALL, PTCE), "non indiquée", "no curator given"),
        ((CALL, PTCE, "--curator", "Léa", "--date", "2026-02-30"), "date invalide", "invalid date"),
    ):
        code, _out, err = run(data_dir, "adaptations", "add", *args)
        assert code == 2, args
        assert fr in err and en in err and "rien n'a été écrit" in err, err
    code, _out, err = run(data_dir, "adaptations", "list", "--format", "xml")
    assert code == 2 and "unknown format" in err
    assert snapshot(data_dir)[:2] == before[:2]


def test_import_is_all_or_nothing_and_names_file_row_column(data_dir: Path, csv_file: Path) -> None:
    before = snapshot(data_dir)
    csv_file.write_text(
        "practice,source,curator,note,date\n"
        f"{MOIS},{PTCE},Léa,,2026-11-02\n"
        f"{CALL},{GARE},Léa,,2026-11-02\n",
        encoding="utf-8",
    )
    code, _out, err = run(data_dir, "adaptations", "import", str(csv_file))
    assert code == 2
    assert "fichier liens.csv, ligne 3, colonne « source »" in err
    assert 'file liens.csv, row 3, column "source"' in err
    version, sizes, graph = snapshot(data_dir)
    assert (version, sizes) == before[:2] and isomorphic(graph, before[2])


def test_import_dry_run_then_import_then_reimport(data_dir: Path, csv_file: Path) -> None:
    shutil.copyfile(str(DEMO_CSV), csv_file)
    before = snapshot(data_dir)
    code, out, err = run(data_dir, "adaptations", "import", str(csv_file), "--dry-run")
    assert code == 0, err
    if "0 inchangé(s)" in out:  # the demo did not load the bundled links itself
        assert "dry run: nothing was written" in out
        assert snapshot(data_dir)[0] == before[0]
    code, out, err = run(data_dir, "adaptations", "import", str(csv_file))
    assert code == 0, err
    written = snapshot(data_dir)
    code, out, err = run(data_dir, "adaptations", "import", str(csv_file))
    assert code == 0 and "no change: nothing was written" in out, out + err
    again = snapshot(data_dir)
    assert again[:2] == written[:2] and isomorphic(again[2], written[2])


def test_export_round_trips_through_replace(data_dir: Path, csv_file: Path) -> None:
    run(data_dir, "adaptations", "import", str(DEMO_CSV))
    run(data_dir, "adaptations", "add", MOIS, PTCE, "--curator", "Léa", "--date", "2026-11-02")
    code, _out, err = run(data_dir, "adaptations", "export", str(csv_file))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert {
        "practice": MOIS,
        "source": PTCE,
        "curator": "Léa",
        "note": "",
        "date": "2026-11-02",
    } in rows
    demo = list(csv.DictReader(io.StringIO(DEMO_CSV.read_text(encoding="utf-8"))))
    assert all(row in rows for row in demo) and len(rows) == len(demo) + 1
    written = snapshot(data_dir)
    code, out, err = run(data_dir, "adaptations", "import", str(csv_file), "--replace")
    assert code == 0 and "no change" in out, out + err
    assert snapshot(data_dir)[0] == written[0]
    csv_file.write_text(csv_file.read_text(encoding="utf-8").splitlines()[0] + "\n", "utf-8")
    code, out, err = run(data_dir, "adaptations", "import", str(csv_file), "--replace")
    assert code == 0 and f"{len(rows)} retiré(s)" in out, out + err
    with opened(data_dir) as store:
        assert graph_iri(store) not in store.named_graphs()


def test_demo_links_join_practices_of_different_collectivities(data_dir: Path) -> None:
    code, _out, err = run(data_dir, "adaptations", "import", str(DEMO_CSV))
    assert code == 0, err
    code, out, _ = run(data_dir, "query", "practice-transfers", "--format", "json")
    bindings = json.loads(out)["results"]["bindings"]
    demo = list(csv.DictReader(io.StringIO(DEMO_CSV.read_text(encoding="utf-8"))))
    found = {
        (b["practice"]["value"], b["source"]["value"]): (b["collectivity"], b["origin"])
        for b in bindings
    }
    for row in demo:
        pair = (f"{BASE}id/practice/{row['practice']}", f"{BASE}id/practice/{row['source']}")
        assert pair in found
        assert found[pair][0] != found[pair][1]


def page(store: Store, path: str, lang: str = "fr") -> str:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(Settings(store="memory"), store))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await http.get(
                f"{path}?lang={lang}", headers={"Accept": "text/html"}, follow_redirects=True
            )

    answer = asyncio.run(fetch())
    assert answer.status_code == 200, answer.text
    return answer.text


def test_both_pages_show_the_link_and_its_record(data_dir: Path) -> None:
    code, _out, err = run(
        data_dir, "adaptations", "add", MOIS, PTCE, "--curator", "Léa <Dubois>",
        "--note", "Même format", "--date", "2026-11-02",
    )  # fmt: skip
    assert code == 0, err
    with opened(data_dir) as store:
        adapted = page(store, f"/id/practice/{MOIS}")
        model = page(store, f"/id/practice/{PTCE}")
        english = page(store, f"/id/practice/{PTCE}", "en")
        record = URIRef(f"{BASE}id/adaptation/")
        described = store.select(
            "SELECT ?a WHERE { ?p <http://www.w3.org/ns/prov#qualifiedInfluence> ?a }",
            {"p": URIRef(f"{BASE}id/practice/{MOIS}")},
        )
        assert [str(r["a"]).startswith(record) for r in described] == [True]
        own = page(store, str(described.rows[0]["a"])[len(BASE) - 1 :])  # its own page
    assert "Léa &lt;Dubois&gt;" in own and f'href="/id/practice/{PTCE}"' in own
    assert f'href="/id/practice/{PTCE}"' in adapted and "Métropole de Bellerive" in adapted
    assert f'href="/id/practice/{MOIS}"' in model
    for html in (adapted, model):
        assert "Relevé par Léa &lt;Dubois&gt; le 2026-11-02 — « Même format »" in html
    assert "Recorded by Léa &lt;Dubois&gt; on 2026-11-02" in english
    assert "Communauté d&#39;agglomération du Pays de Vernoux" in model
