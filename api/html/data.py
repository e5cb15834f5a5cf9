"""What the pages read from the store: small SPARQL queries over the public default graph.

The resource is always bound as an RDF term through the store's ``bindings`` (a VALUES
block), never spliced into the text; no query names a graph, so private graphs
(``graph/private/…``, staging, system) are never seen. The union default graph may repeat a
fact stated in several source graphs, hence DISTINCT everywhere and de-duplication here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from api.i18n import Lang
from store import Store
from store.base import Term

ESS = "https://w3id.org/essgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

PREFIXES = f"""PREFIX ess: <{ESS}>
PREFIX skos: <{SKOS}>
PREFIX dct: <{DCT}>
PREFIX prov: <{PROV}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
"""

#: Properties whose objects name a thing: used to label linked resources.
LABEL_PATH = "skos:prefLabel|dct:title|rdfs:label"


def ess(name: str) -> URIRef:
    return URIRef(ESS + name)


def skos(name: str) -> URIRef:
    return URIRef(SKOS + name)


def dct(name: str) -> URIRef:
    return URIRef(DCT + name)


def prov(name: str) -> URIRef:
    return URIRef(PROV + name)


def pick(literals: Iterable[object], lang: Lang) -> str | None:
    """The literal in the reader's language, else French, else untagged, else any (a plain
    str counts as untagged; IRIs are skipped)."""
    found = [t for t in literals if isinstance(t, str) and not isinstance(t, URIRef)]
    for wanted in (lang, "fr", None):
        for term in found:
            if getattr(term, "language", None) == wanted:
                return str(term)
    return str(found[0]) if found else None


def _unique(items: Iterable[Term]) -> list[Term]:
    seen: dict[Term, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


@dataclass
class Described:
    """The resource's own statements (blank nodes left out), with labels of what it links."""

    iri: URIRef
    values: dict[URIRef, list[Term]] = field(default_factory=dict)
    labels: dict[Term, list[Term]] = field(default_factory=dict)
    notations: dict[Term, str] = field(default_factory=dict)

    def all(self, predicate: URIRef) -> list[Term]:
        return self.values.get(predicate, [])

    def first(self, predicate: URIRef) -> Term | None:
        found = self.all(predicate)
        return found[0] if found else None

    def text(self, predicate: URIRef, lang: Lang) -> str | None:
        return pick(self.all(predicate), lang)

    def label_of(self, term: Term, lang: Lang) -> str | None:
        return pick(self.labels.get(term, []), lang)

    @property
    def types(self) -> set[Term]:
        return set(self.all(RDF_TYPE))

    def __bool__(self) -> bool:
        return bool(self.values)


def describe(store: Store, iri: URIRef) -> Described:
    """Every public statement about ``iri`` with the labels and notations of its objects."""
    rows = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?p ?o ?label ?notation WHERE {{
  ?resource ?p ?o .
  FILTER(!isBlank(?o))
  OPTIONAL {{ ?o {LABEL_PATH} ?label }}
  OPTIONAL {{ ?o skos:notation ?notation }}
}}""",
        {"resource": iri},
    )
    described = Described(iri)
    for row in rows:
        predicate, value = row["p"], row["o"]
        assert isinstance(predicate, URIRef)  # noqa: S101 - SPARQL predicates are IRIs
        values = described.values.setdefault(predicate, [])
        if value not in values:
            values.append(value)
        if "label" in row and row["label"] not in described.labels.setdefault(value, []):
            described.labels[value].append(row["label"])
        if "notation" in row:
            described.notations[value] = str(row["notation"])
    return described


def vocabulary_labels(store: Store) -> dict[Term, list[Term]]:
    """rdfs:label of the ontology's classes and properties (table headings, type names)."""
    rows = store.select(
        PREFIXES
        + "SELECT DISTINCT ?term ?label WHERE { ?term rdfs:label ?label FILTER(isIRI(?term)) }"
    )
    labels: dict[Term, list[Term]] = {}
    for row in rows:
        labels.setdefault(row["term"], []).append(row["label"])
    return labels


@dataclass(frozen=True)
class Derivation:
    """One field-level provenance record (prov:qualifiedDerivation)."""

    entity: Term
    prop: Term | None
    column: str
    row: str
    raw: str
    flags: tuple[str, ...]
    source: Term | None
    source_title: str


