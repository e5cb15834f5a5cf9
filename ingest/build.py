"""Response records → RDF: the public source graph and the private graph of one file.

The graphs are written as N-Triples text while they are built (``ingest.ntriples``), the
form the store and the SHACL engine read; rdflib graphs are only parsed on demand.
IRIs are deterministic (``ingest.keys``); blank nodes are only used for qualified
derivations, labelled by a per-file counter, so a re-ingest writes the same text. Nothing
depends on the clock: ``prov:generatedAtTime`` of a source file is the latest submission
date it holds (the export was generated after it), or, for a file without dates, the
reader's time (then re-ingests differ by that one literal only). Every non-empty cell ends in
exactly one account: ``mapped`` (it backs a stated fact, with a qualified derivation) or
``raw`` (an ``ess:RawAnswer``); personal cells go to the private graph only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property, lru_cache

from rdflib import Graph, URIRef

from ingest import vocabulary_nt as V
from ingest.dedup import Role
from ingest.keys import Iris, slug
from ingest.normalise.names import display_name
from ingest.ntriples import (
    Lit,
    NTriplesError,
    TripleWriter,
    boolean,
    date_time,
    decimal,
    g_year,
    integer,
    iri,
    literal,
    parse,
    term,
)
from ingest.reconcile import SCHEME_PROPERTY, Match, Reconciler
from ingest.records import (
    Amount,
    Answer,
    Cell,
    CellRef,
    Choice,
    PracticeRecord,
    ResponseRecord,
    SourceInfo,
    Staff,
    Year,
)
from ingest.report import Entry, FileReport, ResponseReport
from ontology import ESS, bind_prefixes

#: Fields whose cells are personal data (private graph only), whatever the profile says.
PERSONAL_FIELDS = frozenset({"contact_name", "contact_role", "contact_email", "contact_phone"})
_PERSON_PROPERTY = {
    "contact_name": V.SCHEMA_NAME,
    "contact_role": V.SCHEMA_JOB_TITLE,
    "contact_email": V.SCHEMA_EMAIL,
    "contact_phone": V.SCHEMA_TELEPHONE,
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d .()-]{9,}$")
_MAX_TITLE_KEY = 80
_FIRST_YEAR, _LAST_YEAR = 1945, 2035


@dataclass(frozen=True)
class SourceContext:
    """A file of the batch with what its profile says beyond ``SourceInfo``."""

    info: SourceInfo
    survey_id: str
    survey_title: str | None
    reference_year: int
    personal_fields: frozenset[str] = PERSONAL_FIELDS


@dataclass
class FileBuild:
    """The graphs built from one file (N-Triples text), its report, and where each subject
    came from. ``public``/``private`` parse the text into rdflib graphs, on demand only."""

    context: SourceContext
    public_text: str
    private_text: str
    report: FileReport
    origins: dict[URIRef, ResponseReport] = field(default_factory=dict)
    collectivities: set[URIRef] = field(default_factory=set)
    #: Blank nodes of the public text: labelled ``_:{blank_prefix}{n}``, n = 1…blanks.
    blank_prefix: str = "b"
    blanks: int = 0

    @cached_property
    def public(self) -> Graph:
        return bind_prefixes(parse(self.public_text))

    @cached_property
    def private(self) -> Graph:
        return bind_prefixes(parse(self.private_text))


def _choices(value: object) -> list[Choice]:
    if isinstance(value, list):
        return [v if isinstance(v, Choice) else Choice(label=str(v)) for v in value]
    if isinstance(value, Choice):
        return [value]
    if isinstance(value, str) and value.strip():
        return [Choice(label=value.strip())]
    return []


def _text(value: object) -> str | None:
    if isinstance(value, Choice):
        return value.label.strip() or None
    if isinstance(value, str):
        text = re.sub(r"[ \t]+", " ", value).strip()
        return text or None
    return None


def _year_value(value: object) -> tuple[int | None, list[str]]:
    if isinstance(value, Year):
        return value.value, []
    if isinstance(value, datetime):
        return value.year, []
    if isinstance(value, int) and not isinstance(value, bool):
        return value, []
    return None, []


@lru_cache(maxsize=65536)
def _fold_plain(text: str) -> str:
    from ingest.keys import fold

    return re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()


def _pair_cells(choice: Choice, cells: list[Cell]) -> list[Cell]:
    """The cells a choice was read from: by raw text, code, then column header."""
    if len(cells) == 1:
        return list(cells)
    label = _fold_plain(choice.label)
    code = (choice.code or "").casefold()
    found = [
        c
        for c in cells
        if (label and label in _fold_plain(c.raw))
        or (code and c.raw.strip().casefold() == code)
        or (code and f"[{code}]" in c.ref.column.casefold())
    ]
    if not found and label:
        found = [c for c in cells if label and label in _fold_plain(c.ref.column)]
    if not found and choice.other:
        found = [
            c
            for c in cells
            if "other" in c.ref.column.casefold() or "autre" in _fold_plain(c.ref.column)
        ]
    return found


class _ResponseBuilder:
    """Builds one response's triples and accounts for every one of its cells."""

    def __init__(
        self,
        owner: FileBuilder,
        record: ResponseRecord,
        data_row: int,
        role: Role | None,
    ) -> None:
        self.o = owner
        self.record = record
        self.role = role
        self.iris = owner.iris
        ctx = owner.context
        self.response = self.iris.response(ctx.info.source_id, record.response_id)
        self.response_nt = iri(self.response)
        self.row_nt = integer(data_row).nt
        self.ref = (record.source_id, record.response_id)
        self.mapped: set[CellRef] = set()
        self.raw_cells: set[CellRef] = set()
        self.raw_ordinal: dict[str, int] = {}
        self.data_row = data_row
        group = role.group if role else None
        self.collectivity = self.iris.collectivity(group.key) if group else None
        name = role.group.names[0] if role and role.group.names else None
        self.report = ResponseReport(
            file=ctx.info.file_name,
            source_id=ctx.info.source_id,
            response_id=record.response_id,
            row=record.row,
            data_row=data_row,
            iri=str(self.response),
            collectivity=str(self.collectivity) if self.collectivity else None,
            collectivity_name=name,
            complete=record.completeness == "complete",
            kept=role.kept if role else True,
        )

    # -- accounting ---------------------------------------------------------------------
    def entry(self, kind: str, cell: Cell | None, field_name: str | None, **kw: object) -> Entry:
        entry = Entry(
            kind=kind,  # type: ignore[arg-type]
            file=self.o.context.info.file_name,
            row=cell.ref.row if cell else self.record.row,
            column=cell.ref.column if cell else None,
            letter=cell.ref.letter if cell else None,
            raw=cell.raw if cell and kind != "private" else None,  # personal: graph only
            field=field_name,
            **kw,  # type: ignore[arg-type]
        )
        self.report.entries.append(entry)
        return entry

    def derive(self, subject: URIRef, prop: str, cell: Cell, flags: Iterable[str] = ()) -> None:
        """A qualified derivation: ``prop`` of ``subject`` was read from ``cell``."""
        g = self.o.public
        node = g.blank()  # first written as the object of the first line (label order)
        plain = self.o.plain
        lines = [
            f"{term(subject)} {V.PROV_QUALIFIED_DERIVATION} {node} .\n"
            f"{node} {V.RDF_TYPE} {V.PROV_DERIVATION} .\n"
            f"{node} {V.PROV_ENTITY} {self.response_nt} .\n"
            f"{node} {V.ESS_FOR_PROPERTY} {term(prop)} .\n"
            f"{node} {V.ESS_SOURCE_COLUMN} {plain(cell.ref.column)} .\n"
            f"{node} {V.ESS_SOURCE_ROW} {self.row_nt} .\n"
            f"{node} {V.ESS_RAW_VALUE} {literal(cell.raw).nt} .\n"
        ]
        for flag in sorted(set(flags)):
            lines.append(f"{node} {V.ESS_FLAG} {plain(flag)} .\n")
        g.write("".join(lines), 6 + len(lines))
        self.mapped.add(cell.ref)

    def mapped_fact(
        self,
        subject: URIRef,
        prop: str,
        obj: URIRef | Lit,
        answer: Answer,
        cells: list[Cell] | None = None,
        detail: str = "",
        extra_flags: Iterable[str] = (),
    ) -> None:
        g = self.o.public
        g.add((subject, prop, obj))
        flags = [*answer.flags, *extra_flags]
        for cell in cells if cells is not None else answer.cells:
            self.derive(subject, prop, cell, flags)
            self.entry("mapped", cell, answer.name, detail=detail or str(obj), flags=list(flags))
        self.o.origins.setdefault(subject, self.report)

    def raw(
        self,
        cell: Cell,
        field_name: str | None,
        flags: Iterable[str],
        *,
        text: str | None = None,
        kind: str = "raw",
        suggestions: list[dict[str, object]] | None = None,
        private: bool = False,
    ) -> URIRef:
        """Keep a cell (or one piece of it) as an ``ess:RawAnswer``."""
        ctx = self.o.context.info
        letter = cell.ref.letter
        ordinal = self.raw_ordinal.get(letter, 0) + 1
        self.raw_ordinal[letter] = ordinal
        node = self.iris.raw_answer(ctx.source_id, self.record.response_id, letter, ordinal)
        g = self.o.private if private else self.o.public
        plain = self.o.plain
        n = iri(node)
        lines = [
            f"{n} {V.RDF_TYPE} {V.ESS_RAW_ANSWER} .\n"
            f"{n} {V.PROV_WAS_DERIVED_FROM} {self.response_nt} .\n"
            f"{n} {V.ESS_SOURCE_ROW} {self.row_nt} .\n"
            f"{n} {V.ESS_SOURCE_COLUMN} {plain(cell.ref.column)} .\n"
            f"{n} {V.ESS_RAW_VALUE} {literal(cell.raw).nt} .\n"
        ]
        if text is not None and text != cell.raw:
            # the piece of the cell this is about
            lines.append(f"{n} {V.RDF_VALUE} {literal(text).nt} .\n")
        flags = sorted(set(flags))
        for flag in flags:
            lines.append(f"{n} {V.ESS_FLAG} {plain(flag)} .\n")
        g.write("".join(lines), 4 + len(lines))
        self.raw_cells.add(cell.ref)
        self.entry(
            "private" if private else kind,
            cell,
            field_name,
            detail=str(node) if text is None else f"{text} → {node}",
            flags=flags,
            suggestions=suggestions or [],
        )
        return node

    def raw_answer(self, answer: Answer, flags: Iterable[str] = ()) -> None:
        """Keep an answer's cells as raw answers (its piece of the cell when it has one);
        the report also shows what the normaliser read, for the curator to check."""
        shown = _show(answer.value)
        for cell in answer.cells:
            node = self.raw(cell, answer.name, [*answer.flags, *flags], text=answer.part)
            if shown is not None:
                entry = self.report.entries[-1]
                entry.detail = f"{shown} ({node})"

    def flagged(self, answer: Answer) -> None:
        """Normaliser flags on a mapped answer are listed too, so curators can check them."""
        if answer.flags:
            for cell in answer.cells[:1]:
                self.entry("flagged", cell, answer.name, flags=list(answer.flags))

    # -- the response -------------------------------------------------------------------
    def build(self) -> None:
        g = self.o.public
        ctx = self.o.context
        r = self.record
        g.add((self.response, V.RDF_TYPE, V.ESS_SURVEY_RESPONSE))
        g.add((self.response, V.ESS_RESPONSE_ID, literal(r.response_id)))
        g.add((self.response, V.ESS_SOURCE_ROW, integer(self.data_row)))
        g.add((self.response, V.PROV_WAS_GENERATED_BY, self.o.survey))
        g.add((self.response, V.PROV_HAD_PRIMARY_SOURCE, self.o.source))
        g.add((self.response, V.ESS_IS_COMPLETE, boolean(r.completeness == "complete")))
        if r.submitted is not None:
            g.add((self.response, V.DCTERMS_ISSUED, date_time(r.submitted)))
        if self.collectivity is not None:
            g.add((self.response, V.ESS_RESPONDENT, self.collectivity))
        self.o.origins[self.response] = self.report
        if self.role is not None and self.role.superseded_by is not None:
            winner = self.iris.response(*self.role.superseded_by)
            g.add((self.response, V.ESS_SUPERSEDED_BY, winner))
            self.report.superseded_by = str(winner)
        for problem in r.problems:
            self.entry("flagged", None, None, flags=[problem])
        personal = ctx.personal_fields | PERSONAL_FIELDS
        public_answers: dict[str, Answer] = {}
        for name, answer in r.answers.items():
            if name in personal or answer.personal:
                self.personal(answer)
            elif name == "response_id":
                self.mapped_fact(self.response, V.ESS_RESPONSE_ID, literal(r.response_id), answer)
            elif name == "submitted" and isinstance(answer.value, datetime):
                issued = date_time(answer.value)
                self.mapped_fact(self.response, V.DCTERMS_ISSUED, issued, answer)
                self.flagged(answer)
            else:
                public_answers[name] = answer
        if self.collectivity is None:
            for answer in public_answers.values():
                self.raw_answer(answer, ["no-collectivity"])
            for practice in r.practices:
                for answer in practice.answers.values():
                    self.raw_answer(answer, ["no-collectivity"])
        elif self.role is not None and not self.role.kept:
            self.superseded(public_answers)
        else:
            self.kept(public_answers)
        for cell in r.unmapped:
            private = bool(_EMAIL.search(cell.raw) or _PHONE.match(cell.raw.strip()))
            self.raw(cell, None, ["personal-data"] if private else [], private=private)

    def personal(self, answer: Answer) -> None:
        """Contact details: private graph only, on the person who answered."""
        ctx = self.o.context.info
        person = self.iris.respondent_person(ctx.source_id, self.record.response_id)
        prop = _PERSON_PROPERTY.get(answer.name)
        text = _text(answer.value)
        if prop is None or text is None:
            for cell in answer.cells:
                self.raw(cell, answer.name, ["personal-data", *answer.flags], private=True)
            return
        p = self.o.private
        p.add((self.response, V.PROV_WAS_ATTRIBUTED_TO, person))
        p.add((person, V.RDF_TYPE, V.SCHEMA_PERSON))
        p.add((person, V.RDF_TYPE, V.PROV_AGENT))
        p.add((person, prop, literal(text)))
        for cell in answer.cells:
            self.mapped.add(cell.ref)
            self.entry("private", cell, answer.name, detail=f"{person}", flags=["personal-data"])

    def stated(
        self,
        subject: URIRef,
        prop: str,
        obj: Lit,
        answer: Answer,
        states: bool,
        flags: list[str],
    ) -> None:
        """State a collectivity fact if this response is its stater, else only back it."""
        if states:
            self.mapped_fact(subject, prop, obj, answer, extra_flags=flags)
        else:
            for cell in answer.cells:
                self.derive(subject, prop, cell, [*answer.flags, *flags])
                self.entry("mapped", cell, answer.name, detail=str(obj), flags=list(flags))
        self.o.public.add((subject, V.PROV_WAS_DERIVED_FROM, self.response))

    def name(self, answer: Answer) -> None:
        """The official name (the group's first) is the prefLabel; other names altLabels."""
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return
        group = self.role.group
        value = answer.value
        text = display_name(value) if isinstance(value, str) else ""
        if not text:
            self.raw_answer(answer)
            return
        official = text == group.names[0]
        prop = V.SKOS_PREF_LABEL if official else V.SKOS_ALT_LABEL
        states = group.name_stater.get(text) == self.ref
        flags = [] if official else ["name-variant"]
        self.stated(self.collectivity, prop, literal(text, "fr"), answer, states, flags)

    def siren(self, answer: Answer) -> bool:
        """The group's SIREN, stated once; False when this answer does not give it."""
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return False
        group = self.role.group
        if not group.siren or _siren_of(answer) != group.siren:
            return False
        states = group.siren_stater == self.ref
        self.stated(self.collectivity, V.ESS_SIREN, literal(group.siren), answer, states, [])
        self.flagged(answer)
        return True

    def superseded(self, answers: dict[str, Answer]) -> None:
        """A superseded response: its name variant and SIREN, the rest as raw answers."""
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return
        for name, answer in answers.items():
            if name == "collectivity_name":
                self.name(answer)
                continue
            if name == "siren" and self.siren(answer):
                continue
            self.raw_answer(answer, ["superseded"])
        for practice in self.record.practices:
            for answer in practice.answers.values():
                self.raw_answer(answer, ["superseded"])

    def kept(self, answers: dict[str, Answer]) -> None:
        if self.role is None or self.collectivity is None:  # pragma: no cover - caller checks
            return
        g = self.o.public
        coll = self.collectivity
        group = self.role.group
        ctx = self.o.context
        key = group.key
        self.o.collectivities.add(coll)
        g.add((coll, V.RDF_TYPE, V.ESS_COLLECTIVITY))
        g.add((coll, V.PROV_WAS_DERIVED_FROM, self.response))
        self.o.origins[coll] = self.report
        policy = self.iris.policy(key, ctx.reference_year)
        g.add((policy, V.RDF_TYPE, V.ESS_ESS_POLICY))
        g.add((policy, V.ESS_POLICY_OF, coll))
        g.add((policy, V.ESS_REFERENCE_YEAR, g_year(ctx.reference_year)))
        g.add((policy, V.PROV_WAS_DERIVED_FROM, self.response))
        self.o.origins[policy] = self.report
        if not self.report.complete:
            self.entry("flagged", None, None, flags=["incomplete"])
        handled: set[str] = set()
        policy_levers: list[tuple[Match, Cell]] = []

        name_answer = answers.get("collectivity_name")
        if name_answer is not None:
            handled.add("collectivity_name")
            self.name(name_answer)
        siren_answer = answers.get("siren")
        if siren_answer is not None:
            handled.add("siren")
            if not self.siren(siren_answer):
                self.raw_answer(siren_answer)
        handled |= {"collectivity_kind", "collectivity_kind_other"}
        self.kind(coll, answers.get("collectivity_kind"), answers.get("collectivity_kind_other"))

        delegation = answers.get("has_delegation")
        if delegation is not None:
            handled.add("has_delegation")
            if isinstance(delegation.value, bool):
                self.mapped_fact(
                    policy, V.ESS_HAS_ESS_DELEGATION, boolean(delegation.value), delegation
                )
                self.flagged(delegation)
            else:
                self.raw_answer(delegation)
        title = answers.get("delegation_title")
        if title is not None:
            handled.add("delegation_title")
            text = _text(title.value)
            if text:
                post = self.iris.post(key)
                g.add((post, V.RDF_TYPE, V.ESS_ELECTED_OFFICIAL_POST))
                g.add((post, V.ORG_POST_IN, coll))
                g.add((post, V.PROV_WAS_DERIVED_FROM, self.response))
                g.add((policy, V.ESS_ELECTED_OFFICIAL_POST, post))
                self.o.origins[post] = self.report
                self.mapped_fact(post, V.ESS_DELEGATION_TITLE, literal(text, "fr"), title)
            else:
                self.raw_answer(title)
        budget = answers.get("budget")
        if budget is not None:
            handled.add("budget")
            self.amount(policy, budget)
        staff = answers.get("staff")
        if staff is not None:
            handled.add("staff")
            fte = staff.value
            if isinstance(fte, Staff) and fte.value is not None and fte.value >= 0:
                flags = ["approximate"] if fte.approximate else []
                self.mapped_fact(
                    policy, V.ESS_DEDICATED_STAFF, decimal(fte.value), staff, extra_flags=flags
                )
                self.flagged(staff)
            else:
                self.raw_answer(staff)
        for name, answer in answers.items():
            if name in handled:
                continue
            scheme = answer.scheme or {
                "levers": "levers",
                "themes": "themes",
                "priorities": "themes",
                "modes": "modes",
            }.get(name)
            if scheme is None:
                self.raw_answer(answer, ["unknown-field"])
                continue
            target = coll if scheme in ("collectivity-kinds", "regions") else policy
            override = V.ESS_PRIORITY_THEME if name == "priorities" else None
            matched = self.choices(target, answer, scheme, override)
            if scheme == "levers" and override is None:
                policy_levers.extend(matched)
        for practice in self.record.practices:
            self.practice(coll, key, practice, policy_levers)

    def kind(self, coll: URIRef, kind: Answer | None, other: Answer | None) -> None:
        """Collectivity kind: the option, else the "other" text, reconciled."""
        rec = self.o.reconciler
        for answer in (kind, other):
            if answer is None:
                continue
            for choice in _choices(answer.value):
                found = rec.match("collectivity-kinds", choice)
                if found is None:
                    continue
                cells = [c for a in (kind, other) if a is not None for c in a.cells]
                self.mapped_fact(
                    coll,
                    V.ESS_COLLECTIVITY_KIND,
                    found.concept,
                    answer,
                    cells=cells,
                    detail=f"{found.concept} ({found.via})",
                )
                return
        for answer in (kind, other):
            if answer is not None:
                self.unmatched(answer, "collectivity-kinds", _choices(answer.value))

    def unmatched(self, answer: Answer, scheme: str, choices: list[Choice]) -> None:
        rec = self.o.reconciler
        texts = [c.label for c in choices if c.label] or [answer.cells[0].raw]
        for cell in answer.cells:
            for text in texts:
                suggestions = [
                    {"concept": str(s.concept), "label": s.label, "score": s.score}
                    for s in rec.suggest(scheme, text)
                ]
                self.raw(
                    cell,
                    answer.name,
                    [*answer.flags, "unknown-option"],
                    text=text,
                    kind="unmatched",
                    suggestions=suggestions,
                )

    def choices(
        self, subject: URIRef, answer: Answer, scheme: str, override: str | None
    ) -> list[tuple[Match, Cell]]:
        """Reconcile each choice; unmatched ones become queued raw answers."""
        rec = self.o.reconciler
        matched: list[tuple[Match, Cell]] = []
        unmatched: list[tuple[Choice, list[Cell]]] = []
        backed: set[CellRef] = set()
        for choice in _choices(answer.value):
            cells = _pair_cells(choice, answer.cells)
            found = rec.match(scheme, choice)
            if found is None:
                unmatched.append((choice, cells))
                continue
            prop = override or found.prop
            if override is not None and choice.rank is None:
                # a grid level that ranks nothing ("Non concerné"): kept, not a priority
                for cell in cells:
                    self.raw(cell, answer.name, [*answer.flags, "not-a-priority"])
                    backed.add(cell.ref)
                continue
            if override is not None and found.scheme != "themes":
                unmatched.append((choice, cells))
                continue
            flags = ["other-text"] if choice.other else []
            if choice.rank is not None:
                flags.append(f"rank-{choice.rank}")
            self.mapped_fact(
                subject,
                prop,
                found.concept,
                answer,
                cells=cells,
                detail=f"{found.concept} ({found.via})",
                extra_flags=flags,
            )
            matched.extend((found, c) for c in cells)
            backed |= {c.ref for c in cells}
        for choice, cells in unmatched:
            suggestions = [
                {"concept": str(s.concept), "label": s.label, "score": s.score}
                for s in rec.suggest(scheme, choice.label)
            ]
            flags = [*answer.flags, "unknown-option"]
            if choice.other:
                flags.append("other-text")
            for cell in cells or answer.cells[:1]:
                self.raw(
                    cell,
                    answer.name,
                    flags,
                    text=choice.label,
                    kind="unmatched",
                    suggestions=suggestions,
                )
                backed.add(cell.ref)
        for cell in answer.cells:
            if cell.ref not in backed:
                self.raw(cell, answer.name, [*answer.flags, "unpaired-cell"])
        return matched

    def amount(self, subject: URIRef, answer: Answer) -> None:
        value = answer.value
        if isinstance(value, Amount) and value.value is not None and value.value >= 0:
            approximate = value.approximate or (
                value.low is not None and value.high is not None and value.low != value.high
            )
            flags = ["approximate"] if approximate else []
            self.mapped_fact(
                subject, V.ESS_DEDICATED_BUDGET, decimal(value.value), answer, extra_flags=flags
            )
            if approximate:
                self.o.public.add((subject, V.ESS_AMOUNT_IS_APPROXIMATE, boolean(True)))
            self.flagged(answer)
        else:
            self.raw_answer(answer)

    def practice(
        self,
        coll: URIRef,
        key: str,
        practice: PracticeRecord,
        policy_levers: list[tuple[Match, Cell]],
    ) -> None:
        answers = practice.answers
        title = _text(answers["title"].value) if "title" in answers else None
        description = _text(answers["description"].value) if "description" in answers else None
        practice_levers = [a for a in answers.values() if (a.scheme or a.name) == "levers"]
        problem: str | None = None
        if not title:
            problem = "practice-without-title"
        elif not description:
            problem = "practice-without-description"
        elif not practice_levers and not any(m.prop == ESS.usesLever for m, _ in policy_levers):
            problem = "practice-without-lever"  # a mode of action alone is not a lever
        if problem is not None or not title or not description:
            for answer in answers.values():
                self.raw_answer(answer, [problem or "practice-without-title"])
            return
        title_key = slug(title)[:_MAX_TITLE_KEY].strip("-") or f"action-{practice.slot}"
        if title_key in self.o.practice_keys.setdefault(coll, set()):
            title_key = f"{title_key}-{practice.slot}"
        self.o.practice_keys[coll].add(title_key)
        node = self.iris.practice(key, title_key)
        g = self.o.public
        g.add((node, V.RDF_TYPE, V.ESS_PRACTICE))
        g.add((node, V.ESS_IMPLEMENTED_BY, coll))
        g.add((node, V.PROV_WAS_DERIVED_FROM, self.response))
        self.o.origins[node] = self.report
        self.mapped_fact(node, V.DCTERMS_TITLE, literal(title, "fr"), answers["title"])
        self.mapped_fact(
            node, V.DCTERMS_DESCRIPTION, literal(description, "fr"), answers["description"]
        )
        for name, answer in answers.items():
            if name in ("title", "description"):
                continue
            if name == "start_year":
                year, _ = _year_value(answer.value)
                if year is not None and _FIRST_YEAR <= year <= _LAST_YEAR:
                    self.mapped_fact(node, V.ESS_START_YEAR, g_year(year), answer)
                    self.flagged(answer)
                else:
                    flags = ["year-implausible"] if year is not None else []
                    self.raw_answer(answer, flags)
            elif name == "budget":
                self.amount(node, answer)
            elif name == "partners":
                self.partners(node, answer)
            elif (answer.scheme or name) in SCHEME_PROPERTY:
                self.choices(node, answer, answer.scheme or name, None)
            else:
                self.raw_answer(answer, ["unknown-field"])
        if not practice_levers:
            for match, cell in policy_levers:
                g.add((node, match.prop, match.concept))
                self.derive(node, match.prop, cell, ["levers-from-response"])

    def partners(self, node: URIRef, answer: Answer) -> None:
        """Each partner named becomes an ``ess:Partner`` keyed by its normalised name."""
        value = answer.value
        texts = [_text(v) for v in (value if isinstance(value, list) else [value])]
        names = [n for n in texts if n and slug(n)]
        if not names:
            self.raw_answer(answer)
            return
        g = self.o.public
        for name in names:
            partner = self.iris.partner(name)
            # partners are shared by the file's responses: each fact written once
            if partner not in self.o.partners:
                self.o.partners[partner] = set()
                g.add((partner, V.RDF_TYPE, V.ESS_PARTNER))
            if name not in self.o.partners[partner]:
                self.o.partners[partner].add(name)
                g.add((partner, V.SKOS_PREF_LABEL, literal(name, "fr")))
            g.add((partner, V.PROV_WAS_DERIVED_FROM, self.response))
            self.mapped_fact(node, V.ESS_HAS_PARTNER, partner, answer, detail=f"{partner}")


