"""JSON-LD of the discovery searches: ``/practices`` and ``/collectivities`` as Hydra collections.

Built from the same search results as the JSON, so the two never disagree. A document names
the project's published context by URL, then an inline context (:data:`LOCAL_CONTEXT`) for the
Hydra, schema.org and essgraph terms only these answers use; nothing has to be fetched but
the published context. Searches get IRIs under the deployment base (``{BASE}practices?…``),
as ``/doc/`` pages do; members keep their ``{BASE}id/…`` IRIs and only state triples the
graph holds, except the derived terms listed in :data:`DERIVED`. Each facet value is the
collection one would get by ticking that value alone in its facet (the other filters kept):
its ``hydra:totalItems`` is exactly the count the search shows (so a value ticked alone in
its facet is the collection itself).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from api.discovery import collectivities as found
from api.discovery import search
from api.discovery.facets import FacetValue, Practice, Snapshot
from api.rdf_documents import context_url
from ontology import ESS

MEDIA_TYPE = "application/ld+json"
#: Terms of these answers that are not in the published context (proposed to the ontology:
#: ``ess:FacetValue``, ``ess:facet``, ``ess:facetName``, ``ess:selected``, ``ess:score``…).
LOCAL_CONTEXT: dict[str, Any] = {
    "member": {"@id": "hydra:member", "@type": "@id", "@container": "@set"},
    "search": {"@id": "hydra:search", "@type": "@id"},
    "IriTemplate": "hydra:IriTemplate",
    "IriTemplateMapping": "hydra:IriTemplateMapping",
    "BasicRepresentation": "hydra:BasicRepresentation",
    "template": "hydra:template",
    "variableRepresentation": {"@id": "hydra:variableRepresentation", "@type": "@vocab"},
    "mapping": {"@id": "hydra:mapping", "@container": "@set"},
    "variable": "hydra:variable",
    "property": {"@id": "hydra:property", "@type": "@vocab"},
    "required": "hydra:required",
    "ItemList": "schema:ItemList",
    "ListItem": "schema:ListItem",
    "ItemListOrderDescending": "schema:ItemListOrderDescending",
    "itemListElement": {"@id": "schema:itemListElement", "@container": "@set"},
    "itemListOrder": {"@id": "schema:itemListOrder", "@type": "@vocab"},
    "numberOfItems": "schema:numberOfItems",
    "position": "schema:position",
    "item": {"@id": "schema:item", "@type": "@id"},
    "about": {"@id": "schema:about", "@type": "@id"},
    "explanation": {"@id": "schema:description", "@container": "@language"},
    "FacetValue": "ess:FacetValue",
    "facet": {"@id": "ess:facet", "@type": "@id", "@container": "@set"},
    "facetName": "ess:facetName",
    "selected": "ess:selected",
    "score": "ess:score",
    "conceptScore": "ess:conceptScore",
    "textScore": "ess:textScore",
    "sharedConcept": {"@id": "ess:sharedConcept", "@type": "@id", "@container": "@set"},
    "nearConcept": {"@id": "ess:sharedBroaderConcept", "@type": "@id", "@container": "@set"},
    "sharedWord": {"@id": "ess:sharedWord", "@container": "@set"},
    "practiceCount": "ess:practiceCount",
    "actsWithLever": {"@id": "ess:actsWithLever", "@type": "@id", "@container": "@set"},
    "actsOnTheme": {"@id": "ess:actsOnTheme", "@type": "@id", "@container": "@set"},
    "ConceptUse": "ess:ConceptUse",
    "conceptUse": {"@id": "ess:conceptUse", "@container": "@set"},
    "concept": {"@id": "ess:concept", "@type": "@id"},
    "inPolicy": "ess:inPolicy",
    "budgetPerInhabitant": "ess:budgetPerInhabitant",
    "staffPer100kInhabitants": "ess:staffPer100kInhabitants",
}
#: Properties stated about ``{BASE}id/…`` resources that the graph does not hold as such:
#: figures and memberships computed by the search (the tests check every other triple).
DERIVED = frozenset(
    f"{ESS}{name}"
    for name in (
        "practiceCount",
        "actsWithLever",
        "actsOnTheme",
        "conceptUse",
        "budgetPerInhabitant",
        "staffPer100kInhabitants",
    )
)
#: Query parameters that choose a page or a format, not the collection itself.
_PAGING = frozenset({"page", "per_page", "format", "lang"})
#: Search parameters → the property they filter on (None: no property, e.g. the order).
PRACTICE_VARIABLES: tuple[tuple[str, str | None], ...] = (
    ("q", "hydra:freetextQuery"),
    ("theme", "ess:addressesTheme"),
    ("lever", "ess:usesLever"),
    ("mode", "ess:modeOfAction"),
    ("kind", "ess:collectivityKind"),
    ("region", "ess:region"),
    ("partner", "ess:hasPartner"),
    ("budget", "ess:dedicatedBudget"),
    ("fte", "ess:dedicatedStaff"),
    ("year_min", "ess:startYear"),
    ("year_max", "ess:startYear"),
    ("sort", None),
    ("page", "hydra:pageIndex"),
    ("per_page", "hydra:limit"),
)
COLLECTIVITY_VARIABLES: tuple[tuple[str, str | None], ...] = (
    ("q", "hydra:freetextQuery"),
    ("kind", "ess:collectivityKind"),
    ("region", "ess:region"),
    ("lever", "ess:actsWithLever"),
    ("theme", "ess:actsOnTheme"),
    ("budget", "ess:dedicatedBudget"),
    ("fte", "ess:dedicatedStaff"),
    ("sort", None),
    ("page", "hydra:pageIndex"),
    ("per_page", "hydra:limit"),
)
_REPEATABLE = frozenset({"theme", "lever", "mode", "kind", "region", "partner", "c"})
#: Facet → the property a member states it with (concept IRIs of the practice itself).
_PRACTICE_CONCEPTS = (("lever", "usesLever"), ("theme", "addressesTheme"), ("mode", "modeOfAction"))


def context(base: str) -> list[Any]:
    return [context_url(base), LOCAL_CONTEXT]


def body(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# -- IRIs of searches and their pages ----------------------------------------------------------


def kept(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parameters that make the collection (paging, format, language and blanks dropped)."""
    return [(k, v.strip()) for k, v in params if k not in _PAGING and v.strip()]


