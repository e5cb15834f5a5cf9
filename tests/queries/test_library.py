"""The query library itself: strict headers, the catalogue, and typed parameter binding."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import queries
from queries import header
from queries.params import Parameter

BASE = "https://w3id.org/essgraph/"
OTHER_BASE = "https://data.example.org/ess/"

GOOD = """\
#+ title: {fr: Titre, en: Title}
#+ description: {fr: Description, en: Description}
#+ tags: [test]
#+ parameters:
#+   - name: lever
#+     type: concept:levers
#+     default: L5
#+     required: false
#+     description: {fr: Levier, en: Lever}
PREFIX ess: <https://w3id.org/essgraph/ontology#>
SELECT ?p WHERE { ?p ess:usesLever ?lever }
"""


# -- the catalogue -------------------------------------------------------------------------
def test_catalog_parses_every_file_once() -> None:
    first = queries.catalog()
    assert len(first) >= 15
    assert [q.name for q in first] == sorted(q.name for q in first)
    assert queries.catalog()[0] is first[0]  # parsed once
    for named in first:
        assert named.title["fr"] and named.title["en"]
        assert named.description["fr"] and named.description["en"]
        assert named.tags
        assert named.form == "SELECT"
        assert not named.text.startswith("#+")
        for param in named.parameters:
            assert param.description["fr"] and param.description["en"]


def test_catalog_defaults_and_allowed_values_bind() -> None:
    """Every declared default and allowed value is itself a valid value."""
    for named in queries.catalog():
        required = {
            p.name: "200012342/x" if p.type == "practice" else "200012342"
            for p in named.parameters
            if p.required and p.type != "string"
        }
        required |= {p.name: "x" for p in named.parameters if p.required and p.type == "string"}
        bound = named.bind(required, base=BASE)
        for param in named.parameters:
            if param.default is not None:
                assert param.name in bound


def test_get_unknown_query_is_a_key_error_with_both_languages() -> None:
    with pytest.raises(KeyError) as caught:
        queries.get("no-such-query")
    error = caught.value
    assert isinstance(error, queries.UnknownQuery)
    assert "inconnue" in error.message_fr and "unknown" in error.message_en


def test_as_dict_lists_scheme_notations_as_allowed_values() -> None:
    doc = queries.get("practices-lever-theme").as_dict(BASE)
    lever = next(p for p in doc["parameters"] if p["name"] == "lever")
    assert "L5.2" in lever["allowed"] and lever["type"] == "concept:levers"


# -- strict headers ------------------------------------------------------------------------
def test_good_header_parses() -> None:
    named = header.parse("good", GOOD)
    assert named.parameters[0] == Parameter(
        "lever", "concept:levers", {"fr": "Levier", "en": "Lever"}, default="L5"
    )
    assert named.text.startswith("PREFIX ess:")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("#+ tags: [test]", "#+ tags: [test]\n#+ author: me"), "author"),
        (("{fr: Titre, en: Title}", "{fr: Titre}"), "title"),
        (("{fr: Titre, en: Title}", "{fr: Titre, en: Title, de: Titel}"), "title"),
        (("#+ tags: [test]", "#+ tags: []"), "tags"),
        (("#+     default: L5", "#+     default: L5\n#+     label: x"), "label"),
        (("concept:levers", "concept:colours"), "concept:colours"),
        (("concept:levers", "float"), "float"),
        (("#+     default: L5", "#+     default: L99"), "L99"),
        (("#+     required: false", "#+     required: maybe"), "required"),
        (("#+     required: false\n", ""), "required"),
        (("?lever }", "?other }"), "?lever"),
        (("#+ tags: [test]", "#+ tags: [test"), "YAML"),
        (("SELECT ?p", "FETCH ?p"), "form"),
    ],
)
def test_malformed_headers_fail_loudly(change: tuple[str, str], message: str) -> None:
    source = GOOD.replace(*change)
    assert source != GOOD
    with pytest.raises(queries.HeaderError) as caught:
        header.parse("bad", source)
    assert message in caught.value.message_en
    assert caught.value.message_fr.startswith("bad.rq")


def test_file_without_header_fails() -> None:
    with pytest.raises(queries.HeaderError):
        header.parse("bare", "SELECT * WHERE { ?s ?p ?o }")


def test_duplicate_parameter_fails() -> None:
    doubled = GOOD.replace(
        "#+ parameters:\n",
        "#+ parameters:\n#+   - {name: lever, type: string, required: false, "
        "description: {fr: a, en: b}}\n",
    )
    with pytest.raises(queries.HeaderError):
        header.parse("doubled", doubled)


# -- binding -------------------------------------------------------------------------------
def bind(name: str, raw: dict[str, str], base: str = BASE) -> dict[str, URIRef | Literal]:
    return queries.get(name).bind(raw, base=base)


def test_concept_by_notation_or_full_iri() -> None:
    expected = URIRef(f"{BASE}id/lever/L5.1")
    assert bind("practices-lever-theme", {"lever": "L5.1"})["lever"] == expected
    assert bind("practices-lever-theme", {"lever": str(expected)})["lever"] == expected
    assert bind("practices-lever-theme", {"lever": "L5.1"}, OTHER_BASE)["lever"] == URIRef(
        f"{OTHER_BASE}id/lever/L5.1"
    )
    assert bind("ess-means", {"kind": "metropole", "region": "52"}) == {
        "kind": URIRef(f"{BASE}id/collectivity-kind/metropole"),
        "region": URIRef(f"{BASE}id/region/52"),
    }


@pytest.mark.parametrize(
    "value",
    ["L9", "T1", f"{BASE}id/theme/T1", f"{OTHER_BASE}id/lever/L5", "l5", "", "L5 "],
)
def test_concept_outside_the_scheme_is_refused(value: str) -> None:
    if not value.strip():
        assert "lever" not in bind("practices-lever-theme", {"lever": value})  # empty = absent
        return
    if value == "L5 ":
        assert bind("practices-lever-theme", {"lever": value})["lever"].endswith("/L5")
        return
    with pytest.raises(queries.ParameterError) as caught:
        bind("practices-lever-theme", {"lever": value})
    assert caught.value.parameter == "lever"
    assert "lever" in caught.value.message_fr and "lever" in caught.value.message_en


def test_resources_by_key_or_iri_under_the_base() -> None:
    collectivity = URIRef(f"{BASE}id/collectivity/200012342")
    assert bind("collectivity-profile", {"collectivity": "200012342"})["collectivity"] == (
        collectivity
    )
    assert bind("collectivity-profile", {"collectivity": str(collectivity)})["collectivity"] == (
        collectivity
    )
    practice = URIRef(f"{BASE}id/practice/200012342/clauses-sociales")
    assert bind("similar-practices", {"practice": "200012342/clauses-sociales"}) == {
        "practice": practice
    }
    policy = URIRef(f"{BASE}id/policy/200012342/2020")
    for raw in ("policy/200012342/2020", "id/policy/200012342/2020", str(policy)):
        assert bind("provenance", {"resource": raw})["resource"] == policy


@pytest.mark.parametrize(
    ("name", "parameter", "value"),
    [
        ("collectivity-profile", "collectivity", "https://evil.example/id/collectivity/1"),
        ("collectivity-profile", "collectivity", f"{BASE}id/practice/200012342/x"),
        ("collectivity-profile", "collectivity", "a/b"),
        ("collectivity-profile", "collectivity", "2000 12342"),
        ("collectivity-profile", "collectivity", "x>"),
        ("collectivity-profile", "collectivity", '"x"'),
        ("similar-practices", "practice", "clauses-sociales"),
        ("similar-practices", "practice", "200012342/../../x"),
        ("provenance", "resource", "http://example.org/x"),
        ("provenance", "resource", "policy/x y"),
        ("ess-means", "year", "20x0"),
        ("ess-means", "year", "1850"),
        ("ess-means", "year", "20201"),
        ("lever-cooccurrence", "scope", "region"),
        ("levers-by-kind", "lang", "de"),
        ("levers-by-kind", "lang", "fr'"),
        ("unmatched-answers", "search", "x" * 201),
        ("unmatched-answers", "search", "two\nlines"),
    ],
)
def test_bad_values_are_refused(name: str, parameter: str, value: str) -> None:
    with pytest.raises(queries.ParameterError) as caught:
        bind(name, {parameter: value})
    assert caught.value.parameter == parameter


def test_scalars_become_typed_literals() -> None:
    assert bind("ess-means", {"year": "2020"})["year"] == Literal("2020", datatype=XSD.gYear)
    assert bind("levers-by-kind", {"lang": "en"})["lang"] == Literal("en")
    search = '") } DROP ALL #'
    assert bind("unmatched-answers", {"search": search}) == {"search": Literal(search)}
    integer = Parameter("n", "integer", {"fr": "n", "en": "n"})
    assert integer.to_term("42", BASE) == Literal(42)
    term = integer.to_term("42", BASE)
    assert isinstance(term, Literal) and term.datatype == XSD.integer
    with pytest.raises(queries.ParameterError):
        integer.to_term("4.2", BASE)


def test_defaults_apply_and_unknown_names_are_refused() -> None:
    assert bind("levers-by-kind", {}) == {"level": Literal("top"), "lang": Literal("fr")}
    assert bind("levers-by-kind", {"level": ""})["level"] == Literal("top")
    assert bind("practices-lever-theme", {}) == {}  # unbound: "all"
    with pytest.raises(queries.ParameterError) as caught:
        bind("levers-by-kind", {"levr": "L5"})
    assert caught.value.parameter == "levr"
    assert "levr" in caught.value.message_fr and "kind" in caught.value.message_en


def test_required_parameter_without_value() -> None:
    with pytest.raises(queries.ParameterError) as caught:
        bind("collectivity-profile", {})
    assert caught.value.parameter == "collectivity"
