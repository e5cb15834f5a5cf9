"""The ontology, its SKOS thesauri, the JSON-LD context and the bundled demo dataset.

Each test names the contract it guards (docs/model.md, DOMAIN.md, the sample exports' labels)
so that a renamed term, a lost label or a broken IRI fails here first.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

import ontology
from ontology import (
    CONTEXT_VERSION,
    DEFAULT_BASE,
    ESS,
    IGEO,
    ONTOLOGY_IRI,
    ORG,
    PREFIXES,
    SCHEMA,
    THESAURI,
    WD,
    WDT,
    jsonld_context,
    ontology_graph,
    thesauri_graph,
    thesaurus_turtle,
)

DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ESSGLOBAL = Namespace("http://purl.org/essglobal/vocab/")

#: A base unlike the default one: nothing may leak the default base when parsed against it.
BASE = "https://essgraph.test.example/deploy/"
#: A Turtle @base / SPARQL-style BASE directive (comments may mention the word freely).
BASE_DIRECTIVE = re.compile(r"^\s*(@base|BASE)\s*<", re.MULTILINE | re.IGNORECASE)
SAMPLES = Path(__file__).resolve().parents[2] / "essgraph" / "demo" / "exports"
GOOGLE_FORMS = SAMPLES / "googleforms_reponses_formulaire.csv"
SURVEYMONKEY = SAMPLES / "surveymonkey_all-responses_actual-answer-text.xlsx"

# --- docs/model.md, kept explicit on purpose (a term dropped from the ontology fails here) ---
CLASSES = [
    "Collectivity",
    "EssPolicy",
    "ElectedOfficialPost",
    "Practice",
    "Partner",
    "Survey",
    "SurveyResponse",
    "SourceFile",
    "RawAnswer",
    "Lever",
    "TransitionTheme",
    "ModeOfAction",
    "CollectivityKind",
    "Region",
    "Adaptation",
]
SUPERCLASSES = [
    ("Collectivity", ORG.FormalOrganization),
    ("Collectivity", SCHEMA.GovernmentOrganization),
    ("EssPolicy", PROV.Entity),
    ("ElectedOfficialPost", ORG.Post),
    ("Practice", PROV.Entity),
    ("Partner", ORG.Organization),
    ("Survey", PROV.Activity),
    ("SurveyResponse", PROV.Entity),
    ("SourceFile", PROV.Entity),
    ("RawAnswer", PROV.Entity),
    ("Lever", SKOS.Concept),
    ("TransitionTheme", SKOS.Concept),
    ("ModeOfAction", SKOS.Concept),
    ("CollectivityKind", SKOS.Concept),
    ("Region", SKOS.Concept),
    ("Region", SCHEMA.AdministrativeArea),
    ("Adaptation", PROV.Influence),
]
OBJECT_PROPERTIES = [
    "collectivityKind",
    "region",
    "policyOf",
    "hasPolicy",
    "electedOfficialPost",
    "usesLever",
    "addressesTheme",
    "priorityTheme",
    "modeOfAction",
    "implementedBy",
    "implements",
    "hasPartner",
    "adaptedFrom",
    "respondent",
    "forProperty",
]
DATATYPE_PROPERTIES = {
    "siren": XSD.string,
    "cogCode": XSD.string,
    "population": XSD.integer,
    "referenceYear": XSD.gYear,
    "dedicatedBudget": XSD.decimal,
    "dedicatedStaff": XSD.decimal,
    "amountIsApproximate": XSD.boolean,
    "hasEssDelegation": XSD.boolean,
    "delegationTitle": RDF.langString,
    "startYear": XSD.gYear,
    "responseId": XSD.string,
    "sourceRow": XSD.integer,
    "sourceColumn": XSD.string,
    "rawValue": XSD.string,
    "isComplete": XSD.boolean,
    "checksum": XSD.string,
    "profile": XSD.string,
}
#: property -> (domain classes, range) for the object properties (docs/model.md).
OBJECT_SIGNATURES = {
    "collectivityKind": ({ESS.Collectivity}, ESS.CollectivityKind),
    "region": ({ESS.Collectivity}, ESS.Region),
    "policyOf": ({ESS.EssPolicy}, ESS.Collectivity),
    "hasPolicy": ({ESS.Collectivity}, ESS.EssPolicy),
    "electedOfficialPost": ({ESS.EssPolicy}, ESS.ElectedOfficialPost),
    "usesLever": ({ESS.EssPolicy, ESS.Practice}, ESS.Lever),
    "addressesTheme": ({ESS.EssPolicy, ESS.Practice}, ESS.TransitionTheme),
    "priorityTheme": ({ESS.EssPolicy}, ESS.TransitionTheme),
    "modeOfAction": ({ESS.EssPolicy, ESS.Practice}, ESS.ModeOfAction),
    "implementedBy": ({ESS.Practice}, ESS.Collectivity),
    "implements": ({ESS.Collectivity}, ESS.Practice),
    "hasPartner": ({ESS.Practice}, ESS.Partner),
    "adaptedFrom": ({ESS.Practice}, ESS.Practice),
    "respondent": ({ESS.SurveyResponse}, ESS.Collectivity),
    "forProperty": ({PROV.Derivation}, RDF.Property),
}
DATATYPE_DOMAINS = {
    "siren": {ESS.Collectivity, ESS.Partner},
    "cogCode": {ESS.Collectivity},
    "population": {ESS.Collectivity},
    "referenceYear": {ESS.EssPolicy},
    "dedicatedBudget": {ESS.EssPolicy, ESS.Practice},
    "dedicatedStaff": {ESS.EssPolicy},
    "amountIsApproximate": {ESS.EssPolicy, ESS.Practice},
    "hasEssDelegation": {ESS.EssPolicy},
    "delegationTitle": {ESS.ElectedOfficialPost},
    "startYear": {ESS.Practice},
    "responseId": {ESS.SurveyResponse},
    "sourceRow": {ESS.SurveyResponse, ESS.RawAnswer, PROV.Derivation},
    "sourceColumn": {ESS.RawAnswer, PROV.Derivation},
    "rawValue": {ESS.RawAnswer, PROV.Derivation},
    "isComplete": {ESS.SurveyResponse},
    "checksum": {ESS.SourceFile},
    "profile": {ESS.SourceFile},
}
ALL_TERMS = CLASSES + OBJECT_PROPERTIES + list(DATATYPE_PROPERTIES)

#: scheme name -> (IRI kind segment, ess: class of its concepts)
SCHEMES = {
    "levers": ("lever", ESS.Lever),
    "themes": ("theme", ESS.TransitionTheme),
    "modes": ("mode", ESS.ModeOfAction),
    "collectivity-kinds": ("collectivity-kind", ESS.CollectivityKind),
    "regions": ("region", ESS.Region),
}
#: DOMAIN.md tables: top concept -> narrower concepts.
LEVERS = {
    "L1": ["L1.1", "L1.2", "L1.3", "L1.4"],
    "L2": ["L2.1", "L2.2", "L2.3"],
    "L3": ["L3.1", "L3.2", "L3.3", "L3.4"],
    "L4": ["L4.1", "L4.2", "L4.3", "L4.4"],
    "L5": ["L5.1", "L5.2", "L5.3"],
    "L6": [],
    "L7": ["L7.1", "L7.2", "L7.3", "L7.4"],
}
THEMES = {
    "T1": ["T1.1", "T1.2", "T1.3"],
    "T2": ["T2.1", "T2.2"],
    "T3": ["T3.1", "T3.2", "T3.3", "T3.4", "T3.5"],
    "T4": [],
    "T5": [],
}
MODES = {f"M{i}": [] for i in range(1, 6)}
KINDS = {
    code: []
    for code in (
        "metropole",
        "metropole-statut-particulier",
        "collectivite-statut-particulier",
        "communaute-urbaine",
        "communaute-agglomeration",
        "ept",
        "commune",
    )
}
#: INSEE COG region codes.
REGIONS: dict[str, list[str]] = {
    code: []
    for code in [
        *("01", "02", "03", "04", "06"),  # overseas
        *("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"),
    ]
}
HIERARCHIES = {
    "levers": LEVERS,
    "themes": THEMES,
    "modes": MODES,
    "collectivity-kinds": KINDS,
    "regions": REGIONS,
}

#: Every option label the three sample exports use, with the concept it must reconcile to
#: (scheme, notation). "Co-construction des politiques publiques" is asked among the levers
#: but is a mode of action (see the editorial note on M2).
SURVEY_OPTION_LABELS = {
    # levers (LimeSurvey codebook LEVIERS[SQ001..7], SurveyMonkey and Google Forms options)
    "Subventions et appels à projets": ("levers", "L2"),
    "Commande publique responsable (clauses sociales, marchés réservés)": ("levers", "L5"),
    "Immobilier et mise à disposition de locaux": ("levers", "L4"),
    "Accompagnement, incubation": ("levers", "L1.1"),
    "Finance solidaire (garanties, prêts, fonds d'investissement)": ("levers", "L1.3"),
    "Animation de réseaux et événements": ("levers", "L7"),
    "Co-construction des politiques publiques": ("modes", "M2"),
    # themes (THEMES[SQ001..9], SurveyMonkey and Google Forms options, priority grid rows)
    "Alimentation durable": ("themes", "T3.2"),
    "Économie circulaire et réemploi": ("themes", "T3.1"),
    "Mobilité": ("themes", "T3.5"),
    "Transition énergétique": ("themes", "T3.4"),
    "IAE (insertion par l'activité économique)": ("themes", "T1.2"),
    "Insertion par l'activité économique": ("themes", "T1.2"),
    "Habitat": ("themes", "T3.3"),
    "Habitat et logement": ("themes", "T3.3"),
    "Culture": ("themes", "T5"),
    "Numérique": ("themes", "T5"),
    "Silver économie": ("themes", "T5"),
    "Silver économie, vieillissement": ("themes", "T5"),
    # collectivity kinds (COLTYPE M1..M4, SurveyMonkey and Google Forms answers)
    "Métropole": ("collectivity-kinds", "metropole"),
    "Communauté urbaine": ("collectivity-kinds", "communaute-urbaine"),
    "Communauté d'agglomération": ("collectivity-kinds", "communaute-agglomeration"),
    "Ville": ("collectivity-kinds", "commune"),
    "Ville / commune": ("collectivity-kinds", "commune"),
    "Ville/commune": ("collectivity-kinds", "commune"),
}
#: Answers that are not concept labels: free-text prompts and "other".
NOT_CONCEPTS = {"Autre", "Autre (veuillez préciser)"}

#: rdflib's JSON-LD parser still builds a ConjunctiveGraph internally (rdflib 7.x).
JSONLD_DEPRECATION = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def normalise(label: str) -> str:
    """The key reconciliation compares: case, accents, apostrophes and spacing folded."""
    text = unicodedata.normalize("NFKD", label.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def lang_values(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> list[str]:
    return [
        str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == lang
    ]


def class_set(graph: Graph, node: URIRef | BNode | None) -> set[URIRef]:
    """A named class, or the members of an owl:unionOf class expression."""
    if node is None:
        return set()
    if isinstance(node, URIRef):
        return {node}
    members = graph.value(node, OWL.unionOf)
    assert members is not None, "an anonymous domain must be an owl:unionOf"
    return {m for m in Collection(graph, members) if isinstance(m, URIRef)}


@cache
def scheme_graph(name: str) -> Graph:
    return Graph().parse(data=thesaurus_turtle(name), format="turtle", publicID=BASE)


def scheme_iri(name: str) -> URIRef:
    return URIRef(f"{BASE}id/scheme/{name}")


def concept_iri(name: str, notation: str) -> URIRef:
    return URIRef(f"{BASE}id/{SCHEMES[name][0]}/{notation}")


def concepts(name: str) -> list[URIRef]:
    graph = scheme_graph(name)
    return sorted(s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef))


def demo_turtle() -> str:
    return resources.files("essgraph").joinpath("demo/demo-2021.ttl").read_text(encoding="utf-8")


@cache
def demo_graph() -> Graph:
    return Graph().parse(data=demo_turtle(), format="turtle", publicID=BASE)


# --------------------------------------------------------------------------------------------
# the ontology
# --------------------------------------------------------------------------------------------


def test_ontology_header() -> None:
    graph = ontology_graph()
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert graph.value(onto, OWL.versionInfo) == Literal("0.1.0")
    for predicate in (DCT.title, DCT.description):
        for lang in ("fr", "en"):
            assert len(lang_values(graph, onto, predicate, lang)) == 1, (predicate, lang)
    created = graph.value(onto, DCT.created)
    assert isinstance(created, Literal) and created.datatype == XSD.date


@pytest.mark.parametrize("name", ALL_TERMS)
def test_term_declared_with_labels_and_definitions(name: str) -> None:
    graph = ontology_graph()
    term = ESS[name]
    expected_type = (
        OWL.Class
        if name in CLASSES
        else OWL.ObjectProperty
        if name in OBJECT_PROPERTIES
        else OWL.DatatypeProperty
    )
    assert (term, RDF.type, expected_type) in graph
    for predicate in (RDFS.label, SKOS.definition):
        for lang in ("fr", "en"):
            values = lang_values(graph, term, predicate, lang)
            assert len(values) == 1, f"{name}: {predicate} @{lang} -> {values}"
            assert values[0].strip(), f"{name}: empty {predicate} @{lang}"


def test_every_ess_term_used_anywhere_is_declared() -> None:
    """No typo'd ess: term in the ontology, the thesauri, the demo or the context."""
    declared = {
        s
        for s, o in ontology_graph().subject_objects(RDF.type)
        if o in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    }
    assert {ESS[n] for n in ALL_TERMS} <= declared
    used: set[URIRef] = set()
    for graph in (ontology_graph(), thesauri_graph(BASE), demo_graph()):
        for triple in graph:
            used |= {t for t in triple if isinstance(t, URIRef) and t.startswith(str(ESS))}
    for value in jsonld_context()["@context"].values():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and iri.startswith("ess:"):
            used.add(ESS[iri.removeprefix("ess:")])
    assert used - declared == set()


