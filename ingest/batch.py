"""One ingest batch: read every file, deduplicate across them, build, validate, commit once.

Nothing is written unless the whole batch conforms to the shapes, checked together with what
the store's public graphs already say, from other sources, about the same collectivities (so
two French names for one collectivity from two sources are caught, not published). Then all
graphs of the batch (one public source graph and one private graph per file, plus any graph
to drop) are written as N-Triples text with one atomic ``store.replace_ntriples`` call.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from ingest.build import PERSONAL_FIELDS, FileBuild, FileBuilder, SourceContext
from ingest.dedup import deduplicate
from ingest.errors import IngestError
from ingest.keys import Iris
from ingest.ntriples import graph_text, parse
from ingest.reconcile import Reconciler, reconciler
from ingest.records import ResponseRecord, SourceInfo
from ingest.report import BatchReport, Entry, Merge, ResponseReport
from ingest.validation import CHUNK, derivation_subject, validate
from shapes import ValidationResult
from store import Store

_OTHER_SOURCES = """
PREFIX ess: <https://w3id.org/essgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?c ?p ?o . ?x ?q ?y . }
WHERE {
  { ?c ?p ?o }
  UNION
  { ?x ?link ?c . FILTER (?link IN (ess:policyOf, ess:implementedBy, org:postIn))
    ?x ?q ?y . }
}
"""


@dataclass
class Source:
    """One file of the batch, read: its context and its records (in file order)."""

    context: SourceContext
    records: list[ResponseRecord] = field(default_factory=list)


@dataclass
class BatchResult:
    """The report, and the graphs that were (or, on a dry run, would have been) written, as
    N-Triples text; ``graphs`` parses them into rdflib graphs on demand."""

    report: BatchReport
    texts: dict[URIRef, str]

    @cached_property
    def graphs(self) -> dict[URIRef, Graph]:
        return {iri: parse(text) for iri, text in self.texts.items()}


@contextmanager
def no_gc() -> Iterator[None]:
    """Python's cycle collector off while records and triples pile up.

    Reading and building allocate millions of objects that all live to the end of the
    batch and form no cycles; each full collection walks them all again (~30 % of the time
    at 10k responses). The collector is back on, as it was, when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_batch(
    sources: Sequence[Source], base: str, rec: Reconciler | None = None
) -> tuple[list[FileBuild], list[Merge]]:
    """Deduplicate across the files, then build each file's graphs."""
    rec = rec or reconciler(base)
    roles = deduplicate([s.records for s in sources])
    builds = []
    with no_gc():
        for source in sources:
            builder = FileBuilder(source.context, rec)
            for record in source.records:
                builder.add(record, roles.get((record.source_id, record.response_id)))
            builds.append(builder.finish())
    merges: list[Merge] = []
    seen: set[int] = set()
    ids = Iris(base)
    for role in roles.values():
        group = role.group
        if id(group) in seen or len(group.members) < 2 or group.winner is None:
            continue
        seen.add(id(group))
        merges.append(
            Merge(
                collectivity=str(ids.collectivity(group.key)),
                name=group.names[0] if group.names else group.key,
                kept=str(ids.response(*group.winner)),
                superseded=[str(ids.response(*m)) for m in group.members if m != group.winner],
                variants=group.names[1:],
                reason=group.reason,
            )
        )
    merges.sort(key=lambda m: m.collectivity)
    return builds, merges


def other_sources(store: Store, collectivities: Iterable[URIRef], replaced: set[URIRef]) -> Graph:
    """What the store's public graphs, except those being replaced, say about them.

    The ontology and thesauri graphs are left out: they describe no collectivity, and the
    validation reads the vocabularies anyway. One bound query per collectivity (~1 ms each in
    memory) is then only spent when other sources are in the store.
    """
    vocabularies = {store.graph_iri("ontology"), store.graph_iri("thesauri")}
    graphs = [g for g in store.public_graphs() if g not in replaced and g not in vocabularies]
    known = Graph()
    if not graphs:
        return known
    for coll in sorted(collectivities):
        known += store.construct(_OTHER_SOURCES, {"c": coll}, default_graph=graphs)
    return known


def _entry(result: ValidationResult, builds: list[FileBuild]) -> Entry:
    """A SHACL result placed in the file and row it comes from, when it does."""
    focus = result.focus_node
    origin: ResponseReport | None = None
    for build in builds:
        if isinstance(focus, URIRef) and focus in build.origins:
            origin = build.origins[focus]
            break
        if isinstance(focus, BNode):
            subject = derivation_subject(build, focus)
            if subject is not None and subject in build.origins:
                origin = build.origins[subject]
                break
    column = None
    raw = None
    if result.path is not None and origin is not None:
        for entry in origin.entries:
            if (
                entry.kind == "mapped"
                and result.value is not None
                and entry.detail.startswith(str(result.value))
            ):
                column, raw = entry.column, entry.raw
                break
    return Entry(
        kind="rejected",
        file=origin.file if origin else "(magasin / store)",
        row=origin.row if origin else None,
        column=column,
        letter=None,
        raw=raw,
        field=str(result.path) if result.path is not None else None,
        detail=str(focus) if isinstance(focus, URIRef) else "",
        flags=[result.severity],
        message_fr=result.message_fr,
        message_en=result.message_en,
    )


