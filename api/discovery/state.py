"""The search's view of the store, refreshed when the data version moves on.

The text index (store/text_index.py) and the facet snapshot are rebuilt together, once per
data version, by whichever request first sees the new version; others wait on the lock
rather than building the same thing twice.
"""

from __future__ import annotations

import shutil
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from api.discovery.facets import Snapshot
from store import Store
from store.text_index import TextIndex, index_directory


@dataclass(frozen=True)
class Current:
    """A consistent pair for one request: the snapshot and the index of the same version."""

    snapshot: Snapshot
    index: TextIndex


class Discovery:
    """Owns the index folder and the facet snapshot of one store."""

    def __init__(self, store: Store, directory: Path) -> None:
        self.store = store
        self.index = TextIndex(store, directory)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, store: Store, store_setting: str, data_dir: Path) -> Discovery:
        """``DATA_DIR/index``; for a memory store a temporary folder, removed with the object."""
        directory = index_directory(store_setting, data_dir)
        made = cls(store, directory)
        if store_setting == "memory":
            weakref.finalize(made, shutil.rmtree, directory, True)
        return made

    def current(self) -> Current:
        """The snapshot and index of the store's data version now (rebuilt if it moved)."""
        version = self.store.data_version()
        snapshot = self._snapshot
        if snapshot is None or snapshot.version != version or self.index.version != version:
            with self._lock:
                snapshot = self._snapshot
                version = self.store.data_version()
                if snapshot is None or snapshot.version != version:
                    snapshot = Snapshot.read(self.store, version)
                    self._snapshot = snapshot
                self.index.refresh(version)
        return Current(snapshot, self.index)
