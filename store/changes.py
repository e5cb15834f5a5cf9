"""The change log: one event per resource whose public description a write changed.

Every write (``Store.replace_ntriples``, and ``drop_graph`` of a public graph) carries more
named graphs, written in the same atomic update, so a failed write records nothing and
readers never see data without its events; none of them is public (``Store.is_public``):
- ``{BASE}graph/changes/{time}-{commit}``: the events of the write, when there are any;
- ``{BASE}graph/changes/state/{graph name}``: one literal with a digest per resource of each
  public graph written, so the next write of that graph knows what changed without reading
  the old graph (a graph without one, written before the log existed, is read whole once).

Only resources whose digest changed in a written graph are compared (``change_diff``) over
the whole public default graph: their old state comes from bound CONSTRUCT queries (a VALUES
block of escaped IRIs, two levels of blank nodes), the new one from the N-Triples text being
written. The events (``change_vocab``) are read back by ``change_events``: on the commit
(the change graph's own IRI) ``as:published`` (UTC ``xsd:dateTime``), ``ess:dataVersion``
(the commit id) and ``as:target`` (the graph written; on each event instead when a write's
events name different graphs).
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef

from .change_diff import Lines, same
from .change_vocab import ACTIVITY, AS, XSD, Kind, changes_prefix, xsd_time
from .errors import StoreError
from .sparql_text import DATA_VERSION, ESS

CONTENT_HASHES = f"{ESS}contentHashes"

if TYPE_CHECKING:
    from .base import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Subjects per bound query: keeps each request's text (and VALUES join) modest.
CHUNK = 2000
_clock = threading.Lock()
_last_time = datetime.min.replace(tzinfo=UTC)


def is_change_graph(store: Store, graph: URIRef) -> bool:
    return str(graph).startswith(changes_prefix(store))


def with_change_log(store: Store, texts: Mapping[URIRef, str], version: str) -> dict[URIRef, str]:
    """``texts`` plus the graphs of the change log (see ``_logged``); data the log cannot
    read (an invalid IRI) is refused like the store refuses it, and nothing is written.
    ``version`` is the data version the write will set: the events' commit id."""
    collecting = gc.isenabled()
    gc.disable()  # millions of short lists of lines: no cycles, and full collections would
    try:  # walk the whole heap of the ingest that is writing, again and again
        return _logged(store, texts, version)
    except ValueError as exc:
        raise StoreError(
            f"Écriture refusée, données invalides : {exc}",
            f"Write refused, invalid data: {exc}",
            code="write-failed",
        ) from exc
    finally:
        if collecting:
            gc.enable()


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
    new, old, rest = Lines(resource), Lines(resource), Lines(resource)
    new_hash: dict[URIRef, dict[str, str]] = {}
    for n, graph in enumerate(public):
        lines = Lines(resource)
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
            lines = Lines(resource)
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
            if before == after or same(subject, old, new, rest):
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
    store: Store, lines: Lines, subjects: list[str], graphs: list[URIRef], scope: str
) -> None:
    """Feed ``lines`` the descriptions of ``subjects`` over ``graphs``, a chunk at a time."""
    if not graphs:
        return
    for start in range(0, len(subjects), CHUNK):
        chunk = (s[1:-1] for s in subjects[start : start + CHUNK])
        lines.feed(_fetch(store, _DESCRIBE % _values("s", chunk), graphs), f"{scope}{start}x")


_WHOLE = "CONSTRUCT WHERE { ?s ?p ?o }"


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
    stamp = ox.Literal(xsd_time(when), datatype=iri(f"{XSD}dateTime"))
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
