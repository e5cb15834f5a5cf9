"""Pick and open the configured store: "memory", "embedded" (on disk) or a SPARQL endpoint URL."""

from __future__ import annotations

from pathlib import Path

from .base import Store
from .embedded import EmbeddedStore
from .errors import StoreError, StoreUnavailable
from .remote import RemoteStore


def open_store(
    store: str, base: str, data_dir: Path | None, update_url: str | None = None
) -> Store:
    """Open the store named by settings; every failure is a StoreError with fr/en messages."""
    if store == "memory":
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
        return EmbeddedStore(base, location)
    if store.startswith(("http://", "https://")):
        return RemoteStore(base, store, update_url)
    raise StoreError(
        f"Magasin inconnu : {store!r}. Valeurs possibles : memory, embedded, ou l'URL "
        "http(s) d'un point d'accès SPARQL.",
        f"Unknown store: {store!r}. Use memory, embedded, or the http(s) URL of a SPARQL endpoint.",
        code="store-config",
    )
