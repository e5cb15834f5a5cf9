"""RDF building from hand-built response records: IRIs, facts, provenance, accounting."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from ingest.build import FileBuilder, SourceContext
from ingest.dedup import deduplicate
from ingest.errors import IngestError
from ingest.reconcile import reconciler
from ingest.records import (
    Amount,
    Answer,
    Cell,
    CellRef,
    Choice,
    PracticeRecord,
    ResponseRecord,
    Siren,
    SourceInfo,
    Staff,
    Year,
)
from ontology import ESS, SCHEMA
from shapes import validate

BASE = "https://w3id.org/essgraph/"
FILE = "hand.csv"


def cell(row: int, index: int, column: str, raw: str) -> Cell:
    letter = chr(ord("A") + index - 1)
    return Cell(CellRef(FILE, row, column, index, letter), raw)


class Row:
    """Builds a record cell by cell, like a reader would."""

    def __init__(self, response_id: str, row: int, submitted: datetime | None, complete: bool):
        self.record = ResponseRecord(
            source_id="hand",
            response_id=response_id,
            row=row,
            submitted=submitted,
            completeness="complete" if complete else "incomplete",
        )
        self.index = 0

    def cells(self, *pairs: tuple[str, str]) -> list[Cell]:
        out = []
        for column, raw in pairs:
            self.index += 1
            out.append(cell(self.record.row, self.index, column, raw))
        return out

    def answer(self, name: str, value: object, *pairs: tuple[str, str], **kw: object) -> Row:
        self.record.answers[name] = Answer(name, value, self.cells(*pairs), **kw)  # type: ignore[arg-type]
        return self

    def practice(self, slot: int, **fields: tuple[object, str, str]) -> Row:
        record = PracticeRecord(slot)
        for name, (value, column, raw) in fields.items():
            record.answers[name] = Answer(name, value, self.cells((column, raw)))  # type: ignore[arg-type]
        self.record.practices.append(record)
        return self

    def unmapped(self, column: str, raw: str) -> Row:
        self.record.unmapped.extend(self.cells((column, raw)))
        return self


def bellerive(response_id: str = "3", row: int = 2, name: str = "Métropole de Bellerive") -> Row:
    r = Row(response_id, row, datetime(2020, 12, 14, 9, 41, 55), True)
    r.answer("collectivity_name", name, ("COLNOM", name))
    r.answer("collectivity_kind", Choice("Métropole", code="M1"), ("COLTYPE", "M1"))
    r.answer("siren", Siren("200012342", "200012342"), ("COLSIREN", "200 012 342"))
    r.answer("contact_name", "Camille Dupuis", ("CONTACT[NOM]", "Camille Dupuis"))
    r.answer("contact_email", "c.dupuis@example.org", ("CONTACT[MAIL]", "c.dupuis@example.org"))
    r.answer("has_delegation", True, ("ELUESS", "Y"))
    r.answer("delegation_title", "Vice-présidente ESS", ("ELUDELEG", "Vice-présidente ESS"))
    r.answer(
        "budget",
        Amount(Decimal(1500000)),
        ("BUDGETESS", "1,5 M€"),
    )
    r.answer("staff", Staff(Decimal("3.5")), ("ETPESS", "3,5"))
    r.answer(
        "levers",
        [
            Choice("Subventions et appels à projets", code="SQ001"),
            Choice("Co-construction des politiques publiques", code="SQ007"),
            Choice("Mise à disposition d'un jardin partagé", other=True),
        ],
        ("LEVIERS[SQ001]", "Y"),
        ("LEVIERS[SQ007]", "Y"),
        ("LEVIERS[other]", "Mise à disposition d'un jardin partagé"),
        scheme="levers",
    )
    r.answer(
        "themes",
        [
            Choice("Alimentation durable", code="SQ001"),
            Choice("IAE (insertion par l'activité économique)", code="SQ005"),
        ],
        ("THEMES[SQ001]", "Y"),
        ("THEMES[SQ005]", "Y"),
        scheme="themes",
    )
    r.answer(
        "priorities",
        [Choice("Économie circulaire et réemploi", code="A02", rank=1)],
        ("PRIO[1]", "A02"),
        scheme="themes",
    )
    r.practice(
        1,
        title=("PTCE des Rives", "ACT1TIT", "PTCE des Rives"),
        description=(
            "Animation,\nlocaux mutualisés.",
            "ACT1DESC",
            "Animation,\nlocaux mutualisés.",
        ),
        start_year=(Year(2016), "ACT1AN", "depuis 2016"),
        partners=(["CRESS", "France Active"], "ACT1PART", "CRESS ; France Active"),
        budget=(Amount(Decimal(250000)), "ACT1BUDG", "250 000 €"),
    )
    r.practice(2, title=("Sans description", "ACT2TIT", "Sans description"))
    r.unmapped("seed", "1736592")
    return r


def build(*rows: Row, cells: int | None = None) -> tuple[Graph, Graph, object]:
    records = [r.record for r in rows]
    total = sum(r.cell_count() for r in records) if cells is None else cells
    info = SourceInfo(
        "hand", FILE, "sha256:" + "0" * 64, "hand-profile", datetime(2026, 1, 1), total
    )
    context = SourceContext(info, "test-survey", "Enquête de test", 2020)
    roles = deduplicate([records])
    builder = FileBuilder(context, reconciler(BASE))
    for record in records:
        builder.add(record, roles.get((record.source_id, record.response_id)))
    done = builder.finish()
    return done.public, done.private, done.report


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def test_collectivity_policy_practice_and_provenance() -> None:
    public, private, report = build(bellerive())
    coll = iri("id/collectivity/200012342")
    policy = iri("id/policy/200012342/2020")
    assert (coll, RDF.type, ESS.Collectivity) in public
    assert (coll, SKOS.prefLabel, Literal("Métropole de Bellerive", lang="fr")) in public
    assert (coll, ESS.siren, Literal("200012342")) in public
    assert (coll, ESS.collectivityKind, iri("id/collectivity-kind/metropole")) in public
    assert (policy, ESS.dedicatedBudget, Literal("1500000", datatype=XSD.decimal)) in public
    assert (policy, ESS.dedicatedStaff, Literal("3.5", datatype=XSD.decimal)) in public
    assert (policy, ESS.hasEssDelegation, Literal(True)) in public
    assert (policy, ESS.usesLever, iri("id/lever/L2")) in public
    assert (policy, ESS.modeOfAction, iri("id/mode/M2")) in public  # levers question → mode
    assert (policy, ESS.addressesTheme, iri("id/theme/T1.2")) in public
    assert (policy, ESS.priorityTheme, iri("id/theme/T3.1")) in public
    post = iri("id/post/200012342/ess")
    assert (policy, ESS.electedOfficialPost, post) in public
    practice = iri("id/practice/200012342/ptce-des-rives")
    assert (
        practice,
        DCTERMS.description,
        Literal("Animation,\nlocaux mutualisés.", lang="fr"),
    ) in public
    assert (practice, ESS.startYear, Literal("2016", datatype=XSD.gYear)) in public
    assert (practice, ESS.hasPartner, iri("id/partner/france-active")) in public
    assert (practice, ESS.usesLever, iri("id/lever/L2")) in public  # from the response
    response = iri("id/response/hand/3")
    for subject in (coll, policy, post, practice):
        assert (subject, PROV.wasDerivedFrom, response) in public
    # field-level provenance: the budget's cell, column and raw text
    found = public.query(
        """PREFIX ess: <https://w3id.org/essgraph/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?raw ?col WHERE { ?p prov:qualifiedDerivation ?d .
        ?d ess:forProperty ess:dedicatedBudget ;
        ess:rawValue ?raw ; ess:sourceColumn ?col ; prov:entity ?r }""",
        initBindings={"p": policy, "r": response},
    )
    assert {(str(a), str(b)) for a, b in found} == {("1,5 M€", "BUDGETESS")}  # type: ignore[misc]
    # the unmatched "other" lever is a raw answer with suggestions, queued
    unmatched = [e for r in report.responses for e in r.entries if e.kind == "unmatched"]
    assert [e.raw for e in unmatched] == ["Mise à disposition d'un jardin partagé"]
    assert len(unmatched[0].suggestions) == 3
    assert unmatched[0].suggestions[0]["score"] >= unmatched[0].suggestions[-1]["score"]
    raw = iri("id/response/hand/3/cell/L")
    assert (raw, RDF.type, ESS.RawAnswer) in public
    # a practice without description stays a raw answer
    assert not list(public.triples((iri("id/practice/200012342/sans-description"), None, None)))
    # personal data is private only
    assert "example.org" not in public.serialize(format="nt")
    assert "Dupuis" not in public.serialize(format="nt")
    person = iri("id/response/hand/3/respondent")
    assert (person, SCHEMA.email, Literal("c.dupuis@example.org")) in private
    # every cell accounted for
    assert report.accounted_cells == report.non_empty_cells
    assert validate(public, base=BASE).conforms


def test_rebuild_is_isomorphic() -> None:
    first, private1, _ = build(bellerive())
    second, private2, _ = build(bellerive())
    assert isomorphic(first, second) and isomorphic(private1, private2)


def test_cell_count_mismatch_is_an_error() -> None:
    with pytest.raises(IngestError) as caught:
        build(bellerive(), cells=999)
    assert caught.value.code == "cell-count-mismatch"


def test_superseded_response_is_provenance_only() -> None:
    old = bellerive("1", 2, "Bellerive Métropole")
    old.record.submitted = datetime(2020, 1, 1)
    new = bellerive("2", 3)
    public, _private, report = build(old, new)
    coll = iri("id/collectivity/200012342")
    assert list(public.objects(coll, SKOS.prefLabel)) == [
        Literal("Métropole de Bellerive", lang="fr")
    ]
    assert (coll, SKOS.altLabel, Literal("Bellerive Métropole", lang="fr")) in public
    assert (iri("id/response/hand/1"), ESS.supersededBy, iri("id/response/hand/2")) in public
    assert len(set(public.objects(iri("id/policy/200012342/2020"), ESS.dedicatedBudget))) == 1
    first = report.responses[0]
    assert not first.kept and first.superseded_by == str(iri("id/response/hand/2"))
    assert validate(public, base=BASE).conforms
