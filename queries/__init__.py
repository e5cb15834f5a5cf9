"""The research query library: named SPARQL queries (`queries/*.rq`) with typed parameters.

Each `.rq` file starts with a grlc-style ``#+`` YAML header (title and description in French
and English, tags, typed parameters; grammar in ``header.py``). ``catalog()`` reads the files
once from the package (importlib.resources, so a wheel behaves like a checkout);
``get(name).run(store, {"lever": "L5"})`` checks the values, binds them as RDF terms and
runs the query on the store's public default graph. A parameter left without a value and
without a default stays unbound, and every query reads an unbound parameter as "all".

French sorting: SPARQL engines compare code points, so ``É`` sorts after ``z``. Queries sort
names on a key that lower-cases and folds common French accents (REPLACE chains marked
``# FOLD`` in the files): not full French collation (no ligature or punctuation rules).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from .errors import HeaderError, ParameterError, QueryLibraryError, UnknownQuery
from .header import parse
from .named import Answer, NamedQuery
from .params import SCHEMES, Parameter, scheme_concepts


@cache
def _library() -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = {}
    for entry in resources.files(__package__).iterdir():
        if entry.name.endswith(".rq") and entry.is_file():
            name = entry.name.removesuffix(".rq")
            found[name] = parse(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def catalog() -> list[NamedQuery]:
    """Every named query, sorted by name (parsed once; a malformed header raises HeaderError)."""
    return list(_library().values())


def get(name: str) -> NamedQuery:
    """The named query ``name``; UnknownQuery (a KeyError) when there is none."""
    try:
        return _library()[name]
    except KeyError:
        raise UnknownQuery(name) from None


__all__ = [
    "SCHEMES",
    "Answer",
    "HeaderError",
    "NamedQuery",
    "Parameter",
    "ParameterError",
    "QueryLibraryError",
    "UnknownQuery",
    "catalog",
    "get",
    "scheme_concepts",
]
