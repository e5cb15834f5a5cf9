"""HTML pages of linked-data resources (being written this session).

Interface used by api/routes/resources.py:
- ``render_resource(request, store, iri, settings) -> Response | None``: the HTML page of a
  resource (None when the store knows nothing of it);
- ``render_not_found(request, iri, status) -> Response``: the 404/410 page.
"""

from __future__ import annotations

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import Response

from essgraph.settings import Settings
from store import Store


def render_resource(
    request: Request, store: Store, iri: URIRef, settings: Settings
) -> Response | None:
    raise NotImplementedError


def render_not_found(request: Request, iri: URIRef, status: int) -> Response:
    raise NotImplementedError
