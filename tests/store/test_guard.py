"""The query guard: what it refuses before any engine parses, and what it lets through."""

from __future__ import annotations

import pytest

from store import QueryRejected, QuerySyntaxError
from store.guard import DEFAULT_MAX_NESTING, check_query

CAPS = {"max_bytes": 100_000, "max_nesting": DEFAULT_MAX_NESTING}


def reason(query: str, **caps: object) -> str:
    with pytest.raises(QueryRejected) as caught:
        check_query(query, **{**CAPS, **caps})  # type: ignore[arg-type]
    error = caught.value
    assert error.code == "query-rejected"
    assert error.message_fr and error.message_en
    return error.reason


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://example.org/ns#> ASK { ?s ex:p ?o }", "ASK"),
        ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
        # keywords inside strings, comments, IRIs and names are not syntax
        ('SELECT * WHERE { ?s ?p "DROP ALL; INSERT { } SERVICE <x>" }', "SELECT"),
        ("# DELETE everything\nSELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("SELECT ?insert WHERE { ?insert <http://x/DROP> ?delete }", "SELECT"),
        ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:load ?o ; ex:add ?c }", "SELECT"),
        (
            "SELECT * WHERE { ?s ?p '''{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'''}",
            "SELECT",
        ),
        # an IRI with balanced parentheses (DBpedia style) is fine
        ("SELECT * WHERE { ?s ?p <http://dbpedia.org/resource/Lys_(river)> }", "SELECT"),
    ],
)
def test_accepts_queries(query: str, form: str) -> None:
    assert check_query(query, **CAPS) == form  # type: ignore[arg-type]


def test_size_is_counted_in_utf8_bytes() -> None:
    query = 'SELECT * WHERE { ?s ?p "' + "é" * 60 + '" }'
    assert len(query) < 100 < len(query.encode("utf-8"))
    assert reason(query, max_bytes=100) == "size"
    assert check_query(query, max_bytes=200, max_nesting=10) == "SELECT"


@pytest.mark.parametrize(
    "nested",
    [
        "SELECT * WHERE " + "{" * 41 + " ?s ?p ?o " + "}" * 41,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 41 + "?o" + ")" * 41 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ <http://x/p> " * 41 + "?o" + " ]" * 41 + " }",
        "SELECT * WHERE { ?s ?p ?o " + "FILTER EXISTS { ?s ?p ?o " * 41 + "}" * 41 + " }",
        # parentheses hidden in what looks like an IRI: the engine may read `<` as less-than
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<" + "(" * 45 + "1" + ")" * 45 + ">2) }",
    ],
)
def test_nesting(nested: str) -> None:
    assert reason(nested) == "nesting"
    assert check_query(nested, max_bytes=100_000, max_nesting=60)


def test_nesting_counts_stop_at_the_cap_not_the_total() -> None:
    flat = "SELECT * WHERE { " + " ".join("{ ?s ?p ?o }" for _ in range(200)) + " }"
    assert check_query(flat, **CAPS) == "SELECT"  # type: ignore[arg-type]


def test_comment_ends_at_carriage_return_as_in_the_engine() -> None:
    # Oxigraph ends a comment at \r: braces after it are syntax, and must be counted
    hidden = "SELECT * WHERE # c\r" + "{" * 50 + " ?s ?p ?o " + "}" * 50
    assert reason(hidden) == "nesting"


def test_ambiguous_hash_iri_is_refused() -> None:
    # `1<2#>` is less-than plus a comment for the engine: the rest of the line would hide
    assert reason('SELECT * WHERE { ?s ?p ?o FILTER(1<2#>"""\n) }') == "ambiguous"
    assert check_query("SELECT * WHERE { ?s <http://x/ns#p> ?o }", **CAPS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "chain",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "+".join(["1"] * 3001) + ") }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + " && ".join(["true"] * 3001) + ") }",
        "PREFIX e: <http://e/> SELECT * WHERE { ?s " + "/".join(["e:p"] * 3001) + " ?o }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "<".join(["1"] * 3001) + ") }",
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 3001) + " }",
    ],
)
def test_operator_chains(chain: str) -> None:
    # chains of 6,500+ operators overflow the engine's stack, whatever the nesting
    assert reason(chain) == "operators"


def test_typed_literals_and_names_are_not_operator_chains() -> None:
    rows = " ".join(f'(ex:item-{i} "{i}"^^xsd:integer)' for i in range(1000))
    query = f"PREFIX ex: <http://x/> SELECT * WHERE {{ VALUES (?s ?n) {{ {rows} }} }}"
    assert check_query(query, **CAPS) == "SELECT"  # type: ignore[arg-type]


def test_token_cap() -> None:
    chain = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 100) + " }"
    assert reason(chain, max_tokens=300) == "tokens"
    assert check_query(chain, max_bytes=100_000, max_tokens=1000) == "SELECT"


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "INSERT DATA { <http://x/a> <http://x/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://x/> WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <http://x/data.ttl>",
        "clear graph <http://x/g>",
        "CREATE GRAPH <http://x/g>",
        "COPY DEFAULT TO <http://x/g>",
        "MOVE <http://x/a> TO <http://x/b>",
        "ADD <http://x/a> TO <http://x/b>",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    ],
)
def test_updates_are_refused(update: str) -> None:
    assert reason(update) == "update"


def test_no_query_form_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError):
        check_query("WHERE { ?s ?p ?o }", **CAPS)  # type: ignore[arg-type]


ALLOWED = "https://query.wikidata.org/sparql"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{ALLOWED}> {{ ?s ?p ?o }} }}",
        f"PREFIX wd: <{ALLOWED[:-6]}> SELECT * WHERE {{ SERVICE wd:sparql {{ ?s ?p ?o }} }}",
        "BASE <https://query.wikidata.org/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    ],
)
def test_service_allowlisted(query: str) -> None:
    assert reason(query) == "service"  # nothing allowed by default
    assert check_query(query, **CAPS, service_allowlist=[ALLOWED]) == "SELECT"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT $endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE unknown:x { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { service <http://evil.example/> { ?s ?p ?o } } }",
    ],
)
def test_service_refused(query: str) -> None:
    assert reason(query, service_allowlist=[ALLOWED]) == "service"
