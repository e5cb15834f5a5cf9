"""Reconciliation of survey labels and codes to thesaurus concepts, and its suggestions."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from ingest.keys import Iris, column_letter, slug
from ingest.reconcile import Reconciler, label_key, reconciler
from ingest.records import Choice
from ontology import ESS

BASE = "https://w3id.org/essgraph/"
OTHER_BASE = "https://data.example.org/ess/"


@pytest.mark.parametrize(
    ("scheme", "label", "concept", "prop"),
    [
        ("levers", "Subventions et appels à projets", "id/lever/L2", ESS.usesLever),  # altLabel
        ("levers", "accompagnement ,  INCUBATION", "id/lever/L1.1", ESS.usesLever),  # punctuation
        ("levers", "Achats responsables", "id/lever/L5", ESS.usesLever),  # prefLabel
        ("levers", "L5.1", "id/lever/L5.1", ESS.usesLever),  # notation
        ("levers", "Co-construction des politiques publiques", "id/mode/M2", ESS.modeOfAction),
        ("themes", "ECONOMIE CIRCULAIRE ET REEMPLOI", "id/theme/T3.1", ESS.addressesTheme),
        ("themes", "Insertion par l’activité économique", "id/theme/T1.2", ESS.addressesTheme),
        ("collectivity-kinds", "Ville / commune", "id/collectivity-kind/commune", None),
        ("collectivity-kinds", "ME", "id/collectivity-kind/metropole", None),  # hiddenLabel
        (
            "collectivity-kinds",
            "Métropole (EPCI à statut particulier)",
            "id/collectivity-kind/metropole-statut-particulier",
            None,
        ),
    ],
)
def test_labels_codes_and_notations_reconcile(
    scheme: str, label: str, concept: str, prop: URIRef | None
) -> None:
    found = reconciler(BASE).match(scheme, Choice(label))
    assert found is not None
    assert found.concept == URIRef(BASE + concept)
    assert found.prop == (prop or ESS.collectivityKind)


def test_code_is_a_fallback_after_the_label() -> None:
    rec = reconciler(BASE)
    found = rec.match("collectivity-kinds", Choice("Communauté urbaine (CU)", code="CU"))
    assert found is not None and found.concept == URIRef(
        BASE + "id/collectivity-kind/communaute-urbaine"
    )
    assert found.via == "hiddenLabel"
    # an "other" text never falls back to its code
    assert (
        rec.match("collectivity-kinds", Choice("Pôle métropolitain", code="CU", other=True)) is None
    )


def test_the_deployment_base_mints_concepts() -> None:
    found = Reconciler(OTHER_BASE).match("levers", Choice("Mois de l'ESS"))
    assert found is not None and found.concept == URIRef(OTHER_BASE + "id/lever/L7.2")


def test_unmatched_answers_get_three_ranked_suggestions() -> None:
    rec = reconciler(BASE)
    assert rec.match("levers", Choice("Budget participatif fléché ESS")) is None
    suggestions = rec.suggest("levers", "Mise à disposition d'un jardin partagé")
    assert len(suggestions) == 3
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert suggestions[0].concept in {URIRef(BASE + "id/lever/L4.1"), URIRef(BASE + "id/lever/L4")}
    assert len({s.concept for s in suggestions}) == 3


def test_keys_are_deterministic_slugs() -> None:
    assert label_key("  Économie  circulaire, et RÉEMPLOI ") == "economie circulaire et reemploi"
    assert slug("Maison de l’emploi") == "maison-de-l-emploi"
    assert slug("Appel à projets « Innovation sociale »") == "appel-a-projets-innovation-sociale"
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    iris = Iris(BASE)
    assert iris.raw_answer("ls", "5", "AB", 1) == URIRef(BASE + "id/response/ls/5/cell/AB")
    assert iris.raw_answer("ls", "5", "AB", 2) == URIRef(BASE + "id/response/ls/5/cell/AB-2")
