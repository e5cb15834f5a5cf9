"""JSON-LD of the discovery answers: searches as Hydra collections, similar practices and
"like mine" as ranked schema.org lists, the comparison as statements about collectivities.

Every document is expanded with pyld (the published context served by the app through a
local loader: nothing from the network) and parsed into a graph whose triples are checked
against the JSON answer and the store.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from api_helpers import BASE, AsgiClient, LocalLoader, parse_graph
from pyld import jsonld
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from api.discovery.linked_data import DERIVED
from store.embedded import EmbeddedStore

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("https://schema.org/")
ESS = Namespace("https://w3id.org/essgraph/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
PRACTICE = "200012342/ptce-des-rives"
COMPARED = ("200012342", "200077113", "240098764")
ROUTES = (
    "/practices?per_page=3",
    "/practices?q=recyclerie",
    "/collectivities?per_page=2&sort=practices",
    f"/practices/{PRACTICE}/similar?per_page=3",
    "/compare?c=200012342&c=200077113&c=240098764",
    "/collectivities/200012342/like",
)


def jsonld_of(client: AsgiClient, route: str, **headers: str) -> dict[str, Any]:
    sep = "&" if "?" in route else "?"
    answer = client.get(f"{route}{sep}format=jsonld", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/ld+json")
    document: dict[str, Any] = json.loads(answer.content)
    return document


def graph_of(client: AsgiClient, document: dict[str, Any]) -> Graph:
    loader = LocalLoader(client)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    assert loader.refused == []
    return parse_graph(nquads.encode("utf-8"), "application/n-quads")


def at(iri: str) -> str:
    """The path of a ``{BASE}…`` IRI on this server."""
    assert iri.startswith(BASE), iri
    return "/" + iri.removeprefix(BASE)


def one(graph: Graph, subject: Node, predicate: URIRef) -> Node:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def collection_of(graph: Graph, kind: URIRef) -> URIRef:
    """The document's own node: the one typed ``kind`` that nothing else points to (a facet
    value ticked alone in its facet is the collection itself: it points to itself)."""
    roots = [
        s
        for s in graph.subjects(RDF.type, kind)
        if all(other == s for other in graph.subjects(None, s))
    ]
    assert len(roots) == 1, roots
    root = roots[0]
    assert isinstance(root, URIRef)
    return root


def ids(node: Any) -> list[str]:
    """Every ``@id`` of an expanded JSON-LD document."""
    if isinstance(node, list):
        return [i for item in node for i in ids(item)]
    if not isinstance(node, dict):
        return []
    found = [node["@id"]] if isinstance(node.get("@id"), str) else []
    for key, value in node.items():
        if key != "@id":
            found += ids(value)
    return found


# -- validity ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_every_id_is_an_absolute_iri(client: AsgiClient, route: str) -> None:
    loader = LocalLoader(client)
    expanded = jsonld.expand(jsonld_of(client, route), {"documentLoader": loader})
    assert loader.refused == []
    found = ids(expanded)
    assert found
    for iri in found:
        parts = urlsplit(iri)
        assert parts.scheme in ("http", "https") and parts.netloc, iri
    graph = graph_of(client, jsonld_of(client, route))
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
        assert urlsplit(str(term)).scheme in ("http", "https"), term


def _comparable(term: Node) -> object:
    """Numbers by value (a JSON figure may lose ``.0``), everything else as the term."""
    if not isinstance(term, Literal):
        return term
    value = term.toPython()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return (term.datatype, Decimal(str(value)))
    return term


@pytest.mark.parametrize("route", ROUTES)
def test_what_is_said_about_resources_is_in_the_graph(
    client: AsgiClient, shared_store: EmbeddedStore, route: str
) -> None:
    """Triples about ``{BASE}id/…`` resources are the store's, except the derived figures."""
    stored = shared_store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    known = {(s, p, _comparable(o)) for s, p, o in stored}
    graph = graph_of(client, jsonld_of(client, route))
    about = [
        (s, p, o) for s, p, o in graph if str(s).startswith(f"{BASE}id/") and str(p) not in DERIVED
    ]
    assert len(about) > 5
    missing = [t for t in about if (t[0], t[1], _comparable(t[2])) not in known]
    assert missing == []


