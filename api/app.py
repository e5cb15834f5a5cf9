"""The web application factory: settings in, FastAPI app out; nothing is read at import.

The store is opened by the lifespan from the settings (for ``embedded``, the isolated store
when the store package provides it) and closed on shutdown; a store handed to ``create_app``
belongs to the caller and is left open.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources as package_files
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

import queries
from api import errors
from api.answering import EXPOSED
from api.middleware import MergeVary
from api.routes import (
    changes,
    charts,
    collectivities,
    comparison,
    discovery,
    home,
    named_queries,
    published,
    resources,
    sparql,
    vocabulary,
)
from api.routes import map as map_routes
from essgraph.settings import Settings, load_settings
from queries import NamedQuery
from store import Store
from store.factory import open_store

#: Browser libraries installed by `npm ci` (package.json), served as they are, never copied.
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


def open_configured_store(settings: Settings) -> Store:
    """The store named by the settings; the on-disk one owned by a killable worker process
    (IsolatedStore), so a runaway query is stopped at its timeout and memory cap."""
    return open_store(
        settings.store,
        settings.base_uri,
        settings.data_dir,
        settings.update_url,
        isolated=settings.store == "embedded",
        query_timeout=settings.query_timeout,
        query_memory_mb=settings.query_memory_mb,
    )


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    catalog: Sequence[NamedQuery] | None = None,
) -> FastAPI:
    """Build the app; ``catalog`` defaults to the packaged named queries."""
    settings = settings or load_settings()
    named = list(queries.catalog() if catalog is None else catalog)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if store is not None:
            app.state.store = store
            yield
            return
        opened = open_configured_store(settings)
        app.state.store = opened
        try:
            yield
        finally:
            opened.close()

    app = FastAPI(
        title="essgraph",
        summary="Graphe de connaissances des politiques locales d'ESS : SPARQL et requêtes "
        "nommées / knowledge graph of local ESS policies: SPARQL and named queries.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.catalog = named
    if store is not None:
        app.state.store = store
    errors.install(app)
    app.include_router(sparql.router)
    app.include_router(named_queries.build_router(named, settings.base_uri, settings.max_rows))
    app.include_router(home.router)
    app.include_router(discovery.router)
    app.include_router(collectivities.router)
    app.include_router(comparison.router)
    app.include_router(charts.router)
    app.include_router(map_routes.router)
    app.include_router(resources.router)
    app.include_router(published.router)
    app.include_router(changes.router)
    app.include_router(vocabulary.router)
    app.mount(
        "/static/vendor/codemirror",
        StaticFiles(directory=NODE_MODULES / "codemirror", check_dir=False),
        name="codemirror",
    )
    app.mount(
        "/static",
        StaticFiles(directory=str(package_files.files("api").joinpath("static"))),
        name="static",
    )
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=[
            "Accept",
            "Accept-Language",
            "Content-Type",
            "If-None-Match",
            "If-Modified-Since",
        ],
        expose_headers=EXPOSED,
        max_age=600,
    )
    app.add_middleware(MergeVary)
    return app
