"""What the full-text index holds, read from the store: one row per practice or collectivity.

A document is found by its own texts (a practice's title and description, a collectivity's
names) and by the labels of what it points to (levers, themes, modes, collectivity; kind and
region), so a renamed concept changes the rows of the documents linking to it. Everything is
read from the public graph with simple SPARQL patterns joined in Python; an incremental
refresh re-reads only some documents, bound as VALUES blocks of their IRIs (by chunks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from rdflib import Literal as RDFLiteral
from rdflib import URIRef

from ontology import sparql_prefixes

from .base import Store
from .text_words import stem_text

DocKind = Literal["practice", "collectivity"]

#: The text columns of a row, in order, after ``iri`` and ``kind``.
COLUMNS = ("title", "labels", "description", "title_stem", "labels_stem", "description_stem")
#: IRIs per bound query.
CHUNK = 1000

_PREFIXES = sparql_prefixes("ess", "dct", "skos")
#: Simple patterns joined in Python: one SPARQL join over label alternatives took seconds.
#: Each ``%(v)s`` is empty for a full build, or a VALUES block of the resources to re-read,
#: repeated in every branch so the engine starts each branch from them (one block before
#: the UNION was joined after scanning every branch whole).
_OWN_TEXTS = (
    _PREFIXES
    + """
SELECT ?doc ?kind ?field ?text WHERE {
  { %(v)s ?doc a ess:Practice ; dct:title ?text .
    BIND("practice" AS ?kind) BIND("title" AS ?field) }
  UNION
  { %(v)s ?doc a ess:Practice ; dct:description ?text .
    BIND("practice" AS ?kind) BIND("description" AS ?field) }
  UNION
  { %(v)s ?doc a ess:Collectivity ; skos:prefLabel ?text .
    BIND("collectivity" AS ?kind) BIND("title" AS ?field) }
  UNION
  { %(v)s ?doc a ess:Collectivity ; skos:altLabel ?text .
    BIND("collectivity" AS ?kind) BIND("labels" AS ?field) }
}"""
)
#: What a document points to whose labels it is found by: a practice's levers, themes, modes
#: and collectivity; a collectivity's kind and region. Bound on ``?doc`` (the documents to
#: re-read) or ``?target`` (what changed: who links to it).
_LINKS = (
    _PREFIXES
    + """
SELECT ?doc ?target WHERE {
  { %(v)s ?doc a ess:Practice ; ess:usesLever|ess:addressesTheme|ess:modeOfAction ?target }
  UNION { %(v)s ?doc a ess:Practice ; ess:implementedBy ?target }
  UNION { %(v)s ?doc a ess:Collectivity ; ess:collectivityKind|ess:region ?target }
}"""
)
_LABELS = (
    _PREFIXES
    + """
SELECT ?target ?text WHERE {
  { %(v)s ?target a skos:Concept ; skos:prefLabel|skos:altLabel ?text }
  UNION { %(v)s ?target a ess:Collectivity ; skos:prefLabel|skos:altLabel ?text }
}"""
)


def _values(name: str, iris: Iterable[str]) -> str:
    """A VALUES block of IRIs, each escaped by rdflib (the IRIs come from the store)."""
    return f"VALUES ?{name} {{ {' '.join(URIRef(i).n3() for i in iris)} }}"


def _select(
    store: Store, query: str, name: str, iris: Sequence[str] | None
) -> Iterator[dict[str, Any]]:
    """Rows of ``query`` on every resource (``iris`` None) or bound to ``iris`` by chunks."""
    if iris is None:
        yield from store.select(query % {"v": ""})
        return
    for start in range(0, len(iris), CHUNK):
        yield from store.select(query % {"v": _values(name, iris[start : start + CHUNK])})


def read_documents(
    store: Store, only: Sequence[str] | None = None
) -> Iterator[tuple[str, DocKind, dict[str, list[str]]]]:
    """(iri, kind, texts per field) of every practice and collectivity of the public graph,
    or of those among ``only`` (the others are not, or no longer, documents)."""
    docs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[str, DocKind] = {}
    for row in _select(store, _OWN_TEXTS, "doc", only):
        iri = str(row["doc"])
        kinds[iri] = "practice" if str(row["kind"]) == "practice" else "collectivity"
        docs[iri][str(row["field"])].append(str(row["text"]))
    links: list[tuple[str, str]] = [
        (str(row["doc"]), str(row["target"])) for row in _select(store, _LINKS, "doc", only)
    ]
    targets = None if only is None else sorted({target for _, target in links})
    labels: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, _LABELS, "target", targets):
        if isinstance(row.get("text"), RDFLiteral):
            labels[str(row["target"])].append(str(row["text"]))
    for iri, target in links:
        if iri in kinds:
            docs[iri]["labels"].extend(labels.get(target, ()))
    for iri in sorted(kinds):
        yield iri, kinds[iri], docs[iri]


def linking_documents(store: Store, targets: Sequence[str]) -> set[str]:
    """The documents whose labels come from any of ``targets``."""
    return {str(row["doc"]) for row in _select(store, _LINKS, "target", targets)}


def document_rows(store: Store, only: Sequence[str] | None = None) -> Iterator[tuple[str, ...]]:
    """Index rows (iri, kind, then :data:`COLUMNS`) of :func:`read_documents`: texts joined
    per field (labels once each), and their stems."""
    for iri, kind, fields in read_documents(store, only):
        title = " ".join(fields.get("title", []))
        labels = " ".join(dict.fromkeys(fields.get("labels", [])))
        description = " ".join(fields.get("description", []))
        yield (
            iri,
            kind,
            title,
            labels,
            description,
            stem_text(title),
            stem_text(labels),
            stem_text(description),
        )


__all__ = [
    "CHUNK",
    "COLUMNS",
    "DocKind",
    "document_rows",
    "linking_documents",
    "read_documents",
]
