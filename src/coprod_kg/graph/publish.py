"""Publish the graph to a SPARQL 1.1 server through the Graph Store Protocol.

What happens, and why the old content survives a failure:

1. the N-Triples of the graph are PUT into a fresh staging graph
   `urn:coprod-kg:staging:<uuid>` on the Graph Store endpoint (one request);
2. the triple count of the staging graph is checked through the query endpoint;
3. one SPARQL Update `MOVE GRAPH <staging> TO <target>` (or `TO DEFAULT`) replaces the
   target graph: a single update request, which the server runs as one transaction;
4. the triple count of the target is checked again.

Until step 3 the target is untouched; if anything fails before it, or the load is
interrupted (Ctrl-C, SIGTERM, SIGHUP) at any step, the staging graph is deleted (best
effort, within CLEANUP_SECONDS) and the error says the target was left as it was. A
staging graph that survived anyway (the machine died) is removed by the next load,
which first deletes every `urn:coprod-kg:staging:` graph it finds (loads into one
server are not meant to run at the same time). Loading
twice leaves the same store: the target is replaced, never appended to, and the
staging graph is consumed by MOVE.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid
from dataclasses import dataclass

from coprod_kg.errors import EndpointError, InputError
from coprod_kg.graph.remote import NTRIPLES, Endpoints, RemoteStore, TransientError, http_request

STAGING_PREFIX = "urn:coprod-kg:staging:"
CLEANUP_SECONDS = 5.0
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]+$")


@dataclass(frozen=True)
class PublishOutcome:
    endpoint: str
    graph: str | None  # None: the default graph
    triples: int
    stale_removed: int = 0  # staging graphs of earlier, interrupted loads


def check_graph_iri(iri: str | None) -> str | None:
    if iri is not None and not _ABSOLUTE_IRI.match(iri):
        raise InputError(f"--graph {iri!r}: expected an absolute IRI such as https://example.org/g")
    return iri


def publish(ntriples: bytes, expected: int, endpoints: Endpoints, *, graph: str | None,
            timeout: float, credentials: tuple[str, str] | None) -> PublishOutcome:
    """Replace `graph` (None: the default graph) on the server with `ntriples`; verified."""
    check_graph_iri(graph)
    for name, url in (("--gsp-endpoint", endpoints.gsp), ("--update-endpoint", endpoints.update)):
        if not url:
            raise InputError(f"cannot guess {name} from {endpoints.query}: give it explicitly")
    reader = RemoteStore(endpoints, timeout=timeout, credentials=credentials)
    stale = remove_stale_staging_graphs(reader, endpoints.gsp, timeout, credentials)
    staging = f"{STAGING_PREFIX}{uuid.uuid4()}"
    moving = False
    try:
        _put_graph(endpoints.gsp, staging, ntriples, timeout, credentials)
        staged = count_triples(reader, staging)
        if staged != expected:
            raise EndpointError(f"{endpoints.gsp}: the staging graph holds {staged} triples, "
                                f"expected {expected}")
        target = f"<{graph}>" if graph else "DEFAULT"
        moving = True
        _update(endpoints.update, f"MOVE GRAPH <{staging}> TO {target}", timeout, credentials)
    except BaseException as error:
        # the update endpoint may be the faulty one: remove the staging graph through the
        # Graph Store endpoint first, and the update endpoint as a fallback (after a MOVE
        # that did happen, there is nothing left to remove: both are harmless)
        removed = _delete_quietly(endpoints.gsp, staging, credentials) or \
            _drop_quietly(endpoints.update, staging, credentials)
        if not isinstance(error, EndpointError):
            raise  # Ctrl-C and the like: the CLI says "interrupted" (exit 130)
        if not moving:
            note = "" if removed else f"; drop the staging graph <{staging}>"
            raise EndpointError(f"{error}; the target graph was left unchanged{note}") from None
        note = "the staging graph was removed" if removed else \
            f"drop the staging graph <{staging}>"
        raise EndpointError(f"{error}; {note}") from None
    loaded = count_triples(reader, graph)
    if loaded != expected:
        raise EndpointError(f"{endpoints.query}: the target graph holds {loaded} triples after "
                            f"the load, expected {expected}")
    return PublishOutcome(endpoints.query, graph, loaded, stale)


def remove_stale_staging_graphs(reader: RemoteStore, gsp: str, timeout: float,
                                credentials: tuple[str, str] | None) -> int:
    """Delete the staging graphs earlier loads left behind; how many there were."""
    result = reader.query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
    stale = [str(row[0]) for row in result.rows if row and row[0] is not None]
    for graph in stale:
        try:
            http_request(_graph_url(gsp, graph), method="DELETE", timeout=timeout,
                         credentials=credentials)
        except TransientError as error:
            raise EndpointError(str(error)) from None
    return len(stale)


def count_triples(store: RemoteStore, graph: str | None) -> int:
    """Triples in a named graph (or the default graph), counted by the server."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    try:
        return int(result.rows[0][0])
    except (IndexError, TypeError, ValueError):
        raise EndpointError(f"{store.url}: malformed answer to a COUNT query") from None


def _graph_url(gsp: str, graph: str) -> str:
    separator = "&" if "?" in gsp else "?"
    return f"{gsp}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _put_graph(gsp: str, graph: str, ntriples: bytes, timeout: float,
               credentials: tuple[str, str] | None) -> None:
    # writes are not retried: a PUT that timed out may still have been applied
    try:
        http_request(_graph_url(gsp, graph), method="PUT", data=ntriples,
                     headers={"Content-Type": NTRIPLES}, timeout=timeout, credentials=credentials)
    except TransientError as error:
        raise EndpointError(str(error)) from None


def _update(update_url: str, text: str, timeout: float,
            credentials: tuple[str, str] | None) -> None:
    try:
        http_request(update_url, method="POST", data=text.encode("utf-8"),
                     headers={"Content-Type": "application/sparql-update"},
                     timeout=timeout, credentials=credentials)
    except TransientError as error:  # not retried for writes
        raise EndpointError(str(error)) from None


def _drop_quietly(update_url: str, graph: str,
                  credentials: tuple[str, str] | None) -> bool:
    try:
        _update(update_url, f"DROP SILENT GRAPH <{graph}>", CLEANUP_SECONDS, credentials)
    except (EndpointError, KeyboardInterrupt):
        return False  # unreachable, refused or given up: nothing was moved into the target
    return True


def _delete_quietly(gsp: str, graph: str, credentials: tuple[str, str] | None) -> bool:
    """DELETE a graph through the Graph Store Protocol; whether the server did it (404:
    there was no such graph, e.g. after a MOVE that happened)."""
    try:
        http_request(_graph_url(gsp, graph), method="DELETE", timeout=CLEANUP_SECONDS,
                     credentials=credentials)
    except EndpointError as error:
        return "HTTP 404" in str(error)
    except (TransientError, KeyboardInterrupt):
        return False
    return True


def publish_store(store, endpoints: Endpoints, *, graph: str | None, timeout: float,
                  credentials: tuple[str, str] | None) -> PublishOutcome:
    """Publish an embedded store (MemoryStore or OxigraphStore)."""
    return publish(store.ntriples(), len(store), endpoints, graph=graph, timeout=timeout,
                   credentials=credentials)

