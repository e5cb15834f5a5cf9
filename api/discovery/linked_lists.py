"""JSON-LD of the ranked lists and the comparison: similar practices, collectivities like
mine (``schema:ItemList`` of ``schema:ListItem`` with position, score and reasons in French
and English) and ``/compare`` (the collectivities with their policy per reference year and
the lever/theme matrix as ``ess:ConceptUse`` statements).

Same data as the JSON answers (the routes' own results), same context as the searches
(:mod:`api.discovery.linked_data`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from api.discovery import compare as comparing
from api.discovery import similar as similarity
from api.discovery.facets import Snapshot
from api.discovery.linked_data import (
    by_lang,
    collectivity_ref,
    concept,
    context,
    kept,
    link,
    practice_node,
    url,
    view,
)
from api.i18n import Lang

LANGS: tuple[Lang, ...] = ("fr", "en")


def _both(snapshot: Snapshot, match: similarity.Match) -> dict[str, str]:
    """The match's sentence in French and English (its concepts relabelled per language)."""
    out: dict[str, str] = {}
    for lang in LANGS:
        concepts = [
            replace(s, label=snapshot.names[s.iri].label(lang)) if s.iri in snapshot.names else s
            for s in match.concepts
        ]
        out[lang] = similarity.explain(replace(match, concepts=concepts), lang)
    return out


