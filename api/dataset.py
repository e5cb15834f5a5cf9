"""The RDF dataset of a query: the protocol's graph IRIs, limited to the public graphs.

Without ``default-graph-uri``/``named-graph-uri`` the store gives a query the public default
graph and only the public named graphs. Naming a graph that is not public is refused here
with a 403 (the store alone would silently drop it); naming an absent one gives an empty
graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from api.errors import ApiProblem
from store import Store


@dataclass(frozen=True)
class Dataset:
    """Graph IRIs for the engine; both None: the public graphs, as the store defines them."""

    default_graph: list[URIRef] | None
    named_graphs: list[URIRef] | None


def _checked(store: Store, iris: list[str]) -> list[URIRef]:
    out = []
    for raw in iris:
        iri = URIRef(raw.strip())
        if not raw.strip().startswith(("http://", "https://", "urn:")) or not store.is_public(iri):
            raise ApiProblem(
                f"Graphe non consultable ici : {raw[:200]}",
                f"Graph not available here: {raw[:200]}",
                status=403,
                code="graph-forbidden",
            )
        out.append(iri)
    return out


def resolve(store: Store, default_uris: list[str], named_uris: list[str]) -> Dataset:
    """The dataset the protocol asks for (SPARQL 1.1 Protocol §2.1.4), public graphs only."""
    if not default_uris and not named_uris:
        return Dataset(None, None)
    return Dataset(_checked(store, default_uris), _checked(store, named_uris))
