"""The SHACL shapes (shapes/*.ttl) and the validation library (coprod_kg.validation.shapes).

Each shape is tested both ways: a valid fixture with no result at all, and an invalid fixture
whose exact set of (focus node, source shape, severity) is asserted. Fixtures live in
tests/fixtures/shapes/ and are validated together with the real ontology, schemes and
principles, so they use the real classes and concepts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from coprod_kg.graph import sources
from coprod_kg.graph.load import load_shapes, parse_file
from coprod_kg.validation.report import ValidationReport
from coprod_kg.validation.shapes import render_path, validate_graph

SH = Namespace("http://www.w3.org/ns/shacl#")
CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
CPSH = Namespace("https://w3id.org/coprod-kg/shapes#")
CS = Namespace("https://w3id.org/coprod-kg/id/case-study/")
EX = Namespace("http://example.org/fixture/")
DCTERMS = Namespace("http://purl.org/dc/terms/")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shapes"
# The shapes files of this area; shapes/later-evidence.ttl belongs to the living-evidence work.
OWN_SHAPE_FILES = (
    "prefixes.ttl",
    "case-study.ttl",
    "outcome.ttl",
    "alignment-and-learning-point.ttl",
    "reference.ttl",
    "ontology-style.ttl",
    "review-structure.ttl",
    "evaluation.ttl",
)
TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                     SH.target)
# Parameters of constraint components a node shape may carry directly (SHACL core).
NODE_CONSTRAINT_PARAMETERS = tuple(SH[name] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
    "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
    "xone", "node", "qualifiedValueShape", "closed", "hasValue", "in",
))

V, W = "Violation", "Warning"

# The expected results of each fixture: (focus node, source shape, severity).
EXPECTED: dict[str, set[tuple[URIRef, URIRef, str]]] = {
    "case-study-valid.ttl": set(),
    "case-study-invalid.ttl": {
        (EX["cs-type-only"], CPSH["CaseStudy-title"], V),
        (EX["cs-type-only"], CPSH["CaseStudy-caseNumber"], W),
        (EX["cs-type-only"], CPSH["CaseStudy-page"], V),
        (EX["cs-type-only"], CPSH["CaseStudy-population"], V),
        (EX["cs-type-only"], CPSH["CaseStudy-approach"], V),
        (EX["cs-type-only"], CPSH["CaseStudy-reference"], V),
        (EX["cs-type-only"], CPSH["CaseStudy-principleAlignment"], W),
        (EX["cs-type-only"], CPSH["CaseStudyOrganisationOrProgrammeShape"], V),
        (EX["cs-type-only"], CPSH["CaseStudyLearningPointsShape"], V),
        (EX["cs-type-only"], CPSH["CaseStudy-quantifiedOutcome"], W),
        (EX["cs-type-only"], CPSH["CaseStudy-studyDesign"], W),
        (EX["cs-type-only"], CPSH["CaseStudy-timeFrame"], W),
        (EX["cs-alignment-without-rationale"], CPSH["CaseStudy-principleAlignment"], W),
        (EX["alignment-without-rationale"], CPSH["PrincipleAlignment-rationale"], V),
        (EX["cs-learning-points-true"], CPSH["CaseStudyLearningPointsShape"], V),
        (EX["cs-learning-points-true"], CPSH["CaseStudy-page"], V),
        (EX["cs-learning-points-true"], CPSH["CaseStudy-oneCaseNumber"], V),
        (EX["cs-learning-points-true"], CPSH["CaseStudy-label"], V),
        (EX["cs-warnings-only"], CPSH["CaseStudy-quantifiedOutcome"], W),
        (EX["cs-warnings-only"], CPSH["CaseStudy-studyDesign"], W),
        (EX["cs-warnings-only"], CPSH["CaseStudy-timeFrame"], W),
    },
    "evaluation-valid.ttl": set(),
    "evaluation-invalid.ttl": {
        (EX["fig-no-layer"], CPSH["Evaluation-comparator"], V),
        (EX["fig-no-layer"], CPSH["Evaluation-measureType"], V),
        (EX["fig-no-layer"], CPSH["EvaluationSampleSizeShape"], V),
        (EX["fig-no-layer"], CPSH["EvaluationConfidenceIntervalShape"], V),
        (EX["fig-no-layer"], CPSH["EvaluationFollowUpShape"], V),
        (EX["fig-both-given"], CPSH["EvaluationSampleSizeShape"], V),
        (EX["fig-both-given"], CPSH["EvaluationFollowUpShape"], V),
        (EX["fig-off-scheme"], CPSH["Evaluation-comparator"], V),
        (EX["fig-off-scheme"], CPSH["Evaluation-measureType"], V),
        (EX["fig-off-scheme"], CPSH["Evaluation-notReported"], V),
        (EX["fig-off-scheme"], CPSH["Evaluation-instrument"], V),
        (EX["fig-half-interval"], CPSH["EvaluationConfidenceIntervalShape"], V),
        (EX["fig-half-interval"], CPSH["Evaluation-confidenceLevel"], V),
        (EX["rob-study-only"], CPSH["RiskOfBias-study"], V),
        (EX["rob-study-only"], CPSH["RiskOfBias-tool"], V),
        (EX["rob-study-only"], CPSH["RiskOfBias-judgement"], V),
        (EX["certainty-empty"], CPSH["Certainty-figure"], V),
        (EX["certainty-empty"], CPSH["Certainty-level"], V),
        (EX["certainty-empty"], CPSH["Certainty-rationale"], V),
        (EX["study-no-record"], CPSH["Study-riskOfBias"], V),
        (EX["rob-of-a-finding"], CPSH["RiskOfBias-study"], V),
        # the later evidence shapes of a bare later evidence node (shapes/later-evidence.ttl)
        (EX["le-no-record"], CPSH["LaterEvidence-finding"], V),
        (EX["le-no-record"], CPSH["LaterEvidence-label"], V),
        (EX["le-no-record"], CPSH["LaterEvidence-linked"], V),
        (EX["le-no-record"], CPSH["LaterEvidence-source"], V),
        (EX["lef-unit-twice"], CPSH["EvaluationUnitShape"], V),
        (EX["lef-reported-as-twice"], CPSH["LaterEvidenceFigure-reportedAs"], V),
    },
    "outcome-valid.ttl": set(),
    "outcome-invalid.ttl": {
        (EX["outcome-no-category"], CPSH["Outcome-category"], V),
        (EX["outcome-category-not-a-category"], CPSH["Outcome-category"], V),
        (EX["outcome-two-directions"], CPSH["Outcome-direction"], V),
        (EX["outcome-direction-off-list"], CPSH["Outcome-direction"], V),
        (EX["outcome-no-quote"], CPSH["Outcome-quote"], V),
        (EX["outcome-quote-with-language"], CPSH["Outcome-quote"], V),
        (EX["outcome-page-twelve"], CPSH["Outcome-page"], V),
        (EX["outcome-page-zero"], CPSH["Outcome-page"], V),
        (EX["outcome-page-as-text"], CPSH["Outcome-page"], V),
        (EX["outcome-no-source"], CPSH["Outcome-source"], V),
        (EX["outcome-two-english-labels"], CPSH["Outcome-label"], V),
        (EX["outcome-source-not-a-reference"], CPSH["Outcome-source"], V),
        (EX["outcome-no-unit"], CPSH["Figure-unit"], V),
        (EX["outcome-integer-value"], CPSH["Figure-numericValue"], V),
        (EX["outcome-half-pair"], CPSH["BeforeAfterPair-followUpValue"], V),
        (EX["outcome-follow-up-only"], CPSH["BeforeAfterPair-baselineValue"], V),
        (EX["outcome-negative-percent"], CPSH["Percentage-value"], V),
        (EX["outcome-pair-above-hundred"], CPSH["Percentage-value"], V),
        (EX["outcome-rise-called-decrease"], CPSH["BeforeAfterDirectionShape"], V),
        (EX["outcome-flat-called-increase"], CPSH["BeforeAfterDirectionShape"], V),
        (EX["outcome-percent-range-outside"], CPSH["Percentage-value"], V),
        (EX["outcome-percent-range-outside"], CPSH["Percentage-value"], V),
        (EX["outcome-percent-baseline-above-hundred"], CPSH["Percentage-value"], V),
    },
    "programme-figure-valid.ttl": set(),
    "programme-figure-invalid.ttl": {
        (EX["figure-no-value"], CPSH["Figure-value"], V),
        (EX["figure-no-quote-no-page"], CPSH["ProgrammeFigure-quote"], V),
        (EX["figure-no-quote-no-page"], CPSH["ProgrammeFigure-page"], V),
        (EX["figure-two-units"], CPSH["Figure-unit"], V),
        (EX["figure-unit-as-text"], CPSH["Figure-unit"], V),
        (EX["figure-integer-range"], CPSH["Range-minValue"], V),
        (EX["figure-integer-range"], CPSH["Range-maxValue"], V),
        (EX["figure-two-pairs"], CPSH["BeforeAfterPair-baselineValue"], V),
        (EX["figure-two-pairs"], CPSH["BeforeAfterPair-followUpValue"], V),
        (EX["figure-range-reversed"], CPSH["Range-minValue"], V),
        (EX["figure-min-only"], CPSH["Range-maxValue"], V),
    },
    "principle-alignment-valid.ttl": set(),
    "principle-alignment-invalid.ttl": {
        (EX["alignment-empty"], CPSH["PrincipleAlignment-principle"], V),
        (EX["alignment-empty"], CPSH["PrincipleAlignment-rationale"], V),
        (EX["alignment-empty"], CPSH["PrincipleAlignment-quote"], V),
        (EX["alignment-empty"], CPSH["PrincipleAlignment-page"], V),
        (EX["alignment-not-a-principle"], CPSH["PrincipleAlignment-principle"], V),
        (EX["alignment-two-principles"], CPSH["PrincipleAlignment-principle"], V),
        (EX["alignment-empty-rationale"], CPSH["PrincipleAlignment-rationale"], V),
        (EX["alignment-with-source"], CPSH["PrincipleAlignment-noSource"], V),
        (EX["alignment-strength-outside-the-scheme"], CPSH["PrincipleAlignment-strength"], V),
    },
    "learning-point-valid.ttl": set(),
    "learning-point-invalid.ttl": {
        (EX["learning-point-empty"], CPSH["LearningPoint-quote"], V),
        (EX["learning-point-empty"], CPSH["LearningPoint-page"], V),
        (EX["learning-point-empty"], CPSH["LearningPoint-position"], V),
        (EX["learning-point-position-zero"], CPSH["LearningPoint-position"], V),
        (EX["learning-point-two-pages"], CPSH["LearningPoint-page"], V),
    },
    "reference-valid.ttl": set(),
    "reference-invalid.ttl": {
        (EX["ref-no-title"], CPSH["Reference-title"], V),
        (EX["ref-doi-as-url"], CPSH["Reference-doi"], V),
        (EX["ref-doi-short-prefix"], CPSH["Reference-doi"], V),
        (EX["ref-doi-with-space"], CPSH["Reference-doi"], V),
        (EX["ref-pmid-prefixed"], CPSH["Reference-pmid"], V),
        (EX["ref-pmcid-bare"], CPSH["Reference-pmcid"], V),
        (EX["ref-title-and-supplied-description"], CPSH["ReferenceSuppliedDescriptionShape"], V),
    },
    "review-structure-valid.ttl": set(),
    "review-structure-invalid.ttl": {
        (EX["component-bare"], CPSH["ReviewStructure-quote"], V),
        (EX["component-bare"], CPSH["ReviewStructure-page"], V),
        (EX["component-bare"], CPSH["ReviewStructure-reportedIn"], V),
        (EX["component-bare"], CPSH["CaseStudyPart-caseStudy"], V),
        (EX["role-wrong-agent"], CPSH["OrganisationRole-agent"], V),
        (EX["role-wrong-agent"], CPSH["OrganisationRole-role"], V),
        (EX["step-bare"], CPSH["MethodologyStep-review"], V),
        (EX["step-bare"], CPSH["MethodologyStep-position"], V),
        (EX["step-bare"], CPSH["MethodologyStep-source"], V),
        (EX["scope-bare"], CPSH["EvidenceScope-of"], V),
        (EX["scope-bare"], CPSH["EvidenceScope-extent"], V),
        (EX["scope-bare"], CPSH["EvidenceScope-place"], V),
        (EX["figure-bare"], CPSH["ResourceFigure-resource"], V),
        (EX["figure-bare"], CPSH["ResourceFigure-value"], V),
    },
    "ontology-style-valid.ttl": set(),
    "ontology-style-invalid.ttl": {
        (CPO["FixtureUndocumentedClass"], CPSH["OntologyTerm-label"], V),
        (CPO["FixtureUndocumentedClass"], CPSH["OntologyTerm-definition"], V),
        (CPO["fixtureLabelOnlyProperty"], CPSH["OntologyTerm-definition"], V),
        (CPO["fixtureDefinitionOnlyProperty"], CPSH["OntologyTerm-label"], V),
    },
}

# The warnings the case-study shapes may give on real data (gaps of the review, not errors).
CASE_STUDY_WARNING_SHAPES = {
    str(CPSH["CaseStudy-quantifiedOutcome"]),
    str(CPSH["CaseStudy-studyDesign"]),
    str(CPSH["CaseStudy-timeFrame"]),
}


# --- helpers and fixtures ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def fixture_base(repo_root: Path) -> Graph:
    """The real ontology, outcome/direction/design schemes, the evaluation layer's schemes,
    principles and alignment strengths, for fixtures to use."""
    graph = Graph()
    for path in sources.ontology_files():
        parse_file(graph, path)
    for name in ("schemes.ttl", "evaluation-schemes.ttl", "principles.ttl",
                 "curation/provenance.ttl"):
        parse_file(graph, repo_root / "data" / name)
    return graph


def graph_with(base: Graph, *paths: Path) -> Graph:
    graph = Graph()
    graph += base
    for path in paths:
        parse_file(graph, path)
    return graph


def triples_of(report: ValidationReport) -> set[tuple[URIRef, URIRef, str]]:
    return {(URIRef(r.focus_node), URIRef(r.source_shape), r.severity) for r in report.results}


def own_shapes() -> Graph:
    """The shapes of this area's files (without shapes added by other areas)."""
    graph = Graph()
    for name in OWN_SHAPE_FILES:
        parse_file(graph, sources.shapes_dir() / name)
    return graph


