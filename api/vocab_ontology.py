"""What the ontology page shows, read from ``ess.ttl``: its metadata, then every class and
property of the ``ess:`` namespace with labels, definitions and links between them.

Each term's section is anchored by its local name, so the term IRI
``https://w3id.org/essgraph/ontology#Practice`` lands on ``/ontology#Practice``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from api.i18n import Lang
from api.vocab_common import TEXT, Item, curie, exactly_in, fold, other, term_item, text_in
from ontology import ESS, ONTOLOGY_IRI, ontology_graph

VANN = Namespace("http://purl.org/vocab/vann/")
PAGE = "/ontology"
ONTOLOGY = URIRef(ONTOLOGY_IRI)

#: Alignment properties shown on a term, in this order.
ALIGNMENTS = (
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    RDFS.seeAlso,
)

_PROPERTY_KINDS = {
    OWL.ObjectProperty: ("propriété d'objet", "object property"),
    OWL.DatatypeProperty: ("propriété de données", "datatype property"),
    OWL.FunctionalProperty: ("fonctionnelle", "functional"),
    OWL.InverseFunctionalProperty: ("fonctionnelle inverse", "inverse functional"),
    OWL.TransitiveProperty: ("transitive", "transitive"),
    OWL.SymmetricProperty: ("symétrique", "symmetric"),
    OWL.AnnotationProperty: ("propriété d'annotation", "annotation property"),
    RDF.Property: ("propriété", "property"),
}


@dataclass
class Term:
    """One class or property as the page shows it."""

    id: str
    iri: str
    label: str
    other_label: str | None
    definition: str | None
    comment: str | None
    kinds: list[str] = field(default_factory=list)
    super: list[Item] = field(default_factory=list)
    sub: list[Item] = field(default_factory=list)
    alignments: list[tuple[str, list[Item]]] = field(default_factory=list)
    domain_of: list[Item] = field(default_factory=list)
    range_of: list[Item] = field(default_factory=list)
    domain: list[Item] = field(default_factory=list)
    range: list[Item] = field(default_factory=list)
    inverse: list[Item] = field(default_factory=list)


@dataclass
class OntologyDoc:
    iri: str
    title: str
    description: str | None
    metadata: list[tuple[str, list[Item]]]
    classes: list[Term]
    properties: list[Term]


def _local(iri: Node) -> str | None:
    text = str(iri)
    return text[len(str(ESS)) :] if isinstance(iri, URIRef) and text.startswith(str(ESS)) else None


def _members(graph: Graph, node: Node) -> list[Node]:
    """A class expression's named classes: itself, or the members of its ``owl:unionOf``."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        if union is not None:
            return list(Collection(graph, union))
        return []
    return [node]


def _expression(graph: Graph, nodes: list[Node], lang: Lang) -> list[Item]:
    """Domain or range: one or more classes (a union reads « A ou B », several statements
    « A et B », as OWL means them)."""
    items: list[Item] = []
    for index, node in enumerate(sorted(nodes, key=str)):
        if index:
            items.append(Item(f" {TEXT[lang]['and']} "))
        members = _members(graph, node)
        for position, member in enumerate(members):
            if position:
                items.append(Item(f" {TEXT[lang]['or']} "))
            items.append(term_item(member, PAGE, lang, label=True))
    return items


def _refs(nodes: list[Node], lang: Lang) -> list[Item]:
    items = [term_item(n, PAGE, lang, label=True) for n in set(nodes)]
    return sorted(items, key=lambda item: (item.code, fold(item.text)))


def _term(graph: Graph, iri: URIRef, local: str, lang: Lang) -> Term:
    return Term(
        id=local,
        iri=str(iri),
        label=text_in(graph, iri, RDFS.label, lang) or local,
        other_label=exactly_in(graph, iri, RDFS.label, other(lang)),
        definition=text_in(graph, iri, SKOS.definition, lang),
        comment=text_in(graph, iri, RDFS.comment, lang),
    )


def _alignments(graph: Graph, iri: URIRef, lang: Lang) -> list[tuple[str, list[Item]]]:
    found = []
    for predicate in ALIGNMENTS:
        targets = list(graph.objects(iri, predicate))
        if targets:
            found.append((curie(str(predicate)), _refs(targets, lang)))
    return found


def _classes(graph: Graph, lang: Lang) -> list[Term]:
    terms = []
    for iri in set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDF.type, RDFS.Class)):
        local = _local(iri)
        if local is None:
            continue
        assert isinstance(iri, URIRef)  # noqa: S101 - _local only accepts IRIs
        term = _term(graph, iri, local, lang)
        term.super = _refs(list(graph.objects(iri, RDFS.subClassOf)), lang)
        term.sub = _refs(list(graph.subjects(RDFS.subClassOf, iri)), lang)
        term.alignments = _alignments(graph, iri, lang)
        term.domain_of = _refs(_with(graph, RDFS.domain, iri), lang)
        term.range_of = _refs(_with(graph, RDFS.range, iri), lang)
        terms.append(term)
    return sorted(terms, key=lambda t: fold(t.label))


