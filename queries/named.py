"""A named query: its header (titles, tags, typed parameters) and its SPARQL text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef

from store import SelectResult, Store
from store.sparql_text import QueryForm

from .errors import ParameterError
from .params import Parameter

Answer = SelectResult | bool | Graph


@dataclass(frozen=True)
class NamedQuery:
    """One `.rq` file of the library; ``text`` is the SPARQL without its ``#+`` header."""

    name: str
    title: dict[str, str]
    description: dict[str, str]
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    text: str
    form: QueryForm

    def parameter(self, name: str) -> Parameter:
        for param in self.parameters:
            if param.name == name:
                return param
        raise KeyError(name)

    def bind(self, raw: Mapping[str, str], *, base: str) -> dict[str, URIRef | Literal]:
        """Check the caller's raw values and return the RDF term of each bound variable.

        An empty value counts as absent; an absent one takes the default; a parameter with
        neither stays unbound (the query then means "all"), unless it is required.
        """
        known = {p.name for p in self.parameters}
        unknown = sorted(set(raw) - known)
        if unknown:
            names = ", ".join(unknown)
            accepted = ", ".join(sorted(known)) or "—"
            raise ParameterError(
                f"paramètre inconnu pour « {self.name} » : {names} (acceptés : {accepted})",
                f"unknown parameter for {self.name!r}: {names} (accepted: {accepted})",
                parameter=unknown[0],
            )
        bound: dict[str, URIRef | Literal] = {}
        for param in self.parameters:
            value = raw.get(param.name)
            if value is None or not value.strip():
                value = param.default
            if value is None:
                if param.required:
                    raise ParameterError(
                        f"paramètre « {param.name} » obligatoire pour « {self.name} »",
                        f"parameter {param.name!r} is required by {self.name!r}",
                        parameter=param.name,
                    )
                continue
            bound[param.name] = param.to_term(value, base)
        return bound

    def run(
        self,
        store: Store,
        raw: Mapping[str, str] | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> Answer:
        """Bind ``raw`` against the store's base and run the query in its own form."""
        bindings = self.bind(raw or {}, base=store.base)
        if self.form == "SELECT":
            return store.select(self.text, bindings, default_graph=default_graph)
        if self.form == "ASK":
            return store.ask(self.text, bindings, default_graph=default_graph)
        return store.construct(self.text, bindings, default_graph=default_graph)

    def as_dict(self, base: str | None = None) -> dict[str, Any]:
        """A JSON-ready description (for a gallery or an OpenAPI document)."""
        params = []
        for p in self.parameters:
            entry: dict[str, Any] = {
                "name": p.name,
                "type": p.type,
                "default": p.default,
                "required": p.required,
                "description": dict(p.description),
            }
            allowed = p.allowed_values(base) if base is not None else p.allowed
            if allowed is not None:
                entry["allowed"] = list(allowed)
            params.append(entry)
        return {
            "name": self.name,
            "title": dict(self.title),
            "description": dict(self.description),
            "tags": list(self.tags),
            "form": self.form,
            "parameters": params,
            "query": self.text,
        }