def reporting_shapes(shapes: Graph) -> set:
    """Shapes whose failures are reported: targeted node shapes with a direct constraint, the
    property shapes of targeted shapes, and SPARQL constraints. Helper shapes used inside
    sh:or, sh:node or sh:qualifiedValueShape report through the shape that uses them."""
    targeted = {s for p in TARGET_PREDICATES for s in shapes.subjects(p, None)}
    found: set = set()
    for shape in targeted:
        if any((shape, p, None) in shapes for p in NODE_CONSTRAINT_PARAMETERS):
            found.add(shape)
        found.update(shapes.objects(shape, SH.property))
        found.update(shapes.objects(shape, SH.sparql))
    return found


# --- the shapes files --------------------------------------------------------------------------

def test_shapes_folder_holds_the_shape_files() -> None:
    names = {path.name for path in sources.shape_files()}
    assert set(OWN_SHAPE_FILES) <= names


@pytest.mark.parametrize("path", sources.shape_files(), ids=lambda p: p.name)
def test_shapes_file_parses(path: Path) -> None:
    graph = Graph()
    parse_file(graph, path)
    assert len(graph) > 0


def test_every_constraint_has_a_message(shapes_graph: Graph) -> None:
    shapes = reporting_shapes(shapes_graph)
    assert len(shapes) >= 40, "the shapes graph looks incomplete"
    missing = sorted(str(s) for s in shapes if (s, SH.message, None) not in shapes_graph)
    assert missing == []
    for shape in shapes:
        for message in shapes_graph.objects(shape, SH.message):
            assert isinstance(message, Literal) and message.language in (None, "en")
            assert len(str(message)) > 20, f"{shape}: message too short for a curator"


