"""SHACL on a whole ingest batch, fed the N-Triples text the build wrote.

The fast engine (``shacl``, see ``shapes.native``) reads N-Triples text; the build already
holds its output as such, so the batch goes to the engine as one string (vocabularies, the
batch's public graphs, then what the store already says about the same collectivities),
with no rdflib graph made. The engine numbers blank nodes (``_:0_b{n}``) in order of first
appearance, after those of the compiled shapes (counted once by a probe); the vocabularies'
come first, then each file's, whose labels are counted in that order by
``ingest.ntriples.TripleWriter``, then the store's: so ``n`` maps back to the node without
reading the text again.

Without the engine (or when its output cannot be mapped back), pyshacl validates
collectivity-sized chunks of the parsed graphs (``_chunks``), as before the fast engine.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from typing import Any, cast, overload

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from ingest.build import FileBuild
from ingest.ntriples import NTriplesError, labelled_text
from shapes import ValidationResult, native
from shapes import validate as shacl_validate

__all__ = ["CHUNK", "derivation_subject", "validate"]

_log = logging.getLogger(__name__)

#: Collectivities validated per pyshacl run (bounded memory and time per run; see `_chunks`).
CHUNK = 50

_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PARTNER = URIRef("https://w3id.org/essgraph/ontology#Partner")
_RESPONDENT = URIRef("https://w3id.org/essgraph/ontology#respondent")
_DERIVATION = f" <{PROV.qualifiedDerivation}> "
_LABEL = re.compile(r"^_:0_b([0-9]+)$")
_WIDE = re.compile(r"[\u0100-\U0010ffff]")
ESS = "https://w3id.org/essgraph/ontology#"


class _Blanks(Sequence[BNode]):
    """The engine's blank node *n* (1-based, as ``_:0_b{n}``) → the node it stands for."""

    def __init__(
        self, vocabularies: Sequence[BNode], builds: Sequence[FileBuild], store: Sequence[BNode]
    ) -> None:
        self._offset = native.shape_blank_count()
        self._vocabularies = vocabularies
        self._files = [(b.blank_prefix, b.blanks) for b in builds]
        self._store = store
        self._total = self._offset + len(vocabularies) + sum(n for _, n in self._files) + len(store)

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, index: int) -> BNode: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[BNode]: ...

    def __getitem__(self, index: int | slice) -> BNode | Sequence[BNode]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._total))]
        if not 0 <= index < self._total:
            raise IndexError(index)
        if index < self._offset:
            raise native.Unsupported(f"result on a blank node of the shapes ({index + 1})")
        index -= self._offset
        if index < len(self._vocabularies):
            return self._vocabularies[index]
        index -= len(self._vocabularies)
        for prefix, count in self._files:
            if index < count:
                return BNode(f"{prefix}{index + 1}")
            index -= count
        return self._store[index]


def _store_text(context: Graph) -> tuple[str, list[BNode]]:
    """The store's related triples as N-Triples, blank nodes in order of first appearance."""
    return labelled_text(context, "ctx")


@cache
def _vocabularies(base: str) -> tuple[str, list[BNode]]:
    """The vocabularies' N-Triples (characters past U+00FF escaped, so joining it to the
    batch's text keeps one byte per character) and their blank nodes in label order."""
    text, blanks = native.vocabularies_text(base)
    ordered: list[BNode] = [BNode()] * len(blanks)
    for node, n in blanks:
        ordered[n - 1] = node
    return _WIDE.sub(_uchar, text), ordered


def _uchar(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\U{code:08X}" if code > 0xFFFF else f"\\u{code:04X}"


def _native(builds: Sequence[FileBuild], context: Graph, base: str) -> list[ValidationResult]:
    """The fast engine on the batch's text (``shapes.native`` does the mapping back)."""
    native.check_engine()
    vocabularies, ordered = _vocabularies(base)
    store_text, store_blanks = _store_text(context)
    text = "".join([vocabularies, *(b.public_text for b in builds), store_text])
    try:
        report = native.compiled_shapes().validate_text(text, "ntriples")
    except ValueError as error:  # a term the engine's parser refuses
        raise native.Unsupported(str(error)) from error
    del text
    blanks = _Blanks(ordered, builds, store_blanks)
    shapes = native.shape_info()
    items = cast(list[Any], report.results)
    return [native.read_result(item, cast(list[BNode], blanks), {}, shapes) for item in items]


def _chunks(builds: Sequence[FileBuild], size: int) -> list[tuple[Graph, set[URIRef]]]:
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
    builds: Sequence[FileBuild],
    context: Graph,
    base: str,
    chunk: int = CHUNK,
    *,
    engine: str = "shacl",
) -> list[ValidationResult]:
    """SHACL over the batch and the store's related data, results sorted and distinct.

    ``engine="pyshacl"`` forces the reference engine on chunks (benchmarks, cross-checks).
    """
    raw: list[ValidationResult] | None = None
    if engine == "shacl" and native.available():
        try:
            raw = _native(builds, context, base)
        except (native.Unsupported, NTriplesError) as reason:
            _log.info("fast SHACL engine not usable here (%s): using pyshacl", reason)
    if raw is None:
        raw = []
        for graph, _members in _chunks(builds, chunk):
            raw.extend(shacl_validate([graph, context], base=base, engine="pyshacl").results)
    results: list[ValidationResult] = []
    seen: set[tuple[object, ...]] = set()
    for result in raw:
        key = result.sort_key()
        if key not in seen:
            seen.add(key)
            results.append(result)
    results.sort(key=lambda r: r.sort_key())
    return results


def derivation_subject(build: FileBuild, node: BNode) -> URIRef | None:
    """The subject whose qualified derivation ``node`` is (read from the build's text)."""
    if not str(node).startswith(build.blank_prefix):
        return None
    text = build.public_text
    at = text.find(f"{_DERIVATION}_:{node} .\n")
    if at < 0:
        return None
    start = text.rfind("\n", 0, at) + 1
    subject = text[start:at]
    if subject.startswith("<") and subject.endswith(">"):
        return URIRef(subject[1:-1])
    return None
