"""``/sitemap.xml`` and ``/robots.txt``: parsed back and compared with the data."""

from __future__ import annotations

import io
from datetime import datetime
from xml.etree import ElementTree as ET

from api_helpers import BASE, AsgiClient, demo_store, parse_graph
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import ORG, SKOS

from api import sitemap
from api.app import create_app
from essgraph.settings import Settings
from ontology import ESS
from store.embedded import EmbeddedStore

NS = {"sm": sitemap.SITEMAP_NS}


def parse(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own answer


def expected_paths(store: EmbeddedStore) -> set[str]:
    """Typed public resources under {BASE}id/, raw answers left out, from the export."""
    out = io.BytesIO()
    store.export(out, "nq", public_only=True)
    data = parse_graph(out.getvalue(), "application/n-quads")
    raw = set(data.subjects(RDF.type, ESS.RawAnswer))
    return {
        "/id/" + str(s).removeprefix(f"{BASE}id/")
        for s in set(data.subjects(RDF.type, None))
        if isinstance(s, URIRef) and str(s).startswith(f"{BASE}id/") and s not in raw
    }


def locations(body: bytes, element: str = "url") -> list[tuple[str, str]]:
    root = parse(body)
    return [
        (
            entry.findtext("sm:loc", namespaces=NS) or "",
            entry.findtext("sm:lastmod", namespaces=NS) or "",
        )
        for entry in root.findall(f"sm:{element}", NS)
    ]


def test_sitemap_lists_every_public_resource(
    client: AsgiClient, shared_store: EmbeddedStore
) -> None:
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    root = parse(answer.content)
    assert root.tag == f"{{{sitemap.SITEMAP_NS}}}urlset"
    found = locations(answer.content)
    urls = {loc for loc, _ in found}
    expected = expected_paths(shared_store)
    assert urls == {f"http://testserver{path}" for path in expected}
    assert len(found) == len(urls)  # no duplicates
    assert any("/id/practice/" in url for url in urls)
    assert not any("/cell/" in url for url in urls)  # raw answers are not documents
    for _, lastmod in found:
        assert datetime.fromisoformat(lastmod).tzinfo is not None  # W3C datetime with zone


def test_sitemap_follows_the_host_and_caches(client: AsgiClient) -> None:
    answer = client.get("/sitemap.xml", headers={"Host": "donnees.example.org"})
    assert all(
        loc.startswith("http://donnees.example.org/id/") for loc, _ in locations(answer.content)
    )
    again = client.get(
        "/sitemap.xml",
        headers={"Host": "donnees.example.org", "If-None-Match": answer.headers["etag"]},
    )
    assert again.status_code == 304


def test_lastmod_is_each_resources_latest_change() -> None:
    store = demo_store()
    http = AsgiClient(create_app(Settings(store="memory"), store))
    try:
        before = dict(locations(http.get("/sitemap.xml").content))
        partner = URIRef(f"{BASE}id/partner/nouvelle-cooperative")
        extra = Graph()
        extra.add((partner, RDF.type, ORG.Organization))
        extra.add((partner, SKOS.prefLabel, Literal("Nouvelle coopérative", lang="fr")))
        store.replace_graph(store.graph_iri("source/extra"), extra)
        after = dict(locations(http.get("/sitemap.xml").content))
        new = after.pop("http://testserver/id/partner/nouvelle-cooperative")
        assert after == before  # untouched resources keep the time of their own change
        assert all(datetime.fromisoformat(new) > datetime.fromisoformat(t) for t in before.values())
    finally:
        http.close()
        store.close()


def test_paging_beyond_the_page_size() -> None:
    paths = [f"/id/partner/p{n:02d}" for n in range(7)]
    origin, lastmod = "https://example.org", "2026-11-26T10:00:00+00:00"
    index = sitemap.sitemap(origin, paths, lastmod, page_size=3)
    assert index is not None
    root = parse(index)
    assert root.tag == f"{{{sitemap.SITEMAP_NS}}}sitemapindex"
    pages = locations(index, "sitemap")
    assert [loc for loc, _ in pages] == [f"{origin}/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed: list[str] = []
    for number in (1, 2, 3):
        body = sitemap.sitemap(origin, paths, lastmod, page=number, page_size=3)
        assert body is not None
        listed.extend(loc for loc, _ in locations(body))
    assert listed == [f"{origin}{p}" for p in paths]  # every URL once, in order
    assert sitemap.sitemap(origin, paths, lastmod, page=4, page_size=3) is None
    assert sitemap.sitemap(origin, paths, lastmod, page=0, page_size=3) is None
    single = sitemap.sitemap(origin, paths, lastmod, page_size=7)
    assert single is not None and parse(single).tag.endswith("urlset")


def test_locations_are_escaped() -> None:
    body = sitemap.sitemap("https://example.org", ["/id/partner/café & co"], "2026-11-26")
    assert body is not None
    assert locations(body)[0][0] == "https://example.org/id/partner/caf%C3%A9%20&%20co"
    assert b"&amp;" in body  # XML-escaped too


def test_missing_page_is_a_404_problem(client: AsgiClient) -> None:
    answer = client.get("/sitemap-9.xml")
    assert answer.status_code == 404
    assert answer.json()["message"]["en"]


def test_robots_points_to_the_sitemap(client: AsgiClient) -> None:
    answer = client.get("/robots.txt", headers={"Host": "donnees.example.org"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    lines = answer.text.splitlines()
    assert "Sitemap: http://donnees.example.org/sitemap.xml" in lines
    assert "User-agent: *" in lines
    assert "Disallow: /sparql" in lines
