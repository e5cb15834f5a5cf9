"""A full-text index of practices and collectivities: SQLite FTS5, kept in step with the store.

Why FTS5: it ships with Python's sqlite3, folds case and accents (``unicode61
remove_diacritics 2``), answers prefix queries from its own prefix indexes and ranks with
bm25 — a real index rather than a regex scan of the graph. French stems (Snowball, the
``snowballstemmer`` package) go into parallel ``*_stem`` columns at index time and are matched
at query time, so "économique" finds "économie".

The index is rebuilt whenever ``store.data_version()`` differs from the version it was built
for: built whole into a temporary file, then moved over the old one (``os.replace`` is atomic),
so readers see the old index or the new one, never half of one. User text never reaches FTS5
as syntax: :func:`match_expression` keeps word characters only and quotes each token.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import snowballstemmer
from rdflib import Literal as RDFLiteral

from .base import Store

DocKind = Literal["practice", "collectivity"]
INDEX_FILE = "text-index.sqlite"

COLUMNS = ("title", "labels", "description", "title_stem", "labels_stem", "description_stem")
#: bm25 weights in table order (iri and kind 0, then COLUMNS): a word in a title counts more
#: than in a label, which counts more than in a description; an exact word more than a stem.
#: Only rowids and scores: reading the stored IRI column of every hit, and sorting in SQLite,
#: took three times as long (150 ms for 16k hits at 1M triples); rowids map to IRIs in memory.
_SEARCH_SQL = (
    "SELECT rowid, bm25(docs, 0, 0, 10.0, 4.0, 1.0, 5.0, 2.0, 0.5) FROM docs WHERE docs MATCH ?"
)

#: A user's word: letters and digits (any script), optionally ending in ``*`` (prefix).
_USER_TOKEN = re.compile(r"(\w+)(\*?)")
_WORD = re.compile(r"\w+")
#: Cap on the words of one query (a longer text is cut: it is a search box, not a document).
MAX_QUERY_TOKENS = 16

_STEMMER = snowballstemmer.stemmer("french")
_STEM_LOCK = threading.Lock()  # Snowball stemmer objects keep state between calls

_PREFIXES = """
PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
#: Simple patterns joined in Python: one SPARQL join over label alternatives took seconds.
_OWN_TEXTS = (
    _PREFIXES
    + """
SELECT ?doc ?kind ?field ?text WHERE {
  { ?doc a ess:Practice ; dct:title ?text . BIND("practice" AS ?kind) BIND("title" AS ?field) }
  UNION
  { ?doc a ess:Practice ; dct:description ?text .
    BIND("practice" AS ?kind) BIND("description" AS ?field) }
  UNION
  { ?doc a ess:Collectivity ; skos:prefLabel ?text .
    BIND("collectivity" AS ?kind) BIND("title" AS ?field) }
  UNION
  { ?doc a ess:Collectivity ; skos:altLabel ?text .
    BIND("collectivity" AS ?kind) BIND("labels" AS ?field) }
}"""
)
#: What a document points to whose labels it is found by: a practice's levers, themes, modes
#: and collectivity; a collectivity's kind and region.
_LINKS = (
    _PREFIXES
    + """
SELECT ?doc ?target WHERE {
  { ?doc a ess:Practice ; ess:usesLever|ess:addressesTheme|ess:modeOfAction ?target }
  UNION { ?doc a ess:Practice ; ess:implementedBy ?target }
  UNION { ?doc a ess:Collectivity ; ess:collectivityKind|ess:region ?target }
}"""
)
_LABELS = (
    _PREFIXES
    + """
SELECT ?target ?text WHERE {
  { ?target a skos:Concept } UNION { ?target a ess:Collectivity }
  ?target skos:prefLabel|skos:altLabel ?text .
}"""
)


@dataclass(frozen=True)
class Hit:
    """One matching resource; ``rank`` is FTS5's bm25 (lower is better)."""

    iri: str
    kind: DocKind
    rank: float


def stem_text(text: str) -> str:
    """The French stems of every word of ``text`` (lower-cased first), space-separated."""
    return " ".join(_stem(w) for w in _WORD.findall(text))


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """One word's stem; cached, since a corpus repeats its words (and Snowball is Python)."""
    with _STEM_LOCK:
        stem: str = _STEMMER.stemWord(word.lower())
    return stem


def match_expression(text: str) -> str | None:
    """The FTS5 query for a user's text, or None when it holds no word.

    Each word becomes ``("word" OR "stem")`` (``"word"*`` when the user ended it with ``*``),
    and words are ANDed. Only word characters survive, each token is double-quoted, so
    quotes, ``NEAR``, ``-``, ``:``, parentheses or column names are searched as plain words
    (or dropped), never read as FTS5 syntax.
    """
    parts: list[str] = []
    for word, star in _USER_TOKEN.findall(text)[:MAX_QUERY_TOKENS]:
        if star:
            parts.append(f'"{word}"*')
            continue
        stem = _stem(word)
        alternatives = [f'"{word}"'] + ([f'"{stem}"'] if stem and stem != word.lower() else [])
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts) if parts else None


