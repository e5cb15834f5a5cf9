"""Similar practices of other collectivities: their reasons in words and as JSON.

The scoring lives in :mod:`api.discovery.similar_model`, the ranking in
:mod:`api.discovery.similar_rank`; both are re-exported here, the path the routes import.
"""

from __future__ import annotations

from typing import Any

from api.discovery.facets import Snapshot
from api.discovery.similar_model import (
    CONCEPT_FACETS,
    MAX_WORDS,
    PARTIAL,
    STOP_WORDS,
    TEXT_WEIGHT,
    Model,
    Shared,
    Signature,
    ancestors,
    build,
    concept_score,
    model_of,
    shared_concepts,
    text_similarity,
)
from api.discovery.similar_rank import Match, Ranked, similar
from api.i18n import Lang

_WORDS: dict[Lang, dict[str, str]] = {
    "fr": {
        "lever": "le levier",
        "theme": "le thème",
        "levers": "les leviers",
        "themes": "les thèmes",
        "shares": "partage",
        "near": "voisin par",
        "and": "et",
        "text": "texte proche",
    },
    "en": {
        "lever": "the lever",
        "theme": "the theme",
        "levers": "the levers",
        "themes": "the themes",
        "shares": "shares",
        "near": "related through",
        "and": "and",
        "text": "similar text",
    },
}


def _named(concepts: list[Shared], words: dict[str, str]) -> str:
    """« le levier L5.1 Achats … et le thème T3.1 … » (plural when a facet has several)."""
    groups: list[str] = []
    for facet in CONCEPT_FACETS:
        mine = [s for s in concepts if s.facet == facet]
        if not mine:
            continue
        names = ", ".join(f"{s.notation} {s.label}".strip() for s in mine)
        groups.append(f"{words[facet + 's' if len(mine) > 1 else facet]} {names}")
    return f" {words['and']} ".join(groups)


def explain(match: Match, lang: Lang) -> str:
    """The reasons in one sentence, e.g. « partage le levier L5.1 … ; texte proche : … »."""
    words = _WORDS[lang]
    parts: list[str] = []
    full = [s for s in match.concepts if s.full]
    partial = [s for s in match.concepts if not s.full]
    if full:
        parts.append(f"{words['shares']} {_named(full, words)}")
    if partial:
        parts.append(f"{words['near']} {_named(partial, words)}")
    if match.words:
        colon = " : " if lang == "fr" else ": "
        parts.append(f"{words['text']}{colon}{', '.join(match.words)}")
    return (" ; " if lang == "fr" else "; ").join(parts)


def match_json(snapshot: Snapshot, match: Match, lang: Lang) -> dict[str, Any]:
    """One result: the practice, its score (and parts), reasons as data and as a sentence."""
    practice = match.practice
    return {
        "iri": practice.iri,
        "title": practice.title(lang),
        "collectivity": {
            "iri": practice.collectivity,
            "label": snapshot.collectivity_name(practice, lang),
        },
        "start_year": practice.year,
        "score": round(match.score, 4),
        "concept_score": round(match.concept_score, 4),
        "text_score": round(match.text_score, 4),
        "reasons": {
            "concepts": [
                {
                    "facet": s.facet,
                    "iri": s.iri,
                    "notation": s.notation or None,
                    "label": s.label,
                    "shared": "exact" if s.full else "broader",
                    "weight": round(s.weight, 4),
                }
                for s in match.concepts
            ],
            "words": match.words,
        },
        "explanation": explain(match, lang),
    }


__all__ = [
    "CONCEPT_FACETS",
    "MAX_WORDS",
    "PARTIAL",
    "STOP_WORDS",
    "TEXT_WEIGHT",
    "Match",
    "Model",
    "Ranked",
    "Shared",
    "Signature",
    "ancestors",
    "build",
    "concept_score",
    "explain",
    "match_json",
    "model_of",
    "shared_concepts",
    "similar",
    "text_similarity",
]
