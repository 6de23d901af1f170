"""The curated graph against its sources: every quote verbatim, every figure as recorded,
every external identifier confirmed."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from coprod_kg.graph import sources
from coprod_kg.text import normalise_quote

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
ID = "https://w3id.org/coprod-kg/id/"
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
DCTERMS = Namespace("http://purl.org/dc/terms/")

# Properties whose values are the review's own words.
VERBATIM_PROPERTIES = [CPO.quote, CPO.background, CPO.keyImpact, CPO.methodology, CPO.dateQuote]


normalise = normalise_quote


def review_graph_files() -> list[Path]:
    return [p for p in sources.data_files() if "later-evidence" not in p.parts]


@pytest.fixture(scope="module")
def review_data() -> Graph:
    """The data recorded from the review (later evidence has other sources)."""
    graph = Graph()
    for path in review_graph_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def normalised_review(review_text: str) -> str:
    return normalise(review_text)


def test_data_files_found():
    names = {p.name for p in sources.data_files()}
    assert {
        "review.ttl",
        "principles.ttl",
        "schemes.ttl",
        "entities.ttl",
        "references.ttl",
    } <= names
    assert len(list((sources.data_dir() / "case-studies").glob("*.ttl"))) >= 6


@pytest.mark.parametrize(
    "path", sources.data_files() + sources.ontology_files(), ids=lambda p: p.name
)
def test_every_file_parses(path: Path):
    assert len(Graph().parse(path)) > 0


def verbatim_statements(graph: Graph):
    for prop in VERBATIM_PROPERTIES:
        for subject, value in graph.subject_objects(prop):
            yield subject, prop, str(value)
    for subject, value in graph.subject_objects(CPO.approachDescription):
        for line in str(value).splitlines():
            yield subject, CPO.approachDescription, line
    for subject, value in graph.subject_objects(SKOS.scopeNote):
        if subject in (URIRef(ID + "review"), URIRef(ID + "principles")):
            yield subject, SKOS.scopeNote, str(value)
    for subject in graph.subjects(RDF.type, CPO.FurtherResource):
        for value in graph.objects(subject, DCTERMS.description):
            yield subject, DCTERMS.description, str(value)
    for subject in graph.subjects(RDF.type, CPO.Principle):
        yield subject, SKOS.definition, str(graph.value(subject, SKOS.definition))


def test_every_quote_is_verbatim_in_the_review(review_data: Graph, normalised_review: str):
    statements = list(verbatim_statements(review_data))
    assert len(statements) > 100
    missing = [
        f"{s} {p}: {v[:60]!r}" for s, p, v in statements if normalise(v) not in normalised_review
    ]
    assert missing == []


def test_every_outcome_alignment_and_learning_point_has_quote_and_page(review_data: Graph):
    kinds = [
        CPO.QuantifiedOutcome,
        CPO.QualitativeOutcome,
        CPO.ExpectedOutcome,
        CPO.PrincipleAlignment,
        CPO.LearningPoint,
        CPO.ProgrammeFigure,
    ]
    for kind in kinds:
        for node in review_data.subjects(RDF.type, kind):
            assert review_data.value(node, CPO.quote) is not None, node
            page = review_data.value(node, CPO.page)
            assert page is not None and 5 <= int(page) <= 11, node


def test_case_study_pages_follow_the_overview_table(review_data: Graph):
    pages = {
        str(cs).rsplit("/", 1)[1]: (
            int(review_data.value(cs, CPO.caseNumber)),
            int(review_data.value(cs, CPO.page)),
        )
        for cs in review_data.subjects(RDF.type, CPO.CaseStudy)
    }
    assert pages == {
        "oxleas-ebcd": (1, 5),
        "popp": (2, 6),
        "local-area-coordination": (3, 7),
        "age-uk-personalised-integrated-care": (4, 8),
        "accelerated-ebcd": (5, 9),
        "core-study": (6, 10),
    }


# Every quantified figure of the review:
# (node, case study, category or what it counts, value, unit, direction or None)
OUTCOME_FIGURES = [
    ("oxleas-complaints", "oxleas-ebcd", "complaints", "80", UNIT.PERCENT, "decrease"),
    ("popp-value-for-money", "popp", "value-for-money", "1.20", CUR.GBP, "not-applicable"),
    ("popp-overnight-stays", "popp", "overnight-hospital-stays", "47", UNIT.PERCENT, "decrease"),
    ("popp-ae-use", "popp", "ae-use", "29", UNIT.PERCENT, "decrease"),
    ("popp-cost-reduction", "popp", "health-and-care-costs", "2166", CUR.GBP, "decrease"),
    ("popp-quality-of-life-value", "popp", "quality-of-life", "300", CUR.GBP, "increase"),
    ("popp-sustainability", "popp", "sustainability", "3", UNIT.PERCENT, "not-applicable"),
    (
        "lac-costs",
        "local-area-coordination",
        "health-and-care-costs",
        "30",
        UNIT.PERCENT,
        "decrease",
    ),
    (
        "age-uk-all-admissions",
        "age-uk-personalised-integrated-care",
        "all-hospital-admissions",
        "31",
        UNIT.PERCENT,
        "decrease",
    ),
    (
        "age-uk-non-elective-admissions",
        "age-uk-personalised-integrated-care",
        "non-elective-admissions",
        "26",
        UNIT.PERCENT,
        "decrease",
    ),
    (
        "age-uk-wellbeing",
        "age-uk-personalised-integrated-care",
        "wellbeing",
        "20",
        UNIT.PERCENT,
        "increase",
    ),
    (
        "age-uk-volunteering",
        "age-uk-personalised-integrated-care",
        "volunteering",
        "20",
        UNIT.PERCENT,
        "not-applicable",
    ),
    (
        "age-uk-social-care-costs",
        "age-uk-personalised-integrated-care",
        "social-care-costs",
        "8",
        UNIT.PERCENT,
        "decrease",
    ),
    (
        "accelerated-ebcd-activities",
        "accelerated-ebcd",
        "co-design-activity",
        "48",
        UNIT.NUM,
        "not-applicable",
    ),
]

PROGRAMME_FIGURES = [
    ("oxleas-trust-building-period", "oxleas-ebcd", "6", UNIT.MO),
    ("popp-pilot-sites", "popp", "29", UNIT.NUM),
    ("popp-first-round-sites", "popp", "19", UNIT.NUM),
    ("popp-second-round-sites", "popp", "10", UNIT.NUM),
    ("popp-core-services", "popp", "146", UNIT.NUM),
    ("popp-upstream-projects", "popp", "530", UNIT.NUM),
    ("popp-reach", "popp", "260000", UNIT.NUM),
    ("age-uk-cohort", "age-uk-personalised-integrated-care", "325", UNIT.NUM),
    ("accelerated-ebcd-pathways", "accelerated-ebcd", "4", UNIT.NUM),
    ("accelerated-ebcd-hospitals", "accelerated-ebcd", "2", UNIT.NUM),
    ("core-teams", "core-study", "11", UNIT.NUM),
    ("core-providers", "core-study", "4", UNIT.NUM),
    ("core-start-dates", "core-study", "3", UNIT.NUM),
    ("core-start-interval", "core-study", "9", UNIT.MO),
    ("core-duration", "core-study", "4", UNIT.YR),
]


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug}")


@pytest.mark.parametrize(
    "slug,case,category,value,unit,direction",
    OUTCOME_FIGURES,
    ids=[row[0] for row in OUTCOME_FIGURES],
)
def test_outcome_figure_recorded(review_data, slug, case, category, value, unit, direction):
    node = iri("outcome", slug)
    assert (iri("case-study", case), CPO.hasOutcome, node) in review_data
    assert (node, RDF.type, CPO.QuantifiedOutcome) in review_data
    assert review_data.value(node, CPO.outcomeCategory) == iri("outcome-category", category)
    assert Decimal(str(review_data.value(node, QUDT.numericValue))) == Decimal(value)
    assert review_data.value(node, QUDT.numericValue).datatype == XSD.decimal
    assert review_data.value(node, QUDT.unit) == unit
    assert review_data.value(node, CPO.direction) == iri("direction", direction)


@pytest.mark.parametrize(
    "slug,case,value,unit", PROGRAMME_FIGURES, ids=[row[0] for row in PROGRAMME_FIGURES]
)
def test_programme_figure_recorded(review_data, slug, case, value, unit):
    node = iri("figure", slug)
    assert (iri("case-study", case), CPO.hasProgrammeFigure, node) in review_data
    assert Decimal(str(review_data.value(node, QUDT.numericValue))) == Decimal(value)
    assert review_data.value(node, QUDT.unit) == unit


def test_every_quantified_figure_is_in_the_table(review_data: Graph):
    """No figure in the data escapes the table above (and so this test)."""
    recorded_outcomes = {
        str(n).rsplit("/", 1)[1] for n in review_data.subjects(RDF.type, CPO.QuantifiedOutcome)
    }
    assert recorded_outcomes == {row[0] for row in OUTCOME_FIGURES} | {"popp-depression-anxiety"}
    recorded_figures = {
        str(n).rsplit("/", 1)[1] for n in review_data.subjects(RDF.type, CPO.ProgrammeFigure)
    }
    assert recorded_figures == {row[0] for row in PROGRAMME_FIGURES} | {"lac-caseload"}


def test_ratio_and_rates(review_data: Graph):
    vfm = iri("outcome", "popp-value-for-money")
    assert review_data.value(vfm, CPO.ratioDenominator) == Literal(Decimal("1.0"))
    assert review_data.value(vfm, CPO.denominatorUnit) == CUR.GBP
    assert str(review_data.value(vfm, CPO.valueQualifier)) == ID + "value-qualifier/approximately"
    qol = iri("outcome", "popp-quality-of-life-value")
    assert review_data.value(qol, CPO.perPerson) == Literal(True)
    assert str(review_data.value(qol, CPO.perPeriod)) == "P1Y"
    assert review_data.value(iri("outcome", "popp-cost-reduction"), CPO.perPerson) == Literal(True)


def test_ambiguous_popp_depression_is_not_a_reduction(review_data: Graph):
    node = iri("outcome", "popp-depression-anxiety")
    assert Decimal(str(review_data.value(node, CPO.baselineValue))) == Decimal(58)
    assert Decimal(str(review_data.value(node, CPO.followUpValue))) == Decimal(63)
    assert review_data.value(node, CPO.direction) == iri("direction", "unclear")
    assert review_data.value(node, QUDT.numericValue) is None
    assert "fewer" in str(review_data.value(node, CPO.ambiguityNote))


def test_ranges_time_frames_and_samples(review_data: Graph):
    caseload = iri("figure", "lac-caseload")
    assert (
        Decimal(str(review_data.value(caseload, CPO.minValue))),
        Decimal(str(review_data.value(caseload, CPO.maxValue))),
    ) == (Decimal(50), Decimal(60))
    frames = {
        str(n).rsplit("/", 1)[1]: str(v) for n, v in review_data.subject_objects(CPO.timeFrame)
    }
    assert frames["oxleas-complaints"] == "P1Y2M"  # 14 months, canonical form
    assert frames["popp-reach"] == "P3Y"  # a programme figure (fig:popp-reach)
    assert frames["core-psychosocial-recovery"] == "P9M"
    recovery = iri("outcome", "core-psychosocial-recovery")
    assert str(review_data.value(recovery, CPO.timeFrameQualifier)) == "within"
    samples = {int(v) for v in review_data.objects(None, CPO.sampleSize)}
    assert samples == {325}


def test_dates(review_data: Graph):
    def dates(slug):
        node = iri("case-study", slug)
        return (
            str(review_data.value(node, CPO.startDate)),
            str(review_data.value(node, CPO.endDate)),
        )

    assert dates("oxleas-ebcd") == ("None", "None")  # 2012 is a decision, not a start
    assert dates("popp") == ("2006-05", "2009-03")
    assert dates("local-area-coordination") == ("1988", "None")


def test_decimals_are_canonical_in_the_files():
    """Decimal literals are written in canonical form (80.0, 1.2: a point, no superfluous
    zeros), so that rdflib, Oxigraph and the files agree and round trips stay isomorphic."""
    pattern = re.compile(r"(?:qudt:numericValue|cpo:\w+Value|cpo:ratioDenominator)\s+(\S+)")
    for path in review_graph_files():
        for value in pattern.findall(path.read_text(encoding="utf-8")):
            assert re.fullmatch(r"-?(0|[1-9]\d*)\.(0|\d*[1-9])", value), f"{path.name}: {value}"


IDENTIFIER_PATTERNS = {
    BIBO.doi: r"10\.\d{4,9}/\S+",
    BIBO.pmid: r"\d+",
    FABIO.hasPubMedCentralId: r"PMC\d+",
    CPO.trialRegistration: r"ACTRN\d+",
}


def test_every_external_identifier_is_confirmed(bundled_graph: Graph, reference_text: str):
    found = 0
    for prop, pattern in IDENTIFIER_PATTERNS.items():
        for value in bundled_graph.objects(None, prop):
            assert re.fullmatch(pattern, str(value)), value
            assert str(value) in reference_text, f"{value} is not in the reference file"
            found += 1
    assert found >= 8
    external = re.compile(r"(id\.nlm\.nih\.gov/mesh/|wikidata\.org/entity/)(\w+)")
    for triple in bundled_graph:
        for term in triple:
            match = external.search(str(term))
            if match:
                assert match.group(2) in reference_text, term


def test_unconfirmed_identifiers_stay_out(bundled_graph: Graph):
    text = " ".join(str(t) for triple in bundled_graph for t in triple)
    assert "Q1436668" not in text  # Wikidata RCT item: probable, not fully confirmed


def test_the_lac_caseload_says_what_the_review_says(review_data: Graph):
    """Audit of 2026-12-07: the review says 'Supporting between 50-60 individuals', not
    'each coordinator'; our per-coordinator reading is a note, not the figure's wording."""
    caseload = iri("figure", "lac-caseload")
    words = (str(review_data.value(caseload, RDFS.label)) + " "
             + str(review_data.value(caseload, CPO.figureOf))).lower()
    assert "each" not in words and "per " not in words
    assert "per coordinator" in str(review_data.value(caseload, CPO.ambiguityNote))
