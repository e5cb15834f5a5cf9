"""Accounting for one response's cells: qualified derivations, raw answers, report
entries, and the reconciled facts (choices, amounts) built on them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import URIRef

from ingest import vocabulary_nt as V
from ingest.build_cells import (
    choices_of,
    pair_cells,
    show,
)
from ingest.dedup import Role
from ingest.ntriples import (
    Lit,
    boolean,
    decimal,
    integer,
    iri,
    literal,
    term,
)
from ingest.reconcile import Match
from ingest.records import (
    Amount,
    Answer,
    Cell,
    CellRef,
    Choice,
    ResponseRecord,
)
from ingest.report import Entry, ResponseReport

if TYPE_CHECKING:
    from ingest.build import FileBuilder


class ResponseAccount:
    """One response's accounting: every cell ends mapped (a fact and its qualified
    derivation) or raw (an ``ess:RawAnswer``); reconciled choices and amounts."""

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
        shown = show(answer.value)
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
        for choice in choices_of(answer.value):
            cells = pair_cells(choice, answer.cells)
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