def _show(value: object) -> str | None:
    """What a normaliser read, for the report: "150000", "1.5", "2015", "200012342"."""
    inner = getattr(value, "value", value)
    if isinstance(value, (Amount, Staff, Year)) or hasattr(value, "digits"):
        return None if inner is None else str(inner)
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and value:
        return ", ".join(c.label if isinstance(c, Choice) else str(c) for c in value)
    return None


def _siren_of(answer: Answer) -> str | None:
    value = answer.value
    return getattr(value, "value", None) if value is not None else None


class FileBuilder:
    """Builds the graphs of one file, response by response."""

    def __init__(self, context: SourceContext, reconciler: Reconciler) -> None:
        self.context = context
        self.reconciler = reconciler
        self.iris = Iris(reconciler.base)
        info = context.info
        self.public = TripleWriter.for_source(info.source_id, "d")
        self.private = TripleWriter.for_source(info.source_id, "p")
        self.origins: dict[URIRef, ResponseReport] = {}
        self.collectivities: set[URIRef] = set()
        self.practice_keys: dict[URIRef, set[str]] = {}
        self.partners: dict[URIRef, set[str]] = {}
        self._plain: dict[str, str] = {}
        self.survey = self.iris.survey(context.survey_id)
        self.source = self.iris.source(info.source_id)
        self.latest: datetime | None = None
        self.report = FileReport(
            file=info.file_name,
            source_id=info.source_id,
            profile=info.profile,
            checksum=info.checksum,
            graph=str(self.iris.source_graph(info.source_id)),
            private_graph=str(self.iris.private_graph(info.source_id)),
            non_empty_cells=info.non_empty_cells,
        )
        self.data_rows = 0
        self.record_cells = 0

    def plain(self, text: str) -> str:
        """A plain literal's N-Triples form, cached (column headers and flags repeat)."""
        nt = self._plain.get(text)
        if nt is None:
            nt = self._plain[text] = literal(text).nt
        return nt

    def add(self, record: ResponseRecord, role: Role | None) -> ResponseReport:
        self.data_rows += 1
        try:
            builder = _ResponseBuilder(self, record, self.data_rows, role)
            builder.build()
        except NTriplesError as error:  # an IRI made from the file that RDF cannot hold
            from ingest.errors import IngestError

            raise IngestError(
                "unwritable-term",
                f"réponse impossible à écrire en RDF : {error}",
                f"response cannot be written as RDF: {error}",
                file=self.context.info.file_name,
                row=record.row,
            ) from error
        self.public.new_scope()
        self.private.new_scope()
        expected = record.cell_count()
        self.record_cells += expected
        accounted = builder.mapped | builder.raw_cells
        self.report.accounted_cells += len(accounted)
        self.report.mapped_cells += len(builder.mapped)
        self.report.raw_cells += len(builder.raw_cells - builder.mapped)
        if record.submitted is not None:
            submitted = record.submitted.replace(tzinfo=None)
            if self.latest is None or submitted > self.latest:
                self.latest = record.submitted
        self.report.responses.append(builder.report)
        if len(accounted) != expected:
            from ingest.errors import IngestError

            raise IngestError(
                "cell-count-mismatch",
                f"{len(accounted)} cellules traitées sur {expected} lues (défaut d'ingest)",
                f"{len(accounted)} cells accounted for out of {expected} read (an ingest bug)",
                file=self.context.info.file_name,
                row=record.row,
            )
        return builder.report

    def finish(self) -> FileBuild:
        ctx = self.context
        info = ctx.info
        g = self.public
        g.add((self.survey, V.RDF_TYPE, V.ESS_SURVEY))
        if ctx.survey_title:
            g.add((self.survey, V.DCTERMS_TITLE, literal(ctx.survey_title, "fr")))
        g.add((self.source, V.RDF_TYPE, V.ESS_SOURCE_FILE))
        g.add((self.source, V.DCTERMS_TITLE, literal(info.file_name)))
        g.add((self.source, V.ESS_CHECKSUM, literal(info.checksum)))
        g.add((self.source, V.ESS_PROFILE, literal(info.profile)))
        when = self.latest or info.read_at
        g.add((self.source, V.PROV_GENERATED_AT_TIME, date_time(when)))
        if self.record_cells != info.non_empty_cells:
            from ingest.errors import IngestError

            raise IngestError(
                "cell-count-mismatch",
                f"les réponses lues portent {self.record_cells} cellules non vides, le lecteur "
                f"en a compté {info.non_empty_cells} (défaut d'ingest)",
                f"the records read hold {self.record_cells} non-empty cells, the reader counted "
                f"{info.non_empty_cells} (an ingest bug)",
                file=info.file_name,
            )
        self.report.triples = len(g)
        self.report.private_triples = len(self.private)
        return FileBuild(
            ctx,
            g.text(),
            self.private.text(),
            self.report,
            self.origins,
            self.collectivities,
            g.blank_prefix,
            g.blanks,
        )


__all__ = ["PERSONAL_FIELDS", "FileBuild", "FileBuilder", "SourceContext"]
