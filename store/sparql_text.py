"""SPARQL text shared by every backend: the query scanner, VALUES binding, and write requests.

Values never enter a query as formatted strings: bindings become a ``VALUES`` block of rdflib
``.n3()`` terms (which escape), and graph data is written by an RDF serialiser. The scanner
skips comments, strings and IRIs, so a ``{`` or ``WHERE`` inside them is never mistaken for
syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral

from .errors import StoreError, WrongQueryForm

ESS = "https://w3id.org/essgraph/ontology#"
DATA_VERSION = URIRef(f"{ESS}dataVersion")

QueryForm = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_MODIFIERS = frozenset({"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[^\s{}()\[\],;\"'<>#]+")
_VARNAME = re.compile(r"\w+")


@dataclass(frozen=True)
class Token:
    """A significant piece of query text: a brace, a parenthesis, or a bare word."""

    text: str
    start: int
    end: int


def tokens(query: str) -> list[Token]:
    """Braces, parentheses and words of ``query``; comments, strings and IRIs are skipped."""
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            i = _skip_string(query, i)
        elif c == "<":
            match = _IRI.match(query, i)
            i = match.end() if match else i + 1  # a bare "<" is the less-than operator
        elif c in "{}()":
            out.append(Token(c, i, i + 1))
            i += 1
        else:
            match = _WORD.match(query, i)
            if match:
                out.append(Token(match.group(), i, match.end()))
                i = match.end()
            else:
                i += 1
    return out


def _skip_string(query: str, i: int) -> int:
    """Index just past the string literal opening at ``i`` (short or long, with escapes)."""
    quote = query[i]
    delim = quote * 3 if query.startswith(quote * 3, i) else quote
    j = i + len(delim)
    n = len(query)
    while j < n:
        if query[j] == "\\":
            j += 2
        elif query.startswith(delim, j):
            return j + len(delim)
        elif len(delim) == 1 and query[j] == "\n":
            return j  # unterminated short string: let the engine report it
        else:
            j += 1
    return n


def _depth0(query: str) -> list[tuple[Token, int]]:
    """Each token with the brace depth it sits at (parentheses count as depth too)."""
    out: list[tuple[Token, int]] = []
    depth = 0
    for tok in tokens(query):
        if tok.text in "})":
            depth -= 1
        out.append((tok, depth))
        if tok.text in "{(":
            depth += 1
    return out


def query_form(query: str) -> QueryForm | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read after the prologue; None when not found."""
    for tok, depth in _depth0(query):
        word = tok.text.upper()
        if depth == 0 and word in _FORMS:
            return word  # type: ignore[return-value]
    return None


def values_block(bindings: Mapping[str, URIRef | BNode | RDFLiteral]) -> str:
    """``VALUES (?a ?b) { (<…> "…"@fr) }`` from rdflib terms, each escaped by ``.n3()``."""
    names: list[str] = []
    terms: list[str] = []
    for name, term in bindings.items():
        if not _VARNAME.fullmatch(name):
            raise StoreError(
                f"Nom de variable invalide : {name!r}",
                f"Invalid variable name: {name!r}",
                code="invalid-binding",
            )
        if isinstance(term, BNode) or not isinstance(term, URIRef | RDFLiteral):
            raise StoreError(
                f"La variable ?{name} ne peut être liée qu'à une IRI ou un littéral.",
                f"Variable ?{name} can only be bound to an IRI or a literal.",
                code="invalid-binding",
            )
        try:
            text = term.n3()
        except Exception as exc:  # rdflib refuses IRIs it cannot write safely
            raise StoreError(
                f"Valeur invalide pour ?{name} : {exc}",
                f"Invalid value for ?{name}: {exc}",
                code="invalid-binding",
            ) from exc
        names.append(f"?{name}")
        terms.append(text)
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def bind_values(query: str, bindings: Mapping[str, URIRef | BNode | RDFLiteral] | None) -> str:
    """Insert the bindings as a VALUES block at the start of the query's top-level WHERE group.

    The block goes on the same line as the group's ``{`` so the engine's line numbers in
    error messages still match the caller's text.
    """
    if not bindings:
        return query
    block = values_block(bindings)
    toks = _depth0(query)
    form = query_form(query)
    where = next((k for k, (t, d) in enumerate(toks) if d == 0 and t.text.upper() == "WHERE"), None)
    first_brace = next((k for k, (t, d) in enumerate(toks) if d == 0 and t.text == "{"), None)

    if where is not None:
        opener = next(
            (k for k in range(where + 1, len(toks)) if toks[k][1] == 0 and toks[k][0].text == "{"),
            None,
        )
        if opener is None:
            raise _no_group()
        if form == "CONSTRUCT" and (first_brace is None or first_brace > where):
            return _bind_construct_short_form(query, toks, opener, block)
    elif form == "DESCRIBE" and first_brace is None:
        return _bind_describe_without_where(query, toks, block)
    elif first_brace is not None:
        opener = first_brace
    else:
        raise _no_group()

    closer = _matching(toks, opener)
    inner = toks[opener + 1][0] if opener + 1 < len(toks) else None
    open_end = toks[opener][0].end
    if inner is not None and inner.text.upper() == "SELECT":
        # `WHERE { SELECT … }` holds a sub-select only: wrap it in a group to add VALUES.
        close_start = toks[closer][0].start
        return (
            query[:open_end]
            + f" {block} {{"
            + query[open_end:close_start]
            + "}"
            + query[close_start:]
        )
    return query[:open_end] + f" {block} " + query[open_end:]


