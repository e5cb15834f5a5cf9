"""What the vocabulary pages (ontology, shapes, thesauri) share: page strings in French and
English, picking a literal in the page language, and links to terms.

Terms of the ontology and the shapes are linked to their section on this server
(``/ontology#Practice``), whatever the host: their IRIs are fixed for every deployment and
w3id.org redirects them here. Any other IRI is shown as a CURIE and linked as it is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from api.i18n import NAV_TEXT, Lang
from ontology import ESS, PREFIXES, ontology_graph
from shapes import SHP

#: Page of each fixed namespace on this server.
LOCAL_PAGES: dict[str, str] = {str(ESS): "/ontology", str(SHP): "/shapes"}

#: Strings of the vocabulary pages; ``base.html`` reads ``skip``, ``endpoint``, ``catalog``,
#: ``api_docs`` and ``other_lang``.
TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        **NAV_TEXT["fr"],
        "skip": "Aller au contenu",
        "endpoint": "Point d'accès",
        "catalog": "Requêtes nommées",
        "vocabularies": "Vocabulaires",
        "ontology": "Ontologie",
        "shapes": "Formes SHACL",
        "thesauri": "Thésaurus",
        "toc": "Sommaire",
        "metadata": "Description",
        "formats": "Autres formats",
        "iri": "IRI",
        "version": "Version",
        "version_iri": "IRI de version",
        "licence": "Licence",
        "licence_none": "non précisée",
        "creators": "Auteurs",
        "created": "Créée le",
        "source": "Sources",
        "prefix": "Préfixe recommandé",
        "see_also": "Voir aussi",
        "classes": "Classes",
        "properties": "Propriétés",
        "label_other": "En anglais",
        "definition": "Définition",
        "comment": "Note",
        "super_classes": "Sous-classe de",
        "sub_classes": "Classes dérivées",
        "alignments": "Correspondances",
        "domain_of": "Propriétés dont c'est le domaine",
        "range_of": "Propriétés dont c'est le co-domaine",
        "kind": "Nature",
        "domain": "Domaine",
        "range": "Co-domaine",
        "sub_property_of": "Sous-propriété de",
        "inverse": "Inverse",
        "or": "ou",
        "and": "et",
        "ontology_title": "Ontologie essgraph",
        "shapes_title": "Formes SHACL d'essgraph",
        "shapes_intro": "Les exigences que vérifie chaque chargement de données. Une forme de "
        "gravité « violation » bloque l'ingestion ; un « avertissement » est seulement signalé.",
        "shape": "Forme",
        "target": "Cible",
        "severity": "Gravité",
        "message": "Message",
        "path": "Chemin",
        "constraints": "Contraintes",
        "property_shapes": "Contraintes de propriété",
        "thesauri_title": "Thésaurus d'essgraph",
        "thesauri_intro": "Les schémas de concepts SKOS auxquels se rattachent les leviers, "
        "thématiques, modes d'action, natures de collectivités et régions ; chaque concept "
        "a sa notation, ses libellés en français et en anglais et sa définition.",
        "concepts": "concepts",
        "notation": "Notation",
        "alt_labels": "Autres libellés",
    },
    "en": {
        **NAV_TEXT["en"],
        "skip": "Skip to content",
        "endpoint": "Endpoint",
        "catalog": "Named queries",
        "vocabularies": "Vocabularies",
        "ontology": "Ontology",
        "shapes": "SHACL shapes",
        "thesauri": "Thesauri",
        "toc": "Contents",
        "metadata": "Description",
        "formats": "Other formats",
        "iri": "IRI",
        "version": "Version",
        "version_iri": "Version IRI",
        "licence": "Licence",
        "licence_none": "not stated",
        "creators": "Creators",
        "created": "Created on",
        "source": "Sources",
        "prefix": "Preferred prefix",
        "see_also": "See also",
        "classes": "Classes",
        "properties": "Properties",
        "label_other": "In French",
        "definition": "Definition",
        "comment": "Note",
        "super_classes": "Subclass of",
        "sub_classes": "Subclasses",
        "alignments": "Alignments",
        "domain_of": "Properties with this domain",
        "range_of": "Properties with this range",
        "kind": "Kind",
        "domain": "Domain",
        "range": "Range",
        "sub_property_of": "Subproperty of",
        "inverse": "Inverse",
        "or": "or",
        "and": "and",
        "ontology_title": "essgraph ontology",
        "shapes_title": "essgraph SHACL shapes",
        "shapes_intro": "The requirements every data load is checked against. A shape of "
        "severity “violation” blocks an ingest; a “warning” is only reported.",
        "shape": "Shape",
        "target": "Target",
        "severity": "Severity",
        "message": "Message",
        "path": "Path",
        "constraints": "Constraints",
        "property_shapes": "Property constraints",
        "thesauri_title": "essgraph thesauri",
        "thesauri_intro": "The SKOS concept schemes of levers, themes, modes of action, "
        "collectivity kinds and regions; each concept has its notation, its French and "
        "English labels and its definition.",
        "concepts": "concepts",
        "notation": "Notation",
        "alt_labels": "Other labels",
    },
}


@dataclass(frozen=True)
class Item:
    """One piece of a value on a page: plain text, or code, optionally a link."""

    text: str
    href: str | None = None
    code: bool = False
    title: str | None = None
    lang: str | None = None


def other(lang: Lang) -> Lang:
    return "en" if lang == "fr" else "fr"


def text_in(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str | None:
    """The value in ``lang``, else in French, else an untagged one, else any."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for wanted in (lang, "fr", None):
        for value in sorted(values):
            if value.language == wanted:
                return str(value)
    return str(sorted(values)[0]) if values else None


def exactly_in(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str | None:
    """The value tagged ``lang`` only (no fallback): for showing the other language."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for value in sorted(values):
        if value.language == lang:
            return str(value)
    return None


def curie(iri: str) -> str:
    """``ess:Practice`` for a known namespace (longest match), else the IRI itself."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def local_href(iri: str, page: str) -> str | None:
    """The in-page or on-site link of an ontology or shapes term, else None."""
    for namespace, path in LOCAL_PAGES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            anchor = iri[len(namespace) :]
            return f"#{anchor}" if path == page else f"{path}#{anchor}"
    return None


def term_item(iri: Node, page: str, lang: Lang, *, label: bool = False) -> Item:
    """A link to a term: its label in ``lang`` (ontology terms, when asked) or its CURIE."""
    name = str(iri)
    shown = curie(name)
    title = None
    if isinstance(iri, URIRef):
        term_label = text_in(ontology_graph(), iri, RDFS.label, lang)
        if term_label and label:
            shown, title = term_label, curie(name)
        elif term_label:
            title = term_label
    href = local_href(name, page) or (name if isinstance(iri, URIRef) else None)
    return Item(shown, href=href, code=shown == curie(name), title=title)


def fold(text: str) -> str:
    """Sort key: case and accents folded, so « Élu » sorts with « elu »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
