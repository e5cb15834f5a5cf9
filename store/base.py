"""The `Store` interface every backend implements, and the neutral result types.

Results use rdflib terms as the lingua franca so callers never depend on a backend's own
term classes. Parameters are bound as RDF terms by each backend (never spliced as text).
"""

from __future__ import annotations

import abc
import functools
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral

from . import changes, sparql_text
from .errors import StoreError, WrongQueryForm
from .sparql_text import QueryForm

Term = URIRef | BNode | RDFLiteral
Bindings = Mapping[str, Term]
ExportFormat = Literal["nq", "trig"]


@dataclass(frozen=True)
class SelectResult:
    """A SELECT answer: the projected variables and one dict per solution (unbound = absent)."""

    variables: list[str]
    rows: list[dict[str, Term]] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Term]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SerializedResult:
    """A query answer already written in the media type the client asked for.

    ``rows`` counts solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) written, None for
    ASK; ``truncated`` says the row cap cut the answer (the endpoint announces it in a header).
    """

    media_type: str
    body: bytes
    form: QueryForm
    rows: int | None
    truncated: bool


#: SPARQL results media types (SELECT and ASK), in the order a server prefers them.
RESULT_MEDIA_TYPES: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
#: RDF media types for CONSTRUCT and DESCRIBE (quad formats write the default graph).
GRAPH_MEDIA_TYPES: tuple[str, ...] = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
)


def media_types_for(form: QueryForm) -> tuple[str, ...]:
    """The media types an answer of this query form can be written in."""
    return GRAPH_MEDIA_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_MEDIA_TYPES


