"""``/changes`` over HTTP (the real app in process): Atom and ActivityStreams, paging, since."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from api_helpers import AsgiClient, parse_graph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, XSD

from api.app import create_app
from essgraph.settings import Settings
from store.change_events import events
from store.embedded import EmbeddedStore

BASE = "https://w3id.org/essgraph/"
ID = Namespace(f"{BASE}id/")
ESS = Namespace("https://w3id.org/essgraph/ontology#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
A = "{http://www.w3.org/2005/Atom}"


def practices(titles: dict[str, str]) -> Graph:
    graph = Graph()
    for key, title in titles.items():
        graph.add((ID[f"practice/bellerive/{key}"], RDF.type, ESS.Practice))
        graph.add((ID[f"practice/bellerive/{key}"], DCTERMS.title, Literal(title, lang="fr")))
    return graph


@pytest.fixture
def store() -> Iterator[EmbeddedStore]:
    """Three writes: five practices added, one changed, one withdrawn (7 events)."""
    opened = EmbeddedStore(BASE)
    graph = opened.graph_iri("source/a")
    titles = {f"p{i}": f"Pratique {i}" for i in range(5)}
    opened.replace_graph(graph, practices(titles))
    opened.replace_graph(graph, practices({**titles, "p0": "Recyclerie"}))
    del titles["p1"]
    opened.replace_graph(graph, practices({**titles, "p0": "Recyclerie"}))
    yield opened
    opened.close()


@pytest.fixture
def http(store: EmbeddedStore) -> Iterator[AsgiClient]:
    client = AsgiClient(create_app(Settings(store="memory"), store))
    yield client
    client.close()


def feed_of(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own answer


def entries(body: bytes) -> list[ET.Element]:
    return feed_of(body).findall(f"{A}entry")


def link(element: ET.Element, rel: str) -> str | None:
    found = [e.get("href") for e in element.findall(f"{A}link") if e.get("rel") == rel]
    return found[0] if found else None


def test_atom_feed_newest_first(http: AsgiClient) -> None:
    response = http.get("/changes", headers={"Origin": "https://partner.example"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["etag"]
    feed = feed_of(response.content)
    assert feed.findtext(f"{A}title", "").startswith("Modifications")
    found = entries(response.content)
    kinds = [e.find(f"{A}category").get("term") for e in found]  # type: ignore[union-attr]
    assert kinds == ["withdrawn", "changed"] + ["added"] * 5
    withdrawn = found[0]
    assert link(withdrawn, "alternate") == "http://testserver/id/practice/bellerive/p1"
    assert link(withdrawn, "related") == f"{BASE}id/practice/bellerive/p1"
    assert withdrawn.findtext(f"{A}title", "").startswith("Ressource retirée")
    assert "withdrawn" in withdrawn.findtext(f"{A}title", "")
    times = [datetime.fromisoformat(e.findtext(f"{A}updated", "")) for e in found]
    assert times == sorted(times, reverse=True)
    assert link(feed, "next") is None


def test_pages_follow_next_links(http: AsgiClient, store: EmbeddedStore) -> None:
    url: str | None = "/changes?per_page=3"
    seen: list[str] = []
    pages = 0
    while url is not None:
        response = http.get(url)
        assert response.status_code == 200
        feed = feed_of(response.content)
        page = [e.findtext(f"{A}id", "") for e in entries(response.content)]
        assert 1 <= len(page) <= 3
        seen += page
        pages += 1
        url = link(feed, "next")
        header_next = response.links.get("next", {}).get("url")
        assert header_next == url
    assert pages == 3
    assert seen == [str(e.iri) for e in events(store)]


def test_pages_do_not_shift_when_new_events_arrive(http: AsgiClient, store: EmbeddedStore) -> None:
    first = http.get("/changes?per_page=2")
    next_url = first.links["next"]["url"]
    store.replace_graph(store.graph_iri("source/b"), practices({"q": "Nouvelle"}))
    second = http.get(next_url)
    before = [str(e.iri) for e in events(store)][1:]  # without the newest event
    shown = [e.findtext(f"{A}id") for e in entries(first.content) + entries(second.content)]
    assert shown == before[:4]


def test_since_keeps_later_events(http: AsgiClient, store: EmbeddedStore) -> None:
    every = events(store)
    changed = next(e for e in every if e.kind == "changed")
    response = http.get("/changes", params={"since": changed.time.isoformat()})
    assert [e.findtext(f"{A}id") for e in entries(response.content)] == [str(every[0].iri)]
    # the same instant written in another offset
    paris = changed.time.astimezone(timezone(timedelta(hours=2)))
    again = http.get("/changes", params={"since": paris.isoformat()})
    assert entries(again.content)[0].findtext(f"{A}id") == str(every[0].iri)
    assert len(entries(again.content)) == 1


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"since": "hier"}, "since"), ({"after": "https://example.org/x"}, "after")],
)
def test_bad_parameters_are_clear_errors(
    http: AsgiClient, params: dict[str, str], parameter: str
) -> None:
    response = http.get("/changes", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "invalid-parameter"
    assert problem["parameter"] == parameter
    assert parameter in problem["message"]["fr"] and parameter in problem["message"]["en"]


def expected_page(store: EmbeddedStore, url: str) -> Graph:
    """The ActivityStreams page the feed should give for every event on one page."""
    graph = Graph()
    page = URIRef(url)
    graph.add((page, RDF.type, AS.OrderedCollectionPage))
    graph.add((page, AS.partOf, page))
    activity = {"added": AS.Create, "changed": AS.Update, "withdrawn": AS.Delete}
    summaries = {
        "added": ("Ressource ajoutée", "Resource added"),
        "changed": ("Ressource modifiée", "Resource changed"),
        "withdrawn": ("Ressource retirée", "Resource withdrawn"),
    }
    for event in events(store):
        graph.add((page, AS["items"], event.iri))
        graph.add((event.iri, RDF.type, activity[event.kind]))
        graph.add((event.iri, AS.object, event.resource))
        path = str(event.resource).removeprefix(BASE)
        graph.add((event.iri, AS.url, URIRef(f"http://testserver/{path}")))
        stamp = event.time.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
        graph.add((event.iri, AS.published, Literal(stamp, datatype=XSD.dateTime)))
        graph.add((event.iri, ESS.dataVersion, Literal(event.version)))
        fr, en = summaries[event.kind]
        graph.add((event.iri, AS.summary, Literal(fr, lang="fr")))
        graph.add((event.iri, AS.summary, Literal(en, lang="en")))
        for target in event.graphs:
            graph.add((event.iri, AS.target, target))
    return graph


@pytest.mark.parametrize("media_type", ["text/turtle", "application/ld+json"])
def test_activity_streams_views(http: AsgiClient, store: EmbeddedStore, media_type: str) -> None:
    response = http.get("/changes", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    parsed = parse_graph(response.content, media_type)
    assert isomorphic(
        _normalised(parsed), _normalised(expected_page(store, "http://testserver/changes"))
    )


def _normalised(graph: Graph) -> Graph:
    """Times compared as values (``.500000Z`` and ``.5Z`` are one instant)."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.dateTime:
            o = Literal(o.toPython().isoformat(), datatype=XSD.dateTime)
        out.add((s, p, o))
    return out


def test_format_keyword_overrides_accept(http: AsgiClient) -> None:
    response = http.get("/changes?format=turtle", headers={"Accept": "application/atom+xml"})
    assert response.headers["content-type"].startswith("text/turtle")


def test_not_acceptable(http: AsgiClient) -> None:
    response = http.get("/changes", headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert response.json()["code"] == "not-acceptable"


def test_etag_follows_the_data_version(http: AsgiClient, store: EmbeddedStore) -> None:
    first = http.get("/changes")
    tag = first.headers["etag"]
    assert http.get("/changes", headers={"If-None-Match": tag}).status_code == 304
    store.replace_graph(store.graph_iri("source/b"), practices({"q": "Nouvelle"}))
    fresh = http.get("/changes", headers={"If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != tag
    newest = entries(fresh.content)[0]
    assert link(newest, "alternate") == "http://testserver/id/practice/bellerive/q"