def derivations(store: Store, iri: URIRef) -> list[Derivation]:
    """The resource's qualified derivations, identical ones (one per source graph) merged."""
    rows = store.select(
        PREFIXES
        + """SELECT ?d ?entity ?prop ?column ?row ?raw ?flag ?source ?title WHERE {
  ?resource prov:qualifiedDerivation ?d .
  ?d prov:entity ?entity .
  OPTIONAL { ?d ess:forProperty ?prop }
  OPTIONAL { ?d ess:sourceColumn ?column }
  OPTIONAL { ?d ess:sourceRow ?row }
  OPTIONAL { ?d ess:rawValue ?raw }
  OPTIONAL { ?d ess:flag ?flag }
  OPTIONAL { ?entity prov:hadPrimarySource ?source OPTIONAL { ?source dct:title ?title } }
}""",
        {"resource": iri},
    )
    grouped: dict[Term, dict[str, Term | set[str]]] = {}
    for row in rows:
        entry = grouped.setdefault(row["d"], {"flags": set()})
        for key in ("entity", "prop", "column", "row", "raw", "source", "title"):
            if key in row:
                entry[key] = row[key]
        flags = entry["flags"]
        if "flag" in row and isinstance(flags, set):
            flags.add(str(row["flag"]))
    found: dict[Derivation, None] = {}
    for entry in grouped.values():
        flags = entry["flags"]
        record = Derivation(
            entity=_term(entry.get("entity")),
            prop=_maybe(entry.get("prop")),
            column=_str(entry.get("column")),
            row=_str(entry.get("row")),
            raw=_str(entry.get("raw")),
            flags=tuple(sorted(flags)) if isinstance(flags, set) else (),
            source=_maybe(entry.get("source")),
            source_title=_str(entry.get("title")),
        )
        found.setdefault(record, None)
    return sorted(found, key=lambda d: (str(d.entity), d.row.zfill(6), d.column, str(d.prop)))


def _maybe(value: object) -> Term | None:
    return value if isinstance(value, URIRef | Literal) else None


def _term(value: object) -> Term:
    return value if isinstance(value, URIRef | Literal) else Literal("")


def _str(value: object) -> str:
    return "" if value is None or isinstance(value, set) else str(value)


@dataclass(frozen=True)
class Linked:
    """A resource linked to the page's one, with its labels (any language) and notation."""

    iri: URIRef
    labels: tuple[Term, ...]
    notation: str = ""
    extra: tuple[tuple[str, str], ...] = ()


def _linked(
    rows: Iterable[dict[str, Term]], key: str, extras: tuple[str, ...] = ()
) -> list[Linked]:
    labels: dict[URIRef, list[Term]] = {}
    notations: dict[URIRef, str] = {}
    more: dict[URIRef, dict[str, str]] = {}
    for row in rows:
        iri = row[key]
        if not isinstance(iri, URIRef):
            continue
        found = labels.setdefault(iri, [])
        if "label" in row and row["label"] not in found:
            found.append(row["label"])
        if "notation" in row:
            notations[iri] = str(row["notation"])
        for name in extras:
            if name in row:
                more.setdefault(iri, {})[name] = str(row[name])
    return [
        Linked(iri, tuple(found), notations.get(iri, ""), tuple(sorted(more.get(iri, {}).items())))
        for iri, found in labels.items()
    ]


def linking_to(store: Store, iri: URIRef, predicate: URIRef) -> list[Linked]:
    """Resources ``?s`` with ``?s predicate iri`` (e.g. practices adapted from this one)."""
    rows = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?s ?label WHERE {{
  ?s ?predicate ?resource . FILTER(isIRI(?s))
  OPTIONAL {{ ?s {LABEL_PATH} ?label }}
}}""",
        {"resource": iri, "predicate": predicate},
    )
    return _linked(rows, "s")


def incoming(store: Store, iri: URIRef, limit: int = 100) -> list[tuple[URIRef, Linked]]:
    """(predicate, resource) pairs pointing at ``iri``, capped (generic pages)."""
    rows = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?p ?s ?label WHERE {{
  ?s ?p ?resource . FILTER(isIRI(?s))
  OPTIONAL {{ ?s {LABEL_PATH} ?label }}
}} ORDER BY ?p ?s LIMIT {int(limit)}""",
        {"resource": iri},
    )
    by_predicate: dict[URIRef, list[dict[str, Term]]] = {}
    for row in rows:
        predicate = row["p"]
        if isinstance(predicate, URIRef):
            by_predicate.setdefault(predicate, []).append(row)
    return [(p, linked) for p, group in by_predicate.items() for linked in _linked(group, "s")]