def check_media_type(form: QueryForm, media_type: str) -> str:
    """The bare media type (parameters dropped), or UnsupportedMediaType for this form."""
    bare = media_type.split(";", 1)[0].strip().lower()
    allowed = media_types_for(form)
    if bare not in allowed:
        raise UnsupportedMediaType(form, media_type, allowed)
    return bare


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped (the engine was killed if need be)."""

    code = "query-timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"La requête a dépassé le temps maximal de {seconds:g} s et a été arrêtée.",
            f"The query ran past the {seconds:g} s time limit and was stopped.",
        )
        self.seconds = seconds


class QueryRejected(StoreError):
    """The guard refused the query before any engine parsed it (size, nesting, update…)."""

    code = "query-rejected"

    def __init__(self, message_fr: str, message_en: str, *, reason: str = "rejected") -> None:
        super().__init__(message_fr, message_en)
        self.reason = reason


class EngineCrashed(StoreError):
    """The query engine died while answering (memory cap, crash); it has been restarted."""

    code = "engine-unavailable"


class UnsupportedMediaType(WrongQueryForm):
    """The asked media type cannot hold this query's answer (a graph type for ASK, …).

    A subclass of WrongQueryForm so callers that only know the older error still catch it;
    ``allowed`` lists what would work (for a 406 answer).
    """

    code = "unsupported-media-type"

    def __init__(self, form: str, media_type: str, allowed: tuple[str, ...]) -> None:
        listed = ", ".join(allowed)
        super().__init__(
            f"Une requête {form} ne peut pas être rendue en {media_type!r} ; "
            f"types possibles : {listed}.",
            f"A {form} query cannot be answered as {media_type!r}; possible types: {listed}.",
        )
        self.form = form
        self.media_type = media_type
        self.allowed = allowed


@dataclass(frozen=True)
class GraphInfo:
    """One named graph and its size."""

    iri: URIRef
    triples: int


#: Writes of one process run one at a time, so each change log is computed against the
#: state its own write replaces (a write reads the old state, then updates).
_WRITES = threading.RLock()


class Store(abc.ABC):
    """A quad store holding essgraph's named graphs (see docs/model.md, "Named graphs").

    Writes are whole-graph operations, each atomic, each changing `data_version()`, each
    recording the resources it added, changed or withdrew (store/changes.py) in the same
    update. Queries see the *public default graph* (the union of published graphs) unless
    ``default_graph`` is given; ``GRAPH`` patterns see every named graph.
    """

    #: Whether writes record the change log; switched off only to measure what it costs.
    record_changes: bool = True

    def __init__(self, base: str) -> None:
        self.base = base

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Route a backend's ``drop_graph`` of a public graph through ``replace_ntriples``,
        so dropping a graph records its withdrawals like any other write."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("drop_graph")
        if own is not None and not getattr(own, "_records_changes", False):
            setattr(cls, "drop_graph", _recorded_drop(own))  # noqa: B010 - wraps the method

    # -- graph layout -------------------------------------------------------------------
    def graph_iri(self, name: str) -> URIRef:
        """`{BASE}graph/{name}`, e.g. ``graph_iri("source/demo")``."""
        return URIRef(f"{self.base}graph/{name}")

    @property
    def system_graph(self) -> URIRef:
        return self.graph_iri("system")

    def is_public(self, graph: URIRef) -> bool:
        """Whether a named graph belongs to the public default graph.

        Not public: the system graph, submissions under review (``graph/staging/…``),
        personal data kept for curators only (``graph/private/…``) and the change log
        (``graph/changes/…``).
        """
        hidden = (
            f"{self.base}graph/staging/",
            f"{self.base}graph/private/",
            f"{self.base}graph/changes/",
        )
        return graph != self.system_graph and not str(graph).startswith(hidden)

    def public_graphs(self) -> list[URIRef]:
        return [g for g in self.named_graphs() if self.is_public(g)]

    # -- writes -------------------------------------------------------------------------
    def _check_writable(self, graph: URIRef) -> None:
        """Refuse writes to the system graph (the data version is the store's own)."""
        if not isinstance(graph, URIRef) or graph == self.system_graph:
            raise StoreError(
                f"Graphe non modifiable : {graph}",
                f"Graph cannot be written: {graph}",
                code="reserved-graph",
            )

    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        """Make ``graph`` hold exactly ``data``, atomically (readers see old or new)."""
        self.replace_graphs({graph: data})

    def replace_graphs(self, graphs: Mapping[URIRef, Graph]) -> None:
        """Replace several graphs in one atomic write (an ingest batch spanning files).

        An empty graph in ``graphs`` removes that graph. All or nothing, one version change.
        """
        for graph in graphs:
            self._check_writable(graph)
        self.replace_ntriples({graph: sparql_text.ntriples(data) for graph, data in graphs.items()})

    def replace_ntriples(self, texts: Mapping[URIRef, str]) -> None:
        """`replace_graphs` from N-Triples text (what fast writers and worker processes send).

        The change log of the write goes in the same update. A write that already carries a
        change graph was logged by the process that sent it (IsolatedStore's parent).
        """
        for graph in texts:
            self._check_writable(graph)
        version = uuid.uuid4().hex
        if any(changes.is_change_graph(self, g) for g in texts):
            self._write_ntriples(dict(texts), version)
        elif not self.record_changes:
            self._write_ntriples(changes.without_change_log(self, texts), version)
        else:
            with _WRITES:
                self._write_ntriples(changes.with_change_log(self, texts, version), version)

    @abc.abstractmethod
    def _write_ntriples(self, texts: dict[URIRef, str], version: str) -> None:
        """The backend's one atomic update: drop each graph, insert its text, set ``version``
        as the data version (the change log's events carry the same id)."""

    @abc.abstractmethod
    def drop_graph(self, graph: URIRef) -> bool:
        """Remove a named graph atomically; return whether it existed.

        A backend's own method only runs for graphs outside the public default graph: see
        ``__init_subclass__``.
        """

    def load_graph(self, graph: URIRef, data: Graph) -> None:
        """Load ``data`` into ``graph``, replacing what it held (one source = one graph)."""
        self.replace_graph(graph, data)

    # -- reads --------------------------------------------------------------------------
    @abc.abstractmethod
    def named_graphs(self) -> list[URIRef]:
        """Every named graph in the store, sorted by IRI."""

    @abc.abstractmethod
    def graph_sizes(self) -> list[GraphInfo]:
        """Every named graph with its triple count, sorted by IRI."""

    @abc.abstractmethod
    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> SelectResult:
        """Run a SELECT query; ``bindings`` bind variables (without ``?``) to RDF terms.

        Every backend binds them the same way: a ``VALUES`` block of escaped terms at the start
        of the top-level WHERE group (IRIs and literals; a blank node cannot be bound).
        """

    @abc.abstractmethod
    def ask(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> bool:
        """Run an ASK query."""

    @abc.abstractmethod
    def construct(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query and return the graph."""

    def describe(self, iri: URIRef) -> Graph:
        """The resource's concise description: DESCRIBE of one IRI, bound as a term."""
        return self.construct("DESCRIBE ?resource", {"resource": iri})

    @abc.abstractmethod
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
        """Run any query form for the public endpoint and write the answer in ``media_type``.

        The dataset follows the SPARQL protocol, restricted to public graphs: by default the
        public graphs are both the default graph (their union) and the named graphs; a
        ``default_graph``/``named_graphs`` given (``default-graph-uri``/``named-graph-uri``)
        replaces both lists, the missing one being empty, and non-public graphs in them are
        dropped (asking for one gives an empty graph). A query's own FROM is overridden.
        ``max_rows`` caps solutions or triples (``truncated`` says so); ``timeout`` is in
        seconds (only engines that can be stopped honour it fully: see IsolatedStore).
        """

    def public_dataset(
        self, default_graph: Iterable[URIRef] | None, named_graphs: Iterable[URIRef] | None
    ) -> tuple[list[URIRef], list[URIRef]]:
        """(default graphs, named graphs) of a public query, never naming a non-public graph."""
        if default_graph is None and named_graphs is None:
            public = self.public_graphs()
            return public, list(public)
        default = [g for g in default_graph or () if self.is_public(URIRef(g))]
        named = [g for g in named_graphs or () if self.is_public(URIRef(g))]
        return default, named

    @abc.abstractmethod
    def export(self, out: IO[bytes], fmt: ExportFormat = "nq", *, public_only: bool = True) -> None:
        """Write the named graphs (public ones by default) as N-Quads or TriG."""

    @abc.abstractmethod
    def data_version(self) -> str:
        """An opaque token that changes on every write (for ETags)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _recorded_drop(backend_drop: Callable[[Store, URIRef], bool]) -> Callable[..., bool]:
    """``drop_graph`` that drops a public graph as an empty replacement, change log and all
    (the same update as the backend's drop: DROP, new data version, plus the log's graphs)."""

    @functools.wraps(backend_drop)
    def drop_graph(self: Store, graph: URIRef) -> bool:
        if not self.is_public(graph):
            return backend_drop(self, graph)
        self._check_writable(graph)
        with _WRITES:
            if graph not in self.named_graphs():
                return False
            self.replace_ntriples({graph: ""})
        return True

    drop_graph._records_changes = True  # type: ignore[attr-defined]
    return drop_graph


__all__ = [
    "GRAPH_MEDIA_TYPES",
    "RESULT_MEDIA_TYPES",
    "Bindings",
    "EngineCrashed",
    "ExportFormat",
    "GraphInfo",
    "QueryRejected",
    "QueryTimeout",
    "SelectResult",
    "SerializedResult",
    "Store",
    "StoreError",
    "Term",
    "UnsupportedMediaType",
    "check_media_type",
    "media_types_for",
]
