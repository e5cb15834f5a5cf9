"""The dataset level: ``/dataset`` (DCAT-AP + VoID), ``/dumps/…``, ``/sitemap.xml``, robots.

Dumps are built when first asked after a data change (see ``store.dumps``), in
``DATA_DIR/dumps``, or in a temporary folder the app owns for the in-memory store.
``/dumps/latest.*`` answers ``302`` to the dated file, whose name never changes content, so
it is cached for a year; ``latest`` itself is never cached.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
import weakref
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from api import caching, dataset_page, engine, formats, sitemap
from api.dataset_description import describe, statistics
from api.deps import SettingsDep, StoreDep
from api.errors import ApiProblem
from api.i18n import request_lang
from api.negotiation import choose, prefers_html
from api.service_description import RDFLIB_FORMATS
from essgraph.settings import Settings
from store import Store
from store.dumps import DUMP_KINDS, DumpFolder, DumpSet

router = APIRouter(tags=["Jeu de données / dataset"])

#: /dataset formats, Turtle first (the default when HTML is not named).
DATASET_FORMATS = formats.GRAPH_FORMATS[:4]
#: Dated dump files never change: cache them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
LATEST = "latest"


def origin_of(request: Request) -> str:
    """Scheme, host and mount path the client used (the server may run on any host)."""
    return str(request.base_url).rstrip("/")


def dump_folder(request: Request, settings: Settings) -> DumpFolder:
    """The app's dump folder, made on first use (a temporary one for the memory store)."""
    state = request.app.state
    folder: DumpFolder | None = getattr(state, "dump_folder", None)
    if folder is None:
        if settings.store == "memory":
            # Removed with the app (no ResourceWarning, unlike an implicit TemporaryDirectory).
            path = Path(tempfile.mkdtemp(prefix="essgraph-dumps-"))
            weakref.finalize(state, shutil.rmtree, path, ignore_errors=True)
        else:
            path = settings.data_dir / "dumps"
        folder = DumpFolder(path)
        state.dump_folder = folder
    return folder


async def current_dumps(request: Request, store: Store, settings: Settings) -> DumpSet:
    """The dump set of the current data version, built off the event loop if missing."""
    folder = dump_folder(request, settings)
    return await asyncio.to_thread(folder.current, store)


@router.get(
    "/dataset",
    summary="Description du jeu de données (DCAT-AP, VoID) / dataset description",
    response_class=Response,
)
async def dataset(
    request: Request, store: StoreDep, settings: SettingsDep, format: str | None = None
) -> Response:
    """DCAT-AP 3.0.1 and VoID: catalogue, dataset, dumps with size and SHA-256, the SPARQL
    endpoint, counts per class. Turtle, JSON-LD, N-Triples, RDF/XML (``Accept`` or
    ``?format=ttl|jsonld|nt|rdf``), Turtle by default; a browser (HTML named in ``Accept``)
    gets a page, French first (``?lang=en``)."""
    html = format is None and prefers_html(
        request.headers.get("accept"), formats.offers(DATASET_FORMATS)
    )
    fmt = DATASET_FORMATS[0] if html else _dataset_format(request, format)
    origin = origin_of(request)
    version = await engine.data_version(store)
    variant = ("html", request_lang(request)) if html else fmt.media_type
    tag = caching.etag(version, "dataset", variant, origin)
    headers = caching.cache_headers(tag, settings.cache_max_age)
    headers["Vary"] = "Accept, Accept-Encoding, Accept-Language"
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    dumps = await current_dumps(request, store, settings)
    stats = await asyncio.to_thread(statistics, store)
    if html:
        return dataset_page.render(request, settings, origin, dumps, stats, headers)
    graph = describe(settings, origin, dumps, stats)
    body = graph.serialize(format=RDFLIB_FORMATS[fmt.media_type], encoding="utf-8")
    return Response(body, media_type=fmt.media_type, headers=headers)


def _dataset_format(request: Request, keyword: str | None) -> formats.Format:
    if keyword:
        fmt = formats.by_keyword(keyword, "CONSTRUCT")
        if fmt is not None and fmt in DATASET_FORMATS:
            return fmt
    else:
        chosen = choose(request.headers.get("accept"), formats.offers(DATASET_FORMATS))
        if chosen is not None:
            return formats.by_media_type(chosen, DATASET_FORMATS)
    served = ", ".join(f"{f.media_type} (format={f.keyword})" for f in DATASET_FORMATS)
    raise ApiProblem(
        f"Aucun format disponible pour la description du jeu de données ; formats : {served}.",
        f"No available format for the dataset description; formats: {served}.",
        status=406,
        code="not-acceptable",
        acceptable=[f.media_type for f in DATASET_FORMATS],
    )


