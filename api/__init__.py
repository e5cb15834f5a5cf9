"""api package (see docs/model.md and the README)."""
