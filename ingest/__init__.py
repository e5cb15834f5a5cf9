"""ingest package (see docs/model.md and the README)."""
