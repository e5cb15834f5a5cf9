"""The fast engine: our shapes compiled once by the ``shacl`` package (Rust), data as N-Triples.

pyshacl spends ~70 ms per survey response on our shapes; this engine validates the same
data, SHACL-SPARQL and the SHACL-AF SPARQL target included, 25–35× faster on an ingest
batch. Its results are read back into the same :class:`~shapes.report.ValidationResult`
records pyshacl's give:

- terms come back in N-Triples syntax and are parsed back into rdflib terms; blank nodes
  come back relabelled ``_:0_b{n}``, *n* counting distinct blank nodes in order of first
  appearance in the input, so the N-Triples written here numbers them the same way and the
  labels map back to the caller's own blank nodes (:func:`check_engine` verifies that
  numbering on the installed version before the engine is used);
- messages come back without their language tag: they are taken from the shape's own
  ``sh:message`` (by source shape), which is what pyshacl copies into its report;
- ``sh:resultPath`` is the source shape's ``sh:path`` node, as in pyshacl's report.

Anything this module cannot map back exactly (a parse error, a blank source shape, an unknown
label) raises :class:`Unsupported`, and ``shapes.validate`` then runs pyshacl instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from rdflib import SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from shapes.report import Severity, ValidationResult

__all__ = [
    "Unsupported",
    "available",
    "check_engine",
    "compiled_shapes",
    "read_result",
    "shape_blank_count",
    "shape_info",
    "validate_graphs",
    "vocabularies_text",
]

_SEVERITY: dict[str, Severity] = {"Violation": "violation", "Warning": "warning", "Info": "info"}
_LABEL = re.compile(r"^_:0_b([0-9]+)$")
_LITERAL = re.compile(r'^"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', re.DOTALL)
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf"\'\\]))')
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


class Unsupported(Exception):
    """The engine's output cannot be mapped back exactly: validate with pyshacl instead."""


def available() -> bool:
    """True when the ``shacl`` package is installed and numbers blank nodes as expected."""
    try:
        check_engine()
    except (ImportError, Unsupported):
        return False
    return True


# --- writing N-Triples ----------------------------------------------------------------------


class _Writer:
    """N-Triples text with blank nodes labelled ``_:b{n}`` in order of first appearance."""

    def __init__(self, blanks: dict[BNode, int] | None = None) -> None:
        self.blanks: dict[BNode, int] = dict(blanks or {})
        self._text: dict[Node, str] = {}

    def original(self) -> dict[str, Identifier]:
        """N-Triples text → the term written so (values come back as the caller's terms)."""
        return {text: cast(Identifier, node) for node, text in self._text.items()}

    def term(self, node: Node) -> str:
        text = self._text.get(node)
        if text is not None:
            return text
        if isinstance(node, URIRef):
            text = f"<{node}>"
        elif isinstance(node, BNode):
            n = self.blanks.setdefault(node, len(self.blanks) + 1)
            return f"_:b{n}"
        elif isinstance(node, Literal):
            lexical = (
                str(node)
                .replace("\\", "\\\\")
                .replace('"', '\\"')
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
            if node.language:
                text = f'"{lexical}"@{node.language}'
            elif node.datatype is not None and node.datatype != XSD.string:
                text = f'"{lexical}"^^<{node.datatype}>'
            else:
                text = f'"{lexical}"'
        else:
            raise Unsupported(f"not an RDF term: {node!r}")
        self._text[node] = text
        return text

    def write(self, graph: Graph) -> str:
        term = self.term
        return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph)


@cache
def vocabularies_text(base: str) -> tuple[str, tuple[tuple[BNode, int], ...]]:
    from shapes import vocabularies_graph

    writer = _Writer()
    text = writer.write(vocabularies_graph(base))
    return text, tuple(writer.blanks.items())


# --- the compiled shapes --------------------------------------------------------------------


@dataclass(frozen=True)
class _ShapeInfo:
    path: Identifier | None
    messages: dict[str, list[str]]


@cache
def compiled_shapes() -> Any:
    import shacl

    from shapes import shapes_graph

    return shacl.Shapes.from_turtle(shapes_graph().serialize(format="turtle"))


@cache
def shape_info() -> dict[str, _ShapeInfo]:
    """Per named shape (keyed by its N-Triples form): its ``sh:path`` and its messages."""
    from shapes import shapes_graph

    graph = shapes_graph()
    info: dict[str, _ShapeInfo] = {}
    for shape in {*graph.subjects(SH.message, None), *graph.subjects(SH.path, None)}:
        if not isinstance(shape, URIRef):
            continue
        messages: dict[str, list[str]] = {}
        for holder in (shape, *graph.objects(shape, SH.sparql)):
            for message in graph.objects(holder, SH.message):
                if isinstance(message, Literal):
                    lang = (message.language or "").lower().split("-")[0]
                    messages.setdefault(lang, []).append(str(message))
        path = graph.value(shape, SH.path)
        info[f"<{shape}>"] = _ShapeInfo(path if isinstance(path, Identifier) else None, messages)
    return info