@pytest.mark.parametrize(("name", "superclass"), SUPERCLASSES)
def test_superclasses(name: str, superclass: URIRef) -> None:
    assert (ESS[name], RDFS.subClassOf, superclass) in ontology_graph()


def test_subproperties_and_inverses() -> None:
    graph = ontology_graph()
    assert (ESS.siren, RDFS.subPropertyOf, DCT.identifier) in graph
    assert (ESS.collectivityKind, RDFS.subPropertyOf, ORG.classification) in graph
    for a, b in (("hasPolicy", "policyOf"), ("implements", "implementedBy")):
        assert (ESS[a], OWL.inverseOf, ESS[b]) in graph or (ESS[b], OWL.inverseOf, ESS[a]) in graph
    assert (ESS.implementedBy, RDF.type, OWL.FunctionalProperty) in graph


@pytest.mark.parametrize("name", sorted(OBJECT_SIGNATURES))
def test_object_property_signature(name: str) -> None:
    graph = ontology_graph()
    domain, range_ = OBJECT_SIGNATURES[name]
    assert class_set(graph, graph.value(ESS[name], RDFS.domain)) == domain
    assert graph.value(ESS[name], RDFS.range) == range_


@pytest.mark.parametrize("name", sorted(DATATYPE_PROPERTIES))
def test_datatype_property_signature(name: str) -> None:
    graph = ontology_graph()
    assert class_set(graph, graph.value(ESS[name], RDFS.domain)) == DATATYPE_DOMAINS[name]
    assert graph.value(ESS[name], RDFS.range) == DATATYPE_PROPERTIES[name]


