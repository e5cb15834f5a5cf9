"""The full-text index (SQLite FTS5): accents and case, prefixes, French stems, ranking,
hostile queries, and a rebuild whenever the store's data version moves on."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from rdflib import Graph

from ontology import thesauri_graph
from store import Store
from store.embedded import EmbeddedStore
from store.text_index import INDEX_FILE, TextIndex, match_expression, stem_text

BASE = "https://w3id.org/essgraph/"
PREFIXES = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = (
    PREFIXES
    + """
<id/collectivity/bellerive> a ess:Collectivity ; skos:prefLabel "Métropole de Bellerive"@fr ;
    skos:altLabel "Bellerive Métropole"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> .
<id/collectivity/vernoux> a ess:Collectivity ; skos:prefLabel "Commune de Vernoux"@fr ;
    ess:collectivityKind <id/collectivity-kind/commune> .

<id/practice/bellerive/recyclerie> a ess:Practice ;
    dct:title "Recyclerie et économie circulaire"@fr ;
    dct:description "Une ressourcerie pour le réemploi des objets."@fr ;
    ess:implementedBy <id/collectivity/bellerive> ; ess:usesLever <id/lever/L2.1> .
<id/practice/bellerive/marches> a ess:Practice ;
    dct:title "Clauses dans les marchés publics"@fr ;
    dct:description "Des achats qui soutiennent l'insertion, dont la filière recyclerie."@fr ;
    ess:implementedBy <id/collectivity/bellerive> ; ess:usesLever <id/lever/L5.2> ;
    ess:addressesTheme <id/theme/T3.1> .
<id/practice/vernoux/jardin> a ess:Practice ;
    dct:title "JARDIN PARTAGÉ"@fr ;
    dct:description "Des économies d'eau et un lien social retrouvé."@fr ;
    ess:implementedBy <id/collectivity/vernoux> ; ess:usesLever <id/lever/L4> .
