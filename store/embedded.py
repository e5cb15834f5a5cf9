"""The embedded backend: a pyoxigraph store on disk (or in memory for tests and demos)."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO, TypeVar

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import sparql_text
from .base import (
    Bindings,
    ExportFormat,
    GraphInfo,
    QueryTimeout,
    SelectResult,
    SerializedResult,
    Store,
    Term,
    check_media_type,
)
from .errors import QuerySyntaxError, StoreError, StoreUnavailable, WrongQueryForm
from .sparql_text import DATA_VERSION, QueryForm
from .terms import to_rdflib

T = TypeVar("T")
EXPORT_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_CHUNK = 1 << 20  # characters of text encoded at a time for the RDF parser


class _TrigReader(io.RawIOBase):
    """One TriG document, ``<graph> { …N-Triples… }`` per graph then ``tail``, read as
    bytes a slice at a time, so the texts are never joined or encoded whole. N-Triples
    lines are TriG statements; blank node labels keep one scope, as in one update."""

    def __init__(self, texts: dict[URIRef, str], tail: str) -> None:
        super().__init__()
        self._pieces = self._slices(texts, tail)
        self._pending = memoryview(b"")

    @staticmethod
    def _slices(texts: dict[URIRef, str], tail: str) -> Iterator[bytes]:
        for graph, text in texts.items():
            yield f"{ox.NamedNode(str(graph))} {{\n".encode()
            for start in range(0, len(text), _CHUNK):
                yield text[start : start + _CHUNK].encode("utf-8")
            yield b"\n}\n"
        yield tail.encode("utf-8")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending = memoryview(piece)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class ReadCache:
    """Answers that only a write can change (the graph list, the data version), kept until
    the next write. Sound because one process owns a store (RocksDB's lock) and every write
    goes through `_update`; a read that overlapped a write is not kept."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, object] = {}
        self._epoch = 0
        self._writers = 0

    def get(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                return self._values[key]  # type: ignore[return-value]
            epoch = self._epoch
        value = compute()
        with self._lock:
            if self._epoch == epoch and not self._writers:
                self._values[key] = value
        return value

    def start_write(self) -> None:
        with self._lock:
            self._writers += 1
            self._epoch += 1
            self._values.clear()

    def end_write(self) -> None:
        with self._lock:
            self._writers -= 1
            self._epoch += 1
            self._values.clear()

    def clear(self) -> None:
        """Forget everything (after the store was changed behind our back, e.g. a bulk load)."""
        self.start_write()
        self.end_write()


class EmbeddedStore(Store):
    """Oxigraph in-process: one writer process per directory (RocksDB holds a lock on it)."""

    def __init__(self, base: str, path: Path | None = None) -> None:
        super().__init__(base)
        self.path = path
        self.cache = ReadCache()
        self._version_lock = threading.Lock()  # a version swap spans two transactions
        try:
            self._ox: ox.Store | None = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            raise StoreUnavailable(
                f"Impossible d'ouvrir le magasin de données {path} : {exc}. "
                "Est-il utilisé par un autre processus ?",
                f"Cannot open the data store at {path}: {exc}. Is another process using it?",
            ) from exc
        # Not a change: the version only has to exist so ETags have something to hash.
        self._update(sparql_text.init_version_update(self.system_graph, _new_version()))

    @property
    def _db(self) -> ox.Store:
        if self._ox is None:
            raise StoreError("Le magasin est fermé.", "The store is closed.", code="store-closed")
        return self._ox

    # -- writes -------------------------------------------------------------------------
    def _write_ntriples(self, texts: dict[URIRef, str], version: str) -> None:
        """Graphs that do not exist yet are loaded by Oxigraph's RDF parser as one TriG
        document, in one transaction (2–3× faster than parsing the same text as a SPARQL
        update, and without the update's copy of it); a write that replaces or drops an
        existing graph is one SPARQL update (drop and insert in one transaction)."""
        existing = set(self._read_named_graphs())
        if any(graph in existing for graph in texts):
            self._update(sparql_text.replace_graphs_update(texts, self.system_graph, version))
            return
        loads = {graph: text for graph, text in texts.items() if text and not text.isspace()}
        system, predicate = ox.NamedNode(str(self.system_graph)), ox.NamedNode(str(DATA_VERSION))
        stamp = f"{system} {{ {system} {predicate} {ox.Literal(version)} . }}\n"
        with self._writing(), self._version_lock:
            before = self._versions()
            reader = io.BufferedReader(_TrigReader(loads, stamp), _CHUNK)
            self._db.load(reader, format=ox.RdfFormat.TRIG)
            # The old version goes in a second transaction: a reader of the version waits
            # on the lock, and a crash in between leaves two versions, both dropped by the
            # next write (``DELETE WHERE``).
            if before:
                old = " ".join(f"{system} {predicate} {v} ." for v in before)
                self._db.update(f"DELETE DATA {{ GRAPH {system} {{ {old} }} }}")

    def drop_graph(self, graph: URIRef) -> bool:
        self._check_writable(graph)
        if not self._db.contains_named_graph(ox.NamedNode(str(graph))):
            return False
        self._update(sparql_text.drop_graph_update(graph, self.system_graph, _new_version()))
        return True

    def _update(self, update: str) -> None:
        """Run one update request; pyoxigraph applies it in one transaction or not at all."""
        with self._writing():
            self._db.update(update)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A write: cached reads are held off meanwhile, engine errors become StoreErrors."""
        self.cache.start_write()
        try:
            yield
        except SyntaxError as exc:
            raise StoreError(
                f"Écriture refusée, données invalides : {exc}",
                f"Write refused, invalid data: {exc}",
                code="write-failed",
            ) from exc
        except OSError as exc:
            raise StoreError(
                f"Écriture impossible : {exc}", f"Write failed: {exc}", code="write-failed"
            ) from exc
        finally:
            self.cache.end_write()

    # -- reads --------------------------------------------------------------------------
    def named_graphs(self) -> list[URIRef]:
        return list(self.cache.get("graphs", self._read_named_graphs))

    def _read_named_graphs(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self._db.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def graph_sizes(self) -> list[GraphInfo]:
        # One COUNT per graph: 38 ms for 100k triples, faster than GROUP BY or iterating quads.
        sizes = []
        for graph in self.named_graphs():
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}"
            result = self._db.query(query)
            assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - fixed SELECT above
            count = next(iter(result))["n"]
            sizes.append(GraphInfo(graph, int(count.value) if count is not None else 0))
        return sizes

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> SelectResult:
        sparql_text.expect_form(query, "SELECT")
        result = self._query(query, bindings, default_graph)
        if not isinstance(result, ox.QuerySolutions):
            raise _wrong_form("SELECT")
        variables = [v.value for v in result.variables]
        rows: list[dict[str, Term]] = []
        for solution in _guarded(result):
            row: dict[str, Term] = {}
            for name in variables:
                term = solution[name]
                if term is not None:
                    row[name] = to_rdflib(term)
            rows.append(row)
        return SelectResult(variables, rows)

    def ask(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> bool:
        sparql_text.expect_form(query, "ASK")
        result = self._query(query, bindings, default_graph)
        if not isinstance(result, ox.QueryBoolean):
            raise _wrong_form("ASK")
        return bool(result)

    def construct(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> Graph:
        sparql_text.expect_form(query, "CONSTRUCT", "DESCRIBE")
        result = self._query(query, bindings, default_graph)
        if not isinstance(result, ox.QueryTriples):
            raise _wrong_form("CONSTRUCT", "DESCRIBE")
        graph = Graph()
        for triple in _guarded(result):
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph

    def query_serialized(
        self,
        query: str,
        media_type: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Iterable[URIRef] | None = None,
        named_graphs: Iterable[URIRef] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SerializedResult:
        """In-process, ``timeout`` is only checked while results stream out: a query that
        spends its time before the first row (ORDER BY, aggregates) cannot be stopped here.
        That is what IsolatedStore (store/worker.py) is for."""
        deadline = None if timeout is None else time.monotonic() + timeout
        form = _form_of(query)
        if form is not None:
            check_media_type(form, media_type)
        default, named = self.public_dataset(default_graph, named_graphs)
        result = self._query(query, bindings, default, named)
        return serialize_answer(result, form, media_type, max_rows, deadline, timeout)

    def _query(
        self,
        query: str,
        bindings: Bindings | None,
        default_graph: Iterable[URIRef] | None,
        named_graphs: Iterable[URIRef] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query over the public default graph (or the given one); every named graph
        stays visible to ``GRAPH`` unless ``named_graphs`` is given. Bindings go in as a
        VALUES block (see sparql_text)."""
        text = sparql_text.bind_values(query, bindings)
        graphs = self.public_graphs() if default_graph is None else list(default_graph)
        named: list[ox.NamedNode | ox.BlankNode] | None = (
            None if named_graphs is None else [ox.NamedNode(str(g)) for g in named_graphs]
        )
        try:
            return self._db.query(
                text, default_graph=[ox.NamedNode(str(g)) for g in graphs], named_graphs=named
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(
                f"Requête SPARQL invalide : {exc}", f"Invalid SPARQL query: {exc}"
            ) from exc
        except (OSError, RuntimeError) as exc:
            raise StoreError(
                f"Échec de la requête : {exc}", f"Query failed: {exc}", code="query-failed"
            ) from exc

    # -- export and bookkeeping ---------------------------------------------------------
    def export(self, out: IO[bytes], fmt: ExportFormat = "nq", *, public_only: bool = True) -> None:
        graphs = self.public_graphs() if public_only else self.named_graphs()
        quads = chain.from_iterable(
            self._db.quads_for_pattern(None, None, None, ox.NamedNode(str(g))) for g in graphs
        )
        ox.serialize(quads, out, EXPORT_FORMATS[fmt])

    def data_version(self) -> str:
        return self.cache.get("version", self._read_version)

    def _read_version(self) -> str:
        with self._version_lock:
            versions = sorted(term.value for term in self._versions())
        if not versions:
            self._update(sparql_text.init_version_update(self.system_graph, _new_version()))
            return self._read_version()
        return versions[0]

    def _versions(self) -> list[ox.Literal]:
        result = self._db.query(sparql_text.read_version_query(self.system_graph))
        assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - fixed SELECT above
        return [v for row in result if isinstance(v := row["version"], ox.Literal)]

    def close(self) -> None:
        """Flush to disk and release the RocksDB lock so the directory can be reopened."""
        if self._ox is not None:
            if self.path is not None:
                self._ox.flush()
            self._ox = None


def serialize_answer(
    result: ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple],
    form: QueryForm | None,
    media_type: str,
    max_rows: int | None,
    deadline: float | None = None,
    timeout: float | None = None,
) -> SerializedResult:
    """Write a pyoxigraph answer in ``media_type`` with pyoxigraph's own serialisers.

    With a row cap, ``max_rows + 1`` rows are read (to know whether the cap cut the answer)
    and only ``max_rows`` are written (solutions through `solutions_bytes`).
    """
    if isinstance(result, ox.QueryBoolean):
        bare = check_media_type("ASK", media_type)
        boolean = result.serialize(format=RESULT_FORMATS[bare])
        assert boolean is not None  # noqa: S101 - no output given: bytes are returned
        return SerializedResult(bare, boolean, "ASK", None, False)
    if isinstance(result, ox.QuerySolutions):
        bare = check_media_type("SELECT", media_type)
        variables = [v.value for v in result.variables]
        rows, truncated = _take(result, max_rows, deadline, timeout)
        body = solutions_bytes(variables, rows, RESULT_FORMATS[bare])
        return SerializedResult(bare, body, "SELECT", len(rows), truncated)
    graph_form: QueryForm = form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT"
    bare = check_media_type(graph_form, media_type)
    triples, truncated = _take(result, max_rows, deadline, timeout)
    graph_body = ox.serialize(triples, format=GRAPH_FORMATS[bare])
    assert graph_body is not None  # noqa: S101 - no output given: bytes are returned
    return SerializedResult(bare, graph_body, graph_form, len(triples), truncated)


def solutions_bytes(
    variables: list[str], rows: list[ox.QuerySolution], fmt: ox.QueryResultsFormat
) -> bytes:
    """Solutions (possibly a capped subset) written by pyoxigraph in ``fmt``.

    pyoxigraph cannot serialise a list of solutions, so they go through a TSV document
    (one line per solution, each term in its N-Triples form written by pyoxigraph) parsed
    back: 5–7× faster than building SPARQL JSON in Python. Terms TSV cannot carry (triple
    terms) take the JSON way.
    """
    try:
        return _via_tsv(variables, rows, fmt)
    except (SyntaxError, ValueError):
        pass
    document = {
        "head": {"vars": variables},
        "results": {
            "bindings": [
                {name: _json_term(term) for name in variables if (term := row[name]) is not None}
                for row in rows
            ]
        },
    }
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt == ox.QueryResultsFormat.JSON:
        return data  # already what pyoxigraph would write, less the round trip
    return _reserialize(data, ox.QueryResultsFormat.JSON, fmt)


def _via_tsv(
    variables: list[str], rows: list[ox.QuerySolution], fmt: ox.QueryResultsFormat
) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    for row in rows:  # a triple term's text is no TSV term: the parser refuses it
        lines.append("\t".join("" if term is None else str(term) for term in row))
    lines.append("")
    return _reserialize("\n".join(lines).encode("utf-8"), ox.QueryResultsFormat.TSV, fmt)


def _reserialize(data: bytes, source: ox.QueryResultsFormat, fmt: ox.QueryResultsFormat) -> bytes:
    solutions = ox.parse_query_results(data, source)
    assert isinstance(solutions, ox.QuerySolutions)  # noqa: S101 - a results document
    written = solutions.serialize(format=fmt)
    assert written is not None  # noqa: S101 - no output given: bytes are returned
    return written


def _json_term(term: object) -> dict[str, object]:
    """A pyoxigraph term in the SPARQL 1.1 (and 1.2 triple term) JSON results syntax."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise StoreError(
        f"Terme non pris en charge dans un résultat : {term!r}",
        f"Unsupported term in a result: {term!r}",
        code="unsupported-term",
    )


def _take(
    results: Iterable[T], max_rows: int | None, deadline: float | None, timeout: float | None
) -> tuple[list[T], bool]:
    """Up to ``max_rows`` items and whether more were there; the deadline checked on the way."""
    limit = None if max_rows is None else max_rows + 1
    items: list[T] = []
    for item in islice(_guarded(results), limit):
        items.append(item)
        if deadline is not None and len(items) % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(timeout or 0.0)
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout(timeout or 0.0)
    truncated = max_rows is not None and len(items) > max_rows
    return (items[:max_rows] if truncated else items), truncated


@functools.lru_cache(maxsize=512)
def _form_of(query: str) -> QueryForm | None:
    """The query form, scanned once per distinct text (the same queries come back)."""
    return sparql_text.query_form(query)


def _new_version() -> str:
    return uuid.uuid4().hex


def _wrong_form(*forms: str) -> WrongQueryForm:
    return WrongQueryForm(
        f"Requête d'une autre forme que {' ou '.join(forms)}.",
        f"Query is not a {' or '.join(forms)} query.",
    )


def _guarded(results: Iterable[T]) -> Iterator[T]:
    """Iterate lazily evaluated results, turning engine failures into StoreError."""
    iterator = iter(results)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except (OSError, RuntimeError) as exc:
            raise StoreError(
                f"Échec de la requête : {exc}", f"Query failed: {exc}", code="query-failed"
            ) from exc
        yield item
