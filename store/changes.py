"""The change log: one event per resource whose public description a write changed.

Every write (``Store.replace_ntriples``, and ``drop_graph`` of a public graph) carries more
named graphs, written in the same atomic update, so a failed write records nothing and
readers never see data without its events; none of them is public (``Store.is_public``):
- ``{BASE}graph/changes/{time}-{commit}``: the events of the write, when there are any;
- ``{BASE}graph/changes/state/{graph name}``: one literal with a digest per resource of each
  public graph written, so the next write of that graph knows what changed without reading
  the old graph (a graph without one, written before the log existed, is read whole once).

A resource is an IRI under ``{BASE}id/``; its public description is every triple it is the
subject of in the public default graph, with the blank nodes it points to (closures such as
``prov:qualifiedDerivation``; two levels are read back from the store). Only resources whose
digest changed in a written graph are compared over the whole public default graph: their
old state comes from bound CONSTRUCT queries (a VALUES block of escaped IRIs), the new one
from the N-Triples text being written, with blank nodes named by a hash of their content.
Lines that differ only in spelling (the store writes ``1500000.0`` back as ``1500000``)
are compared term by term, so writing the same data again records nothing.

Events are ActivityStreams 2.0 activities ``as:Create`` (not described before), ``as:Update``
(described differently), ``as:Delete`` (no longer described anywhere public), with
``as:object`` (the resource) and, on the commit (the change graph's own IRI),
``as:published`` (UTC ``xsd:dateTime``), ``ess:dataVersion`` (the commit id) and
``as:target`` (the graph written; on each event instead when a write's events name
different graphs).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox
from rdflib import Literal as RDFLiteral
from rdflib import URIRef

from .errors import StoreError
from .sparql_text import DATA_VERSION, ESS

CONTENT_HASHES = f"{ESS}contentHashes"

if TYPE_CHECKING:
    from .base import Store

AS = "https://www.w3.org/ns/activitystreams#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
Kind = Literal["added", "changed", "withdrawn"]
KINDS: dict[str, Kind] = {
    f"{AS}Create": "added",
    f"{AS}Update": "changed",
    f"{AS}Delete": "withdrawn",
}
ACTIVITY = {kind: iri for iri, kind in KINDS.items()}
#: Subjects per bound query: keeps each request's text (and VALUES join) modest.
CHUNK = 2000
_clock = threading.Lock()
_last_time = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ResourceStatus:
    """When a resource was last modified, and when it was withdrawn if it is now."""

    modified: datetime | None
    withdrawn: datetime | None


@dataclass(frozen=True)
class ChangeEvent:
    """One recorded change of one resource."""

    iri: URIRef
    resource: URIRef
    kind: Kind
    time: datetime
    version: str
    graphs: tuple[URIRef, ...]


def changes_prefix(store: Store) -> str:
    return f"{store.base}graph/changes/"


def is_change_graph(store: Store, graph: URIRef) -> bool:
    return str(graph).startswith(changes_prefix(store))


# -- recording ---------------------------------------------------------------------------
def with_change_log(store: Store, texts: Mapping[URIRef, str], version: str) -> dict[URIRef, str]:
    """``texts`` plus the graphs of the change log (see ``_logged``); data the log cannot
    read (an invalid IRI) is refused like the store refuses it, and nothing is written.
    ``version`` is the data version the write will set: the events' commit id."""
    try:
        return _logged(store, texts, version)
    except ValueError as exc:
        raise StoreError(
            f"Écriture refusée, données invalides : {exc}",
            f"Write refused, invalid data: {exc}",
            code="write-failed",
        ) from exc


