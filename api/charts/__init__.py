"""Charts drawn on the server as SVG (no script, no external asset), each with a data table.

``catalog.build(name, store, lang)`` reads the public default graph and returns a ``Chart``:
its ``<svg role="img">`` element (title, description, text labels on every mark, colours that
are never the only cue) and the table of the numbers it draws.
"""
