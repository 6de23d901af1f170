"""The stored SELECT queries, which promise one row per thing, keep that promise on data a user may
write: a second label in another language (a French rdfs:label or skos:prefLabel) adds no
row and shows no French text, and a case study without cpo:caseNumber is listed last rather
than dropped from the site's tables, the gap map and the downloads, and a case study no one has
graded yet (no cpo:gradedEntity for it or its outcomes) adds no row either. Data-driven: the
bundled graph with one @fr label added to every labelled node (so to every kind of thing), or
with one case study's number or grading removed."""

from __future__ import annotations

import re

import pytest
from rdflib import RDFS, SKOS, Graph, Literal, Namespace, URIRef

from coprod_kg.graph import sources
from coprod_kg.graph.store import MemoryStore, OxigraphStore
from coprod_kg.publishing.downloads import outcome_rows
from coprod_kg.publishing.gapmap import build_gap_map
from coprod_kg.publishing.sitedata import select, to_python
from coprod_kg.queries.catalogue import bound_text, get_query

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
POPP = "https://w3id.org/coprod-kg/id/case-study/popp"
# Every stored SELECT query gives one row per thing (an outcome, a case study, an entry of the
# map, a concept...) whatever the labels' languages, but these:
NOT_CHECKED = {
    "site-counts": "its number of triples grows with the labels",
    "federated-mesh-populations": "needs a SERVICE endpoint, which tests never contact",
    "federated-wikidata-places": "needs a SERVICE endpoint, which tests never contact",
    "quote-search": "a search over quotes, with no default text to search for",
}
ONE_ROW_PER_THING = sorted(
    path.stem for path in sources.queries_dir().glob("*.rq")
    if path.stem not in NOT_CHECKED
    and re.search(r"^\s*SELECT\b", path.read_text(encoding="utf-8"), re.M | re.I))


def answer(store, name: str) -> list[dict]:
    """The rows of the stored query NAME, its parameters at their documented defaults."""
    result = store.query(bound_text(get_query(name)))
    return [{variable: to_python(term) for variable, term in zip(result.variables, row,
                                                                  strict=False)}
            for row in result.rows]


@pytest.fixture(scope="module")
def store(bundled_graph):
    return OxigraphStore.from_graph(bundled_graph)


@pytest.fixture(scope="module")
def french_store(bundled_graph):
    graph = Graph()
    graph += bundled_graph
    for predicate in (RDFS.label, SKOS.prefLabel):
        for node, label in list(bundled_graph.subject_objects(predicate)):
            if isinstance(label, Literal):
                graph.add((node, predicate, Literal(f"[fr] {label}", lang="fr")))
    return OxigraphStore.from_graph(graph)


@pytest.fixture(scope="module")
def unnumbered_store(bundled_graph):
    graph = Graph()
    graph += bundled_graph

    graph.remove((URIRef(POPP), CPO.caseNumber, None))
    return OxigraphStore.from_graph(graph)


@pytest.fixture(scope="module")
def ungraded_graph(bundled_graph):
    """The bundled graph without the gradings of POPP and its outcomes (a case study a user
    has added and no one has graded yet)."""
    graph = Graph()
    graph += bundled_graph
    popp = URIRef(POPP)
    for entity in (popp, *bundled_graph.objects(popp, CPO.hasOutcome)):
        for grading in list(graph.subjects(CPO.gradedEntity, entity)):
            graph.remove((grading, None, None))
    return graph


@pytest.fixture(scope="module")
def ungraded_store(ungraded_graph):
    return OxigraphStore.from_graph(ungraded_graph)


def test_the_list_of_one_row_queries_is_the_expected_one():
    assert {"outcomes-table", "evidence-map", "site-case-studies", "site-outcomes",
            "outcomes-by-category", "outcomes-by-reduction", "case-studies",
            "money-outcomes"} <= set(ONE_ROW_PER_THING)
    assert "case-study-graph" not in ONE_ROW_PER_THING  # a CONSTRUCT
    assert set(NOT_CHECKED) <= {path.stem for path in sources.queries_dir().glob("*.rq")}


@pytest.mark.parametrize("name", ONE_ROW_PER_THING)
def test_a_french_label_adds_no_row_and_no_french_text(name, store, french_store):
    rows = answer(store, name)
    assert answer(french_store, name) == rows
    # the quality gates and gap reports answer nothing on the bundled data; the rest something
    quiet = name.endswith(("-violation", "-gap")) and name != "case-study-without-principle-gap"
    assert bool(rows) != quiet, f"{name}: {len(rows)} rows on the bundled data"


def test_a_case_study_without_a_number_keeps_its_outcomes(store, unnumbered_store):
    popp_outcomes = {row["outcome"] for row in select(store, "outcomes-table")
                     if row["caseLabel"] == "Partnerships for Older People Projects (POPP)"}
    assert len(popp_outcomes) == 9
    rows = select(unnumbered_store, "outcomes-table")
    assert len(rows) == len(select(store, "outcomes-table"))
    # listed last, with no number
    assert {row["outcome"] for row in rows[-9:]} == popp_outcomes
    assert {row["caseNumber"] for row in rows[-9:]} == {None}
    downloads = outcome_rows(unnumbered_store)
    assert [row["case study"] for row in downloads[-9:]] == (
        ["Partnerships for Older People Projects (POPP)"] * 9)


def test_a_case_study_without_a_number_stays_on_the_map(store, unnumbered_store):
    def popp_entries(a_store) -> int:
        return sum(1 for cell in build_gap_map(a_store).cells.values()
                   for entry in cell.entries if entry.case_study == POPP)

    assert popp_entries(unnumbered_store) == popp_entries(store) > 0
    families = select(unnumbered_store, "site-intervention-families")
    assert len(families) == len(select(store, "site-intervention-families"))
    assert POPP in {row["caseStudy"] for row in families}


@pytest.mark.parametrize("name", sorted(set(ONE_ROW_PER_THING) - {"site-evidence-grades"}))
def test_an_ungraded_case_study_adds_no_row(name, store, ungraded_store):
    # an unbound grade joined on directly matched every grade of the scale: one row per grade
    # (site-evidence-grades lists the gradings themselves: the removed ones' rows go)
    assert len(answer(ungraded_store, name)) == len(answer(store, name))


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
@pytest.mark.parametrize("name", ["outcomes-table", "evidence-map"])
def test_an_ungraded_outcome_has_no_design_level(name, engine, store, ungraded_graph):
    ungraded = (OxigraphStore.from_graph(ungraded_graph) if engine == "oxigraph"
                else MemoryStore(ungraded_graph))
    outcomes = {str(outcome) for outcome in ungraded_graph.objects(URIRef(POPP), CPO.hasOutcome)}

    def popp_outcomes(rows: list[dict]) -> list[dict]:  # the map's entries: its own outcomes
        return [row for row in rows if row.get("outcome", row.get("entry")) in outcomes]

    popp = popp_outcomes(answer(ungraded, name))
    graded = popp_outcomes(answer(store, name))
    assert len(popp) == len(graded) > 0
    assert {(row["designLevel"], row["designLabel"]) for row in popp} == {(None, None)}
    assert {row["designLevel"] for row in graded} != {None}
