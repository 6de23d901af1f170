"""Any SPARQL 1.1 Protocol server as a store (`--endpoint URL`).

- `--timeout` seconds for the whole of each request (graph.http: a total deadline, a
  size cap, redirects only within the endpoint's origin); HTTP basic credentials from
  the environment variables COPROD_KG_ENDPOINT_USER and COPROD_KG_ENDPOINT_PASSWORD
  (never from the command line, where other users of the machine could read them).
- Read-only requests are retried a bounded number of times with exponential backoff
  when the server could not have run them: connection refused, HTTP 429, 502 and 503.
  A timeout, a 500 or a 504 is not retried: the query may still be running there, and
  retrying would multiply it.
- Every fault becomes an EndpointError: one line naming the endpoint (exit 2).
- `--update-endpoint` and `--gsp-endpoint` default to the conventional siblings of the
  query URL (see `sibling_endpoints`).
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from coprod_kg.errors import EndpointError, InputError
from coprod_kg.graph import http
from coprod_kg.graph.guard import check_read_only_query
from coprod_kg.graph.results import QueryResult, canonical_lexical, then_applied
from coprod_kg.settings import Settings

USER_VARIABLE = "COPROD_KG_ENDPOINT_USER"
PASSWORD_VARIABLE = "COPROD_KG_ENDPOINT_PASSWORD"
ATTEMPTS = 3  # read-only requests: the first try and two retries
BACKOFF_SECONDS = 0.25  # doubled after each failed attempt
RETRIED_STATUS = {429, 502, 503}
SPARQL_RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

T = TypeVar("T")


class TransientError(Exception):
    """A failure worth retrying; its message is already the one-line diagnosis."""


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    gsp: str


def sibling_endpoints(query_url: str, update_url: str | None = None,
                      gsp_url: str | None = None) -> Endpoints:
    """The query, update and Graph Store URLs: explicit ones, else siblings of the query URL.

    `.../query` or `.../sparql` -> `.../update` and `.../store` (Oxigraph, and Fuseki's
    update); GraphDB's `.../repositories/ID` -> `.../statements` and `.../rdf-graphs/service`.
    Other layouts must give --update-endpoint / --gsp-endpoint explicitly when needed.
    """
    base, _, last = query_url.rstrip("/").rpartition("/")
    if last in ("query", "sparql"):
        guessed_update, guessed_gsp = f"{base}/update", f"{base}/store"
    elif base.endswith("/repositories"):
        guessed_update = f"{query_url.rstrip('/')}/statements"
        guessed_gsp = f"{query_url.rstrip('/')}/rdf-graphs/service"
    else:
        guessed_update = guessed_gsp = ""
    update = update_url or guessed_update
    gsp = gsp_url or guessed_gsp
    return Endpoints(query_url, update, gsp)


def credentials_from_environment() -> tuple[str, str] | None:
    user = os.environ.get(USER_VARIABLE)
    if not user:
        return None
    return user, os.environ.get(PASSWORD_VARIABLE, "")


def basic_auth_header(credentials: tuple[str, str] | None) -> dict[str, str]:
    if credentials is None:
        return {}
    token = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def with_retries(action: Callable[[], T], *, attempts: int = ATTEMPTS,
                 backoff: float = BACKOFF_SECONDS) -> T:
    """Run a read-only request, retrying TransientError with exponential backoff."""
    for attempt in range(attempts):
        try:
            return action()
        except TransientError as error:
            if attempt == attempts - 1:
                raise EndpointError(f"{error} (after {attempts} attempts)") from None
            time.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


def describe_http_error(url: str, status: int, body: bytes | str | None) -> str:
    """One line for an HTTP error answer: status, and the first line of the server's text."""
    from coprod_kg.text import printable

    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    first = printable(text.strip().splitlines()[0][:200]) if text.strip() else ""
    hint = ""
    if status == 401:
        hint = f" (set {USER_VARIABLE} and {PASSWORD_VARIABLE} for HTTP basic authentication)"
    return f"{url}: HTTP {status}{': ' + first if first else ''}{hint}"


def http_request(url: str, *, method: str = "GET", data: bytes | None = None,
                 headers: dict[str, str] | None = None, timeout: float,
                 credentials: tuple[str, str] | None = None) -> tuple[int, bytes, str]:
    """One HTTP request (status, body, content type) within `timeout` seconds in all; an
    error answer raises EndpointError, or TransientError when a retry may help."""
    try:
        answer = http.request(url, method=method, data=data, timeout=timeout,
                              headers={**(headers or {}), **basic_auth_header(credentials)})
    except http.HttpFailure as failure:
        raise (TransientError if failure.transient else EndpointError)(str(failure)) from None
    if answer.status >= 400:
        message = describe_http_error(url, answer.status, answer.body or answer.reason)
        raise (TransientError if answer.status in RETRIED_STATUS else EndpointError)(message)
    return answer.status, answer.body, answer.content_type


