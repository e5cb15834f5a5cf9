"""Dump files of the public graphs, one set per data version, built atomically in a folder.

The server (``/dumps/…``) and ``essgraph export --dumps DIR`` share this code, so a data
version gives the same bytes and checksums wherever it is dumped: N-Quads lines are sorted
and gzip headers carry no time or name. A set is named ``essgraph-{date}-{version8}``, the
date being the UTC day the set was first built for that version; a folder that already
holds the set for the current version reuses it (and so its name). Every file is written to
a temporary name and renamed, and a set counts only once all its files are there, so a
half-written dump is never served.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from .base import Store
from .errors import StoreError

#: Attempts at reading a version and its quads without a write in between.
_READ_ATTEMPTS = 5
#: Sets of older versions kept beside the current one (a download in progress finishes).
KEEP_OLD_SETS = 2
#: Prefixes of the Turtle dump (the model's namespaces; the base is added per store).
PREFIXES = {
    "ess": "https://w3id.org/essgraph/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class DumpKind:
    """One dump format: its file suffix, media type and EU file-type code."""

    key: str
    suffix: str
    media_type: str
    file_type: str
    title_fr: str
    title_en: str


DUMP_KINDS: tuple[DumpKind, ...] = (
    DumpKind(
        "nq",
        ".nq.gz",
        "application/n-quads",
        "RDF_N_QUADS",
        "Graphes publics nommés en N-Quads (gzip)",
        "Public named graphs as N-Quads (gzip)",
    ),
    DumpKind(
        "ttl",
        ".ttl.gz",
        "text/turtle",
        "RDF_TURTLE",
        "Graphe public par défaut (union) en Turtle (gzip)",
        "Public default graph (union) as Turtle (gzip)",
    ),
    DumpKind(
        "jsonld",
        ".jsonld.gz",
        "application/ld+json",
        "JSON_LD",
        "Graphe public par défaut (union) en JSON-LD (gzip)",
        "Public default graph (union) as JSON-LD (gzip)",
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in DUMP_KINDS}
#: A dump or checksum file name this code writes (nothing else is ever served).
NAME_PATTERN = re.compile(
    r"^essgraph-(\d{4}-\d{2}-\d{2})-([0-9a-z]{8})(\.nq\.gz|\.ttl\.gz|\.jsonld\.gz)(\.sha256)?$"
)


@dataclass(frozen=True)
class DumpFile:
    """One written dump file with what the DCAT distribution states about it."""

    kind: DumpKind
    path: Path
    size: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def checksum_name(self) -> str:
        return self.path.name + ".sha256"


@dataclass(frozen=True)
class DumpSet:
    """The dumps of one data version."""

    version: str
    stem: str
    built: datetime
    files: dict[str, DumpFile]

    def __getitem__(self, key: str) -> DumpFile:
        return self.files[key]

    def ordered(self) -> list[DumpFile]:
        """The files in the order of DUMP_KINDS."""
        return [self.files[kind.key] for kind in DUMP_KINDS]


def version_tag(version: str) -> str:
    """Eight lower-case alphanumerics naming a data version in file names."""
    clean = re.sub(r"[^0-9a-z]", "", version.lower())
    return clean[:8] if len(clean) >= 8 else hashlib.sha256(version.encode()).hexdigest()[:8]


def checksum_line(digest: str, name: str) -> str:
    """One line in ``sha256sum`` format (two spaces: text mode)."""
    return f"{digest}  {name}\n"


def _gzip(data: bytes) -> bytes:
    """Deterministic gzip: no time stamp, no file name in the header."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def public_quads(store: Store) -> tuple[str, bytes]:
    """The data version and the public graphs as sorted, deduplicated N-Quads.

    The version is read before and after the export; a write in between is retried, so the
    quads are exactly those of the version returned.
    """
    for _ in range(_READ_ATTEMPTS):
        before = store.data_version()
        buffer = io.BytesIO()
        store.export(buffer, "nq", public_only=True)
        if store.data_version() == before:
            lines = {line for line in buffer.getvalue().splitlines() if line.strip()}
            return before, b"".join(line + b"\n" for line in sorted(lines))
    raise StoreError(
        "Les données changent trop vite pour en faire un export cohérent ; réessayez.",
        "The data keeps changing: no consistent dump could be made; try again.",
        code="dump-unstable",
    )


def _union_triples(nquads: bytes) -> list[ox.Triple]:
    """The triples of the union default graph (a triple in two graphs counts once)."""
    seen: dict[ox.Triple, None] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        seen.setdefault(quad.triple, None)
    return list(seen)