def test_reporting_shapes_are_named(shapes_graph: Graph) -> None:
    """Source shapes in reports are stable IRIs a curator or a test can name, never blank nodes."""
    blank = [s for s in reporting_shapes(shapes_graph) if not isinstance(s, URIRef)]
    assert blank == []


def test_own_shapes_are_shacl_core(shapes_graph: Graph) -> None:
    """A SHACL Core engine (pyrudof, tests/interop/) runs every shape of this area: no
    sh:SPARQLTarget, no SPARQL constraint."""
    from coprod_kg.validation.shapes import needs_shacl_sparql

    own = own_shapes()
    assert list(own.subjects(RDF.type, SH.SPARQLTarget)) == []
    assert needs_shacl_sparql(own) == []
    assert set(needs_shacl_sparql(shapes_graph)) <= {
        str(CPSH[name]) for name in ("CaseStudyChallengedStatusShape",
                                     "CaseStudyChallengedNeedsEvidenceShape")}


def test_direction_list_is_the_scheme(shapes_graph: Graph, fixture_base: Graph) -> None:
    """sh:in of the direction shape is exactly the closed list of dir: concepts of the data."""
    listed = set(Collection(shapes_graph, shapes_graph.value(CPSH["Outcome-direction"], SH["in"])))
    in_data = set(fixture_base.subjects(RDF.type, CPO.Direction))
    assert listed == in_data and len(listed) == 5