def url(base: str, path: str, params: Sequence[tuple[str, str]]) -> str:
    query = urlencode(list(params), quote_via=quote)
    return f"{base}{path}" + (f"?{query}" if query else "")


def link(iri: str) -> dict[str, str]:
    """Links are objects with ``id``, as in the published documents."""
    return {"id": iri}


def view(
    base: str, path: str, params: Sequence[tuple[str, str]], page: int, size: int, total: int
) -> dict[str, Any]:
    """The page shown as a ``hydra:PartialCollectionView`` with its neighbours."""
    last = max(1, math.ceil(total / size))

    def at(number: int) -> str:
        return url(base, path, [*params, ("page", str(number)), ("per_page", str(size))])

    shown: dict[str, Any] = {
        "id": at(page),
        "type": ["PartialCollectionView"],
        "first": link(at(1)),
        "last": link(at(last)),
    }
    if page > 1:
        shown["previous"] = link(at(page - 1))
    if page < last:
        shown["next"] = link(at(page + 1))
    return shown


def template(base: str, path: str, variables: Sequence[tuple[str, str | None]]) -> dict[str, Any]:
    """``hydra:search``: an RFC 6570 template of the query parameters, each mapped to the
    property it filters on (repeatable ones exploded: ``theme=T1&theme=T2``)."""
    names = ",".join(f"{n}*" if n in _REPEATABLE else n for n, _ in variables)
    mapping = []
    for name, prop in variables:
        entry: dict[str, Any] = {"type": ["IriTemplateMapping"], "variable": name}
        if prop is not None:
            entry["property"] = prop
        entry["required"] = False
        mapping.append(entry)
    return {
        "type": ["IriTemplate"],
        "template": f"{base}{path}{{?{names}}}",
        "variableRepresentation": "BasicRepresentation",
        "mapping": mapping,
    }


# -- resources as members ----------------------------------------------------------------


def by_lang(texts: dict[str, str]) -> dict[str, str]:
    """A language map in a stable order, French first (the snapshot keeps reading order)."""
    return dict(sorted(texts.items(), key=lambda pair: (pair[0] != "fr", pair[0])))


def concept(snapshot: Snapshot, iri: str) -> dict[str, Any]:
    """A concept (or partner, kind, region) with its notation and labels by language."""
    node: dict[str, Any] = {"id": iri}
    named = snapshot.names.get(iri)
    if named is not None:
        if named.notation:
            node["notation"] = named.notation
        if named.labels:
            node["label"] = by_lang(named.labels)
    return node


def own(snapshot: Snapshot, iris: Iterable[str]) -> list[str]:
    """The most specific values: the snapshot adds broader concepts, the graph does not."""
    values = set(iris)
    broader: set[str] = set()
    for value in values:
        named = snapshot.names.get(value)
        if named is not None:
            broader |= named.broader
    return sorted(values - broader)