def render(nquads: bytes, base: str) -> dict[str, bytes]:
    """The gzip body of each dump kind from the sorted N-Quads."""
    triples = _union_triples(nquads)
    prefixes = {**PREFIXES, "id": f"{base}id/"}
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    jsonld = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    assert turtle is not None and jsonld is not None  # noqa: S101 - no output given
    return {"nq": _gzip(nquads), "ttl": _gzip(turtle), "jsonld": _gzip(jsonld)}


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class DumpFolder:
    """A folder of dump sets; ``current(store)`` gives the set of the store's data version,
    building it when first asked after a change (one build at a time per folder)."""

    def __init__(self, folder: Path, *, keep_old: int = KEEP_OLD_SETS) -> None:
        self.folder = folder
        self.keep_old = keep_old
        self._lock = threading.Lock()
        self._cached: DumpSet | None = None

    def current(self, store: Store, *, today: datetime | None = None) -> DumpSet:
        """The complete set for the store's current data version (built if missing)."""
        version = store.data_version()
        cached = self._cached
        if cached is not None and cached.version == version:
            return cached
        with self._lock:
            found = self.find_set(version)
            if found is None:
                found = self._build(store, today)
            self._cached = found
            return found

    def find_set(self, version: str) -> DumpSet | None:
        """The complete set already in the folder for ``version``, if any."""
        tag = version_tag(version)
        for first in sorted(self.folder.glob(f"essgraph-*-{tag}.nq.gz")):
            stem = first.name.removesuffix(".nq.gz")
            loaded = self._load(stem, version)
            if loaded is not None:
                return loaded
        return None

    def _load(self, stem: str, version: str) -> DumpSet | None:
        files = {}
        for kind in DUMP_KINDS:
            path = self.folder / f"{stem}{kind.suffix}"
            checksum = path.with_name(path.name + ".sha256")
            try:
                digest = checksum.read_text(encoding="ascii").split()[0]
                size = path.stat().st_size
            except (OSError, IndexError, UnicodeDecodeError):
                return None
            files[kind.key] = DumpFile(kind, path, size, digest)
        built = datetime.fromtimestamp(files["nq"].path.stat().st_mtime, UTC)
        return DumpSet(version, stem, built.replace(microsecond=0), files)

    def _build(self, store: Store, today: datetime | None) -> DumpSet:
        version, nquads = public_quads(store)
        existing = self.find_set(version)  # a write landed between the two reads
        if existing is not None:
            return existing
        self.folder.mkdir(parents=True, exist_ok=True)
        day = (today or datetime.now(UTC)).strftime("%Y-%m-%d")
        stem = f"essgraph-{day}-{version_tag(version)}"
        bodies = render(nquads, store.base)
        for kind in DUMP_KINDS:
            path = self.folder / f"{stem}{kind.suffix}"
            _write_atomic(path, bodies[kind.key])
        for kind in DUMP_KINDS:  # checksums last: their presence completes the set
            path = self.folder / f"{stem}{kind.suffix}"
            digest = hashlib.sha256(bodies[kind.key]).hexdigest()
            line = checksum_line(digest, path.name).encode("ascii")
            _write_atomic(path.with_name(path.name + ".sha256"), line)
        loaded = self._load(stem, version)
        if loaded is None:  # pragma: no cover - the files were just written
            raise StoreError("Export incomplet.", "Incomplete dump.", code="dump-failed")
        self._prune(stem)
        return loaded

    def _prune(self, keep_stem: str) -> None:
        """Remove all but the newest ``keep_old`` older sets (and stray temporary files)."""
        stems: dict[str, float] = {}
        for path in self.folder.iterdir():
            match = NAME_PATTERN.match(path.name)
            if match and path.name.endswith(".nq.gz"):
                stems[path.name.removesuffix(".nq.gz")] = path.stat().st_mtime
        older = sorted((s for s in stems if s != keep_stem), key=lambda s: stems[s], reverse=True)
        for stem in older[self.keep_old :]:
            for path in self.folder.glob(f"{stem}.*"):
                path.unlink(missing_ok=True)

    def path_of(self, name: str) -> Path | None:
        """The file named ``name`` if it is a dump or checksum file of this folder."""
        if not NAME_PATTERN.match(name):
            return None
        path = self.folder / name
        return path if path.is_file() else None


def write_dumps(store: Store, folder: Path, *, today: datetime | None = None) -> DumpSet:
    """Write (or reuse) the current version's set in ``folder``: what ``essgraph export
    --dumps`` does, with the server's names and checksums."""
    return DumpFolder(folder).current(store, today=today)


__all__ = [
    "DUMP_KINDS",
    "KINDS_BY_KEY",
    "DumpFile",
    "DumpFolder",
    "DumpKind",
    "DumpSet",
    "checksum_line",
    "public_quads",
    "render",
    "version_tag",
    "write_dumps",
]