def test_alignments_are_close_matches_only() -> None:
    graph = ontology_graph()
    assert (ESS.siren, SKOS.closeMatch, WDT.P1616) in graph
    assert (ESS.cogCode, SKOS.closeMatch, WDT.P374) in graph
    assert (ESS.cogCode, SKOS.closeMatch, IGEO.codeINSEE) in graph
    assert (ESS.Practice, SKOS.closeMatch, ESSGLOBAL.SSEInitiative) in graph
    assert (ESS.Collectivity, SKOS.closeMatch, IGEO.Intercommunalite) in graph
    assert not list(graph.triples((None, OWL.sameAs, None)))
    assert not list(graph.triples((None, OWL.equivalentClass, None)))


def test_igeo_code_insee_is_never_asserted() -> None:
    """igeo:codeINSEE types its subject as a territory: never use it on our resources."""
    for graph in (ontology_graph(), thesauri_graph(BASE), demo_graph()):
        assert not list(graph.triples((None, IGEO.codeINSEE, None)))


# --------------------------------------------------------------------------------------------
# the thesauri
# --------------------------------------------------------------------------------------------


def test_thesauri_are_the_five_schemes() -> None:
    assert set(THESAURI) == set(SCHEMES)


@pytest.mark.parametrize("name", THESAURI)
def test_thesaurus_iris_follow_the_base(name: str) -> None:
    graph = scheme_graph(name)
    assert (scheme_iri(name), RDF.type, SKOS.ConceptScheme) in graph
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert subjects, name
    assert all(s.startswith(BASE) for s in subjects), sorted(subjects)
    text = thesaurus_turtle(name)
    assert not BASE_DIRECTIVE.search(text)
    assert f"{DEFAULT_BASE}id/" not in text, "absolute instance IRIs ignore the deployment base"