def _logged(store: Store, texts: Mapping[URIRef, str], version: str) -> dict[URIRef, str]:
    """``texts`` plus the change graph of this write (when any resource changed) and the
    content hashes of the public graphs it replaces.

    Each replaced graph's resources are hashed; the hashes of its previous version are read
    from its state graph (``graph/changes/state/…``), so only resources whose hash changed
    (candidates) have their old and new descriptions fetched and compared over the whole
    public default graph.
    """
    out = dict(texts)
    public = [g for g in texts if store.is_public(g)]
    if not public:
        return out
    resource = f"{store.base}id/"
    new, old, rest = _Lines(resource), _Lines(resource), _Lines(resource)
    new_hash: dict[URIRef, dict[str, str]] = {}
    for n, graph in enumerate(public):
        lines = _Lines(resource)
        lines.feed(texts[graph], f"n{n}x")
        new_hash[graph] = {s: lines.digest(s) for s in lines.subjects}
        out[state_graph(store, graph)] = _state_text(state_graph(store, graph), new_hash[graph])
        if len(public) == 1:
            new = lines
        else:
            new.absorb(lines)
    existing = store.named_graphs()
    old_hash: dict[URIRef, dict[str, str]] = {}
    indexed = []
    for n, graph in enumerate(g for g in public if g in existing):
        if state_graph(store, graph) in existing:
            old_hash[graph] = _read_state(store, state_graph(store, graph))
            indexed.append(graph)
        else:  # written before the change log existed: hash the whole graph now
            lines = _Lines(resource)
            lines.feed(_fetch(store, _WHOLE, [graph]), f"o{n}x")
            old_hash[graph] = {s: lines.digest(s) for s in lines.subjects}
            old.absorb(lines)
    candidates = sorted(
        {
            s
            for g in public
            for s in old_hash.get(g, {}).keys() | new_hash[g].keys()
            if old_hash.get(g, {}).get(s) != new_hash[g].get(s)
        }
    )
    _fetch_bound(
        store, old, [s for s in candidates if any(s in old_hash[g] for g in indexed)], indexed, "ix"
    )
    untouched = [g for g in existing if store.is_public(g) and g not in texts]
    _fetch_bound(store, rest, candidates, untouched, "rx")
    events: list[tuple[str, str, list[str]]] = []
    for subject in candidates:
        kind: Kind
        if subject not in old.subjects and subject not in rest.subjects:
            kind = "added"
        elif subject not in new.subjects and subject not in rest.subjects:
            kind = "withdrawn"
        else:
            elsewhere = rest.description(subject)
            before = old.description(subject) | elsewhere
            after = new.description(subject) | elsewhere
            if before == after or _same(subject, old, new, rest):
                continue
            kind = "changed"
        graphs = [
            str(g) for g in public if subject in old_hash.get(g, {}) or subject in new_hash[g]
        ]
        events.append((subject[1:-1], ACTIVITY[kind], graphs))
    if events:
        when, commit = _commit_time(), version
        log = URIRef(f"{changes_prefix(store)}{when.strftime('%Y%m%dT%H%M%S%fZ')}-{commit}")
        out[log] = _event_text(log, events, when, commit)
    return out


def without_change_log(store: Store, texts: Mapping[URIRef, str]) -> dict[URIRef, str]:
    """``texts`` dropping the state graphs of the public graphs they replace (their hashes
    would be stale): what a write with the log switched off sends."""
    dropped = {state_graph(store, g): "" for g in texts if store.is_public(g)}
    return {**texts, **dropped}


def state_graph(store: Store, graph: URIRef) -> URIRef:
    """Where the content hashes of a public graph's resources are kept (never public)."""
    name = str(graph).removeprefix(f"{store.base}graph/")
    if name == str(graph):
        name = "iri/" + hashlib.blake2b(name.encode("utf-8"), digest_size=16).hexdigest()
    return URIRef(f"{changes_prefix(store)}state/{name}")


def _state_text(state: URIRef, hashes: dict[str, str]) -> str:
    """One triple, ``<state> ess:contentHashes "<resource> digest\\n…"``: one literal reads
    and writes far faster than a triple per resource. Empty when there is nothing to keep."""
    if not hashes:
        return ""
    payload = "".join(f"{s} {h}\n" for s, h in hashes.items())
    triple = ox.Triple(ox.NamedNode(state), ox.NamedNode(CONTENT_HASHES), ox.Literal(payload))
    body = ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES)
    assert body is not None  # noqa: S101 - no output given: bytes are returned
    return body.decode("utf-8")


def _read_state(store: Store, state: URIRef) -> dict[str, str]:
    query = "SELECT ?hashes WHERE { GRAPH ?state { ?state ?property ?hashes } }"
    rows = store.select(query, {"state": state, "property": URIRef(CONTENT_HASHES)})
    found: dict[str, str] = {}
    for row in rows:
        for line in str(row["hashes"]).split("\n"):
            subject, _, digest = line.rpartition(" ")
            if subject:
                found[subject] = digest
    return found


def _fetch_bound(
    store: Store, lines: _Lines, subjects: list[str], graphs: list[URIRef], scope: str
) -> None:
    """Feed ``lines`` the descriptions of ``subjects`` over ``graphs``, a chunk at a time."""
    if not graphs:
        return
    for start in range(0, len(subjects), CHUNK):
        chunk = (s[1:-1] for s in subjects[start : start + CHUNK])
        lines.feed(_fetch(store, _DESCRIBE % _values("s", chunk), graphs), f"{scope}{start}x")


