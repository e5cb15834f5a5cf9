"""A field's cells become its `Answer`: parser, code table, multi-select layout.

Every non-empty cell of the field's columns goes into the answer's ``cells``, even when it
selects nothing (a "N" in an option column, "Non concerné" in a grid), so no cell is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from ingest.binding import BoundField
from ingest.normalise import Normalised
from ingest.normalise.amounts import parse_amount
from ingest.normalise.booleans import FALSE_MARKERS, TRUE_MARKERS, parse_boolean
from ingest.normalise.dates import parse_datetime
from ingest.normalise.lists import split_joined, split_list
from ingest.normalise.siren import parse_siren
from ingest.normalise.staff import parse_staff
from ingest.normalise.text import fold
from ingest.normalise.years import parse_year
from ingest.profile_schema import FieldSpec, Parser
from ingest.records import Answer, Cell, Choice, Flag, Value


class Interpreter:
    """Turns cells into answers for one profile (code tables resolved once)."""

    def __init__(self, codes: Mapping[str, Mapping[str, str]]) -> None:
        self.codes = codes
        # Per field spec (specs live as long as the profile binding): folded markers, levels
        # and option labels, computed once.
        self._marker_cache: dict[int, frozenset[str]] = {}
        self._level_cache: dict[int, dict[str, int | None]] = {}
        self._option_cache: dict[int, tuple[str, ...]] = {}

    def table(self, spec: FieldSpec) -> Mapping[str, str]:
        """The field's code table (code → label): inline, named, or the named options'."""
        if isinstance(spec.codes, str):
            return self.codes[spec.codes]
        if spec.codes:
            return spec.codes
        return self.codes[spec.options] if isinstance(spec.options, str) else {}

    def options(self, spec: FieldSpec) -> list[str]:
        """Known option labels: listed, or a code table's labels, or the field's codes'."""
        if isinstance(spec.options, str):
            return list(self.codes[spec.options].values())
        if spec.options:
            return list(spec.options)
        return list(self.table(spec).values())

    def _markers(self, spec: FieldSpec) -> frozenset[str]:
        key = id(spec)
        if key not in self._marker_cache:
            self._marker_cache[key] = frozenset(fold(m) for m in spec.markers)
        return self._marker_cache[key]

    def _levels(self, spec: FieldSpec) -> dict[str, int | None]:
        key = id(spec)
        if key not in self._level_cache:
            self._level_cache[key] = {fold(k): v for k, v in spec.levels.items()}
        return self._level_cache[key]

    def _options(self, spec: FieldSpec) -> tuple[str, ...]:
        key = id(spec)
        if key not in self._option_cache:
            self._option_cache[key] = tuple(self.options(spec))
        return self._option_cache[key]

    def answer(self, bf: BoundField, row: Mapping[int, Cell]) -> Answer | None:
        """The field's answer in this row, or None when all its cells are empty."""
        cells = [row[c.index] for c in bf.columns if c.index in row]
        other = row.get(bf.other) if bf.other is not None else None
        if not cells and other is None:
            return None
        spec = bf.spec
        flags: list[Flag] = []
        value: Value
        if spec.parser in ("choice", "multi_choice", "ranking"):
            value = self._choices(bf, row, flags)
        elif len(cells) == 1:
            parsed = parse_scalar(spec.parser, cells[0].raw, spec)
            value, flags = parsed.value, list(parsed.flags)
        else:
            # Several columns for one scalar field: read them joined, in column order.
            text = "\n".join(c.raw for c in cells)
            parsed = parse_scalar(spec.parser, text, spec)
            value, flags = parsed.value, [*parsed.flags, "several-columns"]
        all_cells = cells + ([other] if other is not None else [])
        return Answer(bf.name, value, all_cells, flags, spec.scheme, spec.personal)

    def _choices(self, bf: BoundField, row: Mapping[int, Cell], flags: list[Flag]) -> Value:
        spec = bf.spec
        table = self.table(spec)
        choices: list[Choice] = []
        layout = spec.layout
        for col in bf.columns:
            cell = row.get(col.index)
            if cell is None:
                continue
            raw = cell.raw.strip()
            if layout == "one_column_per_option":
                if fold(raw) not in self._markers(spec):
                    flags.append("unexpected-marker")
                    continue
                label = table.get(col.code or "", col.option or col.code or raw)
                choices.append(Choice(label, code=col.code))
            elif layout == "label_per_option_column":
                choices.append(Choice(raw, code=col.code))
            elif layout == "grid":
                option = table.get(col.code or "", col.option or col.code or "")
                levels = self._levels(spec)
                if fold(raw) not in levels:
                    flags.append("unknown-level")
                    choices.append(Choice(option, code=col.code, level=raw))
                elif levels[fold(raw)] is not None:
                    choices.append(Choice(option, code=col.code, rank=levels[fold(raw)], level=raw))
            elif layout == "joined":
                for piece in split_joined(raw, spec.separator or ",", self._options(spec)):
                    if piece.option is None:
                        flags.append("other-text")
                    choices.append(
                        self._coded(piece.option or piece.text, piece.option is None, table, spec)
                    )
            else:  # choice, or a ranking column whose cell holds one code or label
                choice = self._code_choice(raw, table, spec, flags)
                if spec.parser == "ranking":
                    rank = col.rank if col.rank is not None else bf.columns.index(col) + 1
                    choice = Choice(choice.label, choice.code, choice.other, rank)
                choices.append(choice)
        other = row.get(bf.other) if bf.other is not None else None
        if other is not None:
            text = other.raw.strip()
            kept = [c for c in choices if not _is_other_marker(c, spec)]
            marker = next((c for c in choices if _is_other_marker(c, spec)), None)
            code = marker.code if marker else None
            texts = split_list(text, [spec.other_separator]) if spec.other_separator else [text]
            choices = [*kept, *(Choice(t, code=code, other=True) for t in texts)]
            flags.append("other-text")
        if spec.parser == "ranking":
            choices.sort(key=lambda c: c.rank or 0)
        return choices

    def _code_choice(
        self, raw: str, table: Mapping[str, str], spec: FieldSpec, flags: list[Flag]
    ) -> Choice:
        """A single answer: a code of the table, else the label as written."""
        if raw in table:
            return Choice(table[raw], code=raw)
        if table and _looks_like_code(raw, table):
            flags.append("unknown-code")
            return Choice(raw, code=raw)
        return Choice(raw)

    @staticmethod
    def _coded(label: str, other: bool, table: Mapping[str, str], spec: FieldSpec) -> Choice:
        code = next((c for c, lab in table.items() if lab == label), None)
        return Choice(label, code=code, other=other)


