"""The remote backend against a real Oxigraph server, and its faults against small
loopback HTTP servers that misbehave on purpose (down, slow, 5xx, garbage, auth)."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef

from coprod_kg.cli import cli
from coprod_kg.errors import EndpointError, InputError
from coprod_kg.graph.remote import RemoteStore, sibling_endpoints
from coprod_kg.graph.server import free_port
from coprod_kg.graph.store import open_store
from coprod_kg.settings import Settings

ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()


class FaultyHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request as the server's `behaviour` says; counts requests."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        server = self.server
        server.requests += 1
        status, body, delay = server.behaviour(self)
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def faulty_server() -> Iterator:
    """A loopback HTTP server; set `.behaviour = fn(handler) -> (status, body, delay)`."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultyHandler)
    server.daemon_threads = True
    server.requests = 0
    server.behaviour = lambda handler: (200, ASK_TRUE, 0)
    server.url = f"http://127.0.0.1:{server.server_address[1]}/query"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def remote(url: str, timeout: float = 5.0, credentials=None) -> RemoteStore:
    return RemoteStore(sibling_endpoints(url), timeout=timeout, credentials=credentials)


# --------------------------------------------------------------------------
# Endpoint URLs
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "update", "gsp"),
    [
        ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/store"),
        ("http://h:7200/repositories/kg", "http://h:7200/repositories/kg/statements",
         "http://h:7200/repositories/kg/rdf-graphs/service"),
        ("http://h:8890/other", "", ""),
    ],
)
def test_sibling_endpoints(query: str, update: str, gsp: str) -> None:
    endpoints = sibling_endpoints(query)
    assert (endpoints.update, endpoints.gsp) == (update, gsp)


def test_explicit_endpoints_win() -> None:
    endpoints = sibling_endpoints("http://h/query", "http://u/up", "http://g/data")
    assert (endpoints.query, endpoints.update, endpoints.gsp) == (
        "http://h/query", "http://u/up", "http://g/data")


def test_open_store_gives_a_remote_store_for_an_endpoint() -> None:
    store = open_store(Settings(endpoint="http://127.0.0.1:9/query", gsp_endpoint="http://x/g"))
    assert isinstance(store, RemoteStore)
    assert store.endpoints.gsp == "http://x/g"
    with pytest.raises(InputError, match="--endpoint 'ftp://x': expected an http"):
        open_store(Settings(endpoint="ftp://x"))


# --------------------------------------------------------------------------
# A real server
# --------------------------------------------------------------------------


def _insert(base: str, text: str) -> None:
    request = urllib.request.Request(f"{base}/update", method="POST", data=text.encode(),
                                     headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(request, timeout=10).close()


def test_select_ask_construct_on_a_real_server(oxigraph_server: str) -> None:
    _insert(oxigraph_server, 'INSERT DATA { <http://e/a> <http://e/p> "x"@en, 80.0, "plain" }')
    store = remote(f"{oxigraph_server}/query")
    rows = store.query("SELECT ?o WHERE { <http://e/a> <http://e/p> ?o }").rows
    assert sorted(rows, key=repr) == sorted(
        [(Literal("x", lang="en"),), (Literal("80.0", datatype=URIRef(
            "http://www.w3.org/2001/XMLSchema#decimal")),), (Literal("plain"),)], key=repr)
    assert store.query("ASK { <http://e/a> ?p ?o }").boolean is True
    graph = store.query("CONSTRUCT WHERE { <http://e/a> ?p ?o }").graph
    assert len(graph) == 3
    assert len(store) == 3


def test_a_bad_query_is_not_retried_and_names_the_endpoint(oxigraph_server: str) -> None:
    store = remote(f"{oxigraph_server}/query")
    with pytest.raises(EndpointError) as caught:
        store.query("SELECT * WHERE { ?s ?p }")
    message = str(caught.value)
    assert message.startswith(f"{oxigraph_server}/query: HTTP 400")
    assert "attempts" not in message and "\n" not in message


def test_the_remote_store_refuses_updates(oxigraph_server: str) -> None:
    with pytest.raises(InputError, match="SPARQL Update refused"):
        remote(f"{oxigraph_server}/query").query("DELETE WHERE { ?s ?p ?o }")


# --------------------------------------------------------------------------
# Faults: one line naming the endpoint, retries only where it makes sense
# --------------------------------------------------------------------------


def test_connection_refused_is_retried_then_reported() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError) as caught:
        remote(url).query("ASK {}")
    assert str(caught.value) == (
        f"{url}: connection refused (is the server running?) (after 3 attempts)")


