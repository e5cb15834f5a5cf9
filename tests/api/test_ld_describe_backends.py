"""A resource's document is the same graph on every store backend (embedded in memory and on
disk, the isolated worker, a real Oxigraph server), and never holds private data."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from api.describe import describe, exists
from store import Store

BASE = "https://w3id.org/essgraph/"
PREFIXES = f"""
@base <{BASE}> .
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""
SOURCE = """
<id/practice/c1/p1> a ess:Practice ; dct:title "P1"@fr ;
    ess:usesLever <id/lever/L1> ; ess:implementedBy <id/collectivity/c1> ;
    prov:wasDerivedFrom <id/response/s/1> ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity <id/response/s/1> ;
        ess:rawValue "P1" ; ess:sourceRow 1 ] .
<id/practice/c1/p2> a ess:Practice ; dct:title "P2"@fr ; ess:adaptedFrom <id/practice/c1/p1> .
<id/collectivity/c1> a ess:Collectivity ; skos:prefLabel "Ville 1"@fr ; ess:siren "200012342" .
<id/response/s/1> a ess:SurveyResponse ; ess:responseId "1" .
"""
THESAURI = """
<id/lever/L1> a skos:Concept, ess:Lever ; skos:prefLabel "Levier"@fr, "Lever"@en ;
    skos:notation "L1" .
"""
PRIVATE = """
<id/response/s/1> prov:wasAttributedTo <id/response/s/1/respondent> .
<id/response/s/1/respondent> a schema:Person ; schema:email "secret@example.org" ;
    skos:prefLabel "Secret"@fr .
<id/practice/c1/p1> dct:title "Titre privé"@fr .
"""
EXPECTED = """
<id/practice/c1/p1> a ess:Practice ; dct:title "P1"@fr ;
    ess:usesLever <id/lever/L1> ; ess:implementedBy <id/collectivity/c1> ;
    prov:wasDerivedFrom <id/response/s/1> ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity <id/response/s/1> ;
        ess:rawValue "P1" ; ess:sourceRow 1 ] ;
    foaf:isPrimaryTopicOf <doc/practice/c1/p1> .
<id/lever/L1> a skos:Concept, ess:Lever ; skos:prefLabel "Levier"@fr, "Lever"@en .
<id/collectivity/c1> a ess:Collectivity ; skos:prefLabel "Ville 1"@fr .
<id/response/s/1> a ess:SurveyResponse .
<id/practice/c1/p2> a ess:Practice ; dct:title "P2"@fr ; ess:adaptedFrom <id/practice/c1/p1> .
<doc/practice/c1/p1> a hydra:Collection ; hydra:totalItems 1 ;
    hydra:view <doc/practice/c1/p1?page=1> .
<doc/practice/c1/p1?page=1> a hydra:PartialCollectionView ;
    hydra:first <doc/practice/c1/p1?page=1> ; hydra:last <doc/practice/c1/p1?page=1> .
"""


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def test_document_is_the_same_on_every_backend(store: Store) -> None:
    store.replace_graphs(
        {
            store.graph_iri("source/s"): turtle(SOURCE),
            store.graph_iri("thesauri"): turtle(THESAURI),
            store.graph_iri("private/source/s"): turtle(PRIVATE),
        }
    )
    practice = URIRef(f"{BASE}id/practice/c1/p1")
    described = describe(store, practice, URIRef(f"{BASE}doc/practice/c1/p1"))
    assert isomorphic(described.graph, turtle(EXPECTED))
    assert described.inbound_total == 1 and described.last_page == 1
    assert exists(store, practice)
    assert not exists(store, URIRef(f"{BASE}id/response/s/1/respondent"))
    assert exists(store, store.graph_iri("source/s"))
    assert not exists(store, store.graph_iri("private/source/s"))
    assert not exists(store, store.graph_iri("system"))