@pytest.mark.parametrize("name", THESAURI)
def test_scheme_description(name: str) -> None:
    graph = scheme_graph(name)
    scheme = scheme_iri(name)
    for predicate in (DCT.title, SKOS.prefLabel, SKOS.definition):
        for lang in ("fr", "en"):
            assert len(lang_values(graph, scheme, predicate, lang)) == 1, (predicate, lang)
    assert lang_values(graph, scheme, DCT.source, "fr")


@pytest.mark.parametrize("name", THESAURI)
def test_every_concept_is_complete(name: str) -> None:
    graph = scheme_graph(name)
    ess_class = SCHEMES[name][1]
    for concept in concepts(name):
        assert (concept, RDF.type, ess_class) in graph, concept
        assert list(graph.objects(concept, SKOS.inScheme)) == [scheme_iri(name)], concept
        notations = list(graph.objects(concept, SKOS.notation))
        assert len(notations) == 1, concept
        notation = notations[0]
        assert isinstance(notation, Literal)
        assert notation.datatype is None and notation.language is None, "plain string notation"
        assert concept == concept_iri(name, str(notation)), "IRI key is the notation"
        for predicate in (SKOS.prefLabel, SKOS.definition):
            for lang in ("fr", "en"):
                assert len(lang_values(graph, concept, predicate, lang)) == 1, (
                    concept,
                    predicate,
                    lang,
                )
        pref_langs = {o.language for o in graph.objects(concept, SKOS.prefLabel)}
        assert pref_langs == {"fr", "en"}, concept
        for alt in graph.objects(concept, SKOS.altLabel):
            assert isinstance(alt, Literal) and alt.language in ("fr", "en"), (concept, alt)


