"""Quad stores behind one interface: embedded Oxigraph (default) or a remote SPARQL endpoint."""

from .base import Bindings, ExportFormat, GraphInfo, SelectResult, Store, Term
from .errors import QuerySyntaxError, StoreError, StoreUnavailable, WrongQueryForm

__all__ = [
    "Bindings",
    "ExportFormat",
    "GraphInfo",
    "QuerySyntaxError",
    "SelectResult",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Term",
    "WrongQueryForm",
]
