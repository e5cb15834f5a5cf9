"""Name keys for dedup: accents, St/Saint, lès, apostrophes, word order, generic words."""

from __future__ import annotations

import pytest

from ingest.normalise.names import display_name, name_key


@pytest.mark.parametrize(
    "variants",
    [
        ["VILLE DE ST AUBIN LES PRES", "St-Aubin-les-Prés", "Saint-Aubin-lès-Prés"],
        ["Métropole de Bellerive", "Bellerive Métropole"],
        [
            "Communauté d’agglomération du Pays de Vernoux",
            "Communauté d'agglomération du Pays de Vernoux",
            "CA du Pays de Vernoux",
            "Agglo Pays de Vernoux",
        ],
        ["Metropole Val de Lys", "Métropole Val-de-Lys"],
        ["Ville d'Orlenne", "ORLENNE"],
    ],
)
def test_variants_share_a_key(variants: list[str]) -> None:
    assert len({name_key(v) for v in variants}) == 1


def test_different_places_differ() -> None:
    assert name_key("Métropole de Bellerive") != name_key("Métropole Val-de-Lys")


def test_only_generic_words_keep_them() -> None:
    assert name_key("Métropole") == "metropole"


def test_display_name() -> None:
    assert display_name("  Communauté d’agglomération  du Pays ") == (
        "Communauté d'agglomération du Pays"
    )