@pytest.mark.parametrize("name", THESAURI)
def test_hierarchy_matches_domain_tables(name: str) -> None:
    graph = scheme_graph(name)
    scheme = scheme_iri(name)
    expected = HIERARCHIES[name]
    all_notations = set(expected) | {c for kids in expected.values() for c in kids}
    assert {str(graph.value(c, SKOS.notation)) for c in concepts(name)} == all_notations
    tops = {concept_iri(name, n) for n in expected}
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == tops
    assert set(graph.subjects(SKOS.topConceptOf, scheme)) == tops
    for top, kids in expected.items():
        top_iri = concept_iri(name, top)
        assert graph.value(top_iri, SKOS.broader) is None, top
        assert set(graph.objects(top_iri, SKOS.narrower)) == {concept_iri(name, k) for k in kids}
        for kid in kids:
            kid_iri = concept_iri(name, kid)
            assert list(graph.objects(kid_iri, SKOS.broader)) == [top_iri], kid
            assert graph.value(kid_iri, SKOS.topConceptOf) is None, kid


def test_levers_top_concepts_and_l5_1() -> None:
    graph = scheme_graph("levers")
    tops = set(graph.objects(scheme_iri("levers"), SKOS.hasTopConcept))
    assert tops == {concept_iri("levers", f"L{i}") for i in range(1, 8)}
    assert (concept_iri("levers", "L5.1"), SKOS.broader, concept_iri("levers", "L5")) in graph
    assert (concept_iri("levers", "L5"), SKOS.narrower, concept_iri("levers", "L5.1")) in graph


def test_eighteen_regions_with_wikidata_items_only() -> None:
    graph = scheme_graph("regions")
    regions = concepts("regions")
    assert len(regions) == 18
    assert concept_iri("regions", "84") in regions
    assert lang_values(graph, concept_iri("regions", "84"), SKOS.prefLabel, "fr") == [
        "Auvergne-Rhône-Alpes"
    ]
    assert lang_values(graph, concept_iri("regions", "11"), SKOS.prefLabel, "fr") == [
        "Île-de-France"
    ]
    for region in regions:
        for target in graph.objects(region, SKOS.exactMatch):
            assert re.fullmatch(rf"{re.escape(str(WD))}Q[1-9][0-9]*", str(target)), target
    targets = list(graph.objects(None, SKOS.exactMatch))
    assert len(targets) == len(set(targets)), "one Wikidata item per region"
    assert not list(graph.triples((None, OWL.sameAs, None)))


def test_collectivity_kinds_notes_and_insee_codes() -> None:
    graph = scheme_graph("collectivity-kinds")
    hidden = {
        "metropole": "ME",
        "communaute-urbaine": "CU",
        "communaute-agglomeration": "CA",
    }
    for code, nature in hidden.items():
        assert Literal(nature) in set(
            graph.objects(concept_iri("collectivity-kinds", code), SKOS.hiddenLabel)
        )
    for code in (
        "metropole",
        "metropole-statut-particulier",
        "collectivite-statut-particulier",
        "communaute-urbaine",
        "ept",
    ):
        note = lang_values(graph, concept_iri("collectivity-kinds", code), SKOS.scopeNote, "fr")
        assert note, code


@pytest.mark.parametrize("name", THESAURI)
def test_labels_are_unambiguous_within_a_scheme(name: str) -> None:
    """After folding case and accents, a label (pref, alt or hidden) names one concept only."""
    graph = scheme_graph(name)
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for concept in concepts(name):
        labels = set()
        for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, predicate):
                labels.add(normalise(str(label)))
        for key in labels:
            owners[key].add(concept)
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


@pytest.mark.parametrize("name", THESAURI)
def test_skos_label_disjointness(name: str) -> None:
    """SKOS S13/S14: pref, alt and hidden labels of a concept are pairwise disjoint."""
    graph = scheme_graph(name)
    for concept in concepts(name):
        pref = set(graph.objects(concept, SKOS.prefLabel))
        alt = set(graph.objects(concept, SKOS.altLabel))
        hidden = set(graph.objects(concept, SKOS.hiddenLabel))
        assert not (pref & alt or pref & hidden or alt & hidden), concept