def practices_of(store: Store, collectivity: URIRef) -> list[Linked]:
    rows = store.select(
        PREFIXES
        + """SELECT DISTINCT ?s ?label WHERE {
  ?s ess:implementedBy ?resource . OPTIONAL { ?s dct:title ?label }
}""",
        {"resource": collectivity},
    )
    return _linked(rows, "s")


def policies_of(store: Store, collectivity: URIRef) -> list[dict[str, Term]]:
    """One row per policy: year, budget, staff, approximation, delegation and its title."""
    rows = store.select(
        PREFIXES
        + """SELECT DISTINCT ?policy ?year ?budget ?staff ?approx ?delegation ?title WHERE {
  ?policy ess:policyOf ?resource .
  OPTIONAL { ?policy ess:referenceYear ?year }
  OPTIONAL { ?policy ess:dedicatedBudget ?budget }
  OPTIONAL { ?policy ess:dedicatedStaff ?staff }
  OPTIONAL { ?policy ess:amountIsApproximate ?approx }
  OPTIONAL { ?policy ess:hasEssDelegation ?delegation }
  OPTIONAL { ?policy ess:electedOfficialPost/ess:delegationTitle ?title }
} ORDER BY DESC(?year)""",
        {"resource": collectivity},
    )
    merged: dict[Term, dict[str, Term]] = {}
    for row in rows:
        merged.setdefault(row["policy"], {}).update(row)
    return list(merged.values())


def policy_concepts(store: Store, collectivity: URIRef) -> list[dict[str, Term]]:
    """Levers, themes, priority themes and modes of each policy of a collectivity."""
    rows = store.select(
        PREFIXES
        + f"""SELECT DISTINCT ?policy ?p ?o ?label ?notation WHERE {{
  ?policy ess:policyOf ?resource ; ?p ?o .
  FILTER(?p IN (ess:usesLever, ess:addressesTheme, ess:priorityTheme, ess:modeOfAction))
  OPTIONAL {{ ?o {LABEL_PATH} ?label }}
  OPTIONAL {{ ?o skos:notation ?notation }}
}}""",
        {"resource": collectivity},
    )
    return list(rows)


#: Properties by which practices, policies and collectivities use a concept.
USES = "ess:usesLever, ess:addressesTheme, ess:priorityTheme, ess:modeOfAction, "
USES += "ess:collectivityKind, ess:region"


def users(store: Store, concept: URIRef, lang: Lang, offset: int, limit: int) -> list[Linked]:
    """A page of what uses a concept, ordered by IRI so pages are stable.

    No sub-query: a sub-query would not see the bound ``?resource``; grouping keeps one row
    per resource, its label in the reader's language first.
    """
    rows = store.select(
        PREFIXES
        + f"""SELECT ?s (SAMPLE(?k) AS ?kind) (COALESCE(SAMPLE(?l1), SAMPLE(?l2)) AS ?label)
       (SAMPLE(?c) AS ?collectivity) (SAMPLE(?y) AS ?year) WHERE {{
  ?s ?p ?resource .
  FILTER(?p IN ({USES}))
  ?s a ?k . FILTER(?k IN (ess:Practice, ess:EssPolicy, ess:Collectivity))
  OPTIONAL {{ ?s skos:prefLabel|dct:title ?l1 FILTER(lang(?l1) = ?lang) }}
  OPTIONAL {{ ?s skos:prefLabel|dct:title ?l2 }}
  OPTIONAL {{ ?s ess:policyOf/skos:prefLabel ?c }}
  OPTIONAL {{ ?s ess:referenceYear ?y }}
}} GROUP BY ?s ORDER BY ?s LIMIT {int(limit)} OFFSET {int(offset)}""",
        {"resource": concept, "lang": Literal(lang)},
    )
    return _linked(rows, "s", ("kind", "collectivity", "year"))


def scheme_concepts(store: Store, scheme: URIRef) -> list[dict[str, Term]]:
    """Every concept of a scheme with its broader concept, labels and notation."""
    rows = store.select(
        PREFIXES
        + """SELECT DISTINCT ?c ?broader ?label ?notation ?top WHERE {
  ?c skos:inScheme ?resource .
  OPTIONAL { ?c skos:broader ?broader }
  OPTIONAL { ?c skos:prefLabel ?label }
  OPTIONAL { ?c skos:notation ?notation }
  OPTIONAL { ?c skos:topConceptOf ?top FILTER(?top = ?resource) }
}""",
        {"resource": scheme},
    )
    return list(rows)
