"""Curated "adapted from" links as data: the records, how they are typed, read and written.

A link is typed as an :class:`Entry` (command line or a row of a CSV file), parsed into an
:class:`Adaptation`, and stored in the public graph ``graph/curated/adaptations`` as
``<practice> ess:adaptedFrom <source>`` plus a PROV qualified influence whose IRI is derived
from the two practices (``{BASE}id/adaptation/{hash}``), so the same links always give the
same graph::

    <practice> ess:adaptedFrom <source> ; prov:qualifiedInfluence <id/adaptation/…> .
    <id/adaptation/…> a ess:Adaptation, prov:Influence ; prov:influencer <source> ;
        dct:creator "curator" ; dct:created "2026-11-20"^^xsd:date ; rdfs:comment "note"@fr .
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from ingest.errors import IngestError
from store import Store

ESS = Namespace("https://w3id.org/essgraph/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
#: The named graph's name (``{BASE}graph/curated/adaptations``): public, curator-owned.
GRAPH_NAME = "curated/adaptations"
#: The columns of an adaptations file, in the order `export` writes them.
COLUMNS = ("practice", "source", "curator", "note", "date")
REQUIRED = ("practice", "source", "curator")
_KEY = re.compile(r"^[A-Za-z0-9._~%-]+(/[A-Za-z0-9._~%-]+)*$")
_IRI = re.compile(r'^https?://[^\s<>"{}|\\^`]+$')
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PREFIXES = (
    f"PREFIX ess: <{ESS}>\nPREFIX prov: <{PROV}>\nPREFIX dct: <{DCT}>\nPREFIX rdfs: <{RDFS}>\n"
)


@dataclass(frozen=True)
class Adaptation:
    """One curated link: ``practice`` was adapted from ``source``, recorded by ``curator``."""

    practice: URIRef
    source: URIRef
    curator: str
    created: date
    note: str = ""

    @property
    def link(self) -> tuple[URIRef, URIRef]:
        return (self.practice, self.source)


@dataclass(frozen=True)
class Entry:
    """One requested link as typed (command line or file row), before any check."""

    practice: str
    source: str
    curator: str
    note: str = ""
    created: str = ""
    file: str | None = None
    row: int | None = None


class CurationRejected(Exception):
    """The change was refused: every problem found, each in French and English."""

    def __init__(self, errors: Sequence[IngestError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(e.message_en for e in self.errors))


def graph_iri(store: Store) -> URIRef:
    return store.graph_iri(GRAPH_NAME)


def adaptation_iri(base: str, practice: URIRef, source: URIRef) -> URIRef:
    """``{BASE}id/adaptation/{hash}``: the same two practices always give the same IRI, on
    any deployment (the hash is of the IRIs relative to the base)."""
    text = f"{practice.removeprefix(base)}\n{source.removeprefix(base)}"
    return URIRef(f"{base}id/adaptation/{hashlib.sha256(text.encode()).hexdigest()[:16]}")


def practice_key(base: str, iri: URIRef) -> str:
    """The short form a curator types: ``200012342/ptce-des-rives`` (else the full IRI)."""
    prefix = f"{base}id/practice/"
    return iri[len(prefix) :] if iri.startswith(prefix) else str(iri)


def located_error(code: str, fr: str, en: str, entry: Entry, column: str | None) -> IngestError:
    return IngestError(code, fr, en, file=entry.file, row=entry.row, column=column)


def _practice(base: str, text: str, entry: Entry, column: str) -> URIRef | IngestError:
    """A practice named by its key (``200012342/ptce``, ``id/practice/…``) or its full IRI."""
    text = text.strip()
    if not text:
        return located_error(
            "missing-value", "pratique non indiquée", "no practice given", entry, column
        )
    if text.startswith(("http://", "https://")):
        if _IRI.match(text):
            return URIRef(text)
    else:
        key = text.strip("/").removeprefix("id/practice/")
        if _KEY.match(key):
            return URIRef(f"{base}id/practice/{key}")
    return located_error(
        "bad-practice-reference",
        f"« {text} » n'est ni une clé de pratique (collectivité/titre) ni une IRI",
        f'"{text}" is neither a practice key (collectivity/title) nor an IRI',
        entry,
        column,
    )


def _date(text: str, entry: Entry, today: date) -> date | IngestError:
    text = text.strip()
    if not text:
        return today
    try:
        value = date.fromisoformat(text) if _DATE.match(text) else None
    except ValueError:
        value = None
    if value is None:
        return located_error(
            "bad-date",
            f"date invalide « {text} » : attendu AAAA-MM-JJ",
            f'invalid date "{text}": expected YYYY-MM-DD',
            entry,
            "date",
        )
    if value > today:
        return located_error(
            "future-date",
            f"la date {text} est dans le futur",
            f"the date {text} is in the future",
            entry,
            "date",
        )
    return value


def parse(base: str, entries: Iterable[Entry], *, today: date | None = None) -> list[Adaptation]:
    """Entries → adaptations, or CurationRejected with every error of every entry."""
    today = today or datetime.now(UTC).date()
    found: list[Adaptation] = []
    errors: list[IngestError] = []
    for entry in entries:
        practice = _practice(base, entry.practice, entry, "practice")
        source = _practice(base, entry.source, entry, "source")
        created = _date(entry.created, entry, today)
        curator = " ".join(entry.curator.split())
        if not curator:
            errors.append(
                located_error(
                    "missing-curator",
                    "personne qui relève le lien non indiquée",
                    "no curator given",
                    entry,
                    "curator",
                )
            )
        errors.extend(x for x in (practice, source, created) if isinstance(x, IngestError))
        if (
            isinstance(practice, URIRef)
            and isinstance(source, URIRef)
            and isinstance(created, date)
            and curator
        ):
            found.append(Adaptation(practice, source, curator, created, entry.note.strip()))
    if errors:
        raise CurationRejected(errors)
    return found


def read_csv(path: Path) -> list[Entry]:
    """The rows of an adaptations file (UTF-8, BOM or not; header row required; comma,
    semicolon or tab). Rows are numbered as lines of the file (the header is line 1)."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CurationRejected(
            [IngestError("no-file", "fichier introuvable", "file not found", file=str(path))]
        ) from exc
    except OSError as exc:
        raise CurationRejected(
            [
                IngestError(
                    "unreadable",
                    f"lecture impossible ({exc.strerror})",
                    f"cannot read ({exc.strerror})",
                    file=name,
                )
            ]
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CurationRejected(
            [
                IngestError(
                    "not-utf8",
                    "le fichier n'est pas en UTF-8",
                    "the file is not UTF-8",
                    file=name,
                    row=line,
                )
            ]
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    problems = []
    if not any(header):
        problems.append(
            IngestError(
                "empty-file",
                "fichier vide ou sans en-tête",
                "empty file or no header row",
                file=name,
                row=1,
            )
        )
    else:
        for column in header:
            if column not in COLUMNS:
                problems.append(
                    IngestError(
                        "unknown-column",
                        f"colonne inconnue (colonnes : {', '.join(COLUMNS)})",
                        f"unknown column (columns: {', '.join(COLUMNS)})",
                        file=name,
                        row=1,
                        column=column,
                    )
                )
        for column in REQUIRED:
            if column not in header:
                problems.append(
                    IngestError(
                        "missing-column",
                        "colonne obligatoire absente de l'en-tête",
                        "required column missing from the header",
                        file=name,
                        row=1,
                        column=column,
                    )
                )
    if problems:
        raise CurationRejected(problems)
    entries = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        values = dict(zip(header, cells, strict=False))
        entries.append(
            Entry(
                values.get("practice", ""),
                values.get("source", ""),
                values.get("curator", ""),
                values.get("note", ""),
                values.get("date", ""),
                file=name,
                row=reader.line_num,
            )
        )
    return entries


def current(store: Store) -> list[Adaptation]:
    """The links of the curated graph now, with their records, in a stable order."""
    rows = store.select(
        PREFIXES
        + """SELECT ?practice ?source ?curator ?date ?note WHERE {
  GRAPH ?g { ?practice ess:adaptedFrom ?source .
    OPTIONAL { ?practice prov:qualifiedInfluence ?a . ?a prov:influencer ?source .
      OPTIONAL { ?a dct:creator ?curator } OPTIONAL { ?a dct:created ?date }
      OPTIONAL { ?a rdfs:comment ?note } } }
}""",
        {"g": graph_iri(store)},
    )
    found = {}
    for row in rows:
        practice, source = URIRef(str(row["practice"])), URIRef(str(row["source"]))
        when = row.get("date")
        created = when.toPython() if isinstance(when, Literal) else None
        found[(practice, source)] = Adaptation(
            practice,
            source,
            str(row.get("curator", "")),
            created if isinstance(created, date) else date.min,
            str(row.get("note", "")),
        )
    return sorted(found.values(), key=lambda a: (str(a.practice), str(a.source)))


def build_graph(base: str, adaptations: Iterable[Adaptation]) -> Graph:
    """The curated graph holding exactly these links and their records."""
    graph = Graph()
    for item in adaptations:
        record = adaptation_iri(base, item.practice, item.source)
        graph.add((item.practice, ESS.adaptedFrom, item.source))
        graph.add((item.practice, PROV.qualifiedInfluence, record))
        graph.add((record, RDF.type, ESS.Adaptation))
        graph.add((record, RDF.type, PROV.Influence))
        graph.add((record, PROV.influencer, item.source))
        graph.add((record, DCT.creator, Literal(item.curator)))
        graph.add((record, DCT.created, Literal(item.created.isoformat(), datatype=XSD.date)))
        if item.note:
            graph.add((record, RDFS.comment, Literal(item.note, lang="fr")))
    return graph
