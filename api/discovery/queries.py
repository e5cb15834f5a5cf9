"""The SELECTs the facet snapshot is read with, once per data version (no request values:
nothing from a request ever enters these texts)."""

from __future__ import annotations

from ontology import sparql_prefixes

_PREFIXES = sparql_prefixes("ess", "dct", "skos")
PRACTICES = (
    _PREFIXES
    + """
SELECT ?p ?title ?collectivity ?year ?budget WHERE {
  ?p a ess:Practice .
  OPTIONAL { ?p dct:title ?title }
  OPTIONAL { ?p ess:implementedBy ?collectivity }
  OPTIONAL { ?p ess:startYear ?year }
  OPTIONAL { ?p ess:dedicatedBudget ?budget }
}"""
)
MEMBERSHIPS = (
    _PREFIXES
    + """
SELECT DISTINCT ?p ?facet ?v WHERE {
  ?p a ess:Practice .
  { ?p ess:usesLever/skos:broader* ?v . BIND("lever" AS ?facet) }
  UNION { ?p ess:addressesTheme/skos:broader* ?v . BIND("theme" AS ?facet) }
  UNION { ?p ess:modeOfAction ?v . BIND("mode" AS ?facet) }
  UNION { ?p ess:implementedBy/ess:collectivityKind ?v . BIND("kind" AS ?facet) }
  UNION { ?p ess:implementedBy/ess:region ?v . BIND("region" AS ?facet) }
  UNION { ?p ess:hasPartner ?v . BIND("partner" AS ?facet) }
  UNION {
    ?p ess:implementedBy ?c . ?policy ess:policyOf ?c ; ess:dedicatedStaff ?staff .
    FILTER(?staff > 0) BIND("fte" AS ?facet) BIND(true AS ?v)
  }
}"""
)
NAMES = (
    _PREFIXES
    + """
SELECT ?v ?label ?notation ?broader WHERE {
  { ?v a skos:Concept } UNION { ?v a ess:Partner } UNION { ?v a ess:Collectivity }
  OPTIONAL { ?v skos:prefLabel ?label }
  OPTIONAL { ?v skos:notation ?notation }
  OPTIONAL { ?v skos:broader ?broader }
}"""
)