def run(
    store: Store,
    sources: Sequence[Source],
    *,
    dry_run: bool = False,
    drop: Iterable[URIRef] = (),
    extra: Mapping[URIRef, Graph] | None = None,
    chunk: int = CHUNK,
    engine: str = "shacl",
) -> BatchResult:
    """Build, validate and (unless ``dry_run`` or a violation) commit the batch atomically.

    ``drop`` names graphs to remove and ``extra`` graphs to write in the same atomic write
    (the demo writes the vocabularies with its batch); neither is validated here.
    """
    started = time.perf_counter()
    base = store.base
    builds, merges = build_batch(sources, base)
    texts: dict[URIRef, str] = {}
    for build in builds:
        info = build.context.info
        texts[store.graph_iri(f"source/{info.source_id}")] = build.public_text
        texts[store.graph_iri(f"private/source/{info.source_id}")] = build.private_text
    for graph in drop:
        texts.setdefault(graph, "")
    for n, (graph, data) in enumerate((extra or {}).items(), start=1):
        texts[graph] = graph_text(data, prefix=f"extra{n}x")
    collectivities = {c for b in builds for c in b.collectivities}
    context = other_sources(store, collectivities, set(texts))
    results = validate(builds, context, base, chunk, engine=engine)
    report = BatchReport(
        files=[b.report for b in builds],
        merges=merges,
        dry_run=dry_run,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    for result in results:
        entry = _entry(result, builds)
        if result.severity == "violation":
            report.rejected.append(entry)
        elif result.severity == "warning":
            report.warnings.append(entry)
    if report.conforms and not dry_run:
        store.replace_ntriples(texts)
        report.written = True
    report.data_version = store.data_version()
    report.seconds = round(time.perf_counter() - started, 3)
    return BatchResult(report, texts)


def context_for(profile: object, info: SourceInfo) -> SourceContext:
    """What the build needs from a profile (``ingest.profiles.Profile``) besides the file."""
    spec = getattr(profile, "spec", profile)
    source = spec.source  # type: ignore[attr-defined]
    personal = {name for name, f in spec.fields.items() if f.personal}  # type: ignore[attr-defined]
    practices = getattr(spec, "practices", None)
    slots = getattr(practices, "slots", None) if practices is not None else None
    if slots is not None:
        personal |= {name for name, f in slots.fields.items() if f.personal}
    return SourceContext(
        info=info,
        survey_id=source.survey_id,
        survey_title=source.title.fr,
        reference_year=source.reference_year,
        personal_fields=frozenset(personal) | PERSONAL_FIELDS,
    )


def read_source(
    path: Path,
    profile_ref: str | Path,
    source_id: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Source:
    """Read one export with its profile (the reading half: ``ingest.extract``)."""
    from ingest.extract import extract
    from ingest.profiles import load_profile

    profile = load_profile(profile_ref)
    extraction = extract(Path(path), profile, source_id=source_id)
    records: list[ResponseRecord] = []
    with no_gc():
        for record in extraction.records():
            records.append(record)
            if progress is not None:
                progress(len(records))
    return Source(context_for(profile, extraction.source), records)


def read_sources(
    items: Sequence[tuple[Path, str | Path]],
    *,
    source_ids: Sequence[str | None] | None = None,
    console: Console | None = None,
) -> list[Source]:
    """Read every file of a batch (with a progress bar on a terminal); ids must differ."""
    ids = list(source_ids) if source_ids is not None else [None] * len(items)
    sources: list[Source] = []
    show = console is not None and console.is_terminal
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} réponses / responses"),
        console=console,
        transient=True,
        disable=not show,
    ) as bar:
        for (path, profile_ref), source_id in zip(items, ids, strict=True):
            task = bar.add_task(path.name, total=None)

            def advance(n: int, task: TaskID = task) -> None:
                bar.update(task, completed=n)

            sources.append(read_source(path, profile_ref, source_id, advance))
    seen: dict[str, str] = {}
    for source in sources:
        info = source.context.info
        if info.source_id in seen:
            raise IngestError(
                "duplicate-source",
                f"deux fichiers du lot ont le même identifiant de source {info.source_id!r} "
                f"({seen[info.source_id]})",
                f"two files of the batch have the same source id {info.source_id!r} "
                f"({seen[info.source_id]})",
                file=info.file_name,
            )
        seen[info.source_id] = info.file_name
    return sources