class _Lines:
    """N-Triples lines grouped by resource subject, compared as text where they can be.

    Lines are sorted (in C) so each resource's lines are one contiguous, ordered run: a
    resource's digest is the hash of its run. Only lines holding a blank node are read in
    Python: blank nodes are renamed by a hash of their content (labels differ from one
    serialisation to the next). The same triple may be spelt otherwise by the store
    (``"150000"`` for ``"150000.0"``): resources whose lines differ are then compared term
    by term (``_same``).
    """

    def __init__(self, resource: str) -> None:
        self.marker = f"<{resource}"
        self.subjects: dict[str, list[str]] = {}
        self.blanks: dict[str, list[str]] = {}  # content name → its lines

    def feed(self, text: str, scope: str) -> set[str]:
        """Keep the lines of a document; return the resources it describes."""
        plain, blank_lines = _split_blank_lines(text)
        lines = plain.split("\n")
        raw: dict[str, list[str]] = {}  # scoped blank node label → "p o" of its triples
        pointing = []
        for line in blank_lines:
            subject, _, rest = _strip(line).partition(" ")
            predicate, _, obj = rest.partition(" ")
            if obj.startswith("_:"):
                rest = f"{predicate} _:{scope}{obj[2:]}"
            if subject.startswith("_:"):
                raw.setdefault(f"_:{scope}{subject[2:]}", []).append(rest)
            elif obj.startswith("_:"):
                pointing.append((subject, predicate, rest.partition(" ")[2]))
            else:
                lines.append(f"{subject} {rest} .")
        names: dict[str, str] = {}
        for subject, predicate, label in pointing:
            lines.append(f"{subject} {predicate} {self._name(label, raw, names, 0)} .")
        for label in raw:
            self._name(label, raw, names, 0)
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
            self.blanks[name] = [f"{name} {rest} ." for rest in rests]
        return name

    def absorb(self, other: _Lines) -> None:
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
                todo += self.blanks.get(obj, [])
        return "".join(out)


def _split_blank_lines(text: str) -> tuple[str, list[str]]:
    """(the text without its lines holding ``_:``, those lines): found with ``str.find``
    so the many plain lines are never looked at one by one in Python."""
    pieces, blank_lines = [], []
    start = 0  # where the plain text not yet kept begins
    hit = text.find("_:")
    while hit >= 0:
        begin = text.rfind("\n", 0, hit) + 1
        end = text.find("\n", hit)
        end = len(text) if end < 0 else end
        pieces.append(text[start:begin])
        blank_lines.append(text[begin:end])
        start = end + 1
        hit = text.find("_:", start)
    pieces.append(text[start:])
    return "".join(pieces), blank_lines


def _strip(line: str) -> str:
    return line.rstrip().removesuffix(".").rstrip()


_WHOLE = "CONSTRUCT WHERE { ?s ?p ?o }"


def _same(subject: str, old: _Lines, new: _Lines, rest: _Lines) -> bool:
    """Whether two descriptions whose lines differ hold the same terms (literals by value)."""
    elsewhere = rest.closure(subject)
    before = _Closure(subject[1:-1])
    before.feed(old.closure(subject) + elsewhere)
    after = _Closure(subject[1:-1])
    after.feed(new.closure(subject) + elsewhere)
    return before.description(subject[1:-1]) == after.description(subject[1:-1])


def _fetch(store: Store, query: str, graphs: list[URIRef]) -> str:
    """A CONSTRUCT over ``graphs`` as N-Triples text (pyoxigraph's serialiser on every
    backend, so literals come back in one canonical form)."""
    answer = store.query_serialized(query, "application/n-triples", default_graph=graphs)
    return answer.body.decode("utf-8")


def _commit_time() -> datetime:
    """Now in UTC, strictly after the previous commit of this process (feed order)."""
    global _last_time
    with _clock:
        now = datetime.now(UTC)
        _last_time = max(now, _last_time + timedelta(microseconds=1))
        return _last_time


def _event_text(
    log: URIRef, events: list[tuple[str, str, list[str]]], when: datetime, commit: str
) -> str:
    """The change graph as N-Triples, every IRI checked and written by pyoxigraph.

    The time, the data version and (when the write replaced one public graph) the graph
    are said once, on the commit (the graph's own IRI); each event is two triples (three
    when it needs its own ``as:target``), so a first load of 10,000 resources stays cheap.
    """
    iri = ox.NamedNode
    commit_node = iri(str(log))
    stamp = ox.Literal(_xsd_time(when), datatype=iri(f"{XSD}dateTime"))
    target = iri(f"{AS}target")
    lines = [
        f"{commit_node} {iri(f'{AS}published')} {stamp} .\n",
        f"{commit_node} {iri(str(DATA_VERSION))} {ox.Literal(commit)} .\n",
    ]
    shared = {tuple(graphs) for _, _, graphs in events}
    common = len(shared) == 1
    if common:
        lines += [f"{commit_node} {target} {iri(g)} .\n" for g in shared.pop()]
    a, obj = iri(RDF_TYPE), iri(f"{AS}object")
    for n, (subject, activity, graphs) in enumerate(events):
        event = iri(f"{log}#e{n}")
        lines.append(f"{event} {a} {iri(activity)} .\n{event} {obj} {iri(subject)} .\n")
        if not common:
            lines += [f"{event} {target} {iri(g)} .\n" for g in graphs]
    return "".join(lines)


