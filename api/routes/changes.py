"""``/changes``: the change feed, so partner sites sync without re-crawling.

The events of the store's change log (store/changes.py), newest first, as an Atom feed
(RFC 4287) or as ActivityStreams 2.0 in Turtle or JSON-LD. ``since`` keeps events after a
time; pages are cursors (``after`` = the last event of the previous page, so new events do
not shift pages), linked with ``Link: rel="next"`` and Atom's ``<link rel="next">`` (RFC 5005).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from rdflib import URIRef

from api import caching, engine
from api.deps import SettingsDep, StoreDep
from api.errors import ApiProblem
from api.negotiation import choose
from store import Store
from store.change_events import ChangeEvent, events
from store.change_vocab import AS, XSD, changes_prefix
from store.sparql_text import ESS

router = APIRouter(tags=["Modifications / changes"])

ATOM = "http://www.w3.org/2005/Atom"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FORMATS = {"atom": "application/atom+xml", "turtle": "text/turtle", "jsonld": "application/ld+json"}
_OX = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD}
DEFAULT_PER_PAGE = 100
#: What each kind of event says, French then English.
WORDS = {
    "added": ("ajout", "added", "Ressource ajoutée", "Resource added"),
    "changed": ("modification", "changed", "Ressource modifiée", "Resource changed"),
    "withdrawn": ("retrait", "withdrawn", "Ressource retirée", "Resource withdrawn"),
}
_EVENT = re.compile(r"(\d{8}T\d{12}Z)-[0-9a-f]+#e\d+")

_DOC = (
    "Journal des modifications : les ressources ajoutées, modifiées ou retirées, les plus "
    "récentes d'abord, en Atom ou en ActivityStreams 2.0 (Turtle, JSON-LD). / Change feed: "
    "resources added, changed or withdrawn, newest first, as Atom or ActivityStreams 2.0."
)


@router.get(
    "/changes",
    name="changes",
    summary="Flux des modifications / change feed",
    description=_DOC,
    response_class=Response,
)
async def change_feed(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    since: Annotated[
        str | None,
        Query(description="Date ISO 8601 : événements postérieurs / events after this time."),
    ] = None,
    after: Annotated[
        str | None,
        Query(description="Curseur : dernier événement de la page précédente / page cursor."),
    ] = None,
    per_page: Annotated[
        int, Query(ge=1, le=1000, description="Événements par page / events per page.")
    ] = DEFAULT_PER_PAGE,
    format: Annotated[
        Literal["atom", "turtle", "jsonld"] | None,
        Query(description="Remplace l'en-tête Accept / overrides Accept."),
    ] = None,
) -> Response:
    media_type = _negotiate(request, format)
    since_time = _since(since)
    cursor = _cursor(store, after)
    version = await engine.data_version(store)
    tag = caching.etag(version, "changes", media_type, since, after, per_page, str(request.url))
    headers = caching.cache_headers(tag, settings.cache_max_age)
    if caching.not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    found = await engine.in_thread(
        lambda: events(store, since=since_time, after=cursor, limit=per_page + 1)
    )
    page, more = found[:per_page], len(found) > per_page
    links = {"first": _url(request, after=None)}
    if more:
        links["next"] = _url(request, after=str(page[-1].iri))
    headers["Link"] = ", ".join(f'<{href}>; rel="{rel}"' for rel, href in links.items())
    if media_type == FORMATS["atom"]:
        body = _atom(request, store, page, links)
    else:
        body = _activities(request, store, page, links, _OX[media_type])
    return Response(body, media_type=media_type, headers=headers)


def _negotiate(request: Request, keyword: str | None) -> str:
    if keyword is not None:
        return FORMATS[keyword]
    chosen = choose(request.headers.get("accept"), list(FORMATS.values()))
    if chosen is None:
        listed = ", ".join(FORMATS.values())
        raise ApiProblem(
            f"Le flux des modifications existe en : {listed}.",
            f"The change feed is available as: {listed}.",
            status=406,
            code="not-acceptable",
            acceptable=list(FORMATS.values()),
        )
    return chosen


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ApiProblem(
            f"Paramètre « since » invalide : {text!r} n'est pas une date ISO 8601 "
            "(ex. 2026-01-31T12:00:00Z).",
            f"Invalid parameter “since”: {text!r} is not an ISO 8601 date-time "
            "(e.g. 2026-01-31T12:00:00Z).",
            code="invalid-parameter",
            parameter="since",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _cursor(store: Store, text: str | None) -> tuple[datetime, URIRef] | None:
    """The event a page starts after: its time is in its IRI (the commit's graph name)."""
    if text is None:
        return None
    prefix = changes_prefix(store)
    match = _EVENT.fullmatch(text.removeprefix(prefix)) if text.startswith(prefix) else None
    if match is None:
        raise ApiProblem(
            f"Paramètre « after » invalide : {text!r} n'est pas un événement du journal "
            "(prenez le lien « next » de la page précédente).",
            f"Invalid parameter “after”: {text!r} is not an event of the change log "
            "(follow the previous page's “next” link).",
            code="invalid-parameter",
            parameter="after",
        )
    when = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    return when, URIRef(text)


def _url(request: Request, *, after: str | None) -> str:
    """This request's URL with another cursor (other parameters kept)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
    if after is not None:
        params.append(("after", after))
    return str(request.url.replace(query=urlencode(params)))


def _page_of(request: Request, store: Store, resource: URIRef) -> str:
    """Where this site serves the resource: its IRI's path under the app (``/id/…``)."""
    iri = str(resource)
    if not iri.startswith(store.base):
        return iri
    return f"{str(request.base_url).rstrip('/')}/{iri[len(store.base) :]}"


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _atom(request: Request, store: Store, page: list[ChangeEvent], links: dict[str, str]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    sub(feed, "id", f"{store.base}changes")
    sub(feed, "title", "Modifications des ressources d'essgraph / essgraph resource changes")
    sub(feed, "updated", _stamp(page[0].time if page else datetime(1970, 1, 1, tzinfo=UTC)))
    author = sub(feed, "author")
    sub(author, "name", "essgraph")
    sub(feed, "link", rel="self", href=str(request.url))
    for rel, href in links.items():
        sub(feed, "link", rel=rel, href=href)
    for event in page:
        fr, en, said_fr, said_en = WORDS[event.kind]
        path = str(event.resource).removeprefix(store.base)
        graphs = ", ".join(str(g).removeprefix(store.base) for g in event.graphs)
        entry = sub(feed, "entry")
        sub(entry, "id", str(event.iri))
        sub(entry, "title", f"{said_fr} : {path} / {en}")
        sub(entry, "updated", _stamp(event.time))
        sub(entry, "published", _stamp(event.time))
        sub(entry, "link", rel="alternate", href=_page_of(request, store, event.resource))
        sub(entry, "link", rel="related", href=str(event.resource))
        sub(
            entry,
            "category",
            term=event.kind,
            label=f"{fr} / {en}",
            scheme=f"{store.base}changes#kind",
        )
        sub(
            entry,
            "summary",
            f"{said_fr} (graphes : {graphs} ; version {event.version}). "
            f"/ {said_en} (graphs: {graphs}; version {event.version}).",
        )
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _activities(
    request: Request,
    store: Store,
    page: list[ChangeEvent],
    links: dict[str, str],
    fmt: ox.RdfFormat,
) -> bytes:
    """The page as an ``as:OrderedCollectionPage`` whose ``as:items`` are the activities."""
    activity = {"added": "Create", "changed": "Update", "withdrawn": "Delete"}

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    here = iri(str(request.url))
    triples = [
        ox.Triple(here, iri(f"{_RDF}type"), iri(f"{AS}OrderedCollectionPage")),
        ox.Triple(here, iri(f"{AS}partOf"), iri(links["first"])),
    ]
    if "next" in links:
        triples.append(ox.Triple(here, iri(f"{AS}next"), iri(links["next"])))
    for event in page:
        node = iri(str(event.iri))
        _, _, said_fr, said_en = WORDS[event.kind]
        triples += [
            ox.Triple(here, iri(f"{AS}items"), node),
            ox.Triple(node, iri(f"{_RDF}type"), iri(f"{AS}{activity[event.kind]}")),
            ox.Triple(node, iri(f"{AS}object"), iri(str(event.resource))),
            ox.Triple(node, iri(f"{AS}url"), iri(_page_of(request, store, event.resource))),
            ox.Triple(
                node,
                iri(f"{AS}published"),
                ox.Literal(_stamp(event.time), datatype=iri(f"{XSD}dateTime")),
            ),
            ox.Triple(node, iri(f"{ESS}dataVersion"), ox.Literal(event.version)),
            ox.Triple(node, iri(f"{AS}summary"), ox.Literal(said_fr, language="fr")),
            ox.Triple(node, iri(f"{AS}summary"), ox.Literal(said_en, language="en")),
        ]
        triples += [ox.Triple(node, iri(f"{AS}target"), iri(str(g))) for g in event.graphs]
    body = ox.serialize(triples, format=fmt, prefixes={"as": AS, "ess": ESS, "xsd": XSD})
    assert body is not None  # noqa: S101 - no output given: bytes are returned
    return body
