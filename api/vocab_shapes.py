"""What the shapes page shows, read from ``shapes/*.ttl``: each named shape grouped by its
file (one file per concern), with its target, name, description, severity, every constraint
and its message in French and English.

Each shape's section is anchored by its local name (``/shapes#PracticeHasFrenchTitle``), the
name a validation report gives; property shapes are shown inside the node shape that lists
them with ``sh:property``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from api.i18n import Lang
from api.vocab_common import Item, exactly_in, term_item, text_in
from shapes import SHAPE_FILES, SHP, shapes_graph, shapes_turtle

SH = Namespace("http://www.w3.org/ns/shacl#")
PAGE = "/shapes"

#: Each shapes file's concern, as the page's group headings name it.
GROUPS: dict[str, tuple[str, str]] = {
    "practice": ("Pratiques et références aux thésaurus", "Practices and thesaurus references"),
    "collectivity": ("Collectivités et numéro SIREN", "Collectivities and SIREN number"),
    "policy": ("Politiques ESS et postes d'élus", "ESS policies and elected officials' posts"),
    "concept": ("Concepts et schémas des thésaurus", "Thesaurus concepts and schemes"),
    "provenance": ("Provenance", "Provenance"),
    "adaptation": ("Adaptations entre territoires", "Adaptations between territories"),
}

SEVERITIES: dict[Node, tuple[str, str, str]] = {
    SH.Violation: ("violation", "violation", "violation"),
    SH.Warning: ("avertissement", "warning", "warning"),
    SH.Info: ("information", "information", "info"),
}

TARGETS: dict[URIRef, tuple[str, str]] = {
    SH.targetClass: ("Instances de", "Instances of"),
    SH.targetSubjectsOf: ("Sujets de", "Subjects of"),
    SH.targetObjectsOf: ("Objets de", "Objects of"),
    SH.targetNode: ("Nœud", "Node"),
    SH.target: ("Cible SPARQL", "SPARQL target"),
}

#: Constraint parameters shown one per line, in this order, with their labels.
PARAMETERS: dict[URIRef, tuple[str, str]] = {
    SH.datatype: ("Type de donnée", "Datatype"),
    SH["class"]: ("Classe des valeurs", "Class of the values"),
    SH.nodeKind: ("Nature des valeurs", "Node kind"),
    SH.node: ("Conforme à la forme", "Conforms to shape"),
    SH.hasValue: ("Valeur exigée", "Required value"),
    SH["in"]: ("Valeurs permises", "Allowed values"),
    SH.languageIn: ("Langues permises", "Allowed languages"),
    SH.uniqueLang: ("Une valeur au plus par langue", "At most one value per language"),
    SH.pattern: ("Motif (expression régulière)", "Pattern (regular expression)"),
    SH.minLength: ("Longueur minimale", "Minimum length"),
    SH.maxLength: ("Longueur maximale", "Maximum length"),
    SH.minInclusive: ("Minimum (inclus)", "Minimum (inclusive)"),
    SH.maxInclusive: ("Maximum (inclus)", "Maximum (inclusive)"),
    SH.minExclusive: ("Minimum (exclu)", "Minimum (exclusive)"),
    SH.maxExclusive: ("Maximum (exclu)", "Maximum (exclusive)"),
    SH.equals: ("Égale à", "Equals"),
    SH.disjoint: ("Disjointe de", "Disjoint from"),
    SH["or"]: ("L'une au moins de ces conditions", "At least one of these conditions"),
    SH["and"]: ("Toutes ces conditions", "All of these conditions"),
    SH.xone: ("Exactement une de ces conditions", "Exactly one of these conditions"),
    SH["not"]: ("Pas cette condition", "Not this condition"),
}
#: How the members of a logical list read.
_JOINERS: dict[URIRef, tuple[str, str]] = {
    SH["or"]: (" ou ", " or "),
    SH["and"]: (" et ", " and "),
    SH.xone: (" ou ", " or "),
}
_CARDINALITY = ("Cardinalité", "Cardinality")
_QUALIFIED = ("Valeurs qualifiées", "Qualified values")
_SPARQL = ("Contrainte SPARQL", "SPARQL constraint")
_PATH = ("Chemin", "Path")
_WORDS = {
    "fr": {"exactly": "exactement {}", "min": "au moins {}", "max": "au plus {}",
           "range": "de {} à {}", "conforming": "valeur(s) conforme(s) à"},
    "en": {"exactly": "exactly {}", "min": "at least {}", "max": "at most {}",
           "range": "{} to {}", "conforming": "value(s) conforming to"},
}  # fmt: skip


@dataclass
class Constraint:
    label: str
    items: list[Item]
    code_block: str | None = None


@dataclass
class ShapeDoc:
    id: str
    iri: str
    node_shape: bool
    name: str
    description: str | None
    severity: str
    severity_class: str
    messages: list[tuple[str, str]]
    targets: list[Constraint] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[ShapeDoc] = field(default_factory=list)
    property_links: list[Item] = field(default_factory=list)


@dataclass
class ShapeGroup:
    id: str
    file: str
    title: str
    shapes: list[ShapeDoc]


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "fr" else pair[1]


def _cardinality(low: Node | None, high: Node | None, lang: Lang) -> str | None:
    words = _WORDS[lang]
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        if str(low) == str(high):
            return words["exactly"].format(low)
        return words["range"].format(low, high)
    return words["min"].format(low) if low is not None else words["max"].format(high)


def _value(graph: Graph, node: Node, lang: Lang, separator: str = ", ") -> list[Item]:
    """A parameter's value: a term link, a literal, an RDF list, or a nested shape."""
    if isinstance(node, Literal):
        return [Item(str(node), code=True)]
    if isinstance(node, BNode) and graph.value(node, RDF.first) is not None:
        items: list[Item] = []
        for index, member in enumerate(Collection(graph, node)):
            if index:
                items.append(Item(separator))
            items += _value(graph, member, lang)
        return items
    if isinstance(node, BNode):
        return [Item("[ "), *_inline(graph, node, lang), Item(" ]")]
    return [term_item(node, PAGE, lang)]


