"""Views of the survey-derived resources: practice, collectivity, survey response, and the
generic page of anything else (policy, partner, source file, survey…)."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from api.html import data
from api.html.data import RDF_TYPE, Described, dct, ess, prov, skos
from api.html.render import View
from api.html.site import Ref, Site, natural_key, sort_refs
from store import Store
from store.base import Term


def provenance(store: Store, iri: URIRef, site: Site) -> list[dict[str, Any]]:
    """Field-level provenance rows: which response, file, row, column and raw value."""
    rows = []
    for record in data.derivations(store, iri):
        rows.append(
            {
                "property": site.predicate_label(record.prop) if record.prop else "",
                "response": site.ref(record.entity),
                "source": site.ref(
                    record.source, [record.source_title] if record.source_title else []
                )
                if record.source is not None
                else None,
                "row": record.row,
                "column": record.column,
                "raw": record.raw,
                "flags": ", ".join(record.flags),
            }
        )
    return rows


def _schema_ref(site: Site, iri: Term, ref: Ref, kind: str) -> dict[str, Any]:
    return {"@type": kind, "@id": str(iri), "name": ref.label}


#: How a page states who recorded an "adapted from" link (graph/curated/adaptations).
ADAPTATION_RECORD = {
    "fr": ("Relevé par {curator} le {date}", " — « {note} »"),
    "en": ("Recorded by {curator} on {date}", " — “{note}”"),
}


def adaptations(store: Store, iri: URIRef, site: Site) -> dict[str, list[dict[str, Any]]]:
    """Both ways of the "adapted from" links: the other practice, its collectivity, and who
    recorded the link, when and why (PROV qualified influence), when a curator did."""
    rows = store.select(
        data.PREFIXES
        + """SELECT ?practice ?source ?title ?collectivity ?name ?curator ?date ?note WHERE {
  ?practice ess:adaptedFrom ?source .
  BIND (IF(?practice = ?this, ?source, ?practice) AS ?other)
  OPTIONAL { ?other dct:title ?title }
  OPTIONAL { ?other ess:implementedBy ?collectivity .
    OPTIONAL { ?collectivity skos:prefLabel ?name } }
  OPTIONAL { ?practice prov:qualifiedInfluence ?record . ?record prov:influencer ?source .
    OPTIONAL { ?record dct:creator ?curator } OPTIONAL { ?record dct:created ?date }
    OPTIONAL { ?record rdfs:comment ?note } }
  FILTER (isIRI(?practice) && isIRI(?source) && (?practice = ?this || ?source = ?this))
}""",
        {"this": iri},
    )
    found: dict[tuple[str, Term], dict[str, Any]] = {}
    for row in rows:
        way = "adapted_from" if row["practice"] == iri else "adapted_by"
        other = row["source"] if way == "adapted_from" else row["practice"]
        item = found.setdefault(
            (way, other), {"other": other, "titles": [], "places": {}, "record": ""}
        )
        if "title" in row and row["title"] not in item["titles"]:
            item["titles"].append(row["title"])
        if "collectivity" in row:
            names = item["places"].setdefault(row["collectivity"], [])
            if "name" in row and row["name"] not in names:
                names.append(row["name"])
        if "curator" in row and "date" in row:
            text, note = ADAPTATION_RECORD[site.lang]
            record = text.format(curator=row["curator"], date=site.date(row["date"]))
            if "note" in row:
                record += note.format(note=row["note"])
            item["record"] = record
    out: dict[str, list[dict[str, Any]]] = {"adapted_from": [], "adapted_by": []}
    for (way, _), item in found.items():
        out[way].append(
            {
                "ref": site.ref(item["other"], item["titles"]),
                "collectivities": sort_refs(
                    site.ref(c, names) for c, names in item["places"].items()
                ),
                "record": item["record"],
            }
        )
    for items in out.values():
        items.sort(key=lambda i: i["ref"].label.casefold())
    return out


def practice(store: Store, described: Described, site: Site) -> View:
    iri = described.iri
    lang = site.lang
    title = described.text(dct("title"), lang) or site.fallback_label(str(iri))
    description = described.text(dct("description"), lang)
    collectivity = described.first(ess("implementedBy"))
    collectivity_ref = (
        site.ref(collectivity, described.labels.get(collectivity, [])) if collectivity else None
    )
    budget = described.first(ess("dedicatedBudget"))
    levers = site.refs(described, ess("usesLever"))
    themes = site.refs(described, ess("addressesTheme"))
    context = {
        "description": description,
        "collectivity": collectivity_ref,
        "start_year": described.first(ess("startYear")),
        "levers": levers,
        "themes": themes,
        "modes": site.refs(described, ess("modeOfAction")),
        "partners": site.refs(described, ess("hasPartner")),
        "budget": site.money(budget) if budget is not None else None,
        "approximate": site.boolean(described.first(ess("amountIsApproximate"))) == site.t["yes"],
        **adaptations(store, iri, site),
        "derived_from": site.refs(described, prov("wasDerivedFrom")),
        "prov_rows": provenance(store, iri, site),
    }
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ["Project", "CreativeWork"],
        "@id": str(iri),
        "name": title,
        "inLanguage": "fr",
    }
    if description:
        jsonld["description"] = description
    if collectivity is not None and collectivity_ref is not None:
        jsonld["provider"] = _schema_ref(
            site, collectivity, collectivity_ref, "GovernmentOrganization"
        )
    if context["start_year"] is not None:
        jsonld["startDate"] = str(context["start_year"])
    keywords = [r.label for r in levers + themes]
    if keywords:
        jsonld["keywords"] = keywords
    partners = [
        {
            "@type": "Organization",
            "@id": str(o),
            "name": site.ref(o, described.labels.get(o, [])).label,
        }
        for o in described.all(ess("hasPartner"))
    ]
    if partners:
        jsonld["contributor"] = partners
    return View("ld/practice.html", title, site.t["kind_practice"], context, jsonld, str(iri))


def _policy_rows(store: Store, iri: URIRef, site: Site) -> list[dict[str, Any]]:
    concepts: dict[Term, dict[str, list[Ref]]] = {}
    labels: dict[tuple[Term, Term], list[Term]] = {}
    notations: dict[Term, str] = {}
    predicates: dict[tuple[Term, Term], set[Term]] = {}
    for row in data.policy_concepts(store, iri):
        key = (row["policy"], row["o"])
        predicates.setdefault(key, set()).add(row["p"])
        if "label" in row:
            labels.setdefault(key, []).append(row["label"])
        if "notation" in row:
            notations[row["o"]] = str(row["notation"])
    names = {
        ess("usesLever"): "levers",
        ess("addressesTheme"): "themes",
        ess("priorityTheme"): "priority_themes",
        ess("modeOfAction"): "modes",
    }
    for (policy, concept), found in predicates.items():
        ref = site.ref(concept, labels.get((policy, concept), []), notations.get(concept, ""))
        for predicate in found:
            concepts.setdefault(policy, {}).setdefault(names[URIRef(str(predicate))], []).append(
                ref
            )
    policies = []
    for row in data.policies_of(store, iri):
        policy = row["policy"]
        year = str(row.get("year", ""))
        groups = {name: sort_refs(refs) for name, refs in concepts.get(policy, {}).items()}
        policies.append(
            {
                "ref": site.ref(policy),
                "year": year,
                "heading": site.t["policy_year"].format(year=year)
                if year
                else site.ref(policy).label,
                "budget": site.money(row["budget"]) if "budget" in row else None,
                "staff": site.number(row["staff"]) if "staff" in row else None,
                "approximate": site.boolean(row.get("approx")) == site.t["yes"],
                "delegation": site.boolean(row.get("delegation")) if "delegation" in row else None,
                "delegation_title": str(row["title"]) if "title" in row else None,
                **{name: groups.get(name, []) for name in names.values()},
            }
        )
    policies.sort(key=lambda p: natural_key(str(p["year"])), reverse=True)
    return policies


def collectivity(store: Store, described: Described, site: Site) -> View:
    iri = described.iri
    lang = site.lang
    name = described.text(skos("prefLabel"), lang) or site.fallback_label(str(iri))
    other_names = sorted({str(x) for x in described.all(skos("altLabel"))} - {name})
    kind = site.refs(described, ess("collectivityKind"))
    region = site.refs(described, ess("region"))
    siren = described.first(ess("siren"))
    population = described.first(ess("population"))
    practices = site.linked(data.practices_of(store, iri))
    context = {
        "other_names": other_names,
        "kinds": kind,
        "regions": region,
        "siren": str(siren) if siren is not None else None,
        "cog": str(described.first(ess("cogCode")) or "") or None,
        "population": site.number(population) if population is not None else None,
        "policies": _policy_rows(store, iri, site),
        "practices": practices,
        "derived_from": site.refs(described, prov("wasDerivedFrom")),
        "prov_rows": provenance(store, iri, site),
    }
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "@id": str(iri),
        "name": name,
    }
    if other_names:
        jsonld["alternateName"] = other_names
    if siren is not None:
        jsonld["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "SIREN",
            "value": str(siren),
        }
    if region:
        jsonld["areaServed"] = [{"@type": "AdministrativeArea", "name": r.label} for r in region]
    if practices:
        jsonld["subjectOf"] = [{"@type": "Project", "name": p.label} for p in practices]
    return View(
        "ld/collectivity.html", name, site.t["kind_collectivity"], context, jsonld, str(iri)
    )


def response(store: Store, described: Described, site: Site) -> View:
    iri = described.iri
    respondent = described.first(ess("respondent"))
    respondent_ref = (
        site.ref(respondent, described.labels.get(respondent, [])) if respondent else None
    )
    title = site.fallback_label(str(iri))
    if respondent_ref is not None:
        title = f"{title} — {respondent_ref.label}"
    derived = [linked for linked in data.linking_to(store, iri, prov("wasDerivedFrom"))]
    context = {
        "respondent": respondent_ref,
        "issued": site.date(described.first(dct("issued"))),
        "complete": site.boolean(described.first(ess("isComplete"))),
        "sources": site.refs(described, prov("hadPrimarySource")),
        "surveys": site.refs(described, prov("wasGeneratedBy")),
        "row": str(described.first(ess("sourceRow")) or ""),
        "response_id": str(described.first(ess("responseId")) or ""),
        "superseded_by": site.refs(described, ess("supersededBy")),
        "supersedes": site.linked(data.linking_to(store, iri, ess("supersededBy"))),
        "derived": site.linked(derived),
        "prov_rows": provenance(store, iri, site),
    }
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": str(iri),
        "name": title,
    }
    if context["issued"]:
        jsonld["dateCreated"] = context["issued"]
    if respondent is not None and respondent_ref is not None:
        jsonld["author"] = _schema_ref(site, respondent, respondent_ref, "GovernmentOrganization")
    return View("ld/response.html", title, site.t["kind_response"], context, jsonld, str(iri))


#: schema.org types of the generic page, by ess: class.
SCHEMA_TYPES = {
    ess("Partner"): "Organization",
    ess("Survey"): "Event",
    ess("SourceFile"): "Dataset",
    ess("EssPolicy"): "CreativeWork",
    ess("ElectedOfficialPost"): "Role",
}


def generic(store: Store, described: Described, site: Site) -> View:
    """Any other resource: its properties as a table, what links to it, its provenance."""
    iri = described.iri
    lang = site.lang
    title = (
        described.text(skos("prefLabel"), lang)
        or described.text(dct("title"), lang)
        or site.fallback_label(str(iri))
    )
    rows = []
    for predicate, values in described.values.items():
        if predicate in (skos("prefLabel"), dct("title")) and len(values) == 1:
            continue
        cells: list[Ref | str] = []
        for value in values:
            if isinstance(value, URIRef):
                cells.append(
                    site.ref(
                        value, described.labels.get(value, []), described.notations.get(value, "")
                    )
                )
            else:
                cells.append(site.value(value))
        rows.append((site.predicate_label(predicate), predicate == RDF_TYPE, cells))
    rows.sort(key=lambda r: (not r[1], r[0].casefold()))
    links = [
        {"property": site.predicate_label(p), "ref": site.ref(linked.iri, linked.labels)}
        for p, linked in data.incoming(store, iri)
    ]
    context = {
        "rows": [{"property": label, "values": cells} for label, _, cells in rows],
        "incoming": links,
        "prov_rows": provenance(store, iri, site),
    }
    schema_type = next(
        (SCHEMA_TYPES[t] for t in described.types if isinstance(t, URIRef) and t in SCHEMA_TYPES),
        "Thing",
    )
    jsonld = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": str(iri),
        "name": title,
    }
    kind = next(
        (site.vocabulary_label(t) for t in described.types if site.vocabulary_label(t)),
        site.t["kind_resource"],
    )
    return View("ld/generic.html", title, str(kind), context, jsonld, str(iri))
