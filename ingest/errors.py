"""The one exception ingest raises for bad input, bilingual and pinned to a place.

Curators fix files and profiles, not code: every error says, in French first then English,
which file, row, column, profile key or YAML line is at fault. ``code`` is stable kebab-case
so the CLI, reports and tests can match on it (the CLI maps any IngestError to exit code 2).
"""

from __future__ import annotations


class IngestError(Exception):
    """Bad input (file or profile): a message in French and English, and where it happened."""

    def __init__(
        self,
        code: str,
        message_fr: str,
        message_en: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.code = code
        self.file = file
        self.row = row
        self.column = column
        self.key = key
        self.line = line
        self.message_fr = message_fr + _where(self, fr=True)
        self.message_en = message_en + _where(self, fr=False)
        super().__init__(f"{self.message_fr} / {self.message_en}")

    def to_dict(self) -> dict[str, object]:
        """The error as plain data, for the JSON report."""
        return {
            "code": self.code,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "key": self.key,
            "line": self.line,
        }


def _where(err: IngestError, *, fr: bool) -> str:
    """The location suffix, e.g. " (fichier a.csv, ligne 4, colonne « X »)"."""
    parts: list[str] = []
    if err.file is not None:
        parts.append(f"fichier {err.file}" if fr else f"file {err.file}")
    if err.row is not None:
        parts.append(f"ligne {err.row}" if fr else f"row {err.row}")
    if err.column is not None:
        parts.append(f"colonne « {err.column} »" if fr else f'column "{err.column}"')
    if err.key is not None:
        parts.append(f"clé {err.key}" if fr else f"key {err.key}")
    if err.line is not None:
        parts.append(f"ligne {err.line} du profil" if fr else f"profile line {err.line}")
    return f" ({', '.join(parts)})" if parts else ""
