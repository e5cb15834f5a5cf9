"""The validation report: pyshacl's results read into typed records, rendered for people
(text in French or English), programs (JSON) and RDF tools (a W3C ``sh:ValidationReport``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from rdflib import RDF, SH, XSD, BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.term import Identifier

from ontology import DEFAULT_BASE, PREFIXES, bind_prefixes

Severity = Literal["violation", "warning", "info"]
Lang = Literal["fr", "en"]

SHAPES_NS = "https://w3id.org/essgraph/shapes#"

_SEVERITY_FROM_IRI: dict[URIRef, Severity] = {
    SH.Violation: "violation",
    SH.Warning: "warning",
    SH.Info: "info",
}
_SEVERITY_IRI: dict[Severity, URIRef] = {v: k for k, v in _SEVERITY_FROM_IRI.items()}
_SEVERITY_RANK: dict[Severity, int] = {"violation": 0, "warning": 1, "info": 2}

_SEVERITY_WORD: dict[Lang, dict[Severity, tuple[str, str]]] = {
    # (singular, plural)
    "fr": {
        "violation": ("violation", "violations"),
        "warning": ("avertissement", "avertissements"),
        "info": ("information", "informations"),
    },
    "en": {
        "violation": ("violation", "violations"),
        "warning": ("warning", "warnings"),
        "info": ("info", "infos"),
    },
}
_FIELD_LABELS: dict[Lang, dict[str, str]] = {
    "fr": {
        "path": "chemin",
        "value": "valeur",
        "shape": "forme",
        "component": "contrainte",
        "message": "message",
    },
    "en": {
        "path": "path",
        "value": "value",
        "shape": "shape",
        "component": "constraint",
        "message": "message",
    },
}
_VERDICT: dict[Lang, tuple[str, str]] = {
    "fr": ("Conforme", "Non conforme"),
    "en": ("Conforms", "Does not conform"),
}

# Longest namespace first, so `shp:` wins over a shorter prefix of the same IRI.
_NAMESPACES: list[tuple[str, str]] = sorted(
    [*PREFIXES.items(), ("shp", SHAPES_NS)], key=lambda item: -len(item[1])
)


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One SHACL result, with its message in French and in English."""

    focus_node: Identifier
    path: Identifier | None
    value: Identifier | None
    severity: Severity
    message_fr: str
    message_en: str
    #: The shape that carries the message (a property shape, or a node shape).
    shape: Identifier
    #: The SHACL constraint component that failed, e.g. ``sh:MinCountConstraintComponent``.
    component: URIRef

    def message(self, lang: Lang = "fr") -> str:
        """The message in ``lang``."""
        return self.message_fr if lang == "fr" else self.message_en

    def sort_key(self) -> tuple[Any, ...]:
        """Severity first, then focus node, shape, path, constraint, value, message."""
        return (
            _SEVERITY_RANK[self.severity],
            isinstance(self.focus_node, BNode),
            "" if isinstance(self.focus_node, BNode) else str(self.focus_node),
            str(self.shape),
            "" if self.path is None else str(self.path),
            str(self.component),
            "" if self.value is None or isinstance(self.value, BNode) else self.value.n3(),
            self.message_en,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; RDF terms use the SPARQL 1.1 JSON results encoding."""
        return {
            "severity": self.severity,
            "focusNode": _term_to_json(self.focus_node),
            "path": None if self.path is None else _term_to_json(self.path),
            "value": None if self.value is None else _term_to_json(self.value),
            "shape": _term_to_json(self.shape),
            "component": str(self.component),
            "message": {"fr": self.message_fr, "en": self.message_en},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValidationResult:
        """Inverse of :meth:`to_dict`."""
        severity = data["severity"]
        if severity not in _SEVERITY_RANK:
            raise ValueError(f"unknown severity {severity!r}")
        return cls(
            focus_node=_term_from_json(data["focusNode"]),
            path=None if data["path"] is None else _term_from_json(data["path"]),
            value=None if data["value"] is None else _term_from_json(data["value"]),
            severity=cast(Severity, severity),
            message_fr=str(data["message"]["fr"]),
            message_en=str(data["message"]["en"]),
            shape=_term_from_json(data["shape"]),
            component=URIRef(data["component"]),
        )


@dataclass(slots=True)
class Report:
    """A validation report: results sorted deterministically, renderable three ways."""

    results: list[ValidationResult] = field(default_factory=list)
    #: The deployment base, used to show instance IRIs as short relative IRIs.
    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        self.results = sorted(self.results, key=ValidationResult.sort_key)

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not block)."""
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "warning"]

    @property
    def infos(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "info"]

    # --- reading ---------------------------------------------------------------------------

    @classmethod
    def from_results_graph(
        cls, graph: Graph, *, base: str = DEFAULT_BASE, shapes: Graph | None = None
    ) -> Report:
        """Read pyshacl's ``sh:ValidationReport`` graph.

        ``shapes`` (the shapes graph) lets messages that pyshacl stripped of their language
        tag get it back: pyshacl 0.40 rebuilds SPARQL-based results' messages as plain
        literals, so the French and English texts arrive untagged.
        """
        results = [_read_result(graph, node, shapes) for node in _result_nodes(graph)]
        return cls(results, base=base)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Inverse of :meth:`to_dict`."""
        return cls(
            [ValidationResult.from_dict(item) for item in data["results"]],
            base=str(data.get("base", DEFAULT_BASE)),
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Inverse of :meth:`to_json`."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a report is a JSON object")
        return cls.from_dict(data)

    # --- rendering -------------------------------------------------------------------------

    def summary(self, lang: Lang = "fr") -> str:
        """E.g. ``Non conforme : 2 violations, 1 avertissement``."""
        counts: list[tuple[Severity, int]] = [
            ("violation", len(self.violations)),
            ("warning", len(self.warnings)),
        ]
        if self.infos:
            counts.append(("info", len(self.infos)))
        parts = [_count(n, severity, lang) for severity, n in counts]
        verdict = _VERDICT[lang][0 if self.conforms else 1]
        colon = " : " if lang == "fr" else ": "
        return f"{verdict}{colon}{', '.join(parts)}"

    def to_text(self, lang: Lang = "fr") -> str:
        """A summary line, then one block per result, in ``lang``."""
        labels = _FIELD_LABELS[lang]
        colon = " : " if lang == "fr" else ": "
        width = max(len(label) for label in labels.values())
        blocks = [self.summary(lang)]
        for result in self.results:
            lines = [
                f"[{_SEVERITY_WORD[lang][result.severity][0]}] "
                f"{_show(result.focus_node, self.base)}"
            ]
            rows: list[tuple[str, Identifier | str | None]] = [
                ("path", result.path),
                ("value", result.value),
                ("shape", result.shape),
                ("component", result.component),
                ("message", result.message(lang)),
            ]
            for key, item in rows:
                if item is None:
                    continue
                shown = item if isinstance(item, str) and key == "message" else None
                if shown is None:
                    shown = _show(cast(Identifier, item), self.base)
                lines.append(f"  {labels[key].ljust(width)}{colon}{shown}")
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with stable keys."""
        return {
            "conforms": self.conforms,
            "base": self.base,
            "counts": {
                "violation": len(self.violations),
                "warning": len(self.warnings),
                "info": len(self.infos),
            },
            "results": [result.to_dict() for result in self.results],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 kept, keys in a fixed order)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_graph(self) -> Graph:
        """A W3C ``sh:ValidationReport`` with both messages on every result.

        ``sh:conforms`` follows :attr:`conforms` (warnings do not make it false), as pyshacl
        does with ``allow_warnings``.
        """
        graph = bind_prefixes(Graph())
        graph.bind("shp", SHAPES_NS)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, RDFLiteral(self.conforms)))
        for result in self.results:
            node = BNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, result.focus_node))
            if result.path is not None:
                graph.add((node, SH.resultPath, result.path))
            if result.value is not None:
                graph.add((node, SH.value, result.value))
            graph.add((node, SH.resultSeverity, _SEVERITY_IRI[result.severity]))
            graph.add((node, SH.sourceShape, result.shape))
            graph.add((node, SH.sourceConstraintComponent, result.component))
            graph.add((node, SH.resultMessage, RDFLiteral(result.message_fr, lang="fr")))
            graph.add((node, SH.resultMessage, RDFLiteral(result.message_en, lang="en")))
        return graph

    def to_turtle(self) -> str:
        """:meth:`to_graph` serialised as Turtle."""
        return self.to_graph().serialize(format="turtle")


