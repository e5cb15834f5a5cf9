"""Helpers of the API tests (imported by name: tests are not a package)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pyoxigraph as ox
from fastapi import FastAPI
from pyld import jsonld
from rdflib import Graph

from essgraph.cli_serve import _load_demo
from store.embedded import EmbeddedStore
from store.terms import to_rdflib

BASE = "https://w3id.org/essgraph/"
_OX_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def parse_graph(body: bytes, media_type: str) -> Graph:
    """Parse an answer with Oxigraph's parsers (rdflib's quad and JSON-LD parsers warn)."""
    graph = Graph()
    for quad in ox.parse(body, format=_OX_FORMATS[media_type]):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


class AsgiClient:
    """A synchronous face on ``httpx.AsyncClient`` + ``ASGITransport`` (the real app, no
    socket): Starlette's TestClient warns about its httpx use, and warnings are errors here."""

    def __init__(self, app: FastAPI, *, raise_app_exceptions: bool = True) -> None:
        self._loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self._loop.run_until_complete(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("OPTIONS", url, **kwargs)

    def close(self) -> None:
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


def demo_store() -> EmbeddedStore:
    store = EmbeddedStore(BASE)
    _load_demo(store)
    return store


class LocalLoader:
    """A pyld document loader that serves the context the server published, and refuses any
    other URL (so a test passing proves nothing was fetched from the network)."""

    def __init__(self, client: AsgiClient) -> None:
        answer = client.get("/context.jsonld")
        assert answer.status_code == 200
        self.context = answer.json()
        self.refused: list[str] = []

    def __call__(self, url: str, options: object = None) -> dict[str, Any]:
        if url.split("?")[0] == f"{BASE}context.jsonld":
            return {"contextUrl": None, "documentUrl": url, "document": self.context}
        self.refused.append(url)
        raise jsonld.JsonLdError(f"refused: {url}", "jsonld.LoadDocumentError")
