"""A full-text index of practices and collectivities: SQLite FTS5, kept in step with the store.

Why FTS5: it ships with Python's sqlite3, folds case and accents (``unicode61
remove_diacritics 2``), answers prefix queries from its own prefix indexes and ranks with
bm25 — a real index rather than a regex scan of the graph. What a row holds is read from the
store by ``store/text_documents.py``; French stems and the quoting of user text are in
``store/text_words.py``.

Kept in step cheaply: the index remembers the data version and the newest change-log event
it has seen. When the version moves on, the events since then (``store/change_events.py``)
name the resources a write changed; only the practices and collectivities among them, and
those linking to them (a renamed collectivity or concept changes its practices' labels), are
re-read with bound queries and replaced in one SQLite transaction (readers see the old rows
or the new ones). When the log cannot tell (no cursor, too many events or documents), the
index is rebuilt whole into a temporary file moved over the old one (``os.replace``).

Searching: a hit set is one ``SELECT rowid … MATCH`` (bm25 only when a ranking is asked for:
it costs four times the match itself; computed exactly in numpy from tables prepared after each
refresh, ``store/text_ranking.py``, for queries of plain words), kept in a small LRU per
index version, so paging and ticking facets under the same words never search twice. User
text never reaches FTS5 as syntax (:func:`match_expression`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .base import Store
from .change_events import events
from .text_documents import CHUNK, COLUMNS, DocKind, document_rows, linking_documents
from .text_ranking import FREQUENT, RankingTables, ranked
from .text_words import MAX_QUERY_TOKENS, match_expression, stem_text

INDEX_FILE = "text-index.sqlite"

#: bm25 weights in table order (iri and kind 0, then COLUMNS): a word in a title counts more
#: than in a label, which counts more than in a description; an exact word more than a stem.
#: store/text_ranking.py's WEIGHTS must be the same (its tests compare both).
#: Only rowids (and scores): rowids map to IRIs in memory, which is three times cheaper than
#: reading the stored IRI column of every hit.
_MATCH_SQL = "SELECT rowid FROM docs WHERE docs MATCH ?"
_SCORED_SQL = (
    "SELECT rowid, bm25(docs, 0, 0, 10.0, 4.0, 1.0, 5.0, 2.0, 0.5) FROM docs WHERE docs MATCH ?"
)
_SOME_SQL = (
    "SELECT rowid, bm25(docs, 0, 0, 10.0, 4.0, 1.0, 5.0, 2.0, 0.5) FROM docs "
    "WHERE docs MATCH ? AND rowid IN (SELECT value FROM json_each(?))"
)

#: Hit sets kept per index (each a few hundred kB at 1M triples).
CACHED_QUERIES = 32
#: Beyond these, a refresh rebuilds whole: events read from the log, and documents re-read
#: as a share of the index (bound queries cost more per document than one full read).
MAX_EVENTS = 20_000
MAX_SHARE = 0.3


@dataclass(frozen=True)
class Hit:
    """One matching resource; ``rank`` is FTS5's bm25 (lower is better)."""

    iri: str
    kind: DocKind
    rank: float


def _cursor(store: Store) -> str:
    """The newest change-log event as ``time event-iri`` (``""``: the log is empty)."""
    newest = events(store, limit=1)
    return f"{newest[0].time.isoformat()} {newest[0].iri}" if newest else ""


def build(store: Store, path: Path) -> str:
    """Write a fresh index of ``store`` at ``path`` (atomically); return its data version.

    The log cursor, then the version, are read before the documents, so a write landing
    during the build is replayed by the next refresh (never an index newer than its label).
    """
    cursor = _cursor(store)
    version = store.data_version()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".text-index-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        with closing(sqlite3.connect(tmp_name)) as db:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute(
                "CREATE VIRTUAL TABLE docs USING fts5(iri UNINDEXED, kind UNINDEXED, "
                + ", ".join(COLUMNS)
                + ", tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
            )
            db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", document_rows(store))
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)", [("data_version", version), ("log", cursor)]
            )
            db.commit()
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return version


