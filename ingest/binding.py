"""A profile meets a file's headers: each field gets its column indexes, or an error.

Exact ``column`` names are matched first (after folding spaces, no-break spaces, apostrophes
and case), then ``pattern``s are searched among the columns still free, so an option pattern
never swallows the "other" column named exactly. A column the profile names that the file
lacks is an IngestError naming the column, the profile key (and its line) and the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.normalise.text import fold, straight_apostrophes
from ingest.profile_schema import SLOT, FieldSpec
from ingest.profiles import KeyPath, Profile, field_specs, profile_error
from ingest.readers.table import Header


@dataclass(frozen=True)
class BoundColumn:
    """A column a field reads, with what its header pattern named (option, code or rank)."""

    index: int
    option: str | None = None
    code: str | None = None
    rank: int | None = None


@dataclass
class BoundField:
    """A field with its columns in this file."""

    name: str
    spec: FieldSpec
    path: KeyPath
    columns: list[BoundColumn] = field(default_factory=list)
    other: int | None = None
    slot: int | None = None


@dataclass
class Binding:
    """Every column the profile reads in this file, by purpose."""

    fields: list[BoundField]
    slots: list[list[BoundField]]
    lines: int | None
    response_id: int | None
    submitted: int | None
    non_empty: list[tuple[str, int | None, str | None]]  # (entry, column, field name)
    at_least: list[tuple[str, float, int | None, str | None]]


class _Matcher:
    """Finds columns by exact header or pattern and remembers which are taken."""

    def __init__(self, profile: Profile, headers: list[Header], file: str) -> None:
        self.profile = profile
        self.headers = headers
        self.file = file
        self.taken: set[int] = set()
        self.by_key: dict[str, list[Header]] = {}
        for h in headers:
            self.by_key.setdefault(h.key, []).append(h)

    def exact(self, column: str, path: KeyPath, *, take: bool = True) -> int:
        candidates = self.by_key.get(fold(column), [])
        free = [h for h in candidates if h.index not in self.taken] or candidates
        if not free:
            raise self.missing(column, path)
        if take:
            self.taken.add(free[0].index)
        return free[0].index

    def pattern(self, pattern: str, path: KeyPath) -> list[tuple[Header, re.Match[str]]]:
        regex = re.compile(straight_apostrophes(pattern), re.IGNORECASE)
        found = []
        for h in self.headers:
            if h.index in self.taken:
                continue
            match = regex.search(h.clean)
            if match:
                found.append((h, match))
                self.taken.add(h.index)
        if not found:
            raise self.missing(pattern, path)
        return found

    def missing(self, column: str, path: KeyPath) -> Exception:
        return profile_error(
            self.profile,
            "missing-column",
            f"aucune colonne « {column} » dans le fichier",
            f'no column "{column}" in the file',
            path,
            file=self.file,
            column=column,
        )


def bind(profile: Profile, headers: list[Header], file: str) -> Binding:
    """Resolve every column the profile names; raise on the first one the file lacks."""
    spec = profile.spec
    m = _Matcher(profile, headers, file)
    response_id = submitted = None
    if spec.response_id is not None:
        response_id = _single(
            m, spec.response_id.column, spec.response_id.pattern, ("response_id",)
        )
    if spec.submitted is not None:
        submitted = _single(m, spec.submitted.column, spec.submitted.pattern, ("submitted",))
    bound: list[BoundField] = []
    slots: list[list[BoundField]] = []
    slot_specs = spec.practices.slots if spec.practices else None
    for path, name, fspec in field_specs(profile):
        if path[0] == "fields":
            bound.append(BoundField(name, fspec, path))
    if slot_specs is not None:
        for n in range(1, slot_specs.count + 1):
            slot = []
            for fname, fspec in slot_specs.fields.items():
                path = ("practices", "slots", "fields", fname)
                slot.append(BoundField(fname, _numbered(fspec, n), path, slot=n))
            slots.append(slot)
    everything = bound + [f for s in slots for f in s]
    # Exact names first, so patterns only see the columns left.
    for bf in everything:
        if bf.spec.column is not None:
            bf.columns.append(BoundColumn(m.exact(bf.spec.column, (*bf.path, "column"))))
        if bf.spec.other_column is not None:
            bf.other = m.exact(bf.spec.other_column, (*bf.path, "other_column"))
    for bf in everything:
        if bf.spec.other_pattern is not None:
            (h, _), *_ = m.pattern(bf.spec.other_pattern, (*bf.path, "other_pattern"))
            bf.other = h.index
    for bf in everything:
        if bf.spec.pattern is not None:
            for h, match in m.pattern(bf.spec.pattern, (*bf.path, "pattern")):
                bf.columns.append(_from_match(h, match, bf))
    lines = None
    if spec.practices and spec.practices.lines:
        lspec = spec.practices.lines
        lines = _single(m, lspec.column, lspec.pattern, ("practices", "lines"))
    names = {bf.name: bf for bf in bound}
    non_empty: list[tuple[str, int | None, str | None]] = []
    for i, entry in enumerate(spec.completeness.non_empty):
        if entry in names:
            non_empty.append((entry, None, entry))
        else:
            path = ("completeness", "non_empty", i)
            non_empty.append((entry, m.exact(entry, path, take=False), None))
    at_least: list[tuple[str, float, int | None, str | None]] = []
    for entry, minimum in spec.completeness.at_least.items():
        if entry in names:
            at_least.append((entry, minimum, None, entry))
        else:
            path = ("completeness", "at_least", entry)
            at_least.append((entry, minimum, m.exact(entry, path, take=False), None))
    return Binding(bound, slots, lines, response_id, submitted, non_empty, at_least)


def _single(m: _Matcher, column: str | None, pattern: str | None, path: KeyPath) -> int:
    """One column by exact name or the first header the pattern finds."""
    if column is not None:
        return m.exact(column, (*path, "column"))
    assert pattern is not None  # noqa: S101 (the schema requires one of the two)
    (h, _), *_ = m.pattern(pattern, (*path, "pattern"))
    return h.index


def _numbered(spec: FieldSpec, n: int) -> FieldSpec:
    """The slot field's spec for slot ``n``: ``{n}`` replaced in its column or pattern."""
    changes = {}
    for attr in ("column", "pattern", "other_column", "other_pattern"):
        value = getattr(spec, attr)
        if value is not None:
            changes[attr] = value.replace(SLOT, str(n))
    return spec.model_copy(update=changes)


def _from_match(h: Header, match: re.Match[str], bf: BoundField) -> BoundColumn:
    """A pattern-found column: the option label (group "option", else the header's last
    part), the code (group "code") or the rank (group "rank")."""
    groups = match.groupdict()
    rank = groups.get("rank")
    option = groups.get("option")
    if option is None and bf.spec.layout in ("label_per_option_column", "one_column_per_option"):
        option = h.parts[-1].strip() if h.parts else h.text
    return BoundColumn(
        h.index,
        option=option.strip() if option else None,
        code=groups.get("code"),
        rank=int(rank) if rank and rank.isdigit() else None,
    )
