"""bm25 recomputed with numpy (store/text_ranking.py) equals FTS5's own, on a graph from
bench/generate_graph.py with a low threshold so frequent (in-memory) and rare (read on the
fly) tokens are both used; the search through the HTTP app keeps the same order."""

from __future__ import annotations

import asyncio
import io
import runpy
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import numpy as np
import pyoxigraph as ox
import pytest
from rdflib import Graph

from api.app import create_app
from api.discovery.state import Discovery
from essgraph.settings import Settings
from ontology import DEFAULT_BASE
from store.embedded import EmbeddedStore
from store.text_index import _SCORED_SQL, TextIndex
from store.text_ranking import fold, phrases
from store.text_words import match_expression

ROOT = Path(__file__).resolve().parents[2]
#: Low, so that the generated words fall on both sides.
FREQUENT = 40
QUERIES = [
    "jardin",
    "économique",
    "Économie sociale",
    "emploi insertion",
    "énergie habitat",
    "mobilité solidaire",
    "coopération coopération",
    "cooperation",
    "métropole épicerie",
    "motquinexistepas",
]


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    generate = runpy.run_path(str(ROOT / "bench" / "generate_graph.py"))["generate"]
    text = io.StringIO()
    generate(text, 12_000)
    opened = EmbeddedStore(DEFAULT_BASE)
    opened._db.load(input=text.getvalue().encode(), format=ox.RdfFormat.N_QUADS)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def index(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> TextIndex:
    made = TextIndex(store, tmp_path_factory.mktemp("index"))
    made.frequent = FREQUENT
    made.refresh()
    return made


def fts5(path: Path, expression: str) -> dict[int, float]:
    with closing(sqlite3.connect(path)) as db:
        return {int(r): float(s) for r, s in db.execute(_SCORED_SQL, (expression,))}


def numpy_scores(index: TextIndex, expression: str) -> dict[int, float]:
    tables = index.prepare_ranking()
    assert tables is not None
    tokens = phrases(expression)
    assert tokens is not None
    with closing(sqlite3.connect(index.path)) as db:
        db.execute("BEGIN")
        rowids = np.array(
            sorted(
                r[0] for r in db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expression,))
            ),
            dtype=np.int64,
        )
        scores = tables.scores(db, tokens, rowids)
    return dict(zip(rowids.tolist(), scores.tolist(), strict=True))


def assert_same(mine: dict[int, float], theirs: dict[int, float]) -> None:
    assert mine.keys() == theirs.keys()
    for rowid, score in theirs.items():
        assert abs(mine[rowid] - score) <= 1e-9 * abs(score), rowid


def test_numpy_bm25_equals_fts5_for_frequent_and_rare_tokens(index: TextIndex) -> None:
    tables = index.prepare_ranking()
    assert tables is not None and tables.version == index.version
    used_frequent = used_rare = False
    for text in QUERIES:
        expression = match_expression(text)
        assert expression is not None
        tokens = phrases(expression) or []
        used_frequent |= any(t in tables.frequent for t in tokens)
        used_rare |= any(t not in tables.frequent for t in tokens)
        theirs = fts5(index.path, expression)
        assert_same(numpy_scores(index, expression), theirs)
        assert theirs or text == "motquinexistepas"
    assert used_frequent and used_rare


def test_the_index_ranks_as_fts5_did(index: TextIndex) -> None:
    """Through TextIndex.search (the numpy path), the scores and order of FTS5's bm25."""
    with closing(sqlite3.connect(index.path)) as db:
        iri_of = {int(r): str(i) for r, i in db.execute("SELECT rowid, iri FROM docs")}
    for text in QUERIES:
        expression = match_expression(text)
        assert expression is not None
        theirs = {iri_of[r]: s for r, s in fts5(index.path, expression).items()}
        hits = index.search(text)
        assert [h.iri for h in hits] == sorted(
            (i for i in theirs if "/practice/" in i), key=lambda i: (theirs[i], i)
        )
        for hit in hits:
            assert abs(hit.rank - theirs[hit.iri]) <= 1e-9 * abs(theirs[hit.iri])