def _with(graph: Graph, predicate: URIRef, cls: URIRef) -> list[Node]:
    """Properties whose domain (or range) is ``cls`` or a union naming it."""
    return [p for p, value in graph.subject_objects(predicate) if cls in _members(graph, value)]


def _properties(graph: Graph, lang: Lang) -> list[Term]:
    terms = []
    kinds = set(_PROPERTY_KINDS) - {OWL.FunctionalProperty, OWL.InverseFunctionalProperty}
    candidates = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    for iri in candidates:
        local = _local(iri)
        if local is None:
            continue
        assert isinstance(iri, URIRef)  # noqa: S101 - _local only accepts IRIs
        term = _term(graph, iri, local, lang)
        index = 0 if lang == "fr" else 1
        term.kinds = [
            names[index]
            for kind, names in _PROPERTY_KINDS.items()
            if (iri, RDF.type, kind) in graph
        ]
        term.domain = _expression(graph, list(graph.objects(iri, RDFS.domain)), lang)
        term.range = _expression(graph, list(graph.objects(iri, RDFS.range)), lang)
        term.super = _refs(list(graph.objects(iri, RDFS.subPropertyOf)), lang)
        term.sub = _refs(list(graph.subjects(RDFS.subPropertyOf, iri)), lang)
        inverse = set(graph.objects(iri, OWL.inverseOf)) | set(graph.subjects(OWL.inverseOf, iri))
        term.inverse = _refs(list(inverse), lang)
        term.alignments = _alignments(graph, iri, lang)
        terms.append(term)
    return sorted(terms, key=lambda t: fold(t.label))


def _metadata(graph: Graph, lang: Lang) -> list[tuple[str, list[Item]]]:
    t = TEXT[lang]
    rows: list[tuple[str, list[Item]]] = [(t["iri"], [Item(ONTOLOGY_IRI, code=True)])]
    version = graph.value(ONTOLOGY, OWL.versionInfo)
    if version is not None:
        rows.append((t["version"], [Item(str(version))]))
    version_iri = graph.value(ONTOLOGY, OWL.versionIRI)
    if version_iri is not None:
        local = "/ontology" + str(version_iri)[len(ONTOLOGY_IRI) :]
        rows.append((t["version_iri"], [Item(str(version_iri), href=local, code=True)]))
    licences = sorted(graph.objects(ONTOLOGY, DCTERMS.license), key=str)
    rows.append(
        (
            t["licence"],
            [Item(str(x), href=str(x) if isinstance(x, URIRef) else None) for x in licences]
            or [Item(t["licence_none"])],
        )
    )
    creators = sorted(graph.objects(ONTOLOGY, DCTERMS.creator), key=str)
    if creators:
        rows.append((t["creators"], [Item(str(c)) for c in creators]))
    created = graph.value(ONTOLOGY, DCTERMS.created)
    if created is not None:
        rows.append((t["created"], [Item(str(created))]))
    source = text_in(graph, ONTOLOGY, DCTERMS.source, lang)
    if source:
        rows.append((t["source"], [Item(source)]))
    prefix = graph.value(ONTOLOGY, VANN.preferredNamespacePrefix)
    namespace = graph.value(ONTOLOGY, VANN.preferredNamespaceUri)
    if prefix is not None and namespace is not None:
        rows.append((t["prefix"], [Item(f"{prefix}: <{namespace}>", code=True)]))
    see_also = sorted(graph.objects(ONTOLOGY, RDFS.seeAlso), key=str)
    if see_also:
        rows.append((t["see_also"], [Item(str(s), href=str(s), code=True) for s in see_also]))
    return rows


@cache
def ontology_doc(lang: Lang) -> OntologyDoc:
    """The page's content in ``lang`` (cached: the ontology is package data)."""
    graph = ontology_graph()
    return OntologyDoc(
        iri=ONTOLOGY_IRI,
        title=text_in(graph, ONTOLOGY, DCTERMS.title, lang) or TEXT[lang]["ontology_title"],
        description=text_in(graph, ONTOLOGY, DCTERMS.description, lang),
        metadata=_metadata(graph, lang),
        classes=_classes(graph, lang),
        properties=_properties(graph, lang),
    )


def versions() -> list[str]:
    """The versions ``/ontology/{version}`` answers: the one this package holds."""
    graph = ontology_graph()
    found = {str(v) for v in graph.objects(ONTOLOGY, OWL.versionInfo)}
    for version_iri in graph.objects(ONTOLOGY, OWL.versionIRI):
        found.add(str(version_iri).rsplit("/", 1)[-1])
    return sorted(found)
