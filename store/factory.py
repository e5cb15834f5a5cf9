"""Pick and open the configured store: "memory", "embedded" (on disk) or a SPARQL endpoint URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import Store
from .embedded import EmbeddedStore
from .errors import StoreError, StoreUnavailable
from .remote import RemoteStore
from .worker import IsolatedStore


def open_store(
    store: str,
    base: str,
    data_dir: Path | None,
    update_url: str | None = None,
    *,
    isolated: bool = False,
    query_timeout: float | None = None,
    query_memory_mb: int | None = None,
) -> Store:
    """Open the store named by settings; every failure is a StoreError with fr/en messages.

    ``isolated`` (the web server's mode) runs the embedded store in a child process that a
    runaway query cannot take down with it (store/worker.py); ``query_timeout`` and
    ``query_memory_mb`` are its caps. A remote store is isolated by the network already:
    ``query_timeout`` bounds its HTTP calls.
    """
    if store == "memory":
        if isolated:
            raise StoreError(
                "Le magasin « memory » ne peut pas être isolé dans un processus : ses données "
                "disparaîtraient au premier redémarrage du moteur. Utilisez « embedded ».",
                'The "memory" store cannot be isolated in a process: its data would vanish '
                'at the first engine restart. Use "embedded".',
                code="store-config",
            )
        return EmbeddedStore(base)
    if store == "embedded":
        if data_dir is None:
            raise StoreError(
                "Le magasin « embedded » a besoin d'un dossier de données.",
                'The "embedded" store needs a data directory.',
                code="store-config",
            )
        location = data_dir / "oxigraph"
        try:
            location.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"Impossible de créer le dossier du magasin {location} : {exc}",
                f"Cannot create the store directory {location}: {exc}",
            ) from exc
        if isolated:
            caps: dict[str, Any] = {}
            if query_timeout is not None:
                caps["timeout"] = query_timeout
            if query_memory_mb is not None:
                caps["memory_mb"] = query_memory_mb
            return IsolatedStore(base, location, **caps)
        return EmbeddedStore(base, location)
    if store.startswith(("http://", "https://")):
        if query_timeout is not None:
            return RemoteStore(base, store, update_url, timeout=query_timeout)
        return RemoteStore(base, store, update_url)
    raise StoreError(
        f"Magasin inconnu : {store!r}. Valeurs possibles : memory, embedded, ou l'URL "
        "http(s) d'un point d'accès SPARQL.",
        f"Unknown store: {store!r}. Use memory, embedded, or the http(s) URL of a SPARQL endpoint.",
        code="store-config",
    )
