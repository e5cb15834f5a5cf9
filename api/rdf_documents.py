"""A resource's document in each format, and the headers that link the formats and pages.

Turtle, N-Triples and RDF/XML are written by Oxigraph's serialisers, which keep each literal's
lexical form as stored, the resource's own triples first. JSON-LD is
written for plain-JSON readers: one object for the resource (``doc["title"]["fr"]``), the
resources it links to embedded with their labels (``doc["usesLever"][0]["id"]``), inbound
links under ``@reverse``, compacted by pyld with the published context (given inline: nothing
is ever fetched) and pointing to that context by URL. Expanding it gives the same graph as
the other formats.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from api.errors import ApiProblem
from api.negotiation import choose
from ontology import CONTEXT_VERSION, jsonld_context
from ontology import PREFIXES as ONTOLOGY_PREFIXES
from store.terms import to_oxigraph


@dataclass(frozen=True)
class DocFormat:
    """One format of a document: its file extension, media type and accepted aliases."""

    extension: str
    media_type: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


#: In the server's order of preference: data first, HTML when a client names it (browsers).
DOC_FORMATS = (
    DocFormat("ttl", "text/turtle", ("application/x-turtle",), ("turtle",)),
    DocFormat("jsonld", "application/ld+json", ("application/json",), ("json-ld", "json")),
    DocFormat("nt", "application/n-triples", ("text/plain",), ("ntriples", "n-triples")),
    DocFormat("rdf", "application/rdf+xml", (), ("xml", "rdfxml", "rdf+xml")),
    DocFormat("html", "text/html", ("application/xhtml+xml",), ()),
)
HTML = DOC_FORMATS[-1]


def by_extension(extension: str) -> DocFormat | None:
    return next((f for f in DOC_FORMATS if f.extension == extension), None)


def split_extension(path: str) -> tuple[str, DocFormat | None]:
    """``lever/L5.1.ttl`` → (``lever/L5.1``, Turtle); no known extension → (path, None)."""
    stem, dot, extension = path.rpartition(".")
    fmt = by_extension(extension) if dot and "/" not in extension else None
    return (stem, fmt) if fmt is not None else (path, None)


def negotiate(accept: str | None, keyword: str | None) -> DocFormat:
    """The format ``?format=`` names, else the one ``Accept`` prefers; 406 when none fits."""
    if keyword:
        wanted = keyword.strip().lower()
        for fmt in DOC_FORMATS:
            if wanted in (fmt.extension, fmt.media_type, *fmt.aliases, *fmt.keywords):
                return fmt
    else:
        offers = [f.media_type for f in DOC_FORMATS] + [a for f in DOC_FORMATS for a in f.aliases]
        chosen = choose(accept, offers)
        for fmt in DOC_FORMATS:
            if chosen in (fmt.media_type, *fmt.aliases):
                return fmt
    served = ", ".join(f"{f.media_type} (format={f.extension})" for f in DOC_FORMATS)
    asked = f"format={keyword}" if keyword else f"Accept: {accept}"
    raise ApiProblem(
        f"Aucun format disponible pour {asked}. Formats d'un document : {served}.",
        f"No format available for {asked}. A document is served as: {served}.",
        status=406,
        code="not-acceptable",
        headers={"Vary": "Accept"},
        acceptable=[f.media_type for f in DOC_FORMATS],
    )


def link_header(
    doc_url: Callable[[DocFormat, int | None], str],
    canonical: str,
    current: DocFormat,
    page: int | None = None,
    pages: tuple[int, int] | None = None,
) -> str:
    """RFC 8288 ``Link``: every format of this URL, the canonical IRI, and the pages around.

    ``doc_url(fmt, page)`` gives the URL of a page in a format (page None = unpaged URL);
    ``page`` is the page asked for, ``pages`` the (page shown, last page) once known.
    """
    links = [f'<{canonical}>; rel="canonical"']
    links += [
        f'<{doc_url(fmt, page)}>; rel="alternate"; type="{fmt.media_type}"' for fmt in DOC_FORMATS
    ]
    if pages is not None:
        shown, last = pages
        links.append(f'<{doc_url(current, 1)}>; rel="first"')
        if shown > 1:
            links.append(f'<{doc_url(current, shown - 1)}>; rel="prev"')
        if shown < last:
            links.append(f'<{doc_url(current, shown + 1)}>; rel="next"')
        links.append(f'<{doc_url(current, last)}>; rel="last"')
    return ", ".join(links)


def context_url(base: str) -> str:
    """Where documents point for their context (the version makes it cacheable)."""
    return f"{base}context.jsonld?v={CONTEXT_VERSION}"


#: Prefixes of the Turtle and RDF/XML documents: the project's, and Hydra for the paging.
PREFIXES = {**ONTOLOGY_PREFIXES, "hydra": "http://www.w3.org/ns/hydra/core#"}
#: Written by Oxigraph's serialisers: they keep each literal's lexical form as stored
#: (rdflib's Turtle writer turns ``"250000"^^xsd:decimal`` into ``250000.0``).
_OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
}


def serialize(graph: Graph, fmt: DocFormat, root: URIRef, base: str) -> bytes:
    """The document in ``fmt`` (not HTML); ``root`` is the resource the document is about."""
    if fmt.extension == "jsonld":
        return jsonld_bytes(graph, root, context_url(base))
    ox_format = _OX_FORMATS[fmt.extension]
    triples = [
        _ox_triple(triple) for triple in sorted(graph, key=lambda t: _reading_order(t, root))
    ]
    body = ox.serialize(triples, format=ox_format, prefixes=PREFIXES)
    assert body is not None  # noqa: S101 - no output file given: bytes come back
    return body


def _reading_order(triple: tuple[Node, Node, Node], root: URIRef) -> tuple[object, ...]:
    """The resource's own triples first, then each other subject's together."""
    s, p, o = triple
    return (s != root, isinstance(s, BNode), _key(s), _key(p), _key(o))


def _ox_triple(triple: tuple[Node, Node, Node]) -> ox.Triple:
    s, p, o = (to_oxigraph(term) for term in triple)
    assert isinstance(s, (ox.NamedNode, ox.BlankNode)) and isinstance(p, ox.NamedNode)  # noqa: S101
    return ox.Triple(s, p, o)


# -- JSON-LD for plain-JSON readers -----------------------------------------------------------


def jsonld_bytes(graph: Graph, root: URIRef, context_iri: str) -> bytes:
    document = plain_jsonld(graph, root, context_iri)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def plain_jsonld(graph: Graph, root: URIRef, context_iri: str) -> dict[str, Any]:
    """``graph`` as one compacted JSON-LD object about ``root`` (nothing dropped)."""
    context = jsonld_context()
    expanded = _Tree(graph, root).build()
    compacted: dict[str, Any] = jsonld.compact(
        expanded, context, {"documentLoader": _no_loading, "compactToRelative": False}
    )
    compacted["@context"] = context_iri
    _links_as_objects(compacted, _id_terms(context["@context"]))
    return compacted


def _no_loading(url: str, options: object = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(
        f"remote document refused: {url}",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _id_terms(context: dict[str, Any]) -> frozenset[str]:
    """Terms whose values are IRIs (``"@type": "@id"``): written as strings by compaction."""
    return frozenset(
        key
        for key, value in context.items()
        if isinstance(value, dict) and value.get("@type") == "@id"
    )


def _links_as_objects(node: Any, id_terms: frozenset[str]) -> None:
    """A link is always an object with ``id`` (labelled or not) and ``type`` always a list,
    so readers need one path whatever the data (both forms expand to the same graph)."""
    if isinstance(node, list):
        for item in node:
            _links_as_objects(item, id_terms)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "type" and isinstance(value, str):
            node[key] = [value]  # a resource may have several types: always a list
        elif key in id_terms:
            if isinstance(value, str):
                node[key] = {"id": value}
            elif isinstance(value, list):
                node[key] = [{"id": v} if isinstance(v, str) else v for v in value]
        if key != "@context":
            _links_as_objects(node[key], id_terms)


class _Tree:
    """Expanded JSON-LD nested under the root: each node's data is written once, at its
    "home" (the first place a breadth-first walk from the root reaches it); elsewhere it is
    a reference. Inbound links of the root go under ``@reverse``; anything unreachable would
    go under ``@included`` so no triple is ever dropped."""

    def __init__(self, graph: Graph, root: URIRef) -> None:
        self.graph = graph
        self.root = root
        self.emitted: set[tuple[Node, Node, Node]] = set()
        self.built: set[Node] = set()
        self.references = Counter(o for o in graph.objects() if isinstance(o, BNode))
        self.home: dict[Node, Node] = {root: root}
        queue: list[Node] = [root]
        for node in queue:
            for _p, o in self._out(node):
                if isinstance(o, (URIRef, BNode)) and o not in self.home and self._has_data(o):
                    self.home[o] = node
                    queue.append(o)
            if node == root:
                for s, _p in sorted(graph.subject_predicates(root), key=_order):
                    if s not in self.home and self._has_data(s):
                        self.home[s] = root
                        queue.append(s)

    def _has_data(self, node: Node) -> bool:
        return (node, None, None) in self.graph

    def _out(self, node: Node) -> list[tuple[Node, Node]]:
        return sorted(self.graph.predicate_objects(node), key=_order)

    def build(self) -> dict[str, Any]:
        tree = self._node(self.root)
        left = [s for s in sorted(set(self.graph.subjects()), key=_key) if s not in self.built]
        included = [self._node(s, keep_id=True) for s in left if s not in self.built]
        included = [n for n in included if len(n) > 1]
        if included:
            tree["@included"] = included
        return tree

    def _ref(self, node: Node) -> dict[str, Any]:
        return {"@id": _id(node)}

    def _node(self, node: Node, *, keep_id: bool = False) -> dict[str, Any]:
        self.built.add(node)
        out: dict[str, Any] = {}
        if keep_id or not isinstance(node, BNode) or self.references[node] != 1:
            out["@id"] = _id(node)
        for p, o in self._out(node):
            if (node, p, o) in self.emitted:
                continue
            self.emitted.add((node, p, o))
            if p == RDF.type and isinstance(o, (URIRef, BNode)):
                out.setdefault("@type", []).append(_id(o))
            else:
                out.setdefault(str(p), []).append(self._value(node, o))
        if node == self.root:
            reverse: dict[str, list[dict[str, Any]]] = {}
            for s, p in sorted(self.graph.subject_predicates(node), key=_order):
                if (s, p, node) in self.emitted:
                    continue
                self.emitted.add((s, p, node))
                reverse.setdefault(str(p), []).append(self._linked(node, s))
            if reverse:
                out["@reverse"] = reverse
        return out

    def _value(self, parent: Node, value: Node) -> dict[str, Any]:
        if isinstance(value, Literal):
            return _literal(value)
        return self._linked(parent, value)

    def _linked(self, parent: Node, node: Node) -> dict[str, Any]:
        if self.home.get(node) == parent and node not in self.built and node != self.root:
            return self._node(node)
        return self._ref(node)


def _key(node: Node) -> tuple[str, str]:
    """A total order over terms of any kind (rdflib cannot compare a literal and an IRI)."""
    return type(node).__name__, str(node)


def _order(pair: tuple[Node, Node]) -> tuple[tuple[str, str], tuple[str, str]]:
    return _key(pair[0]), _key(pair[1])


def _id(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _literal(value: Literal) -> dict[str, Any]:
    """A value object; canonical integers and booleans become JSON numbers and booleans."""
    lexical = str(value)
    if value.language:
        return {"@value": lexical, "@language": value.language}
    datatype = value.datatype
    if datatype is None or datatype == XSD.string:
        return {"@value": lexical}
    if datatype == XSD.integer and _canonical_integer(lexical):
        return {"@value": int(lexical)}
    if datatype == XSD.boolean and lexical in ("true", "false"):
        return {"@value": lexical == "true"}
    return {"@value": lexical, "@type": str(datatype)}


def _canonical_integer(lexical: str) -> bool:
    try:
        return str(int(lexical)) == lexical
    except ValueError:
        return False
