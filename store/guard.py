"""Checks a public query's text before any engine parses it.

Oxigraph's parser and evaluator recurse over the query: deeply nested groups, brackets or
long operator chains overflow the stack and kill the process (measured: see
``DEFAULT_MAX_NESTING``), and the Oxigraph server has no other defence. So the text is
scanned here first: size, nesting depth, read-only forms, SERVICE endpoints, token count.

The scanner is deliberately stricter than ``sparql_text.tokens``: it must never see *less*
nesting than the engine does, so it ends comments at ``\\r`` too, accepts ``\\u`` escapes in
IRIs (as the engine does), counts brackets inside IRIs, and refuses the one construct the
two could read differently (an IRI-looking ``<…#…>`` that the engine may read as a
less-than followed by a comment).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from .base import QueryRejected
from .errors import QuerySyntaxError
from .sparql_text import QueryForm

#: pyoxigraph 0.5.13 crashed (SIGSEGV, stack overflow) at 2,195 nested ``{`` on an 8 MiB
#: thread stack, 4,694 nested ``(``, 3,444 nested ``[``; the default stays far below.
DEFAULT_MAX_NESTING = 40
#: Tokens (words, IRIs, brackets) a query may hold.
DEFAULT_MAX_TOKENS = 20_000
#: Binary operators (``+ - * / | & ! = < >`` and ``UNION``) a query may hold: flat chains
#: build deep operator trees that overflow the stack too. Measured crashes (pyoxigraph and
#: the Oxigraph server alike): 6,550 ``UNION``, 6,941 ``+``, 8,210 ``/`` in a path, 9,382
#: ``&&``; nested ``FILTER EXISTS`` already at 833, groups at 2,195, ``(`` at 4,694.
DEFAULT_MAX_OPERATORS = 3_000
_OPERATOR_CHARS = frozenset("+-*/|&!=<>")

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_OPEN, _CLOSE = "{([", "})]"

# The SPARQL IRIREF production, with the \u and \U escapes the engine accepts.
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_SAFE_HASH_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*://")
_WORD = re.compile(r"[^\s{}()\[\],;\"'<>#]+")
_PREFIXED = re.compile(r"([A-Za-z][\w.\-]*)?:(\S*)")


@dataclass(frozen=True)
class _Tok:
    text: str  # a bracket, a word, or an IRI with its <>
    depth: int  # nesting depth the token sits at (brackets of every kind count)


def check_query(
    text: str,
    *,
    max_bytes: int,
    max_nesting: int = DEFAULT_MAX_NESTING,
    service_allowlist: Iterable[str] = (),
    max_tokens: int = DEFAULT_MAX_TOKENS,
    max_operators: int = DEFAULT_MAX_OPERATORS,
) -> QueryForm:
    """The query's form, or QueryRejected (``reason`` says why) / QuerySyntaxError.

    Reasons: ``size``, ``nesting``, ``tokens``, ``operators``, ``ambiguous``, ``update`` (the public
    endpoint is read-only: answer 403), ``service``.
    """
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _rejected(
            "encoding",
            "Le texte de la requête n'est pas de l'Unicode valide.",
            "The query text is not valid Unicode.",
        ) from None
    if size > max_bytes:
        raise _rejected(
            "size",
            f"Requête trop longue : {size} octets, au plus {max_bytes}.",
            f"Query too long: {size} bytes, at most {max_bytes}.",
        )
    toks = _scan(text, max_nesting, max_tokens, max_operators)
    top = [t.text.upper() for t in toks if t.depth == 0]
    updates = sorted(UPDATE_KEYWORDS.intersection(top))
    if updates:
        raise _rejected(
            "update",
            f"Le point d'accès public est en lecture seule ({', '.join(updates)} refusé).",
            f"The public endpoint is read-only ({', '.join(updates)} refused).",
        )
    form = next((word for word in top if word in _FORMS), None)
    if form is None:
        raise QuerySyntaxError(
            "Requête SPARQL invalide : aucune forme de requête (SELECT, ASK, CONSTRUCT, "
            "DESCRIBE) trouvée.",
            "Invalid SPARQL query: no query form (SELECT, ASK, CONSTRUCT, DESCRIBE) found.",
        )
    _check_services(toks, frozenset(service_allowlist))
    return form  # type: ignore[return-value]


def _scan(query: str, max_nesting: int, max_tokens: int, max_operators: int) -> list[_Tok]:
    """Tokens with their depth, refusing excessive depth or length as soon as it is seen.

    Operators are counted inside words too: ``1+1+1`` or ``ex:a/ex:b`` is a single word.
    """
    out: list[_Tok] = []
    depth = 0
    operators = 0
    i, n = 0, len(query)

    def deeper(level: int) -> None:
        if level > max_nesting:
            raise _rejected(
                "nesting",
                f"Requête trop imbriquée : plus de {max_nesting} niveaux de {{ ( [.",
                f"Query nested too deeply: more than {max_nesting} levels of {{ ( [.",
            )

    while i < n:
        if operators > max_operators:
            raise _rejected(
                "operators",
                f"Requête trop complexe : plus de {max_operators} opérateurs.",
                f"Query too complex: more than {max_operators} operators.",
            )
        if len(out) > max_tokens:
            raise _rejected(
                "tokens",
                f"Requête trop complexe : plus de {max_tokens} éléments.",
                f"Query too complex: more than {max_tokens} tokens.",
            )
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "#":
            i = _line_end(query, i)
        elif c in "\"'":
            i = _skip_string(query, i)
        elif c == "<" and (match := _IRI.match(query, i)):
            iri = match.group()
            if "#" in iri and not _SAFE_HASH_IRI.match(iri):
                raise _rejected(
                    "ambiguous",
                    f"IRI ambiguë {iri} : écrivez-la en entier (schéma://…) ou avec un préfixe.",
                    f"Ambiguous IRI {iri}: write it in full (scheme://…) or with a prefix.",
                )
            # brackets inside an IRI count while it lasts: the engine may read them as syntax
            local = peak = 0
            for ch in iri:
                if ch in "([":
                    local += 1
                    peak = max(peak, local)
                elif ch in ")]":
                    local = max(0, local - 1)
            deeper(depth + peak)
            out.append(_Tok(iri, depth))
            i = match.end()
        elif c in _OPEN:
            out.append(_Tok(c, depth))
            depth += 1
            deeper(depth)
            i += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
            out.append(_Tok(c, depth))
            i += 1
        elif word := _WORD.match(query, i):
            text = word.group()
            operators += sum(ch in _OPERATOR_CHARS for ch in text) + (text.upper() == "UNION")
            out.append(_Tok(text, depth))
            i = word.end()
        else:
            operators += c in _OPERATOR_CHARS  # "<" or ">" as comparison
            i += 1  # or ",", ";"
    return out


def _line_end(query: str, i: int) -> int:
    """End of a comment: the engine stops at \\r or \\n."""
    ends = [k for k in (query.find("\n", i), query.find("\r", i)) if k >= 0]
    return min(ends) + 1 if ends else len(query)


def _skip_string(query: str, i: int) -> int:
    """Index just past the string literal opening at ``i`` (short or long, with escapes)."""
    quote = query[i]
    delim = quote * 3 if query.startswith(quote * 3, i) else quote
    j, n = i + len(delim), len(query)
    while j < n:
        if query[j] == "\\":
            j += 2
        elif query.startswith(delim, j):
            return j + len(delim)
        elif len(delim) == 1 and query[j] in "\r\n":
            return j  # unterminated short string: the engine will refuse it
        else:
            j += 1
    return n


def _check_services(toks: list[_Tok], allowlist: frozenset[str]) -> None:
    """SERVICE only towards allowlisted endpoints, named by IRI (never by a variable)."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    for k, tok in enumerate(toks):
        word = tok.text.upper()
        if word == "PREFIX" and k + 2 < len(toks) and toks[k + 2].text.startswith("<"):
            prefixes[toks[k + 1].text.rstrip(":")] = _iri_text(toks[k + 2].text, base)
        elif word == "BASE" and k + 1 < len(toks) and toks[k + 1].text.startswith("<"):
            base = _iri_text(toks[k + 1].text, base)
        elif word == "SERVICE":
            target = toks[k + 1].text if k + 1 < len(toks) else ""
            if target.upper() == "SILENT":
                target = toks[k + 2].text if k + 2 < len(toks) else ""
            endpoint = _resolve(target, prefixes, base)
            if endpoint is None or endpoint not in allowlist:
                shown = endpoint or target or "?"
                raise _rejected(
                    "service",
                    f"SERVICE {shown} refusé : ce point d'accès n'interroge pas d'autres "
                    "services que ceux autorisés par le déploiement.",
                    f"SERVICE {shown} refused: this endpoint only calls the services its "
                    "deployment allows.",
                )


def _iri_text(token: str, base: str | None) -> str:
    iri = token[1:-1]
    return urljoin(base, iri) if base else iri


def _resolve(target: str, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI a SERVICE names, or None for a variable or an unknown prefix."""
    if target.startswith("<"):
        return _iri_text(target, base)
    match = _PREFIXED.fullmatch(target)
    if match and (match.group(1) or "") in prefixes:
        return prefixes[match.group(1) or ""] + match.group(2)
    return None


def _rejected(reason: str, message_fr: str, message_en: str) -> QueryRejected:
    return QueryRejected(message_fr, message_en, reason=reason)
