"""The SPARQL 1.1 Service Description of the endpoint (answered on GET without a query)."""

from __future__ import annotations

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef

from api import formats
from store import GraphInfo

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCT = Namespace("http://purl.org/dc/terms/")


def describe(endpoint: str, graphs: list[GraphInfo], *, federated: bool, row_limit: int) -> Graph:
    """sd:Service with its endpoint, language, result formats, features and public dataset."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dct", DCT)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, DCT.title, Literal("essgraph — point d'accès SPARQL", lang="fr")))
    g.add((service, DCT.title, Literal("essgraph — SPARQL endpoint", lang="en")))
    g.add(
        (
            service,
            DCT.description,
            Literal(f"Lecture seule ; au plus {row_limit} lignes par réponse.", lang="fr"),
        )
    )
    g.add(
        (
            service,
            DCT.description,
            Literal(f"Read-only; at most {row_limit} rows per answer.", lang="en"),
        )
    )
    for fmt in formats.ALL_FORMATS:
        g.add((service, SD.resultFormat, URIRef(fmt.w3c)))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add(
        (
            default,
            VOID.triples,
            Literal(sum(info.triples for info in graphs), datatype=XSD.integer),
        )
    )
    for info in graphs:
        named = BNode()
        described = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, info.iri))
        g.add((named, SD.graph, described))
        g.add((described, RDF.type, SD.Graph))
        g.add((described, VOID.triples, Literal(info.triples, datatype=XSD.integer)))
    return g


#: rdflib serialiser names for the graph formats the description is offered in.
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
