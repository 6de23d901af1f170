"""`coprod-kg load` (Graph Store Protocol publishing) and `coprod-kg serve`, against real
Oxigraph servers on loopback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from coprod_kg.cli import cli
from coprod_kg.errors import EndpointError, InputError
from coprod_kg.graph.publish import count_triples, publish
from coprod_kg.graph.remote import RemoteStore, sibling_endpoints
from coprod_kg.graph.store import open_store
from coprod_kg.settings import Settings

EXEMPLAR = Path(__file__).resolve().parents[2] / "data" / "case-studies" / "01-oxleas-ebcd.ttl"
OLD = b'<http://e/old> <http://e/p> "old content" .\n'


def reader(base: str) -> RemoteStore:
    return RemoteStore(sibling_endpoints(f"{base}/query"), timeout=10)


def non_blank_triples(base: str, graph: str | None = None) -> set:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = reader(base).query(f"SELECT ?s ?p ?o WHERE {{ {pattern} }}").rows
    return {row for row in rows if not any(isinstance(term, BNode) for term in row)}


def named_graphs(base: str) -> list[str]:
    rows = reader(base).query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return sorted(str(row[0]) for row in rows)


def put_old_content(base: str, graph: str | None = None) -> None:
    target = f"graph={graph}" if graph else "default"
    request = urllib.request.Request(f"{base}/store?{target}", method="PUT", data=OLD,
                                     headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=10).close()


# --------------------------------------------------------------------------
# coprod-kg load
# --------------------------------------------------------------------------


def test_load_publishes_the_bundled_graph_and_verifies_it(runner, oxigraph_server: str) -> None:
    expected = len(open_store(Settings()))
    put_old_content(oxigraph_server)
    result = runner.invoke(cli, ["load", "--endpoint", f"{oxigraph_server}/query"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"loaded {expected} triples into the default graph at {oxigraph_server}/query\n")
    assert len(reader(oxigraph_server)) == expected  # replaced, not appended
    assert named_graphs(oxigraph_server) == []  # the staging graph is gone


def test_loading_twice_leaves_the_same_store(runner, oxigraph_server: str) -> None:
    arguments = ["--source", str(EXEMPLAR), "load", "--endpoint", f"{oxigraph_server}/query"]
    assert runner.invoke(cli, arguments).exit_code == 0
    first = non_blank_triples(oxigraph_server), len(reader(oxigraph_server))
    assert runner.invoke(cli, arguments).exit_code == 0
    second = non_blank_triples(oxigraph_server), len(reader(oxigraph_server))
    assert first == second
    assert first[1] == len(open_store(Settings(sources=(EXEMPLAR,))))
    assert named_graphs(oxigraph_server) == []


def test_load_into_a_named_graph_leaves_the_default_graph_alone(runner,
                                                                oxigraph_server: str) -> None:
    graph = "https://example.org/coprod-kg"
    put_old_content(oxigraph_server)
    result = runner.invoke(cli, ["--endpoint", f"{oxigraph_server}/query", "--source",
                                 str(EXEMPLAR), "load", "--graph", graph])
    assert result.exit_code == 0, result.output
    assert f"into <{graph}> at" in result.output
    assert non_blank_triples(oxigraph_server) == {
        (URIRef("http://e/old"), URIRef("http://e/p"), Literal("old content"))}
    assert count_triples(reader(oxigraph_server), graph) == len(
        open_store(Settings(sources=(EXEMPLAR,))))
    assert named_graphs(oxigraph_server) == [graph]


def test_a_load_that_fails_half_way_leaves_the_old_content(oxigraph_server: str) -> None:
    """The server rejects the upload at a bad line after reading good ones."""
    put_old_content(oxigraph_server)
    payload = b'<http://e/a> <http://e/p> "1" .\n<http://e/b> <http://e/p> "2" .\nnot n-triples\n'
    with pytest.raises(EndpointError) as caught:
        publish(payload, 3, sibling_endpoints(f"{oxigraph_server}/query"), graph=None,
                timeout=10, credentials=None)
    assert "HTTP 400" in str(caught.value)
    assert str(caught.value).endswith("; the target graph was left unchanged")
    assert len(reader(oxigraph_server)) == 1
    assert named_graphs(oxigraph_server) == []


def test_a_wrong_count_stops_before_the_target_is_touched(oxigraph_server: str) -> None:
    put_old_content(oxigraph_server, "https://example.org/g")
    payload = b'<http://e/a> <http://e/p> "1" .\n'
    with pytest.raises(EndpointError, match="holds 1 triples, expected 2; the target graph"):
        publish(payload, 2, sibling_endpoints(f"{oxigraph_server}/query"),
                graph="https://example.org/g", timeout=10, credentials=None)
    assert count_triples(reader(oxigraph_server), "https://example.org/g") == 1
    assert named_graphs(oxigraph_server) == ["https://example.org/g"]


def test_a_wrong_graph_store_url_is_exit_2_and_harmless(runner, oxigraph_server: str) -> None:
    put_old_content(oxigraph_server)
    result = runner.invoke(cli, ["load", "--endpoint", f"{oxigraph_server}/query",
                                 "--gsp-endpoint", f"{oxigraph_server}/nowhere"])
    assert result.exit_code == 2
    assert re.fullmatch(r"coprod-kg: error: http://127\.0\.0\.1:\d+/nowhere\?graph=\S+: HTTP 404"
                        r".*; the target graph was left unchanged\n", result.output)
    assert len(reader(oxigraph_server)) == 1


def test_a_wrong_update_url_leaves_no_staging_graph(runner, oxigraph_server: str) -> None:
    """The PUT works, the MOVE is refused: the staged copy must not stay on the server
    (a store whose default graph is the union of its graphs would show it twice)."""
    put_old_content(oxigraph_server)
    result = runner.invoke(cli, ["--source", str(EXEMPLAR), "load",
                                 "--endpoint", f"{oxigraph_server}/query",
                                 "--update-endpoint", f"{oxigraph_server}/query"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"coprod-kg: error: {oxigraph_server}/query: HTTP 415")
    assert result.stderr.endswith("; the staging graph was removed\n")
    assert len(reader(oxigraph_server)) == 1
    assert named_graphs(oxigraph_server) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["load"], "load needs --endpoint URL"),
        (["load", "--endpoint", "localhost:7878"], "--endpoint 'localhost:7878': expected an http"),
        (["load", "--endpoint", "http://127.0.0.1:9/query", "--graph", "not an iri"],
         "--graph 'not an iri': expected an absolute IRI"),
        (["load", "--endpoint", "http://127.0.0.1:9/query", "--gsp-endpoint", "notaurl"],
         "--gsp-endpoint 'notaurl': expected an http"),
        (["load", "--endpoint", "http://127.0.0.1:9/query", "--update-endpoint", "ftp://x/u"],
         "--update-endpoint 'ftp://x/u': expected an http"),
        (["load", "--endpoint", "http:///query"], "--endpoint 'http:///query': not a valid URL"),
    ],
)
def test_load_argument_errors(runner, arguments: list[str], message: str) -> None:
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 2
    assert result.output == f"coprod-kg: error: {message}" + result.output.split(message, 1)[1]
    assert result.output.count("\n") == 1


def test_publish_needs_an_update_endpoint_it_can_find() -> None:
    with pytest.raises(InputError, match="cannot guess --gsp-endpoint from http://h/x"):
        publish(OLD, 1, sibling_endpoints("http://h/x"), graph=None, timeout=1, credentials=None)


# --------------------------------------------------------------------------
# coprod-kg serve
# --------------------------------------------------------------------------


@pytest.fixture()
def served():
    """`coprod-kg serve --port 0` over the exemplar, as a real process; yields (process, url)."""
    command = [sys.executable, "-m", "coprod_kg", "--source", str(EXEMPLAR), "serve",
               "--port", "0", "--query-timeout", "5"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_answers_queries_refuses_updates_and_stops_on_ctrl_c(served) -> None:
    process, url = served
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/query", url), url
    store = RemoteStore(sibling_endpoints(url), timeout=10)
    assert len(store) == len(open_store(Settings(sources=(EXEMPLAR,))))
    base = url.rsplit("/", 1)[0]
    update = urllib.request.Request(f"{base}/update", method="POST",
                                    data=b"INSERT DATA { <http://e/a> <http://e/b> 1 }",
                                    headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(update, timeout=10)
    assert refused.value.code == 403

    os.kill(process.pid, signal.SIGINT)
    assert process.wait(timeout=20) == 130  # Ctrl-C is 130 everywhere (issue 12)
    stderr = process.stderr.read()
    assert stderr.rstrip().endswith("stopped\ncoprod-kg: error: interrupted")
    folder = re.search(r"loading the graph into (\S+) \.\.\.", stderr).group(1)
    assert not Path(folder).exists()  # the temporary store is removed
    with pytest.raises(EndpointError, match="connection refused"):
        store.query("ASK {}")


def test_serve_reports_a_busy_port(runner, oxigraph_server: str) -> None:
    port = oxigraph_server.rsplit(":", 1)[1]
    result = runner.invoke(cli, ["--source", str(EXEMPLAR), "serve", "--port", port])
    assert result.exit_code == 2
    # one line, before any loading: the port is checked first
    assert result.stderr == (
        f"coprod-kg: error: {oxigraph_server}: the port is in use by another program\n")


@pytest.mark.parametrize("port", ["0", "7878"])
def test_serve_on_an_address_this_machine_does_not_have_is_one_line(runner, port: str) -> None:
    result = runner.invoke(cli, ["--source", str(EXEMPLAR), "serve", "--host", "203.0.113.5",
                                 "--port", port])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("coprod-kg: error: ")
    assert "203.0.113.5" in result.stderr and "cannot listen there" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
