"""The checks a curated adaptation passes before it is written: those that need the store
(unknown practice, same practice, same collectivity, cycle), then ``shapes/adaptation.ttl``
on the new graph together with what it needs."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

from pyshacl import validate as pyshacl_validate
from rdflib import RDF, Graph, URIRef

from ingest.adaptation_records import (
    ESS,
    PREFIXES,
    Adaptation,
    CurationRejected,
    Entry,
    graph_iri,
    located_error,
    practice_key,
)
from ingest.errors import IngestError
from shapes.report import Report
from store import Store


def check(
    store: Store, wanted: Sequence[Adaptation], entries: dict[tuple[URIRef, URIRef], Entry]
) -> None:
    """The checks that need the store: CurationRejected with every problem of ``wanted``
    (the whole new content of the curated graph; ``entries`` say where a link was typed)."""
    practices: dict[URIRef, set[URIRef]] = {}
    for row in store.select(
        PREFIXES + "SELECT ?p ?c WHERE { ?p a ess:Practice OPTIONAL { ?p ess:implementedBy ?c } }"
    ):
        found = practices.setdefault(URIRef(str(row["p"])), set())
        if "c" in row:
            found.add(URIRef(str(row["c"])))
    errors: list[IngestError] = []
    new = [a for a in wanted if a.link in entries]  # the others were checked when written
    for item in new:
        entry = entries[item.link]
        for column, iri in (("practice", item.practice), ("source", item.source)):
            if iri not in practices:
                errors.append(
                    located_error(
                        "unknown-practice",
                        f"pratique inconnue : {iri}",
                        f"unknown practice: {iri}",
                        entry,
                        column,
                    )
                )
        if item.practice == item.source:
            errors.append(
                located_error(
                    "same-practice",
                    "une pratique ne peut être adaptée d'elle-même",
                    "a practice cannot be adapted from itself",
                    entry,
                    "source",
                )
            )
        elif practices.get(item.practice, set()) & practices.get(item.source, set()):
            errors.append(
                located_error(
                    "same-collectivity",
                    "les deux pratiques sont mises en œuvre par la même collectivité : un lien "
                    "« adaptée de » relie deux territoires",
                    'both practices are carried out by the same collectivity: an "adapted from" '
                    "link joins two territories",
                    entry,
                    "source",
                )
            )
    if not errors:
        errors.extend(_cycles(store, wanted, new, entries))
    if errors:
        raise CurationRejected(errors)


def other_links(store: Store) -> set[tuple[URIRef, URIRef]]:
    """``ess:adaptedFrom`` links stated in the other public graphs (survey data, loads)."""
    ours = graph_iri(store)
    return {
        (URIRef(str(r["p"])), URIRef(str(r["s"])))
        for r in store.select(
            PREFIXES + "SELECT DISTINCT ?g ?p ?s WHERE { GRAPH ?g { ?p ess:adaptedFrom ?s } }"
        )
        if URIRef(str(r["g"])) != ours and store.is_public(URIRef(str(r["g"])))
    }


def _cycles(
    store: Store,
    wanted: Sequence[Adaptation],
    new: Sequence[Adaptation],
    entries: dict[tuple[URIRef, URIRef], Entry],
) -> list[IngestError]:
    """A link whose source leads back, link after link, to its practice closes a cycle."""
    edges: dict[URIRef, set[URIRef]] = {}
    for practice, source in other_links(store) | {a.link for a in wanted}:
        edges.setdefault(practice, set()).add(source)
    errors = []
    for item in new:
        path = _path(edges, item.source, item.practice)
        if path is None:
            continue
        shown = " → ".join(practice_key(store.base, p) for p in [item.practice, *path])
        errors.append(
            located_error(
                "cycle",
                f"ce lien ferme un cycle d'adaptations : {shown}",
                f"this link closes a cycle of adaptations: {shown}",
                entries[item.link],
                "source",
            )
        )
        break
    return errors


def _path(edges: dict[URIRef, set[URIRef]], start: URIRef, goal: URIRef) -> list[URIRef] | None:
    """The practices from ``start`` to ``goal`` following links (breadth first), if any."""
    came: dict[URIRef, URIRef | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = [node]
            while (previous := came[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        for nxt in sorted(edges.get(node, ())):
            if nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    return None


@cache
def shapes_graph() -> Graph:
    text = resources.files("shapes").joinpath("adaptation.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def validate(store: Store, graph: Graph, others: set[tuple[URIRef, URIRef]]) -> Report:
    """``shapes/adaptation.ttl`` on the new graph with what it needs: the practices' types
    and collectivities, and the links of the other public graphs (for cycles)."""
    data = Graph()
    data += graph
    for practice, source in others:
        data.add((practice, ESS.adaptedFrom, source))
    for row in store.select(
        PREFIXES + "SELECT ?p ?c WHERE { ?p a ess:Practice OPTIONAL { ?p ess:implementedBy ?c } }"
    ):
        data.add((URIRef(str(row["p"])), RDF.type, ESS.Practice))
        if "c" in row:
            data.add((URIRef(str(row["p"])), ESS.implementedBy, URIRef(str(row["c"]))))
    _conforms, results, _text = pyshacl_validate(
        data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    if not isinstance(results, Graph):  # pragma: no cover - pyshacl's own failure
        raise RuntimeError("pyshacl returned no report graph")
    return Report.from_results_graph(results, base=store.base, shapes=shapes_graph())
