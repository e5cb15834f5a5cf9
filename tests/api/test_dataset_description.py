"""``/dataset``: the DCAT-AP + VoID description, read back as a graph over HTTP.

Every figure it states is checked against the data itself (the dumps it points to, the
store's own export), so a wrong count, size, checksum or URL fails here.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from datetime import datetime

import pytest
from api_helpers import BASE, AsgiClient, parse_graph
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, VOID

from ontology import ESS
from store.embedded import EmbeddedStore

SPDX = "http://spdx.org/rdf/terms#"
DATASET = URIRef(f"{BASE}dataset")
CATALOG = URIRef(f"{BASE}dataset#catalog")
ETALAB = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
FRANCE = URIRef("http://publications.europa.eu/resource/authority/country/FRA")


def fetch(client: AsgiClient, accept: str = "text/turtle", host: str | None = None) -> Graph:
    headers = {"Accept": accept} | ({"Host": host} if host else {})
    answer = client.get("/dataset", headers=headers)
    assert answer.status_code == 200, answer.text
    media_type = answer.headers["content-type"].split(";")[0]
    return parse_graph(answer.content, media_type)


@pytest.fixture
def described(client: AsgiClient) -> Graph:
    return fetch(client)


def union_of_public_graphs(store: EmbeddedStore) -> Graph:
    """The public default graph, rebuilt from the store's own N-Quads export."""
    out = io.BytesIO()
    store.export(out, "nq", public_only=True)
    return parse_graph(out.getvalue(), "application/n-quads")


