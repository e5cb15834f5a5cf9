"""N-Triples text written as triples are made: the ingest's output, without rdflib graphs.

Adding a triple to an rdflib ``Graph`` costs ~35 µs (indexes, events, term hashing); an
ingest batch makes ~250 triples per survey response, and the store and the SHACL engine both
want N-Triples text anyway. So the builder writes each triple as one line of text here, and
rdflib graphs are only made on demand (tests, the pyshacl fallback, ``BatchResult.graphs``).

Terms are escaped by the N-Triples grammar (``"``, ``\\``, newlines and other control
characters; IRIs with characters N-Triples forbids are refused). Blank nodes get labels
counted per file, so the output is byte-for-byte the same on every run, and each label
first appears in counting order (the SHACL engine's results number blank nodes so).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "Lit",
    "NTriplesError",
    "TripleWriter",
    "boolean",
    "date_time",
    "decimal",
    "g_year",
    "graph_text",
    "integer",
    "iri",
    "literal",
    "parse",
    "term",
]

#: Characters an IRI may not hold in N-Triples (and SPARQL): controls, space, <>"{}|^`\.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
#: Characters escaped in a literal: the quote, the backslash, every control character, and
#: every character past U+00FF ("€", "’", "œ", U+202F): Python then keeps the text one byte
#: per character (Latin-1) instead of two or four, for a few bytes more in rare literals.
_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f\u0100-\U0010ffff]')
_ECHAR = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LANG = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")

_STRING = str(XSD.string)
_BOOLEAN = f"<{XSD.boolean}>"
_INTEGER = f"<{XSD.integer}>"
_DECIMAL = f"<{XSD.decimal}>"
_DATE_TIME = f"<{XSD.dateTime}>"
_G_YEAR = f"<{XSD.gYear}>"


class NTriplesError(ValueError):
    """A term N-Triples cannot write (an IRI with a space, a bad language tag)."""


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code > 0xFFFF:
        return f"\\U{code:08X}"
    return _ECHAR.get(char) or f"\\u{code:04X}"


def _quoted(lexical: str) -> str:
    if _ESCAPED.search(lexical) is None:
        return f'"{lexical}"'
    return f'"{_ESCAPED.sub(_escape_char, lexical)}"'


class Lit:
    """A literal already written as N-Triples, with its lexical form (what reports show)."""

    __slots__ = ("lexical", "nt")

    def __init__(self, nt: str, lexical: str) -> None:
        self.nt = nt
        self.lexical = lexical

    def __str__(self) -> str:
        return self.lexical

    def __repr__(self) -> str:
        return f"Lit({self.nt})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lit) and other.nt == self.nt

    def __hash__(self) -> int:
        return hash(self.nt)


def literal(lexical: str, lang: str | None = None, datatype: str | None = None) -> Lit:
    """A literal: plain string, language-tagged, or typed (``datatype`` an IRI)."""
    quoted = _quoted(lexical)
    if lang:
        if _LANG.match(lang) is None:
            raise NTriplesError(f"not a language tag: {lang!r}")
        return Lit(f"{quoted}@{lang}", lexical)
    if datatype is not None and datatype != _STRING:
        return Lit(f"{quoted}^^{iri(datatype)}", lexical)
    return Lit(quoted, lexical)


def boolean(value: bool) -> Lit:
    text = "true" if value else "false"
    return Lit(f'"{text}"^^{_BOOLEAN}', text)


def integer(value: int) -> Lit:
    return Lit(f'"{value}"^^{_INTEGER}', str(value))


def decimal(value: Decimal) -> Lit:
    """An ``xsd:decimal`` in canonical form ("1500000", "3.5"), as the stores write it back."""
    text = format(value.normalize(), "f")
    return Lit(f'"{text}"^^{_DECIMAL}', text)


def date_time(value: datetime) -> Lit:
    """``xsd:dateTime`` with the lexical form rdflib gives a ``datetime`` (ISO 8601)."""
    text = value.isoformat()
    return Lit(f'"{text}"^^{_DATE_TIME}', text)


def g_year(year: int) -> Lit:
    return Lit(f'"{year}"^^{_G_YEAR}', str(year))


def iri(value: str) -> str:
    """``<value>``; refused when N-Triples cannot hold it."""
    if _BAD_IRI.search(value) is not None:
        raise NTriplesError(f"IRI not writable in N-Triples: {value!r}")
    return f"<{value}>"


def term(node: object) -> str:
    """Any term this module or rdflib makes, as N-Triples; a ``str`` is taken as written."""
    kind = type(node)
    if kind is Lit:
        return node.nt  # type: ignore[attr-defined]
    if kind is str:
        return node  # type: ignore[return-value]
    if kind is URIRef:
        return iri(node)  # type: ignore[arg-type]
    if kind is BNode:
        return f"_:{node}"
    if isinstance(node, Literal):
        datatype = node.datatype
        return literal(str(node), node.language, None if datatype is None else str(datatype)).nt
    if isinstance(node, URIRef):
        return iri(node)
    raise NTriplesError(f"not an RDF term: {node!r}")


class TripleWriter:
    """One graph's N-Triples text, written triple by triple.

    Repeats are dropped within a *scope* (one survey response: ``new_scope``); triples about
    a fresh blank node cannot repeat and are not checked. A triple repeated across scopes
    (two rows with one response id) is written twice, which the store and the SHACL engine
    read as one.
    """

    def __init__(self, blank_prefix: str = "b") -> None:
        self.blank_prefix = blank_prefix
        self.blanks = 0
        self.count = 0
        self._chunks: list[str] = []
        self._lines: list[str] = []
        self._seen: set[str] = set()

    @staticmethod
    def for_source(source_id: str, role: str) -> TripleWriter:
        """Blank labels unique to one file of a batch (one update request holds them all)."""
        digest = hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:10]
        return TripleWriter(f"{role}{digest}x")

    def blank(self) -> str:
        """A new blank node (its N-Triples label)."""
        self.blanks += 1
        return f"_:{self.blank_prefix}{self.blanks}"

    def add(self, triple: tuple[object, object, object]) -> None:
        s, p, o = triple
        subject = term(s)
        line = f"{subject} {term(p)} {term(o)} .\n"
        if subject[0] != "_":
            if line in self._seen:
                return
            self._seen.add(line)
        self._lines.append(line)
        self.count += 1

    def write(self, lines: str, count: int) -> None:
        """``count`` lines written by the caller, which vouches they hold no repeat."""
        self._lines.append(lines)
        self.count += count

    def new_scope(self) -> None:
        """Close the current scope: its lines become one chunk of text."""
        if self._lines:
            self._chunks.append("".join(self._lines))
            self._lines = []
        self._seen.clear()

    def text(self) -> str:
        self.new_scope()
        if len(self._chunks) > 1:
            self._chunks = ["".join(self._chunks)]
        return self._chunks[0] if self._chunks else ""

    def __len__(self) -> int:
        return self.count


def parse(text: str, graph: Graph | None = None) -> Graph:
    """N-Triples text as an rdflib graph (tests, reports, the pyshacl fallback)."""
    graph = Graph() if graph is None else graph
    if text:
        graph.parse(data=text, format="nt")
    return graph


def graph_text(graph: Iterable[tuple[Node, Node, Node]], prefix: str = "g") -> str:
    """An rdflib graph as N-Triples with blank nodes relabelled ``_:{prefix}{n}`` in order of
    first appearance (labels cannot clash with a batch's)."""
    return labelled_text(graph, prefix)[0]


def labelled_text(graph: Iterable[tuple[Node, Node, Node]], prefix: str) -> tuple[str, list[BNode]]:
    """`graph_text` and its blank nodes in label order (``_:{prefix}1`` first)."""
    labels: dict[BNode, str] = {}
    lines = []
    for triple in graph:
        parts = []
        for node in triple:
            if isinstance(node, BNode):
                label = labels.get(node)
                if label is None:
                    label = labels[node] = f"_:{prefix}{len(labels) + 1}"
                parts.append(label)
            else:
                parts.append(term(node))
        lines.append(f"{parts[0]} {parts[1]} {parts[2]} .\n")
    return "".join(lines), list(labels)