@pytest.mark.parametrize(("label", "target"), sorted(SURVEY_OPTION_LABELS.items()))
def test_survey_option_label_reconciles(label: str, target: tuple[str, str]) -> None:
    name, notation = target
    graph = scheme_graph(name)
    literal = Literal(label, lang="fr")
    found = set(graph.subjects(SKOS.prefLabel, literal)) | set(
        graph.subjects(SKOS.altLabel, literal)
    )
    assert found == {concept_iri(name, notation)}


def test_broad_survey_labels_carry_an_editorial_note() -> None:
    """Labels put on a broader concept (or a catch-all) say why."""
    for name, notation in {("levers", "L2"), ("levers", "L5"), ("themes", "T5"), ("modes", "M2")}:
        graph = scheme_graph(name)
        concept = concept_iri(name, notation)
        assert lang_values(graph, concept, SKOS.editorialNote, "fr"), concept
        assert lang_values(graph, concept, SKOS.editorialNote, "en"), concept


def test_sample_files_use_no_unlisted_option_label() -> None:
    """The option labels read from the sample exports' headers are all in the list above."""
    workbook = openpyxl.load_workbook(SURVEYMONKEY, read_only=True)
    sheet = workbook.worksheets[0]
    questions, options = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    workbook.close()
    question = None
    seen: set[str] = set()
    for head, option in zip(questions, options, strict=True):
        question = head or question
        if question and (question.startswith("Quels leviers") or question.startswith("Champs")):
            seen.add(str(option))
    with GOOGLE_FORMS.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1:]
    for column in header:
        match = re.fullmatch(r"Niveau de priorité \[(.+)\]", column)
        if match:
            seen.add(match.group(1))
    kind_column = header.index("Type de collectivité")
    seen |= {row[kind_column] for row in data}
    assert seen - NOT_CONCEPTS <= set(SURVEY_OPTION_LABELS)
    assert len(seen) > 15, "the headers were not read"


# --------------------------------------------------------------------------------------------
# the JSON-LD context
# --------------------------------------------------------------------------------------------


def test_context_document_shape() -> None:
    raw = resources.files(ontology).joinpath("context.jsonld").read_text(encoding="utf-8")
    document = json.loads(raw)
    assert list(document) == ["@context"], "a context document holds no data"
    context = document["@context"]
    assert context["@version"] == 1.1
    assert context["id"] == "@id" and context["type"] == "@type"
    assert context["ess"] == str(ESS)
    for prefix, iri in PREFIXES.items():
        if prefix in context:
            assert context[prefix] == iri, prefix
    assert jsonld_context() == document
    assert re.fullmatch(r"\d+\.\d+\.\d+", CONTEXT_VERSION)


def test_context_covers_every_ess_term() -> None:
    context = jsonld_context()["@context"]
    mapped = set()
    for key, value in context.items():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and iri.startswith("ess:"):
            mapped.add(iri.removeprefix("ess:"))
            assert key == iri.removeprefix("ess:"), "short keys are the ess: local names"
    assert set(ALL_TERMS) <= mapped


@pytest.mark.filterwarnings(JSONLD_DEPRECATION)
def test_context_expands_a_practice() -> None:
    context = jsonld_context()["@context"]
    base = "https://w3id.org/essgraph/id/"
    document = {
        "@context": context,
        "id": f"{base}practice/200012342/ptce-des-rives",
        "type": "Practice",
        "title": {"fr": "PTCE des Rives"},
        "description": {"fr": "Animation et locaux mutualisés."},
        "implementedBy": f"{base}collectivity/200012342",
        "usesLever": [f"{base}lever/L3.1"],
        "addressesTheme": [f"{base}theme/T1.1"],
        "hasPartner": [f"{base}partner/cress", f"{base}partner/france-active"],
        "startYear": "2016",
        "dedicatedBudget": "250000",
        "amountIsApproximate": False,
        "wasDerivedFrom": [f"{base}response/demo-2021/1"],
        "qualifiedDerivation": [
            {
                "type": "Derivation",
                "entity": f"{base}response/demo-2021/1",
                "forProperty": "dedicatedBudget",
                "sourceColumn": "Action 1 - Budget",
                "sourceRow": 1,
                "rawValue": "250 000 €",
            }
        ],
    }
    expected = """
        @prefix ess: <https://w3id.org/essgraph/ontology#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @base <https://w3id.org/essgraph/id/> .
        <practice/200012342/ptce-des-rives> a ess:Practice ;
            dct:title "PTCE des Rives"@fr ;
            dct:description "Animation et locaux mutualisés."@fr ;
            ess:implementedBy <collectivity/200012342> ;
            ess:usesLever <lever/L3.1> ;
            ess:addressesTheme <theme/T1.1> ;
            ess:hasPartner <partner/cress> , <partner/france-active> ;
            ess:startYear "2016"^^xsd:gYear ;
            ess:dedicatedBudget "250000"^^xsd:decimal ;
            ess:amountIsApproximate false ;
            prov:wasDerivedFrom <response/demo-2021/1> ;
            prov:qualifiedDerivation [
                a prov:Derivation ;
                prov:entity <response/demo-2021/1> ;
                ess:forProperty ess:dedicatedBudget ;
                ess:sourceColumn "Action 1 - Budget" ;
                ess:sourceRow 1 ;
                ess:rawValue "250 000 €" ] .
    """
    parsed = Graph().parse(data=json.dumps(document), format="json-ld")
    assert isomorphic(parsed, Graph().parse(data=expected, format="turtle"))