class RemoteStore:
    """A SPARQL 1.1 Protocol server (queries POSTed as a form, answers read within limits)."""

    engine = "remote"

    def __init__(self, endpoints: Endpoints, *, timeout: float = 30.0,
                 credentials: tuple[str, str] | None = None) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self.credentials = credentials
        self._rdflib_graph = None

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        check_url(settings.endpoint, "--endpoint")
        endpoints = sibling_endpoints(settings.endpoint, settings.update_endpoint,
                                      settings.gsp_endpoint)
        return cls(endpoints, timeout=settings.timeout, credentials=credentials_from_environment())

    @property
    def url(self) -> str:
        return self.endpoints.query

    def query(self, text: str, then: Callable[[QueryResult], Any] | None = None) -> Any:
        """The answer; with `then`, `then(answer)` (here: the server did the work)."""
        kind = check_read_only_query(text, allow_federation=True, engine=self.engine)
        body, content_type = with_retries(lambda: self._send(text, kind))
        if kind in ("SELECT", "ASK"):
            return then_applied(parse_json_results(self.url, body), then)
        return then_applied(QueryResult(kind, graph=self._parse_graph(body, content_type)), then)

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(result.rows[0][0]) if result.rows else 0

    def graph(self):
        """The default graph of the server as an rdflib Graph (fetched once)."""
        if self._rdflib_graph is None:
            self._rdflib_graph = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph
        return self._rdflib_graph

    def _send(self, text: str, kind: str) -> tuple[bytes, str]:
        accept = SPARQL_RESULTS_JSON if kind in ("SELECT", "ASK") else NTRIPLES
        _, body, content_type = http_request(
            self.url, method="POST", data=urllib.parse.urlencode({"query": text}).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=self.timeout, credentials=self.credentials)
        return body, content_type

    def _parse_graph(self, body: bytes, content_type: str):
        from rdflib import Graph

        fmt = _rdf_format_of(content_type)
        graph = Graph()
        try:
            graph.parse(data=body, format=fmt)
        except Exception as error:  # any parser failure means a malformed answer
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise EndpointError(
                f"{self.url}: malformed RDF in the answer ({fmt}): {detail or type(error).__name__}"
            ) from None
        return canonical_graph(graph)


def _rdf_format_of(content_type: str) -> str:
    mime = content_type.split(";")[0].strip().lower()
    return {
        "text/turtle": "turtle",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
        "application/n-quads": "nquads",
    }.get(mime, "nt")


def parse_json_results(url: str, body: bytes) -> QueryResult:
    """SPARQL 1.1 JSON results as a QueryResult of rdflib terms; malformed -> EndpointError."""
    try:
        document = json.loads(body)
        if "boolean" in document:
            return QueryResult("ASK", boolean=bool(document["boolean"]))
        variables = list(document["head"]["vars"])
        rows = [tuple(_json_term(binding.get(name)) for name in variables)
                for binding in document["results"]["bindings"]]
    except RecursionError:
        raise EndpointError(f"{url}: malformed SPARQL results: nested too deeply") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise EndpointError(f"{url}: malformed SPARQL results: {type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''}") from None
    return QueryResult("SELECT", variables, rows)


def _json_term(value: dict | None):
    from rdflib import BNode, Literal, URIRef

    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
            return Literal(canonical_lexical(value["value"], datatype), datatype=URIRef(datatype))
        return Literal(value["value"])
    raise KeyError(f"unknown term type {kind!r}")


def check_url(url: str | None, option: str) -> None:
    if not url or not url.startswith(("http://", "https://")):
        raise InputError(f"{option} {url!r}: expected an http:// or https:// URL")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as error:
        raise InputError(f"{option} {url!r}: not a valid URL ({error})") from None
    if not parts.hostname or any(c.isspace() or ord(c) < 32 for c in url):
        raise InputError(f"{option} {url!r}: not a valid URL (a host, and no spaces)")


def canonical_graph(graph):
    """The graph with every literal a server spells its own way in rdflib's spelling."""
    from rdflib import Graph, Literal

    def canonical(term):
        if isinstance(term, Literal) and term.datatype is not None:
            lexical = canonical_lexical(str(term), str(term.datatype))
            if lexical != str(term):
                return Literal(lexical, datatype=term.datatype)
        return term

    result = Graph()  # the server's own prefixes are not kept: Turtle output binds ours
    result.addN((s, p, canonical(o), result) for s, p, o in graph)
    return result