def _not_found(name: str) -> ApiProblem:
    latest = ", ".join(f"latest{kind.suffix}" for kind in DUMP_KINDS)
    return ApiProblem(
        f"Export inconnu : {name[:200]} (exports : {latest}, et leurs .sha256).",
        f"Unknown dump: {name[:200]} (dumps: {latest}, and their .sha256).",
        status=404,
        code="dump-not-found",
    )


@router.head("/dumps/{name}", include_in_schema=False)
@router.get(
    "/dumps/{name}",
    summary="Exports des graphes publics / dumps of the public graphs",
    response_class=Response,
)
async def dump(request: Request, name: str, store: StoreDep, settings: SettingsDep) -> Response:
    """``latest.nq.gz`` (named graphs), ``latest.ttl.gz`` and ``latest.jsonld.gz`` (union
    default graph), each with ``.sha256``: a 302 to the dated file of the current data
    version (``essgraph-{date}-{version8}.…``), which is served as it is."""
    if name.startswith(f"{LATEST}."):
        rest = name.removeprefix(LATEST)
        checksum = rest.endswith(".sha256")
        suffix = rest.removesuffix(".sha256")
        if suffix not in {kind.suffix for kind in DUMP_KINDS}:
            raise _not_found(name)
        dumps = await current_dumps(request, store, settings)
        target = f"{dumps.stem}{suffix}" + (".sha256" if checksum else "")
        return RedirectResponse(
            f"{origin_of(request)}/dumps/{target}",
            status_code=302,
            headers={"Cache-Control": "no-cache"},
        )
    path = dump_folder(request, settings).path_of(name)
    if path is None:
        # Not built yet in this process (first request after a start) or gone: build the
        # current set, then look again.
        await current_dumps(request, store, settings)
        path = dump_folder(request, settings).path_of(name)
    if path is None:
        raise _not_found(name)
    return _file_answer(request, path)


def _file_answer(request: Request, path: Path) -> Response:
    checksum_file = path.name.endswith(".sha256")
    if checksum_file:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        media_type = "text/plain; charset=utf-8"
    else:
        sibling = path.with_name(path.name + ".sha256")
        digest = sibling.read_text(encoding="ascii").split()[0]
        media_type = "application/gzip"
    tag = f'"{digest[:32]}"'
    headers = {"ETag": tag, "Cache-Control": IMMUTABLE}
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        path,
        media_type=media_type,
        filename=path.name,
        content_disposition_type="inline" if checksum_file else "attachment",
        headers=headers,
    )


async def _sitemap_answer(
    request: Request, store: Store, settings: Settings, page: int | None
) -> Response:
    origin = origin_of(request)
    version = await engine.data_version(store)
    tag = caching.etag(version, "sitemap", page, origin)
    headers = caching.cache_headers(tag, settings.cache_max_age)
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    dumps = await current_dumps(request, store, settings)
    paths = await asyncio.to_thread(sitemap.resource_paths, store)
    modified = await asyncio.to_thread(sitemap.last_modified, store)
    body = sitemap.sitemap(origin, paths, dumps.built.isoformat(), page=page, modified=modified)
    if body is None:
        raise ApiProblem(
            f"Page de plan du site inexistante : {page}.",
            f"No such sitemap page: {page}.",
            status=404,
            code="not-found",
        )
    return Response(body, media_type=sitemap.MEDIA_TYPE, headers=headers)


@router.get("/sitemap.xml", summary="Plan du site / sitemap", response_class=Response)
async def sitemap_xml(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """The ``/id/…`` URLs of the public resources (an index of pages beyond 50,000)."""
    return await _sitemap_answer(request, store, settings, None)


@router.get("/sitemap-{page}.xml", summary="Page du plan du site / sitemap page")
async def sitemap_page(
    request: Request, page: int, store: StoreDep, settings: SettingsDep
) -> Response:
    """One page of a sitemap index."""
    return await _sitemap_answer(request, store, settings, page)


@router.get("/robots.txt", summary="robots.txt", response_class=Response)
async def robots_txt(request: Request) -> Response:
    """Points crawlers to the sitemap and away from the query engine."""
    return Response(sitemap.robots(origin_of(request)), media_type="text/plain; charset=utf-8")
