"""Later evidence, evidence grades and evidence status: the data against the reference file,
the shapes both ways, and competency question 15 answered by its stored query."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from coprod_kg.cli import cli
from coprod_kg.graph import sources
from coprod_kg.queries.catalogue import bound_text, get_query
from coprod_kg.validation.shapes import validate_graph

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
ID = "https://w3id.org/coprod-kg/id/"
SHAPES = "https://w3id.org/coprod-kg/shapes#"

LATER_FILES = sorted((sources.data_dir() / "later-evidence").glob("*.ttl"))


def slug(iri) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_later_evidence_files_found():
    names = {p.name for p in LATER_FILES}
    assert {"relations.ttl", "springham-robert-2015.ttl",
            "popp-national-evaluation.ttl", "nuffield-trust-2019.ttl", "locock-2014-hsdr.ttl",
            "core-trial.ttl"} <= names
    assert (sources.data_dir() / "evidence-grades.ttl").is_file()
    assert (sources.data_dir() / "curation" / "grading.ttl").is_file()  # our curation
    assert (sources.ontology_dir() / "living-evidence.ttl").is_file()


# --------------------------------------------------------------------------
# Competency question 15
# --------------------------------------------------------------------------

CQ15_ROWS = [
    # case study, claim, later evidence, relation, reference
    ("oxleas-ebcd", "oxleas-complaints", "springham-robert-2015-complaints", "qualifies",
     "springham-robert-2015"),
    ("popp", "popp-reach", "popp-evaluation-users", "supports", "popp-national-evaluation"),
    ("popp", "popp-overnight-stays", "popp-evaluation-overnight-stays-hedge", "qualifies",
     "popp-national-evaluation"),
    ("popp", "popp-value-for-money", "popp-evaluation-benefit-range", "qualifies",
     "popp-national-evaluation"),
    ("age-uk-personalised-integrated-care", "age-uk-all-admissions",
     "nuffield-trust-2019-admissions", "qualifies", "georghiou-keeble-2019"),
    ("age-uk-personalised-integrated-care", "age-uk-non-elective-admissions",
     "nuffield-trust-2019-admissions", "contradicts", "georghiou-keeble-2019"),
    ("core-study", "core-psychosocial-recovery", "palmer-2021-core-recovery", "contradicts",
     "palmer-2021-core-results"),
]


def cq15_rows(rows, variables) -> list[tuple[str, ...]]:
    index = {name: variables.index(name) for name in
             ("caseStudy", "claim", "laterEvidence", "relation", "reference")}
    return [tuple(slug(row[index[name]]) for name in index) for row in rows]


def test_cq15_through_the_library(bundled_graph: Graph):
    text = bound_text(get_query("later-evidence"), {})
    result = bundled_graph.query(text)
    variables = [str(v) for v in result.vars]
    rows = list(result)
    assert cq15_rows(rows, variables) == CQ15_ROWS
    by_evidence = {slug(r[variables.index("laterEvidence")]): r for r in rows}
    springham = by_evidence["springham-robert-2015-complaints"]
    assert str(springham[variables.index("doi")]) == "10.1136/bmjquality.u209153.w3970"
    assert str(springham[variables.index("finding")]) == (
        "Formal complaints on the ward were eradicated for 23 months after EBCD (the review "
        "says an 80% reduction over 14 months).")
    palmer = by_evidence["palmer-2021-core-recovery"]
    assert str(palmer[variables.index("doi")]) == "10.1111/hex.13334"
    assert str(palmer[variables.index("relationLabel")]) == "Contradicts"


def test_cq15_through_the_cli_for_one_case_study(runner):
    result = runner.invoke(cli, ["query", "later-evidence", "-p", "caseStudy=cs:popp",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    variables = answer["head"]["vars"]
    rows = [tuple(binding.get(v, {}).get("value") for v in variables)
            for binding in answer["results"]["bindings"]]
    assert cq15_rows(rows, variables) == [row for row in CQ15_ROWS if row[0] == "popp"]


# --------------------------------------------------------------------------
# The later evidence against the reference file; the review's figures untouched
# --------------------------------------------------------------------------


def later_graph() -> Graph:
    graph = Graph()
    for path in LATER_FILES:
        graph.parse(path)
    return graph


def test_every_finding_is_the_reference_files_wording(reference_text: str):
    reference = normalise(reference_text)
    findings = [str(v) for v in later_graph().objects(None, CPO.finding)]
    assert len(findings) == 8
    for finding in findings:
        assert normalise(finding) in reference, finding


FIGURES = {
    # figure: (measure value or (min, max), unit, the reference file's words)
    "springham-robert-2015-complaint-free-months": ("23.0", "MO", "23 months"),
    "popp-evaluation-users-count": ("264637.0", "NUM", "264,637 people"),
    "popp-evaluation-benefit-range-gbp": (("0.8", "1.6"), "GBP", "£0.80 to £1.60"),
    "nuffield-trust-2019-people": ("1996.0", "NUM", "1,996 people"),
    "nuffield-trust-2019-areas": ("8.0", "NUM", "eight areas"),
    "locock-2014-hsdr-staff": ("96.0", "NUM", "96 staff"),
    "locock-2014-hsdr-patients-and-families": ("63.0", "NUM", "63 patients and family members"),
    "palmer-2021-ras-r-difference": ("-1.7", None, "-1.70, 95% CI -3.81 to 0.40"),
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_later_evidence_figure_as_the_reference_file_states_it(name, reference_text):
    graph = later_graph()
    figure = URIRef(ID + "later-evidence-figure/" + name)
    value, unit, words = FIGURES[name]
    assert words in reference_text
    if isinstance(value, tuple):
        assert (str(graph.value(figure, CPO.minValue)), str(graph.value(figure, CPO.maxValue))) \
            == value
    else:
        assert graph.value(figure, QUDT.numericValue) == Literal(value, datatype=XSD.decimal)
    found_unit = graph.value(figure, QUDT.unit)
    assert (slug(found_unit).rsplit("/", 1)[-1] if found_unit else None) == unit
    assert (None, CPO.hasEvidenceFigure, figure) in graph


def test_the_trial_result_and_its_confidence_interval():
    graph = later_graph()
    figure = URIRef(ID + "later-evidence-figure/palmer-2021-ras-r-difference")
    values = [Decimal(str(graph.value(figure, p)))
              for p in (CPO.ciLower, QUDT.numericValue, CPO.ciUpper)]
    assert values == [Decimal("-3.81"), Decimal("-1.7"), Decimal("0.4")]
    assert graph.value(figure, CPO.confidenceLevel) == Literal("95.0", datatype=XSD.decimal)


def test_later_evidence_never_rewrites_the_review():
    """Later-evidence files describe only their own nodes: nothing about a case study, outcome
    or figure of the review, and no quote attributed to the review."""
    # (agent/: the authors of a later publication whom no reference of the review names)
    own = tuple(ID + part for part in ("later-evidence/", "later-evidence-figure/",
                                      "reference/", "grading/", "evidence-relation/", "agent/"))
    review_refs = {ID + "reference/" + key for key in (
        "kings-fund-ebcd-oxleas", "popp-national-evaluation", "age-uk-integrated-care",
        "locock-2014-accelerated-ebcd", "palmer-2015-core-protocol")}
    graph = later_graph()
    for subject in set(graph.subjects()):
        assert str(subject).startswith(own) or str(subject) == ID + "evidence-relations", subject
        assert str(subject) not in review_refs, subject
    assert not list(graph.subject_objects(CPO.quote))
    assert not list(graph.subject_objects(CPO.reportedIn))


def test_the_reviews_own_figures_stay(bundled_graph: Graph):
    def value(outcome: str) -> str:
        return str(bundled_graph.value(URIRef(ID + "outcome/" + outcome), QUDT.numericValue))

    assert value("oxleas-complaints") == "80.0"
    assert value("popp-value-for-money") == "1.2"
    assert value("popp-overnight-stays") == "47.0"
    assert value("age-uk-all-admissions") == "31.0"


def test_later_references_carry_their_identifiers(reference_text: str):
    graph = later_graph()
    expected = {
        "springham-robert-2015": "10.1136/bmjquality.u209153.w3970",
        "locock-2014-hsdr": "10.3310/hsdr02040",
        "palmer-2021-core-results": "10.1111/hex.13334",
        "palmer-2017-core-engagement": "10.1186/s13063-017-1878-7",
    }
    for key, doi in expected.items():
        reference = URIRef(ID + "reference/" + key)
        assert str(graph.value(reference, BIBO.doi)) == doi
        assert doi in reference_text
        # a title, or (where the reference file gives none) a supplied description
        assert (graph.value(reference, DCTERMS.title) is None) != (
            graph.value(reference, CPO.suppliedDescription) is None)
    nuffield = URIRef(ID + "reference/georghiou-keeble-2019")
    assert str(graph.value(nuffield, BIBO.isbn13)) == "978-1-910953-62-4"
    assert "978-1-910953-62-4" in reference_text
    assert str(graph.value(URIRef(ID + "reference/palmer-2021-core-results"), BIBO.pmid)) \
        == "34350669"


# --------------------------------------------------------------------------
# Evidence grades and status
# --------------------------------------------------------------------------

def test_every_outcome_is_graded_with_a_reason(bundled_graph: Graph):
    result = bundled_graph.query(bound_text(get_query("evidence-grades"), {}))
    variables = [str(v) for v in result.vars]
    rows = [dict(zip(variables, row, strict=True)) for row in result]
    outcomes = set(bundled_graph.objects(None, CPO.hasOutcome))
    assert len(rows) == len({r["outcome"] for r in rows})
    assert {r["outcome"] for r in rows} == outcomes
    for row in rows:  # the grade of each outcome, row by row: tests/data/test_curation.py
        assert str(row["gradedAs"]) in ("outcome", "case study")
        assert len(str(row["rationale"])) > 40
    contradicted = {slug(r["outcome"]) for r in rows if str(r["claimStatus"]) == "contradicted"}
    assert contradicted == {"age-uk-non-elective-admissions", "core-psychosocial-recovery"}


def test_grades_are_an_ordered_closed_scheme(bundled_graph: Graph):
    grades = {slug(g): int(bundled_graph.value(g, CPO.gradeRank))
              for g in bundled_graph.subjects(RDF.type, CPO.EvidenceGrade)}
    assert grades == {"randomised-trial": 1, "controlled-evaluation": 2,
                      "uncontrolled-before-after": 3, "reported-figure": 4, "no-result": 5}


def test_living_evidence_terms_have_label_and_definition(bundled_graph: Graph):
    ontology = Graph().parse(sources.ontology_dir() / "living-evidence.ttl")
    terms = [s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(CPO))]
    assert len(terms) >= 15
    for term in terms:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, URIRef("http://www.w3.org/2004/02/skos/core#definition")), term


def test_no_case_study_carries_a_typed_challenged_status(bundled_graph: Graph):
    """Whether later evidence contradicts a result is derived per claim, never typed."""
    statuses = {slug(o) for o in bundled_graph.objects(None, CPO.evidenceStatus)}
    assert statuses == {"evaluated", "protocol"}
    assert (URIRef(ID + "evidence-status/challenged"), None, None) not in bundled_graph


# --------------------------------------------------------------------------
# The shapes, both ways
# --------------------------------------------------------------------------

BAD_EVIDENCE = URIRef(ID + "later-evidence/test-bad")


def results_for(graph: Graph, focus: URIRef) -> set[tuple[str, str]]:
    report = validate_graph(graph)
    return {(r.source_shape.replace(SHAPES, ""), r.severity) for r in report.results
            if r.focus_node == str(focus)}


@pytest.fixture()
def graph_copy(bundled_graph: Graph) -> Graph:
    copy = Graph()
    copy += bundled_graph
    return copy


def test_valid_later_evidence_has_no_results(bundled_graph: Graph):
    for node in bundled_graph.subjects(RDF.type, CPO.LaterEvidence):
        assert results_for(bundled_graph, node) == set(), node


BAD_LINK = URIRef(ID + "evidence-link/test-bad")

PROV = Namespace("http://www.w3.org/ns/prov#")


@pytest.mark.parametrize("mutation, shape", [
    ("no reference", "LaterEvidence-source"),
    ("a review quote", "LaterEvidence-noQuote"),
    ("a claim on the later evidence", "LaterEvidence-noClaim"),
    ("a relation on the later evidence", "LaterEvidence-noRelation"),
    ("no evidence link", "LaterEvidence-linked"),
])
def test_invalid_later_evidence(graph_copy: Graph, mutation: str, shape: str):
    node = BAD_EVIDENCE
    graph_copy.add((node, RDF.type, CPO.LaterEvidence))
    graph_copy.add((node, RDFS.label, Literal("test")))
    graph_copy.add((node, CPO.finding, Literal("test")))
    if mutation != "no evidence link":
        add_link(graph_copy, node)
    if mutation == "a claim on the later evidence":
        graph_copy.add((node, CPO.aboutClaim, URIRef(ID + "outcome/oxleas-complaints")))
    if mutation == "a relation on the later evidence":
        graph_copy.add((node, CPO.evidenceRelation, URIRef(ID + "evidence-relation/supports")))
    if mutation != "no reference":
        graph_copy.add((node, DCTERMS.source, URIRef(ID + "reference/springham-robert-2015")))
    if mutation == "a review quote":
        graph_copy.add((node, CPO.quote, Literal("Overnight hospital stays were reduced by 47 "
                                                 "per cent.")))
    assert results_for(graph_copy, node) == {(shape, "Violation")}


def add_link(graph: Graph, evidence: URIRef, mutation: str = "") -> None:
    claim = URIRef(ID + "outcome/oxleas-complaints")
    if mutation == "a claim that is not of the review":
        claim = URIRef(ID + "reference/springham-robert-2015")
    relation = URIRef(ID + "evidence-relation/supports")
    if mutation == "relation not in the list":
        relation = URIRef(ID + "evidence-relation/refutes")
    graph.add((BAD_LINK, RDF.type, CPO.EvidenceLink))
    graph.add((BAD_LINK, CPO.linksLaterEvidence, evidence))
    if mutation != "no claim":
        graph.add((BAD_LINK, CPO.aboutClaim, claim))
    if mutation != "no relation":
        graph.add((BAD_LINK, CPO.evidenceRelation, relation))
    if mutation != "no rationale":
        graph.add((BAD_LINK, CPO.rationale, Literal("test", lang="en")))
    if mutation != "no marking":
        graph.add((BAD_LINK, PROV.wasAttributedTo, URIRef(ID + "agent/coprod-kg-developers")))
        graph.add((BAD_LINK, PROV.wasGeneratedBy, URIRef(ID + "curation")))


@pytest.mark.parametrize("mutation, shape", [
    ("no relation", "EvidenceLink-relation"),
    ("relation not in the list", "EvidenceLink-relation"),
    ("no claim", "EvidenceLink-claim"),
    ("a claim that is not of the review", "EvidenceLink-claimKind"),
    ("no rationale", "EvidenceLink-rationale"),
    ("no marking", "EvidenceLink-attributed"),
])
def test_invalid_evidence_link(graph_copy: Graph, mutation: str, shape: str):
    add_link(graph_copy, URIRef(ID + "later-evidence/springham-robert-2015-complaints"), mutation)
    assert results_for(graph_copy, BAD_LINK) == {(shape, "Violation")}


def test_challenged_status_is_refused(graph_copy: Graph):
    case = URIRef(ID + "case-study/age-uk-personalised-integrated-care")
    graph_copy.remove((case, CPO.evidenceStatus, None))
    graph_copy.add((case, CPO.evidenceStatus, URIRef(ID + "evidence-status/challenged")))
    assert results_for(graph_copy, case) >= {("CaseStudy-evidenceStatusClosedList", "Violation")}


def test_invalid_grading_and_figure(graph_copy: Graph):
    grading = URIRef(ID + "grading/test-bad")
    graph_copy.add((grading, RDF.type, CPO.EvidenceGrading))
    graph_copy.add((grading, CPO.gradedEntity, URIRef(ID + "case-study/popp")))
    graph_copy.add((grading, CPO.evidenceGrade, URIRef(ID + "evidence-grade/excellent")))
    assert results_for(graph_copy, grading) == {("EvidenceGrading-grade", "Violation"),
                                                ("EvidenceGrading-rationale", "Violation")}
    figure = URIRef(ID + "later-evidence-figure/palmer-2021-ras-r-difference")
    graph_copy.remove((figure, CPO.ciUpper, None))
    graph_copy.add((figure, CPO.ciUpper, Literal("-2.0", datatype=XSD.decimal)))
    assert results_for(graph_copy, figure) == {("LaterEvidenceFigure-value", "Violation")}