def _documents(store: Store) -> Iterator[tuple[str, DocKind, dict[str, list[str]]]]:
    """(iri, kind, texts per field) of every practice and collectivity of the public graph."""
    docs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, DocKind] = {}
    for row in store.select(_OWN_TEXTS):
        iri = str(row["doc"])
        kinds[iri] = "practice" if str(row["kind"]) == "practice" else "collectivity"
        docs[iri][str(row["field"])].append(str(row["text"]))
    labels: dict[str, list[str]] = defaultdict(list)
    for row in store.select(_LABELS):
        if isinstance(row.get("text"), RDFLiteral):
            labels[str(row["target"])].append(str(row["text"]))
    for row in store.select(_LINKS):
        iri = str(row["doc"])
        if iri in kinds:
            docs[iri]["labels"].extend(labels.get(str(row["target"]), ()))
    for iri in sorted(kinds):
        yield iri, kinds[iri], docs[iri]


def build(store: Store, path: Path) -> str:
    """Write a fresh index of ``store`` at ``path`` (atomically); return its data version.

    The version is read before the documents, so a write landing during the build makes the
    next check see a newer version and build again (never an index newer than its label).
    """
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
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _rows(store))
            db.execute("INSERT INTO meta VALUES ('data_version', ?)", (version,))
            db.commit()
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return version


def _rows(store: Store) -> Iterable[tuple[str, ...]]:
    for iri, kind, fields in _documents(store):
        title = " ".join(fields.get("title", []))
        labels = " ".join(dict.fromkeys(fields.get("labels", [])))
        description = " ".join(fields.get("description", []))
        yield (
            iri,
            kind,
            title,
            labels,
            description,
            stem_text(title),
            stem_text(labels),
            stem_text(description),
        )


class TextIndex:
    """The index file of one store, rebuilt when the store's data version moves on."""

    def __init__(self, store: Store, directory: Path) -> None:
        self.store = store
        self.path = directory / INDEX_FILE
        self._lock = threading.Lock()
        self._version: str | None = self._stored_version()
        self._documents: tuple[str, dict[int, tuple[str, str]]] | None = None

    def _stored_version(self) -> str | None:
        """The version an index left by an earlier run was built for (reused if current)."""
        if not self.path.exists():
            return None
        try:
            with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        except sqlite3.Error:
            return None
        return str(row[0]) if row else None

    @property
    def version(self) -> str | None:
        """The data version the index on disk describes (None before the first build)."""
        return self._version

    def refresh(self, current: str | None = None) -> bool:
        """Rebuild if the store changed since the last build; return whether it rebuilt."""
        current = current if current is not None else self.store.data_version()
        if current == self._version:
            return False
        with self._lock:
            if self.store.data_version() == self._version:
                return False
            self._version = build(self.store, self.path)
            return True

    def search(self, text: str, kind: DocKind = "practice", limit: int | None = None) -> list[Hit]:
        """Resources of ``kind`` matching every word of ``text``, best first (bm25, then IRI).

        The caller refreshes first (the route does it once per request for all its parts).
        """
        scores = self.scores(text, kind)
        hits = [Hit(iri, kind, score) for iri, score in scores.items()]
        hits.sort(key=lambda hit: (hit.rank, hit.iri))
        return hits if limit is None else hits[: int(limit)]

    def scores(self, text: str, kind: DocKind = "practice") -> dict[str, float]:
        """IRI → bm25 of every match, unsorted: what a caller that filters and sorts further
        needs (sorting 16k hits it would then re-sort costs more than the search itself)."""
        expression = match_expression(text)
        if expression is None:
            return {}
        if self._version is None:
            self.refresh()
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            documents = self._documents_of(db)
            rows = db.execute(_SEARCH_SQL, (expression,)).fetchall()
        out: dict[str, float] = {}
        for rowid, score in rows:
            iri, doc_kind = documents[rowid]
            if doc_kind == kind:
                out[iri] = score
        return out

    def _documents_of(self, db: sqlite3.Connection) -> dict[int, tuple[str, str]]:
        """rowid → (iri, kind) of the index file this connection reads (it keeps reading the
        file it opened even if a rebuild replaces it), loaded once per version."""
        row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        version = str(row[0]) if row else ""
        cached = self._documents
        if cached is None or cached[0] != version:
            rows = db.execute("SELECT rowid, iri, kind FROM docs")
            cached = (version, {int(r): (str(i), str(k)) for r, i, k in rows})
            self._documents = cached
        return cached[1]


def index_directory(store_setting: str, data_dir: Path) -> Path:
    """Where the index lives: ``DATA_DIR/index``, or a fresh temporary folder for a memory
    store (whose data dies with the process, so must its index)."""
    if store_setting == "memory":
        return Path(tempfile.mkdtemp(prefix="essgraph-index-"))
    return data_dir / "index"


__all__ = [
    "COLUMNS",
    "Hit",
    "TextIndex",
    "build",
    "index_directory",
    "match_expression",
    "stem_text",
]
