"""The Virtuoso fixture itself: loopback only, Graph Store PUT and SPARQL Update accepted
without credentials, and `?default-graph-uri=` narrowing the default graph to one graph
(Virtuoso's own default graph is the union of all its graphs, its system graphs too)."""

from __future__ import annotations

import json
import urllib.parse

from coprod_kg.graph.remote import http_request

RESULTS_JSON = {"Accept": "application/sparql-results+json"}


def count(url: str, pattern: str = "?s ?p ?o") -> int:
    query = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"})
    separator = "&" if "?" in url else "?"
    _, body, _ = http_request(f"{url}{separator}{query}", headers=RESULTS_JSON, timeout=30)
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_virtuoso_listens_on_loopback(virtuoso_server) -> None:
    assert virtuoso_server.query_url.startswith("http://127.0.0.1:")


def test_graph_store_put_update_and_default_graph_uri(virtuoso_server) -> None:
    graph = "urn:coprod-kg:fixture-test"
    triples = b'<urn:a> <urn:b> "caf\xc3\xa9"@fr .\n<urn:a> <urn:c> <urn:d> .\n'
    status, _, _ = http_request(f"{virtuoso_server.gsp_url}?graph={graph}", method="PUT",
                                data=triples, headers={"Content-Type": "application/n-triples"},
                                timeout=30)
    assert status in (200, 201, 204)
    http_request(virtuoso_server.update_url, method="POST",
                 data=f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:e> <urn:f> <urn:g> }} }}".encode(),
                 headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert count(virtuoso_server.default_graph_url(graph)) == 3
    assert count(virtuoso_server.query_url) > 3  # the union, with Virtuoso's system graphs
    http_request(f"{virtuoso_server.gsp_url}?graph={graph}", method="DELETE", timeout=30)
    assert count(virtuoso_server.query_url, f"GRAPH <{graph}> {{ ?s ?p ?o }}") == 0
