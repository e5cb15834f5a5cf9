"""Comparing resource descriptions across writes, from N-Triples text.

A resource is an IRI under ``{BASE}id/``; its description is every triple it is the subject
of, with the blank nodes it points to (closures such as ``prov:qualifiedDerivation``).
Lines are compared as text where they can be, so a large write is hashed cheaply; blank
nodes are named by a hash of their content (labels differ between serialisations). Lines
that differ only in spelling (the store writes ``1500000.0`` back as ``1500000``) are
compared term by term, so writing the same data again changes nothing.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .change_vocab import XSD
from .errors import StoreError

Description = frozenset[str]


class Lines:
    """N-Triples lines grouped by resource subject, compared as text where they can be.

    Lines are sorted (in C) so each resource's lines are one contiguous, ordered run: a
    resource's digest is the hash of its run. Only lines holding a blank node are read in
    Python, once each: blank nodes are renamed by a hash of their content (labels differ from one
    serialisation to the next). The same triple may be spelt otherwise by the store
    (``"150000"`` for ``"150000.0"``): resources whose lines differ are then compared term
    by term (``same``).
    """

    def __init__(self, resource: str) -> None:
        self.marker = f"<{resource}"
        self.subjects: dict[str, list[str]] = {}
        self.blanks: dict[str, list[str]] = {}  # content name → "p o" of its triples

    def feed(self, text: str, scope: str) -> set[str]:
        """Keep the lines of a document; return the resources it describes.

        Only the lines holding ``_:`` are read in Python, once each; the others are split
        and sorted in C, so each resource's lines are one run.
        """
        lines = text.split("\n")
        holding = [line for line in lines if "_:" in line]
        if holding:  # most ingest lines are derivations: only the others need sorting
            lines = [line for line in lines if "_:" not in line]
        raw: dict[str, list[str]] = {}  # scoped blank node label → "p o" of its triples
        nested: set[str] = set()  # labels whose triples point to further blank nodes
        pointing: list[str] = []
        for line in holding:
            if not line.startswith("_:"):
                pointing.append(line)
                continue
            parts = line.split(" ", 2)  # the usual spelling, read inline: no call per line
            if len(parts) == 3 and parts[2].endswith(" .") and "\t" not in line:
                subject, predicate, obj = parts[0], parts[1], parts[2][:-2]
            else:
                triple = _triple(line)
                if triple is None:
                    continue
                subject, predicate, obj = triple
            key = f"_:{scope}{subject[2:]}"
            if obj.startswith("_:"):
                obj = f"_:{scope}{obj[2:]}"
                nested.add(key)
            rests = raw.get(key)
            if rests is None:
                raw[key] = [f"{predicate} {obj}"]
            else:
                rests.append(f"{predicate} {obj}")
        names: dict[str, str] = {}
        for key, rests in raw.items():
            if key not in nested:
                rests.sort()
                digest = hashlib.blake2b("\n".join(rests).encode("utf-8"), digest_size=12)
                name = names[key] = f"_:h{digest.hexdigest()}"
                self.blanks[name] = rests
        for key in nested:
            self._name(key, raw, names, 0)
        for line in pointing:  # lines pointing to a blank node (or a literal holding "_:")
            triple = _triple(line)
            if triple is None:
                lines.append(line)
                continue
            subject, predicate, obj = triple
            if obj.startswith("_:"):
                key = f"_:{scope}{obj[2:]}"
                obj = names.get(key) or self._name(key, raw, names, 0)
            lines.append(f"{subject} {predicate} {obj} .")
        lines.sort()
        low = bisect.bisect_left(lines, self.marker)
        high = bisect.bisect_left(lines, self.marker[:-1] + chr(ord(self.marker[-1]) + 1))
        found = set()
        while low < high:  # one run per subject: all its lines start with "<iri> "
            subject = lines[low][: lines[low].find(" ")]
            end = bisect.bisect_left(lines, f"{subject}!", low, high)
            self.subjects.setdefault(subject, []).extend(lines[low:end])
            found.add(subject)
            low = end
        return found

    def _name(
        self, label: str, raw: dict[str, list[str]], names: dict[str, str], depth: int
    ) -> str:
        """A blank node's name from its content (nested blank nodes named first)."""
        name = names.get(label)
        if name is None:
            if depth > 8 or label not in raw:  # a cycle, or a node described elsewhere
                return label
            rests = []
            for rest in raw[label]:
                predicate, _, obj = rest.partition(" ")
                if obj.startswith("_:"):
                    obj = self._name(obj, raw, names, depth + 1)
                rests.append(f"{predicate} {obj}")
            rests.sort()
            digest = hashlib.blake2b("\n".join(rests).encode("utf-8"), digest_size=12)
            name = names[label] = f"_:h{digest.hexdigest()}"
            self.blanks[name] = rests
        return name

    def absorb(self, other: Lines) -> None:
        """Take another document's lines."""
        for subject, lines in other.subjects.items():
            self.subjects.setdefault(subject, []).extend(lines)
        self.blanks.update(other.blanks)

    def digest(self, subject: str) -> str:
        """Hash of the resource's lines in one document (sorted by ``feed``)."""
        text = "\n".join(self.subjects[subject])
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def description(self, subject: str) -> Description:
        return frozenset(self.subjects.get(subject, ()))

    def closure(self, subject: str) -> str:
        """The subject's lines and its blank nodes' lines, as N-Triples."""
        out, todo, seen = [], list(self.subjects.get(subject, ())), set()
        while todo:
            line = todo.pop()
            out.append(f"{line}\n")
            obj = line[:-2].split(" ", 2)[-1]
            if obj.startswith("_:") and obj not in seen:
                seen.add(obj)
                todo += [f"{obj} {rest} ." for rest in self.blanks.get(obj, ())]
        return "".join(out)