def _matching(toks: list[tuple[Token, int]], opener: int) -> int:
    depth = toks[opener][1]
    for k in range(opener + 1, len(toks)):
        tok, d = toks[k]
        if d == depth and tok.text == "}":
            return k
    raise _no_group()


def _bind_construct_short_form(
    query: str, toks: list[tuple[Token, int]], opener: int, block: str
) -> str:
    """`CONSTRUCT WHERE { T }` → `CONSTRUCT { T } WHERE { VALUES … T }` (T is only triples)."""
    closer = _matching(toks, opener)
    where_tok = next(t for t, d in toks if d == 0 and t.text.upper() == "WHERE")
    body = query[toks[opener][0].end : toks[closer][0].start]
    return (
        query[: where_tok.start]
        + f"{{{body}}} WHERE {{ {block} {body}}}"
        + query[toks[closer][0].end :]
    )


def _bind_describe_without_where(query: str, toks: list[tuple[Token, int]], block: str) -> str:
    """`DESCRIBE ?r` has no group: add `WHERE { VALUES … }` before any solution modifier."""
    mod = next((t for t, d in toks if d == 0 and t.text.upper() in _MODIFIERS), None)
    if mod is None:
        return f"{query}\nWHERE {{ {block} }}"
    return f"{query[: mod.start]}WHERE {{ {block} }}\n{query[mod.start :]}"


def _no_group() -> StoreError:
    return StoreError(
        "Impossible de lier des variables : la requête n'a pas de groupe WHERE { … }.",
        "Cannot bind variables: the query has no WHERE { … } group.",
        code="invalid-binding",
    )


# -- writes ------------------------------------------------------------------------------
def ntriples(data: Graph) -> str:
    """The graph as N-Triples, written by rdflib's serialiser (blank node labels kept)."""
    return data.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _delete_version(system: URIRef) -> str:
    s = system.n3()
    return f"DELETE WHERE {{ GRAPH {s} {{ {s} {DATA_VERSION.n3()} ?version }} }}"


def _version_quad(system: URIRef, version: str) -> str:
    s = system.n3()
    return f"GRAPH {s} {{ {s} {DATA_VERSION.n3()} {RDFLiteral(version).n3()} }}"


def replace_graphs_update(graphs: Mapping[URIRef, str], system: URIRef, version: str) -> str:
    """One update request: drop each graph, insert its data (N-Triples), swap the version.

    Engines run one request as one transaction (Oxigraph does), so readers see the old graphs
    and version or the new ones, never a mix. N-Triples blank node labels are valid in
    ``INSERT DATA`` and stay distinct nodes. A graph mapped to empty data is dropped.
    """
    drops = "".join(f"DROP SILENT GRAPH {g.n3()} ;\n" for g in graphs)
    inserts = "".join(
        f"GRAPH {g.n3()} {{\n{data_nt}\n}}\n" for g, data_nt in graphs.items() if data_nt.strip()
    )
    return (
        f"{drops}{_delete_version(system)} ;\n"
        f"INSERT DATA {{\n{_version_quad(system, version)}\n{inserts}}}"
    )


def replace_graph_update(graph: URIRef, data_nt: str, system: URIRef, version: str) -> str:
    """`replace_graphs_update` for one graph."""
    return replace_graphs_update({graph: data_nt}, system, version)


def drop_graph_update(graph: URIRef, system: URIRef, version: str) -> str:
    """One update request: drop ``graph`` and swap the data version."""
    return (
        f"DROP SILENT GRAPH {graph.n3()} ;\n"
        f"{_delete_version(system)} ;\n"
        f"INSERT DATA {{ {_version_quad(system, version)} }}"
    )


def init_version_update(system: URIRef, version: str) -> str:
    """Set a first data version only if none exists (safe when two processes open at once)."""
    s = system.n3()
    return (
        f"INSERT {{ {_version_quad(system, version)} }} WHERE {{ FILTER NOT EXISTS "
        f"{{ GRAPH {s} {{ {s} {DATA_VERSION.n3()} ?version }} }} }}"
    )


def read_version_query(system: URIRef) -> str:
    s = system.n3()
    return f"SELECT ?version WHERE {{ GRAPH {s} {{ {s} {DATA_VERSION.n3()} ?version }} }}"


NAMED_GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
GRAPH_SIZES_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
ALL_QUADS_QUERY = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def expect_form(query: str, *forms: QueryForm) -> QueryForm | None:
    """The query's form, refusing a clearly different one before it reaches the engine.

    None means the scanner could not tell (the engine will then report the syntax error).
    """
    form = query_form(query)
    if form is not None and form not in forms:
        wanted = " ou ".join(forms), " or ".join(forms)
        raise WrongQueryForm(
            f"Cet appel attend une requête {wanted[0]}, pas {form}.",
            f"This call takes a {wanted[1]} query, not {form}.",
        )
    return form
