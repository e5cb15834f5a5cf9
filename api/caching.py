"""HTTP caching of GET answers: an ETag tied to the store's data version and the request.

Any write changes the data version, so every ETag changes with the data; the same query in
another format or over other graphs has its own ETag.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request

VARY = "Accept, Accept-Encoding"


def etag(data_version: str, *parts: object) -> str:
    """A weak ETag (gzip may re-encode the body) over the data version and request parts."""
    digest = hashlib.sha256(repr((data_version, *parts)).encode("utf-8")).hexdigest()[:32]
    return f'W/"{digest}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def not_modified(request: Request, current: str) -> bool:
    """Whether ``If-None-Match`` names ``current`` (weak comparison, RFC 9110 §13.1.2)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(_opaque(tag) == _opaque(current) for tag in header.split(","))


def cache_headers(tag: str, max_age: int) -> dict[str, str]:
    return {"ETag": tag, "Cache-Control": f"public, max-age={max_age}", "Vary": VARY}
