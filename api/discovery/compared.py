"""Reading one collectivity for a comparison: facts, ESS policy per reference year, and the
levers and themes of its policy and practices, its IRI bound as a term in each query (store
bindings). Kept apart from the matrix and the JSON so the queries sit next to what they fill.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef

from api.discovery.facets import Snapshot
from api.discovery.similar import ancestors
from api.i18n import Lang
from ontology import sparql_prefixes
from store import Store

PREFIXES = sparql_prefixes("ess", "dct", "skos")
_FACTS = (
    PREFIXES
    + """
SELECT ?label ?kind ?region ?population WHERE {
  ?c a ess:Collectivity .
  OPTIONAL { ?c skos:prefLabel ?label }
  OPTIONAL { ?c ess:collectivityKind ?kind }
  OPTIONAL { ?c ess:region ?region }
  OPTIONAL { ?c ess:population ?population }
}"""
)
_POLICIES = (
    PREFIXES
    + """
SELECT ?year ?budget ?staff ?delegation ?title WHERE {
  ?policy ess:policyOf ?c ; ess:referenceYear ?year .
  OPTIONAL { ?policy ess:dedicatedBudget ?budget }
  OPTIONAL { ?policy ess:dedicatedStaff ?staff }
  OPTIONAL { ?policy ess:hasEssDelegation ?delegation }
  OPTIONAL { ?policy ess:electedOfficialPost/ess:delegationTitle ?title }
}"""
)
_CONCEPTS = (
    PREFIXES
    + """
SELECT ?facet ?concept ?practice WHERE {
  { ?policy ess:policyOf ?c ; ess:usesLever ?concept . BIND("lever" AS ?facet) }
  UNION { ?policy ess:policyOf ?c ; ess:addressesTheme ?concept . BIND("theme" AS ?facet) }
  UNION { ?practice ess:implementedBy ?c ; ess:usesLever ?concept . BIND("lever" AS ?facet) }
  UNION {
    ?practice ess:implementedBy ?c ; ess:addressesTheme ?concept . BIND("theme" AS ?facet)
  }
}"""
)


@dataclass
class Year:
    """One reference year of an ESS policy."""

    year: str
    budget: Decimal | None = None
    staff: Decimal | None = None
    delegation: bool | None = None
    title: str | None = None


@dataclass
class Compared:
    """One collectivity as the comparison shows it."""

    iri: str
    key: str
    label: str
    kind: str | None = None
    region: str | None = None
    population: int | None = None
    years: list[Year] = field(default_factory=list)
    policy: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    practices: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def collectivity_iri(snapshot: Snapshot, key: str) -> str:
    return f"{snapshot.base}id/collectivity/{key}"


def is_collectivity(snapshot: Snapshot, key: str) -> bool:
    """Whether the key names a collectivity of the public graph ('/' never in a key)."""
    return "/" not in key and collectivity_iri(snapshot, key) in snapshot.names


def closure(snapshot: Snapshot, concepts: set[str]) -> set[str]:
    """The concepts and all their broader ones (a broader concept counts what it holds)."""
    return set(concepts).union(*(ancestors(snapshot, c) for c in concepts)) if concepts else set()


def _decimal(term: object) -> Decimal | None:
    if not isinstance(term, Literal):
        return None
    try:
        return Decimal(str(term))
    except InvalidOperation:
        return None


def read(store: Store, snapshot: Snapshot, key: str, lang: Lang) -> Compared:
    """One collectivity, its IRI bound as a term in each query."""
    iri = collectivity_iri(snapshot, key)
    bound = {"c": URIRef(iri)}
    named = snapshot.names.get(iri)
    out = Compared(iri, key, named.label(lang) if named else key)
    for row in store.select(_FACTS, bound):
        if isinstance(row.get("kind"), URIRef):
            out.kind = str(row["kind"])
        if isinstance(row.get("region"), URIRef):
            out.region = str(row["region"])
        population = _decimal(row.get("population"))
        if population is not None and population > 0:
            out.population = int(population)
    years: dict[str, Year] = {}
    for row in store.select(_POLICIES, bound):
        year = years.setdefault(str(row["year"]), Year(str(row["year"])))
        year.budget = _decimal(row.get("budget")) if "budget" in row else year.budget
        year.staff = _decimal(row.get("staff")) if "staff" in row else year.staff
        if isinstance(row.get("delegation"), Literal):
            year.delegation = bool(row["delegation"].toPython())
        title = row.get("title")
        if isinstance(title, Literal) and (year.title is None or title.language == lang):
            year.title = str(title)
    out.years = sorted(years.values(), key=lambda y: y.year)
    for row in store.select(_CONCEPTS, bound):
        facet, concept = str(row["facet"]), str(row["concept"])
        if "practice" in row:
            practice = str(row["practice"])
            out.practices.setdefault(practice, defaultdict(set))[facet].add(concept)
        else:
            out.policy[facet].add(concept)
    for practice_iri, known in snapshot.practices.items():
        if known.collectivity == iri:  # practices filed under no lever or theme too
            out.practices.setdefault(practice_iri, defaultdict(set))
    return out
