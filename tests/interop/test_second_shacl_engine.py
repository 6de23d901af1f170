"""A second SHACL engine agrees with pyshacl: pyrudof (rudof's native engine) reports the
same (focus node, source shape, severity) on the bundled data and on every fixture of
tests/fixtures/shapes/, except the results of the shapes that need SHACL-AF or
SHACL-SPARQL, which a SHACL Core engine does not run (SPARQL_ONLY)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rudof_harness import rudof_results

from coprod_kg.graph import sources
from coprod_kg.graph.load import load_shapes, parse_file
from coprod_kg.validation.shapes import validate_graph

CPSH = "https://w3id.org/coprod-kg/shapes#"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shapes"


def sparql_only() -> set[str]:
    """Shapes a SHACL Core engine skips (a SPARQL target or a SPARQL constraint), as the CLI
    reports them; their results are left out of the comparison."""
    from coprod_kg.validation.shapes import needs_shacl_sparql

    return set(needs_shacl_sparql(load_shapes()))


SPARQL_ONLY = sparql_only()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def fixture_base(repo_root: Path) -> Graph:
    graph = Graph()
    for path in sources.ontology_files():
        parse_file(graph, path)
    for name in ("schemes.ttl", "evaluation-schemes.ttl", "principles.ttl"):
        parse_file(graph, repo_root / "data" / name)
    return graph


def pyshacl_results(data: Graph, shapes: Graph) -> set[tuple[str, str, str]]:
    report = validate_graph(data, shapes)
    return {(r.focus_node, r.source_shape, r.severity) for r in report.results}


def core_only(results: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    return {result for result in results if result[1] not in SPARQL_ONLY}


def test_only_the_later_evidence_status_shapes_need_sparql() -> None:
    assert SPARQL_ONLY <= {f"{CPSH}CaseStudyChallengedStatusShape",
                           f"{CPSH}CaseStudyChallengedNeedsEvidenceShape"}


def test_both_engines_agree_on_the_bundled_graph(bundled_graph, shapes) -> None:
    expected = pyshacl_results(bundled_graph, shapes)
    assert expected, "the bundled graph has warnings both engines should report"
    assert core_only(rudof_results(bundled_graph, shapes)) == core_only(expected)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.ttl")))
def test_both_engines_agree_on_each_shape_fixture(name, fixture_base, shapes) -> None:
    data = Graph()
    data += fixture_base
    parse_file(data, FIXTURES / name)
    expected = pyshacl_results(data, shapes)
    assert core_only(rudof_results(data, shapes)) == core_only(expected)