def _path(graph: Graph, node: Node, lang: Lang) -> list[Item]:
    """A SHACL property path: ``a / b`` (sequence), ``^a``, ``a | b``, ``a*``…"""
    if isinstance(node, URIRef):
        return [term_item(node, PAGE, lang)]
    if graph.value(node, RDF.first) is not None:
        items: list[Item] = []
        for index, step in enumerate(Collection(graph, node)):
            if index:
                items.append(Item(" / "))
            items += _path(graph, step, lang)
        return items
    for predicate, before, after in (
        (SH.inversePath, "^", ""),
        (SH.zeroOrMorePath, "", "*"),
        (SH.oneOrMorePath, "", "+"),
        (SH.zeroOrOnePath, "", "?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            return [Item(before), *_path(graph, inner, lang), Item(after)]
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        items = []
        for index, step in enumerate(Collection(graph, alternatives)):
            if index:
                items.append(Item(" | "))
            items += _path(graph, step, lang)
        return items
    return [Item(str(node), code=True)]


def _constraints(graph: Graph, shape: Node, lang: Lang) -> list[Constraint]:
    found: list[Constraint] = []
    path = graph.value(shape, SH.path)
    if path is not None:
        found.append(Constraint(_pick(_PATH, lang), _path(graph, path, lang)))
    counts = _cardinality(graph.value(shape, SH.minCount), graph.value(shape, SH.maxCount), lang)
    if counts:
        found.append(Constraint(_pick(_CARDINALITY, lang), [Item(counts)]))
    qualified = graph.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        low, high = (
            graph.value(shape, SH.qualifiedMinCount),
            graph.value(shape, SH.qualifiedMaxCount),
        )
        counts = _cardinality(low, high, lang) or ""
        lead = Item(f"{counts} {_WORDS[lang]['conforming']} ".lstrip())
        found.append(Constraint(_pick(_QUALIFIED, lang), [lead, *_value(graph, qualified, lang)]))
    for parameter, labels in PARAMETERS.items():
        for value in sorted(graph.objects(shape, parameter), key=str):
            joiner = _pick(_JOINERS.get(parameter, (", ", ", ")), lang)
            found.append(Constraint(_pick(labels, lang), _value(graph, value, lang, joiner)))
    for sparql in graph.objects(shape, SH.sparql):
        query = graph.value(sparql, SH.select)
        found.append(Constraint(_pick(_SPARQL, lang), [], _dedent(str(query or ""))))
    return found


def _inline(graph: Graph, node: Node, lang: Lang) -> list[Item]:
    """A blank-node shape on one line: ``Chemin : x ; Langues permises : fr``."""
    items: list[Item] = []
    for index, constraint in enumerate(_constraints(graph, node, lang)):
        if index:
            items.append(Item(" ; "))
        items.append(Item(f"{constraint.label} : " if lang == "fr" else f"{constraint.label}: "))
        items += constraint.items
    return items


def _dedent(text: str) -> str:
    lines = [line for line in text.strip("\n").splitlines()]
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(line[cut:] for line in lines).rstrip()


def _targets(graph: Graph, shape: Node, lang: Lang) -> list[Constraint]:
    found = []
    for predicate, labels in TARGETS.items():
        for value in sorted(graph.objects(shape, predicate), key=str):
            if predicate == SH.target:
                query = graph.value(value, SH.select)
                found.append(Constraint(_pick(labels, lang), [], _dedent(str(query or ""))))
            else:
                found.append(Constraint(_pick(labels, lang), _value(graph, value, lang)))
    return found


def _shape(graph: Graph, iri: URIRef, lang: Lang) -> ShapeDoc:
    severity = SEVERITIES.get(
        graph.value(iri, SH.severity) or SH.Violation, SEVERITIES[SH.Violation]
    )
    local = str(iri)[len(str(SHP)) :]
    messages = [(m_lang, exactly_in(graph, iri, SH.message, m_lang)) for m_lang in ("fr", "en")]
    return ShapeDoc(
        id=local,
        iri=str(iri),
        node_shape=(iri, RDF.type, SH.NodeShape) in graph,
        name=text_in(graph, iri, SH.name, lang) or local,
        description=text_in(graph, iri, SH.description, lang),
        severity=severity[0] if lang == "fr" else severity[1],
        severity_class=severity[2],
        messages=[(m_lang, text) for m_lang, text in messages if text],
        targets=_targets(graph, iri, lang),
        constraints=_constraints(graph, iri, lang),
    )


def _named_shapes(graph: Graph) -> list[URIRef]:
    kinds = (SH.NodeShape, SH.PropertyShape)
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind)}
    return [s for s in found if isinstance(s, URIRef) and str(s).startswith(str(SHP))]