# -- searches as Hydra collections -------------------------------------------------------


def test_practices_are_a_hydra_collection_with_members_and_pages(client: AsgiClient) -> None:
    plain = client.get("/practices?per_page=3").json()
    graph = graph_of(client, jsonld_of(client, "/practices?per_page=3"))
    collection = collection_of(graph, HYDRA.Collection)
    assert collection == URIRef(f"{BASE}practices")
    assert one(graph, collection, HYDRA.totalItems) == Literal(plain["total"])
    members = set(graph.objects(collection, HYDRA.member))
    assert members == {URIRef(item["iri"]) for item in plain["items"]}
    for item in plain["items"]:
        member = URIRef(item["iri"])
        assert (member, RDF.type, ESS.Practice) in graph
        assert (member, ESS.implementedBy, URIRef(item["collectivity"]["iri"])) in graph
        assert Literal(item["title"], lang="fr") in set(graph.objects(member, DCT.title))
    view = one(graph, collection, HYDRA.view)
    assert view == URIRef(f"{BASE}practices?page=1&per_page=3")
    assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
    assert one(graph, view, HYDRA.next) == URIRef(f"{BASE}practices?page=2&per_page=3")
    assert one(graph, view, HYDRA.first) == view
    last = -(-plain["total"] // 3)
    assert one(graph, view, HYDRA.last) == URIRef(f"{BASE}practices?page={last}&per_page=3")
    assert (view, HYDRA.previous, None) not in graph


def test_the_next_page_link_reads_the_next_page(client: AsgiClient) -> None:
    route = "/practices?sort=title&per_page=2"
    first = graph_of(client, jsonld_of(client, route))
    view = one(first, collection_of(first, HYDRA.Collection), HYDRA.view)
    following = str(one(first, view, HYDRA.next))
    second = graph_of(client, jsonld_of(client, at(following)))
    collection = collection_of(second, HYDRA.Collection)
    assert collection == URIRef(f"{BASE}practices?sort=title")
    shown = one(second, collection, HYDRA.view)
    assert shown == URIRef(following)
    assert one(second, shown, HYDRA.previous) == view
    plain = client.get(at(following).replace("?", "?format=json&")).json()
    assert set(second.objects(collection, HYDRA.member)) == {
        URIRef(i["iri"]) for i in plain["items"]
    }
    assert set(second.objects(collection, HYDRA.member)).isdisjoint(
        set(first.objects(collection_of(first, HYDRA.Collection), HYDRA.member))
    )


def test_levers_and_themes_are_concept_iris_of_the_practice(client: AsgiClient) -> None:
    graph = graph_of(client, jsonld_of(client, "/practices?q=ptce"))
    practice = URIRef(f"{BASE}id/practice/{PRACTICE}")
    assert practice in set(graph.objects(collection_of(graph, HYDRA.Collection), HYDRA.member))
    levers = set(graph.objects(practice, ESS.usesLever))
    assert URIRef(f"{BASE}id/lever/L1.1") in levers
    skos_label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert Literal("Support and incubation", lang="en") in set(
        graph.objects(URIRef(f"{BASE}id/lever/L1.1"), skos_label)
    )


@pytest.mark.parametrize("path", ["/practices", "/collectivities"])
def test_each_facet_value_is_the_collection_of_that_value(client: AsgiClient, path: str) -> None:
    """A facet value's IRI is a search; asked for, it holds exactly ``totalItems`` items."""
    graph = graph_of(client, jsonld_of(client, f"{path}?budget=yes"))
    collection = collection_of(graph, HYDRA.Collection)
    values = list(graph.objects(collection, ESS.facet))
    names = {str(one(graph, v, ESS.facetName)) for v in values}
    assert {"kind", "lever", "budget", "fte"} <= names
    concepts = 0
    for value in values:
        assert (value, RDF.type, ESS.FacetValue) in graph
        assert (value, RDF.type, HYDRA.Collection) in graph
        total = one(graph, value, HYDRA.totalItems).toPython()  # type: ignore[attr-defined]
        target = at(str(value))
        answer = client.get(target + ("&" if "?" in target else "?") + "format=json")
        assert answer.status_code == 200, target
        assert answer.json()["total"] == total, target
        name = str(one(graph, value, ESS.facetName))
        if name in ("kind", "lever", "theme"):
            concept = one(graph, value, RDF.value)
            assert isinstance(concept, URIRef) and str(concept).startswith(f"{BASE}id/")
            concepts += 1
    assert concepts > 3
    selected = [v for v in values if one(graph, v, ESS.selected) == Literal(True)]
    assert [str(one(graph, v, ESS.facetName)) for v in selected] == ["budget"]
    assert selected == [collection]  # ticked alone, the value's collection is this one


def test_the_search_template_describes_the_parameters(client: AsgiClient) -> None:
    graph = graph_of(client, jsonld_of(client, "/practices"))
    search = one(graph, collection_of(graph, HYDRA.Collection), HYDRA.search)
    assert (search, RDF.type, HYDRA.IriTemplate) in graph
    template = str(one(graph, search, HYDRA.template))
    assert template.startswith(f"{BASE}practices{{?q,theme*,lever*")
    mappings = {str(one(graph, m, HYDRA.variable)): m for m in graph.objects(search, HYDRA.mapping)}
    assert one(graph, mappings["theme"], HYDRA.property) == ESS.addressesTheme
    assert one(graph, mappings["q"], HYDRA.property) == HYDRA.freetextQuery
    assert one(graph, mappings["page"], HYDRA.property) == HYDRA.pageIndex
    assert one(graph, search, HYDRA.variableRepresentation) == HYDRA.BasicRepresentation


def test_collectivities_are_members_with_their_levers(client: AsgiClient) -> None:
    route = "/collectivities?lever=L5&sort=practices"
    plain = client.get(route).json()
    graph = graph_of(client, jsonld_of(client, route))
    collection = collection_of(graph, HYDRA.Collection)
    assert collection == URIRef(f"{BASE}collectivities?lever=L5&sort=practices")
    assert one(graph, collection, HYDRA.totalItems) == Literal(plain["total"])
    assert set(graph.objects(collection, HYDRA.member)) == {
        URIRef(i["iri"]) for i in plain["items"]
    }
    for item in plain["items"]:
        member = URIRef(item["iri"])
        assert (member, RDF.type, ESS.Collectivity) in graph
        assert one(graph, member, ESS.practiceCount) == Literal(item["practices"])
        levers = set(graph.objects(member, ESS.actsWithLever))
        assert len(levers) == len(item["levers"])
        assert all(str(lever).startswith(f"{BASE}id/lever/L") for lever in levers)


# -- ranked lists ------------------------------------------------------------------------


def test_similar_practices_are_a_ranked_list_with_reasons_in_two_languages(
    client: AsgiClient,
) -> None:
    route = f"/practices/{PRACTICE}/similar?per_page=2&page=2"
    french = client.get(route).json()
    english = client.get(f"{route}&lang=en").json()
    graph = graph_of(client, jsonld_of(client, route))
    ranked = collection_of(graph, SCHEMA.ItemList)
    assert ranked == URIRef(f"{BASE}practices/{PRACTICE}/similar")
    assert (ranked, RDF.type, HYDRA.Collection) in graph
    assert one(graph, ranked, SCHEMA.about) == URIRef(f"{BASE}id/practice/{PRACTICE}")
    assert one(graph, ranked, HYDRA.totalItems) == Literal(french["total"])
    elements = {
        one(graph, e, SCHEMA.position).toPython(): e  # type: ignore[attr-defined]
        for e in graph.objects(ranked, SCHEMA.itemListElement)
    }
    assert sorted(elements) == [3, 4]
    for position, item, item_en in zip((3, 4), french["items"], english["items"], strict=True):
        element = elements[position]
        assert one(graph, element, SCHEMA.item) == URIRef(item["iri"])
        assert one(graph, element, ESS.score).toPython() == item["score"]  # type: ignore[attr-defined]
        reasons = set(graph.objects(element, SCHEMA.description))
        assert Literal(item["explanation"], lang="fr") in reasons
        assert Literal(item_en["explanation"], lang="en") in reasons
        exact = {c["iri"] for c in item["reasons"]["concepts"] if c["shared"] == "exact"}
        assert {str(c) for c in graph.objects(element, ESS.sharedConcept)} == exact
    view = one(graph, ranked, HYDRA.view)
    assert one(graph, view, HYDRA.previous) == URIRef(
        f"{BASE}practices/{PRACTICE}/similar?page=1&per_page=2"
    )


def _a_collectivity_with_likes(client: AsgiClient) -> str:
    for item in client.get("/collectivities?per_page=50").json()["items"]:
        if client.get(f"/collectivities/{item['key']}/like").json()["items"]:
            return str(item["key"])
    raise AssertionError("no collectivity has another of the same kind in the demo data")


def test_collectivities_like_mine_are_a_ranked_list(client: AsgiClient) -> None:
    key = _a_collectivity_with_likes(client)
    route = f"/collectivities/{key}/like"
    french = client.get(route).json()
    english = client.get(f"{route}?lang=en").json()
    graph = graph_of(client, jsonld_of(client, route))
    ranked = collection_of(graph, SCHEMA.ItemList)
    assert one(graph, ranked, SCHEMA.about) == URIRef(french["collectivity"]["iri"])
    elements = sorted(
        graph.objects(ranked, SCHEMA.itemListElement),
        key=lambda e: one(graph, e, SCHEMA.position).toPython(),  # type: ignore[attr-defined]
    )
    assert [str(one(graph, e, SCHEMA.item)) for e in elements] == [
        i["iri"] for i in french["items"]
    ]
    for element, item, item_en in zip(elements, french["items"], english["items"], strict=True):
        reasons = set(graph.objects(element, SCHEMA.description))
        assert Literal(item["explanation"], lang="fr") in reasons
        assert Literal(item_en["explanation"], lang="en") in reasons
        shared = {n["notation"] for n in item["levers_in_common"]}
        assert {str(c).rsplit("/", 1)[-1] for c in graph.objects(element, ESS.sharedConcept)} == (
            shared
        )


# -- the comparison ----------------------------------------------------------------------


def test_compare_states_policies_per_year_and_the_matrix(client: AsgiClient) -> None:
    route = "/compare?" + "&".join(f"c={k}" for k in COMPARED)
    plain = client.get(route).json()
    graph = graph_of(client, jsonld_of(client, route))
    ranked = collection_of(graph, SCHEMA.ItemList)
    assert ranked == URIRef(f"{BASE}compare?c=200012342&c=200077113&c=240098764")
    items = {
        one(graph, e, SCHEMA.position).toPython(): one(graph, e, SCHEMA.item)  # type: ignore[attr-defined]
        for e in graph.objects(ranked, SCHEMA.itemListElement)
    }
    assert [str(items[i]) for i in sorted(items)] == [c["iri"] for c in plain["collectivities"]]
    years = 0
    for column, compared in enumerate(plain["collectivities"]):
        iri = URIRef(compared["iri"])
        assert one(graph, iri, ESS.practiceCount) == Literal(compared["practice_count"])
        for year in compared["years"]:
            policy = URIRef(f"{BASE}id/policy/{compared['key']}/{year['year']}")
            assert (policy, ESS.policyOf, iri) in graph
            budget = one(graph, policy, ESS.dedicatedBudget).toPython()  # type: ignore[attr-defined]
            assert float(budget) == year["budget"]
            staff = one(graph, policy, ESS.dedicatedStaff).toPython()  # type: ignore[attr-defined]
            assert float(staff) == year["fte"]
            years += 1
        uses = {
            one(graph, u, ESS.concept): (
                one(graph, u, ESS.inPolicy).toPython(),  # type: ignore[attr-defined]
                one(graph, u, ESS.practiceCount).toPython(),  # type: ignore[attr-defined]
            )
            for u in graph.objects(iri, ESS.conceptUse)
        }
        cells = {
            URIRef(row["iri"]): (row["cells"][column]["policy"], row["cells"][column]["practices"])
            for facet in ("lever", "theme")
            for row in plain["matrix"][facet]
            if row["cells"][column]["policy"] or row["cells"][column]["practices"]
        }
        assert uses == cells
        assert cells
    assert years >= 3


# -- negotiation and headers -------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_accept_picks_json_ld_and_json_stays_json(client: AsgiClient, route: str) -> None:
    linked = client.get(route, headers={"accept": "application/ld+json"})
    assert linked.status_code == 200
    assert linked.headers["content-type"].startswith("application/ld+json")
    assert linked.json()["@context"][0].startswith(f"{BASE}context.jsonld?v=")
    weighted = client.get(route, headers={"accept": "application/json;q=0.5, application/ld+json"})
    assert weighted.headers["content-type"].startswith("application/ld+json")
    for accept in ("application/json", "*/*", "application/*"):
        plain = client.get(route, headers={"accept": accept})
        assert plain.headers["content-type"] == "application/json", accept
        assert "@context" not in plain.json()
    refused = client.get(route, headers={"accept": "image/png"})
    assert refused.status_code == 406
    problem = refused.json()
    assert "application/ld+json" in problem["acceptable"]
    assert "format=jsonld" in problem["message"]["fr"]
    assert "format=jsonld" in problem["message"]["en"]


@pytest.mark.parametrize("route", ROUTES)
def test_json_ld_keeps_the_json_headers(client: AsgiClient, route: str) -> None:
    origin = {"origin": "https://partenaire.example"}
    plain = client.get(route, headers={"accept": "application/json", **origin})
    linked = client.get(route, headers={"accept": "application/ld+json", **origin})
    assert linked.headers["access-control-allow-origin"] == "*"
    assert "Accept" in [v.strip() for v in linked.headers["vary"].split(",")]
    assert linked.headers.get("link") == plain.headers.get("link")
    assert linked.headers["etag"] != plain.headers["etag"]
    again = client.get(
        route, headers={"accept": "application/ld+json", "if-none-match": linked.headers["etag"]}
    )
    assert again.status_code == 304


def test_a_bad_format_names_json_ld(client: AsgiClient) -> None:
    for route in ("/practices?format=turtle", "/compare?c=200012342&c=200077113&format=ttl"):
        answer = client.get(route)
        assert answer.status_code == 400
        problem = answer.json()
        assert problem["parameter"] == "format"
        assert "jsonld" in problem["message"]["fr"] and "jsonld" in problem["message"]["en"]


def test_the_openapi_description_lists_json_ld(client: AsgiClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/practices",
        "/collectivities",
        "/practices/{key}/similar",
        "/compare",
        "/collectivities/{key}/like",
    ):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert "application/ld+json" in content, path
        assert "application/json" in content, path


def test_a_partner_site_reads_the_served_collection(served: str) -> None:
    """Over a real socket (gzip, CORS): the collection expands with the context the server
    publishes, and its next page is the page the ``Link`` header names."""
    headers = {"accept": "application/ld+json", "origin": "https://partenaire.example"}
    answer = httpx.get(f"{served}/practices?per_page=2", headers=headers, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert answer.headers["access-control-allow-origin"] == "*"
    context = httpx.get(f"{served}/context.jsonld", timeout=30).json()

    def loader(url: str, options: object = None) -> dict[str, Any]:
        assert url.split("?")[0] == f"{BASE}context.jsonld", url
        return {"contextUrl": None, "documentUrl": url, "document": context}

    nquads = jsonld.to_rdf(
        answer.json(), {"format": "application/n-quads", "documentLoader": loader}
    )
    graph = parse_graph(nquads.encode("utf-8"), "application/n-quads")
    view = one(graph, URIRef(f"{BASE}practices"), HYDRA.view)
    following = str(one(graph, view, HYDRA.next))
    assert f'<{served}{at(following)}>; rel="next"' in answer.headers["link"]
