"""The schema of a survey profile (YAML): what a curator may write, and nothing else.

Every model forbids unknown keys, so a typo ("colum:") is an error naming its key path and
line, not a silently ignored setting. Numbers written where text is expected (a code ``1``,
a marker ``1``) are taken as text.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Parser = Literal[
    "text",
    "siren",
    "amount_eur",
    "fte",
    "year",
    "boolean",
    "date",
    "choice",
    "multi_choice",
    "ranking",
    "list",
]
Layout = Literal["one_column_per_option", "label_per_option_column", "joined", "grid"]
SLOT = "{n}"


class Strict(BaseModel):
    """Base of every profile model: unknown keys refused, numbers accepted as text."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def _check_regex(pattern: str | None) -> str | None:
    """A header pattern must compile (it is searched, case-insensitively, in the header)."""
    if pattern is not None:
        try:
            re.compile(pattern.replace(SLOT, "1"))
        except re.error as exc:
            raise ValueError(f"expression régulière invalide / invalid regex: {exc}") from exc
    return pattern


class ReaderSpec(Strict):
    """How to open the file: format, encoding and delimiter (detected when absent)."""

    format: Literal["csv", "xlsx"]
    encoding: str | None = None
    delimiter: str | None = None
    header_rows: int = Field(1, ge=1, le=3)
    sheet: str | None = None
    null_vs_empty: bool = False  # a bare empty CSV field is NULL ("not shown"), "" is empty


class Titles(Strict):
    """A title in French, and in English when known."""

    fr: str
    en: str | None = None


class SourceSpec(Strict):
    """The survey the export belongs to."""

    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$")  # default source id
    survey_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Titles
    reference_year: int = Field(ge=1945, le=2100)


class ColumnSpec(Strict):
    """A column named by its exact header or found by a header pattern."""

    column: str | None = None
    pattern: str | None = None

    _regex = field_validator("pattern")(_check_regex)

    @model_validator(mode="after")
    def _one_way(self) -> ColumnSpec:
        if (self.column is None) == (self.pattern is None):
            raise ValueError("indiquez column ou pattern (un seul) / give column or pattern (one)")
        return self


class SubmittedSpec(ColumnSpec):
    """The submission date column and its formats (strptime), tried in order, then ISO."""

    formats: list[str] = Field(default_factory=list)


class CompletenessSpec(Strict):
    """When a response counts as complete: every condition must hold.

    Entries name a column header or a field of the profile.
    """

    non_empty: list[str] = Field(default_factory=list)
    at_least: dict[str, float] = Field(default_factory=dict)


class FieldSpec(Strict):
    """One field: where it is read (column or pattern), how it is parsed, which scheme."""

    column: str | None = None
    pattern: str | None = None  # regex; groups "option", "code" or "rank" name each column
    parser: Parser = "text"
    scheme: str | None = None
    personal: bool = False
    layout: Layout | None = None
    markers: list[str] = Field(default_factory=list)  # ticks an option column: Y, X, Oui, 1
    true_markers: list[str] = Field(default_factory=list)  # boolean
    false_markers: list[str] = Field(default_factory=list)
    separator: str | None = None  # joined
    separators: list[str] = Field(default_factory=list)  # list
    options: list[str] | str | None = None  # known labels, or the name of a code table
    codes: dict[str, str] | str | None = None  # code → label, or the name of a code table
    other_column: str | None = None
    other_pattern: str | None = None
    other_code: str | None = None  # the code or label meaning "other" (-oth-, Autre)
    other_separator: str | None = None  # several "other" answers joined in the other column
    levels: dict[str, int | None] = Field(default_factory=dict)  # grid: value → rank
    formats: list[str] = Field(default_factory=list)  # date

    _regex = field_validator("pattern", "other_pattern")(_check_regex)

    @model_validator(mode="after")
    def _coherent(self) -> FieldSpec:
        if (self.column is None) == (self.pattern is None):
            raise ValueError("indiquez column ou pattern (un seul) / give column or pattern (one)")
        if self.other_column is not None and self.other_pattern is not None:
            raise ValueError("other_column ou other_pattern, pas les deux / not both")
        many = self.layout in ("one_column_per_option", "label_per_option_column", "grid")
        if self.parser == "multi_choice" and self.layout is None:
            raise ValueError("multi_choice demande un layout / multi_choice needs a layout")
        if self.parser == "ranking" and self.layout not in (None, "grid"):
            raise ValueError("ranking : layout absent ou grid / ranking: no layout, or grid")
        if self.layout is not None and self.parser not in ("multi_choice", "ranking"):
            raise ValueError("layout sert à multi_choice et ranking / layout is for those")
        if many and self.pattern is None:
            raise ValueError(f"le layout {self.layout} demande pattern / needs pattern")
        if self.layout == "joined" and not self.separator:
            raise ValueError("le layout joined demande separator / joined needs separator")
        if self.layout == "one_column_per_option" and not self.markers:
            raise ValueError("one_column_per_option demande markers / needs markers")
        if self.layout == "grid" and not self.levels:
            raise ValueError("le layout grid demande levels / grid needs levels")
        return self


class SlotsSpec(Strict):
    """Repeated practice slots: the fields' columns hold ``{n}``, for n in 1..count (a single
    slot may name its columns as they are)."""

    count: int = Field(ge=1, le=100)
    fields: dict[str, FieldSpec]

    @model_validator(mode="after")
    def _numbered(self) -> SlotsSpec:
        for name, spec in self.fields.items():
            if self.count > 1 and SLOT not in (spec.column or spec.pattern or ""):
                raise ValueError(f"{name} : la colonne doit contenir {{n}} / column needs {{n}}")
        return self


class LinesSpec(ColumnSpec):
    """One more practice per line of a multi-line cell, split into fields.

    ``fields`` maps each part, in order, to a field name and parser; the first separator of
    ``separators`` found in a line splits it; extra parts go to the ``overflow`` field.
    """

    separators: list[str] = Field(default_factory=lambda: [";", ","])
    fields: dict[str, Parser]
    overflow: str | None = None
    list_separators: list[str] = Field(default_factory=lambda: [";", ","])

    @model_validator(mode="after")
    def _overflow_known(self) -> LinesSpec:
        if self.overflow is not None and self.overflow not in self.fields:
            raise ValueError(f"overflow « {self.overflow} » absent de fields / not in fields")
        return self


class PracticesSpec(Strict):
    """Where practices are: fixed slots, and/or one per line of a cell."""

    slots: SlotsSpec | None = None
    lines: LinesSpec | None = None


class ProfileSpec(Strict):
    """A survey profile: one survey tool × one edition."""

    name: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    tool: str
    edition: str
    description: str | None = None
    reader: ReaderSpec
    source: SourceSpec
    response_id: ColumnSpec | None = None  # None: the row number is the id
    submitted: SubmittedSpec | None = None
    completeness: CompletenessSpec = Field(default_factory=CompletenessSpec)
    codes: dict[str, dict[str, str]] = Field(default_factory=dict)
    fields: dict[str, FieldSpec]
    practices: PracticesSpec | None = None
