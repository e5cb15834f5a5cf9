"""Reading the change log (``store/changes.py`` writes it): a resource's latest status, and
the events newest first, paged by a cursor.

Each write's events are one change graph ``{BASE}graph/changes/{time}-{commit}``: events
with ``as:object`` (the resource) and, on the commit (the graph's own IRI),
``as:published``, ``ess:dataVersion`` (the commit id) and ``as:target`` (the graph written;
on each event instead when a write's events name different graphs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rdflib import Literal as RDFLiteral
from rdflib import URIRef

from .change_vocab import AS, KINDS, XSD, Kind, changes_prefix, xsd_time
from .sparql_text import ESS

if TYPE_CHECKING:
    from .base import Store


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
    return RDFLiteral(xsd_time(aware), datatype=URIRef(f"{XSD}dateTime"))


def _time(term: object) -> datetime:
    parsed = datetime.fromisoformat(str(term))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
