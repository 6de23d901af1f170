"""`coprod-kg validate`: the completeness table, the quality gates, exit codes 0/1/2."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from coprod_kg.cli import cli
from coprod_kg.graph import sources

PREFIXES = (
    "@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .\n"
    "@prefix out: <https://w3id.org/coprod-kg/id/outcome/> .\n"
)


@pytest.fixture(scope="module")
def bundled_report():
    from click.testing import CliRunner

    outcome = CliRunner().invoke(cli, ["validate", "--format", "json"])
    return outcome.exit_code, json.loads(outcome.stdout)


def test_bundled_graph_conforms_exit_0(bundled_report):
    code, report = bundled_report
    assert code == 0
    assert report["conforms"] is True and report["violations"] == 0
    assert report["gates"] and all(gate["passed"] for gate in report["gates"])
    assert [(gap["name"], gap["severity"], gap["rows"]) for gap in report["gaps"]] == [
        ("case-study-without-principle-gap", "Warning",
         [{"caseStudy": "cs:core-study", "label": "CORE study protocol"}]),
        ("principle-without-case-study-gap", "Warning", []),
    ]


def test_q9_core_is_incomplete_a_warning_not_a_violation(bundled_report):
    _, report = bundled_report
    core = [
        r
        for r in report["results"]
        if r["case_study"] == "https://w3id.org/coprod-kg/id/case-study/core-study"
    ]
    assert core and {r["severity"] for r in core} == {"Warning"}
    assert any("quantified outcome" in r["message"] for r in core)


def test_text_report_starts_with_a_summary_then_lists_the_flagged_case_studies(runner):
    outcome = runner.invoke(cli, ["validate"])
    assert outcome.exit_code == 0
    text = outcome.stdout
    assert text.splitlines()[:2] == [
        "Result: conforms: 0 violations, 5 warnings, 4/4 gates passed, 1 evidence gap",
        "Case studies: 6 checked, 0 with violations, 5 with warnings only",
    ]
    # POPP's only time frame (three years) belongs to its reach, a programme figure
    for curie in ("cs:popp", "cs:local-area-coordination", "cs:core-study"):
        assert f"\n  {curie} " in text
    for curie in ("cs:oxleas-ebcd",):  # no violation, no warning: not listed
        assert f"\n  {curie} " not in text
    assert "The case study reports no quantified outcome" in " ".join(text.split())
    # result paths are written with the project's prefixes, not as long IRIs broken at "-"
    assert "Warning cs:core-study cpo:hasOutcome/rdf:type/(rdfs:subClassOf*): " in text
    assert "<https://w3id.org/coprod-" not in text
    assert "ok    outcome-case-study-violation" in text
    # a gap in the evidence is a warning with its rows (docs/curation.md), not a failure
    assert "GAP   case-study-without-principle-gap (1 row)" in text
    assert "          cs:core-study  CORE study protocol" in text
    assert text.rstrip().splitlines()[-1].startswith("Result: conforms: 0 violations")
    assert max(len(line) for line in text.splitlines()) <= 80


def test_all_lists_every_case_study_and_limit_cuts_the_list(runner):
    every = runner.invoke(cli, ["validate", "--all"]).stdout
    for curie in ("cs:oxleas-ebcd", "cs:popp", "cs:core-study"):
        assert f"\n  {curie} " in every
    limited = runner.invoke(cli, ["validate", "--limit", "1"]).stdout
    assert "(1 of 5; --all: every one)" in limited
    assert "\n  cs:popp " in limited
    assert "\n  cs:core-study " not in limited  # (it is named again under the evidence gaps)


def test_the_table_uses_the_width_given(runner):
    text = runner.invoke(cli, ["validate", "--width", "120"]).stdout
    assert max(len(line) for line in text.splitlines()) > 80
    assert max(len(line) for line in text.splitlines()) <= 120


def test_turtle_format_is_the_shacl_report(runner):
    outcome = runner.invoke(cli, ["validate", "--format", "turtle"])
    assert outcome.exit_code == 0
    report = Graph().parse(data=outcome.stdout, format="turtle")
    assert "http://www.w3.org/ns/shacl#ValidationReport" in {str(o) for o in report.objects()}


def test_turtle_report_follows_the_spec_with_warnings(runner):
    """SHACL: sh:conforms is false whenever a result exists, warnings included; the CLI's own
    verdict stays "conforms" with exit 0 (warnings allowed)."""
    from rdflib import RDF, Literal, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    outcome = runner.invoke(cli, ["validate", "--format", "turtle"])
    assert outcome.exit_code == 0
    graph = Graph().parse(data=outcome.stdout, format="turtle")
    report = graph.value(predicate=RDF.type, object=sh.ValidationReport)
    assert len(list(graph.objects(report, sh.result))) > 0
    assert graph.value(report, sh.conforms) == Literal(False)
    text = runner.invoke(cli, ["validate"])
    assert text.exit_code == 0 and "Result: conforms" in text.stdout


def test_shapes_that_need_shacl_sparql_are_named(bundled_report):
    from coprod_kg.graph.load import load_shapes
    from coprod_kg.validation.shapes import needs_shacl_sparql

    _, report = bundled_report
    assert report["needs_shacl_sparql"] == needs_shacl_sparql(load_shapes())


def test_a_shape_violation_exits_1(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'out:popp-ae-use cpo:page "six" .\n', encoding="utf-8")
    outcome = runner.invoke(
        cli,
        ["--source", str(sources.data_dir()), "--source", str(bad), "validate", "--format", "json"],
    )
    assert outcome.exit_code == 1, outcome.output
    report = json.loads(outcome.stdout)
    assert report["conforms"] is False
    assert any(
        r["severity"] == "Violation"
        and r["focus_node"] == "https://w3id.org/coprod-kg/id/outcome/popp-ae-use"
        for r in report["results"]
    )


def test_a_failing_gate_exits_1_and_is_shown(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    # a second case study claims an existing outcome: the outcome is in two case studies
    bad.write_text(
        PREFIXES
        + "<https://w3id.org/coprod-kg/id/case-study/popp> cpo:hasOutcome out:lac-costs .\n",
        encoding="utf-8",
    )
    outcome = runner.invoke(
        cli, ["--source", str(sources.data_dir()), "--source", str(bad), "validate"]
    )
    assert outcome.exit_code == 1
    assert "FAIL  outcome-case-study-violation (1 row)" in outcome.stdout
    assert "out:lac-costs  2" in outcome.stdout
    assert "does NOT conform" in outcome.stdout


def test_malformed_turtle_exits_2_with_file_line_column(runner, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text(PREFIXES + 'out:x cpo:page 5 ;\n  cpo:quote "unterminated .\n')
    outcome = runner.invoke(cli, ["--source", str(bad), "validate"])
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.startswith(f"coprod-kg: error: {bad}:4:")
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.stderr


def test_missing_source_file_exits_2(runner, tmp_path):
    outcome = runner.invoke(cli, ["--source", str(tmp_path / "nope.ttl"), "validate"])
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1 and "nope.ttl" in outcome.stderr
