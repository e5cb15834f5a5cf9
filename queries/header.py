"""Read a `.rq` file's grlc-style ``#+`` YAML header, strictly: unknown keys, missing
translations, unknown parameter types, undeclared variables and bad defaults all fail.

A malformed header is a bug in the library, so it fails loudly (HeaderError) rather than
hiding a query from the catalogue. The grammar (every key below; no other is accepted)::

    #+ title: {fr: …, en: …}
    #+ description: {fr: …, en: …}
    #+ tags: [leviers, levers]
    #+ parameters:                      # optional
    #+   - name: lever                   # the query's ?lever
    #+     type: concept:levers          # concept:<scheme> | collectivity | practice | iri
    #+                                   # | string | integer | year | lang
    #+     default: L5                   # optional; none and no value = unbound ("all")
    #+     allowed: [L5, L5.1]           # optional; a concept type defaults to its scheme
    #+     required: false
    #+     description: {fr: …, en: …}
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ontology import DEFAULT_BASE
from store.sparql_text import query_form

from .errors import HeaderError, ParameterError
from .named import NamedQuery
from .params import Parameter, is_known_type

_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_PARAM_NAME = re.compile(r"[a-z][a-z0-9_]*")
_TOP_KEYS = {"title", "description", "tags", "parameters"}
_PARAM_KEYS = {"name", "type", "default", "allowed", "description", "required"}
_LANGS = {"fr", "en"}


def split_header(source: str) -> tuple[str, str]:
    """The header's YAML text (``#+`` removed) and the query text after it."""
    lines = source.splitlines(keepends=True)
    header: list[str] = []
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index used after the loop
        if not line.startswith("#+"):
            break
        text = line[2:]
        header.append(text[1:] if text.startswith(" ") else text)
    else:
        index = len(lines)
    return "".join(header), "".join(lines[index:]).lstrip("\n")


def parse(name: str, source: str) -> NamedQuery:
    """A NamedQuery from a file's name (without ``.rq``) and text."""
    where = f"{name}.rq"
    if not _NAME.fullmatch(name):
        raise _fail(where, "nom de fichier invalide", "invalid file name")
    yaml_text, text = split_header(source)
    if not yaml_text.strip():
        raise _fail(where, "en-tête #+ absent", "missing #+ header")
    try:
        doc = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise _fail(where, f"YAML invalide ({exc})", f"invalid YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise _fail(where, "l'en-tête doit être un dictionnaire", "the header must be a mapping")
    _keys(
        where, "en-tête / header", doc, required={"title", "description", "tags"}, allowed=_TOP_KEYS
    )
    title = _bilingual(where, "title", doc["title"])
    description = _bilingual(where, "description", doc["description"])
    tags = doc["tags"]
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and t for t in tags):
        raise _fail(where, "tags : liste de textes", "tags: a list of strings")
    raw_params = doc.get("parameters") or []
    if not isinstance(raw_params, list):
        raise _fail(where, "parameters : une liste", "parameters: a list")
    params = tuple(_parameter(where, item, text) for item in raw_params)
    if len({p.name for p in params}) != len(params):
        raise _fail(where, "paramètre déclaré deux fois", "parameter declared twice")
    form = query_form(text)
    if form is None:
        raise _fail(where, "forme de requête introuvable", "query form not found")
    return NamedQuery(name, title, description, tuple(tags), params, text, form)


def _parameter(where: str, item: Any, text: str) -> Parameter:
    if not isinstance(item, dict):
        raise _fail(where, "paramètre : un dictionnaire", "parameter: a mapping")
    name = item.get("name")
    label = f"paramètre {name!r} / parameter {name!r}"
    _keys(
        where,
        label,
        item,
        required={"name", "type", "description", "required"},
        allowed=_PARAM_KEYS,
    )
    if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
        raise _fail(
            where, f"nom de paramètre invalide {name!r}", f"invalid parameter name {name!r}"
        )
    if not re.search(rf"[?$]{name}\b", text):
        raise _fail(
            where,
            f"la variable ?{name} n'apparaît pas dans la requête",
            f"variable ?{name} does not appear in the query",
        )
    kind = item["type"]
    if not isinstance(kind, str) or not is_known_type(kind):
        raise _fail(where, f"{label} : type inconnu {kind!r}", f"{label}: unknown type {kind!r}")
    if not isinstance(item["required"], bool):
        raise _fail(where, f"{label} : required est booléen", f"{label}: required is a boolean")
    default = item.get("default")
    if default is not None and not isinstance(default, str | int):
        raise _fail(where, f"{label} : default invalide", f"{label}: invalid default")
    allowed = item.get("allowed")
    if allowed is not None and (
        not isinstance(allowed, list)
        or not allowed
        or not all(isinstance(a, str | int) for a in allowed)
    ):
        raise _fail(where, f"{label} : allowed est une liste", f"{label}: allowed is a list")
    param = Parameter(
        name=name,
        type=kind,
        description=_bilingual(where, f"{name}.description", item["description"]),
        default=None if default is None else str(default),
        allowed=None if allowed is None else tuple(str(a) for a in allowed),
        required=item["required"],
    )
    # Defaults and allowed values must themselves be valid values.
    try:
        for value in (*(param.allowed or ()), *([param.default] if param.default else [])):
            param.to_term(value, DEFAULT_BASE)
    except ParameterError as exc:
        raise _fail(where, exc.message_fr, exc.message_en) from exc
    return param


def _keys(
    where: str, label: str, doc: dict[str, Any], *, required: set[str], allowed: set[str]
) -> None:
    unknown = sorted(set(doc) - allowed)
    missing = sorted(required - set(doc))
    if unknown:
        raise _fail(where, f"{label} : clé inconnue {unknown}", f"{label}: unknown key {unknown}")
    if missing:
        raise _fail(where, f"{label} : clé manquante {missing}", f"{label}: missing key {missing}")


def _bilingual(where: str, key: str, value: Any) -> dict[str, str]:
    if (
        not isinstance(value, dict)
        or set(value) != _LANGS
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise _fail(where, f"{key} : fr et en requis", f"{key}: exactly fr and en required")
    return {"fr": value["fr"].strip(), "en": value["en"].strip()}


def _fail(where: str, fr: str, en: str) -> HeaderError:
    return HeaderError(f"{where} : {fr}", f"{where}: {en}")
