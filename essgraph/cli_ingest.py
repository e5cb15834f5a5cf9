"""The `essgraph ingest` command (being built: see issue 3)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ingest command to the `essgraph` application."""