@pytest.mark.filterwarnings(JSONLD_DEPRECATION)
def test_context_round_trips_demo_and_thesauri() -> None:
    """What the API publishes (rdflib's compaction with this context) reads back unchanged."""
    graph = Graph()
    graph += demo_graph()
    graph += thesauri_graph(BASE)
    text = graph.serialize(format="json-ld", context=jsonld_context()["@context"])
    assert isomorphic(Graph().parse(data=text, format="json-ld"), graph)


# --------------------------------------------------------------------------------------------
# the demo dataset
# --------------------------------------------------------------------------------------------


def test_demo_is_labelled_fictional_and_relative() -> None:
    text = demo_turtle()
    assert "FICTIVES" in text and "FICTIONAL" in text
    assert not BASE_DIRECTIVE.search(text) and f"{DEFAULT_BASE}id/" not in text
    subjects = {s for s in demo_graph().subjects() if isinstance(s, URIRef)}
    assert all(s.startswith(BASE) for s in subjects)


def test_demo_collectivities() -> None:
    graph = demo_graph()
    collectivities = set(graph.subjects(RDF.type, ESS.Collectivity))
    assert len(collectivities) == 6
    sirens = {str(graph.value(c, ESS.siren)) for c in collectivities if graph.value(c, ESS.siren)}
    assert sirens == {"200012342", "219901238", "240098764", "200077113", "219904562"}
    assert all(re.fullmatch(r"\d{9}", s) and luhn_ok(s) for s in sirens)
    assert not luhn_ok("240055443"), "the sample's bad SIREN really is bad"
    assert (None, ESS.siren, Literal("240055443")) not in graph
    for collectivity in collectivities:
        siren = graph.value(collectivity, ESS.siren)
        key = str(siren) if siren else "communaute-urbaine-de-montferrand-sur-aure"
        assert collectivity == URIRef(f"{BASE}id/collectivity/{key}")
        assert len(lang_values(graph, collectivity, SKOS.prefLabel, "fr")) == 1
        assert graph.value(collectivity, ESS.collectivityKind) is not None
        assert graph.value(collectivity, ESS.region) is not None
        policy = URIRef(f"{BASE}id/policy/{key}/2020")
        assert (policy, ESS.policyOf, collectivity) in graph
        assert graph.value(policy, ESS.referenceYear) == Literal("2020", datatype=XSD.gYear)
        delegation = graph.value(policy, ESS.hasEssDelegation)
        assert delegation is not None
        post = graph.value(policy, ESS.electedOfficialPost)
        if delegation.toPython():
            assert post == URIRef(f"{BASE}id/post/{key}/ess")
            assert (post, ORG.postIn, collectivity) in graph
            assert lang_values(graph, post, ESS.delegationTitle, "fr")
        else:
            assert post is None


def test_demo_practices() -> None:
    graph = demo_graph()
    practices = set(graph.subjects(RDF.type, ESS.Practice))
    assert len(practices) >= 6
    for practice in practices:
        implementers = list(graph.objects(practice, ESS.implementedBy))
        assert len(implementers) == 1, practice
        assert (implementers[0], RDF.type, ESS.Collectivity) in graph
        assert lang_values(graph, practice, DCT.title, "fr")
        assert lang_values(graph, practice, DCT.description, "fr")
        assert list(graph.objects(practice, ESS.usesLever)), practice
        assert list(graph.objects(practice, ESS.addressesTheme)), practice
        for partner in graph.objects(practice, ESS.hasPartner):
            assert (partner, RDF.type, ESS.Partner) in graph
            assert lang_values(graph, partner, SKOS.prefLabel, "fr"), partner
    used = {
        str(lever).rsplit("/", 1)[1] for p in practices for lever in graph.objects(p, ESS.usesLever)
    }
    assert {"L3.1", "L5.2"} <= used, "narrower levers where the sample text is clear"


