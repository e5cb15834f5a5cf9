"""Response records → RDF: the public source graph and the private graph of one file.

The graphs are written as N-Triples text while they are built (``ingest.ntriples``), the
form the store and the SHACL engine read; rdflib graphs are only parsed on demand.
IRIs are deterministic (``ingest.keys``); blank nodes are only used for qualified
derivations, labelled by a per-file counter, so a re-ingest writes the same text. Nothing
depends on the clock: ``prov:generatedAtTime`` of a source file is the latest submission
date it holds (the export was generated after it), or, for a file without dates, the
reader's time (then re-ingests differ by that one literal only). Every non-empty cell ends in
exactly one account: ``mapped`` (it backs a stated fact, with a qualified derivation) or
``raw`` (an ``ess:RawAnswer``); personal cells go to the private graph only.
"""

from __future__ import annotations

from datetime import datetime

from rdflib import URIRef

from ingest import vocabulary_nt as V
from ingest.build_cells import (
    PERSONAL_FIELDS,
    FileBuild,
    SourceContext,
)
from ingest.build_response import ResponseBuilder
from ingest.dedup import Role
from ingest.keys import Iris
from ingest.ntriples import (
    NTriplesError,
    TripleWriter,
    date_time,
    literal,
)
from ingest.reconcile import Reconciler
from ingest.records import (
    ResponseRecord,
)
from ingest.report import FileReport, ResponseReport


class FileBuilder:
    """Builds the graphs of one file, response by response."""

    def __init__(self, context: SourceContext, reconciler: Reconciler) -> None:
        self.context = context
        self.reconciler = reconciler
        self.iris = Iris(reconciler.base)
        info = context.info
        self.public = TripleWriter.for_source(info.source_id, "d")
        self.private = TripleWriter.for_source(info.source_id, "p")
        self.origins: dict[URIRef, ResponseReport] = {}
        self.collectivities: set[URIRef] = set()
        self.practice_keys: dict[URIRef, set[str]] = {}
        self.partners: dict[URIRef, set[str]] = {}
        self._plain: dict[str, str] = {}
        self.survey = self.iris.survey(context.survey_id)
        self.source = self.iris.source(info.source_id)
        self.latest: datetime | None = None
        self.report = FileReport(
            file=info.file_name,
            source_id=info.source_id,
            profile=info.profile,
            checksum=info.checksum,
            graph=str(self.iris.source_graph(info.source_id)),
            private_graph=str(self.iris.private_graph(info.source_id)),
            non_empty_cells=info.non_empty_cells,
        )
        self.data_rows = 0
        self.record_cells = 0

    def plain(self, text: str) -> str:
        """A plain literal's N-Triples form, cached (column headers and flags repeat)."""
        nt = self._plain.get(text)
        if nt is None:
            nt = self._plain[text] = literal(text).nt
        return nt

    def add(self, record: ResponseRecord, role: Role | None) -> ResponseReport:
        self.data_rows += 1
        try:
            builder = ResponseBuilder(self, record, self.data_rows, role)
            builder.build()
        except NTriplesError as error:  # an IRI made from the file that RDF cannot hold
            from ingest.errors import IngestError

            raise IngestError(
                "unwritable-term",
                f"réponse impossible à écrire en RDF : {error}",
                f"response cannot be written as RDF: {error}",
                file=self.context.info.file_name,
                row=record.row,
            ) from error
        self.public.new_scope()
        self.private.new_scope()
        expected = record.cell_count()
        self.record_cells += expected
        accounted = builder.mapped | builder.raw_cells
        self.report.accounted_cells += len(accounted)
        self.report.mapped_cells += len(builder.mapped)
        self.report.raw_cells += len(builder.raw_cells - builder.mapped)
        if record.submitted is not None:
            submitted = record.submitted.replace(tzinfo=None)
            if self.latest is None or submitted > self.latest:
                self.latest = record.submitted
        self.report.responses.append(builder.report)
        if len(accounted) != expected:
            from ingest.errors import IngestError

            raise IngestError(
                "cell-count-mismatch",
                f"{len(accounted)} cellules traitées sur {expected} lues (défaut d'ingest)",
                f"{len(accounted)} cells accounted for out of {expected} read (an ingest bug)",
                file=self.context.info.file_name,
                row=record.row,
            )
        return builder.report

    def finish(self) -> FileBuild:
        ctx = self.context
        info = ctx.info
        g = self.public
        g.add((self.survey, V.RDF_TYPE, V.ESS_SURVEY))
        if ctx.survey_title:
            g.add((self.survey, V.DCTERMS_TITLE, literal(ctx.survey_title, "fr")))
        g.add((self.source, V.RDF_TYPE, V.ESS_SOURCE_FILE))
        g.add((self.source, V.DCTERMS_TITLE, literal(info.file_name)))
        g.add((self.source, V.ESS_CHECKSUM, literal(info.checksum)))
        g.add((self.source, V.ESS_PROFILE, literal(info.profile)))
        when = self.latest or info.read_at
        g.add((self.source, V.PROV_GENERATED_AT_TIME, date_time(when)))
        if self.record_cells != info.non_empty_cells:
            from ingest.errors import IngestError

            raise IngestError(
                "cell-count-mismatch",
                f"les réponses lues portent {self.record_cells} cellules non vides, le lecteur "
                f"en a compté {info.non_empty_cells} (défaut d'ingest)",
                f"the records read hold {self.record_cells} non-empty cells, the reader counted "
                f"{info.non_empty_cells} (an ingest bug)",
                file=info.file_name,
            )
        self.report.triples = len(g)
        self.report.private_triples = len(self.private)
        return FileBuild(
            ctx,
            g.text(),
            self.private.text(),
            self.report,
            self.origins,
            self.collectivities,
            g.blank_prefix,
            g.blanks,
        )


__all__ = ["PERSONAL_FIELDS", "FileBuild", "FileBuilder", "SourceContext"]
