"""Read RDF documents (Turtle, TriG, N-Triples, N-Quads, JSON-LD) from files, safely.

Parsing goes through Oxigraph's parsers: they report line and column, and their JSON-LD
parser never fetches a remote context. The project's own published context is inlined from
the package, so documents that name it by IRI still read offline. Every quad is flattened
into one graph: a file is one source, loaded into one named graph.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ontology import bind_prefixes, jsonld_context

from .errors import StoreError
from .terms import to_rdflib

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}


class RdfFileError(StoreError):
    """A file that cannot be read as RDF; the messages name the file and the line."""

    code = "bad-rdf-file"


def _format_for(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise RdfFileError(
            f"{path} : extension « {path.suffix} » inconnue (attendu : {known})",
            f"{path}: unknown extension '{path.suffix}' (expected: {known})",
            code="unknown-format",
        )
    return fmt


def _inline_own_context(node: Any, own_iris: set[str]) -> Any:
    """Replace references to essgraph's published context by its content; leave the rest."""
    if isinstance(node, list):
        return [_inline_own_context(item, own_iris) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            values = value if isinstance(value, list) else [value]
            inlined = [
                jsonld_context()["@context"]
                if isinstance(v, str) and v.split("?")[0] in own_iris
                else v
                for v in values
            ]
            out[key] = inlined if isinstance(value, list) else inlined[0]
        else:
            out[key] = _inline_own_context(value, own_iris)
    return out


def _json_ld_bytes(path: Path, raw: bytes, base: str) -> bytes:
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", "?")
        column = getattr(exc, "colno", "?")
        raise RdfFileError(
            f"{path}, ligne {line}, colonne {column} : JSON illisible ({exc})",
            f"{path}, line {line}, column {column}: unreadable JSON ({exc})",
        ) from exc
    own = {f"{base}context.jsonld", "https://w3id.org/essgraph/context.jsonld"}
    return json.dumps(_inline_own_context(doc, own)).encode("utf-8")


def read_rdf_file(path: Path, base: str) -> Graph:
    """Parse ``path`` (format from its extension) with relative IRIs resolved against ``base``.

    Raises `RdfFileError` naming the file (and line and column for syntax errors) when the
    file is missing, empty, of an unknown kind or not well-formed.
    """
    fmt = _format_for(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RdfFileError(
            f"{path} : lecture impossible ({exc.strerror})",
            f"{path}: cannot read ({exc.strerror})",
            code="unreadable-file",
        ) from exc
    if not raw.strip():
        raise RdfFileError(
            f"{path} : le fichier est vide", f"{path}: the file is empty", code="empty-file"
        )
    if fmt == ox.RdfFormat.JSON_LD:
        raw = _json_ld_bytes(path, raw, base)
    graph = bind_prefixes(Graph())
    try:
        for quad in ox.parse(raw, fmt, base_iri=base):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    except SyntaxError as exc:
        detail = str(exc.msg if hasattr(exc, "msg") else exc)
        line = exc.lineno or "?"
        raise RdfFileError(
            f"{path}, ligne {line} : syntaxe {fmt.name} invalide : {detail}",
            f"{path}, line {line}: invalid {fmt.name} syntax: {detail}",
        ) from exc
    if len(graph) == 0:
        raise RdfFileError(
            f"{path} : aucun triplet lu", f"{path}: no triple read", code="empty-file"
        )
    return graph
