"""JSON-LD documents read as plain JSON, and expand (pyld, no network) to the Turtle graph."""

from __future__ import annotations

import json
from typing import Any

import pytest
from api_helpers import BASE, AsgiClient, LocalLoader, parse_graph
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from ontology import CONTEXT_VERSION, EARLIER_CONTEXT_VERSIONS, jsonld_context

PRACTICE = "practice/200012342/ptce-des-rives"
COLLECTIVITY = "collectivity/200012342"
RESPONSE = "response/demo-2021/4"


def fetch_json(client: AsgiClient, path: str) -> dict[str, Any]:
    answer = client.get(f"/doc/{path}.jsonld")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/ld+json")
    document: dict[str, Any] = json.loads(answer.content)
    return document


def expand_to_graph(document: dict[str, Any], loader: LocalLoader) -> Graph:
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return parse_graph(nquads.encode("utf-8"), "application/n-quads")


def turtle(client: AsgiClient, path: str) -> Graph:
    answer = client.get(f"/doc/{path}.ttl")
    assert answer.status_code == 200
    return parse_graph(answer.content, "text/turtle")


def test_a_practice_reads_as_plain_json(client: AsgiClient) -> None:
    doc = fetch_json(client, PRACTICE)
    assert doc["@context"] == f"{BASE}context.jsonld?v={CONTEXT_VERSION}"
    assert doc["id"] == f"{BASE}id/{PRACTICE}"
    assert doc["type"] == ["Practice"]
    assert doc["title"]["fr"] == "PTCE des Rives"
    assert doc["description"]["fr"].startswith("Animation")
    # links are objects with an id, and the linked resource's labels by language
    assert doc["implementedBy"]["id"] == f"{BASE}id/{COLLECTIVITY}"
    assert doc["implementedBy"]["label"] == {"fr": "Métropole de Bellerive"}
    levers = {lever["id"]: lever for lever in doc["usesLever"]}
    assert f"{BASE}id/lever/L1.1" in levers
    assert levers[f"{BASE}id/lever/L1.1"]["label"]["en"] == "Support and incubation"
    assert "Lever" in levers[f"{BASE}id/lever/L1.1"]["type"]
    assert all(isinstance(p["id"], str) for p in doc["hasPartner"])
    # typed literals: plain strings where the context's @type keeps the datatype
    assert doc["dedicatedBudget"] == "250000"
    assert doc["startYear"] == "2016"
    # field-level provenance, with JSON numbers for row numbers
    derivations = doc["qualifiedDerivation"]
    assert derivations and all(d["type"] == ["Derivation"] for d in derivations)
    budget = next(d for d in derivations if d["rawValue"] == "250 000 €")
    assert budget["sourceRow"] == 2 and budget["entity"]["id"] == f"{BASE}id/{RESPONSE}"
    # the document says how many resources link here
    assert doc["isPrimaryTopicOf"]["totalItems"] == 0


def test_multi_valued_properties_are_always_lists(client: AsgiClient) -> None:
    doc = fetch_json(client, PRACTICE)
    for key in ("usesLever", "hasPartner", "modeOfAction", "wasDerivedFrom"):
        assert isinstance(doc[key], list), key
    collectivity = fetch_json(client, COLLECTIVITY)
    assert collectivity["type"] == ["Collectivity"]
    assert isinstance(collectivity["label"]["fr"], str)
    assert all(isinstance(v, list) for v in collectivity.get("altLabel", {}).values())


def test_booleans_and_integers_are_json_values(client: AsgiClient) -> None:
    response = fetch_json(client, RESPONSE)
    assert response["type"] == ["SurveyResponse"]
    assert response["isComplete"] is True
    assert isinstance(response["sourceRow"], int)


def test_inbound_links_are_listed_under_reverse(client: AsgiClient) -> None:
    lever = fetch_json(client, "lever/L1.1")
    users = lever["@reverse"]["usesLever"]
    assert f"{BASE}id/{PRACTICE}" in {u["id"] for u in users}
    practice = next(u for u in users if u["id"] == f"{BASE}id/{PRACTICE}")
    assert practice["title"]["fr"] == "PTCE des Rives"
    assert lever["isPrimaryTopicOf"]["totalItems"] >= len(users)


@pytest.mark.parametrize(
    "path", [PRACTICE, COLLECTIVITY, RESPONSE, "lever/L1.1", "scheme/levers", "graph/thesauri"]
)
def test_json_ld_expands_to_the_turtle_graph(client: AsgiClient, path: str) -> None:
    loader = LocalLoader(client)
    expanded = expand_to_graph(fetch_json(client, path), loader)
    assert loader.refused == []
    assert len(expanded) > 5
    assert isomorphic(expanded, turtle(client, path))


def test_served_context_is_the_published_one(client: AsgiClient) -> None:
    answer = client.get("/context.jsonld")
    assert answer.headers["content-type"].startswith("application/ld+json")
    assert answer.json() == jsonld_context()
    assert answer.headers["x-essgraph-context-version"] == CONTEXT_VERSION
    versioned = client.get(f"/context/{CONTEXT_VERSION}.jsonld")
    assert versioned.status_code == 200 and versioned.json() == jsonld_context()
    assert client.get(f"/context.jsonld?v={CONTEXT_VERSION}").status_code == 200
    again = client.get("/context.jsonld", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/context/0.0.0-nope.jsonld", "/context.jsonld?v=0.0.0-nope"])
def test_unknown_context_version_is_404_naming_the_served_one(
    client: AsgiClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    problem = answer.json()
    assert problem["code"] == "unknown-context-version"
    assert problem["served_version"] == CONTEXT_VERSION
    assert all(CONTEXT_VERSION in problem["message"][lang] for lang in ("fr", "en"))


@pytest.mark.parametrize("version", EARLIER_CONTEXT_VERSIONS)
def test_earlier_context_versions_still_answer(client: AsgiClient, version: str) -> None:
    """Documents cached by partners name an earlier version: it must keep resolving."""
    for path in (f"/context/{version}.jsonld", f"/context.jsonld?v={version}"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.json() == jsonld_context()
