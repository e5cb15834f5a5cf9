"""Turning a view into an HTML answer: the shared layout's context, the language switch,
schema.org JSON-LD, RDF alternates, and caching headers tied to the data version."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from api.caching import etag, not_modified
from api.html.site import Site
from api.i18n import Lang

TEMPLATES = Jinja2Templates(directory=str(resources.files("api").joinpath("templates")))

#: Language and format both change these pages (the /id routes negotiate on Accept).
VARY = "Accept, Accept-Language, Accept-Encoding"


@dataclass
class View:
    """What a page shows: its template, h1, the kind named above it, and schema.org data."""

    template: str
    title: str
    kind: str
    context: dict[str, Any] = field(default_factory=dict)
    jsonld: dict[str, Any] | None = None
    iri: str | None = None


def lang_switch_href(request: Request, other: Lang) -> str:
    """The same address in the other language (other parameters, e.g. ``page``, kept)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", other))
    return f"{request.url.path}?{urlencode(params)}"


def script_json(data: dict[str, Any]) -> str:
    """JSON safe inside a <script> element (no ``</`` can close it early)."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def etag_for(request: Request, data_version: str, *parts: object) -> str:
    """The page's ETag: data version, path, language and query parameters."""
    return etag(
        data_version, "html", request.url.path, sorted(request.query_params.multi_items()), *parts
    )


def cached(tag: str, max_age: int) -> dict[str, str]:
    return {"ETag": tag, "Cache-Control": f"public, max-age={max_age}", "Vary": VARY}


def unchanged(request: Request, tag: str, max_age: int) -> Response | None:
    """A 304 when the client already holds this version of the page."""
    if not_modified(request, tag):
        return Response(status_code=304, headers=cached(tag, max_age))
    return None


def html_page(
    request: Request,
    site: Site,
    view: View,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    lang = site.lang
    other: Lang = "en" if lang == "fr" else "fr"
    context: dict[str, Any] = {
        "lang": lang,
        "other": other,
        "t": site.t,
        "site": site,
        "view": view,
        "lang_href": lang_switch_href(request, other),
        "alternates": site.alternates(view.iri) if view.iri else [],
        "jsonld": script_json(view.jsonld) if view.jsonld else None,
        **view.context,
    }
    return TEMPLATES.TemplateResponse(
        request,
        view.template,
        context,
        status_code=status,
        headers=headers or {"Vary": VARY, "Cache-Control": "no-cache"},
    )