def test_demo_references_existing_concepts() -> None:
    graph = demo_graph()
    thesauri = thesauri_graph(BASE)
    expected = {
        ESS.usesLever: ESS.Lever,
        ESS.addressesTheme: ESS.TransitionTheme,
        ESS.priorityTheme: ESS.TransitionTheme,
        ESS.modeOfAction: ESS.ModeOfAction,
        ESS.collectivityKind: ESS.CollectivityKind,
        ESS.region: ESS.Region,
    }
    for predicate, concept_class in expected.items():
        for target in graph.objects(None, predicate):
            assert (target, RDF.type, concept_class) in thesauri, (predicate, target)


def test_demo_respects_domains_and_ranges() -> None:
    """A light check of every ess: triple against the ontology's rdfs:domain and rdfs:range."""
    onto = ontology_graph()
    graph = demo_graph()
    types = Graph()
    types += graph
    types += thesauri_graph(BASE)
    for s, p, o in graph:
        if not p.startswith(str(ESS)):
            continue
        domain = class_set(onto, onto.value(p, RDFS.domain))
        assert domain & set(types.objects(s, RDF.type)), (s, p)
        range_ = onto.value(p, RDFS.range)
        if (p, RDF.type, OWL.DatatypeProperty) in onto:
            assert isinstance(o, Literal), (s, p, o)
            if range_ == RDF.langString:
                assert o.language == "fr", (s, p, o)
            else:
                assert o.datatype == range_ or (o.datatype is None and range_ == XSD.string), (
                    s,
                    p,
                    o,
                )
        elif range_ == RDF.Property:
            assert (o, RDF.type, OWL.DatatypeProperty) in onto or (
                o,
                RDF.type,
                OWL.ObjectProperty,
            ) in onto
        else:
            assert (o, RDF.type, range_) in types, (s, p, o)


def test_demo_provenance() -> None:
    graph = demo_graph()
    source = URIRef(f"{BASE}id/source/demo-2021")
    survey = URIRef(f"{BASE}id/survey/avise-rtes-france-urbaine-2021")
    assert (survey, RDF.type, ESS.Survey) in graph
    assert (source, RDF.type, ESS.SourceFile) in graph
    assert graph.value(source, DCT.title) == Literal("demo-2021.ttl")
    assert graph.value(source, ESS.profile) == Literal("hand-written")
    checksum = str(graph.value(source, ESS.checksum))
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", checksum)
    assert checksum == "sha256:" + hashlib.sha256(GOOGLE_FORMS.read_bytes()).hexdigest()
    generated = graph.value(source, PROV.generatedAtTime)
    assert isinstance(generated, Literal) and generated.datatype == XSD.dateTime

    responses = set(graph.subjects(RDF.type, ESS.SurveyResponse))
    assert len(responses) == 6
    respondents = set()
    for response in responses:
        row = graph.value(response, ESS.sourceRow)
        response_id = graph.value(response, ESS.responseId)
        assert response == URIRef(f"{BASE}id/response/demo-2021/{response_id}")
        assert isinstance(row, Literal) and row.datatype == XSD.integer and row.toPython() >= 1
        assert graph.value(response, PROV.wasGeneratedBy) == survey
        assert graph.value(response, PROV.hadPrimarySource) == source
        assert graph.value(response, ESS.isComplete) is not None
        issued = graph.value(response, DCT.issued)
        assert isinstance(issued, Literal) and issued.datatype == XSD.dateTime
        respondents.add(graph.value(response, ESS.respondent))
    assert respondents == set(graph.subjects(RDF.type, ESS.Collectivity))

    for cls in (ESS.Collectivity, ESS.EssPolicy, ESS.ElectedOfficialPost, ESS.Practice):
        for resource in graph.subjects(RDF.type, cls):
            origins = set(graph.objects(resource, PROV.wasDerivedFrom))
            assert origins and origins <= responses, resource


def test_demo_field_level_provenance_quotes_the_sample_cells() -> None:
    graph = demo_graph()
    with GOOGLE_FORMS.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    derivations = list(graph.subject_objects(PROV.qualifiedDerivation))
    assert len(derivations) >= 5
    for subject, derivation in derivations:
        assert (derivation, RDF.type, PROV.Derivation) in graph
        response = graph.value(derivation, PROV.entity)
        assert response in set(graph.objects(subject, PROV.wasDerivedFrom)), subject
        prop = graph.value(derivation, ESS.forProperty)
        assert (subject, prop, None) in graph, (subject, prop)
        row = graph.value(derivation, ESS.sourceRow).toPython()
        assert row == graph.value(response, ESS.sourceRow).toPython()
        column = str(graph.value(derivation, ESS.sourceColumn))
        assert rows[row - 1][column] == str(graph.value(derivation, ESS.rawValue)), (row, column)
