"""The ess: terms that the discovery answers' JSON-LD uses are declared in the ontology.

Those answers carry an inline context (api/discovery/linked_data.py) for terms computed when
answering; a term missing from ontology/ess.ttl would make them unresolvable for a reader.
"""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef

from api.discovery.linked_data import LOCAL_CONTEXT
from ontology import ESS, ontology_graph


def _ess_terms() -> list[str]:
    names = []
    for value in LOCAL_CONTEXT.values():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and iri.startswith("ess:"):
            names.append(iri.removeprefix("ess:"))
    return sorted(set(names))


def test_discovery_context_uses_ess_terms() -> None:
    assert {"FacetValue", "score", "conceptUse", "budgetPerInhabitant"} <= set(_ess_terms())


@pytest.mark.parametrize("name", _ess_terms())
def test_discovery_term_declared_with_labels_and_definitions(name: str) -> None:
    graph = ontology_graph()
    term = URIRef(f"{ESS}{name}")
    kinds = set(graph.objects(term, RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, name
    for predicate in (RDFS.label, SKOS.definition):
        for lang in ("fr", "en"):
            values = [
                o
                for o in graph.objects(term, predicate)
                if isinstance(o, Literal) and o.language == lang
            ]
            assert len(values) == 1, (name, predicate, lang)
