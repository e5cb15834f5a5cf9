"""A small graph for the similar-practice and comparison tests, whose scores are worked out
by hand, and the app serving it with the comparison routes (imported by name: tests are not a
package)."""

from __future__ import annotations

from collections.abc import Iterator

from api_helpers import AsgiClient
from fastapi import FastAPI
from rdflib import Graph

from api.app import create_app
from essgraph.settings import Settings
from ontology import ontology_graph, thesauri_graph
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
#: Five practices of three collectivities. Closures and document frequencies (N = 5):
#: L5.1 2, L5 4, L5.2 1, T3.1 3, T3 4, T3.2 1; idf = ln(1 + N / df).
HAND = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/collectivity/a> a ess:Collectivity ; skos:prefLabel "Métropole A"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> ; ess:region <id/region/84> ;
    ess:population 100000 .
<id/collectivity/b> a ess:Collectivity ; skos:prefLabel "Métropole B"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> ; ess:region <id/region/11> .
<id/collectivity/c> a ess:Collectivity ; skos:prefLabel "Commune C"@fr ;
    ess:collectivityKind <id/collectivity-kind/commune> ; ess:region <id/region/11> .
<id/collectivity/d> a ess:Collectivity ; skos:prefLabel "Métropole D"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> .

<id/policy/a/2021> a ess:EssPolicy ; ess:policyOf <id/collectivity/a> ;
    ess:referenceYear "2021"^^xsd:gYear ; ess:dedicatedBudget 250000.0 ;
    ess:dedicatedStaff 2.5 ; ess:hasEssDelegation true ;
    ess:electedOfficialPost <id/post/a/ess> ;
    ess:usesLever <id/lever/L2.1> ; ess:addressesTheme <id/theme/T3.1> .
<id/post/a/ess> a ess:ElectedOfficialPost ; ess:delegationTitle "Adjointe à l'ESS"@fr .
<id/policy/b/2021> a ess:EssPolicy ; ess:policyOf <id/collectivity/b> ;
    ess:referenceYear "2021"^^xsd:gYear ; ess:dedicatedBudget 100000.0 ;
    ess:hasEssDelegation false .
<id/policy/d/2021> a ess:EssPolicy ; ess:policyOf <id/collectivity/d> ;
    ess:referenceYear "2021"^^xsd:gYear ; ess:usesLever <id/lever/L2.1> .

<id/practice/a/recyclerie> a ess:Practice ; dct:title "Recyclerie du Rivage"@fr ;
    dct:description "Réemploi des objets."@fr ; ess:implementedBy <id/collectivity/a> ;
    ess:usesLever <id/lever/L5.1> ; ess:addressesTheme <id/theme/T3.1> .
<id/practice/a/accueil> a ess:Practice ; dct:title "Accueil"@fr ;
    dct:description "Guichet unique."@fr ; ess:implementedBy <id/collectivity/a> ;
    ess:usesLever <id/lever/L2.1> ; ess:addressesTheme <id/theme/T1.1> .
<id/practice/b/ressourcerie> a ess:Practice ; dct:title "Ressourcerie"@fr ;
    dct:description "Réemploi des objets du quotidien."@fr ;
    ess:implementedBy <id/collectivity/b> ;
    ess:usesLever <id/lever/L5.1> ; ess:addressesTheme <id/theme/T3.1> .
<id/practice/b/cantine> a ess:Practice ; dct:title "Cantine bio"@fr ;
    dct:description "Repas locaux."@fr ; ess:implementedBy <id/collectivity/b> ;
    ess:usesLever <id/lever/L5.2> ; ess:addressesTheme <id/theme/T3.2> .
<id/practice/c/atelier> a ess:Practice ; dct:title "Atelier vélo"@fr ;
    dct:description "Réparation de cycles."@fr ; ess:implementedBy <id/collectivity/c> ;
    ess:usesLever <id/lever/L5> ; ess:addressesTheme <id/theme/T3.1> .
"""


def hand_store() -> EmbeddedStore:
    graph = Graph()
    graph.parse(data=HAND, format="turtle", publicID=BASE)
    store = EmbeddedStore(BASE)
    store.replace_graphs(
        {
            store.graph_iri("ontology"): ontology_graph(),
            store.graph_iri("thesauri"): thesauri_graph(BASE),
            store.graph_iri("source/hand"): graph,
        }
    )
    return store


def app_over(store: EmbeddedStore) -> FastAPI:
    """The whole app (with its comparison routes) over ``store``."""
    return create_app(Settings(store="memory"), store)


def client_over(store: EmbeddedStore) -> Iterator[AsgiClient]:
    """An in-process client of the whole app over ``store``; both closed at the end."""
    client = AsgiClient(app_over(store))
    yield client
    client.close()
    store.close()