# --- helpers --------------------------------------------------------------------------------


def _result_nodes(graph: Graph) -> Iterable[Identifier]:
    for report in graph.subjects(RDF.type, SH.ValidationReport):
        for result in graph.objects(report, SH.result):
            if isinstance(result, Identifier):
                yield result


def _declared_languages(shapes: Graph | None, shape: Identifier) -> dict[str, str]:
    """Text → language of the messages declared on ``shape`` and its SPARQL constraints."""
    if shapes is None:
        return {}
    holders = [shape, *shapes.objects(shape, SH.sparql)]
    return {
        str(message): (message.language or "").lower().split("-")[0]
        for holder in holders
        for message in shapes.objects(holder, SH.message)
        if isinstance(message, RDFLiteral) and message.language
    }


def _read_result(graph: Graph, node: Identifier, shapes: Graph | None) -> ValidationResult:
    def one(predicate: URIRef) -> Identifier | None:
        value = graph.value(node, predicate)
        return cast(Identifier | None, value)

    focus = one(SH.focusNode)
    shape = one(SH.sourceShape)
    component = one(SH.sourceConstraintComponent)
    if focus is None or shape is None or not isinstance(component, URIRef):
        raise ValueError(f"incomplete SHACL result {node!r}")
    severity = _SEVERITY_FROM_IRI.get(cast(URIRef, one(SH.resultSeverity)), "violation")
    declared = _declared_languages(shapes, shape)
    by_lang: dict[str, list[str]] = {}
    for message in graph.objects(node, SH.resultMessage):
        if isinstance(message, RDFLiteral):
            lang = (message.language or "").lower().split("-")[0]
            lang = lang or declared.get(str(message), "")
            by_lang.setdefault(lang, []).append(str(message))
    plain = min(by_lang.get("", []), default=None)
    french = min(by_lang.get("fr", []), default=None)
    english = min(by_lang.get("en", []), default=None)
    fallback = f"{component.fragment or component} ({shape})"
    return ValidationResult(
        focus_node=focus,
        path=one(SH.resultPath),
        value=one(SH.value),
        severity=severity,
        message_fr=french or plain or english or fallback,
        message_en=english or plain or french or fallback,
        shape=shape,
        component=component,
    )


