"""FTS5's bm25 recomputed with numpy, exactly, for the frequent words of one index version.

Why: bm25 over a word matching a third of the corpus costs FTS5 60–120 ms at a million
triples (it walks every hit's position lists), the first time a word is searched. FTS5's
bm25 (fts5_aux.c) is, for a row, ``-sum_i IDF_i * f_i*(k1+1) / (f_i + k1*(1-b+b*D/avgdl))``
over the query's phrases, with ``f_i`` the column-weighted count of phrase ``i`` in the row,
``D`` the row's token count, ``avgdl`` and ``IDF_i`` from whole-table counts. For one-token
phrases every factor is known ahead: the postings of the frequent tokens (rowid, weighted
count) are read once per version from ``fts5vocab``, rare tokens on the fly (cheap: few
rows). Prefix queries and phrases of several tokens keep FTS5's own bm25.
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .text_documents import COLUMNS

#: Column weights in table order, as given to ``bm25()`` by store/text_index.py.
WEIGHTS = (0.0, 0.0, 10.0, 4.0, 1.0, 5.0, 2.0, 0.5)
_WEIGHT_OF = dict(zip(("iri", "kind", *COLUMNS), WEIGHTS, strict=True))
K1 = 1.2
B = 0.75
#: Tokens in at least this many rows get their postings in memory (measured at 1M triples:
#: below ~2,000 hits FTS5's bm25 costs under ~10 ms).
FREQUENT = 2000

_PHRASE = re.compile(r'"([^"]*)"(\*?)')
_SIMPLE = re.compile(r"[a-z0-9]+")

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def _varints(blob: bytes) -> list[int]:
    """SQLite varints (big-endian groups of 7 bits, the 9th byte whole)."""
    out: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def fold(word: str) -> str | None:
    """The token FTS5 (``unicode61 remove_diacritics 2``) makes of ``word``, when it is
    surely one plain token (ASCII letters or digits once accents are removed), else None."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    ).lower()
    return stripped if _SIMPLE.fullmatch(stripped) else None


def phrases(expression: str) -> list[str] | None:
    """The one-token phrases of a match expression in FTS5's order (None: a prefix, or a
    phrase that is not surely one token)."""
    out: list[str] = []
    for text, star in _PHRASE.findall(expression):
        token = fold(text)
        if star or token is None:
            return None
        out.append(token)
    return out or None


def _vocab(db: sqlite3.Connection) -> None:
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_row USING fts5vocab(main, docs, row)")
    db.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_inst USING fts5vocab(main, docs, instance)"
    )


@dataclass(frozen=True)
class Postings:
    """Rows holding a token (sorted rowids) and its column-weighted count in each."""

    df: int
    rowids: Ints
    freq: Floats


def _postings(db: sqlite3.Connection, token: str) -> Postings:
    rows = db.execute("SELECT doc, col FROM temp.v_inst WHERE term = ?", (token,)).fetchall()
    if not rows:
        return Postings(0, np.zeros(0, np.int64), np.zeros(0, np.float64))
    docs = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    weights = np.fromiter((_WEIGHT_OF[r[1]] for r in rows), np.float64, len(rows))
    order = np.argsort(docs, kind="stable")
    docs, weights = docs[order], weights[order]
    rowids, starts = np.unique(docs, return_index=True)
    return Postings(len(rowids), rowids, np.add.reduceat(weights, starts))


class RankingTables:
    """Row lengths, table counts and frequent tokens' postings of one index version."""

    def __init__(self, db: sqlite3.Connection, version: str, frequent: int = FREQUENT) -> None:
        """Read within ``db``'s current transaction (the version's snapshot)."""
        _vocab(db)
        self.version = version
        block = db.execute("SELECT block FROM docs_data WHERE id = 1").fetchone()
        averages = _varints(bytes(block[0])) if block else [0]
        self.n_row = averages[0]
        self.avgdl = float(sum(averages[1:])) / float(self.n_row) if self.n_row else 0.0
        sizes = db.execute("SELECT id, sz FROM docs_docsize ORDER BY id").fetchall()
        self.rowids = np.fromiter((r[0] for r in sizes), np.int64, len(sizes))
        self.length = np.fromiter((sum(_varints(r[1])) for r in sizes), np.float64, len(sizes))
        # IRI and kind of each row, aligned with ``rowids`` (hits become IRIs in C loops).
        docs = db.execute("SELECT rowid, iri, kind FROM docs ORDER BY rowid").fetchall()
        if [d[0] for d in docs] != self.rowids.tolist():
            raise RuntimeError("docs and docs_docsize disagree on rowids")
        self.iris = np.array([d[1] for d in docs], dtype=object)
        self.kinds = np.array([d[2] for d in docs], dtype=object)
        self.frequent: dict[str, Postings] = {
            str(term): _postings(db, str(term))
            for (term,) in db.execute("SELECT term FROM temp.v_row WHERE doc >= ?", (frequent,))
        }

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        arrays = [self.rowids, self.length]
        for p in self.frequent.values():
            arrays += [p.rowids, p.freq]
        return sum(a.nbytes for a in arrays)

    def scores(self, db: sqlite3.Connection, tokens: list[str], rowids: Ints) -> Floats:
        """bm25 (lower is better) of ``rowids`` for the phrases ``tokens``, as FTS5 gives it."""
        _vocab(db)
        where = np.searchsorted(self.rowids, rowids)
        length = self.length[np.minimum(where, len(self.length) - 1)]
        norm = K1 * (1 - B + B * length / self.avgdl)
        score = np.zeros(len(rowids), np.float64)
        for token in tokens:
            postings = self.frequent.get(token) or _postings(db, token)
            hit = postings.df
            idf = math.log((self.n_row - hit + 0.5) / (hit + 0.5))
            idf = idf if idf > 0.0 else 1e-6
            at = np.searchsorted(postings.rowids, rowids)
            at = np.minimum(at, max(len(postings.rowids) - 1, 0))
            freq = np.zeros(len(rowids), np.float64)
            if len(postings.rowids):
                found = postings.rowids[at] == rowids
                freq[found] = postings.freq[at[found]]
            present = freq > 0
            term = idf * ((freq * (K1 + 1.0)) / (freq + norm))
            score = np.where(present, score + term, score)
        return np.asarray(-1.0 * score, np.float64)


def ranked(
    tables: RankingTables | None, db: sqlite3.Connection, version: str, expression: str, kind: str
) -> dict[str, float] | None:
    """IRI → bm25 of every hit of ``kind`` (in rowid order) from ``tables`` when they fit
    (built for ``version``, the snapshot ``db`` reads; one-token phrases only), else None."""
    tokens = phrases(expression)
    if tables is None or tables.version != version or not tokens:
        return None
    # One string of rowids: half the time of a Python tuple per hit.
    found = db.execute(
        "SELECT group_concat(rowid, ' ') FROM docs WHERE docs MATCH ?", (expression,)
    ).fetchone()[0]
    rowids = np.sort(np.array((found or "").split(), dtype=np.int64))
    scores = tables.scores(db, tokens, rowids)
    at = np.searchsorted(tables.rowids, rowids)
    keep = tables.kinds[at] == kind
    return dict(zip(tables.iris[at[keep]].tolist(), scores[keep].tolist(), strict=True))


__all__ = ["FREQUENT", "Postings", "RankingTables", "fold", "phrases", "ranked"]