# -- the index of one store --------------------------------------------------------------------
@dataclass(frozen=True)
class _Documents:
    """rowid ↔ (iri, kind) of one version of the index file."""

    version: str
    by_rowid: dict[int, tuple[str, str]]
    rowid_of: dict[str, int]


class Hits:
    """The matches of one text in one index version: IRIs of one kind, and their bm25
    scores, computed on demand (once for all hits, or for a few)."""

    def __init__(self, index: TextIndex, version: str, expression: str, kind: DocKind) -> None:
        self.index = index
        self.version = version
        self.expression = expression
        self.kind = kind
        self.iris: list[str] = []
        self._scores: dict[str, float] | None = None
        self._some: dict[str, float] = {}  # scores of a few hits (pages sorted otherwise)
        self._lock = threading.Lock()

    def scores(self) -> dict[str, float]:
        """IRI → bm25 (lower is better) of every hit."""
        if self._scores is None:
            with self._lock:
                if self._scores is None:
                    found = self.index._scored(self.expression, self.kind, None)
                    self._scores = {iri: found.get(iri, 0.0) for iri in self.iris}
        return self._scores

    def scores_of(self, iris: Iterable[str]) -> dict[str, float]:
        """bm25 of some hits: from the full table when computed, else ranking those only."""
        wanted = list(iris)
        known = self._scores if self._scores is not None else self._some
        missing = [iri for iri in wanted if iri not in known]
        if missing:
            found = self.index._scored(self.expression, self.kind, missing)
            with self._lock:
                self._some.update({iri: found.get(iri, 0.0) for iri in missing})
        return {iri: known[iri] for iri in wanted if iri in known}