def _count(n: int, severity: Severity, lang: Lang) -> str:
    singular, plural = _SEVERITY_WORD[lang][severity]
    # French: 0 and 1 take the singular; English: only 1 does.
    is_singular = n <= 1 if lang == "fr" else n == 1
    return f"{n} {singular if is_singular else plural}"


def _curie(iri: str, base: str) -> str:
    for prefix, namespace in _NAMESPACES:
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and all(c.isalnum() or c in "_-." for c in local):
            return f"{prefix}:{local}"
    if iri.startswith(base) and len(iri) > len(base):
        return f"<{iri[len(base) :]}>"
    return f"<{iri}>"


def _show(term: Identifier, base: str) -> str:
    """Turtle-like short form: ``<id/practice/…>``, ``shp:Name``, ``"1890"^^xsd:string``."""
    if isinstance(term, URIRef):
        return _curie(str(term), base)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, RDFLiteral):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype or XSD.string
        return f"{text}^^{_curie(str(datatype), base)}"
    return str(term)


def _term_to_json(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, RDFLiteral):
        encoded = {"type": "literal", "value": str(term)}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype is not None:
            encoded["datatype"] = str(term.datatype)
        return encoded
    raise TypeError(f"not an RDF term: {term!r}")


def _term_from_json(data: Mapping[str, str]) -> Identifier:
    kind = data["type"]
    if kind == "uri":
        return URIRef(data["value"])
    if kind == "bnode":
        return BNode(data["value"])
    if kind == "literal":
        datatype = data.get("datatype")
        return RDFLiteral(
            data["value"],
            lang=data.get("xml:lang"),
            datatype=None if datatype is None else URIRef(datatype),
        )
    raise ValueError(f"unknown term type {kind!r}")
