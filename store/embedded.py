"""The embedded backend: a pyoxigraph store on disk (or in memory for tests and demos)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path
from typing import IO, TypeVar

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import sparql_text
from .base import Bindings, ExportFormat, GraphInfo, SelectResult, Store, Term
from .errors import QuerySyntaxError, StoreError, StoreUnavailable, WrongQueryForm
from .terms import to_rdflib

T = TypeVar("T")
EXPORT_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


class EmbeddedStore(Store):
    """Oxigraph in-process: one writer process per directory (RocksDB holds a lock on it)."""

    def __init__(self, base: str, path: Path | None = None) -> None:
        super().__init__(base)
        self.path = path
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
    def replace_graphs(self, graphs: Mapping[URIRef, Graph]) -> None:
        for graph in graphs:
            self._check_writable(graph)
        texts = {graph: sparql_text.ntriples(data) for graph, data in graphs.items()}
        self._update(sparql_text.replace_graphs_update(texts, self.system_graph, _new_version()))

    def drop_graph(self, graph: URIRef) -> bool:
        self._check_writable(graph)
        if not self._db.contains_named_graph(ox.NamedNode(str(graph))):
            return False
        self._update(sparql_text.drop_graph_update(graph, self.system_graph, _new_version()))
        return True

    def _check_writable(self, graph: URIRef) -> None:
        if not isinstance(graph, URIRef) or graph == self.system_graph:
            raise StoreError(
                f"Graphe non modifiable : {graph}",
                f"Graph cannot be written: {graph}",
                code="reserved-graph",
            )

    def _update(self, update: str) -> None:
        """Run one update request; pyoxigraph applies it in one transaction or not at all."""
        try:
            self._db.update(update)
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

    # -- reads --------------------------------------------------------------------------
    def named_graphs(self) -> list[URIRef]:
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

    def _query(
        self, query: str, bindings: Bindings | None, default_graph: Iterable[URIRef] | None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a query over the public default graph (or the given one); every named graph
        stays visible to ``GRAPH``. Bindings go in as a VALUES block (see sparql_text)."""
        text = sparql_text.bind_values(query, bindings)
        graphs = self.public_graphs() if default_graph is None else list(default_graph)
        try:
            return self._db.query(text, default_graph=[ox.NamedNode(str(g)) for g in graphs])
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
        result = self._db.query(sparql_text.read_version_query(self.system_graph))
        assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - fixed SELECT above
        versions = sorted(str(row["version"].value) for row in result if row["version"])
        if not versions:
            self._update(sparql_text.init_version_update(self.system_graph, _new_version()))
            return self.data_version()
        return versions[0]

    def close(self) -> None:
        """Flush to disk and release the RocksDB lock so the directory can be reopened."""
        if self._ox is not None:
            if self.path is not None:
                self._ox.flush()
            self._ox = None


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
