"""What a resource's linked-data document holds, read from the store's public default graph.

One document per resource and page: the resource's concise bounded description (its triples
and the blank nodes they lead to, e.g. ``prov:qualifiedDerivation`` nodes), the types and
labels of the instances it links to, and its inbound links ``?s ?p <iri>`` in pages of
``PAGE_SIZE`` (stable order), described with Hydra so nothing is cut silently: the document
is a ``hydra:Collection`` of those links with ``hydra:totalItems`` and a
``hydra:PartialCollectionView`` pointing to the first, previous, next and last pages. Every
read goes through the public default graph; staging, private and system graphs never show.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from ontology import bind_prefixes
from store import Store
from store.change_events import ResourceStatus, resource_status

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
#: Inbound links per page: a concept used by thousands of practices is read in pages.
PAGE_SIZE = 200

#: The properties that name or type a linked resource (shown next to the link).
_LABELS = """
VALUES ?lp {
  <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>
  <http://www.w3.org/2004/02/skos/core#prefLabel>
  <http://purl.org/dc/terms/title>
  <http://www.w3.org/2000/01/rdf-schema#label>
}"""

_EXISTS = "ASK WHERE { { ?r ?p ?o } UNION { ?s ?p ?r } }"
_LINKED_LABELS = f"""
CONSTRUCT {{ ?o ?lp ?v }} WHERE {{
  {{ ?r ?p ?o }} UNION {{ ?r ?p ?b . FILTER(isBlank(?b)) ?b ?q ?o }}
  FILTER(isIRI(?o) && ?o != ?r && STRSTARTS(STR(?o), ?prefix))
  {_LABELS}
  ?o ?lp ?v
}}"""
_INBOUND_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?r FILTER(isIRI(?s)) }"
_INBOUND_PAGE = "SELECT ?s ?p WHERE { ?s ?p ?r FILTER(isIRI(?s)) } ORDER BY ?s ?p"
_INBOUND_LABELS = f"""
CONSTRUCT {{ ?s ?lp ?v }} WHERE {{
  ?s ?p ?r FILTER(isIRI(?s) && STR(?s) >= ?low && STR(?s) <= ?high)
  {_LABELS}
  ?s ?lp ?v
}}"""


class PageOutOfRange(Exception):
    """The asked page is past the last page of the resource's inbound links."""

    def __init__(self, page: int, last: int) -> None:
        super().__init__(f"page {page} > {last}")
        self.page = page
        self.last = last


@dataclass(frozen=True)
class Description:
    """One page of a resource's document: its graph and where it sits among the pages."""

    iri: URIRef
    document: URIRef
    graph: Graph
    page: int
    last_page: int
    inbound_total: int

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.last_page else None


def status(store: Store, iri: URIRef) -> ResourceStatus:
    """When the resource last changed and whether it was withdrawn (the change log)."""
    return resource_status(store, iri)


def is_graph_iri(store: Store, iri: URIRef) -> bool:
    return str(iri).startswith(f"{store.base}graph/")


def exists(store: Store, iri: URIRef) -> bool:
    """Whether the public data knows ``iri``: a public named graph, or a subject or object
    of the public default graph (a resource only in a private graph does not exist here)."""
    if is_graph_iri(store, iri):
        return store.is_public(iri) and iri in store.named_graphs()
    return store.ask(_EXISTS, {"r": iri})


def page_iri(document: URIRef, page: int) -> URIRef:
    return URIRef(f"{document}?page={page}")


def describe(store: Store, iri: URIRef, document: URIRef, page: int = 1) -> Description:
    """The document of ``iri`` (its IRI ``document``), page ``page`` of its inbound links.

    Raises PageOutOfRange past the last page (page 1 always exists).
    """
    total = int(store.select(_INBOUND_COUNT, {"r": iri}).rows[0]["n"])
    last = max(1, math.ceil(total / PAGE_SIZE))
    if page > last:
        raise PageOutOfRange(page, last)
    graph = bind_prefixes(Graph())
    graph.bind("hydra", str(HYDRA))
    graph += store.describe(iri)
    graph += store.construct(_LINKED_LABELS, {"r": iri, "prefix": Literal(f"{store.base}id/")})
    if is_graph_iri(store, iri):
        _graph_facts(store, iri, graph)
    window = f"{_INBOUND_PAGE} LIMIT {int(PAGE_SIZE)} OFFSET {int((page - 1) * PAGE_SIZE)}"
    rows = store.select(window, {"r": iri}).rows
    for row in rows:
        graph.add((row["s"], row["p"], iri))
    if rows:
        bounds = {"low": Literal(str(rows[0]["s"])), "high": Literal(str(rows[-1]["s"]))}
        graph += store.construct(_INBOUND_LABELS, {"r": iri, **bounds})
    _hydra(graph, iri, document, page, last, total)
    return Description(iri, document, graph, page, last, total)


def _graph_facts(store: Store, iri: URIRef, graph: Graph) -> None:
    """A named graph's document says it is a dataset and how many triples it holds."""
    sizes = {info.iri: info.triples for info in store.graph_sizes()}
    graph.add((iri, RDF.type, VOID.Dataset))
    graph.add((iri, VOID.triples, Literal(sizes.get(iri, 0), datatype=XSD.integer)))


def _hydra(graph: Graph, iri: URIRef, document: URIRef, page: int, last: int, total: int) -> None:
    view = page_iri(document, page)
    graph.add((iri, FOAF.isPrimaryTopicOf, document))
    graph.add((document, RDF.type, HYDRA.Collection))
    graph.add((document, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((document, HYDRA.view, view))
    graph.add((view, RDF.type, HYDRA.PartialCollectionView))
    graph.add((view, HYDRA.first, page_iri(document, 1)))
    graph.add((view, HYDRA.last, page_iri(document, last)))
    if page > 1:
        graph.add((view, HYDRA.previous, page_iri(document, page - 1)))
    if page < last:
        graph.add((view, HYDRA.next, page_iri(document, page + 1)))


def tombstone(iri: URIRef, withdrawn_at: object) -> Graph:
    """What a withdrawn resource's document still says: when it was withdrawn."""
    graph = bind_prefixes(Graph())
    graph.add((iri, PROV.invalidatedAtTime, Literal(withdrawn_at, datatype=XSD.dateTime)))
    return graph