def one_or_many(nodes: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """Single-valued terms of the published context (kind, region) read as one object."""
    return nodes[0] if len(nodes) == 1 else nodes


def collectivity_ref(
    snapshot: Snapshot, iri: str, kinds: Iterable[str] = (), regions: Iterable[str] = ()
) -> dict[str, Any]:
    node: dict[str, Any] = {"id": iri}
    named = snapshot.names.get(iri)
    if named is not None and named.labels:
        node["label"] = by_lang(named.labels)
    if kind_nodes := [concept(snapshot, k) for k in sorted(kinds)]:
        node["collectivityKind"] = one_or_many(kind_nodes)
    if region_nodes := [concept(snapshot, r) for r in sorted(regions)]:
        node["region"] = one_or_many(region_nodes)
    return node


def practice_node(snapshot: Snapshot, practice: Practice) -> dict[str, Any]:
    """A practice as the search knows it: title, collectivity (its kind and region), start
    year, budget, and its own levers, themes and modes as concept IRIs."""
    node: dict[str, Any] = {"id": practice.iri, "type": ["Practice"]}
    if practice.titles:
        node["title"] = by_lang(practice.titles)
    if practice.collectivity is not None:
        values = practice.values
        node["implementedBy"] = collectivity_ref(
            snapshot, practice.collectivity, values.get("kind", ()), values.get("region", ())
        )
    if practice.year is not None:
        node["startYear"] = f"{practice.year:04d}"
    if practice.budget:
        node["dedicatedBudget"] = practice.budget
    for facet, term in _PRACTICE_CONCEPTS:
        concepts = own(snapshot, practice.values.get(facet, ()))
        if concepts:
            node[term] = [concept(snapshot, c) for c in concepts]
    return node


def collectivity_node(snapshot: Snapshot, member: found.Collectivity) -> dict[str, Any]:
    """A collectivity: labels, kind, region, practice count, and the most specific levers and
    themes of its policy or practices (``ess:actsWithLever``, ``ess:actsOnTheme``)."""
    values = member.values
    node: dict[str, Any] = {"id": member.iri, "type": ["Collectivity"]}
    node |= collectivity_ref(snapshot, member.iri, values.get("kind", ()), values.get("region", ()))
    node["practiceCount"] = member.practices
    for facet, term in (("lever", "actsWithLever"), ("theme", "actsOnTheme")):
        concepts = own(snapshot, values.get(facet, ()))
        if concepts:
            node[term] = [concept(snapshot, c) for c in concepts]
    return node


# -- facets ------------------------------------------------------------------------------


def facet_nodes(
    snapshot: Snapshot,
    path: str,
    params: Sequence[tuple[str, str]],
    facets: dict[str, list[FacetValue]],
) -> list[dict[str, Any]]:
    """Each facet value as the collection of that value alone in its facet, other filters
    kept: its ``totalItems`` is the facet count (counts ignore the facet's own filter)."""
    out: list[dict[str, Any]] = []
    for name, values in facets.items():
        others = [(k, v) for k, v in params if k != name]
        for value in values:
            node: dict[str, Any] = {
                "id": url(snapshot.base, path, [*others, (name, value.key)]),
                "type": ["Collection", "FacetValue"],
                "facetName": name,
                "value": concept(snapshot, value.iri) if value.iri else value.key,
                "totalItems": value.count,
                "selected": value.selected,
            }
            out.append(node)
    return out


def year_nodes(
    base: str, params: Sequence[tuple[str, str]], years: dict[int, int], asked: search.Request
) -> list[dict[str, Any]]:
    """Start years as facet values: the collection of that year alone (year_min = year_max),
    selected when the range asked is that year."""
    others = [(k, v) for k, v in params if k not in ("year_min", "year_max")]
    return [
        {
            "id": url(base, "practices", [*others, ("year_min", str(y)), ("year_max", str(y))]),
            "type": ["Collection", "FacetValue"],
            "facetName": "year",
            "value": {"@value": f"{y:04d}", "@type": "xsd:gYear"},
            "totalItems": n,
            "selected": asked.year_min == asked.year_max == y,
        }
        for y, n in years.items()
    ]


# -- the two searches --------------------------------------------------------------------


def practices_collection(
    snapshot: Snapshot, result: search.Result, params: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """``/practices`` in JSON-LD: the page's practices as members of the whole result."""
    asked = kept(params)
    return _collection(
        snapshot,
        "practices",
        asked,
        result.request.page,
        result.request.per_page,
        result.total,
        [practice_node(snapshot, p) for p in result.items],
        PRACTICE_VARIABLES,
        [
            *facet_nodes(snapshot, "practices", asked, result.facets),
            *year_nodes(snapshot.base, asked, result.years, result.request),
        ],
    )


def collectivities_collection(
    snapshot: Snapshot, result: found.Result, params: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """``/collectivities`` in JSON-LD, as ``/practices``."""
    asked = kept(params)
    return _collection(
        snapshot,
        "collectivities",
        asked,
        result.request.page,
        result.request.per_page,
        result.total,
        [collectivity_node(snapshot, c) for c in result.items],
        COLLECTIVITY_VARIABLES,
        facet_nodes(snapshot, "collectivities", asked, result.facets),
    )


def _collection(
    snapshot: Snapshot,
    path: str,
    asked: list[tuple[str, str]],
    page: int,
    size: int,
    total: int,
    members: list[dict[str, Any]],
    variables: tuple[tuple[str, str | None], ...],
    facets: list[dict[str, Any]],
) -> dict[str, Any]:
    """A search result as a Hydra collection: its members, paging view, template, facets."""
    base = snapshot.base
    return {
        "@context": context(base),
        "id": url(base, path, asked),
        "type": ["Collection"],
        "totalItems": total,
        "member": members,
        "view": view(base, path, asked, page, size, total),
        "search": template(base, path, variables),
        "facet": facets,
    }
