"""Errors of the query library, each with a French and an English message for people."""

from __future__ import annotations


class QueryLibraryError(Exception):
    """Base error: ``message_fr`` and ``message_en`` are shown as they are (one line each)."""

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en

    def __str__(self) -> str:
        return f"{self.message_fr} | {self.message_en}"


class UnknownQuery(QueryLibraryError, KeyError):
    """No named query has this name (a KeyError, so ``except KeyError`` still works)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"requête nommée inconnue : {name!r} (voir « essgraph queries »)",
            f"unknown named query: {name!r} (see `essgraph queries`)",
        )
        self.name = name


class HeaderError(QueryLibraryError):
    """A `.rq` file's ``#+`` header is malformed: a programming error, raised by ``catalog()``."""


class ParameterError(QueryLibraryError):
    """A parameter value a caller gave is refused; ``parameter`` names it (None: several)."""

    def __init__(self, message_fr: str, message_en: str, *, parameter: str | None = None) -> None:
        super().__init__(message_fr, message_en)
        self.parameter = parameter