def similar_list(
    snapshot: Snapshot,
    origin: str,
    key: str,
    ranked: similarity.Ranked,
    page: int,
    size: int,
    params: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """``/practices/{key}/similar``: a ranked ``schema:ItemList`` (also a ``hydra:Collection``
    paged like the searches); position is the rank over the whole list."""
    base, path, asked = snapshot.base, f"practices/{key}/similar", kept(params)
    start = (page - 1) * size
    elements = []
    for i, match in enumerate(ranked.page):
        element: dict[str, Any] = {
            "type": ["ListItem"],
            "position": start + i + 1,
            "item": practice_node(snapshot, match.practice),
            "score": round(match.score, 4),
            "conceptScore": round(match.concept_score, 4),
            "textScore": round(match.text_score, 4),
            "explanation": _both(snapshot, match),
        }
        exact = [concept(snapshot, s.iri) for s in match.concepts if s.full]
        near = [concept(snapshot, s.iri) for s in match.concepts if not s.full]
        if exact:
            element["sharedConcept"] = exact
        if near:
            element["nearConcept"] = near
        if match.words:
            element["sharedWord"] = list(match.words)
        elements.append(element)
    return {
        "@context": context(base),
        "id": url(base, path, asked),
        "type": ["ItemList", "Collection"],
        "about": practice_node(snapshot, snapshot.practices[origin]),
        "itemListOrder": "ItemListOrderDescending",
        "numberOfItems": ranked.total,
        "totalItems": ranked.total,
        "member": [link(m.practice.iri) for m in ranked.page],
        "itemListElement": elements,
        "view": view(base, path, asked, page, size, ranked.total),
    }


def _lever_iris(snapshot: Snapshot) -> dict[str, str]:
    """Lever notation → IRI (``like`` names levers by notation and label)."""
    prefix = f"{snapshot.base}id/lever/"
    return {
        named.notation: iri
        for iri, named in snapshot.names.items()
        if iri.startswith(prefix) and named.notation
    }


def _relabel(
    snapshot: Snapshot, levers: dict[str, str], pairs: list[tuple[str, str]], lang: Lang
) -> list[tuple[str, str]]:
    return [
        (n, snapshot.names[levers[n]].label(lang) if n in levers else label) for n, label in pairs
    ]


def like_list(
    snapshot: Snapshot, key: str, kind: str | None, items: Sequence[comparing.Like]
) -> dict[str, Any]:
    """``/collectivities/{key}/like``: collectivities of the same kind, closest first."""
    base = snapshot.base
    iri = comparing.collectivity_iri(snapshot, key)
    levers = _lever_iris(snapshot)
    kinds = [kind] if kind else []
    elements = []
    for position, item in enumerate(items, start=1):
        explanation = {
            lang: comparing.like_explanation(
                replace(
                    item,
                    shared=_relabel(snapshot, levers, item.shared, lang),
                    near=_relabel(snapshot, levers, item.near, lang),
                ),
                lang,
            )
            for lang in LANGS
        }
        element: dict[str, Any] = {
            "type": ["ListItem"],
            "position": position,
            "item": {"id": item.iri, "type": ["Collectivity"]}
            | collectivity_ref(snapshot, item.iri, kinds),
            "score": round(item.score, 4),
            "explanation": explanation,
            "seeAlso": [link(url(base, "compare", [("c", key), ("c", item.key)]))],
        }
        shared = [concept(snapshot, levers[n]) for n, _ in item.shared if n in levers]
        near = [concept(snapshot, levers[n]) for n, _ in item.near if n in levers]
        if shared:
            element["sharedConcept"] = shared
        if near:
            element["nearConcept"] = near
        elements.append(element)
    return {
        "@context": context(base),
        "id": url(base, f"collectivities/{key}/like", []),
        "type": ["ItemList"],
        "about": {"id": iri, "type": ["Collectivity"]} | collectivity_ref(snapshot, iri, kinds),
        "itemListOrder": "ItemListOrderDescending",
        "numberOfItems": len(elements),
        "itemListElement": elements,
    }


# -- the comparison ----------------------------------------------------------------------


def decimal_text(value: float) -> str:
    """An ``xsd:decimal`` lexical form of a JSON figure (``45000.0`` → ``45000``)."""
    text = format(Decimal(repr(value)).normalize(), "f")
    return text


def _policy(base: str, key: str, year: dict[str, Any]) -> dict[str, Any]:
    """One reference year: the policy ``id/policy/{key}/{year}`` (docs/model.md) and its
    means, with the per-inhabitant figures the comparison derives."""
    node: dict[str, Any] = {
        "id": f"{base}id/policy/{key}/{year['year']}",
        "type": ["EssPolicy"],
        "referenceYear": year["year"],
    }
    if year["budget"] is not None:
        node["dedicatedBudget"] = decimal_text(year["budget"])
    if year["fte"] is not None:
        node["dedicatedStaff"] = decimal_text(year["fte"])
    if year["delegation"] is not None:
        node["hasEssDelegation"] = year["delegation"]
    if year["budget_per_inhabitant"] is not None:
        node["budgetPerInhabitant"] = year["budget_per_inhabitant"]
    if year["fte_per_100k_inhabitants"] is not None:
        node["staffPer100kInhabitants"] = year["fte_per_100k_inhabitants"]
    return node


def _uses(snapshot: Snapshot, data: dict[str, Any], column: int) -> list[dict[str, Any]]:
    """The matrix column of one collectivity: a concept its policy uses (itself or through a
    narrower one) and how many of its practices do, non-empty cells only."""
    out: list[dict[str, Any]] = []
    for facet in comparing.FACETS:
        for row in data["matrix"][facet]:
            cell = row["cells"][column]
            if cell["policy"] or cell["practices"]:
                out.append(
                    {
                        "type": ["ConceptUse"],
                        "concept": concept(snapshot, row["iri"]),
                        "inPolicy": cell["policy"],
                        "practiceCount": cell["practices"],
                    }
                )
    return out


def _practices(snapshot: Snapshot, data: dict[str, Any], column: int) -> list[dict[str, Any]]:
    """The collectivity's practices with the themes they address (from practices per theme)."""
    nodes: dict[str, dict[str, Any]] = {}
    for theme in data["practices_by_theme"]:
        for shown in theme["practices"][column]:
            node = nodes.setdefault(shown["iri"], {"id": shown["iri"], "type": ["Practice"]})
            known = snapshot.practices.get(shown["iri"])
            if known is not None and known.titles:
                node["title"] = by_lang(known.titles)
            if theme["iri"] is not None:
                node.setdefault("addressesTheme", []).append(link(theme["iri"]))
    return list(nodes.values())


def comparison(snapshot: Snapshot, data: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """``/compare``: the collectivities in the order asked, each with its policies per year,
    its practices and its column of the lever/theme matrix."""
    base = snapshot.base
    elements = []
    for column, compared in enumerate(data["collectivities"]):
        key = compared["key"]
        kinds = [compared["kind"]["iri"]] if compared["kind"] else []
        regions = [compared["region"]["iri"]] if compared["region"] else []
        node: dict[str, Any] = {"id": compared["iri"], "type": ["Collectivity"]}
        node |= collectivity_ref(snapshot, compared["iri"], kinds, regions)
        if compared["population"] is not None:
            node["population"] = compared["population"]
        node["practiceCount"] = compared["practice_count"]
        node["conceptUse"] = _uses(snapshot, data, column)
        reverse: dict[str, Any] = {}
        if policies := [_policy(base, key, year) for year in compared["years"]]:
            reverse["policyOf"] = policies
        if practices := _practices(snapshot, data, column):
            reverse["implementedBy"] = practices
        if reverse:
            node["@reverse"] = reverse
        elements.append({"type": ["ListItem"], "position": column + 1, "item": node})
    return {
        "@context": context(base),
        "id": url(base, "compare", [("c", k) for k in keys]),
        "type": ["ItemList"],
        "numberOfItems": len(elements),
        "itemListElement": elements,
    }
