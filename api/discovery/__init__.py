"""Cross-territory discovery: the practice search with its full-text index and facets."""
