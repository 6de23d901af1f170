"""`coprod-kg links check` and the federated stored queries, against a real local Oxigraph
server loaded with tests/fixtures/external/ (MeSH- and Wikidata-shaped extracts).
Never the live services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coprod_kg import namespaces
from coprod_kg.cli import cli
from coprod_kg.queries import catalogue
from coprod_kg.queries.federation import bind_service_endpoint

REPO = Path(__file__).resolve().parents[2]
EXTERNAL = REPO / "tests" / "fixtures" / "external"
LINK_FIXTURES = REPO / "tests" / "fixtures" / "links"
MESH = "http://id.nlm.nih.gov/mesh/"
WIKIDATA = "http://www.wikidata.org/entity/"


def curie(text: str) -> str:
    prefix, _, local = text.partition(":")
    return namespaces.PREFIXES[prefix] + local


@pytest.fixture(scope="module")
def external_endpoint(tmp_path_factory) -> str:
    """The query URL of a read-only Oxigraph server holding the external fixtures."""
    import gc

    import pyoxigraph

    from coprod_kg.graph.server import OxigraphServer

    location = tmp_path_factory.mktemp("external") / "store"
    store = pyoxigraph.Store(str(location))
    # as at NLM, MeSH lives in the named graph <http://id.nlm.nih.gov/mesh>; Wikidata in the
    # default graph, as at the Query Service
    store.bulk_load(path=str(EXTERNAL / "mesh.ttl"), format=pyoxigraph.RdfFormat.TURTLE,
                    to_graph=pyoxigraph.NamedNode("http://id.nlm.nih.gov/mesh"))
    store.bulk_load(path=str(EXTERNAL / "wikidata.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == 37  # 11 descriptors x 3 triples + Q3206 x 4
    store.flush()
    del store  # the server needs the folder unlocked
    gc.collect()
    with OxigraphServer(location, host="127.0.0.1", read_only=True) as server:
        yield server.query_url


def check(runner, *args: str):
    return runner.invoke(cli, ["links", "check", *args])


# (entity, descriptor, status, label found at the endpoint)
EXPECTED_MESH_CHECK = [
    ("cat:ae-use", "D004636", "ok", "Emergency Service, Hospital"),
    ("cat:all-hospital-admissions", "D006760", "ok", "Hospitalization"),
    ("cat:non-elective-admissions", "D006760", "ok", "Hospitalization"),
    ("cat:overnight-hospital-stays", "D006760", "ok", "Hospitalization"),
    ("cat:quality-of-life", "D011788", "ok", "Quality of Life"),
    ("cat:user-satisfaction", "D017060", "ok", "Patient Satisfaction"),
    ("design:ethnographic-process-evaluation", "D036301", "missing", None),
    ("design:qualitative-study", "D036301", "missing", None),
    ("design:randomised-controlled-trial", "D016032", "deprecated",
     "Randomized Controlled Trials as Topic"),
    ("design:randomised-controlled-trial", "D016449", "ok", "Randomized Controlled Trial"),
    ("design:stepped-wedge-cluster-rct", "D016449", "ok", "Randomized Controlled Trial"),
    ("pop:carers", "D017028", "ok", "Caregivers"),
    ("pop:mental-health-inpatients", "D001523", "ok", "Mental Disorders"),
    ("pop:older-people", "D000368", "ok", "Aged"),
    ("pop:older-people-with-long-term-conditions", "D000368", "ok", "Aged"),
    ("pop:people-with-disabilities", "D006233", "relabelled", "Disabled Persons"),
    ("pop:people-with-severe-mental-illness", "D001523", "ok", "Mental Disorders"),
    ("setting:lung-cancer-services", "D008175", "ok", "Lung Neoplasms"),
]


def test_mesh_check_finds_the_missing_deprecated_and_relabelled_targets(runner, external_endpoint):
    result = check(runner, "--endpoint", external_endpoint, "--dataset", "mesh", "--format", "json")
    assert result.exit_code == 1, result.output
    found = sorted((s["entity"], s["target"], s["status"], s["foundLabel"])
                   for s in json.loads(result.stdout))
    assert found == sorted((curie(e), MESH + d, status, label)
                           for e, d, status, label in EXPECTED_MESH_CHECK)
    relabelled = next(s for s in json.loads(result.stdout) if s["status"] == "relabelled")
    assert relabelled["expectedLabel"] == "Persons with Disabilities"
    assert result.stderr == (
        "18 mesh links checked: 1 deprecated, 2 missing, 14 ok, 1 relabelled\n")


def test_wikidata_check_of_the_bundled_data_passes(runner, external_endpoint):
    # one row at 120 columns: a table (at 80 it is printed as name/value lines)
    result = check(runner, "--endpoint", external_endpoint, "--dataset", "wikidata",
                   "--width", "120")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["status", "entity", "matchType", "target", "expectedLabel",
                                "foundLabel", "detail"]
    assert lines[2].split() == ["ok", "place:western-australia", "skos:exactMatch",
                                "wikidata:Q3206", "Western", "Australia", "Western", "Australia"]
    assert result.stderr == "1 wikidata links checked: 1 ok\n"


def test_wikidata_check_with_a_missing_and_a_relabelled_item(runner, external_endpoint):
    args = ["--store", "memory", "--source", str(LINK_FIXTURES), "links", "check",
            "--endpoint", external_endpoint, "--dataset", "wikidata", "--format", "json"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    statuses = {s["target"]: (s["status"], s["foundLabel"]) for s in json.loads(result.stdout)}
    assert statuses == {WIKIDATA + "Q0": ("missing", None),
                        WIKIDATA + "Q3206": ("relabelled", "Western Australia")}


def test_relabelled_alone_passes_unless_strict(runner, external_endpoint, tmp_path):
    (tmp_path / "mappings").mkdir()
    source = (LINK_FIXTURES / "mappings" / "test-wikidata.sssom.tsv").read_text(encoding="utf-8")
    kept = [line for line in source.splitlines() if "wikidata:Q0" not in line]
    (tmp_path / "mappings" / "relabelled.sssom.tsv").write_text("\n".join(kept) + "\n")
    (tmp_path / "places.ttl").write_text((LINK_FIXTURES / "places.ttl").read_text())
    base = ["--store", "memory", "--source", str(tmp_path), "links", "check",
            "--endpoint", external_endpoint, "--dataset", "wikidata"]
    assert runner.invoke(cli, base).exit_code == 0
    assert runner.invoke(cli, [*base, "--strict"]).exit_code == 1


def test_unreachable_endpoint_exits_2_in_one_line(runner):
    from coprod_kg.graph.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    result = check(runner, "--endpoint", url, "--dataset", "mesh")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"coprod-kg: error: cannot reach SPARQL endpoint {url}: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: 1000\r\n\r\n{\"head\":",  # cut short
    b"not HTTP at all\r\n\r\n",  # no status line
])
def test_an_endpoint_with_a_broken_http_answer_exits_2_in_one_line(runner, answer):
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        result = check(runner, "--endpoint", url, "--dataset", "mesh")
    finally:
        thread.join(timeout=5)
        listener.close()
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"coprod-kg: error: SPARQL endpoint {url} answered with broken HTTP: ")
    assert result.stderr.count("\n") == 1


def test_an_endpoint_that_is_not_sparql_exits_2(runner, external_endpoint):
    not_sparql = external_endpoint.replace("/query", "/no-such-path")
    result = check(runner, "--endpoint", not_sparql, "--dataset", "mesh")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"coprod-kg: error: SPARQL endpoint {not_sparql} answered HTTP")


def test_only_mesh_and_wikidata_can_be_checked(runner):
    result = check(runner, "--endpoint", "http://127.0.0.1:9/query", "--dataset", "doi")
    assert result.exit_code == 2
    assert "'doi' is not one of 'mesh', 'wikidata'" in result.output


# --------------------------------------------------------------------------
# Federated stored queries
# --------------------------------------------------------------------------


def federated(name: str, endpoint: str) -> str:
    return bind_service_endpoint(catalogue.get_query(name).text, endpoint)


def test_federated_queries_declare_the_endpoint_parameter():
    for name in ("federated-mesh-populations", "federated-wikidata-places"):
        stored = catalogue.get_query(name)
        # required, no default: a stored query never reaches a public service by accident
        assert [(p.name, p.type, p.required, p.default) for p in stored.parameters] == [
            ("serviceEndpoint", "iri", True, None)]
        assert "federation" in stored.tags


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_federated_queries_are_refused_without_allow_federation(backend, external_endpoint):
    from coprod_kg.errors import InputError
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    store = open_store(Settings(store=backend))
    with pytest.raises(InputError, match="SERVICE"):
        store.query(federated("federated-mesh-populations", external_endpoint))


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_federated_mesh_labels_of_our_populations(backend, external_endpoint):
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    store = open_store(Settings(store=backend, allow_federation=True))
    result = store.query(federated("federated-mesh-populations", external_endpoint))
    assert result.variables == ["population", "populationLabel", "matchType", "descriptor",
                                "meshLabel", "treeNumber"]
    rows = sorted((str(r[0]), str(r[3]), str(r[4]), r[5]) for r in result.rows)
    assert rows == sorted([
        (curie("pop:carers"), MESH + "D017028", "Caregivers", None),
        (curie("pop:mental-health-inpatients"), MESH + "D001523", "Mental Disorders", None),
        (curie("pop:older-people"), MESH + "D000368", "Aged", None),
        (curie("pop:older-people-with-long-term-conditions"), MESH + "D000368", "Aged", None),
        (curie("pop:people-with-disabilities"), MESH + "D006233", "Disabled Persons", None),
        (curie("pop:people-with-severe-mental-illness"), MESH + "D001523", "Mental Disorders",
         None),
    ])


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_federated_wikidata_facts_about_our_places(backend, external_endpoint):
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    store = open_store(Settings(store=backend, allow_federation=True))
    result = store.query(federated("federated-wikidata-places", external_endpoint))
    rows = [tuple(str(term) for term in row) for row in result.rows]
    assert rows == [(curie("place:western-australia"), "Western Australia",
                     namespaces.PREFIXES["skos"] + "exactMatch", WIKIDATA + "Q3206",
                     "Western Australia", "Western Australia")]


def test_federated_query_through_the_cli_binds_the_endpoint_parameter(runner, external_endpoint):
    """`coprod-kg query` binds ?_serviceEndpoint_iri into the SERVICE clause as a validated IRI."""
    import json

    from coprod_kg.cli import cli

    args = ["query", "federated-wikidata-places", "-p", f"serviceEndpoint={external_endpoint}",
            "--format", "json"]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2
    assert "SERVICE" in refused.stderr and "Traceback" not in refused.output
    allowed = runner.invoke(cli, ["--allow-federation", *args])
    assert allowed.exit_code == 0, allowed.output
    bindings = json.loads(allowed.stdout)["results"]["bindings"]
    assert [(b["place"]["value"], b["item"]["value"]) for b in bindings] == [
        (curie("place:western-australia"), WIKIDATA + "Q3206")]


def test_federated_endpoint_parameter_must_be_an_http_iri(runner):
    from coprod_kg.cli import cli

    result = runner.invoke(cli, ["--allow-federation", "query", "federated-wikidata-places",
                                 "-p", "serviceEndpoint=file:///etc/passwd"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "serviceEndpoint" in result.stderr