@cache
def check_engine() -> None:
    """Check, once, that blank-node labels come back as this module expects."""
    import shacl

    probe = shacl.Shapes.from_turtle(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:x:> .\n"
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ;"
        " sh:property [ sh:path ex:q ; sh:minCount 1 ] ."
    )
    text = (
        "_:b1 <urn:x:r> _:b2 .\n_:b3 <urn:x:p> _:b1 .\n_:b1 <urn:x:p> _:b4 .\n"
        "_:b2 <urn:x:p> _:b1 .\n_:b3 <urn:x:q> _:b1 .\n"
    )
    report = probe.validate_text(text, "ntriples")
    got = sorted(str(r.focus_node) for r in report.results)
    if got != ["_:0_b1", "_:0_b2"]:
        raise Unsupported(f"blank-node labels not as expected: {got}")


@cache
def shape_blank_count() -> int:
    """How many blank nodes the engine numbers before the data's: those of the compiled
    shapes (``_:0_b{n}`` counts them first), measured once with a derivation that lacks
    every field, so a result's label maps back to the data's own blank node."""
    text = "_:probe <https://w3id.org/essgraph/ontology#forProperty> <urn:essgraph:probe> .\n"
    report = compiled_shapes().validate_text(text, "ntriples")
    numbers = set()
    for item in cast(list[Any], report.results):
        label = _LABEL.match(str(item.focus_node))
        if label is None:
            raise Unsupported(f"unexpected probe result {item.focus_node}")
        numbers.add(int(label.group(1)))
    if len(numbers) != 1:
        raise Unsupported(f"blank-node numbering not understood: {sorted(numbers)}")
    return numbers.pop() - 1


# --- reading results ------------------------------------------------------------------------


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _ECHAR[match.group(3)]

    return _ESCAPE.sub(one, text)


def _term(text: str, blanks: Sequence[BNode | None], original: dict[str, Identifier]) -> Identifier:
    known = original.get(text)
    if known is not None:
        return known
    if text.startswith("<") and text.endswith(">"):
        return URIRef(_unescape(text[1:-1]))
    label = _LABEL.match(text)
    if label:
        n = int(label.group(1))
        node = blanks[n - 1] if 1 <= n <= len(blanks) else None
        if node is None:  # past the data's, or one of the shapes' own blank nodes
            raise Unsupported(f"unknown blank node {text}")
        return node
    literal = _LITERAL.match(text)
    if literal:
        lexical, lang, datatype = literal.groups()
        lexical = _unescape(lexical)
        if lang:
            return Literal(lexical, lang=lang)
        if datatype and datatype != str(XSD.string):
            return Literal(lexical, datatype=URIRef(datatype))
        return Literal(lexical)
    raise Unsupported(f"unreadable term {text!r}")


def read_result(
    item: Any,
    blanks: Sequence[BNode | None],
    original: dict[str, Identifier],
    shapes: dict[str, _ShapeInfo],
) -> ValidationResult:
    """One engine result as a ValidationResult; ``blanks[n - 1]`` is the node ``_:0_b{n}``."""
    shape_text = str(item.source_shape)
    info = shapes.get(shape_text)
    if info is None:
        raise Unsupported(f"result from a shape without a name or message: {shape_text}")
    severity = _SEVERITY.get(str(item.severity))
    if severity is None:
        raise Unsupported(f"unknown severity {item.severity}")
    shape = URIRef(shape_text[1:-1])
    component = URIRef(str(item.component_iri))
    path: Identifier | None = None
    if item.path is not None:
        path = info.path
        if path is None or (isinstance(path, URIRef) and item.path != f"<{path}>"):
            raise Unsupported(f"result path {item.path} is not the path of {shape}")
    by_lang = info.messages
    plain = min(by_lang.get("", []), default=None)
    french = min(by_lang.get("fr", []), default=None)
    english = min(by_lang.get("en", []), default=None)
    fallback = f"{component.fragment or component} ({shape})"
    return ValidationResult(
        focus_node=_term(str(item.focus_node), blanks, original),
        path=path,
        value=None if item.value is None else _term(str(item.value), blanks, original),
        severity=severity,
        message_fr=french or plain or english or fallback,
        message_en=english or plain or french or fallback,
        shape=shape,
        component=component,
    )


def validate_graphs(
    graphs: Iterable[Graph], *, base: str, vocabularies: bool
) -> list[ValidationResult]:
    """Validate the union of ``graphs`` (and of the vocabularies) against every shape."""
    check_engine()
    parts: list[str] = []
    writer = _Writer()
    if vocabularies:
        text, blanks = vocabularies_text(base)
        parts.append(text)
        writer = _Writer(dict(blanks))
    for graph in graphs:
        parts.append(writer.write(graph))
    offset = shape_blank_count()
    order: list[BNode | None] = [None] * (offset + len(writer.blanks))
    for node, n in writer.blanks.items():
        order[offset + n - 1] = node
    try:
        report = compiled_shapes().validate_text("".join(parts), "ntriples")
    except ValueError as error:  # a term the N-Triples parser refuses (e.g. an IRI with a space)
        raise Unsupported(str(error)) from error
    shapes = shape_info()
    original = writer.original()
    return [read_result(item, order, original, shapes) for item in cast(list[Any], report.results)]