def _is_other_marker(choice: Choice, spec: FieldSpec) -> bool:
    """Whether a choice is the "Autre" / ``-oth-`` tick replaced by the other column's text."""
    marker = spec.other_code
    if marker is None:
        return False
    return choice.code == marker or fold(choice.label) == fold(marker)


def _looks_like_code(raw: str, table: Mapping[str, str]) -> bool:
    """A short token shaped like the table's codes (A12, SQ003, M7, -oth-)."""
    return len(raw) <= 8 and " " not in raw and any(len(c) == len(raw) for c in table)


def _text(text: str) -> Normalised[str]:
    return Normalised(text.strip())


def _list(separators: list[str]) -> Callable[[str], Normalised[Value]]:
    def parse(text: str) -> Normalised[Value]:
        return Normalised([Choice(p) for p in split_list(text, separators or (";", ","))])

    return parse


def parse_scalar(parser: Parser, text: str, spec: FieldSpec | None = None) -> Normalised[Value]:
    """One value by parser name; choice parsers give a one-element list of choices."""
    result: Normalised[Value]
    if parser == "siren":
        result = parse_siren(text)
    elif parser == "amount_eur":
        result = parse_amount(text)
    elif parser == "fte":
        result = parse_staff(text)
    elif parser == "year":
        result = parse_year(text)
    elif parser == "boolean":
        true = spec.true_markers if spec and spec.true_markers else TRUE_MARKERS
        false = spec.false_markers if spec and spec.false_markers else FALSE_MARKERS
        result = parse_boolean(text, true, false)
    elif parser == "date":
        result = parse_datetime(text, spec.formats if spec else ())
    elif parser == "list":
        result = _list(list(spec.separators) if spec else [])(text)
    elif parser in ("choice", "multi_choice", "ranking"):
        result = Normalised([Choice(text.strip())])
    else:
        result = _text(text)
    return result


def as_decimal(text: str) -> Decimal | None:
    """A plain number ("4", "4.0", "4,5") for completeness thresholds, else None."""
    try:
        return Decimal(text.strip().replace(",", "."))
    except ArithmeticError:
        return None