def _xsd_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


Description = frozenset[str]


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


def _values(name: str, terms: Iterable[str]) -> str:
    """A VALUES block of IRIs, each checked and written by pyoxigraph (``NamedNode``
    refuses an invalid IRI), so no text reaches the query unescaped."""
    return f"VALUES ?{name} {{ {' '.join(str(ox.NamedNode(t)) for t in terms)} }}"


_DESCRIBE = """CONSTRUCT { ?s ?p ?o . ?b ?p1 ?o1 . ?c ?p2 ?o2 } WHERE {
  %s
  { ?s ?p ?o }
  UNION { ?s ?q ?b . FILTER(isBlank(?b)) ?b ?p1 ?o1 }
  UNION { ?s ?q ?b . FILTER(isBlank(?b)) ?b ?q1 ?c . FILTER(isBlank(?c)) ?c ?p2 ?o2 }
}"""


# -- reading -----------------------------------------------------------------------------
_PREFIXES = f"PREFIX as: <{AS}>\nPREFIX ess: <{ESS}>\n"

_STATUS = (
    _PREFIXES
    + """SELECT ?kind ?time WHERE {
  GRAPH ?log { ?event as:object ?resource ; a ?kind . ?log as:published ?time }
  FILTER(STRSTARTS(STR(?log), ?prefix))
} ORDER BY DESC(?time) LIMIT 1"""
)


def resource_status(store: Store, iri: URIRef) -> ResourceStatus:
    """The latest event of ``iri``: its time, and whether it was a withdrawal."""
    rows = store.select(
        _STATUS, {"resource": iri, "prefix": RDFLiteral(changes_prefix(store))}
    ).rows
    if not rows:
        return ResourceStatus(None, None)
    when = _time(rows[0]["time"])
    withdrawn = KINDS.get(str(rows[0]["kind"])) == "withdrawn"
    return ResourceStatus(when, when if withdrawn else None)


_EVENTS = (
    _PREFIXES
    + """SELECT ?event ?kind ?resource ?time ?version
       (GROUP_CONCAT(STR(?target); separator=" ") AS ?targets) WHERE {
  GRAPH ?log {
    ?log as:published ?time ; ess:dataVersion ?version .
    ?event as:object ?resource ; a ?kind .
    OPTIONAL { ?event as:target ?own }
    OPTIONAL { ?log as:target ?shared }
    BIND(COALESCE(?own, ?shared) AS ?target)
  }
  FILTER(STRSTARTS(STR(?log), ?prefix))
  %s
} GROUP BY ?event ?kind ?resource ?time ?version
ORDER BY DESC(?time) STR(?event) LIMIT %d"""
)
_SINCE = "FILTER(?time > ?since)"
_AFTER = "FILTER(?time < ?until || (?time = ?until && STR(?event) > STR(?last)))"


def events(
    store: Store,
    *,
    since: datetime | None = None,
    after: tuple[datetime, URIRef] | None = None,
    limit: int = 100,
) -> list[ChangeEvent]:
    """Events newest first: later than ``since``, after the cursor ``after`` (an event's
    time and IRI, the last one of the previous page), at most ``limit``."""
    bindings: dict[str, URIRef | RDFLiteral] = {"prefix": RDFLiteral(changes_prefix(store))}
    filters = []
    if since is not None:
        bindings["since"] = _literal_time(since)
        filters.append(_SINCE)
    if after is not None:
        bindings["until"] = _literal_time(after[0])
        bindings["last"] = after[1]
        filters.append(_AFTER)
    query = _EVENTS % ("\n  ".join(filters), int(limit))
    found = []
    for row in store.select(query, bindings):
        kind = KINDS.get(str(row["kind"]))
        if kind is None:
            continue
        targets = str(row.get("targets", "")).split()
        found.append(
            ChangeEvent(
                iri=URIRef(str(row["event"])),
                resource=URIRef(str(row["resource"])),
                kind=kind,
                time=_time(row["time"]),
                version=str(row["version"]),
                graphs=tuple(URIRef(t) for t in sorted(targets)),
            )
        )
    return found


def _literal_time(when: datetime) -> RDFLiteral:
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return RDFLiteral(_xsd_time(aware), datatype=URIRef(f"{XSD}dateTime"))


def _time(term: object) -> datetime:
    parsed = datetime.fromisoformat(str(term))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
