"""The questions people ask (issue 17): search with synonyms, the review's own metadata,
outcomes with their time frame and qualifier, query files with the project's prefixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from coprod_kg.cli import cli
from queries.test_queries import cli_rows, project


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_ae_finds_the_accident_and_emergency_outcome_through_its_category(runner, store):
    """"A&E" is the category's label; the review's quote says "Accident and Emergency"."""
    outcome = runner.invoke(cli, ["--store", store, "query", "quote-search", "-p", "text=A&E",
                                  "--format", "csv"])
    assert outcome.exit_code == 0, outcome.output
    assert "https://w3id.org/coprod-kg/id/outcome/popp-ae-use" in outcome.stdout
    assert ",category: A&E use," in outcome.stdout


def test_accident_and_emergency_finds_the_quote_and_the_category(runner):
    rows = cli_rows(runner, "quote-search", text="accident and emergency")
    assert sorted(project(rows, "subject", "field")) == [
        ("cat:ae-use", "definition"),
        ("out:popp-ae-use", "category: A&E use"),
        ("out:popp-ae-use", "quote"),
    ]


def test_search_reaches_labels_and_findings(runner):
    rows = cli_rows(runner, "quote-search", text="experience-based")
    assert ("iv:accelerated-ebcd", "label") in project(rows, "subject", "field")
    later = cli_rows(runner, "quote-search", text="emergency admissions")
    assert any(row["field"] == "finding" for row in later)


def test_review_query_gives_the_reviews_own_metadata(runner):
    (row,) = cli_rows(runner, "review")
    assert (row["author"], row["date"], row["publisher"]) == (
        "Charlotte Owen", "2016-12", "Healthy London Partnership")
    assert row["contact"] == "mailto:natalia.proctor@nhs.net"
    assert row["methodology"].startswith("The rapid review used mixed methodology")
    assert row["title"].startswith("Approaches and methodologies of patient co-production")


def test_review_query_prints_one_row_as_name_value_lines(runner):
    outcome = runner.invoke(cli, ["query", "review"])
    lines = outcome.stdout.splitlines()
    assert "author        Charlotte Owen" in lines
    assert "contact       mailto:natalia.proctor@nhs.net" in lines
    assert max(len(line) for line in lines) <= 80


def test_case_study_outcomes_show_time_frame_and_qualifier(runner):
    rows = cli_rows(runner, "case-study-outcomes", caseStudy="cs:popp")
    by_outcome = {row["outcome"]: row for row in rows}
    assert by_outcome["out:popp-value-for-money"]["qualifier"] == "approximately"
    assert "out:popp-reach" not in by_outcome  # reach is a programme figure (fig:popp-reach)
    oxleas = cli_rows(runner, "case-study-outcomes", caseStudy="cs:oxleas-ebcd")
    assert {"timeFrame", "qualifier"} <= set(oxleas[0])
    assert any(row["timeFrame"] is not None for row in oxleas)


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_query_file_may_use_the_project_prefixes_undeclared(runner, tmp_path, store):
    query = tmp_path / "mine.rq"
    query.write_text("SELECT ?label WHERE { cs:popp rdfs:label ?label }\n", encoding="utf-8")
    outcome = runner.invoke(cli, ["--store", store, "query", "--file", str(query),
                                  "--format", "csv"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stdout.splitlines()[1] == "Partnerships for Older People Projects (POPP)"


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_an_unknown_prefix_is_named_with_line_and_column(runner, tmp_path, store):
    query = tmp_path / "mine.rq"
    query.write_text("# my question\nSELECT ?x WHERE {\n  ?x a zz:Thing }\n", encoding="utf-8")
    outcome = runner.invoke(cli, ["--store", store, "query", "--file", str(query)])
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1
    assert outcome.stderr.startswith(f"coprod-kg: error: {query}:3:8: undeclared prefix 'zz:'")


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_syntax_error_names_the_line_of_the_users_file(runner, tmp_path, store):
    query = tmp_path / "mine.rq"
    query.write_text("# my question\nSELECT ?x WHERE { ?x a cs:Thing \n", encoding="utf-8")
    outcome = runner.invoke(cli, ["--store", store, "query", "--file", str(query)])
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1
    assert f"{query}:3:1" in outcome.stderr


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_search_names_a_case_study_only_by_its_english_label(runner, tmp_path, store):
    """An outcome of two case studies, one labelled only in French, has one row, with the
    English label; an outcome of the French-labelled study alone has none (the case study
    and its label are looked up together, as one optional join)."""
    fixture = Path(__file__).parents[1] / "fixtures" / "search" / "case-study-labels.ttl"
    outcome = runner.invoke(cli, ["--store", store, "--store-dir", str(tmp_path),
                                  "--source", str(fixture), "query", "quote-search",
                                  "-p", "text=made-up waiting", "--format", "csv"])
    assert outcome.exit_code == 0, outcome.output
    ex = "https://example.org/search/"
    assert outcome.stdout.splitlines() == [
        "subject,caseStudyLabel,field,text,page,ambiguityNote",
        f"{ex}outcome-en,English-labelled made-up study,label,Made-up waiting lists shrank,,",
        f"{ex}outcome-fr,,label,Made-up waiting rooms emptied,,",
        f"{ex}outcome-shared,English-labelled made-up study,label,Made-up waiting times fell,3,",
    ]
