"""Store errors, each with a stable code and a message in French and English."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation failed; ``code`` is stable, messages are for people."""

    code = "store-error"

    def __init__(self, message_fr: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en
        if code:
            self.code = code


class QuerySyntaxError(StoreError):
    """The query text does not parse."""

    code = "query-syntax"


class StoreUnavailable(StoreError):
    """The store cannot be opened or reached."""

    code = "store-unavailable"


class WrongQueryForm(StoreError):
    """The query is valid but of another form than the call expects (ASK sent to select…)."""

    code = "query-form"
