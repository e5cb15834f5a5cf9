"""Quad stores behind one interface: embedded Oxigraph (default) or a remote SPARQL endpoint."""

from .base import (
    GRAPH_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
    Bindings,
    EngineCrashed,
    ExportFormat,
    GraphInfo,
    QueryRejected,
    QueryTimeout,
    SelectResult,
    SerializedResult,
    Store,
    Term,
    UnsupportedMediaType,
    check_media_type,
    media_types_for,
)
from .errors import QuerySyntaxError, StoreError, StoreUnavailable, WrongQueryForm

__all__ = [
    "GRAPH_MEDIA_TYPES",
    "RESULT_MEDIA_TYPES",
    "Bindings",
    "EngineCrashed",
    "ExportFormat",
    "GraphInfo",
    "QueryRejected",
    "QuerySyntaxError",
    "QueryTimeout",
    "SelectResult",
    "SerializedResult",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Term",
    "UnsupportedMediaType",
    "WrongQueryForm",
    "check_media_type",
    "media_types_for",
]
