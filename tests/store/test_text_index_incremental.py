"""The text index kept in step from the change log: after a write only the changed practices
and collectivities (and those whose labels come from them) are re-indexed, and the result
is the index a full rebuild would give; when the log cannot tell, it is rebuilt whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rdflib import Graph

from ontology import thesauri_graph
from store.embedded import EmbeddedStore
from store.text_index import INDEX_FILE, TextIndex, build

BASE = "https://w3id.org/essgraph/"
PREFIXES = """
@prefix ess: <https://w3id.org/essgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
PLACES = (
    PREFIXES
    + """
<id/collectivity/bellerive> a ess:Collectivity ; skos:prefLabel "Métropole de Bellerive"@fr ;
    ess:collectivityKind <id/collectivity-kind/metropole> .
<id/collectivity/vernoux> a ess:Collectivity ; skos:prefLabel "Commune de Vernoux"@fr .
"""
)
PRACTICES = (
    PREFIXES
    + """
<id/practice/bellerive/recyclerie> a ess:Practice ;
    dct:title "Recyclerie et économie circulaire"@fr ;
    dct:description "Une ressourcerie pour le réemploi des objets."@fr ;
    ess:implementedBy <id/collectivity/bellerive> ; ess:usesLever <id/lever/L2.1> .
<id/practice/vernoux/jardin> a ess:Practice ;
    dct:title "Jardin partagé"@fr ;
    dct:description "Des économies d'eau et un lien social retrouvé."@fr ;
    ess:implementedBy <id/collectivity/vernoux> .
"""
)


def practice(key: str) -> str:
    return f"{BASE}id/practice/{key}"


def load(store: EmbeddedStore, name: str, text: str) -> None:
    graph = Graph()
    graph.parse(data=text, format="turtle", publicID=BASE)
    store.replace_graph(store.graph_iri(name), graph)


def rows(path: Path) -> set[tuple[str, ...]]:
    """Every row of an index file, without rowids (which differ between the two ways)."""
    with sqlite3.connect(path) as db:
        return {tuple(r) for r in db.execute("SELECT * FROM docs")}


def found(index: TextIndex, text: str, kind: str = "practice") -> set[str]:
    return {hit.iri for hit in index.search(text, kind)}  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> EmbeddedStore:
    opened = EmbeddedStore(BASE, tmp_path / "oxigraph" if request.param == "disk" else None)
    opened.replace_graph(opened.graph_iri("thesauri"), thesauri_graph(BASE))
    load(opened, "source/places", PLACES)
    load(opened, "source/practices", PRACTICES)
    return opened


def test_a_write_is_applied_to_the_changed_documents_only(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    index = TextIndex(store, tmp_path / "index")
    assert index.refresh() and index.last_refresh == "full"
    assert found(index, "ressourcerie") == {practice("bellerive/recyclerie")}
    # the recyclerie now speaks of composting, the garden is withdrawn, a practice is added
    load(
        store,
        "source/practices",
        PREFIXES
        + """
<id/practice/bellerive/recyclerie> a ess:Practice ; dct:title "Recyclerie"@fr ;
    dct:description "Des composteurs collectifs."@fr ;
    ess:implementedBy <id/collectivity/bellerive> .
<id/practice/vernoux/velo> a ess:Practice ; dct:title "Vélo-école"@fr ;
    ess:implementedBy <id/collectivity/vernoux> .
""",
    )
    assert index.refresh()
    assert index.last_refresh == "incremental"
    assert index.version == store.data_version()
    assert found(index, "composteur") == {practice("bellerive/recyclerie")}
    assert found(index, "ressourcerie") == set()  # the removed text is gone
    assert found(index, "jardin") == set()  # the withdrawn practice too
    assert found(index, "vélo") == {practice("vernoux/velo")}
    # the labels of what it links to went with the link (lever L2.1: subventions)
    assert found(index, "subventions") == set()
    fresh = tmp_path / "fresh" / INDEX_FILE
    build(store, fresh)
    assert rows(index.path) == rows(fresh)


def test_a_renamed_collectivity_reindexes_its_practices(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    index = TextIndex(store, tmp_path / "index")
    index.refresh()
    assert found(index, "vernoux") == {practice("vernoux/jardin")}
    load(store, "source/places", PLACES.replace("Commune de Vernoux", "Commune de Lys-Vernoux"))
    assert index.refresh() and index.last_refresh == "incremental"
    assert found(index, "lys") == {practice("vernoux/jardin")}
    assert found(index, "lys", "collectivity") == {f"{BASE}id/collectivity/vernoux"}
    fresh = tmp_path / "fresh" / INDEX_FILE
    build(store, fresh)
    assert rows(index.path) == rows(fresh)


def test_a_write_outside_the_public_graph_changes_only_the_version(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    index = TextIndex(store, tmp_path / "index")
    index.refresh()
    before = rows(index.path)
    load(store, "staging/review", PRACTICES.replace("Jardin partagé", "Verger"))
    assert index.refresh() and index.last_refresh == "incremental"
    assert index.version == store.data_version()
    assert rows(index.path) == before
    assert found(index, "verger") == set()


def test_an_index_without_a_log_cursor_is_rebuilt_whole(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    index = TextIndex(store, tmp_path / "index")
    index.refresh()
    with sqlite3.connect(index.path) as db:  # as an index built before the cursor existed
        db.execute("DELETE FROM meta WHERE key = 'log'")
    load(store, "source/practices", PRACTICES.replace("Jardin partagé", "Verger partagé"))
    assert index.refresh() and index.last_refresh == "full"
    assert found(index, "verger") == {practice("vernoux/jardin")}
    assert [p.name for p in index.path.parent.iterdir()] == [INDEX_FILE]


def test_hit_sets_are_cached_per_version_and_never_served_stale(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    index = TextIndex(store, tmp_path / "index")
    index.refresh()
    first = index.hits("jardin")
    assert first is not None and index.hits("jardin") is first  # the same words: no search
    assert index.hits("JARDIN") is first  # the same expression
    load(store, "source/practices", PRACTICES.replace("Jardin partagé", "Verger partagé"))
    index.refresh()
    after = index.hits("jardin")
    assert after is not first and after is not None and after.iris == []
