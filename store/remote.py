"""The remote backend: any SPARQL 1.1 endpoint, queried over the SPARQL protocol.

Queries go through SPARQLWrapper (JSON results, Turtle graphs); writes are single SPARQL
Update requests posted with httpx, built by the same code as the embedded backend so both
make the same atomicity promise (held by engines that run one request as one transaction,
as Oxigraph does).
"""

from __future__ import annotations

import ast
import io
import math
import time
import urllib.error
import uuid
import warnings
from collections.abc import Iterable, Iterator
from typing import IO, Any, cast
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import XSD
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from . import sparql_text
from .base import (
    GRAPH_MEDIA_TYPES,
    Bindings,
    ExportFormat,
    GraphInfo,
    QueryTimeout,
    SelectResult,
    SerializedResult,
    Store,
    Term,
    check_media_type,
)
from .embedded import EXPORT_FORMATS, RESULT_FORMATS, serialize_answer
from .errors import QuerySyntaxError, StoreError, StoreUnavailable
from .terms import to_oxigraph

#: A graph no store holds: named as the default graph when the public dataset is empty, so
#: the server does not fall back to its own dataset (GRAPH ?g does not see it).
EMPTY_DATASET = URIRef("urn:x-essgraph:empty-dataset")
_PLAIN_DATATYPES = {str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


def default_update_url(query_url: str) -> str:
    """Oxigraph and Fuseki serve updates next to queries: ``…/query`` → ``…/update``."""
    if query_url.endswith("/query"):
        return query_url[: -len("query")] + "update"
    return query_url


class RemoteStore(Store):
    """A SPARQL endpoint; the public default graph is set with protocol dataset parameters."""

    def __init__(
        self, base: str, query_url: str, update_url: str | None = None, timeout: float = 30.0
    ) -> None:
        super().__init__(base)
        self.query_url = query_url
        self.update_url = update_url or default_update_url(query_url)
        self.timeout = timeout
        self._http = httpx.Client(timeout=timeout)

    # -- writes -------------------------------------------------------------------------
    def _write_ntriples(self, texts: dict[URIRef, str], version: str) -> None:
        self._update(sparql_text.replace_graphs_update(texts, self.system_graph, version))

    def drop_graph(self, graph: URIRef) -> bool:
        self._check_writable(graph)
        if graph not in self.named_graphs():
            return False
        self._update(sparql_text.drop_graph_update(graph, self.system_graph, uuid.uuid4().hex))
        return True

    def _update(self, update: str) -> None:
        try:
            response = self._http.post(
                self.update_url,
                content=update.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except httpx.TransportError as exc:
            raise self._unavailable(self.update_url, exc) from exc
        if response.status_code >= 400:
            detail = response.text.strip()[:500]
            raise StoreError(
                f"Écriture refusée par {self.update_url} ({response.status_code}) : {detail}",
                f"Write refused by {self.update_url} ({response.status_code}): {detail}",
                code="write-failed",
            )

    # -- reads --------------------------------------------------------------------------
    def named_graphs(self) -> list[URIRef]:
        rows = self._select_json(sparql_text.NAMED_GRAPHS_QUERY, "SELECT", None)
        return sorted(t for row in rows for t in [row.get("g")] if isinstance(t, URIRef))

    def graph_sizes(self) -> list[GraphInfo]:
        sizes = dict.fromkeys(self.named_graphs(), 0)
        for row in self._select_json(sparql_text.GRAPH_SIZES_QUERY, "SELECT", None):
            graph, count = row.get("g"), row.get("n")
            if isinstance(graph, URIRef) and count is not None:
                sizes[graph] = int(count)
        return [GraphInfo(g, n) for g, n in sorted(sizes.items())]

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> SelectResult:
        sparql_text.expect_form(query, "SELECT")
        text = sparql_text.bind_values(query, bindings)
        raw = self._run(text, "SELECT", self._dataset(default_graph))
        if "results" not in raw:
            raise StoreError(
                "Réponse inattendue du point d'accès.",
                "Unexpected answer from the endpoint.",
                code="query-failed",
            )
        variables = list(raw.get("head", {}).get("vars", []))
        rows = [
            {name: _term(value) for name, value in solution.items()}
            for solution in raw["results"]["bindings"]
        ]
        return SelectResult(variables, rows)

    def ask(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> bool:
        sparql_text.expect_form(query, "ASK")
        text = sparql_text.bind_values(query, bindings)
        raw = self._run(text, "ASK", self._dataset(default_graph))
        return bool(raw.get("boolean"))

    def construct(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        default_graph: Iterable[URIRef] | None = None,
    ) -> Graph:
        form = sparql_text.expect_form(query, "CONSTRUCT", "DESCRIBE") or "CONSTRUCT"
        text = sparql_text.bind_values(query, bindings)
        body = self._run(text, form, self._dataset(default_graph))
        graph = Graph()
        graph.parse(data=body, format="turtle")
        return graph

    def query_serialized(
        self,
        query: str,
        media_type: str,
        *,
        bindings: Bindings | None = None,
        default_graph: Iterable[URIRef] | None = None,
        named_graphs: Iterable[URIRef] | None = None,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SerializedResult:
        """One protocol request with our own deadline on it (the remote engine's timeout may
        be longer or absent). The answer is stream-parsed by pyoxigraph, cut at the row cap
        (the response is closed there) and written in ``media_type`` by the same code as the
        embedded backend: results are asked as the media type itself when pyoxigraph can read
        it (JSON, XML, TSV; CSV is asked as TSV), graphs as N-Triples."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        form = sparql_text.query_form(query)
        if form is not None:
            check_media_type(form, media_type)
        bare = media_type.split(";", 1)[0].strip().lower()
        graph_answer = form in ("CONSTRUCT", "DESCRIBE") or (
            form is None and bare in GRAPH_MEDIA_TYPES
        )
        if graph_answer:
            wire = "application/n-triples"
        elif bare in ("application/sparql-results+json", "application/sparql-results+xml"):
            wire = bare
        else:
            wire = "text/tab-separated-values"
        text = sparql_text.bind_values(query, bindings)
        default, named = self.public_dataset(default_graph, named_graphs)
        if not default and not named:
            default = [EMPTY_DATASET]
        form_data = [("query", text)]
        form_data += [("default-graph-uri", str(g)) for g in default]
        form_data += [("named-graph-uri", str(g)) for g in named]
        try:
            with self._http.stream(
                "POST",
                self.query_url,
                content=urlencode(form_data).encode("ascii"),
                headers={"Accept": wire, "Content-Type": "application/x-www-form-urlencoded"},
                timeout=httpx.Timeout(max(0.001, deadline - time.monotonic())),
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise self._query_refused(response)
                body = _Body(response.iter_bytes(), deadline)
                stream = cast(IO[bytes], body)  # a RawIOBase: pyoxigraph only calls read()
                try:
                    parsed: Any
                    if graph_answer:
                        parsed = (q.triple for q in ox.parse(stream, ox.RdfFormat.N_TRIPLES))
                    else:
                        parsed = ox.parse_query_results(stream, RESULT_FORMATS[wire])
                    return serialize_answer(parsed, form, media_type, max_rows, deadline, limit)
                except (SyntaxError, OSError, ValueError) as exc:
                    if body.timed_out:
                        raise QueryTimeout(limit) from exc
                    raise StoreError(
                        f"Réponse illisible de {self.query_url} : {exc}",
                        f"Unreadable answer from {self.query_url}: {exc}",
                        code="query-failed",
                    ) from exc
                except StoreError as exc:  # serialize_answer wraps the reader's error
                    if body.timed_out:
                        raise QueryTimeout(limit) from exc
                    raise
        except httpx.TimeoutException as exc:
            raise QueryTimeout(limit) from exc
        except httpx.TransportError as exc:
            raise self._unavailable(self.query_url, exc) from exc

    def _query_refused(self, response: httpx.Response) -> StoreError:
        detail = response.text.strip()[:500]
        if response.status_code == 400:
            return QuerySyntaxError(
                f"Requête SPARQL invalide : {detail}", f"Invalid SPARQL query: {detail}"
            )
        return StoreError(
            f"Échec de la requête sur {self.query_url} ({response.status_code}) : {detail}",
            f"Query failed on {self.query_url} ({response.status_code}): {detail}",
            code="query-failed",
        )

    def _dataset(self, default_graph: Iterable[URIRef] | None) -> tuple[list[URIRef], list[URIRef]]:
        """(default-graph-uri, named-graph-uri) lists.

        The protocol replaces the whole dataset once either list is given, so every named
        graph is listed too, keeping ``GRAPH ?g`` able to see staging graphs, as embedded.
        The system graph is always named so the dataset is never left to the server's default.
        """
        named = self.named_graphs()
        default = (
            [g for g in named if self.is_public(g)]
            if default_graph is None
            else list(default_graph)
        )
        if self.system_graph not in named:
            named.append(self.system_graph)
        return default, named

    def _select_json(
        self, query: str, form: str, dataset: tuple[list[URIRef], list[URIRef]] | None
    ) -> list[dict[str, Term]]:
        raw = self._run(query, form, dataset)
        return [
            {name: _term(value) for name, value in solution.items()}
            for solution in raw["results"]["bindings"]
        ]

    def _run(self, query: str, form: str, dataset: tuple[list[URIRef], list[URIRef]] | None) -> Any:
        """One protocol request: JSON for SELECT/ASK, Turtle bytes for CONSTRUCT/DESCRIBE."""
        client = SPARQLWrapper(self.query_url)
        client.setMethod(POST)  # many graph URIs and long queries do not fit in a URL
        client.setOnlyConneg(True)  # no format=/output= parameters, the Accept header is enough
        client.setTimeout(max(1, math.ceil(self.timeout)))
        with warnings.catch_warnings():
            # SPARQLWrapper guesses the form with a regex and warns when it cannot (BASE, …);
            # the form is set below from our own scanner, which skips comments and strings.
            warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"SPARQLWrapper")
            client.setQuery(query)
        client.queryType = form
        client.setReturnFormat(JSON if form in ("SELECT", "ASK") else TURTLE)
        if dataset is not None:
            default, named = dataset
            for graph in default:
                client.addDefaultGraph(str(graph))
            for graph in named:
                client.addNamedGraph(str(graph))
        try:
            result = client.query()
            try:
                return result.convert()
            finally:
                result.response.close()  # urllib leaves the socket open otherwise
        except QueryBadFormed as exc:
            detail = _server_message(exc)
            raise QuerySyntaxError(
                f"Requête SPARQL invalide : {detail}", f"Invalid SPARQL query: {detail}"
            ) from exc
        except SPARQLWrapperException as exc:
            raise StoreError(
                f"Échec de la requête sur {self.query_url} : {_server_message(exc)}",
                f"Query failed on {self.query_url}: {_server_message(exc)}",
                code="query-failed",
            ) from exc
        except urllib.error.HTTPError as exc:
            raise StoreError(
                f"Échec de la requête sur {self.query_url} : HTTP {exc.code}",
                f"Query failed on {self.query_url}: HTTP {exc.code}",
                code="query-failed",
            ) from exc
        except OSError as exc:  # URLError, refused connection, timeout, reset
            raise self._unavailable(self.query_url, exc) from exc

    def _unavailable(self, url: str, exc: BaseException) -> StoreUnavailable:
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        return StoreUnavailable(
            f"Le point d'accès SPARQL {url} est injoignable : {reason}",
            f"The SPARQL endpoint {url} cannot be reached: {reason}",
        )

    # -- export and bookkeeping ---------------------------------------------------------
    def export(self, out: IO[bytes], fmt: ExportFormat = "nq", *, public_only: bool = True) -> None:
        """Written by pyoxigraph's serialiser, like the embedded export (rdflib 7.6's TriG
        serialiser calls its own deprecated ``Dataset.contexts`` and warns)."""
        graphs = self.public_graphs() if public_only else self.named_graphs()
        rows = (
            self._select_json(sparql_text.ALL_QUADS_QUERY, "SELECT", ([], graphs))
            if graphs  # with no named-graph-uri the server would pick its own dataset
            else []
        )
        # grouped by graph, so TriG writes each graph once
        quads = sorted((_quad(row) for row in rows), key=lambda q: str(q.graph_name))
        ox.serialize(quads, out, EXPORT_FORMATS[fmt])

    def data_version(self) -> str:
        rows = self._select_json(sparql_text.read_version_query(self.system_graph), "SELECT", None)
        versions = sorted(str(row["version"]) for row in rows if "version" in row)
        if not versions:
            # First use of this endpoint: set a version; not a change of the data.
            self._update(sparql_text.init_version_update(self.system_graph, uuid.uuid4().hex))
            return self.data_version()
        return versions[0]

    def close(self) -> None:
        self._http.close()


class _Body(io.RawIOBase):
    """A streamed response body as a file pyoxigraph can parse, stopped at the deadline."""

    def __init__(self, chunks: Iterator[bytes], deadline: float) -> None:
        super().__init__()
        self._chunks = chunks
        self._deadline = deadline
        self._pending = b""
        self.timed_out = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if time.monotonic() > self._deadline:
            self.timed_out = True
            raise TimeoutError("deadline passed while reading the answer")
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.TimeoutException as exc:
                self.timed_out = True
                raise TimeoutError("deadline passed while reading the answer") from exc
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _term(value: dict[str, str]) -> Term:
    """A SPARQL JSON results term as an rdflib term (``xsd:string`` as a plain literal)."""
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return RDFLiteral(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype not in _PLAIN_DATATYPES:
            return RDFLiteral(value["value"], datatype=URIRef(datatype))
        return RDFLiteral(value["value"])
    raise StoreError(
        f"Terme non pris en charge dans un résultat : {value!r}",
        f"Unsupported term in a result: {value!r}",
        code="unsupported-term",
    )


def _quad(row: dict[str, Term]) -> ox.Quad:
    subject, predicate, obj, graph = (to_oxigraph(row[k]) for k in ("s", "p", "o", "g"))
    if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
        raise StoreError(
            f"Triplet invalide renvoyé par le point d'accès : {row!r}",
            f"Invalid triple returned by the endpoint: {row!r}",
            code="unsupported-term",
        )
    if not isinstance(graph, ox.NamedNode):
        raise StoreError(
            f"Nom de graphe invalide : {row['g']!r}",
            f"Invalid graph name: {row['g']!r}",
            code="unsupported-term",
        )
    return ox.Quad(subject, predicate, obj, graph)


def _server_message(exc: SPARQLWrapperException) -> str:
    """The endpoint's own error text, which SPARQLWrapper only keeps inside its message."""
    text = str(exc)
    marker = "Response:\n"
    if marker not in text:
        return text
    raw = text.split(marker, 1)[1]
    try:
        body = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
