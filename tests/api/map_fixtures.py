"""A small graph for the map tests (imported by name: tests are not a package), and the app
serving it.

Collectivities, and what the map must make of them:
  nantes-cu   coordinates stated in the graph (geo:lat 47.2184, geo:long -1.5536), 2 practices
  215903501   real commune: SIREN and name "Lille" agree with the official list → GeoNames
  200046977   real EPCI "Métropole de Lyon" → its most populous member commune, Lyon
  219740115   real commune Saint-Denis (La Réunion) → the Réunion inset
  rives       Bordeaux Métropole's real SIREN under a made-up name → never placed
  200012342   fictional "Métropole de Bellerive" (the demo's SIREN) → not in the list
  sans-siren  no SIREN, no coordinates
  faux        geo:lat that is not a number → invalid coordinates
  noumea      coordinates outside every frame → in the GeoJSON, listed, not drawn
"""

from __future__ import annotations

import discovery_data
from fastapi import FastAPI

from api.app import create_app
from essgraph.settings import Settings
from store import Store
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
SMALL = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<id/collectivity/nantes-cu> a ess:Collectivity ; skos:prefLabel "Communauté de l'Estuaire"@fr ;
    ess:collectivityKind <id/collectivity-kind/communaute-urbaine> ;
    geo:lat "47.2184"^^xsd:decimal ; geo:long "-1.5536"^^xsd:decimal .
<id/collectivity/215903501> a ess:Collectivity ; skos:prefLabel "Lille"@fr ;
    ess:siren "215903501" ; ess:collectivityKind <id/collectivity-kind/commune> .
<id/collectivity/200046977> a ess:Collectivity ; skos:prefLabel "Grand Lyon"@fr ;
    skos:altLabel "Métropole de Lyon"@fr ; ess:siren "200046977" ;
    ess:collectivityKind <id/collectivity-kind/metropole-statut-particulier> .
<id/collectivity/219740115> a ess:Collectivity ; skos:prefLabel "Ville de Saint-Denis"@fr ;
    ess:siren "219740115" ; ess:collectivityKind <id/collectivity-kind/commune> .
<id/collectivity/rives> a ess:Collectivity ; skos:prefLabel "Métropole des Rives"@fr ;
    ess:siren "243300316" ; ess:collectivityKind <id/collectivity-kind/metropole> .
<id/collectivity/200012342> a ess:Collectivity ; skos:prefLabel "Métropole de Bellerive"@fr ;
    ess:siren "200012342" ; ess:collectivityKind <id/collectivity-kind/metropole> .
<id/collectivity/sans-siren> a ess:Collectivity ; skos:prefLabel "Pays sans SIREN"@fr ;
    ess:collectivityKind <id/collectivity-kind/communaute-agglomeration> .
<id/collectivity/faux> a ess:Collectivity ; skos:prefLabel "Coordonnées fausses"@fr ;
    ess:collectivityKind <id/collectivity-kind/commune> ; geo:lat "nord" ; geo:long "2.0" .
<id/collectivity/noumea> a ess:Collectivity ; skos:prefLabel "Commune du Pacifique"@fr ;
    ess:collectivityKind <id/collectivity-kind/commune> ;
    geo:lat "-22.27"^^xsd:decimal ; geo:long "166.45"^^xsd:decimal .

<id/practice/nantes-cu/a> a ess:Practice ; dct:title "Recyclerie"@fr ;
    dct:description "Réemploi."@fr ; ess:implementedBy <id/collectivity/nantes-cu> .
<id/practice/nantes-cu/b> a ess:Practice ; dct:title "Cantine"@fr ;
    dct:description "Repas."@fr ; ess:implementedBy <id/collectivity/nantes-cu> .
<id/practice/200046977/a> a ess:Practice ; dct:title "Accueil"@fr ;
    dct:description "Guichet."@fr ; ess:implementedBy <id/collectivity/200046977> .
"""


def iri(key: str) -> str:
    return f"{BASE}id/collectivity/{key}"


def small_store() -> EmbeddedStore:
    """The vocabularies and this module's graph, in memory."""
    return discovery_data.small_store(SMALL, "map")


def map_app(store: Store) -> FastAPI:
    """The whole app over ``store``."""
    return create_app(Settings(store="memory"), store)