def _triple(line: str) -> tuple[str, str, str] | None:
    """(subject, predicate, object) of one N-Triples line, the object running to the line's
    final ``.`` (a literal may hold spaces and dots); None for what is no triple (a
    comment: the store's parser judges the rest)."""
    parts = line.split(" ", 2)
    if len(parts) == 3 and parts[2].endswith(" .") and "\t" not in line:
        return parts[0], parts[1], parts[2][:-2]
    found = _TRIPLE.fullmatch(line)
    if found is None:
        return None
    subject, predicate, obj = found.groups()
    return subject, predicate, obj


_TRIPLE = re.compile(r"[ \t]*([^\s#]\S*)[ \t]+(\S+)[ \t]+(.*\S)[ \t]*\.[ \t]*\r?")


def same(subject: str, old: Lines, new: Lines, rest: Lines) -> bool:
    """Whether two descriptions whose lines differ hold the same terms (literals by value)."""
    elsewhere = rest.closure(subject)
    before = _Closure(subject[1:-1])
    before.feed(old.closure(subject) + elsewhere)
    after = _Closure(subject[1:-1])
    after.feed(new.closure(subject) + elsewhere)
    return before.description(subject[1:-1]) == after.description(subject[1:-1])


class _Closure:
    """One resource's triples parsed by pyoxigraph, compared term by term."""

    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.subjects: dict[str, list[tuple[str, object]]] = {}
        self.blanks: dict[str, list[tuple[str, object]]] = {}
        self._names: dict[str, str] = {}

    def feed(self, text: str) -> None:
        try:
            triples = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise StoreError(
                f"Écriture refusée, données invalides : {exc}",
                f"Write refused, invalid data: {exc}",
                code="write-failed",
            ) from exc
        for triple in triples:
            subject, predicate, obj = triple.subject, str(triple.predicate), triple.object
            if isinstance(subject, ox.NamedNode) and subject.value == self.resource:
                self.subjects.setdefault(subject.value, []).append((predicate, _scoped(obj)))
            elif isinstance(subject, ox.BlankNode):
                self.blanks.setdefault(subject.value, []).append((predicate, _scoped(obj)))

    def description(self, subject: str) -> Description:
        return frozenset(f"{p} {self._term(o, 0)}" for p, o in self.subjects.get(subject, ()))

    def _term(self, term: object, depth: int) -> str:
        if isinstance(term, str):  # a blank node label
            return self._blank(term, depth)
        return _canonical(term)

    def _blank(self, key: str, depth: int) -> str:
        name = self._names.get(key)
        if name is None:
            if depth > 8:  # a cycle of blank nodes: name it by its label
                return f"_:{key}"
            lines = sorted(f"{p} {self._term(o, depth + 1)}" for p, o in self.blanks.get(key, ()))
            digest = hashlib.blake2b("\n".join(lines).encode("utf-8"), digest_size=12)
            name = self._names[key] = f"_:{digest.hexdigest()}"
        return name


def _scoped(term: object) -> object:
    return term.value if isinstance(term, ox.BlankNode) else term


_INTEGERS = {f"{XSD}{n}" for n in ("integer", "int", "long", "short", "byte")} | {
    f"{XSD}{n}Integer" for n in ("nonNegative", "positive", "negative", "nonPositive")
}


def _canonical(term: object) -> str:
    """A term's N-Triples form, literals by value: the store rewrites their lexical form."""
    if not isinstance(term, ox.Literal):
        return str(term)
    if term.language:
        return f"{json.dumps(term.value, ensure_ascii=False)}@{term.language.lower()}"
    datatype = term.datatype.value
    value = term.value
    try:
        if datatype == f"{XSD}decimal":
            value = format(Decimal(value).normalize(), "f")
        elif datatype in _INTEGERS:
            value = str(int(value))
        elif datatype == f"{XSD}boolean":
            value = "true" if value.strip() in ("true", "1") else "false"
        elif datatype in (f"{XSD}double", f"{XSD}float"):
            value = repr(float(value))
        elif datatype == f"{XSD}dateTime":
            parsed = datetime.fromisoformat(value)
            value = (parsed.astimezone(UTC) if parsed.tzinfo else parsed).isoformat()
    except (ValueError, InvalidOperation):
        pass  # not a valid lexical form: compared as written
    if datatype == f"{XSD}string":
        return json.dumps(value, ensure_ascii=False)
    return f"{json.dumps(value, ensure_ascii=False)}^^<{datatype}>"
