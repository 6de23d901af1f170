"""`coprod-kg describe`: the VoID + DCAT description, every count checked against the graph."""

from __future__ import annotations

import json

import pytest

from coprod_kg import namespaces
from coprod_kg.cli import cli

VOID = namespaces.PREFIXES["void"]
DCAT = namespaces.PREFIXES["dcat"]
DCTERMS = namespaces.PREFIXES["dcterms"]
HERE = "https://w3id.org/coprod-kg/void#"
LINK_PREDICATES = {
    namespaces.PREFIXES["skos"] + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
} | {"http://schema.org/sameAs"}
TARGET_NAMESPACES = {
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "wikidata": "http://www.wikidata.org/entity/",
    "doi": "https://doi.org/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/",
    "pmc": "https://www.ncbi.nlm.nih.gov/pmc/articles/",
}


@pytest.fixture(scope="module")
def description(bundled_graph):
    from coprod_kg.graph.store import MemoryStore
    from coprod_kg.links.describe import DescribeOptions, describe

    return describe(MemoryStore(bundled_graph), DescribeOptions())


def value(graph, subject: str, predicate: str):
    from rdflib import URIRef

    return graph.value(URIRef(subject), URIRef(predicate))


def integer(graph, subject: str, predicate: str) -> int:
    return int(value(graph, subject, predicate))


def test_every_void_count_matches_the_graph(description, bundled_graph):
    from rdflib import RDF, URIRef

    dataset = HERE + "dataset"
    assert integer(description, dataset, VOID + "triples") == len(bundled_graph)
    assert integer(description, dataset, VOID + "classes") == len(
        set(bundled_graph.objects(None, RDF.type)))
    assert integer(description, dataset, VOID + "properties") == len(
        set(bundled_graph.predicates()))
    assert integer(description, dataset, VOID + "distinctSubjects") == len(
        set(bundled_graph.subjects()))
    assert integer(description, dataset, VOID + "distinctObjects") == len(
        set(bundled_graph.objects()))
    assert integer(description, dataset, VOID + "entities") == len(
        {s for s in bundled_graph.subjects()
         if isinstance(s, URIRef) and str(s).startswith(namespaces.INSTANCES)})


def test_a_linkset_per_target_dataset_with_its_link_count(description, bundled_graph):
    from rdflib import URIRef

    for key, namespace in TARGET_NAMESPACES.items():
        links = [(s, p, o) for s, p, o in bundled_graph
                 if str(p) in LINK_PREDICATES and isinstance(o, URIRef)
                 and str(o).startswith(namespace)]
        linkset = HERE + f"linkset-{key}"
        assert links, key
        assert integer(description, linkset, VOID + "triples") == len(links)
        assert {str(p) for p in description.objects(URIRef(linkset), URIRef(VOID + "linkPredicate"))
                } == {str(p) for _, p, _ in links}
        assert str(value(description, linkset, VOID + "objectsTarget")) == HERE + key
        assert str(value(description, HERE + key, VOID + "uriSpace")) == namespace
    assert integer(description, HERE + "linkset-mesh", VOID + "triples") == 18
    assert integer(description, HERE + "linkset-wikidata", VOID + "triples") == 1
    assert str(value(description, HERE + "linkset-mesh", DCTERMS + "source")) == (
        "https://w3id.org/coprod-kg/mappings/mesh")


def test_metadata_licence_source_publisher_contact_date(description):
    dataset = HERE + "dataset"
    assert str(value(description, dataset, DCTERMS + "license")) == (
        "https://creativecommons.org/licenses/by/4.0/")
    assert str(value(description, dataset, DCTERMS + "source")) == (
        "https://w3id.org/coprod-kg/id/review")
    assert str(value(description, dataset, DCTERMS + "title")).startswith("coprod-kg")
    assert value(description, dataset, DCTERMS + "description") is not None
    assert str(value(description, dataset, DCTERMS + "created")) == "2026-11-25"  # the ontology's
    publisher = str(value(description, dataset, DCTERMS + "publisher"))
    assert str(value(description, publisher, namespaces.PREFIXES["foaf"] + "name")) == (
        "coprod-kg developers")
    contact = str(value(description, dataset, DCAT + "contactPoint"))
    assert str(value(description, contact, namespaces.PREFIXES["vcard"] + "hasURL")) == (
        "https://w3id.org/coprod-kg/")


def test_vocabularies_are_the_namespaces_in_use(description):
    from rdflib import URIRef

    used = {str(v) for v in description.objects(URIRef(HERE + "dataset"),
                                                 URIRef(VOID + "vocabulary"))}
    for prefix in ("cpo", "skos", "dcterms", "prov", "bibo", "qudt", "sssom", "schema"):
        assert namespaces.PREFIXES[prefix] in used
    assert namespaces.INSTANCES not in used


def test_dumps_always_and_the_endpoint_only_when_served(description, bundled_graph):
    from rdflib import URIRef

    from coprod_kg.graph.store import MemoryStore
    from coprod_kg.links.describe import DescribeOptions, describe

    dataset = URIRef(HERE + "dataset")
    downloads = {str(description.value(d, URIRef(DCAT + "downloadURL")))
                 for d in description.objects(dataset, URIRef(DCAT + "distribution"))}
    assert downloads == {"https://w3id.org/coprod-kg/coprod-kg.ttl",
                         "https://w3id.org/coprod-kg/coprod-kg.jsonld"}
    assert description.value(dataset, URIRef(VOID + "sparqlEndpoint")) is None
    served = describe(MemoryStore(bundled_graph),
                      DescribeOptions(sparql_endpoint="http://127.0.0.1:7878/query"))
    assert str(served.value(dataset, URIRef(VOID + "sparqlEndpoint"))) == (
        "http://127.0.0.1:7878/query")
    service = URIRef(HERE + "sparql-service")
    assert str(served.value(service, URIRef(DCAT + "endpointURL"))) == "http://127.0.0.1:7878/query"


def test_describe_command_writes_turtle_and_json_ld(runner, tmp_path, bundled_graph):
    from rdflib import Graph

    target = tmp_path / "void.ttl"
    result = runner.invoke(cli, ["describe", "-o", str(target), "--created", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {target} (turtle)\n"
    written = Graph().parse(target, format="turtle")
    assert int(value(written, HERE + "dataset", VOID + "triples")) == len(bundled_graph)
    assert str(value(written, HERE + "dataset", DCTERMS + "created")) == "2026-12-01"
    as_json = runner.invoke(cli, ["--store", "memory", "describe", "--format", "json-ld"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert len(Graph().parse(data=json.dumps(document), format="json-ld")) == len(written)


def test_describe_rejects_a_bad_date(runner):
    result = runner.invoke(cli, ["describe", "--created", "25/11/2026"])
    assert result.exit_code == 2
    assert result.stderr == (
        "coprod-kg: error: --created '25/11/2026': expected a date as YYYY-MM-DD\n")


@pytest.mark.parametrize("arguments, message", [
    (["--created", "2026-13-01"], "--created '2026-13-01': expected a date as YYYY-MM-DD"),
    (["--base-url", "not a url"], "--base-url 'not a url': expected an http(s) URL"),
    (["--sparql-endpoint", "ftp://x"], "--sparql-endpoint 'ftp://x': expected an http(s) URL"),
])
def test_describe_rejects_an_impossible_date_or_a_bad_url_in_one_line(runner, arguments,
                                                                      message):
    result = runner.invoke(cli, ["describe", *arguments])
    assert result.exit_code == 2
    assert result.stderr == f"coprod-kg: error: {message}\n"
    assert result.stdout == ""
