"""Typed parameters of named queries: each raw value (a string from a URL or the command line)
is checked by its type and turned into the RDF term the query's variable is bound to.

Values become terms here and reach the engine as a VALUES block (store.sparql_text); nothing a
caller types is ever formatted into query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD

from ontology import thesauri_graph

from .errors import ParameterError

#: Concept schemes a parameter may name (``concept:levers``), with their IRI path segment.
SCHEMES: dict[str, str] = {
    "levers": "lever",
    "themes": "theme",
    "modes": "mode",
    "collectivity-kinds": "collectivity-kind",
    "regions": "region",
}
#: Resource kinds a parameter may name, with their IRI path under ``{BASE}id/``.
RESOURCES: dict[str, str] = {"collectivity": "collectivity/", "practice": "practice/", "iri": ""}
SCALARS = frozenset({"string", "integer", "year", "lang"})

MAX_STRING = 200
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_PATH = re.compile(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*")
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}")
_YEAR = re.compile(r"[0-9]{4}")
_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
YEAR_RANGE = (1900, 2100)


def is_known_type(kind: str) -> bool:
    """Whether ``kind`` names a parameter type the library can check."""
    if kind.startswith("concept:"):
        return kind.removeprefix("concept:") in SCHEMES
    return kind in RESOURCES or kind in SCALARS


@cache
def scheme_concepts(base: str, scheme: str) -> dict[str, URIRef]:
    """Notation → concept IRI for one scheme, read from the packaged thesauri (cached)."""
    graph = thesauri_graph(base)
    scheme_iri = URIRef(f"{base}id/scheme/{scheme}")
    out: dict[str, URIRef] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme_iri):
        notation = graph.value(concept, SKOS.notation)
        if isinstance(concept, URIRef) and notation is not None:
            out[str(notation)] = concept
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Parameter:
    """One parameter of a named query, as its header declares it."""

    name: str
    type: str
    description: dict[str, str]
    default: str | None = None
    allowed: tuple[str, ...] | None = None
    required: bool = False

    @property
    def scheme(self) -> str | None:
        """The concept scheme of a ``concept:…`` parameter, else None."""
        return self.type.removeprefix("concept:") if self.type.startswith("concept:") else None

    def allowed_values(self, base: str) -> list[str] | None:
        """Values a caller may give: the header's list, or a scheme's notations; None = open."""
        if self.allowed is not None:
            return list(self.allowed)
        if self.scheme is not None:
            return list(scheme_concepts(base, self.scheme))
        return None

    def to_term(self, raw: str, base: str) -> URIRef | Literal:
        """The RDF term for ``raw``; raises ParameterError with the reason in fr and en."""
        value = raw.strip()
        if self.scheme is not None:
            term: URIRef | Literal = self._concept(value, base)
        elif self.type in RESOURCES:
            term = self._resource(value, base)
        elif self.type == "integer":
            if not _INTEGER.fullmatch(value):
                raise self._error("un nombre entier est attendu", "an integer is expected", raw)
            term = Literal(int(value))
        elif self.type == "year":
            if not _YEAR.fullmatch(value) or not YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1]:
                raise self._error(
                    f"une année sur quatre chiffres ({YEAR_RANGE[0]}–{YEAR_RANGE[1]}) est attendue",
                    f"a four-digit year ({YEAR_RANGE[0]}–{YEAR_RANGE[1]}) is expected",
                    raw,
                )
            term = Literal(value, datatype=XSD.gYear)
        elif self.type == "lang":
            if not _LANG.fullmatch(value):
                raise self._error(
                    "une étiquette de langue est attendue (ex. fr, en)",
                    "a language tag is expected (e.g. fr, en)",
                    raw,
                )
            term = Literal(value.lower())
        else:  # string
            if len(raw) > MAX_STRING or any(c < " " for c in raw):
                raise self._error(
                    f"texte d'une ligne de {MAX_STRING} caractères au plus attendu",
                    f"one line of at most {MAX_STRING} characters expected",
                    raw[:40],
                )
            term = Literal(raw)
        self._check_allowed(value, term, base)
        return term

    def _concept(self, value: str, base: str) -> URIRef:
        scheme = self.scheme
        assert scheme is not None  # noqa: S101 - only called for concept parameters
        concepts = scheme_concepts(base, scheme)
        relative = f"id/{SCHEMES[scheme]}/"
        if value.startswith(relative):
            value = base + value
        if value in concepts:
            return concepts[value]
        if value in {str(iri) for iri in concepts.values()}:
            return URIRef(value)
        raise self._error(
            f"concept inconnu dans le thésaurus « {scheme} » (IRI complète ou notation, "
            f"ex. {next(iter(concepts), '?')})",
            f"unknown concept in the {scheme!r} scheme (full IRI or notation, "
            f"e.g. {next(iter(concepts), '?')})",
            value,
        )

    def _resource(self, value: str, base: str) -> URIRef:
        prefix = f"{base}id/{RESOURCES[self.type]}"
        key = value.removeprefix(prefix) if value.startswith(prefix) else value
        if self.type == "iri":
            key = key.removeprefix("id/")
        pattern = _KEY if self.type == "collectivity" else _PATH
        if (
            not pattern.fullmatch(key)
            or (self.type == "practice" and key.count("/") != 1)
            or any(part in (".", "..") for part in key.split("/"))
        ):
            raise self._error(
                f"IRI attendue sous {prefix} (ou sa seule clé)",
                f"an IRI under {prefix} (or just its key) is expected",
                value,
            )
        return URIRef(prefix + key)

    def _check_allowed(self, value: str, term: URIRef | Literal, base: str) -> None:
        if self.allowed is None:
            return
        if self.scheme is not None:
            concepts = scheme_concepts(base, self.scheme)
            ok = any(concepts.get(a) == term for a in self.allowed)
        else:
            ok = value in self.allowed
        if not ok:
            raise self._error(
                f"valeur non autorisée (valeurs possibles : {', '.join(self.allowed)})",
                f"value not allowed (allowed: {', '.join(self.allowed)})",
                value,
            )

    def _error(self, why_fr: str, why_en: str, raw: str) -> ParameterError:
        return ParameterError(
            f"paramètre « {self.name} » : {why_fr} ; reçu {raw!r}",
            f"parameter {self.name!r}: {why_en}; got {raw!r}",
            parameter=self.name,
        )