# --- each shape, valid and invalid --------------------------------------------------------------

def test_every_fixture_has_an_expectation() -> None:
    on_disk = {path.name for path in FIXTURES.glob("*.ttl")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_exactly_the_expected_results(
    name: str, fixture_base: Graph, shapes_graph: Graph
) -> None:
    report = validate_graph(graph_with(fixture_base, FIXTURES / name), shapes_graph)
    assert triples_of(report) == EXPECTED[name]
    assert report.conforms == (not any(sev == V for _, _, sev in EXPECTED[name]))
    for result in report.results:
        assert result.message, result


def test_invalid_fixtures_exercise_every_shape() -> None:
    own = own_shapes()
    shapes = {s for s in reporting_shapes(own) if (s, RDF.type, SH.SPARQLConstraint) not in own}
    # A SPARQL constraint reports under the node shape that holds it.
    hit = {shape for expected in EXPECTED.values() for _, shape, _ in expected}
    assert shapes - hit == set()


# --- the validation library -------------------------------------------------------------------

def test_results_carry_path_value_and_case_study(fixture_base: Graph, shapes_graph: Graph) -> None:
    report = validate_graph(graph_with(fixture_base, FIXTURES / "case-study-invalid.ttl"),
                            shapes_graph)
    by_focus = {(r.focus_node, r.source_shape): r for r in report.results}
    page = by_focus[(str(EX["cs-learning-points-true"]), str(CPSH["CaseStudy-page"]))]
    assert (page.path, page.value, page.severity) == (str(CPO.page), "12", V)
    assert "page" in page.message
    rationale = by_focus[(str(EX["alignment-without-rationale"]),
                          str(CPSH["PrincipleAlignment-rationale"]))]
    assert rationale.case_study == str(EX["cs-alignment-without-rationale"])
    assert rationale.path == str(CPO.rationale) and rationale.value is None
    groups = report.by_case_study()
    assert set(groups) == {str(EX[n]) for n in ("cs-type-only", "cs-alignment-without-rationale",
                                                   "cs-learning-points-true", "cs-warnings-only")}
    assert len(groups[str(EX["cs-type-only"])]) == 12
    assert len(report.violations()) == 12 and len(report.warnings()) == 9


def test_percentage_and_direction_results_name_the_offending_value(
    fixture_base: Graph, shapes_graph: Graph
) -> None:
    report = validate_graph(graph_with(fixture_base, FIXTURES / "outcome-invalid.ttl"),
                            shapes_graph)
    # SHACL Core says it with sh:or on the node: one result per node, valued by the node
    percent = {r.focus_node.rsplit("/", 1)[1] for r in report.results
               if r.source_shape == str(CPSH["Percentage-value"])}
    assert percent == {"outcome-negative-percent", "outcome-pair-above-hundred",
                       "outcome-percent-range-outside", "outcome-percent-baseline-above-hundred"}
    direction = {r.focus_node.rsplit("/", 1)[1] for r in report.results
                 if r.source_shape == str(CPSH["BeforeAfterDirectionShape"])}
    assert direction == {"outcome-rise-called-decrease", "outcome-flat-called-increase"}
    assert all("contradicts the direction" in r.message for r in report.results
               if r.source_shape == str(CPSH["BeforeAfterDirectionShape"]))


def test_warnings_alone_conform(fixture_base: Graph, shapes_graph: Graph) -> None:
    graph = graph_with(fixture_base, FIXTURES / "case-study-valid.ttl")
    graph.remove((EX["cs-complete"], CPO.studyDesign, None))
    report = validate_graph(graph, shapes_graph)
    assert report.conforms is True
    assert report.violations() == []
    assert [(r.focus_node, r.source_shape) for r in report.warnings()] == [
        (str(EX["cs-complete"]), str(CPSH["CaseStudy-studyDesign"]))
    ]


def test_results_sorted_deterministic_and_data_untouched(
    fixture_base: Graph, shapes_graph: Graph
) -> None:
    graph = graph_with(fixture_base, FIXTURES / "outcome-invalid.ttl")
    before = set(graph)
    first = validate_graph(graph, shapes_graph)
    second = validate_graph(graph, shapes_graph)
    assert first.results == second.results
    assert first.results == sorted(first.results, key=lambda r: r.sort_key())
    assert set(graph) == before
    assert len(first.report_graph) > 0


def test_validate_graph_defaults_to_the_bundled_shapes(fixture_base: Graph) -> None:
    report = validate_graph(graph_with(fixture_base, FIXTURES / "reference-invalid.ttl"))
    assert triples_of(report) == EXPECTED["reference-invalid.ttl"]


def test_render_path_writes_sparql_paths() -> None:
    graph = Graph()
    inverse, sequence, alternative, star = (URIRef(f"urn:p:{n}") for n in "abcd")
    graph.parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> sh:path ( [ sh:inversePath <urn:p:a> ] [ sh:zeroOrMorePath <urn:p:b> ] ) .
        <urn:alt> sh:path [ sh:alternativePath ( <urn:p:c> <urn:p:d> ) ] .
        """, format="turtle")
    assert render_path(graph, graph.value(URIRef("urn:shape"), SH.path)) == (
        "(^<urn:p:a>)/(<urn:p:b>*)")
    assert render_path(graph, graph.value(URIRef("urn:alt"), SH.path)) == "<urn:p:c>|<urn:p:d>"
    assert render_path(graph, inverse) == "urn:p:a"


# --- the bundled graph ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled_report(bundled_graph: Graph, shapes_graph: Graph) -> ValidationReport:
    return validate_graph(bundled_graph, shapes_graph)


def test_bundled_data_conforms(bundled_report: ValidationReport) -> None:
    print(f"\n{len(bundled_report.warnings())} warning(s) on the bundled data:")
    for result in bundled_report.warnings():
        print(f"  {result.case_study}: {result.message}")
    assert [(r.focus_node, r.source_shape, r.message) for r in bundled_report.violations()] == []
    assert bundled_report.conforms is True
    own = {str(shape) for shape in reporting_shapes(own_shapes())}
    unexpected = [r for r in bundled_report.warnings()
                  if r.source_shape in own and r.source_shape not in CASE_STUDY_WARNING_SHAPES]
    assert unexpected == []


def test_bundled_graph_has_all_six_case_studies_validated(bundled_graph: Graph) -> None:
    case_studies = set(bundled_graph.subjects(RDF.type, CPO.CaseStudy))
    if len(case_studies) < 6:
        pytest.skip(f"only {len(case_studies)} case-study files written so far")
    assert CS["core-study"] in case_studies


def test_core_study_is_warned_for_no_quantified_outcome(
    bundled_graph: Graph, bundled_report: ValidationReport
) -> None:
    if (CS["core-study"], RDF.type, CPO.CaseStudy) not in bundled_graph:
        pytest.skip("data/case-studies/06-core-study.ttl not written yet")
    results = bundled_report.by_case_study().get(str(CS["core-study"]), [])
    assert [r for r in results if r.severity == V] == []
    assert (str(CS["core-study"]), str(CPSH["CaseStudy-quantifiedOutcome"]), W) in {
        (r.focus_node, r.source_shape, r.severity) for r in results
    }


def test_case_study_stripped_to_its_type_gives_every_violation(
    bundled_graph: Graph, shapes_graph: Graph
) -> None:
    case_study = CS["oxleas-ebcd"]
    graph = Graph()
    graph += bundled_graph
    for predicate, obj in list(graph.predicate_objects(case_study)):
        if predicate != RDF.type:
            graph.remove((case_study, predicate, obj))
    report = validate_graph(graph, shapes_graph)
    on_it = {(r.source_shape, r.path, r.severity) for r in report.results
             if r.focus_node == str(case_study)}
    assert on_it == {
        (str(CPSH["CaseStudy-title"]), str(DCTERMS.title), V),
        (str(CPSH["CaseStudy-caseNumber"]), str(CPO.caseNumber), W),
        (str(CPSH["CaseStudy-page"]), str(CPO.page), V),
        (str(CPSH["CaseStudy-population"]), str(CPO.population), V),
        (str(CPSH["CaseStudy-approach"]), str(CPO.usesIntervention), V),
        (str(CPSH["CaseStudy-reference"]), str(DCTERMS.references), V),
        (str(CPSH["CaseStudyOrganisationOrProgrammeShape"]), None, V),
        (str(CPSH["CaseStudyLearningPointsShape"]), None, V),
        (str(CPSH["CaseStudy-quantifiedOutcome"]),
         f"<{CPO.hasOutcome}>/<{RDF.type}>/(<{RDFS.subClassOf}>*)", W),
        (str(CPSH["CaseStudy-studyDesign"]), str(CPO.studyDesign), W),
        (str(CPSH["CaseStudy-timeFrame"]), f"<{CPO.hasOutcome}>/<{CPO.timeFrame}>", W),
    }
    assert report.conforms is False
    assert {r.focus_node for r in report.violations()} == {str(case_study)}


def test_faults_in_linked_nodes_are_attributed_to_their_case_study(
    bundled_graph: Graph, shapes_graph: Graph
) -> None:
    graph = Graph()
    graph += bundled_graph
    nodes = {
        "outcome/oxleas-complaints": CPSH["Outcome-quote"],
        "figure/oxleas-trust-building-period": CPSH["ProgrammeFigure-quote"],
        "alignment/oxleas-asset-based": CPSH["PrincipleAlignment-quote"],
        "learning-point/oxleas-1": CPSH["LearningPoint-quote"],
    }
    base = "https://w3id.org/coprod-kg/id/"
    for slug in nodes:
        graph.remove((URIRef(base + slug), CPO.quote, None))
    report = validate_graph(graph, shapes_graph)
    assert {(r.focus_node, r.source_shape, r.case_study) for r in report.violations()} == {
        (base + slug, str(shape), str(CS["oxleas-ebcd"])) for slug, shape in nodes.items()
    }
