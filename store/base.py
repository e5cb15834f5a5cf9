"""The `Store` interface every backend implements, and the neutral result types.

Results use rdflib terms as the lingua franca so callers never depend on a backend's own
term classes. Parameters are bound as RDF terms by each backend (never spliced as text).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Literal

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral

from .errors import StoreError

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
class GraphInfo:
    """One named graph and its size."""

    iri: URIRef
    triples: int


class Store(abc.ABC):
    """A quad store holding essgraph's named graphs (see docs/model.md, "Named graphs").

    Writes are whole-graph operations, each atomic, each changing `data_version()`.
    Queries see the *public default graph* (the union of published graphs) unless
    ``default_graph`` is given; ``GRAPH`` patterns see every named graph.
    """

    def __init__(self, base: str) -> None:
        self.base = base

    # -- graph layout -------------------------------------------------------------------
    def graph_iri(self, name: str) -> URIRef:
        """`{BASE}graph/{name}`, e.g. ``graph_iri("source/demo")``."""
        return URIRef(f"{self.base}graph/{name}")

    @property
    def system_graph(self) -> URIRef:
        return self.graph_iri("system")

    def is_public(self, graph: URIRef) -> bool:
        """Whether a named graph belongs to the public default graph.

        Not public: the system graph, submissions under review (``graph/staging/…``) and
        personal data kept for curators only (``graph/private/…``).
        """
        hidden = (f"{self.base}graph/staging/", f"{self.base}graph/private/")
        return graph != self.system_graph and not str(graph).startswith(hidden)

    def public_graphs(self) -> list[URIRef]:
        return [g for g in self.named_graphs() if self.is_public(g)]

    # -- writes -------------------------------------------------------------------------
    def replace_graph(self, graph: URIRef, data: Graph) -> None:
        """Make ``graph`` hold exactly ``data``, atomically (readers see old or new)."""
        self.replace_graphs({graph: data})

    @abc.abstractmethod
    def replace_graphs(self, graphs: Mapping[URIRef, Graph]) -> None:
        """Replace several graphs in one atomic write (an ingest batch spanning files).

        An empty graph in ``graphs`` removes that graph. All or nothing, one version change.
        """

    @abc.abstractmethod
    def drop_graph(self, graph: URIRef) -> bool:
        """Remove a named graph atomically; return whether it existed."""

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


__all__ = ["Bindings", "ExportFormat", "GraphInfo", "SelectResult", "Store", "StoreError", "Term"]