def test_http_503_is_retried_three_times(faulty_server) -> None:
    faulty_server.behaviour = lambda handler: (503, b"boom\nsecond line", 0)
    with pytest.raises(EndpointError) as caught:
        remote(faulty_server.url).query("ASK {}")
    assert str(caught.value) == f"{faulty_server.url}: HTTP 503: boom (after 3 attempts)"
    assert faulty_server.requests == 3


def test_http_500_is_not_retried(faulty_server) -> None:
    # the query may still be running on the server: a retry would multiply it (issue 12)
    faulty_server.behaviour = lambda handler: (500, b"boom\nsecond line", 0)
    with pytest.raises(EndpointError) as caught:
        remote(faulty_server.url).query("ASK {}")
    assert str(caught.value) == f"{faulty_server.url}: HTTP 500: boom"
    assert faulty_server.requests == 1


def test_a_transient_503_then_success(faulty_server) -> None:
    answers = iter([(503, b"busy", 0), (200, ASK_TRUE, 0)])
    faulty_server.behaviour = lambda handler: next(answers)
    assert remote(faulty_server.url).query("ASK {}").boolean is True
    assert faulty_server.requests == 2


def test_http_404_is_not_retried(faulty_server) -> None:
    faulty_server.behaviour = lambda handler: (404, b"no such dataset", 0)
    with pytest.raises(EndpointError, match=r"/query: HTTP 404: no such dataset$"):
        remote(faulty_server.url).query("ASK {}")
    assert faulty_server.requests == 1


def test_a_slow_server_times_out(faulty_server) -> None:
    faulty_server.behaviour = lambda handler: (200, ASK_TRUE, 3)
    with pytest.raises(EndpointError) as caught:
        remote(faulty_server.url, timeout=0.3).query("ASK {}")
    assert str(caught.value) == (
        f"{faulty_server.url}: no complete answer within 0.3 s (--timeout)")
    assert faulty_server.requests == 1  # a timeout is not retried (issue 12)


@pytest.mark.parametrize(
    "body",
    [b"<html>not json</html>", b'{"head": {"vars": ["x"]}}', b'{"head": {"vars": ["x"]}, '
     b'"results": {"bindings": [{"x": {"type": "alien", "value": "1"}}]}}'],
)
def test_malformed_results_are_an_endpoint_error(faulty_server, body: bytes) -> None:
    faulty_server.behaviour = lambda handler: (200, body, 0)
    with pytest.raises(EndpointError, match=r"/query: malformed SPARQL results: "):
        remote(faulty_server.url).query("SELECT ?x WHERE {}")


def test_basic_credentials_come_from_the_environment(faulty_server, monkeypatch) -> None:
    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()

    def behaviour(handler):
        if handler.headers.get("Authorization") == expected:
            return 200, ASK_TRUE, 0
        return 401, b"who are you?", 0

    faulty_server.behaviour = behaviour
    with pytest.raises(EndpointError, match="HTTP 401.*COPROD_KG_ENDPOINT_USER"):
        open_store(Settings(endpoint=faulty_server.url)).query("ASK {}")
    monkeypatch.setenv("COPROD_KG_ENDPOINT_USER", "reader")
    monkeypatch.setenv("COPROD_KG_ENDPOINT_PASSWORD", "s3cret")
    assert open_store(Settings(endpoint=faulty_server.url)).query("ASK {}").boolean is True


def test_the_cli_reports_an_unreachable_endpoint_in_one_line(runner) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = runner.invoke(cli, ["load", "--endpoint", url])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith("coprod-kg: error: http://127.0.0.1:")
    assert "connection refused" in result.output
    assert "Traceback" not in result.output


def test_the_socket_timeout_before_the_timer_says_the_same(faulty_server, monkeypatch) -> None:
    """The socket's timeout is the time left, like the timer's: on a loaded machine it may
    fire first, and the message must not depend on which of the two came first."""
    from coprod_kg.graph import http

    class IdleTimer:
        def __init__(self, *_args, **_kwargs) -> None:
            self.daemon = True

        def start(self) -> None:
            pass

        def cancel(self) -> None:
            pass

    monkeypatch.setattr(http.threading, "Timer", IdleTimer)
    faulty_server.behaviour = lambda handler: (200, ASK_TRUE, 3)
    with pytest.raises(EndpointError) as caught:
        remote(faulty_server.url, timeout=0.3).query("ASK {}")
    assert str(caught.value) == (
        f"{faulty_server.url}: no complete answer within 0.3 s (--timeout)")
