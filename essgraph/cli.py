"""The `essgraph` command (placeholder until the verbs land in this session)."""

import typer

app = typer.Typer()
