"""Several values in one cell: partner lists, options joined with label-aware splitting."""

from __future__ import annotations

from ingest.normalise.lists import split_joined, split_list

OPTIONS = [
    "Subventions et appels à projets",
    "Commande publique responsable (clauses sociales, marchés réservés)",
    "Accompagnement, incubation",
    "Co-construction des politiques publiques",
]


def test_partners_split_outside_brackets() -> None:
    assert split_list("CRESS ; France Active ; 3 SCIC locales") == [
        "CRESS",
        "France Active",
        "3 SCIC locales",
    ]
    assert split_list("France Active (Région, État), CCAS") == [
        "France Active (Région, État)",
        "CCAS",
    ]


def test_labels_with_the_separator_stay_whole() -> None:
    text = (
        "Subventions et appels à projets, Commande publique responsable (clauses sociales, "
        "marchés réservés), Accompagnement, incubation, Co-construction des politiques publiques"
    )
    pieces = split_joined(text, ", ", OPTIONS)
    assert [p.option for p in pieces] == OPTIONS[:1] + OPTIONS[1:]


def test_leftover_text_is_one_free_piece() -> None:
    pieces = split_joined("Accompagnement, incubation, Budget participatif, fléché", ", ", OPTIONS)
    assert [(p.text, p.option) for p in pieces] == [
        ("Accompagnement, incubation", "Accompagnement, incubation"),
        ("Budget participatif, fléché", None),
    ]


def test_trailing_separator_and_case_are_tolerated() -> None:
    pieces = split_joined(
        "accompagnement, incubation;Subventions et appels à projets;", ";", OPTIONS
    )
    assert [p.option for p in pieces] == [OPTIONS[2], OPTIONS[0]]
