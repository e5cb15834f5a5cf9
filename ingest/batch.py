"""One ingest batch: read every file, deduplicate across them, build, validate, commit once.

Nothing is written unless the whole batch conforms to the shapes, checked together with what
the store's public graphs already say, from other sources, about the same collectivities (so
two French names for one collectivity from two sources are caught, not published). Then all
graphs of the batch (one public source graph and one private graph per file, plus any graph
to drop) are written with one atomic ``store.replace_graphs`` call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from ingest.build import PERSONAL_FIELDS, FileBuild, FileBuilder, SourceContext
from ingest.dedup import deduplicate
from ingest.errors import IngestError
from ingest.keys import Iris
from ingest.reconcile import Reconciler, reconciler
from ingest.records import ResponseRecord, SourceInfo
from ingest.report import BatchReport, Entry, Merge, ResponseReport
from shapes import ValidationResult
from shapes import validate as shacl_validate
from shapes.native import available as shacl_engine_available
from store import Store

#: Collectivities validated per SHACL run (bounded memory and time per run; see `validate`).
CHUNK = 50

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
    """The report, and the graphs that were (or, on a dry run, would have been) written."""

    report: BatchReport
    graphs: dict[URIRef, Graph]


def build_batch(
    sources: Sequence[Source], base: str, rec: Reconciler | None = None
) -> tuple[list[FileBuild], list[Merge]]:
    """Deduplicate across the files, then build each file's graphs."""
    rec = rec or reconciler(base)
    roles = deduplicate([s.records for s in sources])
    builds = []
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
    """What the store's public graphs, except those being replaced, say about them."""
    graphs = [g for g in store.public_graphs() if g not in replaced]
    known = Graph()
    if not graphs:
        return known
    for coll in sorted(collectivities):
        known += store.construct(_OTHER_SOURCES, {"c": coll}, default_graph=graphs)
    return known


def _chunks(builds: list[FileBuild], size: int) -> list[tuple[Graph, set[URIRef]]]:
    """The batch split into graphs of about ``size`` collectivities each, each closed.

    Every shape checks a focus node against its own triples, the triples of the nodes its
    values name (the class of a policy's collectivity, of a response's survey and file) and
    the vocabularies; none relates two collectivities. So a chunk holds, for its
    collectivities, every triple of every subject derived from their responses (with the
    derivation nodes), plus the triples of the shared nodes (surveys, source files,
    partners): the results are those of validating the whole batch at once.
    """
    whole = Graph()
    for build in builds:
        whole += build.public
    owner: dict[Node, URIRef] = {}
    responses_of: dict[URIRef, set[Node]] = {}
    for response, coll in whole.subject_objects(_RESPONDENT):
        responses_of.setdefault(coll, set()).add(response)  # type: ignore[arg-type]
    response_owner = {r: c for c, rs in responses_of.items() for r in rs}
    for subject in set(whole.subjects()):
        if isinstance(subject, BNode):
            continue
        for source in whole.objects(subject, PROV.wasDerivedFrom):
            if source in response_owner:
                owner.setdefault(subject, response_owner[source])
        if subject in response_owner:
            owner[subject] = response_owner[subject]
    # Several collectivities derive from nothing but their own responses; partners are shared.
    shared = Graph()
    grouped: dict[URIRef, Graph] = {}
    for s, p, o in whole:
        key = owner.get(s)
        if isinstance(s, BNode):
            continue
        if key is None or (s, _RDF_TYPE, _PARTNER) in whole:
            shared.add((s, p, o))
            continue
        target = grouped.setdefault(key, Graph())
        target.add((s, p, o))
        if isinstance(o, BNode):
            for triple in whole.triples((o, None, None)):
                target.add(triple)
    out: list[tuple[Graph, set[URIRef]]] = []
    keys = sorted(grouped)
    for start in range(0, max(len(keys), 1), size):
        chunk = Graph()
        chunk += shared
        members = set(keys[start : start + size])
        for key in members:
            chunk += grouped[key]
        out.append((chunk, members))
    return out


def validate(
    builds: list[FileBuild], context: Graph, base: str, chunk: int = CHUNK
) -> list[ValidationResult]:
    """SHACL over the batch and the store's related data.

    The fast engine validates the whole batch in one run, straight from the builds' graphs
    (copying them into chunks would cost ten times the validation). Without it, pyshacl
    validates collectivity-sized chunks; those leave out blank nodes that hang off no
    collectivity's subjects, which the whole-batch run checks too.
    """
    if shacl_engine_available():
        batches: list[list[Graph]] = [[*(b.public for b in builds), context]]
    else:
        batches = [[graph, context] for graph, _members in _chunks(builds, chunk)]
    results: list[ValidationResult] = []
    seen: set[tuple[object, ...]] = set()
    for graphs in batches:
        for result in shacl_validate(graphs, base=base).results:
            key = result.sort_key()
            if key not in seen:
                seen.add(key)
                results.append(result)
    results.sort(key=lambda r: r.sort_key())
    return results


def _entry(result: ValidationResult, builds: list[FileBuild]) -> Entry:
    """A SHACL result placed in the file and row it comes from, when it does."""
    focus = result.focus_node
    origin: ResponseReport | None = None
    for build in builds:
        if isinstance(focus, URIRef) and focus in build.origins:
            origin = build.origins[focus]
            break
        if isinstance(focus, BNode):
            for subject in build.public.subjects(PROV.qualifiedDerivation, focus):
                if isinstance(subject, URIRef) and subject in build.origins:
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
) -> BatchResult:
    """Build, validate and (unless ``dry_run`` or a violation) commit the batch atomically.

    ``drop`` names graphs to remove and ``extra`` graphs to write in the same atomic write
    (the demo writes the vocabularies with its batch); neither is validated here.
    """
    started = time.perf_counter()
    base = store.base
    builds, merges = build_batch(sources, base)
    graphs: dict[URIRef, Graph] = {}
    for build in builds:
        info = build.context.info
        graphs[store.graph_iri(f"source/{info.source_id}")] = build.public
        graphs[store.graph_iri(f"private/source/{info.source_id}")] = build.private
    for graph in drop:
        graphs.setdefault(graph, Graph())
    graphs.update(extra or {})
    collectivities = {c for b in builds for c in b.collectivities}
    context = other_sources(store, collectivities, set(graphs))
    results = validate(builds, context, base, chunk)
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
        store.replace_graphs(graphs)
        report.written = True
    report.data_version = store.data_version()
    report.seconds = round(time.perf_counter() - started, 3)
    return BatchResult(report, graphs)


_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PARTNER = URIRef("https://w3id.org/essgraph/ontology#Partner")
_RESPONDENT = URIRef("https://w3id.org/essgraph/ontology#respondent")


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
