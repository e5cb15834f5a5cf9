"""The query scanner and VALUES binding: text inside comments, strings and IRIs is not syntax."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from store import StoreError
from store.embedded import EmbeddedStore
from store.remote import default_update_url
from store.sparql_text import bind_values, query_form, tokens

EX = Namespace("http://example.org/")
BASE = "https://w3id.org/essgraph/"


@pytest.fixture(scope="module")
def engine() -> EmbeddedStore:
    """A store to check each rewritten query parses and means what it should."""
    store = EmbeddedStore(BASE)
    data = Graph()
    data.add((EX.a, EX.p, Literal("WHERE { x", lang="fr")))
    data.add((EX.b, EX.p, Literal("other")))
    store.replace_graph(store.graph_iri("source/t"), data)
    return store


def test_tokens_skip_comments_strings_and_iris() -> None:
    query = """# a { comment
SELECT ?s WHERE { ?s <http://x/#a> "}{" , '''a
}''' } # }"""
    assert [t.text for t in tokens(query)] == ["SELECT", "?s", "WHERE", "{", "?s", "}"]


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX ex: <http://ex/ns#> SELECT * { ?s ?p ?o }", "SELECT"),
        ("# SELECT\nASK { }", "ASK"),
        ('BASE <http://x/> CONSTRUCT { ?s ?p "SELECT" } WHERE { ?s ?p ?o }', "CONSTRUCT"),
        ("describe ?r", "DESCRIBE"),
        ("DROP ALL", None),
    ],
)
def test_query_form(query: str, form: str | None) -> None:
    assert query_form(query) == form


def _select(engine: EmbeddedStore, query: str, **bindings: URIRef | Literal) -> set[str]:
    text = bind_values(query, bindings)
    return {str(row["s"]) for row in engine.select(text)}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s # { not the group\nWHERE { ?s ?p ?o }",
        'SELECT ?s WHERE { ?s ?p ?o FILTER(?o != "WHERE { ?s }") }',
        'SELECT ?s (""" " WHERE { """ AS ?x) WHERE { ?s ?p ?o }',
        "PREFIX ex: <http://example.org/ns#where> SELECT ?s WHERE { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o }",
        "SELECT ?s WHERE { { SELECT ?s ?o WHERE { ?s ?p ?o } } }",
        "SELECT ?s WHERE { SELECT ?s ?o WHERE { ?s ?p ?o } }",
        "SELECT ?s (EXISTS { ?s ?p ?o } AS ?e) WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?s WHERE { ?s ?p ?o FILTER(?p != ex:where && 1 < 2) }",
    ],
)
def test_bind_values_in_select(engine: EmbeddedStore, query: str) -> None:
    assert _select(engine, query, o=Literal("other")) == {str(EX.b)}


def test_values_go_after_the_where_brace_not_the_comment() -> None:
    text = bind_values("SELECT ?s # {\nWHERE { ?s ?p ?o }", {"o": EX.x})
    assert text == "SELECT ?s # {\nWHERE { VALUES (?o) { (<http://example.org/x>) }  ?s ?p ?o }"


def test_bind_values_in_construct_template_query(engine: EmbeddedStore) -> None:
    query = 'CONSTRUCT { ?s <http://x/q> "WHERE {" } WHERE { ?s ?p ?o }'
    text = bind_values(query, {"o": Literal("other")})
    assert text.index("VALUES") > text.index("} WHERE {")
    assert {t[0] for t in engine.construct(text)} == {EX.b}


def test_bind_values_in_construct_short_form(engine: EmbeddedStore) -> None:
    text = bind_values("CONSTRUCT WHERE { ?s ?p ?o }", {"o": Literal("other")})
    assert set(engine.construct(text)) == {(EX.b, EX.p, Literal("other"))}


def test_bind_values_in_ask(engine: EmbeddedStore) -> None:
    assert engine.ask(bind_values("ASK { ?s ?p ?o }", {"s": EX.a})) is True
    assert engine.ask(bind_values("ASK { ?s ?p ?o }", {"s": EX.zzz})) is False


@pytest.mark.parametrize(
    "query", ["DESCRIBE ?r", "DESCRIBE ?r # trailing comment", "DESCRIBE ?r LIMIT 5"]
)
def test_bind_values_in_describe_without_where(engine: EmbeddedStore, query: str) -> None:
    described = engine.construct(bind_values(query, {"r": EX.a}))
    assert {t[0] for t in described} == {EX.a}


def test_hostile_literal_stays_a_literal() -> None:
    text = bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('x" } ; DROP ALL ; #')})
    assert 'VALUES (?o) { ("x\\" } ; DROP ALL ; #") }' in text


def test_bind_values_refuses() -> None:
    with pytest.raises(StoreError):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": BNode()})
    with pytest.raises(StoreError):
        bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"s) {}": EX.a})
    with pytest.raises(StoreError):
        bind_values("SELECT ?s WHERE ?s", {"s": EX.a})
    assert bind_values("SELECT ?s WHERE ?s", {}) == "SELECT ?s WHERE ?s"  # nothing to bind


@pytest.mark.parametrize(
    ("query_url", "update_url"),
    [
        ("http://h:7878/query", "http://h:7878/update"),
        ("http://h/ds/sparql", "http://h/ds/sparql"),
    ],
)
def test_default_update_url(query_url: str, update_url: str) -> None:
    assert default_update_url(query_url) == update_url
