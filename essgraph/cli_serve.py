"""The `essgraph serve` command (being built: see issue 4)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the serve command to the `essgraph` application."""