def test_prefixes_and_odd_tokens_keep_fts5() -> None:
    assert phrases('("jardin" OR "jardin") AND "eco"*') is None
    assert phrases('("foo_bar")') is None  # two tokens for FTS5
    assert phrases('("œuvre")') is None  # not folded by removing accents
    assert fold("Économie") == "economie"
    assert phrases('("écoles" OR "écol") AND ("x")') == ["ecoles", "ecol", "x"]


def test_prefix_search_still_ranks(index: TextIndex) -> None:
    expression = match_expression("jard*")
    assert expression is not None
    theirs = fts5(index.path, expression)
    assert theirs and len(index.search("jard*")) > 0


def test_tables_follow_an_incremental_update(store: EmbeddedStore, tmp_path: Path) -> None:
    """After a write the index is updated in place and the tables are read again for the new
    version (before that, a version mismatch keeps FTS5's ranking)."""
    made = TextIndex(store, tmp_path)
    made.frequent = FREQUENT
    made.refresh()
    before = made.prepare_ranking()
    graph = Graph()
    graph.parse(
        data=f"""
        @prefix ess: <https://w3id.org/essgraph/ontology#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        <{DEFAULT_BASE}id/practice/zz-jardin> a ess:Practice ;
            dct:title "Jardin jardin partagé"@fr ;
            dct:description "Un jardin solidaire."@fr .
        """,
        format="turtle",
    )
    store.replace_graph(store.graph_iri("source/extra-ranking"), graph)
    made.refresh()
    assert made.last_refresh == "incremental"
    after = made.prepare_ranking()
    assert before is not None and after is not None
    assert after.version == made.version != before.version
    for text in ("jardin", "jardin solidaire"):
        expression = match_expression(text)
        assert expression is not None
        assert_same(numpy_scores(made, expression), fts5(made.path, expression))
    hits = made.search("jardin partagé")
    assert f"{DEFAULT_BASE}id/practice/zz-jardin" in {h.iri for h in hits}


def pages(
    store: EmbeddedStore, directory: Path, frequent: int | None
) -> tuple[list[list[str]], Discovery]:
    """The orders of /practices?q=… through the real app, ranked one way or the other."""
    app = create_app(Settings(store="memory"), store)
    discovery = Discovery(store, directory)
    discovery.index.frequent = frequent
    app.state.discovery = discovery

    async def ask() -> list[list[str]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            out = []
            for text in QUERIES[:-1]:
                answer = await http.get("/practices", params={"q": text, "per_page": "200"})
                assert answer.status_code == 200
                out.append([str(item["iri"]) for item in answer.json()["items"]])
            return out

    return asyncio.run(ask()), discovery


def test_the_http_search_order_is_unchanged(
    store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Both ways give FTS5's order: bm25, ties in title order (the definition, in Python)."""
    fast, discovery = pages(store, tmp_path_factory.mktemp("fast"), FREQUENT)
    plain, _ = pages(store, tmp_path_factory.mktemp("plain"), None)
    assert fast == plain
    snapshot = discovery.current().snapshot
    titled = {p: n for n, p in enumerate(snapshot.order_positions("title", "fr"))}
    path = discovery.index.path
    with closing(sqlite3.connect(path)) as db:
        iri_of = {int(r): str(i) for r, i in db.execute("SELECT rowid, iri FROM docs")}
    for text, order in zip(QUERIES[:-1], fast, strict=True):
        expression = match_expression(text)
        assert expression is not None
        scores = {iri_of[r]: s for r, s in fts5(path, expression).items()}
        practices = [i for i in scores if i in snapshot.position]
        practices.sort(key=lambda i: (scores[i], titled[snapshot.position[i]]))
        assert order == practices[:200]
        assert order
