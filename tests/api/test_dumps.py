"""``/dumps/…`` and ``essgraph export --dumps``: real files, read back and checked.

A dump must hold exactly the public quads of the store (``store.export``), its ``.sha256``
must match its bytes, ``latest`` must follow the data version, and a half-written set must
never be served.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from api_helpers import BASE, AsgiClient, demo_store
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from api.app import create_app
from essgraph.cli import app as cli
from essgraph.settings import Settings
from store.dumps import DUMP_KINDS, DumpFolder, version_tag
from store.embedded import EmbeddedStore

DATED = r"essgraph-\d{4}-\d{2}-\d{2}-[0-9a-z]{8}"


def graph_names(nquads: bytes) -> set[str]:
    return {
        q.graph_name.value
        for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
        if isinstance(q.graph_name, ox.NamedNode)
    }


def canonical(quads: Iterable[ox.Quad], *, union: bool = False) -> ox.Dataset:
    """The quads (or, with ``union``, their triples in the default graph) with blank nodes
    renamed canonically, so two datasets compare equal exactly when they are isomorphic.

    rdflib's ``isomorphic`` took minutes on the demo data (thousands of blank nodes: one
    per qualified derivation); Oxigraph's canonicalisation is the same test, in a second.
    """
    dataset = ox.Dataset(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) if union else q for q in quads
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def exported(store: EmbeddedStore) -> bytes:
    out = io.BytesIO()
    store.export(out, "nq", public_only=True)
    return out.getvalue()


def follow(client: AsgiClient, path: str) -> tuple[str, bytes]:
    """GET ``latest…``: a 302 to the dated file, then the file; (dated name, body)."""
    answer = client.get(path)
    assert answer.status_code == 302, answer.text
    assert answer.headers["cache-control"] == "no-cache"
    location = answer.headers["location"]
    assert location.startswith("http://testserver/dumps/essgraph-")
    body = client.get(location)
    assert body.status_code == 200
    return location.rsplit("/", 1)[1], body.content


def test_dumps_hold_the_public_quads(client: AsgiClient, shared_store: EmbeddedStore) -> None:
    expected = exported(shared_store)
    name, body = follow(client, "/dumps/latest.nq.gz")
    assert name.endswith(".nq.gz")
    dumped = gzip.decompress(body)
    names = graph_names(dumped)
    assert f"{BASE}graph/source/demo-2021" in names
    assert f"{BASE}graph/system" not in names
    assert not [g for g in names if "/graph/private/" in g or "/graph/staging/" in g]
    parse = ox.RdfFormat.N_QUADS
    assert canonical(ox.parse(dumped, format=parse)) == canonical(ox.parse(expected, format=parse))


def test_union_dumps_hold_the_public_default_graph(
    client: AsgiClient, shared_store: EmbeddedStore
) -> None:
    union = canonical(ox.parse(exported(shared_store), format=ox.RdfFormat.N_QUADS), union=True)
    for path, fmt in (
        ("/dumps/latest.ttl.gz", ox.RdfFormat.TURTLE),
        ("/dumps/latest.jsonld.gz", ox.RdfFormat.JSON_LD),
    ):
        _, body = follow(client, path)
        assert canonical(ox.parse(gzip.decompress(body), format=fmt), union=True) == union


@pytest.mark.parametrize("kind", DUMP_KINDS, ids=lambda k: k.key)
def test_checksum_file_matches_the_dump(client: AsgiClient, kind: object) -> None:
    suffix = kind.suffix  # type: ignore[attr-defined]
    name, body = follow(client, f"/dumps/latest{suffix}")
    assert name.endswith(suffix)
    checksum_name, line = follow(client, f"/dumps/latest{suffix}.sha256")
    assert checksum_name == f"{name}.sha256"
    assert line.decode("ascii") == f"{hashlib.sha256(body).hexdigest()}  {name}\n"


def test_dated_files_are_cacheable_and_named(client: AsgiClient) -> None:
    location = client.get("/dumps/latest.nq.gz").headers["location"]
    answer = client.get(location)
    assert answer.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in answer.headers  # served as it is, never re-encoded
    assert "immutable" in answer.headers["cache-control"]
    name = location.rsplit("/", 1)[1]
    assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
    again = client.get(location, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    head = client.request("HEAD", location)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(answer.content)


@pytest.mark.parametrize(
    "name", ["latest.zip", "latest.nq", "essgraph-2020-01-01-00000000.nq.gz", "..%2Fsecret"]
)
def test_unknown_dump_is_a_404_problem(client: AsgiClient, name: str) -> None:
    answer = client.get(f"/dumps/{name}")
    assert answer.status_code == 404
    body = answer.json()
    assert body["code"] in ("dump-not-found", "not-found")
    assert body["message"]["fr"] and body["message"]["en"]


@pytest.fixture
def own_store() -> Iterator[EmbeddedStore]:
    """The demo data in a store this test may write to."""
    store = demo_store()
    yield store
    store.close()


def test_latest_follows_each_write_and_keeps_the_previous_file(
    own_store: EmbeddedStore, tmp_path: Path
) -> None:
    settings = Settings(store="embedded", data_dir=tmp_path)
    http = AsgiClient(create_app(settings, own_store))
    try:
        before, _ = follow(http, "/dumps/latest.nq.gz")
        assert before.startswith("essgraph-") and version_tag(own_store.data_version()) in before
        extra = Graph()
        extra.add((URIRef(f"{BASE}id/partner/nouveau"), URIRef(f"{BASE}p"), Literal("x")))
        own_store.replace_graph(own_store.graph_iri("source/extra"), extra)
        after, body = follow(http, "/dumps/latest.nq.gz")
        assert after != before
        assert f"{BASE}graph/source/extra" in graph_names(gzip.decompress(body))
        assert http.get(f"/dumps/{before}").status_code == 200  # downloads in progress finish
        assert (tmp_path / "dumps" / after).is_file()  # DATA_DIR/dumps for a real store
    finally:
        http.close()


def test_a_half_written_set_is_never_served(own_store: EmbeddedStore, tmp_path: Path) -> None:
    """A dump without its checksum file (a crash mid-build) does not count: it is rebuilt."""
    folder = DumpFolder(tmp_path)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    stem = f"essgraph-{day}-{version_tag(own_store.data_version())}"
    (tmp_path / f"{stem}.nq.gz").write_bytes(b"half a file")
    (tmp_path / ".part-x.gz").write_bytes(b"leftover")
    assert folder.find_set(own_store.data_version()) is None
    assert folder.path_of(".part-x.gz") is None
    dumps = folder.current(own_store)
    nq = dumps["nq"]
    assert nq.path.read_bytes() != b"half a file"
    assert hashlib.sha256(nq.path.read_bytes()).hexdigest() == nq.sha256
    assert not list(tmp_path.glob(".part-*.nq.gz"))  # temporary files were renamed


def test_cli_writes_the_servers_files(tmp_path: Path) -> None:
    data_dir, out_dir = tmp_path / "data", tmp_path / "out"
    runner = CliRunner()
    args = ["--store", "embedded", "--data-dir", str(data_dir)]
    assert runner.invoke(cli, [*args, "demo"]).exit_code == 0
    result = runner.invoke(cli, [*args, "export", "--dumps", str(out_dir)])
    assert result.exit_code == 0, result.stderr
    written = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    assert len(written) == 2 * len(DUMP_KINDS)
    for line in result.stdout.splitlines():  # sha256sum lines: digest, two spaces, path
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest

    store = EmbeddedStore(BASE, data_dir / "oxigraph")
    http = AsgiClient(create_app(Settings(store="embedded", data_dir=data_dir), store))
    try:
        for kind in DUMP_KINDS:
            name, body = follow(http, f"/dumps/latest{kind.suffix}")
            assert written[name] == body  # same name, same bytes
            _, checksum = follow(http, f"/dumps/latest{kind.suffix}.sha256")
            assert written[f"{name}.sha256"] == checksum
    finally:
        http.close()
        store.close()


def test_cli_refuses_dumps_with_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--store", "memory", "export", "--dumps", str(tmp_path), "-o", str(tmp_path / "x")],
    )
    assert result.exit_code == 2
    assert "Erreur" in result.stderr and "Error" in result.stderr
    assert not list(tmp_path.iterdir())
