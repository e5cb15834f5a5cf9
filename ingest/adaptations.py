"""Curator-recorded "adapted from" links between practices of different territories.

The links live in one public named graph, ``graph/curated/adaptations``
(``ingest.adaptation_records``), rewritten whole by every change in one atomic
``replace_graphs``, so the change log records it and ETags move; a change that changes
nothing writes nothing. Every change is checked against the store first
(``ingest.adaptation_checks``: every error of a file at once, with file, row and column),
then validated with ``shapes/adaptation.ttl``; nothing is written on any error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from rdflib import URIRef

from ingest.adaptation_checks import check, other_links, validate
from ingest.adaptation_records import (
    COLUMNS,
    GRAPH_NAME,
    Adaptation,
    CurationRejected,
    Entry,
    build_graph,
    current,
    graph_iri,
    located_error,
    parse,
    practice_key,
    read_csv,
)
from shapes.report import Report
from store import Store

__all__ = [
    "COLUMNS",
    "GRAPH_NAME",
    "Adaptation",
    "CurationNotConform",
    "CurationRejected",
    "Entry",
    "Outcome",
    "add",
    "current",
    "graph_iri",
    "import_entries",
    "load_demo_adaptations",
    "practice_key",
    "read_csv",
    "remove",
]

DEMO_FILE = "demo/adaptations.csv"


@dataclass
class Outcome:
    """What a change did (or would do, on a dry run)."""

    added: list[Adaptation] = field(default_factory=list)
    removed: list[Adaptation] = field(default_factory=list)
    unchanged: list[Adaptation] = field(default_factory=list)
    written: bool = False
    version: str | None = None


class CurationNotConform(Exception):
    """The graph the change would write does not conform to ``shapes/adaptation.ttl``."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(report.summary("en"))


def apply(store: Store, wanted: Sequence[Adaptation], *, dry_run: bool = False) -> Outcome:
    """Make the curated graph hold exactly ``wanted`` (already checked), validated, in one
    atomic write; no write at all when nothing changes (same graph, no change event)."""
    before = {a.link: a for a in current(store)}
    after = {a.link: a for a in wanted}
    outcome = Outcome(
        added=[a for k, a in after.items() if before.get(k) != a],
        removed=[a for k, a in before.items() if k not in after],
        unchanged=[a for k, a in after.items() if before.get(k) == a],
    )
    if not outcome.added and not outcome.removed:
        return outcome
    graph = build_graph(store.base, sorted(after.values(), key=lambda a: str(a.link)))
    report = validate(store, graph, other_links(store))
    if not report.conforms:
        raise CurationNotConform(report)
    if not dry_run:
        store.replace_graphs({graph_iri(store): graph})
        outcome.written, outcome.version = True, store.data_version()
    return outcome


def add(store: Store, entry: Entry, *, today: date | None = None) -> Outcome:
    """Record one link; an already recorded link is refused (remove it first)."""
    (item,) = parse(store.base, [entry], today=today)
    existing = current(store)
    if any(a.link == item.link for a in existing):
        raise CurationRejected(
            [
                located_error(
                    "duplicate-link",
                    "ce lien est déjà enregistré (retirez-le d'abord)",
                    "this link is already recorded (remove it first)",
                    entry,
                    "source",
                )
            ]
        )
    check(store, [*existing, item], {item.link: entry})
    return apply(store, [*existing, item])


def remove(store: Store, practice: str, source: str) -> Outcome:
    entry = Entry(practice, source, "-")
    (item,) = parse(store.base, [entry])
    existing = current(store)
    kept = [a for a in existing if a.link != item.link]
    if len(kept) == len(existing):
        raise CurationRejected(
            [
                located_error(
                    "no-such-link",
                    "aucun lien enregistré entre ces deux pratiques",
                    "no link recorded between these two practices",
                    entry,
                    "source",
                )
            ]
        )
    return apply(store, kept)


def import_entries(
    store: Store,
    entries: Sequence[Entry],
    *,
    replace_all: bool = False,
    dry_run: bool = False,
    today: date | None = None,
) -> Outcome:
    """Add the links of a file (``replace_all``: the file becomes the whole curated list).

    A row matching a recorded link with the same curator and note (and the same date, or
    none) changes nothing, so importing a file twice writes once. The same link twice in the
    file, or a recorded link with another record (without ``replace_all``), is refused.
    """
    items = parse(store.base, entries, today=today)
    existing = {a.link: a for a in current(store)}
    where: dict[tuple[URIRef, URIRef], Entry] = {}  # row of each link in the file
    changed: dict[tuple[URIRef, URIRef], Entry] = {}  # rows that add or change a link
    errors = []
    wanted: dict[tuple[URIRef, URIRef], Adaptation] = {} if replace_all else dict(existing)
    for item, entry in zip(items, entries, strict=True):
        if item.link in where:
            errors.append(
                located_error(
                    "duplicate-link",
                    f"lien en double (déjà ligne {where[item.link].row})",
                    f"duplicate link (already row {where[item.link].row})",
                    entry,
                    "source",
                )
            )
            continue
        where[item.link] = entry
        old = existing.get(item.link)
        if (
            old is not None
            and (old.curator, old.note) == (item.curator, item.note)
            and (not entry.created.strip() or old.created == item.created)
        ):
            wanted[item.link] = old
            continue
        if old is not None and not replace_all:
            errors.append(
                located_error(
                    "duplicate-link",
                    "ce lien est déjà enregistré avec un autre relevé (retirez-le d'abord, ou "
                    "importez avec --replace)",
                    "this link is already recorded with another record (remove it first, or "
                    "import with --replace)",
                    entry,
                    "source",
                )
            )
            continue
        wanted[item.link] = item
        changed[item.link] = entry
    if errors:
        raise CurationRejected(errors)
    check(store, list(wanted.values()), changed)
    return apply(store, list(wanted.values()), dry_run=dry_run)


def load_demo_adaptations(store: Store) -> Outcome:
    """The bundled demo links (``essgraph/demo/adaptations.csv``), the file as the list."""
    folder = resources.files("essgraph").joinpath(DEMO_FILE)
    with resources.as_file(folder) as path:
        return import_entries(store, read_csv(path), replace_all=True)
