"""Responses describing one collectivity, across every file of a batch: which one is kept.

Responses are grouped on their valid SIREN first; a response without one joins the SIREN
group whose members share its normalised name key (when exactly one does), else a group of
its own name key. Two different SIRENs never merge, whatever their names. In each group the
latest complete response is kept (ties: more non-empty cells, then later file in the batch,
then later row); the others are superseded by it (provenance only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ingest.normalise.names import display_name, name_key
from ingest.records import ResponseRecord, Siren

RecordRef = tuple[str, str]  # (source_id, response_id)


@dataclass
class Group:
    """One collectivity as the batch sees it."""

    key: str  # the collectivity key: SIREN, else name key
    reason: str  # "siren" or "name"
    siren: str | None
    members: list[RecordRef] = field(default_factory=list)
    winner: RecordRef | None = None
    names: list[str] = field(default_factory=list)  # display names, the official one first
    #: The one response that states each name, and the SIREN, in the public graphs (the
    #: kept response when it gives it): a fact stated in two source graphs would show twice
    #: in the union default graph. The other responses only back it with a derivation.
    name_stater: dict[str, RecordRef] = field(default_factory=dict)
    siren_stater: RecordRef | None = None


@dataclass(frozen=True)
class Role:
    """What dedup decided about one response."""

    group: Group
    kept: bool
    superseded_by: RecordRef | None


def record_siren(record: ResponseRecord) -> str | None:
    answer = record.answers.get("siren")
    if answer is not None and isinstance(answer.value, Siren):
        return answer.value.value
    return None


def record_name(record: ResponseRecord) -> str | None:
    answer = record.answers.get("collectivity_name")
    if answer is not None and isinstance(answer.value, str) and answer.value.strip():
        return display_name(answer.value)
    return None


def _rank(record: ResponseRecord, order: int) -> tuple[bool, datetime, int, int, int]:
    submitted = record.submitted or datetime.min
    if submitted.tzinfo is not None:
        submitted = submitted.replace(tzinfo=None)
    return (
        record.completeness == "complete",
        submitted,
        record.cell_count(),
        order,
        record.row,
    )


def _name_rank(name: str, given: list[str]) -> tuple[int, bool, int, int]:
    """The official name is the one most often given; ties go to the fullest spelling not
    in capitals ("Métropole de Bellerive" before "Bellerive Métropole", "Ville d'Orlenne"
    before "ORLENNE"), then to the kept response's."""
    return (-given.count(name), name.isupper(), -len(name), given.index(name))


def deduplicate(files: list[list[ResponseRecord]]) -> dict[RecordRef, Role]:
    """Group the batch's responses (files in batch order) and pick the one kept per group."""
    by_siren: dict[str, Group] = {}
    by_name: dict[str, Group] = {}
    ranks: dict[RecordRef, tuple[bool, datetime, int, int, int]] = {}
    names: dict[RecordRef, str | None] = {}
    nameless_keys: dict[RecordRef, str] = {}
    sirens: dict[RecordRef, str | None] = {}
    for order, records in enumerate(files):
        for record in records:
            ref = (record.source_id, record.response_id)
            ranks[ref] = _rank(record, order)
            names[ref] = record_name(record)
            siren = sirens[ref] = record_siren(record)
            if siren is not None:
                group = by_siren.setdefault(siren, Group(siren, "siren", siren))
                group.members.append(ref)
            elif names[ref]:
                nameless_keys[ref] = name_key(names[ref] or "")
    # Name keys of the SIREN groups: a response without SIREN joins the only group it names.
    siren_by_name: dict[str, set[str]] = defaultdict(set)
    for siren, group in by_siren.items():
        for ref in group.members:
            if names[ref]:
                siren_by_name[name_key(names[ref] or "")].add(siren)
    for ref, key in nameless_keys.items():
        candidates = siren_by_name.get(key, set())
        if len(candidates) == 1:
            by_siren[next(iter(candidates))].members.append(ref)
        else:
            by_name.setdefault(key, Group(key, "name", None)).members.append(ref)
    roles: dict[RecordRef, Role] = {}
    for group in [*by_siren.values(), *by_name.values()]:
        group.members.sort(key=lambda r: ranks[r])
        winner = group.members[-1]
        group.winner = winner
        ordered = [winner, *reversed(group.members[:-1])]
        given = [n for n in (names[ref] for ref in ordered) if n]
        group.names = sorted(dict.fromkeys(given), key=lambda n: _name_rank(n, given))
        for ref in ordered:
            name = names[ref]
            if name:
                group.name_stater.setdefault(name, ref)
            if group.siren_stater is None and sirens.get(ref) == group.siren:
                group.siren_stater = ref
        for ref in group.members:
            kept = ref == winner
            roles[ref] = Role(group, kept, None if kept else winner)
    return roles
