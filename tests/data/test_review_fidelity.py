"""What the review says, said exactly (issue 11): the wording fixes, the two sentences that were
missing, the text-only facts in structured form (data/review-structure/), supplied reference
descriptions kept apart from titles, and the organisation-roles query's exact rows.

Every table below is checked against the bundled files; every quote against the review."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from coprod_kg.cli import cli
from coprod_kg.graph import sources
from coprod_kg.graph.store import open_store
from coprod_kg.namespaces import compact_iri, expand_curie
from coprod_kg.queries import catalogue
from coprod_kg.settings import Settings
from coprod_kg.text import normalise_quote

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FABIO = Namespace("http://purl.org/spar/fabio/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
VS = Namespace("http://www.w3.org/2003/06/sw-vocab-status/ns#")
ONTOLOGY = URIRef("https://w3id.org/coprod-kg/ontology")
STRUCTURE_FILES = sorted((sources.data_dir() / "review-structure").glob("*.ttl"))
ABSENT = object()  # the triple must not be there at all


def node(curie: str) -> URIRef:
    iri = expand_curie(curie)
    assert iri is not None, curie
    return URIRef(iri)


@pytest.fixture(scope="module")
def normalised_review(review_text: str) -> str:
    return normalise_quote(review_text)


@pytest.fixture(scope="module")
def structure() -> Graph:
    graph = Graph()
    for path in STRUCTURE_FILES:
        graph.parse(path)
    return graph


# --------------------------------------------------------------------------
# The wording errors of issue 11 (1, 2, 7, 8, 9, 10): one row per fact
# --------------------------------------------------------------------------

# (error, subject, predicate, the one expected value, or ABSENT)
FIXES = [
    # 1: "more quickly and at lower cost" is two outcomes, time and cost, both decreasing
    ("1", "out:accelerated-ebcd-speed-and-cost", "rdf:type", ABSENT),
    ("1", "cs:accelerated-ebcd", "cpo:hasOutcome", "out:accelerated-ebcd-time"),
    ("1", "cs:accelerated-ebcd", "cpo:hasOutcome", "out:accelerated-ebcd-cost"),
    ("1", "out:accelerated-ebcd-time", "cpo:outcomeCategory", "cat:time-to-improvement"),
    ("1", "out:accelerated-ebcd-time", "cpo:direction", "dir:decrease"),
    ("1", "out:accelerated-ebcd-time", "cpo:page", 9),
    ("1", "out:accelerated-ebcd-cost", "cpo:outcomeCategory", "cat:cost-of-improvement"),
    ("1", "out:accelerated-ebcd-cost", "cpo:direction", "dir:decrease"),
    ("1", "out:accelerated-ebcd-cost", "cpo:page", 9),
    ("1", "cat:speed-and-cost-of-improvement", "rdf:type", ABSENT),
    # 2: the approach, not the findings, is the antithesis of the Francis Report's problems
    ("2", "lp:accelerated-ebcd-3", "rdfs:label",
     "The approach is the antithesis of the problems the Francis Report found: failing to "
     "listen to patients or take their concerns seriously"),
    # 7: 2012 is the year of a decision, not the start of EBCD
    ("7", "cs:oxleas-ebcd", "cpo:startDate", ABSENT),
    ("7", "cs:oxleas-ebcd", "cpo:dateQuote", ABSENT),
    ("7", "event:oxleas-decision-to-improve", "cpo:caseStudy", "cs:oxleas-ebcd"),
    ("7", "event:oxleas-decision-to-improve", "cpo:eventDate", "2012"),
    ("7", "event:oxleas-decision-to-improve", "rdfs:label",
     "Senior management and staff decided to make improvements to the ward"),
    # 8: measured *within* 9 months
    ("8", "out:core-psychosocial-recovery", "cpo:timeFrame", "P9M"),
    ("8", "out:core-psychosocial-recovery", "cpo:timeFrameQualifier", "within"),
    # 9: population definitions say no more than the review
    ("9", "pop:intensive-care-and-lung-cancer-patients", "skos:definition",
     "Patients of the intensive care and lung cancer services in two English NHS hospitals in "
     "which accelerated EBCD was tested."),
    ("9", "pop:older-people", "skos:definition",
     "Older people, as served by local health, care and community services."),
    # 10: the reach of POPP is under "The Approach": a programme figure, not an outcome
    ("10", "out:popp-reach", "rdf:type", ABSENT),
    ("10", "cs:popp", "cpo:hasProgrammeFigure", "fig:popp-reach"),
    ("10", "fig:popp-reach", "rdf:type", "cpo:ProgrammeFigure"),
    ("10", "fig:popp-reach", "qudt:numericValue", Decimal("260000")),
    ("10", "fig:popp-reach", "cpo:valueQualifier", "qualifier:over"),
    ("10", "fig:popp-reach", "cpo:timeFrame", "P3Y"),
    ("10", "fig:popp-reach", "cpo:page", 6),
]


def python_value(term):
    if isinstance(term, Literal):
        value = term.toPython()
        return Decimal(str(value)) if isinstance(value, Decimal | float) else (
            value if isinstance(value, int | bool) else str(term))
    return compact_iri(str(term))


@pytest.mark.parametrize("error,subject,predicate,expected", FIXES,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in FIXES])
def test_wording_fix(bundled_graph: Graph, error, subject, predicate, expected):
    values = [python_value(v) for v in bundled_graph.objects(node(subject), node(predicate))]
    if expected is ABSENT:
        assert values == []
    elif predicate in ("cpo:hasOutcome", "cpo:hasProgrammeFigure", "rdf:type"):
        assert expected in values
    else:
        assert values == [expected]


def test_no_outcome_speaks_of_speed_decreasing(bundled_graph: Graph):
    """Error 1: no outcome says 'speed' with a decrease."""
    for outcome in bundled_graph.subjects(CPO.direction, node("dir:decrease")):
        label = str(bundled_graph.value(outcome, RDFS.label)).lower()
        assert "speed" not in label, outcome


def test_population_definitions_add_nobody(bundled_graph: Graph):
    """Error 9: families, staff and carers are not in these populations."""
    patients = str(bundled_graph.value(node("pop:intensive-care-and-lung-cancer-patients"),
                                       SKOS.definition)).lower()
    assert "famil" not in patients and "staff" not in patients
    older = str(bundled_graph.value(node("pop:older-people"), SKOS.definition)).lower()
    assert "carer" not in older


def test_the_oxleas_decision_is_flagged_as_not_a_start(bundled_graph: Graph):
    """Error 7: the ambiguity is said on the case study and on the event."""
    for subject in ("cs:oxleas-ebcd", "event:oxleas-decision-to-improve"):
        notes = " ".join(str(n) for n in bundled_graph.objects(node(subject), CPO.ambiguityNote))
        assert "2012" in notes and "six months" in notes, subject
    assert not any(True for _ in bundled_graph.subjects(CPO.startDate, Literal("2012")))


@pytest.mark.parametrize("term,kind", [
    ("cpo:timeFrameQualifier", "owl:DatatypeProperty"),
    ("cpo:suppliedDescription", "owl:AnnotationProperty"),
    ("cpo:ApproachComponent", "owl:Class"),
    ("cpo:OrganisationRole", "owl:Class"),
    ("cpo:OrganisationRoleType", "owl:Class"),
    ("cpo:MethodologyStep", "owl:Class"),
    ("cpo:EvidenceScope", "owl:Class"),
    ("cpo:ResourceFigure", "owl:Class"),
    ("cpo:ReviewStatement", "owl:Class"),
    ("cpo:DatedEvent", "owl:Class"),
    ("cpo:Actor", "owl:Class"),
])
def test_new_terms_are_defined_like_the_others(term, kind):
    ontology = Graph().parse(sources.ontology_dir() / "coprod.ttl")
    subject = node(term)
    assert (subject, RDF.type, node(kind)) in ontology
    assert ontology.value(subject, RDFS.label) is not None
    assert ontology.value(subject, SKOS.definition) is not None
    assert ontology.value(subject, RDFS.isDefinedBy) == ONTOLOGY
    assert str(ontology.value(subject, VS.term_status)) in {"stable", "testing"}


# --------------------------------------------------------------------------
# The two sentences that were missing, verbatim
# --------------------------------------------------------------------------

SENTENCES = [
    ("stmt:accelerated-ebcd-revitalise-staff", "cs:accelerated-ebcd", 9,
     "The research team believe this is an approach that can revitalise staff."),
    ("stmt:core-longitudinal-design-strength", "cs:core-study", 10,
     "The longitudinal design offers a major strength for developing better insights into "
     "recovery outcomes over time for people affected by serious mental illness in the "
     "community mental health setting."),
]


@pytest.mark.parametrize("statement,case,page,sentence", SENTENCES, ids=[r[0] for r in SENTENCES])
def test_missing_sentence_is_present_verbatim(bundled_graph, normalised_review, statement, case,
                                              page, sentence):
    assert sentence in normalised_review
    subject = node(statement)
    assert (subject, RDF.type, CPO.ReviewStatement) in bundled_graph
    assert str(bundled_graph.value(subject, CPO.quote)) == sentence
    assert bundled_graph.value(subject, CPO.page).toPython() == page
    assert bundled_graph.value(subject, CPO.caseStudy) == node(case)
    assert bundled_graph.value(subject, CPO.reportedIn) == node("cpr:review")


# --------------------------------------------------------------------------
# Every structured fact: the review's words, on the review's page
# --------------------------------------------------------------------------

def test_the_structure_files_are_found():
    assert {p.name for p in STRUCTURE_FILES} == {
        "approach-components.ttl", "evidence-scopes.ttl", "further-resource-figures.ttl",
        "methodology.ttl", "organisation-roles.ttl", "statements.ttl"}


def test_every_structured_quote_is_verbatim_in_the_review(structure, normalised_review):
    quotes = list(structure.subject_objects(CPO.quote))
    assert len(quotes) == 50  # with the King's Fund event's November 2016 (audit, 2026-12-07)
    missing = [f"{s}: {q[:60]!r}" for s, q in quotes if normalise_quote(q) not in normalised_review]
    assert missing == []


def test_every_structured_statement_is_reported_in_the_review_on_its_case_studys_page(
        structure, bundled_graph):
    kinds = (CPO.ApproachComponent, CPO.OrganisationRole, CPO.MethodologyStep,
             CPO.EvidenceScope, CPO.ResourceFigure, CPO.ReviewStatement, CPO.DatedEvent)
    nodes = {s for kind in kinds for s in structure.subjects(RDF.type, kind)}
    assert len(nodes) == 45
    for subject in nodes:
        assert structure.value(subject, CPO.reportedIn) == node("cpr:review"), subject
        case = structure.value(subject, CPO.caseStudy)
        if case is not None:
            assert structure.value(subject, CPO.page) == bundled_graph.value(case, CPO.page)


# (component, case study, performed by)
WHO_DID_WHAT = [
    ("comp:oxleas-researchnet-co-management", "cs:oxleas-ebcd", {"agent:researchnet"}),
    ("comp:oxleas-nhs-support", "cs:oxleas-ebcd", {"actor:nhs-colleagues"}),
    ("comp:popp-older-people-in-design-and-management", "cs:popp", {"pop:older-people"}),
    ("comp:popp-older-people-on-boards", "cs:popp", {"pop:older-people"}),
    ("comp:popp-older-people-on-recruitment-panels", "cs:popp", {"pop:older-people"}),
    ("comp:popp-older-people-as-volunteers", "cs:popp", {"pop:older-people"}),
    ("comp:popp-older-people-in-evaluation", "cs:popp", {"pop:older-people"}),
    ("comp:lac-single-point-of-contact", "cs:local-area-coordination",
     {"actor:local-area-coordinator"}),
    ("comp:age-uk-risk-stratification", "cs:age-uk-personalised-integrated-care", set()),
    ("comp:age-uk-guided-conversation", "cs:age-uk-personalised-integrated-care",
     {"actor:personal-independence-coordinator"}),
    ("comp:age-uk-care-plan", "cs:age-uk-personalised-integrated-care",
     {"actor:personal-independence-coordinator", "pop:older-people-with-long-term-conditions"}),
    ("comp:accelerated-ebcd-local-facilitators", "cs:accelerated-ebcd",
     {"actor:local-improvement-facilitators"}),
    ("comp:core-engagement-model", "cs:core-study", {"actor:core-study-team"}),
]


@pytest.mark.parametrize("component,case,by", WHO_DID_WHAT, ids=[r[0] for r in WHO_DID_WHAT])
def test_who_did_what(structure, component, case, by):
    subject = node(component)
    assert (subject, RDF.type, CPO.ApproachComponent) in structure
    assert structure.value(subject, CPO.caseStudy) == node(case)
    assert {compact_iri(str(o)) for o in structure.objects(subject, CPO.performedBy)} == by


def test_the_engagement_model_has_its_three_aims_in_order(structure):
    aims = sorted((int(structure.value(s, CPO.position)), str(structure.value(s, CPO.quote)))
                  for s in structure.subjects(CPO.partOfComponent,
                                              node("comp:core-engagement-model")))
    assert [quote.split()[0] for _, quote in aims] == ["build", "communicate", "to"]


# (step, position, organisations it drew on)
METHODOLOGY = [
    ("step:desktop-research", 1, {"agent:kings-fund", "agent:nesta", "agent:nuffield-trust"}),
    ("step:examined-sources", 2, set()),
    ("step:contacted-project-leads", 3, set()),
]


@pytest.mark.parametrize("step,position,organisations", METHODOLOGY,
                         ids=[r[0] for r in METHODOLOGY])
def test_methodology_steps_and_their_sources(bundled_graph, step, position, organisations):
    subject = node(step)
    assert bundled_graph.value(subject, CPO.methodologyStepOf) == node("cpr:review")
    assert int(bundled_graph.value(subject, CPO.position)) == position
    found = {compact_iri(str(o)) for o in bundled_graph.objects(subject, CPO.sourceOrganisation)}
    assert found == organisations
    for organisation in found:
        assert (node(organisation), RDF.type, PROV.Organization) in bundled_graph


# POPP's reductions in physio/OT and outpatient appointments: a direction, no figure
SUB_OUTCOMES = [
    ("out:popp-physiotherapy-occupational-therapy", "cat:therapy-use"),
    ("out:popp-clinic-outpatient-appointments", "cat:outpatient-appointments"),
]


@pytest.mark.parametrize("outcome,category", SUB_OUTCOMES, ids=[r[0] for r in SUB_OUTCOMES])
def test_popp_sub_outcomes_have_a_direction_and_no_figure(bundled_graph, outcome, category):
    subject = node(outcome)
    assert (node("cs:popp"), CPO.hasOutcome, subject) in bundled_graph
    assert (subject, RDF.type, CPO.QualitativeOutcome) in bundled_graph
    assert bundled_graph.value(subject, CPO.outcomeCategory) == node(category)
    assert bundled_graph.value(subject, CPO.direction) == node("dir:decrease")
    for figure in (QUDT.numericValue, CPO.baselineValue, CPO.minValue):
        assert bundled_graph.value(subject, figure) is None


# (scope, figure it describes, extent, programme, place)
SCOPES = [
    ("scope:popp-quality-of-life-some-pilots", "out:popp-quality-of-life-value", "extent:some",
     "prog:popp", None),
    ("scope:lac-costs-australian-evaluations", "out:lac-costs", None,
     "prog:local-area-coordination", "place:australia"),
]


@pytest.mark.parametrize("scope,figure,extent,programme,place", SCOPES, ids=[r[0] for r in SCOPES])
def test_evidence_scopes(bundled_graph, scope, figure, extent, programme, place):
    subject = node(scope)

    def value(predicate):
        found = bundled_graph.value(subject, predicate)
        return None if found is None else compact_iri(str(found))

    assert (value(CPO.scopeOf), value(CPO.scopeExtent), value(CPO.scopeWithin),
            value(CPO.evidencePlace)) == (figure, extent, programme, place)


def test_australia_is_used(bundled_graph):
    assert any(True for _ in bundled_graph.subjects(None, node("place:australia")))


# (figure, further resource, count, start, end, year)
RESOURCE_FIGURES = [
    ("rfig:kings-fund-event-date", "cpr:further-resource-1", None, None, None, "2016-11"),
    ("rfig:nesta-catalogue-case-studies", "cpr:further-resource-3", "20", None, None, None),
    ("rfig:co-creating-health-sites", "cpr:further-resource-4", "8", None, None, None),
    ("rfig:co-creating-health-period", "cpr:further-resource-4", None, "2007", "2012", None),
    ("rfig:co-creating-health-clinical-areas", "cpr:further-resource-4", "4", None, None, None),
    ("rfig:ambulatory-care-literature-period", "cpr:further-resource-5", None, "2000", "2015",
     None),
    ("rfig:ambulatory-care-focus-group-year", "cpr:further-resource-5", None, None, None,
     "2014"),
]


@pytest.mark.parametrize("figure,resource,count,start,end,year", RESOURCE_FIGURES,
                         ids=[r[0] for r in RESOURCE_FIGURES])
def test_further_resource_figures_are_typed_values(bundled_graph, figure, resource, count, start,
                                                   end, year):
    subject = node(figure)
    assert bundled_graph.value(subject, CPO.resourceFigureOf) == node(resource)

    def text(predicate):
        found = bundled_graph.value(subject, predicate)
        return None if found is None else str(found)

    number = bundled_graph.value(subject, QUDT.numericValue)
    assert (None if number is None else Decimal(str(number))) == (
        None if count is None else Decimal(count))
    assert (text(CPO.startDate), text(CPO.endDate), text(CPO.eventDate)) == (start, end, year)
    if count is not None:
        assert bundled_graph.value(subject, QUDT.unit) == node("unit:NUM")


def test_figures_of_the_structure_files_are_canonical_decimals():
    for path in STRUCTURE_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "qudt:numericValue" in line:
                assert line.strip().split()[1].endswith(".0"), line


# --------------------------------------------------------------------------
# Learning points and further resources are reported in the review
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind,count", [("LearningPoint", 10), ("FurtherResource", 7)])
def test_learning_points_and_further_resources_are_reported_in_the_review(bundled_graph, kind,
                                                                           count):
    nodes = list(bundled_graph.subjects(RDF.type, CPO[kind]))
    assert len(nodes) == count
    for subject in nodes:
        assert bundled_graph.value(subject, CPO.reportedIn) == node("cpr:review"), subject


# --------------------------------------------------------------------------
# Supplied descriptions are not titles; R6's PMCID is only the review's link
# --------------------------------------------------------------------------

SUPPLIED = ["ref:coproduction-network-about", "ref:palmer-2021-core-results",
            "ref:palmer-2017-core-engagement"]


@pytest.mark.parametrize("reference", SUPPLIED)
def test_supplied_text_is_not_a_title(bundled_graph, reference):
    subject = node(reference)
    assert bundled_graph.value(subject, DCTERMS.title) is None
    description = str(bundled_graph.value(subject, CPO.suppliedDescription))
    assert description and not description.startswith("[")


def test_no_title_is_bracketed_supplied_text(bundled_graph):
    for subject, title in bundled_graph.subject_objects(DCTERMS.title):
        assert not str(title).startswith("["), subject
    described = {compact_iri(str(s)) for s in bundled_graph.subjects(CPO.suppliedDescription)}
    assert described == set(SUPPLIED)


def test_r6_pmcid_is_only_the_reviews_link(bundled_graph, reference_text):
    r6 = node("ref:palmer-2015-core-protocol")
    assert bundled_graph.value(r6, FABIO.hasPubMedCentralId) is None
    assert bundled_graph.value(r6, FOAF.page) == URIRef(
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4386225")
    assert "PMCID PMC4386225 (as cited by the review)" in reference_text


# --------------------------------------------------------------------------
# Who ran or funded each case study: the stored query's exact rows
# --------------------------------------------------------------------------

# (case study, organisation, role, page)
ORGANISATION_ROLES = [
    ("cs:oxleas-ebcd", "agent:oxleas", "roletype:led", 5),
    ("cs:oxleas-ebcd", "agent:researchnet", "roletype:co-managed", 5),
    ("cs:popp", "agent:department-of-health", "roletype:designated", 6),
    ("cs:popp", "agent:department-of-health", "roletype:set-up", 6),
    ("cs:age-uk-personalised-integrated-care", "agent:age-uk", "roletype:staffed-named-role", 8),
]
ROLE_COLUMNS = ["caseStudy", "caseStudyLabel", "organisation", "organisationLabel", "role",
                "roleLabel", "quote", "page", "ambiguityNote"]
# our note where the review names an organisation otherwise than its label (ambiguity 2)
OXLEAS_NOTE = ("The review calls it Oxleas NHS Mental Health Trust; the legal name is Oxleas NHS "
               "Foundation Trust.")


def role_row(row: dict) -> tuple:
    return (row["caseStudy"], row["organisation"], row["role"], int(row["page"]))


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_organisation_roles_through_the_library(backend, normalised_review):
    store = open_store(Settings(store=backend))
    result = store.query(catalogue.bound_text(catalogue.get_query("organisation-roles"), {}))
    assert list(result.variables) == ROLE_COLUMNS
    rows = [{v: (None if t is None else (compact_iri(str(t)) if isinstance(t, URIRef)
                                         else str(t)))
             for v, t in zip(result.variables, row, strict=True)} for row in result.rows]
    assert [role_row(r) for r in rows] == ORGANISATION_ROLES
    assert [r["roleLabel"] for r in rows] == ["Led", "Co-managed", "Designated", "Set up",
                                              "Staffed a named role"]
    assert [r["ambiguityNote"] for r in rows] == [OXLEAS_NOTE, None, None, None, None]
    for row in rows:
        assert normalise_quote(row["quote"]) in normalised_review


@pytest.mark.parametrize("case", ["cs:popp", "cs:oxleas-ebcd", "cs:core-study"])
def test_organisation_roles_through_the_cli_for_one_case_study(runner, case):
    result = runner.invoke(cli, ["query", "organisation-roles", "-p", f"caseStudy={case}",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    got = [(compact_iri(r["caseStudy"]), compact_iri(r["organisation"]), compact_iri(r["role"]),
            int(r["page"])) for r in rows]
    assert got == [row for row in ORGANISATION_ROLES if row[0] == case]


def test_no_case_study_has_a_funder_because_the_review_names_none(bundled_graph):
    assert not any(True for _ in bundled_graph.subjects(PROV.hadRole, node("roletype:funded")))


def test_the_query_file_is_in_the_catalogue():
    path = Path(sources.queries_dir()) / "organisation-roles.rq"
    assert path.read_text(encoding="utf-8").startswith("#+ summary: Who ran or funded")


# --------------------------------------------------------------------------
# Who did what: the approach-components query's exact rows for POPP
# --------------------------------------------------------------------------

POPP_COMPONENTS = [
    # position, component, performer, part of
    (1, "comp:popp-older-people-in-design-and-management", "pop:older-people", None),
    (2, "comp:popp-older-people-on-boards", "pop:older-people",
     "comp:popp-older-people-in-design-and-management"),
    (3, "comp:popp-older-people-on-recruitment-panels", "pop:older-people",
     "comp:popp-older-people-in-design-and-management"),
    (4, "comp:popp-older-people-as-volunteers", "pop:older-people",
     "comp:popp-older-people-in-design-and-management"),
    (5, "comp:popp-older-people-in-evaluation", "pop:older-people",
     "comp:popp-older-people-in-design-and-management"),
]


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_approach_components_through_the_library(backend):
    store = open_store(Settings(store=backend))
    stored = catalogue.get_query("approach-components")
    result = store.query(catalogue.bound_text(stored, {"caseStudy": "cs:popp"}))
    rows = [dict(zip(result.variables, row, strict=True)) for row in result.rows]

    def curie(term):
        return None if term is None else compact_iri(str(term))

    assert [(int(r["position"]), curie(r["component"]), curie(r["performer"]), curie(r["partOf"]))
            for r in rows] == POPP_COMPONENTS
    assert {str(r["performerLabel"]) for r in rows} == {"Older people"}
    everything = store.query(catalogue.bound_text(stored, {}))
    assert len(everything.rows) == 26  # 25 components, one of them with two performers


def test_approach_components_through_the_cli(runner):
    result = runner.invoke(cli, ["query", "approach-components", "-p", "caseStudy=cs:core-study",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(compact_iri(r["component"]), compact_iri(r["performer"]) if r["performer"] else None)
            for r in rows] == [
        ("comp:core-engagement-model", "actor:core-study-team"),
        ("comp:core-engagement-aim-relationships", None),
        ("comp:core-engagement-aim-communicate", None),
        ("comp:core-engagement-aim-keep-engaged", None),
    ]


def test_quote_search_finds_the_structured_facts_with_their_case_study(runner):
    result = runner.invoke(cli, ["query", "quote-search", "-p", "text=Personal Independence",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [(compact_iri(r["subject"]), r["caseStudyLabel"], r["field"])
            for r in csv.DictReader(io.StringIO(result.stdout))]
    age_uk = "Age UK Personalised Integrated Care Programme"
    for expected in [
        ("comp:age-uk-guided-conversation", age_uk, "quote"),
        ("orgrole:age-uk-personalised-integrated-care-age-uk-staffed-named-role", age_uk, "quote"),
        ("actor:personal-independence-coordinator", "", "label"),
    ]:
        assert expected in rows
