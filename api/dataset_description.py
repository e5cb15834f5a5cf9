"""The dataset's own description (``/dataset``): DCAT-AP 3.0.1 and VoID in one graph.

A ``dcat:Catalog`` holds one ``dcat:Dataset`` (also a ``void:Dataset``) with a distribution
per dump file and a ``dcat:DataService`` for the SPARQL endpoint. Counts, vocabularies and
the period covered are read from the public default graph; sizes and checksums come from
the dump set of the same data version. Resource IRIs sit under the configured base
(``{BASE}dataset``); download and endpoint URLs use the host the request came to, since the
server may run anywhere. EU code-list IRIs are used as they are; their SKOS descriptions
live in ``shapes/dcat-ap/code-lists.ttl`` (not repeated here).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, VOID

from essgraph.settings import Settings
from ontology import ESS, PREFIXES
from store import Store
from store.dumps import DumpSet

DCT = DCTERMS
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"

#: Licence described with labels when it is the default one.
ETALAB_2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LANGUAGES = (URIRef(f"{EU}language/FRA"), URIRef(f"{EU}language/ENG"))
FRANCE = URIRef(f"{EU}country/FRA")
IRREGULAR = URIRef(f"{EU}frequency/IRREG")
THEMES = (URIRef(f"{EU}data-theme/ECON"), URIRef(f"{EU}data-theme/GOVE"))
THEME_SCHEME = URIRef(f"{EU}data-theme")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
W3C_FORMAT_OF = {
    "nq": f"{W3C_FORMATS}N-Quads",
    "ttl": f"{W3C_FORMATS}Turtle",
    "jsonld": f"{W3C_FORMATS}JSON-LD",
}

TITLE = {
    "fr": "essgraph : politiques et pratiques des métropoles et grandes villes en faveur de "
    "l'économie sociale et solidaire",
    "en": "essgraph: policies and practices of French metropolises and large cities "
    "supporting the social and solidarity economy",
}
DESCRIPTION = {
    "fr": "Graphe de connaissances des politiques publiques et des bonnes pratiques par "
    "lesquelles les métropoles, grandes agglomérations et grandes villes françaises soutiennent "
    "l'économie sociale et solidaire (ESS) et l'innovation sociale : collectivités, politiques "
    "et moyens dédiés, pratiques, leviers d'action et thèmes de transition, avec la provenance "
    "de chaque fait (enquête, fichier, ligne, colonne).",
    "en": "Knowledge graph of the public policies and good practices by which French "
    "metropolises, large agglomerations and large cities support the social and solidarity "
    "economy (ESS) and social innovation: collectivities, policies and dedicated means, "
    "practices, levers of action and transition themes, with the provenance of each fact "
    "(survey, file, row, column).",
}
KEYWORDS = {
    "fr": ("économie sociale et solidaire", "ESS", "politiques publiques", "collectivités"),
    "en": ("social and solidarity economy", "public policies", "local authorities"),
}

#: Public default graph: triples, classes with their instance counts, years, vocabularies.
#: A triple held by two public graphs counts once (the engine's union keeps both copies).
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_CLASSES = (
    "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class"
)
_PREDICATES = "SELECT DISTINCT ?p WHERE { ?s ?p ?o }"
_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
_YEARS = f"""
SELECT DISTINCT ?year WHERE {{
  {{ ?x <{ESS.referenceYear}> ?year }} UNION {{ ?x <{ESS.startYear}> ?year }}
}}"""


@dataclass(frozen=True)
class Statistics:
    """What /dataset states about the public default graph."""

    triples: int
    subjects: int
    classes: list[tuple[URIRef, int]]
    vocabularies: list[str]
    years: tuple[int, int] | None


def _int(value: object) -> int:
    return int(str(value))


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a term: up to its last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def statistics(store: Store) -> Statistics:
    """Counts and ranges over the public default graph (several SELECTs, one data state)."""
    triples = _int(store.select(_COUNT).rows[0]["n"])
    subjects = _int(store.select(_SUBJECTS).rows[0]["n"])
    classes = [
        (URIRef(str(row["class"])), _int(row["n"]))
        for row in store.select(_CLASSES)
        if isinstance(row.get("class"), URIRef)
    ]
    terms = {str(row["p"]) for row in store.select(_PREDICATES)} | {str(c) for c, _ in classes}
    vocabularies = sorted({namespace_of(t) for t in terms if namespace_of(t)})
    years = sorted(
        int(str(row["year"])[:4])
        for row in store.select(_YEARS)
        if str(row.get("year", ""))[:4].isdigit()
    )
    return Statistics(
        triples, subjects, classes, vocabularies, (years[0], years[-1]) if years else None
    )


def _both(graph: Graph, subject: URIRef, predicate: URIRef, text: dict[str, str]) -> None:
    for lang, value in text.items():
        graph.add((subject, predicate, Literal(value, lang=lang)))


def _document(graph: Graph, url: str) -> URIRef:
    page = URIRef(url)
    graph.add((page, RDF.type, FOAF.Document))
    return page


def describe(settings: Settings, origin: str, dumps: DumpSet, stats: Statistics) -> Graph:
    """The DCAT-AP + VoID graph; ``origin`` is the scheme and host requests came to."""
    base = settings.base_uri
    origin = origin.rstrip("/")
    g = Graph()
    for prefix in ("dct", "foaf", "rdfs", "skos", "xsd", "ess"):
        g.bind(prefix, PREFIXES[prefix])
    g.bind("dcat", DCAT)
    g.bind("void", VOID)
    g.bind("spdx", SPDX)

    dataset = URIRef(f"{base}dataset")
    catalog = URIRef(f"{base}dataset#catalog")
    service = URIRef(f"{base}dataset#sparql")
    publisher = URIRef(settings.publisher_uri or f"{base}dataset#publisher")
    licence = URIRef(settings.dataset_license)
    modified = Literal(dumps.built.isoformat(), datatype=XSD.dateTime)
    landing = _document(g, f"{origin}/dataset")

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(settings.publisher_name)))
    g.add((licence, RDF.type, DCT.LicenseDocument))
    if settings.dataset_license_type:
        g.add((licence, DCT.type, URIRef(settings.dataset_license_type)))
    if settings.dataset_license == ETALAB_2:
        g.add(
            (licence, RDFS.label, Literal("Licence Ouverte / Open Licence version 2.0", lang="fr"))
        )
        g.add((licence, RDFS.label, Literal("Open Licence version 2.0 (Etalab)", lang="en")))

    # -- the catalogue ---------------------------------------------------------------------
    g.add((catalog, RDF.type, DCAT.Catalog))
    _both(g, catalog, DCT.title, {"fr": "Catalogue essgraph", "en": "essgraph catalogue"})
    _both(
        g,
        catalog,
        DCT.description,
        {
            "fr": "Le jeu de données essgraph, ses exports et son point d'accès SPARQL.",
            "en": "The essgraph dataset, its dumps and its SPARQL endpoint.",
        },
    )
    g.add((catalog, DCT.publisher, publisher))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCT.license, licence))
    g.add((catalog, DCT.modified, modified))
    g.add((catalog, DCT.spatial, FRANCE))
    g.add((catalog, FOAF.homepage, _document(g, f"{origin}/")))
    g.add((catalog, DCAT.themeTaxonomy, THEME_SCHEME))
    for language in LANGUAGES:
        g.add((catalog, DCT.language, language))

    # -- the dataset (DCAT and VoID) ------------------------------------------------------
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    _both(g, dataset, DCT.title, TITLE)
    _both(g, dataset, DCT.description, DESCRIPTION)
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    g.add((dataset, DCT.identifier, Literal(str(dataset))))
    g.add((dataset, DCT.publisher, publisher))
    g.add((dataset, DCT.license, licence))
    g.add((dataset, DCT.modified, modified))
    g.add((dataset, DCT.spatial, FRANCE))
    g.add((dataset, DCT.accrualPeriodicity, IRREGULAR))
    g.add((dataset, DCAT.landingPage, landing))
    for language in LANGUAGES:
        g.add((dataset, DCT.language, language))
    for theme in THEMES:
        g.add((dataset, DCAT.theme, theme))
    if stats.years is not None:
        period = URIRef(f"{base}dataset#period")
        g.add((dataset, DCT.temporal, period))
        g.add((period, RDF.type, DCT.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(str(stats.years[0]), datatype=XSD.gYear)))
        g.add((period, DCAT.endDate, Literal(str(stats.years[1]), datatype=XSD.gYear)))
    g.add((dataset, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((dataset, VOID.distinctSubjects, Literal(stats.subjects, datatype=XSD.integer)))
    g.add((dataset, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
    g.add((dataset, VOID.uriSpace, Literal(f"{base}id/")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{origin}/sparql")))
    for vocabulary in stats.vocabularies:
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for cls, count in stats.classes:
        partition = BNode()
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], cls))
        g.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))

    # -- one distribution per dump file ------------------------------------------------------
    algorithm = SPDX.checksumAlgorithm_sha256
    g.add((algorithm, RDF.type, SPDX.ChecksumAlgorithm))
    gzip_type = URIRef(f"{IANA}application/gzip")
    g.add((gzip_type, RDF.type, DCT.MediaType))
    for dump in dumps.ordered():
        kind = dump.kind
        url = URIRef(f"{origin}/dumps/{dump.name}")
        distribution = URIRef(f"{base}dataset#dump-{kind.key}")
        checksum = URIRef(f"{base}dataset#dump-{kind.key}-sha256")
        media_type = URIRef(f"{IANA}{kind.media_type}")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((dataset, VOID.dataDump, url))
        g.add((dataset, VOID.feature, URIRef(W3C_FORMAT_OF[kind.key])))
        g.add((distribution, RDF.type, DCAT.Distribution))
        _both(g, distribution, DCT.title, {"fr": kind.title_fr, "en": kind.title_en})
        _both(
            g,
            distribution,
            DCT.description,
            {
                "fr": f"Export de la version {dumps.version} des données ; somme SHA-256 dans "
                f"{dump.checksum_name}. Toujours la dernière : /dumps/latest{kind.suffix}.",
                "en": f"Dump of data version {dumps.version}; SHA-256 sum in "
                f"{dump.checksum_name}. Always the latest: /dumps/latest{kind.suffix}.",
            },
        )
        g.add((distribution, DCAT.accessURL, url))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCAT.mediaType, media_type))
        g.add((media_type, RDF.type, DCT.MediaType))
        g.add((distribution, DCAT.compressFormat, gzip_type))
        g.add((distribution, DCT.format, URIRef(f"{EU}file-type/{kind.file_type}")))
        g.add((distribution, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        g.add((distribution, DCT.license, licence))
        g.add((distribution, DCT.issued, modified))
        g.add((distribution, DCT.modified, modified))
        g.add((distribution, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, algorithm))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))

    # -- the SPARQL endpoint ----------------------------------------------------------------
    endpoint = URIRef(f"{origin}/sparql")
    g.add((service, RDF.type, DCAT.DataService))
    _both(
        g,
        service,
        DCT.title,
        {"fr": "Point d'accès SPARQL essgraph", "en": "essgraph SPARQL endpoint"},
    )
    _both(
        g,
        service,
        DCT.description,
        {
            "fr": "Protocole SPARQL 1.1, lecture seule, sur le graphe public par défaut ; sa "
            "description de service est à la même adresse.",
            "en": "SPARQL 1.1 Protocol, read-only, over the public default graph; its service "
            "description is at the same address.",
        },
    )
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCT.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCAT.keyword, Literal("SPARQL")))
    for theme in THEMES:
        g.add((service, DCAT.theme, theme))
    g.add((SPARQL_PROTOCOL, RDF.type, DCT.Standard))
    g.add((service, DCT.license, licence))
    g.add((service, DCT.publisher, publisher))
    return g
