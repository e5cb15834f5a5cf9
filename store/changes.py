"""Change log of resources, recorded with each write (being written this session).

Interface used by the linked-data routes:
- ``resource_status(store, iri) -> ResourceStatus``: when the resource was last modified,
  and whether (and when) it was withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rdflib import URIRef

from .base import Store


@dataclass(frozen=True)
class ResourceStatus:
    modified: datetime | None
    withdrawn: datetime | None


def resource_status(store: Store, iri: URIRef) -> ResourceStatus:
    raise NotImplementedError
