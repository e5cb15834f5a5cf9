"""Dependencies routes declare with ``Annotated`` aliases; tests swap them via the app state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.i18n import Lang, request_lang
from essgraph.settings import Settings
from store import Store


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (never read from the environment here; async so
    FastAPI does not hop to its thread pool on every request)."""
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> Store:
    """The store the lifespan opened (or the one handed to ``create_app``)."""
    store: Store = request.app.state.store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
LangDep = Annotated[Lang, Depends(request_lang)]
