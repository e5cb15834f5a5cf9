"""Views of the thesauri: a concept (with what uses it, paged) and a concept scheme (its tree)."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from api.errors import ApiProblem
from api.html import data
from api.html.data import Described, dct, ess, pick, skos
from api.html.render import View
from api.html.site import Ref, Site, natural_key
from store import Store
from store.base import Term

PER_PAGE = 20

#: Kinds of what uses a concept, as a page names them.
USER_KINDS = {
    ess("Practice"): ("kind_practice", "Project"),
    ess("EssPolicy"): ("kind_policy", "CreativeWork"),
    ess("Collectivity"): ("kind_collectivity", "GovernmentOrganization"),
}


def page_number(raw: str | None) -> int:
    """``?page=`` as a positive integer, else a 400 naming the parameter."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise ApiProblem(
            f"Paramètre « page » invalide : {raw[:20]!r} n'est pas un entier positif.",
            f"Invalid parameter “page”: {raw[:20]!r} is not a positive integer.",
            code="invalid-parameter",
            parameter="page",
        )
    return int(raw)


def concept(store: Store, described: Described, site: Site, page: int) -> View:
    iri = described.iri
    lang = site.lang
    other = "en" if lang == "fr" else "fr"
    labels = described.all(skos("prefLabel"))
    title = pick(labels, lang) or site.fallback_label(str(iri))
    other_label = next(
        (str(x) for x in labels if getattr(x, "language", None) == other and str(x) != title), None
    )
    offset = (page - 1) * PER_PAGE
    found = data.users(store, iri, lang, offset, PER_PAGE + 1)
    if page > 1 and not found:
        raise ApiProblem(
            f"La page {page} n'existe pas pour cette ressource.",
            f"Page {page} does not exist for this resource.",
            status=404,
            code="page-out-of-range",
            parameter="page",
        )
    users = []
    for item in found[:PER_PAGE]:
        extra = dict(item.extra)
        kind = URIRef(extra.get("kind", ""))
        label = pick(item.labels, lang)
        kind_name = site.t[USER_KINDS.get(kind, ("kind_resource", "Thing"))[0]]
        if kind == ess("EssPolicy"):
            label = f"{extra.get('collectivity', '')} — {extra.get('year', '')}".strip(" —")
        users.append(site.ref(item.iri, [label] if label else [], note=kind_name))
    next_href = _page_href(page + 1, site) if len(found) > PER_PAGE else None
    previous_href = _page_href(page - 1, site) if page > 1 else None
    notation = described.first(skos("notation"))
    definition = described.text(skos("definition"), lang)
    schemes = site.refs(described, skos("inScheme"))
    matches = site.refs(described, skos("exactMatch")) + site.refs(described, skos("closeMatch"))
    context = {
        "other_label": other_label,
        "alt_labels": sorted({str(x) for x in described.all(skos("altLabel"))}, key=str.casefold),
        "notation": str(notation) if notation is not None else None,
        "definition": definition,
        "schemes": schemes,
        "broader": site.refs(described, skos("broader")),
        "narrower": site.refs(described, skos("narrower")),
        "matches": matches,
        "users": users,
        "page": page,
        "next_href": next_href,
        "previous_href": previous_href,
    }
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "@id": str(iri),
        "name": title,
    }
    if notation is not None:
        jsonld["termCode"] = str(notation)
    if definition:
        jsonld["description"] = definition
    scheme_iris = [o for o in described.all(skos("inScheme")) if isinstance(o, URIRef)]
    if scheme_iris:
        jsonld["inDefinedTermSet"] = [
            {
                "@type": "DefinedTermSet",
                "@id": str(s),
                "name": site.ref(s, described.labels.get(s, [])).label,
            }
            for s in scheme_iris
        ]
    if matches:
        jsonld["sameAs"] = [m.href for m in matches if m.href]
    class_name = next(
        (
            site.vocabulary_label(t)
            for t in sorted(described.types)
            if t != skos("Concept") and site.vocabulary_label(t)
        ),
        None,
    )
    heading = class_name or site.t["kind_concept"]
    return View("ld/concept.html", title, heading, context, jsonld, str(iri))


def _page_href(page: int, site: Site) -> str:
    return f"?page={page}&lang={site.lang}"


def _tree(rows: list[dict[str, Term]], scheme: URIRef, site: Site) -> list[dict[str, Any]]:
    """Nested lists of the scheme's concepts: top concepts first, narrower ones beneath."""
    labels: dict[Term, list[Term]] = {}
    notations: dict[Term, str] = {}
    parents: dict[Term, set[Term]] = {}
    tops: set[Term] = set()
    for row in rows:
        c = row["c"]
        labels.setdefault(c, [])
        if "label" in row and row["label"] not in labels[c]:
            labels[c].append(row["label"])
        if "notation" in row:
            notations[c] = str(row["notation"])
        if "broader" in row:
            parents.setdefault(c, set()).add(row["broader"])
        if "top" in row:
            tops.add(c)
    children: dict[Term, list[Term]] = {}
    for c, ps in parents.items():
        for p in ps:
            if p in labels:
                children.setdefault(p, []).append(c)
    roots = tops or {c for c in labels if not parents.get(c, set()) & labels.keys()}

    def node(c: Term, seen: frozenset[Term]) -> dict[str, Any]:
        kids = [k for k in children.get(c, []) if k not in seen]
        return {
            "ref": site.ref(c, labels.get(c, []), notations.get(c, "")),
            "children": _sorted([node(k, seen | {k}) for k in kids]),
        }

    return _sorted([node(c, frozenset({c})) for c in roots])


def _sorted(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(n: dict[str, Any]) -> tuple[object, ...]:
        ref: Ref = n["ref"]
        return (natural_key(ref.notation), ref.label.casefold())

    return sorted(nodes, key=key)


def scheme(store: Store, described: Described, site: Site) -> View:
    iri = described.iri
    lang = site.lang
    title = (
        described.text(skos("prefLabel"), lang)
        or described.text(dct("title"), lang)
        or site.fallback_label(str(iri))
    )
    definition = described.text(skos("definition"), lang)
    tree = _tree(data.scheme_concepts(store, iri), iri, site)
    context = {
        "definition": definition,
        "source": described.text(dct("source"), lang),
        "tops": [n["ref"] for n in tree],
        "tree": tree,
    }
    jsonld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "@id": str(iri),
        "name": title,
        "hasDefinedTerm": [
            {"@type": "DefinedTerm", "name": n["ref"].label, "termCode": n["ref"].notation}
            for n in tree
        ],
    }
    if definition:
        jsonld["description"] = definition
    return View("ld/scheme.html", title, site.t["kind_scheme"], context, jsonld, str(iri))
