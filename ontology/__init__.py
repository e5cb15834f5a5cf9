"""The essgraph ontology, its SKOS thesauri and the published JSON-LD context.

The files are package data (read with importlib.resources) so an editable install and a
wheel behave the same. Thesauri use IRIs relative to the deployment base: parse them with
``base`` set to the configured ``BASE`` so every deployment mints its own concept IRIs.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from rdflib import Graph, Namespace

#: The ontology namespace: fixed for every deployment (never the instance base).
ESS = Namespace("https://w3id.org/essgraph/ontology#")
ONTOLOGY_IRI = "https://w3id.org/essgraph/ontology"
#: Default deployment base for instance IRIs (`{BASE}id/{kind}/{key}`).
DEFAULT_BASE = "https://w3id.org/essgraph/"
#: Version of the published JSON-LD context (`context.jsonld`): served as `/context.jsonld`
#: and `/context/{CONTEXT_VERSION}.jsonld`; documents reference
#: `{BASE}context.jsonld?v={CONTEXT_VERSION}`. Bump on any term change.
CONTEXT_VERSION = "0.3.0"
#: Earlier versions still answered, with the current context: every change since them only
#: added terms, so a document written against one expands the same. A change that removes or
#: redefines a term must serve the old file instead.
EARLIER_CONTEXT_VERSIONS: tuple[str, ...] = ("0.2.0",)

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
ESSGLOBAL = Namespace("http://purl.org/essglobal/vocab/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: Prefixes bound on every graph and offered to SPARQL users.
PREFIXES: dict[str, str] = {
    "ess": str(ESS),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": str(ORG),
    "schema": str(SCHEMA),
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "shp": "https://w3id.org/essgraph/shapes#",
    "igeo": str(IGEO),
    "essglobal": str(ESSGLOBAL),
    "wd": str(WD),
    "wdt": str(WDT),
}

THESAURI = ("levers", "themes", "modes", "collectivity-kinds", "regions")


def sparql_prefixes(*names: str) -> str:
    """The SPARQL ``PREFIX`` lines of some of the project's prefixes, one per line."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def _read(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes so serialisations stay readable."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def ontology_turtle() -> str:
    """The ontology (`ess.ttl`) as Turtle text."""
    return _read("ess.ttl")


def thesaurus_turtle(name: str) -> str:
    """One thesaurus (`thesauri/{name}.ttl`) as Turtle text with base-relative IRIs."""
    if name not in THESAURI:
        raise KeyError(name)
    return _read(f"thesauri/{name}.ttl")


@cache
def ontology_graph() -> Graph:
    """The ontology as an rdflib graph (cached: treat as read-only)."""
    return bind_prefixes(Graph()).parse(data=ontology_turtle(), format="turtle")


@cache
def thesauri_graph(base: str = DEFAULT_BASE) -> Graph:
    """All thesauri parsed against ``base`` (cached per base: treat as read-only)."""
    graph = bind_prefixes(Graph())
    for name in THESAURI:
        graph.parse(data=thesaurus_turtle(name), format="turtle", publicID=base)
    return graph


@cache
def jsonld_context() -> dict[str, Any]:
    """The published JSON-LD context document (`context.jsonld`)."""
    data: dict[str, Any] = json.loads(_read("context.jsonld"))
    return data
