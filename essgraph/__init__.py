"""The composition root: settings and the `essgraph` command."""
