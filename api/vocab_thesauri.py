"""What the thesauri page shows: every SKOS concept scheme with its concept tree (notation,
labels in French and English, definition), read from ``ontology/thesauri/*.ttl`` parsed
against the deployment base, so the IRIs shown are the ones this deployment serves.

Anchors: the scheme's key (``#levers``) and each concept's ``{kind}-{key}``
(``#lever-L5.1``), taken from its IRI under ``{BASE}id/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from rdflib import RDF, SKOS, Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from api.i18n import Lang
from api.vocab_common import exactly_in, fold, other, text_in
from ontology import THESAURI, thesauri_graph


@dataclass
class ConceptDoc:
    id: str
    iri: str
    notation: str
    label: str
    other_label: str | None
    alt_labels: list[str]
    definition: str | None
    children: list[ConceptDoc] = field(default_factory=list)


@dataclass
class SchemeDoc:
    id: str
    iri: str
    title: str
    other_title: str | None
    definition: str | None
    source: str | None
    count: int
    top: list[ConceptDoc]


def _anchor(iri: str, base: str) -> str:
    """``{BASE}id/lever/L5.1`` → ``lever-L5.1``; anything else → a safe slug of the IRI."""
    tail = iri[len(base) + 3 :] if iri.startswith(f"{base}id/") else iri
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail.replace("/", "-", 1)).strip("-")


def _notation_key(text: str) -> tuple[tuple[int, object], ...]:
    """Natural order: L2 before L10, 2 before 11."""
    parts = re.split(r"(\d+)", text)
    return tuple((0, int(p)) if p.isdigit() else (1, fold(p)) for p in parts if p)


def _concept(graph: Graph, iri: Node, base: str, lang: Lang, seen: set[Node]) -> ConceptDoc:
    seen.add(iri)
    notation = str(graph.value(iri, SKOS.notation) or "")
    alt = sorted(
        str(a) for a in graph.objects(iri, SKOS.altLabel) if getattr(a, "language", None) == lang
    )
    children_iris = set(graph.objects(iri, SKOS.narrower)) | set(graph.subjects(SKOS.broader, iri))
    children = [
        _concept(graph, child, base, lang, seen) for child in children_iris if child not in seen
    ]
    return ConceptDoc(
        id=_anchor(str(iri), base),
        iri=str(iri),
        notation=notation,
        label=text_in(graph, iri, SKOS.prefLabel, lang) or notation or str(iri),
        other_label=exactly_in(graph, iri, SKOS.prefLabel, other(lang)),
        alt_labels=alt,
        definition=text_in(graph, iri, SKOS.definition, lang),
        children=sorted(children, key=lambda c: _notation_key(c.notation or c.label)),
    )


def _title(graph: Graph, scheme: Node, lang: str) -> str | None:
    return text_in(graph, scheme, SKOS.prefLabel, lang) or text_in(
        graph, scheme, DCTERMS.title, lang
    )


@cache
def thesauri_doc(lang: Lang, base: str) -> list[SchemeDoc]:
    """Every scheme with its tree in ``lang`` (cached per base: package data)."""
    graph = thesauri_graph(base)
    schemes = []
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        assert isinstance(scheme, URIRef)  # noqa: S101 - the thesauri name their schemes
        tops = set(graph.objects(scheme, SKOS.hasTopConcept)) | set(
            graph.subjects(SKOS.topConceptOf, scheme)
        )
        seen: set[Node] = set()
        top = [_concept(graph, t, base, lang, seen) for t in tops]
        members = set(graph.subjects(SKOS.inScheme, scheme))
        # Concepts of the scheme outside any top concept's tree are shown at the top level.
        top += [
            _concept(graph, m, base, lang, seen)
            for m in sorted(members - seen, key=str)
            if m not in seen
        ]
        iri = str(scheme)
        schemes.append(
            SchemeDoc(
                id=iri.rsplit("/", 1)[-1],
                iri=iri,
                title=_title(graph, scheme, lang) or iri,
                other_title=exactly_in(graph, scheme, SKOS.prefLabel, other(lang)),
                definition=text_in(graph, scheme, SKOS.definition, lang),
                source=text_in(graph, scheme, DCTERMS.source, lang),
                count=len(members | seen),
                top=sorted(top, key=lambda c: _notation_key(c.notation or c.label)),
            )
        )
    rank = {name: index for index, name in enumerate(THESAURI)}
    return sorted(schemes, key=lambda s: (rank.get(s.id, len(rank)), s.id))