"""
)


#: What match_expression may produce: quoted word groups, ANDed; nothing else.
_TERM = r'(\("\w+"( OR "\w+")*\)|"\w+"\*)'
_QUOTED_ONLY = re.compile(rf"{_TERM}( AND {_TERM})*")


def practice(key: str) -> str:
    return f"{BASE}id/practice/{key}"


def load(store: Store, name: str, text: str) -> None:
    graph = Graph()
    graph.parse(data=text, format="turtle", publicID=BASE)
    store.replace_graph(store.graph_iri(name), graph)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TextIndex:
    store = EmbeddedStore(BASE)
    store.replace_graph(store.graph_iri("thesauri"), thesauri_graph(BASE))
    load(store, "source/test", DATA)
    built = TextIndex(store, tmp_path_factory.mktemp("index"))
    assert built.refresh()
    return built


def iris(index: TextIndex, text: str) -> list[str]:
    return [hit.iri for hit in index.search(text)]


def test_accents_and_case_do_not_matter(index: TextIndex) -> None:
    # in the title of one, the label of the other's theme (T3.1): the title ranks first
    expected = [practice("bellerive/recyclerie"), practice("bellerive/marches")]
    assert iris(index, "ECONOMIE CIRCULAIRE") == expected
    assert iris(index, "Économie circulaire") == expected
    assert iris(index, "jardin partage") == [practice("vernoux/jardin")]


def test_prefix_queries(index: TextIndex) -> None:
    assert set(iris(index, "ressour*")) == {practice("bellerive/recyclerie")}
    assert set(iris(index, "econom*")) == {
        practice("bellerive/recyclerie"),
        practice("bellerive/marches"),  # theme T3.1 "Économie circulaire"
        practice("vernoux/jardin"),
    }


def test_french_stems_match_other_forms_of_a_word(index: TextIndex) -> None:
    # "économique" and "économies" share the stem of "économie"
    assert stem_text("économique") == stem_text("économie")
    assert set(iris(index, "économique")) == {
        practice("bellerive/recyclerie"),
        practice("bellerive/marches"),  # theme T3.1 "Économie circulaire"
        practice("vernoux/jardin"),
    }
    assert iris(index, "partagés") == [practice("vernoux/jardin")]


def test_labels_of_levers_themes_and_collectivities_are_searched(index: TextIndex) -> None:
    # words found only in the labels of the practices' levers (L2.1, L4)
    assert iris(index, "subventions") == [practice("bellerive/recyclerie")]
    assert iris(index, "immobilier") == [practice("vernoux/jardin")]
    assert set(iris(index, "bellerive")) == {
        practice("bellerive/recyclerie"),
        practice("bellerive/marches"),
    }
    collectivities = [hit.iri for hit in index.search("bellerive", "collectivity")]
    assert collectivities == [f"{BASE}id/collectivity/bellerive"]


def test_a_word_in_the_title_ranks_above_one_in_the_description(index: TextIndex) -> None:
    assert iris(index, "recyclerie") == [
        practice("bellerive/recyclerie"),  # title
        practice("bellerive/marches"),  # description only
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '"unterminated',
        "*",
        "NEAR(recyclerie marchés, 2)",
        "recyclerie NOT jardin",
        "-recyclerie",
        "title:recyclerie",
        "{title}: recyclerie",
        "recyclerie OR jardin",
        "^recyclerie",
        "recyclerie AND",
        "(((",
        "'; DROP TABLE docs; --",
        "\x00recyclerie",
    ],
)
def test_hostile_text_is_searched_as_words_never_as_syntax(index: TextIndex, hostile: str) -> None:
    index.search(hostile)  # never an FTS5 syntax error
    expression = match_expression(hostile)
    if expression is not None:
        assert _QUOTED_ONLY.fullmatch(expression), expression


def test_column_names_are_not_filters(index: TextIndex) -> None:
    # "title:recyclerie" means the words "title" and "recyclerie", and no practice has both
    assert iris(index, "title:recyclerie") == []
    assert iris(index, "recyclerie -jardin") == []  # "-" is no NOT: "jardin" is required
    assert iris(index, "recyclerie NOT jardin") == []  # NOT is a word, required too
    assert iris(index, "recyclerie OR jardin") == []
    assert iris(index, '"recyclerie"') == iris(index, "recyclerie")


def test_empty_text_finds_nothing(index: TextIndex) -> None:
    assert match_expression("  ,;! ") is None
    assert iris(index, "") == []


def test_rebuilt_after_a_write_on_every_backend(store: Store, tmp_path: Path) -> None:
    """A new source graph's practice is found once the data version moves on."""
    load(store, "source/test", DATA)
    folder = tmp_path / "index"
    index = TextIndex(store, folder)
    assert iris(index, "composteurs") == []
    first = index.version
    assert first == store.data_version()
    load(
        store,
        "source/new",
        PREFIXES
        + """
<id/practice/vernoux/compost> a ess:Practice ; dct:title "Composteurs de quartier"@fr ;
    dct:description "Des composteurs partagés."@fr ;
    ess:implementedBy <id/collectivity/vernoux> .""",
    )
    assert not index.search("composteurs") or index.version != first
    assert index.refresh()
    assert index.version == store.data_version() != first
    assert iris(index, "composteur") == [practice("vernoux/compost")]
    assert not index.refresh()  # same version: nothing to do
    store.drop_graph(store.graph_iri("source/new"))
    assert index.refresh()
    assert iris(index, "composteur") == []
    leftovers = [p.name for p in folder.iterdir() if p.name != INDEX_FILE]
    assert leftovers == []  # the temporary file was moved over the index


def test_an_index_left_by_an_earlier_run_is_reused_when_current(tmp_path: Path) -> None:
    store = EmbeddedStore(BASE)
    load(store, "source/test", DATA)
    TextIndex(store, tmp_path).refresh()
    again = TextIndex(store, tmp_path)
    assert again.version == store.data_version()
    assert not again.refresh()
    with sqlite3.connect(tmp_path / INDEX_FILE) as db:
        options = {row[0] for row in db.execute("pragma compile_options")}
    assert "ENABLE_FTS5" in options
