"""A small graph for the discovery tests, whose expected answers can be worked out by hand,
and an app serving it with the discovery router (imported by name: tests are not a package).

Collectivities: Rives (métropole, region 84), Clos (commune, 11), Lys (métropole, 11; its ESS
policy declares 2 FTE). Practices, with their own concepts:
  rives/recyclerie  T3.1, L5.1 (under L5), 2018, budget, partner ressourcerie, M2
  rives/cantine     T3.2, L5.2 (under L5), 2020, title starting with "=" (CSV injection)
  clos/atelier      T3.1, L2.1, 2021, partner ressourcerie
  lys/accueil       T1.1, L5.3 (under L5), 2015, M2
  lys/reemploi      T3.1, L5, no year
"""

from __future__ import annotations

from fastapi import FastAPI
from rdflib import Graph

from api.app import create_app
from essgraph.settings import Settings
from ontology import ontology_graph, thesauri_graph
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
SMALL = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/collectivity/rives> a ess:Collectivity ; skos:prefLabel "Métropole des Rives"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> ; ess:region <id/region/84> .
<id/collectivity/clos> a ess:Collectivity ; skos:prefLabel "Commune du Clos"@fr ;
    ess:collectivityKind <id/collectivity-kind/commune> ; ess:region <id/region/11> .
<id/collectivity/lys> a ess:Collectivity ; skos:prefLabel "Métropole du Lys"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> ; ess:region <id/region/11> .
<id/policy/lys/2021> a ess:EssPolicy ; ess:policyOf <id/collectivity/lys> ;
    ess:referenceYear "2021"^^xsd:gYear ; ess:dedicatedStaff 2.0 .
<id/partner/ressourcerie> a ess:Partner ; skos:prefLabel "Réseau des ressourceries"@fr .

<id/practice/rives/recyclerie> a ess:Practice ; dct:title "Recyclerie des Rives"@fr ;
    dct:title "Riverside recycling centre"@en ;
    dct:description "Réemploi des objets et économie circulaire."@fr ;
    ess:implementedBy <id/collectivity/rives> ; ess:addressesTheme <id/theme/T3.1> ;
    ess:usesLever <id/lever/L5.1> ; ess:modeOfAction <id/mode/M2> ;
    ess:startYear "2018"^^xsd:gYear ; ess:dedicatedBudget 80000.0 ;
    ess:hasPartner <id/partner/ressourcerie> .
<id/practice/rives/cantine> a ess:Practice ; dct:title "=SOMME(1;2) cantine bio"@fr ;
    dct:description "-Des repas locaux dans les cantines."@fr ;
    ess:implementedBy <id/collectivity/rives> ; ess:addressesTheme <id/theme/T3.2> ;
    ess:usesLever <id/lever/L5.2> ; ess:startYear "2020"^^xsd:gYear .
<id/practice/clos/atelier> a ess:Practice ; dct:title "Atelier vélo"@fr ;
    dct:description "Réparer plutôt que jeter : un atelier d'économie circulaire."@fr ;
    ess:implementedBy <id/collectivity/clos> ; ess:addressesTheme <id/theme/T3.1> ;
    ess:usesLever <id/lever/L2.1> ; ess:startYear "2021"^^xsd:gYear ;
    ess:hasPartner <id/partner/ressourcerie> .
<id/practice/lys/accueil> a ess:Practice ; dct:title "Accueil des porteurs de projets"@fr ;
    dct:description "Un guichet unique pour créer son activité."@fr ;
    ess:implementedBy <id/collectivity/lys> ; ess:addressesTheme <id/theme/T1.1> ;
    ess:usesLever <id/lever/L5.3> ; ess:modeOfAction <id/mode/M2> ;
    ess:startYear "2015"^^xsd:gYear .
<id/practice/lys/reemploi> a ess:Practice ; dct:title "Économie circulaire et achats"@fr ;
    dct:description "Des achats publics de biens de réemploi."@fr ;
    ess:implementedBy <id/collectivity/lys> ; ess:addressesTheme <id/theme/T3.1> ;
    ess:usesLever <id/lever/L5> .
"""


def practice(key: str) -> str:
    return f"{BASE}id/practice/{key}"


def small_graph(turtle: str = SMALL) -> Graph:
    graph = Graph()
    graph.parse(data=turtle, format="turtle", publicID=BASE)
    return graph


def small_store(turtle: str = SMALL, source: str = "small") -> EmbeddedStore:
    """The vocabularies and a small graph (this module's unless given), in memory."""
    store = EmbeddedStore(BASE)
    store.replace_graphs(
        {
            store.graph_iri("ontology"): ontology_graph(),
            store.graph_iri("thesauri"): thesauri_graph(BASE),
            store.graph_iri(f"source/{source}"): small_graph(turtle),
        }
    )
    return store


def discovery_app(store: EmbeddedStore, settings: Settings | None = None) -> FastAPI:
    """The whole app (with its discovery routes) over ``store``."""
    return create_app(settings or Settings(store="memory"), store)