def test_catalogue_dataset_and_service_are_linked(described: Graph) -> None:
    assert (CATALOG, RDF.type, DCAT.Catalog) in described
    assert (CATALOG, DCAT.dataset, DATASET) in described
    assert (DATASET, RDF.type, DCAT.Dataset) in described
    assert (DATASET, RDF.type, VOID.Dataset) in described
    for resource in (CATALOG, DATASET):
        for predicate in (DCTERMS.title, DCTERMS.description):
            langs = {getattr(v, "language", None) for v in described.objects(resource, predicate)}
            assert langs == {"fr", "en"}, (resource, predicate)
    publisher = described.value(DATASET, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in described
    assert described.value(publisher, FOAF.name) == Literal("essgraph")
    assert (DATASET, DCTERMS.license, ETALAB) in described
    assert (ETALAB, RDF.type, DCTERMS.LicenseDocument) in described
    assert (DATASET, DCTERMS.spatial, FRANCE) in described
    service = described.value(CATALOG, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in described
    assert described.value(service, DCAT.endpointURL) == URIRef("http://testserver/sparql")
    assert (service, DCAT.servesDataset, DATASET) in described
    assert described.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert described.value(DATASET, VOID.uriSpace) == Literal(f"{BASE}id/")
    modified = described.value(DATASET, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype == XSD.dateTime
    assert isinstance(modified.toPython(), datetime)


def test_period_covers_the_years_of_the_data(described: Graph, shared_store: EmbeddedStore) -> None:
    data = union_of_public_graphs(shared_store)
    years = [
        int(str(y)[:4]) for p in (ESS.referenceYear, ESS.startYear) for y in data.objects(None, p)
    ]
    period = described.value(DATASET, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in described
    assert described.value(period, DCAT.startDate) == Literal(str(min(years)), datatype=XSD.gYear)
    assert described.value(period, DCAT.endDate) == Literal(str(max(years)), datatype=XSD.gYear)


def test_counts_match_the_public_default_graph(
    described: Graph, shared_store: EmbeddedStore
) -> None:
    data = union_of_public_graphs(shared_store)
    assert described.value(DATASET, VOID.triples) == Literal(len(data), datatype=XSD.integer)
    stated = {
        described.value(p, VOID["class"]): int(str(described.value(p, VOID.entities)))
        for p in described.objects(DATASET, VOID.classPartition)
    }
    expected = {
        cls: len(set(data.subjects(RDF.type, cls)))
        for cls in set(data.objects(None, RDF.type))
        if isinstance(cls, URIRef)
    }
    assert stated == expected
    assert stated[ESS.Practice] > 0
    vocabularies = set(described.objects(DATASET, VOID.vocabulary))
    assert URIRef(str(ESS)) in vocabularies
    assert URIRef("http://www.w3.org/2004/02/skos/core#") in vocabularies


def test_each_distribution_states_the_size_and_checksum_of_its_file(
    client: AsgiClient, described: Graph
) -> None:
    distributions = list(described.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 3
    media_types = set()
    for distribution in distributions:
        url = described.value(distribution, DCAT.downloadURL)
        assert str(url).startswith("http://testserver/dumps/essgraph-")
        body = client.get(str(url)).content
        size = described.value(distribution, DCAT.byteSize)
        assert size == Literal(len(body), datatype=XSD.nonNegativeInteger)
        checksum = described.value(distribution, URIRef(f"{SPDX}checksum"))
        value = described.value(checksum, URIRef(f"{SPDX}checksumValue"))
        assert value == Literal(hashlib.sha256(body).hexdigest(), datatype=XSD.hexBinary)
        assert described.value(checksum, URIRef(f"{SPDX}algorithm")) == URIRef(
            f"{SPDX}checksumAlgorithm_sha256"
        )
        assert gzip.decompress(body)  # a real gzip file
        media_types.add(str(described.value(distribution, DCAT.mediaType)))
        assert (DATASET, VOID.dataDump, url) in described
    assert media_types == {
        "http://www.iana.org/assignments/media-types/application/n-quads",
        "http://www.iana.org/assignments/media-types/text/turtle",
        "http://www.iana.org/assignments/media-types/application/ld+json",
    }


def test_urls_follow_the_host_of_the_request(client: AsgiClient) -> None:
    graph = fetch(client, host="donnees.example.org")
    service = graph.value(CATALOG, DCAT.service)
    assert graph.value(service, DCAT.endpointURL) == URIRef("http://donnees.example.org/sparql")
    for distribution in graph.objects(DATASET, DCAT.distribution):
        assert str(graph.value(distribution, DCAT.downloadURL)).startswith(
            "http://donnees.example.org/dumps/"
        )
    # Resource IRIs stay under the configured base, whatever the host.
    assert (DATASET, RDF.type, DCAT.Dataset) in graph


@pytest.mark.parametrize(
    "accept",
    ["application/ld+json", "application/n-triples", "application/rdf+xml", "*/*"],
)
def test_every_format_says_the_same(client: AsgiClient, described: Graph, accept: str) -> None:
    assert isomorphic(fetch(client, accept), described)


def test_a_browser_gets_a_french_page_and_format_overrides_accept(
    client: AsgiClient, described: Graph
) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/dataset", headers={"Accept": browser})
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text and "Téléchargements" in page.text
    for distribution in described.objects(DATASET, DCAT.distribution):
        assert str(described.value(distribution, DCAT.downloadURL)) in page.text
    english = client.get("/dataset?lang=en", headers={"Accept": browser})
    assert '<html lang="en">' in english.text and "Downloads" in english.text
    assert english.headers["etag"] != page.headers["etag"]
    answer = client.get("/dataset?format=ttl", headers={"Accept": browser})
    assert answer.headers["content-type"].startswith("text/turtle")
    answer = client.get("/dataset?format=nt", headers={"Accept": "text/turtle"})
    assert answer.headers["content-type"].startswith("application/n-triples")


def test_unservable_format_is_a_406_problem(client: AsgiClient) -> None:
    answer = client.get("/dataset", headers={"Accept": "text/csv"})
    assert answer.status_code == 406
    body = answer.json()
    assert body["code"] == "not-acceptable"
    assert body["message"]["fr"] and body["message"]["en"]
    assert "text/turtle" in body["acceptable"]


def test_etag_gives_304(client: AsgiClient) -> None:
    first = client.get("/dataset")
    tag = first.headers["etag"]
    again = client.get("/dataset", headers={"If-None-Match": tag})
    assert again.status_code == 304
    other_host = client.get("/dataset", headers={"If-None-Match": tag, "Host": "x.example"})
    assert other_host.status_code == 200
