"""The HTML view of ``/dataset`` for browsers: French first (``?lang=en``), same figures as
the RDF description, with the downloads and the machine-readable versions linked."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api import pages
from api.dataset_description import DESCRIPTION, ETALAB_2, TITLE, Statistics
from api.i18n import Lang, request_lang
from essgraph.settings import Settings
from ontology import PREFIXES
from store.dumps import DumpSet

TEXT: dict[Lang, dict[str, str]] = {
    "fr": {
        "heading": "Le jeu de données",
        "publisher": "Éditeur",
        "licence": "Licence",
        "period": "Période couverte",
        "modified": "Version publiée le",
        "version": "Version des données",
        "endpoint": "Point d'accès SPARQL",
        "triples": "Triplets (graphe public)",
        "downloads": "Téléchargements",
        "file": "Fichier",
        "size": "Taille",
        "latest_note": "Les liens « latest » mènent toujours à la dernière version ; le nom "
        "daté désigne celle-ci, avec sa somme SHA-256 (format sha256sum).",
        "classes": "Ressources par classe",
        "class": "Classe",
        "count": "Nombre",
        "machine": "Pour les machines",
        "machine_note": "La même description en DCAT-AP 3.0.1 et VoID :",
        "bytes": "octets",
    },
    "en": {
        "heading": "The dataset",
        "publisher": "Publisher",
        "licence": "Licence",
        "period": "Period covered",
        "modified": "Version published on",
        "version": "Data version",
        "endpoint": "SPARQL endpoint",
        "triples": "Triples (public graph)",
        "downloads": "Downloads",
        "file": "File",
        "size": "Size",
        "latest_note": "The “latest” links always lead to the latest version; the dated name "
        "is this one, with its SHA-256 sum (sha256sum format).",
        "classes": "Resources per class",
        "class": "Class",
        "count": "Count",
        "machine": "For machines",
        "machine_note": "The same description in DCAT-AP 3.0.1 and VoID:",
        "bytes": "bytes",
    },
}
ALTERNATES = (
    ("ttl", "text/turtle", "Turtle"),
    ("jsonld", "application/ld+json", "JSON-LD"),
    ("nt", "application/n-triples", "N-Triples"),
    ("rdf", "application/rdf+xml", "RDF/XML"),
)


def _number(value: int, lang: Lang) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def context(
    settings: Settings, origin: str, dumps: DumpSet, stats: Statistics, lang: Lang
) -> dict[str, Any]:
    """What the template shows, in ``lang``."""
    t = TEXT[lang]
    licence = settings.dataset_license
    return {
        "t": t,
        "heading": t["heading"],
        "title": TITLE[lang],
        "description": DESCRIPTION[lang],
        "publisher": settings.publisher_name,
        "licence": licence,
        "licence_label": "Licence Ouverte / Open Licence 2.0" if licence == ETALAB_2 else licence,
        "period": f"{stats.years[0]}–{stats.years[1]}" if stats.years else "",
        "modified": dumps.built.strftime(
            "%d/%m/%Y %H:%M UTC" if lang == "fr" else "%Y-%m-%d %H:%M UTC"
        ),
        "modified_iso": dumps.built.isoformat(),
        "version": dumps.version,
        "endpoint": f"{origin}/sparql",
        "triples": _number(stats.triples, lang),
        "files": [
            {
                "title": f.kind.title_fr if lang == "fr" else f.kind.title_en,
                "name": f.name,
                "latest": f"{origin}/dumps/latest{f.kind.suffix}",
                "dated": f"{origin}/dumps/{f.name}",
                "checksum": f"{origin}/dumps/{f.checksum_name}",
                "size": f"{_number(f.size, lang)} {t['bytes']}",
                "sha256": f.sha256,
            }
            for f in dumps.ordered()
        ],
        "classes": [
            {"name": _short(str(cls)), "count": _number(count, lang)}
            for cls, count in stats.classes
        ],
        "alternates": [
            {"href": f"{origin}/dataset?format={key}", "media_type": media, "label": label}
            for key, media, label in ALTERNATES
        ],
    }


def render(
    request: Request,
    settings: Settings,
    origin: str,
    dumps: DumpSet,
    stats: Statistics,
    headers: dict[str, str],
) -> Response:
    lang = request_lang(request)
    return pages.TEMPLATES.TemplateResponse(
        request,
        "dataset.html",
        {
            "lang": lang,
            "t": pages.TEXT[lang],
            "other": "en" if lang == "fr" else "fr",
            "d": context(settings, origin, dumps, stats, lang),
        },
        headers=headers,
    )
