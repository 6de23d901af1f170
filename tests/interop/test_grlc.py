"""grlc serves the stored queries: for every queries/*.rq, the rows grlc's API returns
(grlc run locally over this folder, against a real Oxigraph server holding the graph)
equal the rows of the CLI's binding on the same server. Parameters get their `#+ defaults`
or the example values of tests/interop/answers.py. A query grlc cannot serve must be
listed, with its reason, in the README's "Queries grlc cannot serve" table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from answers import EXAMPLE_VALUES, comparable
from grlc_harness import GrlcServer
from rdflib import Graph

from coprod_kg.graph.guard import blank_out
from coprod_kg.graph.remote import RemoteStore, parse_json_results, sibling_endpoints
from coprod_kg.graph.results import QueryResult
from coprod_kg.graph.store import open_store
from coprod_kg.namespaces import expand_curie
from coprod_kg.queries.catalogue import bound_text, query_files, read_query
from coprod_kg.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = {path.stem: path for path in query_files()}
README_TABLE = re.compile(r"^\| `([a-z0-9-]+)` \| (.+) \|$", re.MULTILINE)


def unserved_in_readme() -> dict[str, str]:
    """The README's table of queries grlc cannot serve: name -> reason."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Queries grlc cannot serve", 1)
    if len(section) < 2:
        return {}
    table = section[1].split("\n#", 1)[0]
    return dict(README_TABLE.findall(table))


UNSERVED = unserved_in_readme()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    from coprod_kg.graph.publish import publish_store
    from coprod_kg.graph.server import OxigraphServer

    embedded = open_store(Settings(store="oxigraph"))
    with OxigraphServer(tmp_path_factory.mktemp("grlc-store")) as oxigraph:
        endpoints = sibling_endpoints(oxigraph.query_url)
        publish_store(embedded, endpoints, graph=None, timeout=30, credentials=None)
        folder = tmp_path_factory.mktemp("grlc")
        with GrlcServer(folder, QUERY_FILES["principles"].parent, oxigraph.query_url) as grlc:
            yield grlc, RemoteStore(endpoints, timeout=30)


def arguments_for(name: str) -> dict[str, str]:
    """The values grlc gets: the #+ defaults, or the tests' examples; IRIs in full."""
    stored = read_query(QUERY_FILES[name])
    values = {p.name: p.default for p in stored.parameters if p.default is not None}
    values.update(EXAMPLE_VALUES.get(name, {}))
    for parameter in stored.parameters:
        if parameter.type == "iri" and parameter.name in values:
            values[parameter.name] = expand_curie(values[parameter.name]) or values[parameter.name]
    return values


def grlc_answer(grlc: GrlcServer, name: str, kind: str) -> QueryResult:
    accept = "application/n-triples" if kind in ("CONSTRUCT", "DESCRIBE") else \
        "application/sparql-results+json"
    status, body = grlc.get(name, arguments_for(name), accept=accept)
    assert status == 200, f"grlc answered HTTP {status}: {body[:300]!r} | {grlc.log_tail()}"
    if kind in ("CONSTRUCT", "DESCRIBE"):
        return QueryResult(kind, graph=Graph().parse(data=body, format="nt"))
    return parse_json_results(grlc.url(name), body)


def test_the_readme_lists_only_stored_queries() -> None:
    assert set(UNSERVED) <= set(QUERY_FILES)
    assert all(reason.strip() for reason in UNSERVED.values())


@pytest.mark.parametrize("name", sorted(QUERY_FILES))
def test_grlc_serves_the_stored_query_with_the_rows_of_the_cli(servers, name: str) -> None:
    stored = read_query(QUERY_FILES[name])
    if "SERVICE" in blank_out(stored.text).upper():
        pytest.skip("a federated query: it reaches hosts beyond loopback")
    if name in UNSERVED:
        pytest.skip(f"listed in the README: {UNSERVED[name]}")
    grlc, server = servers
    expected = server.query(bound_text(stored, EXAMPLE_VALUES.get(name)))
    assert comparable(grlc_answer(grlc, name, expected.kind)) == comparable(expected)


REQUIRED = sorted(name for name, path in QUERY_FILES.items()
                  if any(p.required for p in read_query(path).parameters)
                  and "SERVICE" not in blank_out(read_query(path).text).upper())


@pytest.mark.parametrize("name", REQUIRED)
def test_unsubstituted_required_parameter_fails_closed(servers, name: str) -> None:
    """Sent as it is to a plain endpoint (no VALUES, no grlc substitution), a query whose
    required parameter is unbound returns nothing rather than every row."""
    _, server = servers
    answer = server.query(read_query(QUERY_FILES[name]).text)
    assert (answer.rows if answer.kind == "SELECT" else list(answer.graph)) == []
