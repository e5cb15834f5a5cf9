"""The change log's vocabulary, shared by recording (``changes``) and reading
(``change_events``): where its graphs live and how an event names its kind.

Events are ActivityStreams 2.0 activities ``as:Create`` (not described before), ``as:Update``
(described differently), ``as:Delete`` (no longer described anywhere public); times are UTC
``xsd:dateTime`` literals.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .base import Store

AS = "https://www.w3.org/ns/activitystreams#"
XSD = "http://www.w3.org/2001/XMLSchema#"
Kind = Literal["added", "changed", "withdrawn"]
KINDS: dict[str, Kind] = {
    f"{AS}Create": "added",
    f"{AS}Update": "changed",
    f"{AS}Delete": "withdrawn",
}
ACTIVITY = {kind: iri for iri, kind in KINDS.items()}


def changes_prefix(store: Store) -> str:
    return f"{store.base}graph/changes/"


def xsd_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
