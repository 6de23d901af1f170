"""The evaluation layer (issue 14): every figure of a claim with its comparator, effect measure
type, sample size, confidence interval and follow-up (or an explicit "not reported"), against
the review and the reference file; the risk-of-bias records; the GRADE certainty judgements
of the rubric; and the shapes that check them, on the bundled data both ways."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from coprod_kg.validation.shapes import validate_graph

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = "https://w3id.org/coprod-kg/id/"
SHAPES = "https://w3id.org/coprod-kg/shapes#"
OUT, LEF = ID + "outcome/", ID + "later-evidence-figure/"
NONE = "none-stated"

# Every figure of a claim: (comparator, effect measure type, items not reported). The
# comparison is the source's words only: "reduced by" states none.
LAYER = {
    OUT + "oxleas-complaints": (NONE, "relative-change", {"sample-size", "confidence-interval"}),
    OUT + "popp-value-for-money": (NONE, "ratio", {"sample-size", "confidence-interval",
                                                   "follow-up"}),
    OUT + "popp-overnight-stays": (NONE, "relative-change", {"sample-size", "confidence-interval",
                                                             "follow-up"}),
    OUT + "popp-ae-use": (NONE, "relative-change", {"sample-size", "confidence-interval",
                                                    "follow-up"}),
    OUT + "popp-cost-reduction": (NONE, "absolute-difference", {"sample-size",
                                                                "confidence-interval",
                                                                "follow-up"}),
    OUT + "popp-depression-anxiety": ("before-after", "proportion", {
        "sample-size", "confidence-interval", "follow-up"}),
    OUT + "popp-quality-of-life-value": (NONE, "amount", {"sample-size", "confidence-interval",
                                                          "follow-up"}),
    OUT + "popp-sustainability": (NONE, "proportion", {"sample-size", "confidence-interval",
                                                       "follow-up"}),
    OUT + "lac-costs": (NONE, "relative-change", {"sample-size", "confidence-interval",
                                                  "follow-up"}),
    OUT + "age-uk-all-admissions": (NONE, "relative-change", {"confidence-interval",
                                                              "follow-up"}),
    OUT + "age-uk-non-elective-admissions": (NONE, "relative-change", {"confidence-interval",
                                                                       "follow-up"}),
    OUT + "age-uk-wellbeing": (NONE, "percentage-change-quantity-not-stated", {
        "confidence-interval", "follow-up"}),
    OUT + "age-uk-volunteering": (NONE, "proportion", {"confidence-interval", "follow-up"}),
    OUT + "age-uk-social-care-costs": (NONE, "relative-change", {"confidence-interval",
                                                                 "follow-up"}),
    OUT + "accelerated-ebcd-activities": ("other-intervention", "count", {
        "sample-size", "confidence-interval", "follow-up"}),
    LEF + "palmer-2021-ras-r-difference": ("concurrent-control", "absolute-difference", {
        "sample-size", "follow-up", "unit"}),
    LEF + "springham-robert-2015-complaint-free-months": (NONE, "duration", {
        "sample-size", "confidence-interval"}),
    LEF + "popp-evaluation-benefit-range-gbp": (NONE, "ratio", {"sample-size",
                                                                "confidence-interval",
                                                                "follow-up"}),
    LEF + "popp-evaluation-users-count": (NONE, "count", {"sample-size", "confidence-interval",
                                                          "follow-up"}),
    LEF + "nuffield-trust-2019-people": (NONE, "count", {"confidence-interval", "follow-up"}),
    LEF + "nuffield-trust-2019-areas": (NONE, "count", {"confidence-interval", "follow-up",
                                                        "sample-size"}),
    LEF + "locock-2014-hsdr-staff": (NONE, "count", {"confidence-interval", "follow-up"}),
    LEF + "locock-2014-hsdr-patients-and-families": (NONE, "count", {"confidence-interval",
                                                                     "follow-up"}),
}
# The sample sizes the sources give: the review's first 325 older people (Age UK), the
# reference file's 1,996 people (Nuffield Trust: the evaluation's people, not a sample size of
# its count of eight areas) and 96 staff and 63 patients and family
# members (Locock et al. 2014).
SAMPLE_SIZES = {
    **{OUT + f"age-uk-{name}": 325 for name in (
        "all-admissions", "non-elective-admissions", "wellbeing", "volunteering",
        "social-care-costs")},
    LEF + "nuffield-trust-2019-people": 1996,
    LEF + "locock-2014-hsdr-staff": 96,
    LEF + "locock-2014-hsdr-patients-and-families": 63,
}
# The rubric's very low certainty: an effect (relative change, percentage change of a quantity
# not stated, absolute difference, ratio) whose source states no comparison and no interval.
VERY_LOW = {OUT + name for name in (
    "oxleas-complaints", "popp-value-for-money", "popp-overnight-stays", "popp-ae-use",
    "popp-cost-reduction", "lac-costs", "age-uk-all-admissions",
    "age-uk-non-elective-admissions", "age-uk-wellbeing", "age-uk-social-care-costs")} | {
    LEF + "popp-evaluation-benefit-range-gbp"}


def slug(node) -> str:
    return str(node).rstrip("/").rsplit("/", 1)[-1]


def figures(graph: Graph) -> set[str]:
    return {str(s) for cls in (CPO.QuantifiedOutcome, CPO.LaterEvidenceFigure)
            for s in graph.subjects(RDF.type, cls)}


def test_every_figure_of_a_claim_has_its_layer(bundled_graph: Graph):
    assert figures(bundled_graph) == set(LAYER)
    found = {}
    for figure in LAYER:
        node = URIRef(figure)
        found[figure] = (slug(bundled_graph.value(node, CPO.comparator)),
                         slug(bundled_graph.value(node, CPO.effectMeasureType)),
                         {slug(item) for item in bundled_graph.objects(node, CPO.notReported)})
    assert found == LAYER


def test_sample_sizes_are_the_ones_the_sources_give(bundled_graph: Graph):
    given = {str(s): o.toPython() for s, o in bundled_graph.subject_objects(CPO.sampleSize)
             if str(s) in LAYER}
    assert given == SAMPLE_SIZES


def test_the_core_trial_result_with_its_confidence_interval(bundled_graph: Graph):
    figure = URIRef(LEF + "palmer-2021-ras-r-difference")
    values = {p: bundled_graph.value(figure, p) for p in (
        URIRef("http://qudt.org/schema/qudt/numericValue"), CPO.ciLower, CPO.ciUpper,
        CPO.confidenceLevel)}
    assert [v.toPython() for v in values.values()] == [
        Decimal("-1.7"), Decimal("-3.81"), Decimal("0.4"), Decimal("95.0")]
    instrument = bundled_graph.value(figure, CPO.instrument)
    assert instrument == URIRef(ID + "instrument/ras-r")
    assert (instrument, RDF.type, CPO.Instrument) in bundled_graph
    # the only figure with a confidence interval, and the only concurrent control
    assert {str(s) for s in bundled_graph.subjects(CPO.ciLower, None)} == {str(figure)}
    assert {str(s) for s in bundled_graph.subjects(
        CPO.comparator, URIRef(ID + "comparator/concurrent-control"))} == {str(figure)}


def test_the_only_stated_before_after_is_the_reviews_58_and_63_per_cent(
        bundled_graph: Graph, review_text: str):
    before_after = {str(s) for s in bundled_graph.subjects(
        CPO.comparator, URIRef(ID + "comparator/before-after"))}
    assert before_after == {OUT + "popp-depression-anxiety"}
    # the review does not say the two shares are of the same people
    assert not set(bundled_graph.subjects(
        CPO.comparator, URIRef(ID + "comparator/before-after-same-group")))
    assert "58 per cent before and 63 per cent after the intervention" in review_text
    note = str(bundled_graph.value(URIRef(OUT + "popp-depression-anxiety"), CPO.ambiguityNote))
    assert "does not say whether the before and after shares are of the same people" in note
    assert "no certainty judgement: it is a share" in note
    assert "ambiguity 1 of the reference file" in note


def test_accelerated_ebcd_is_compared_with_ebcd_as_its_quote_says(
        bundled_graph: Graph, review_text: str):
    figure = URIRef(OUT + "accelerated-ebcd-activities")
    compared = {str(s) for s in bundled_graph.subjects(
        CPO.comparator, URIRef(ID + "comparator/other-intervention"))}
    assert compared == {str(figure)}
    quote = str(bundled_graph.value(figure, CPO.quote))
    assert "similar to those in EBCD, but achieved more quickly and at lower cost" in quote
    assert "similar to those in EBCD, but achieved more quickly" in " ".join(review_text.split())


def test_nuffield_trust_1996_is_the_people_not_the_areas(bundled_graph: Graph):
    people, areas = (URIRef(LEF + "nuffield-trust-2019-people"),
                     URIRef(LEF + "nuffield-trust-2019-areas"))
    assert bundled_graph.value(people, CPO.sampleSize).toPython() == 1996
    assert bundled_graph.value(areas, CPO.sampleSize) is None
    assert URIRef(ID + "reporting-item/sample-size") in set(
        bundled_graph.objects(areas, CPO.notReported))


def test_the_reference_file_states_the_core_figures(reference_text: str):
    assert "RAS-R adjusted difference -1.70, 95% CI -3.81 to 0.40" in reference_text
    assert "An evaluation of 1,996 people in eight areas" in reference_text
    assert "96 staff and 63 patients and family members took part" in reference_text


def test_the_schemes_are_closed_lists_of_concepts(bundled_graph: Graph):
    schemes = {
        "comparators": (CPO.Comparator, {"before-after", "before-after-same-group",
                                         "concurrent-control", "other-intervention",
                                         "national-or-regional-average", NONE}),
        "effect-measures": (CPO.EffectMeasureType, {
            "relative-change", "percentage-change-quantity-not-stated", "absolute-difference",
            "ratio", "proportion", "count", "amount", "duration"}),
        "reporting-items": (CPO.ReportingItem, {"sample-size", "confidence-interval",
                                                "follow-up", "unit"}),
        "certainty-levels": (CPO.CertaintyLevel, {"high", "moderate", "low", "very-low"}),
        "value-qualifiers": (CPO.ValueQualifier, {"approximately", "around", "over", "nearly",
                                                  "average", "between"}),
    }
    skos = Namespace("http://www.w3.org/2004/02/skos/core#")
    for scheme, (cls, expected) in schemes.items():
        members = set(bundled_graph.subjects(skos.inScheme, URIRef(ID + scheme)))
        assert {slug(m) for m in members} == expected, scheme
        assert all((m, RDF.type, cls) in bundled_graph for m in members), scheme


def test_one_risk_of_bias_record_per_study_saying_not_assessed(bundled_graph: Graph):
    """One record per study (data/curation/studies.ttl), never per finding: R3's four
    findings and the CORE trial's reports share their study's one record."""
    studies = set(bundled_graph.subjects(RDF.type, CPO.Study))
    assert len(studies) == 8
    assert {slug(study) for study in bundled_graph.objects(None, CPO.riskOfBiasOf)} == {
        slug(study) for study in studies}
    assert len(set(bundled_graph.subjects(RDF.type, CPO.RiskOfBiasAssessment))) == 8
    for study in studies:
        records = list(bundled_graph.subjects(CPO.riskOfBiasOf, study))
        assert len(records) == 1, study
        record = records[0]
        assert bundled_graph.value(record, CPO.riskOfBiasTool) == URIRef(
            ID + "risk-of-bias/no-tool")
        assert bundled_graph.value(record, CPO.riskOfBias) == URIRef(
            ID + "risk-of-bias/not-assessed")
        assert bundled_graph.value(record, PROV.wasAttributedTo) == URIRef(
            ID + "agent/coprod-kg-developers")
        assert str(bundled_graph.value(record, RDFS.label)).startswith(
            "Risk of bias not assessed: ")


# The rubric's rule, word for word in docs/curation.md and in every rationale: what the source
# states, never a claim that no comparison existed.
RULE = ("the source states no comparison; by the rubric, an estimate with no stated "
        "comparison starts at low")


def test_certainty_only_where_the_rubric_justifies_it(bundled_graph: Graph):
    judged = {}
    for record in bundled_graph.subjects(RDF.type, CPO.CertaintyAssessment):
        judged[str(bundled_graph.value(record, CPO.certaintyOf))] = slug(
            bundled_graph.value(record, CPO.certainty))
        assert bundled_graph.value(record, PROV.wasGeneratedBy) == URIRef(ID + "curation")
        rationale = str(bundled_graph.value(record, CPO.rationale))
        assert "rated down once for imprecision" in rationale
        assert RULE in rationale.lower()
        assert "no randomised or concurrent comparison" not in rationale
    assert judged == {figure: "very-low" for figure in VERY_LOW}
    # the rule, read from the layer: an effect, no stated comparison, no interval
    effects = {"relative-change", "percentage-change-quantity-not-stated",
               "absolute-difference", "ratio"}
    by_rule = {figure for figure, (comparator, measure, missing) in LAYER.items()
               if measure in effects and comparator == NONE
               and "confidence-interval" in missing}
    assert by_rule == VERY_LOW


def test_the_rubric_states_the_rule_the_rationales_apply():
    from pathlib import Path

    rubric = (Path(__file__).resolve().parents[2] / "docs" / "curation.md").read_text()
    assert RULE in " ".join(rubric.replace("*", "").split()).lower()
    assert "no randomised or concurrent comparison" not in rubric.lower()


def test_a_percentage_change_is_a_relative_change_only_of_a_count_or_a_cost(
        bundled_graph: Graph):
    # Age UK's wellbeing figure does not say of what quantity it is 20%
    relative = {slug(s) for s in bundled_graph.subjects(
        CPO.effectMeasureType, URIRef(ID + "effect-measure/relative-change"))}
    assert "age-uk-wellbeing" not in relative
    assert {slug(s) for s in bundled_graph.subjects(
        CPO.effectMeasureType,
        URIRef(ID + "effect-measure/percentage-change-quantity-not-stated"))} == {
        "age-uk-wellbeing"}


# --- the shapes on the bundled data, both ways ----------------------------------------------

@pytest.fixture(scope="module")
def broken_report(bundled_graph: Graph):
    """The bundled graph with the layer of three figures broken, validated once."""
    graph = Graph()
    graph += bundled_graph
    oxleas, core, age_uk = (URIRef(OUT + "oxleas-complaints"),
                            URIRef(LEF + "palmer-2021-ras-r-difference"),
                            URIRef(OUT + "age-uk-wellbeing"))
    graph.remove((oxleas, CPO.comparator, None))
    graph.remove((oxleas, CPO.notReported, URIRef(ID + "reporting-item/sample-size")))
    graph.remove((core, CPO.ciUpper, None))
    graph.remove((core, CPO.effectMeasureType, None))
    graph.add((age_uk, CPO.notReported, URIRef(ID + "reporting-item/sample-size")))
    graph.remove((URIRef(ID + "risk-of-bias-record/nuffield-trust-2019"),
                  CPO.riskOfBiasOf, None))
    return validate_graph(graph)


def test_the_shapes_name_each_missing_element(broken_report):
    def short(iri: str) -> str:
        return iri[len(ID):]

    assert {(short(r.focus_node), r.source_shape[len(SHAPES):], r.severity)
            for r in broken_report.violations()} == {
        ("outcome/oxleas-complaints", "Evaluation-comparator", "Violation"),
        ("outcome/oxleas-complaints", "EvaluationSampleSizeShape", "Violation"),
        ("later-evidence-figure/palmer-2021-ras-r-difference", "Evaluation-measureType",
         "Violation"),
        ("later-evidence-figure/palmer-2021-ras-r-difference",
         "EvaluationConfidenceIntervalShape", "Violation"),
        ("outcome/age-uk-wellbeing", "EvaluationSampleSizeShape", "Violation"),
        ("study/nuffield-trust-2019", "Study-riskOfBias", "Violation"),
        ("risk-of-bias-record/nuffield-trust-2019", "RiskOfBias-study", "Violation"),
    }


def test_not_reported_is_a_value_not_an_absence(bundled_graph: Graph):
    # each figure either states a value or says the source does not: never both, never neither
    for figure, (_, _, missing) in LAYER.items():
        node = URIRef(figure)
        stated = {
            "sample-size": (node, CPO.sampleSize, None) in bundled_graph,
            "confidence-interval": (node, CPO.ciLower, None) in bundled_graph,
            "follow-up": (node, CPO.timeFrame, None) in bundled_graph,
            "unit": (node, URIRef("http://qudt.org/schema/qudt/unit"), None) in bundled_graph,
        }
        assert {item for item, present in stated.items() if not present} == missing, figure
    assert Literal(325) in set(bundled_graph.objects(URIRef(OUT + "age-uk-wellbeing"),
                                                     CPO.sampleSize))


def test_a_concurrent_control_may_be_waiting_clusters_of_a_stepped_wedge(
        bundled_graph: Graph, review_text: str):
    from rdflib.namespace import SKOS

    definition = str(bundled_graph.value(URIRef(ID + "comparator/concurrent-control"),
                                         SKOS.definition))
    assert "not (yet) receiving it" in definition
    assert "that did not" not in definition
    quoted = ("all clusters will ultimately receive the intervention while those waiting for "
              "the intervention to commence act as controls")
    assert quoted in definition
    assert quoted in " ".join(review_text.split())


def test_the_core_trial_figure_keeps_its_reported_precision(
        bundled_graph: Graph, reference_text: str):
    figure = URIRef(LEF + "palmer-2021-ras-r-difference")
    reported = bundled_graph.value(figure, CPO.reportedAs)
    assert reported == Literal("-1.70, 95% CI -3.81 to 0.40")
    assert f"RAS-R adjusted difference {reported})" in reference_text
    # the decimals to compute with are the same numbers, in canonical form
    value, level, _, lower, _, upper = str(reported).replace("%", "").split()
    assert [Decimal(value.rstrip(",")), Decimal(level), Decimal(lower), Decimal(upper)] == [
        bundled_graph.value(figure, p).toPython() for p in (
            URIRef("http://qudt.org/schema/qudt/numericValue"), CPO.confidenceLevel,
            CPO.ciLower, CPO.ciUpper)]
    assert str(bundled_graph.value(figure, CPO.ciUpper)) == "0.4"  # why reportedAs is kept


def test_value_qualifiers_are_concepts_whose_word_the_quote_holds(bundled_graph: Graph):
    skos = Namespace("http://www.w3.org/2004/02/skos/core#")
    qualified = {}
    for figure, qualifier in bundled_graph.subject_objects(CPO.valueQualifier):
        assert isinstance(qualifier, URIRef), figure
        assert (qualifier, RDF.type, CPO.ValueQualifier) in bundled_graph, qualifier
        word = str(bundled_graph.value(qualifier, skos.notation))
        assert word in str(bundled_graph.value(figure, CPO.quote)).lower(), (figure, word)
        qualified[slug(figure)] = word
    assert qualified == {
        "popp-value-for-money": "approximately", "popp-quality-of-life-value": "around",
        "popp-reach": "over", "core-duration": "nearly", "age-uk-wellbeing": "average",
        "lac-caseload": "between"}


def test_the_stored_query_gives_each_figures_layer(bundled_graph: Graph):
    from coprod_kg.queries.catalogue import bound_text, get_query

    rows = {str(row.figure)[len(ID):]: row for row in bundled_graph.query(
        bound_text(get_query("evaluation-layer"), {}))}
    assert set(rows) == {figure[len(ID):] for figure in LAYER}
    core = rows["later-evidence-figure/palmer-2021-ras-r-difference"]
    assert [str(v) if v is not None else None for v in (
        core.voice, core.comparator, core.measureType, core.sampleSize,
        core.confidenceInterval, core.followUp, core.instrument, core.certainty)] == [
        "later evidence", "Concurrent control", "Absolute difference", "not reported",
        "-1.70, 95% CI -3.81 to 0.40", "not reported", "RAS-R", None]
    age_uk = rows["outcome/age-uk-all-admissions"]
    assert [str(v) for v in (age_uk.comparator, age_uk.sampleSize, age_uk.confidenceInterval,
                             age_uk.followUp, age_uk.certainty)] == [
        "No comparison stated", "325", "not reported", "not reported", "Very low"]
    assert str(rows["outcome/oxleas-complaints"].followUp) in ("P14M", "P1Y2M")  # rdflib
    assert sum(1 for row in rows.values() if row.certainty is not None) == len(VERY_LOW)


@pytest.mark.parametrize("engine", ["oxigraph", "memory"])
def test_a_figure_labelled_only_in_french_keeps_its_row(bundled_graph: Graph, engine: str):
    from rdflib.namespace import SKOS

    from coprod_kg.graph.store import MemoryStore, OxigraphStore
    from coprod_kg.queries.catalogue import bound_text, get_query

    graph = Graph()
    graph += bundled_graph
    figure = URIRef(OUT + "age-uk-all-admissions")
    labelled = ((figure, RDFS.label), (graph.value(figure, CPO.comparator), SKOS.prefLabel),
                (graph.value(figure, CPO.effectMeasureType), SKOS.prefLabel))
    for node, predicate in labelled:
        for label in list(graph.objects(node, predicate)):
            graph.remove((node, predicate, label))
            graph.add((node, predicate, Literal(f"[fr] {label}", lang="fr")))
    store = OxigraphStore.from_graph(graph) if engine == "oxigraph" else MemoryStore(graph)
    result = store.query(bound_text(get_query("evaluation-layer"), {}))
    rows = {str(row[0]): dict(zip(result.variables, row, strict=True)) for row in result.rows}
    assert set(rows) == set(LAYER)  # the figure is still there, once
    age_uk = rows[str(figure)]
    # no English label to show: none shown (never the French one)
    assert [age_uk[name] for name in ("label", "comparator", "measureType")] == [None] * 3
    assert [str(age_uk[name]) for name in ("voice", "sampleSize", "certainty")] == [
        "review", "325", "Very low"]