def _group(name: str, union: Graph, lang: Lang, shown: set[str]) -> ShapeGroup:
    text = shapes_turtle(name)
    own = Graph().parse(data=text, format="turtle")

    def position(iri: URIRef) -> tuple[int, str]:
        at = text.find(f"\nshp:{str(iri)[len(str(SHP)) :]}\n")
        return (at if at >= 0 else len(text), str(iri))

    named = sorted(_named_shapes(own), key=position)
    nested = {p for s in named for p in own.objects(s, SH.property) if isinstance(p, URIRef)}
    docs = []
    for iri in named:
        if iri in nested or str(iri) in shown:
            continue
        doc = _shape(union, iri, lang)
        shown.add(str(iri))
        for prop in sorted(union.objects(iri, SH.property), key=lambda p: position(p)):  # type: ignore[arg-type]
            if isinstance(prop, URIRef) and str(prop) not in shown and prop in named:
                doc.properties.append(_shape(union, prop, lang))
                shown.add(str(prop))
            else:
                doc.property_links.append(term_item(prop, PAGE, lang))
        docs.append(doc)
    title = GROUPS.get(name, (name, name))
    return ShapeGroup(
        id=f"file-{name}", file=f"shapes/{name}.ttl", title=_pick(title, lang), shapes=docs
    )


@cache
def shapes_doc(lang: Lang) -> list[ShapeGroup]:
    """The page's groups in ``lang`` (cached: the shapes are package data)."""
    union = shapes_graph()
    shown: set[str] = set()
    return [_group(name, union, lang, shown) for name in SHAPE_FILES]
