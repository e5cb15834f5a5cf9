"""A concept used by thousands of practices: its document is paged, the pages are linked from
the RDF (Hydra) and the headers, the first page counts every inbound link, and walking the
pages gives each link exactly once."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
from api_helpers import BASE, AsgiClient, demo_store, parse_graph
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from api.app import create_app
from api.describe import PAGE_SIZE
from essgraph.settings import Settings

ESS = Namespace("https://w3id.org/essgraph/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LEVER = URIRef(f"{BASE}id/lever/L5.1")
DOC = URIRef(f"{BASE}doc/lever/L5.1")
PRACTICES = 2_345


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[AsgiClient, int]]:
    """The demo plus a generated source graph of PRACTICES practices using lever L5.1;
    yields the client and the number of inbound links of L5.1 the store holds."""
    store = demo_store()
    generated = Graph()
    collectivity = URIRef(f"{BASE}id/collectivity/200012342")
    for n in range(PRACTICES):
        practice = URIRef(f"{BASE}id/practice/200012342/generated-{n:05d}")
        generated.add((practice, RDF.type, ESS.Practice))
        generated.add((practice, DCT.title, Literal(f"Pratique générée {n}", lang="fr")))
        generated.add((practice, ESS.usesLever, LEVER))
        generated.add((practice, ESS.implementedBy, collectivity))
    store.replace_graph(URIRef(f"{BASE}graph/source/generated"), generated)
    count = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?lever }", {"lever": LEVER})
    http = AsgiClient(create_app(Settings(store="memory"), store))
    yield http, int(count.rows[0]["n"])
    http.close()
    store.close()


def test_first_page_counts_every_inbound_link(big: tuple[AsgiClient, int]) -> None:
    client, total = big
    assert total > PRACTICES
    answer = client.get("/doc/lever/L5.1.ttl")
    assert answer.status_code == 200
    graph = parse_graph(answer.content, "text/turtle")
    assert graph.value(DOC, HYDRA.totalItems) == Literal(total)
    assert len(set(graph.subjects(ESS.usesLever, LEVER))) <= PAGE_SIZE
    view = URIRef(f"{DOC}?page=1")
    assert graph.value(DOC, HYDRA.view) == view
    assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
    last = math.ceil(total / PAGE_SIZE)
    assert graph.value(view, HYDRA.next) == URIRef(f"{DOC}?page=2")
    assert graph.value(view, HYDRA.last) == URIRef(f"{DOC}?page={last}")
    assert graph.value(view, HYDRA.previous) is None
    # the lever's own description is on every page
    assert (LEVER, RDF.type, ESS.Lever) in graph


def test_walking_the_pages_gives_every_link_once(big: tuple[AsgiClient, int]) -> None:
    client, total = big
    url: str | None = "/doc/lever/L5.1.nt"
    seen: list[tuple[URIRef, URIRef]] = []
    pages = 0
    while url is not None:
        answer = client.get(url)
        assert answer.status_code == 200
        pages += 1
        graph = parse_graph(answer.content, "application/n-triples")
        links = [(s, p) for s, p in graph.subject_predicates(LEVER)]
        assert len(links) <= PAGE_SIZE
        seen += links  # type: ignore[arg-type]
        # every linking practice comes with its title
        for s, _p in links:
            if (s, RDF.type, ESS.Practice) in graph:
                assert graph.value(s, DCT.title) is not None
        nxt = answer.links.get("next")
        if nxt is not None:
            assert answer.links["last"]["url"].endswith(f"?page={math.ceil(total / PAGE_SIZE)}")
        url = urljoin(url, nxt["url"]) if nxt else None
    assert pages == math.ceil(total / PAGE_SIZE)
    assert len(seen) == total and len(set(seen)) == total
    generated = {s for s, _p in seen if "/generated-" in str(s)}
    assert len(generated) == PRACTICES


def test_middle_page_links_both_ways(big: tuple[AsgiClient, int]) -> None:
    client, _total = big
    answer = client.get("/doc/lever/L5.1.ttl?page=3")
    graph = parse_graph(answer.content, "text/turtle")
    view = URIRef(f"{DOC}?page=3")
    assert graph.value(view, HYDRA.previous) == URIRef(f"{DOC}?page=2")
    assert graph.value(view, HYDRA.next) == URIRef(f"{DOC}?page=4")
    assert answer.links["prev"]["url"] == "/doc/lever/L5.1.ttl?page=2"
    assert answer.links["next"]["url"] == "/doc/lever/L5.1.ttl?page=4"
    assert answer.links["first"]["url"] == "/doc/lever/L5.1.ttl?page=1"
    # the alternates of a page are the same page in the other formats
    assert "/doc/lever/L5.1.jsonld?page=3" in answer.headers["link"]


def test_redirect_keeps_the_page(big: tuple[AsgiClient, int]) -> None:
    client, _total = big
    hop = client.get("/id/lever/L5.1?page=4", headers={"Accept": "application/ld+json"})
    assert hop.status_code == 303
    assert hop.headers["location"] == "/doc/lever/L5.1.jsonld?page=4"


def test_json_page_lists_the_practices_under_reverse(big: tuple[AsgiClient, int]) -> None:
    client, total = big
    doc = json.loads(client.get("/doc/lever/L5.1.jsonld?page=2").content)
    users = doc["@reverse"]["usesLever"]
    assert 0 < len(users) <= PAGE_SIZE
    assert all(isinstance(u["title"]["fr"], str) for u in users if "Practice" in u["type"])
    view = doc["isPrimaryTopicOf"]["view"]
    assert doc["isPrimaryTopicOf"]["totalItems"] == total
    assert view["previous"]["id"].endswith("?page=1") and view["next"]["id"].endswith("?page=3")


def test_pages_are_in_a_stable_order(big: tuple[AsgiClient, int]) -> None:
    client, _total = big
    first = client.get("/doc/lever/L5.1.nt?page=5").content
    again = client.get("/doc/lever/L5.1.nt?page=5").content
    one = parse_graph(first, "application/n-triples")
    two = parse_graph(again, "application/n-triples")
    assert set(one.subject_predicates(LEVER)) == set(two.subject_predicates(LEVER))
