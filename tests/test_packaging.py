"""The wheel carries every data file the packages read with importlib.resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ontology", "shapes", "queries", "store", "ingest", "api", "essgraph")
DATA_SUFFIXES = {".ttl", ".jsonld", ".rq", ".yaml", ".yml", ".html", ".css", ".js", ".svg"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("essgraph-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_has_every_package_and_data_file(wheel_names: set[str]) -> None:
    expected = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file()
        and (path.suffix in DATA_SUFFIXES or path.suffix == ".py")
        and "__pycache__" not in path.parts
    }
    assert expected, "no package files found"
    assert expected <= wheel_names, sorted(expected - wheel_names)
    assert {
        "ontology/ess.ttl",
        "ontology/context.jsonld",
        "essgraph/demo/demo-2021.ttl",
    } <= wheel_names


def test_wheel_declares_the_console_script(wheel: Path, wheel_names: set[str]) -> None:
    (entry_points,) = (n for n in wheel_names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert "essgraph = essgraph.cli:app" in text
