"""The vocabulary documents as RDF: their sources, formats, negotiation and cache validators.

Three documents are served from the package files (never from the store, so they answer the
same whatever was loaded): the ontology (``ess.ttl``), the shapes (every ``shapes/*.ttl``)
and the thesauri (every ``ontology/thesauri/*.ttl``, parsed against the deployment base).
The ontology's and the shapes' Turtle are the source files themselves, comments included;
the other formats are serialised from the parsed graph.

(A small serialisation helper of its own for now: ``api/rdf_documents.py`` serves instance
documents the same way and the two can merge later.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Literal

from rdflib import Graph

from api import caching
from api.errors import ApiProblem
from api.formats import GRAPH_FORMATS, SYNONYMS, Format
from api.negotiation import choose
from ontology import PREFIXES, THESAURI, ontology_graph, ontology_turtle, thesauri_graph
from ontology import thesaurus_turtle as _thesaurus_turtle
from shapes import SHAPE_FILES, shapes_graph, shapes_turtle

Document = Literal["ontology", "shapes", "thesauri"]
HTML = "text/html"
#: Every answer varies on these, whichever representation it is.
VARY = "Accept, Accept-Language, Accept-Encoding"

#: The RDF formats a vocabulary document is served in (server order: Turtle first).
FORMATS: tuple[Format, ...] = tuple(
    f for f in GRAPH_FORMATS if f.keyword in ("ttl", "jsonld", "nt", "rdf")
)
_RDFLIB = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


@dataclass(frozen=True)
class Choice:
    """What to answer with: HTML (``fmt`` None) or one RDF format."""

    media_type: str
    fmt: Format | None


def negotiate(keyword: str | None, accept: str | None) -> Choice:
    """``?format=`` wins over ``Accept``; data is the default for ``*/*`` (curl, crawlers),
    HTML when asked by name (browsers). 406 with what can be served when nothing fits."""
    if keyword:
        wanted = keyword.strip().lower()
        if wanted in ("html", HTML):
            return Choice(HTML, None)
        wanted = SYNONYMS["graph"].get(wanted, wanted)
        for fmt in FORMATS:
            if wanted in (fmt.keyword, fmt.media_type, *fmt.aliases):
                return Choice(fmt.media_type, fmt)
    else:
        offers = [f.media_type for f in FORMATS] + [HTML] + [a for f in FORMATS for a in f.aliases]
        chosen = choose(accept, offers)
        if chosen == HTML:
            return Choice(HTML, None)
        for fmt in FORMATS:
            if chosen in (fmt.media_type, *fmt.aliases):
                return Choice(chosen, fmt)
    served = ", ".join(f"{f.media_type} (format={f.keyword})" for f in FORMATS)
    served += f", {HTML} (format=html)"
    asked = f"format={keyword}" if keyword else f"Accept: {accept}"
    raise ApiProblem(
        f"Aucun format disponible pour {asked}. Formats servis : {served}.",
        f"No format available for {asked}. Served formats: {served}.",
        status=406,
        code="not-acceptable",
        acceptable=[f.media_type for f in FORMATS] + [HTML],
        headers={"Vary": VARY},
    )


def graph_of(document: Document, base: str) -> Graph:
    """The parsed document (cached by the loaders: read-only)."""
    if document == "ontology":
        return ontology_graph()
    if document == "shapes":
        return shapes_graph()
    return thesauri_graph(base)


def shapes_source() -> str:
    """Every shapes file, one after the other: Turtle allows repeated prefix declarations,
    and the files use no blank node labels, so the union keeps each file's comments."""
    parts = [f"# ---- shapes/{name}.ttl ----\n{shapes_turtle(name)}" for name in SHAPE_FILES]
    return "\n".join(parts)


@cache
def serialise(document: Document, keyword: str, base: str) -> bytes:
    """The document in one RDF format (cached: the sources are package data)."""
    if keyword == "ttl" and document == "ontology":
        return ontology_turtle().encode("utf-8")
    if keyword == "ttl" and document == "shapes":
        return shapes_source().encode("utf-8")
    graph = graph_of(document, base)
    if keyword == "jsonld":
        text = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    else:
        text = graph.serialize(format=_RDFLIB[keyword])
    return text.encode("utf-8")


@cache
def sources_digest() -> str:
    """Package version and every source file: an ETag changes when either does."""
    try:
        version = metadata.version("essgraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        version = "unknown"
    digest = hashlib.sha256(version.encode("utf-8"))
    texts = [ontology_turtle(), *(_thesaurus_turtle(n) for n in THESAURI)]
    texts += [shapes_turtle(n) for n in SHAPE_FILES]
    for text in texts:
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def etag(path: str, choice: Choice, lang: str, base: str) -> str:
    return caching.etag(sources_digest(), path, choice.media_type, lang, base)


def alternates(path: str) -> str:
    """``Link`` header value: every format of this document, and the page in each language."""
    links = [
        f'<{path}?format={f.keyword}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS
    ]
    links += [
        f'<{path}?lang={lang}>; rel="alternate"; type="{HTML}"; hreflang="{lang}"'
        for lang in ("fr", "en")
    ]
    return ", ".join(links)
