"""Pages of a SELECT named query: the query becomes a subquery under LIMIT/OFFSET,
projecting the same variables in the same order.

Bindings are applied first (the store's VALUES block, escaped terms) so they stay inside the
original WHERE group; the prologue (BASE, PREFIX) stays in front of the outer query. Asking
for one row more than the page tells whether a next page exists.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.datastructures import URL, QueryParams

from store import Term
from store.sparql_text import bind_values, tokens


def prologue_end(text: str) -> int:
    """Index where the query proper starts, after its BASE and PREFIX declarations."""
    words = tokens(text)
    i = 0
    while i < len(words) and words[i].text.upper() in ("PREFIX", "BASE"):
        i += 2 if words[i].text.upper() == "PREFIX" else 1
    return words[i].start if i < len(words) else len(text)


def paged_text(text: str, bindings: Mapping[str, Term] | None, *, limit: int, offset: int) -> str:
    """``text`` with its bindings, limited to ``limit`` rows from ``offset``."""
    return _paged(text, tuple((bindings or {}).items()), int(limit), int(offset))


@functools.lru_cache(maxsize=1024)
def _paged(text: str, bindings: tuple[tuple[str, Term], ...], limit: int, offset: int) -> str:
    """Kept per text and values: scanning the text is most of a small query's cost here."""
    bound = bind_values(text, dict(bindings))
    start = prologue_end(bound)
    return (
        f"{bound[:start]}SELECT {projection(bound)} WHERE {{\n{bound[start:]}\n}}\n"
        f"LIMIT {int(limit)} OFFSET {int(offset)}\n"
    )


def projection(text: str) -> str:
    """The variables a SELECT projects, in order (``*`` if it says so): the outer query
    names them, since ``SELECT *`` over a subquery may order the columns differently."""
    names: list[str] = []
    depth = 0
    after_as = False
    seen_select = False
    for token in tokens(text):
        word = token.text
        if not seen_select:
            seen_select = word.upper() == "SELECT"
            continue
        if word == "{" or (depth == 0 and word.upper() == "WHERE"):
            break
        if word == "(":
            depth += 1
        elif word == ")":
            depth -= 1
        elif word == "*" and depth == 0:
            return "*"
        elif word[:1] in "?$" and (depth == 0 or after_as):
            names.append("?" + word[1:])
        after_as = word.upper() == "AS"
    return " ".join(names) or "*"


def link_header(url: URL, page: int, per_page: int, has_next: bool) -> str:
    """RFC 8288 ``Link`` with first, prev and next pages (next only when rows remain)."""
    params = [
        (k, v) for k, v in QueryParams(url.query).multi_items() if k not in ("page", "per_page")
    ]

    def at(number: int) -> str:
        query = urlencode([*params, ("page", str(number)), ("per_page", str(per_page))])
        return str(url.replace(query=query))

    links = [f'<{at(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{at(page - 1)}>; rel="prev"')
    if has_next:
        links.append(f'<{at(page + 1)}>; rel="next"')
    return ", ".join(links)
