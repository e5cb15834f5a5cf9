"""The search's view of the store, refreshed when the data version moves on.

The facet snapshot and the text index (store/text_index.py) describe one data version
together. The first request builds them (there is nothing to serve before). After a write,
the first request to see the new version starts a rebuild in a background thread; requests
wait for it until ``wait`` seconds (5 by default) after it started: small graphs are rebuilt
within that time and answered fresh, while at a million triples (reading the snapshot takes
a minute or more) requests are answered at once from the previous version until the new one
is ready (the text index itself is updated in seconds from the change log). Every
answer says which version it comes from (``Current.version``, which the ETag hashes).
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from api.discovery.facets import Snapshot
from store import Store
from store.text_index import TextIndex, index_directory

log = logging.getLogger(__name__)
#: Seconds a request waits for a rebuild before being answered from the previous version.
WAIT = 5.0


@dataclass(frozen=True)
class Current:
    """A consistent pair for one request: the snapshot and the index of the same version."""

    snapshot: Snapshot
    index: TextIndex

    @property
    def version(self) -> str:
        """The data version the answer is built from (older than the store's during a
        background rebuild)."""
        return self.snapshot.version


class Discovery:
    """Owns the index folder and the facet snapshot of one store."""

    def __init__(self, store: Store, directory: Path, *, wait: float = WAIT) -> None:
        self.store = store
        self.index = TextIndex(store, directory)
        self.wait = wait
        self._current: Current | None = None
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._builder: threading.Thread | None = None
        self._error: BaseException | None = None
        self._deadline = 0.0

    @classmethod
    def for_settings(cls, store: Store, store_setting: str, data_dir: Path) -> Discovery:
        """``DATA_DIR/index``; for a memory store a temporary folder, removed with the object."""
        directory = index_directory(store_setting, data_dir)
        made = cls(store, directory)
        if store_setting == "memory":
            weakref.finalize(made, shutil.rmtree, directory, True)
        return made

    def current(self) -> Current:
        """The snapshot and index of the store's data version, or of the previous version
        while a rebuild taking longer than ``wait`` runs in the background."""
        version = self.store.data_version()
        ready = self._current
        if ready is not None and ready.version == version:
            return ready
        with self._lock:
            ready = self._current
            if ready is None:  # nothing to serve yet: build now
                ready = self._build(self.store.data_version())
                self._current = ready
                return ready
            if ready.version == version:
                return ready
            if self._builder is None:
                self._error = None
                self._deadline = time.monotonic() + self.wait
                self._builder = threading.Thread(
                    target=self._rebuild, name="essgraph-discovery-rebuild", daemon=True
                )
                self._builder.start()
            # Counted from the rebuild's start: later requests are answered at once.
            self._done.wait_for(
                lambda: self._builder is None or self._current is not ready,
                max(0.0, self._deadline - time.monotonic()),
            )
            if self._error is not None and self._current is ready:
                raise self._error
            return self._current or ready

    def _build(self, version: str) -> Current:
        snapshot = Snapshot.read(self.store, version)
        self.index.refresh()
        return Current(snapshot, self.index)

    def _rebuild(self) -> None:
        """Background: build the current version (again while writes keep landing), warm
        what the first requests would otherwise build, then publish it."""
        error: BaseException | None = None
        try:
            while True:
                version = self.store.data_version()
                made = Current(Snapshot.read(self.store, version), self.index)
                _warm(made, self.store)
                # Last, so the index runs ahead of the served snapshot only for a moment.
                self.index.refresh()
                with self._lock:
                    self._current = made
                    self._done.notify_all()
                if self.store.data_version() == version:
                    break
        except Exception as exc:  # the next request starts another rebuild
            log.exception("discovery rebuild failed")
            error = exc
        finally:
            with self._lock:
                self._error = error
                self._builder = None
                self._done.notify_all()


def _warm(current: Current, store: Store) -> None:
    """Build the per-version tables of the similar practices and the collectivity search
    before the version is served (imported here: those modules import this one)."""
    from api.discovery import collectivities, similar

    for lang in ("fr", "en"):
        current.snapshot.order_positions("title", lang)
        current.snapshot.rank(lang)
    similar.model_of(current, store)
    collectivities.table(store, current.snapshot)
