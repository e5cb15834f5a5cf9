"""``GET /collectivities``: the collectivity search through the in-process app, on the small
graph of discovery_data (answers worked out by hand) and on the demo data (counts checked
against independent SPARQL): JSON with facets and paging, CSV, HTML with compare boxes, errors.

Small graph: Rives (métropole, 84; practices with L5.1, L5.2, T3.1, T3.2), Clos (commune, 11;
L2.1, T3.1), Lys (métropole, 11; L5.3, L5, T1.1, T3.1; its policy states 2 FTE).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from api_helpers import AsgiClient, demo_store
from discovery_data import BASE, discovery_app, small_graph, small_store
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from store.embedded import EmbeddedStore


def c(key: str) -> str:
    return f"{BASE}id/collectivity/{key}"


@pytest.fixture(scope="module")
def small() -> Iterator[AsgiClient]:
    store = small_store()
    client = AsgiClient(discovery_app(store))
    yield client
    client.close()
    store.close()


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[AsgiClient, EmbeddedStore]]:
    store = demo_store()
    client = AsgiClient(discovery_app(store))
    yield client, store
    client.close()
    store.close()


def links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', header)}


def counts(body: dict[str, object], facet: str) -> dict[str, int]:
    values = body["facets"][facet]  # type: ignore[index]
    return {v["value"]: v["count"] for v in values}


def test_json_lists_collectivities_by_name_with_paging(small: AsgiClient) -> None:
    answer = small.get("/collectivities", params={"per_page": "2"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert body["total"] == 3 and body["sort"] == "name"
    # French collation: "Commune du Clos" < "Métropole des Rives" < "Métropole du Lys"
    assert [i["iri"] for i in body["items"]] == [c("clos"), c("rives")]
    clos = body["items"][0]
    assert clos["label"] == "Commune du Clos" and clos["key"] == "clos"
    assert clos["practices"] == 1 and clos["has_fte"] is False
    assert clos["kind"] == ["Commune"] and clos["region"] == ["Île-de-France"]
    assert clos["levers"] == ["Subventions"]  # L2.1 under L2: the most specific only
    rels = links(answer.headers["link"])
    assert set(rels) == {"first", "next"}
    following = small.get(rels["next"].removeprefix("http://testserver")).json()
    assert [i["iri"] for i in following["items"]] == [c("lys")]
    assert following["items"][0]["has_fte"] is True


def test_lever_and_theme_are_hierarchy_aware(small: AsgiClient) -> None:
    def iris(**params: str) -> set[str]:
        return {i["iri"] for i in small.get("/collectivities", params=params).json()["items"]}

    assert iris(lever="L5") == {c("rives"), c("lys")}  # via L5.1/L5.2, L5.3 and L5 itself
    assert iris(lever="L5.3") == {c("lys")}
    assert iris(theme="T3") == {c("rives"), c("clos"), c("lys")}
    assert iris(theme="T1") == {c("lys")}
    assert iris(fte="yes") == {c("lys")}
    assert iris(budget="yes") == set()  # a practice's budget is not a policy's


def test_facet_counts_follow_the_other_facets(small: AsgiClient) -> None:
    body = small.get("/collectivities", params={"kind": "metropole"}).json()
    assert body["total"] == 2
    # kind is counted without its own filter; the other facets within the métropoles
    assert counts(body, "kind") == {"metropole": 2, "commune": 1}
    assert counts(body, "region") == {"84": 1, "11": 1}
    assert counts(body, "lever")["L5"] == 2 and "L2" not in counts(body, "lever")
    assert counts(body, "fte") == {"yes": 1} and counts(body, "budget") == {"yes": 0}
    kind = {v["value"]: v["selected"] for v in body["facets"]["kind"]}
    assert kind == {"metropole": True, "commune": False}
    both = small.get("/collectivities", params={"kind": "metropole", "region": "11"}).json()
    assert [i["iri"] for i in both["items"]] == [c("lys")]
    assert counts(both, "region") == {"84": 1, "11": 1}
    assert counts(both, "kind") == {"metropole": 1, "commune": 1}


def test_text_search_and_sorts(small: AsgiClient) -> None:
    body = small.get("/collectivities", params={"q": "metropole"}).json()
    assert body["sort"] == "relevance"
    assert {i["iri"] for i in body["items"]} == {c("rives"), c("lys")}
    assert all("score" in i for i in body["items"])
    lys = small.get("/collectivities", params={"q": "LYS"}).json()
    assert [i["iri"] for i in lys["items"]] == [c("lys")]
    by_count = small.get("/collectivities", params={"sort": "practices"}).json()
    # 2, 2, 1 practices; the tie ends on the name
    assert [i["iri"] for i in by_count["items"]] == [c("rives"), c("lys"), c("clos")]


def test_csv_holds_the_whole_result_neutralised(small: AsgiClient) -> None:
    answer = small.get("/collectivities", params={"format": "csv", "per_page": "1"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "collectivites.csv" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:5] == ["iri", "nom", "nature", "région", "pratiques"]
    assert [r[0] for r in rows[1:]] == [c("clos"), c("rives"), c("lys")]
    lys = rows[3]
    assert lys[4] == "2" and lys[5] == "non" and lys[6] == "oui"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    english = small.get("/collectivities", params={"format": "csv", "lang": "en"}, headers={})
    assert next(csv.reader(io.StringIO(english.text)))[1] == "name"


def test_csv_formula_cells_are_neutralised() -> None:
    store = small_store()
    try:
        graph = small_graph()
        evil = URIRef(c("evil"))
        graph.add((evil, RDF.type, URIRef("https://w3id.org/essgraph/ontology#Collectivity")))
        graph.add((evil, SKOS.prefLabel, Literal('=HYPERLINK("x")', lang="fr")))
        store.replace_graphs({store.graph_iri("source/small"): graph})
        client = AsgiClient(discovery_app(store))
        rows = list(csv.reader(io.StringIO(client.get("/collectivities?format=csv").text)))
        client.close()
    finally:
        store.close()
    names = {r[0]: r[1] for r in rows[1:]}
    assert names[c("evil")] == '\'=HYPERLINK("x")'


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[str] = []
        self.forms: list[dict[str, str | None]] = []
        self.boxes: list[tuple[str | None, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.anchors.append(str(a["href"]))
        if tag == "form":
            self.forms.append(a)
        if tag == "input" and a.get("type") == "checkbox":
            self.boxes.append((a.get("name"), a.get("value")))


def test_html_page_links_results_and_offers_compare(small: AsgiClient) -> None:
    answer = small.get("/collectivities", params={"lever": "L5"}, headers={"Accept": "text/html"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(answer.text)
    assert "/id/collectivity/rives" in page.anchors and "/id/collectivity/lys" in page.anchors
    assert "/id/collectivity/clos" not in page.anchors
    assert {"method": "get", "action": "/compare", "id": "compare"} in page.forms
    assert {v for n, v in page.boxes if n == "c"} == {"rives", "lys"}
    assert ("lever", "L5") in page.boxes
    assert "Rechercher des collectivités" in answer.text
    english = small.get("/collectivities", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert "Search collectivities" in english.text


def test_compare_checkboxes_reach_a_working_compare(small: AsgiClient) -> None:
    """Ticking two result boxes and submitting the compare form (GET c=…&c=…) compares them."""
    html = small.get("/collectivities", params={"lever": "L5"}, headers={"Accept": "text/html"})
    page = _Page()
    page.feed(html.text)
    form = next(f for f in page.forms if f.get("id") == "compare")
    ticked = [("c", str(v)) for n, v in page.boxes if n == "c"]
    answer = small.get(str(form["action"]), params=[*ticked, ("format", "json")])
    assert answer.status_code == 200
    assert {c("rives"), c("lys")} <= set(
        re.findall(r"https://[^\"]+/collectivity/\w+", answer.text)
    )


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"kind": "nope"}, "kind"),
        ({"lever": "L99"}, "lever"),
        ({"budget": "maybe"}, "budget"),
        ({"sort": "year"}, "sort"),
        ({"page": "0"}, "page"),
        ({"per_page": "500"}, "per_page"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_named(
    small: AsgiClient, params: dict[str, str], parameter: str
) -> None:
    answer = small.get("/collectivities", params=params)
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "invalid-parameter" and problem["parameter"] == parameter
    assert f"« {parameter} »" in str(problem) and f"'{parameter}'" in str(problem)


def test_etag_and_not_modified(small: AsgiClient) -> None:
    first = small.get("/collectivities", params={"kind": "commune"})
    again = small.get(
        "/collectivities",
        params={"kind": "commune"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


def _sparql_count(store: EmbeddedStore, where: str, **bound: URIRef) -> int:
    """An independent count of collectivities (values bound as terms, not formatted in)."""
    rows = list(
        store.select(
            "PREFIX ess: <https://w3id.org/essgraph/ontology#> "
            f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a ess:Collectivity . {where} }}",
            bindings=bound or None,
        )
    )
    return int(str(rows[0]["n"]))


def test_demo_counts_match_sparql(demo: tuple[AsgiClient, EmbeddedStore]) -> None:
    client, store = demo
    body = client.get("/collectivities", params={"per_page": "200"}).json()
    assert body["total"] == _sparql_count(store, "") > 0
    uses = "{ ?x ess:policyOf ?c } UNION { ?x ess:implementedBy ?c } ?x ess:usesLever ?l ."
    narrower = [v for v in body["facets"]["lever"] if "." in v["value"]]
    assert narrower
    for value in narrower:  # leaves of the levers scheme: no hierarchy in the check
        expected = _sparql_count(store, uses, l=URIRef(value["iri"]))
        assert value["count"] == expected, value["value"]
    assert body["facets"]["kind"]
    for value in body["facets"]["kind"]:
        expected = _sparql_count(store, "?c ess:collectivityKind ?k .", k=URIRef(value["iri"]))
        assert value["count"] == expected
    fte = _sparql_count(store, "?p ess:policyOf ?c ; ess:dedicatedStaff ?s . FILTER(?s > 0)")
    assert counts(body, "fte") == {"yes": fte}
    practices = {i["iri"]: i["practices"] for i in body["items"]}
    total = list(
        store.select(
            "PREFIX ess: <https://w3id.org/essgraph/ontology#> "
            "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a ess:Practice ; ess:implementedBy ?c }"
        )
    )
    assert sum(practices.values()) == int(str(total[0]["n"]))
    ticked = client.get("/collectivities", params={"fte": "yes", "format": "csv"})
    rows = list(csv.reader(io.StringIO(ticked.text)))[1:]
    assert len(rows) == fte and all(r[6] == "oui" for r in rows)
    link = urlsplit(links(client.get("/collectivities?per_page=1").headers["link"])["next"])
    assert dict(parse_qsl(link.query))["page"] == "2"


def test_demo_broader_lever_unites_its_narrower_ones(
    demo: tuple[AsgiClient, EmbeddedStore],
) -> None:
    client, _ = demo
    body = client.get("/collectivities", params={"per_page": "200"}).json()
    tops = [v for v in body["facets"]["lever"] if "." not in v["value"]]
    assert tops
    for top in tops:
        with_top = client.get(
            "/collectivities", params={"lever": top["value"], "per_page": "200"}
        ).json()
        assert with_top["total"] == top["count"]
        children = [
            v["value"] for v in body["facets"]["lever"] if v["value"].startswith(top["value"] + ".")
        ]
        union: set[str] = set()
        for child in children:
            union |= {
                i["iri"]
                for i in client.get(
                    "/collectivities", params={"lever": child, "per_page": "200"}
                ).json()["items"]
            }
        assert union <= {i["iri"] for i in with_top["items"]}
