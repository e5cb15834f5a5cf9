"""The formats the endpoint serves: media types, ``?format=`` keywords and W3C format IRIs.

Results (SELECT, ASK) and graphs (CONSTRUCT, DESCRIBE) have separate tables; the first entry
of each is the default when the client accepts anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["results", "graph"]


@dataclass(frozen=True)
class Format:
    """One serialisation: its canonical media type, keyword, aliases and W3C format IRI."""

    media_type: str
    keyword: str
    kind: Kind
    w3c: str
    extension: str
    aliases: tuple[str, ...] = ()


_W3C = "http://www.w3.org/ns/formats/"

RESULT_FORMATS = (
    Format(
        "application/sparql-results+json",
        "json",
        "results",
        f"{_W3C}SPARQL_Results_JSON",
        "json",
        ("application/json",),
    ),
    Format(
        "application/sparql-results+xml",
        "xml",
        "results",
        f"{_W3C}SPARQL_Results_XML",
        "xml",
        ("application/xml", "text/xml"),
    ),
    Format("text/csv", "csv", "results", f"{_W3C}SPARQL_Results_CSV", "csv"),
    Format("text/tab-separated-values", "tsv", "results", f"{_W3C}SPARQL_Results_TSV", "tsv"),
)

GRAPH_FORMATS = (
    Format("text/turtle", "ttl", "graph", f"{_W3C}Turtle", "ttl", ("application/x-turtle",)),
    Format("application/ld+json", "jsonld", "graph", f"{_W3C}JSON-LD", "jsonld"),
    Format("application/n-triples", "nt", "graph", f"{_W3C}N-Triples", "nt", ("text/plain",)),
    Format("application/rdf+xml", "rdf", "graph", f"{_W3C}RDF_XML", "rdf"),
    Format("application/n-quads", "nq", "graph", f"{_W3C}N-Quads", "nq"),
    Format("application/trig", "trig", "graph", f"{_W3C}TriG", "trig"),
)

ALL_FORMATS = RESULT_FORMATS + GRAPH_FORMATS
HTML = "text/html"


def formats_for(form: str) -> tuple[Format, ...]:
    """The formats a query form can be answered in."""
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS


#: Other ``format=`` spellings clients send (SPARQLWrapper sends ``format=turtle``, and
#: ``format=xml``/``json`` for graphs too), by answer kind.
SYNONYMS: dict[Kind, dict[str, str]] = {
    "results": {"srj": "json", "srx": "xml"},
    "graph": {
        "turtle": "ttl",
        "json-ld": "jsonld",
        "json": "jsonld",
        "ntriples": "nt",
        "n-triples": "nt",
        "xml": "rdf",
        "rdfxml": "rdf",
        "rdf+xml": "rdf",
        "nquads": "nq",
        "n-quads": "nq",
    },
}


def by_keyword(keyword: str, form: str) -> Format | None:
    """The ``?format=`` keyword (or a media type) for this form, if it applies."""
    candidates = formats_for(form)
    wanted = keyword.strip().lower()
    wanted = SYNONYMS[candidates[0].kind].get(wanted, wanted)
    for fmt in candidates:
        if wanted in (fmt.keyword, fmt.media_type, *fmt.aliases):
            return fmt
    return None


def offers(formats: tuple[Format, ...]) -> list[str]:
    """Media types to negotiate over: canonical types first, then their aliases."""
    return [f.media_type for f in formats] + [a for f in formats for a in f.aliases]


def by_media_type(media_type: str, formats: tuple[Format, ...]) -> Format:
    """The format that offers ``media_type`` (canonical or alias)."""
    for fmt in formats:
        if media_type in (fmt.media_type, *fmt.aliases):
            return fmt
    raise KeyError(media_type)
