"""``/sitemap.xml`` (sitemaps.org 0.9) and ``/robots.txt``: how crawlers find the resources.

Every public resource with an IRI under ``{BASE}id/`` is listed by its ``/id/…`` URL on the
host the request came to (the linked-data routes redirect it to its HTML page), with the
time of its latest change from the change log (else when the data version was first
published). Raw answers
(cells kept as read) are left out: they are provenance, not documents. Beyond
``MAX_URLS`` entries the sitemap becomes an index of ``/sitemap-{n}.xml`` pages, as the
protocol requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import quote
from xml.etree import ElementTree as ET

from rdflib import Literal

from ontology import ESS
from store import Store

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: The protocol's cap on URLs per sitemap file.
MAX_URLS = 50_000
MEDIA_TYPE = "application/xml"

_RESOURCES = f"""
SELECT DISTINCT ?s WHERE {{
  ?s a ?type .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix))
  FILTER NOT EXISTS {{ ?s a <{ESS.RawAnswer}> }}
}} ORDER BY ?s"""


#: Latest change-log time per resource (store/changes.py: one graph per write, never public).
_MODIFIED = """
SELECT ?resource (MAX(?time) AS ?modified) WHERE {
  GRAPH ?log { ?log <https://www.w3.org/ns/activitystreams#published> ?time .
               ?event <https://www.w3.org/ns/activitystreams#object> ?resource }
  FILTER(STRSTARTS(STR(?log), ?prefix))
} GROUP BY ?resource"""


def last_modified(store: Store) -> dict[str, str]:
    """``/id/…`` path → the time of the resource's latest recorded change (W3C datetime);
    resources written before the change log existed are absent (callers fall back)."""
    prefix = f"{store.base}id/"
    rows = store.select(_MODIFIED, {"prefix": Literal(f"{store.base}graph/changes/")})
    found = {}
    for row in rows:
        resource, modified = str(row.get("resource", "")), row.get("modified")
        if resource.startswith(prefix) and modified is not None:
            found["/id/" + resource[len(prefix) :]] = str(modified)
    return found


def resource_paths(store: Store) -> list[str]:
    """Paths (``/id/…``) of the public typed resources minted under the base, sorted."""
    prefix = f"{store.base}id/"
    rows = store.select(_RESOURCES, {"prefix": Literal(prefix)})
    return ["/id/" + str(row["s"])[len(prefix) :] for row in rows]


def _url(origin: str, path: str) -> str:
    """An absolute, percent-encoded URL (the protocol wants escaped, ASCII locations)."""
    return origin.rstrip("/") + quote(path, safe="/:@!$&'()*+,;=-._~%")


def page_count(total: int, page_size: int = MAX_URLS) -> int:
    """How many sitemap pages ``total`` URLs need (at least one, even when empty)."""
    return max(1, -(-total // page_size))


def _xml(root: ET.Element) -> bytes:
    ET.register_namespace("", SITEMAP_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _urlset(origin: str, paths: Sequence[str], lastmod: str, modified: Mapping[str, str]) -> bytes:
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for path in paths:
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = _url(origin, path)
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = modified.get(path, lastmod)
    return _xml(root)


def sitemap(
    origin: str,
    paths: Sequence[str],
    lastmod: str,
    *,
    page: int | None = None,
    page_size: int = MAX_URLS,
    modified: Mapping[str, str] | None = None,
) -> bytes | None:
    """The sitemap document: ``page=None`` is ``/sitemap.xml`` (the whole list, or an index
    of pages when it is longer than ``page_size``); ``page=n`` is ``/sitemap-{n}.xml``.
    ``lastmod`` is the default date, ``modified`` a path's own. None for a missing page."""
    modified = modified or {}
    pages = page_count(len(paths), page_size)
    if page is None:
        if len(paths) <= page_size:
            return _urlset(origin, paths, lastmod, modified)
        root = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
        for number in range(1, pages + 1):
            entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
            loc = _url(origin, f"/sitemap-{number}.xml")
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = loc
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
        return _xml(root)
    if not 1 <= page <= pages:
        return None
    start = (page - 1) * page_size
    return _urlset(origin, paths[start : start + page_size], lastmod, modified)


def robots(origin: str) -> str:
    """robots.txt: crawl the pages, not the query engine; here is the sitemap."""
    return (
        "# essgraph\n"
        "User-agent: *\n"
        "Disallow: /sparql\n"
        "Disallow: /queries/\n"
        "Allow: /\n"
        f"Sitemap: {origin.rstrip('/')}/sitemap.xml\n"
    )