class TextIndex:
    """The index file of one store, brought up to date when the data version moves on."""

    def __init__(self, store: Store, directory: Path) -> None:
        self.store = store
        self.path = directory / INDEX_FILE
        self._lock = threading.Lock()
        self._version: str | None = self._stored_version()
        self._documents: _Documents | None = None
        self._hits: OrderedDict[tuple[str, str, str], Hits] = OrderedDict()
        self._hits_lock = threading.Lock()
        #: bm25 in numpy for one version (store/text_ranking.py); FTS5's own until ready.
        self._ranking: RankingTables | None = None
        self._ranking_lock = threading.Lock()  # one preparation at a time (seconds at 1M)
        #: Tokens in at least this many rows get in-memory postings (lower in tests);
        #: None: FTS5 ranks every query.
        self.frequent: int | None = FREQUENT
        #: How the last refresh went: "full", "incremental" or "" (for tests and logs).
        self.last_refresh = ""

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)

    def _meta(self) -> dict[str, str]:
        try:
            with closing(self._connect()) as db:
                return {str(k): str(v) for k, v in db.execute("SELECT key, value FROM meta")}
        except sqlite3.Error:
            return {}

    def _stored_version(self) -> str | None:
        """The version an index left by an earlier run was built for (reused if current)."""
        return self._meta().get("data_version") if self.path.exists() else None

    @property
    def version(self) -> str | None:
        """The data version the index on disk describes (None before the first build)."""
        return self._version

    def refresh(self, current: str | None = None) -> bool:
        """Bring the index up to the store's version, then prepare its ranking tables
        (searches rank with FTS5 meanwhile); return whether anything was done."""
        done = self._refresh(current)
        self.prepare_ranking()
        return done

    def prepare_ranking(self) -> RankingTables | None:
        """The numpy ranking tables of the index's version, read now if not yet."""
        ready = self._ranking
        if self.frequent is None or self._version is None:
            return None
        if ready is not None and ready.version == self._version:
            return ready
        with self._ranking_lock:
            ready = self._ranking
            if ready is not None and ready.version == self._version:
                return ready
            with closing(self._connect()) as db:
                db.execute("BEGIN")  # the tables of one snapshot, labelled with its version
                row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
                made = RankingTables(db, str(row[0]) if row else "", self.frequent)
            self._ranking = made
            return made

    def _numpy_scores(
        self, db: sqlite3.Connection, version: str, expression: str, kind: DocKind
    ) -> dict[str, float] | None:
        """IRI → bm25 of every hit from the ranking tables, or None (FTS5 ranks)."""
        if self.frequent is None:
            return None
        return ranked(self._ranking, db, version, expression, kind)

    def _refresh(self, current: str | None) -> bool:
        current = current if current is not None else self.store.data_version()
        if current == self._version:
            return False
        with self._lock:
            if self.store.data_version() == self._version:
                return False
            with self._hits_lock:
                self._hits.clear()
            if self._version is not None and self._update():
                self.last_refresh = "incremental"
                return True
            self._version = build(self.store, self.path)
            self._documents = None
            self._load_documents()  # now, under the lock, not in the next search
            self.last_refresh = "full"
            return True

    def _update(self) -> bool:
        """Replace the rows of the documents changed since the index's log cursor; False
        when the log cannot tell (the caller then rebuilds whole)."""
        meta = self._meta()
        since_text = meta.get("log")
        if since_text is None or meta.get("data_version") != self._version:
            return False
        cursor = _cursor(self.store)
        version = self.store.data_version()
        since = datetime.fromisoformat(since_text.split(" ", 1)[0]) if since_text else None
        found = events(self.store, since=since, limit=MAX_EVENTS + 1)
        if len(found) > MAX_EVENTS:
            return False
        documents = self._load_documents()
        changed = sorted({str(e.resource) for e in found})
        linking = linking_documents(self.store, changed) if changed else set()
        # Changed resources that are not documents (policies, responses…) are read too (they
        # give no row), but only documents count towards the share re-read.
        prefixes = tuple(f"{self.store.base}id/{kind}/" for kind in ("practice", "collectivity"))
        documents_hit = {i for i in changed if i in documents.rowid_of or i.startswith(prefixes)}
        if len(documents_hit | linking) > MAX_SHARE * max(len(documents.rowid_of), 1000):
            return False
        affected = sorted(set(changed) | linking)
        rows = list(document_rows(self.store, affected))
        by_rowid = dict(documents.by_rowid)
        rowid_of = dict(documents.rowid_of)
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("BEGIN IMMEDIATE")
            for iri in affected:
                rowid = rowid_of.pop(iri, None)
                if rowid is not None:
                    db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
                    del by_rowid[rowid]
            for row in rows:
                inserted = db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
                rowid = int(inserted.lastrowid or 0)
                by_rowid[rowid] = (row[0], row[1])
                rowid_of[row[0]] = rowid
            db.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
            db.execute("UPDATE meta SET value = ? WHERE key = 'log'", (cursor,))
            db.commit()
        self._documents = _Documents(version, by_rowid, rowid_of)
        self._version = version
        return True

    def _load_documents(self) -> _Documents:
        with closing(self._connect()) as db:
            db.execute("BEGIN")
            return self._documents_of(db)

    def _documents_of(self, db: sqlite3.Connection) -> _Documents:
        """rowid ↔ (iri, kind) of the index as this connection's transaction sees it,
        loaded once per version (and kept up to date by incremental refreshes)."""
        row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        version = str(row[0]) if row else ""
        cached = self._documents
        if cached is None or cached.version != version:
            by_rowid = {
                int(r): (str(i), str(k))
                for r, i, k in db.execute("SELECT rowid, iri, kind FROM docs")
            }
            rowid_of = {iri: rowid for rowid, (iri, _) in by_rowid.items()}
            cached = _Documents(version, by_rowid, rowid_of)
            self._documents = cached
        return cached

    # -- searching -----------------------------------------------------------------------
    def hits(self, text: str, kind: DocKind = "practice", *, scored: bool = False) -> Hits | None:
        """The resources of ``kind`` matching every word of ``text`` (None: no word in it),
        from the LRU when the same words were searched in this version. ``scored`` computes
        every hit's bm25 in the same pass (what a ranking by relevance needs anyway)."""
        expression = match_expression(text)
        if expression is None:
            return None
        if self._version is None:
            self.refresh()
        key = (self._version or "", expression, kind)
        with self._hits_lock:
            found = self._hits.get(key)
            if found is not None:
                self._hits.move_to_end(key)
        if found is None:
            found = self._match(expression, kind, scored)
            with self._hits_lock:
                self._hits[(found.version, expression, kind)] = found
                while len(self._hits) > CACHED_QUERIES:
                    self._hits.popitem(last=False)
        if scored:
            found.scores()
        return found

    def _match(self, expression: str, kind: DocKind, scored: bool) -> Hits:
        """One pass for practices (most hits are practices: bm25 for all in the same query);
        collectivities are matched first, then only theirs are ranked (a collectivity's name
        is also in the labels of each of its practices)."""
        if scored and kind == "collectivity":
            found = self._match(expression, kind, False)
            found._scores = self._scored(expression, kind, found.iris)
            return found
        with closing(self._connect()) as db:
            db.execute("BEGIN")  # one snapshot for the rowid map and the match
            documents = self._documents_of(db)
            fast = self._numpy_scores(db, documents.version, expression, kind) if scored else None
            rows = (
                []
                if fast is not None
                else db.execute(_SCORED_SQL if scored else _MATCH_SQL, (expression,)).fetchall()
            )
        found = Hits(self, documents.version, expression, kind)
        by_rowid = documents.by_rowid
        if fast is not None:
            found.iris = list(fast)
            found._scores = fast
        elif scored:
            described = [(by_rowid[rowid], score) for rowid, score in rows]
            scores = {doc[0]: score for doc, score in described if doc[1] == kind}
            found.iris = list(scores)
            found._scores = scores
        else:
            found.iris = [
                d[0] for d in map(by_rowid.__getitem__, (r[0] for r in rows)) if d[1] == kind
            ]
        return found

    def _scored(self, expression: str, kind: DocKind, iris: list[str] | None) -> dict[str, float]:
        """bm25 of the hits of ``kind`` (all, or those among ``iris``)."""
        with closing(self._connect()) as db:
            db.execute("BEGIN")
            documents = self._documents_of(db)
            if iris is None:
                fast = self._numpy_scores(db, documents.version, expression, kind)
                if fast is not None:
                    return fast
                rows = db.execute(_SCORED_SQL, (expression,)).fetchall()
            else:
                wanted = [documents.rowid_of[i] for i in iris if i in documents.rowid_of]
                rows = db.execute(_SOME_SQL, (expression, json.dumps(wanted))).fetchall()
        out: dict[str, float] = {}
        for rowid, score in rows:
            iri, doc_kind = documents.by_rowid[rowid]
            if doc_kind == kind:
                out[iri] = score
        return out

    def search(self, text: str, kind: DocKind = "practice", limit: int | None = None) -> list[Hit]:
        """Resources of ``kind`` matching every word of ``text``, best first (bm25, then IRI)."""
        scores = self.scores(text, kind)
        hits = [Hit(iri, kind, score) for iri, score in scores.items()]
        hits.sort(key=lambda hit: (hit.rank, hit.iri))
        return hits if limit is None else hits[: int(limit)]

    def scores(self, text: str, kind: DocKind = "practice") -> dict[str, float]:
        """IRI → bm25 of every match, unsorted."""
        found = self.hits(text, kind, scored=True)
        return {} if found is None else dict(found.scores())


def index_directory(store_setting: str, data_dir: Path) -> Path:
    """Where the index lives: ``DATA_DIR/index``, or a fresh temporary folder for a memory
    store (whose data dies with the process, so must its index)."""
    if store_setting == "memory":
        return Path(tempfile.mkdtemp(prefix="essgraph-index-"))
    return data_dir / "index"


__all__ = [
    "CHUNK",
    "COLUMNS",
    "INDEX_FILE",
    "MAX_QUERY_TOKENS",
    "DocKind",
    "Hit",
    "Hits",
    "TextIndex",
    "build",
    "index_directory",
    "match_expression",
    "stem_text",
]
