"""Render SELECT/ASK/CONSTRUCT answers for people (table) and for tools (CSV, JSON, TSV).

CSV and JSON follow the W3C SPARQL 1.1 results formats, so R, pandas and spreadsheets read
them as they read any endpoint's answers.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, URIRef
from rich.table import Table

from ontology import PREFIXES, bind_prefixes
from store import SelectResult, Term

ResultFormat = TypingLiteral["table", "csv", "tsv", "json"]


def compact(term: Term) -> str:
    """A short, readable form of a term: a CURIE where a project prefix fits."""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, iri in PREFIXES.items():
            if text.startswith(iri) and len(text) > len(iri):
                return f"{prefix}:{text[len(iri) :]}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    if term.language:
        return f"{term}@{term.language}"
    return str(term)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    cell: dict[str, str] = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype is not None:
        cell["datatype"] = str(term.datatype)
    return cell


def select_json(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [{k: _json_term(v) for k, v in row.items()} for row in result.rows]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def select_csv(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results CSV (plain values, blank nodes as ``_:id``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        cells = []
        for var in result.variables:
            term = row.get(var)
            cells.append("" if term is None else f"_:{term}" if isinstance(term, BNode) else term)
        writer.writerow(cells)
    return out.getvalue()


def select_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 Query Results TSV (terms in Turtle syntax)."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append(
            "\t".join(row[v].n3() if row.get(v) is not None else "" for v in result.variables)
        )
    return "\n".join(lines) + "\n"


def select_table(result: SelectResult, *, title: str | None = None) -> Table:
    """A rich table with compact terms, for the terminal."""
    table = Table(title=title, show_lines=False)
    for var in result.variables:
        table.add_column(var, overflow="fold")
    for row in result.rows:
        table.add_row(
            *(compact(row[v]) if row.get(v) is not None else "" for v in result.variables)
        )
    return table


def ask_text(value: bool, fmt: ResultFormat) -> str:
    """ASK answer in the chosen format."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value})
    if fmt in ("csv", "tsv"):
        return ("true" if value else "false") + "\n"
    return "oui / yes" if value else "non / no"


def graph_text(graph: Graph) -> str:
    """CONSTRUCT/DESCRIBE answers as Turtle with the project's prefixes."""
    return bind_prefixes(graph).serialize(format="turtle")


__all__ = [
    "ResultFormat",
    "ask_text",
    "compact",
    "graph_text",
    "select_csv",
    "select_json",
    "select_table",
    "select_tsv",
]
