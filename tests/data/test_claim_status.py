"""Claim status, derived from our evidence links and never typed by hand: the status of every
claim of the review, the status and later-evidence columns of every outcome query (exact rows,
through the CLI), the links' curation marking and wording, and the rule "the strongest relation
wins" on mutated graphs."""

from __future__ import annotations

import csv
import io
import re

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from coprod_kg.cli import cli
from coprod_kg.graph import sources
from coprod_kg.queries.catalogue import bound_text, get_query

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = "https://w3id.org/coprod-kg/id/"
OUT = ID + "outcome/"
LE = ID + "later-evidence/"
LINKS_FILE = sources.data_dir() / "curation" / "evidence-links.ttl"

# Every claim of the review with a status; every other claim: "no later evidence".
CLAIM_STATUS = {
    "out:oxleas-complaints": "qualified",            # Springham & Robert 2015
    "out:popp-overnight-stays": "qualified",         # the evaluation's "seemingly"
    "fig:popp-reach": "supported",                   # 264,637 people
    "out:popp-value-for-money": "qualified",         # £0.80 to £1.60
    "out:age-uk-all-admissions": "qualified",        # Nuffield: emergency admissions only
    "out:age-uk-non-elective-admissions": "contradicted",  # Nuffield 2019
    "out:core-psychosocial-recovery": "contradicted",      # the 2021 trial
}
RANK = {"contradicted": "4", "qualified": "3", "result now reported": "2", "supported": "1"}
NUFFIELD = "le:nuffield-trust-2019-admissions"
NO_EVIDENCE = "no later evidence"  # claim-status.rq's status of a claim with no link
CORE_FINDING = ("The trial found no difference in psychosocial recovery between intervention "
                "and control (RAS-R adjusted difference -1.70, 95% CI -3.81 to 0.40).")


def curie(value: str) -> str:
    for prefix, namespace in (("out", OUT), ("le", LE), ("fig", ID + "figure/"),
                              ("cs", ID + "case-study/")):
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value


def cli_csv(runner, name: str, *params: str) -> list[dict[str, str]]:
    args = ["query", name, "--format", "csv"]
    for param in params:
        args += ["-p", param]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    return [{k: curie(v) for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(result.stdout))]


def project(rows: list[dict[str, str]], *columns: str) -> list[tuple[str, ...]]:
    return [tuple(row[c] for c in columns) for row in rows]


# --------------------------------------------------------------------------
# queries/claim-status.rq: one row per claim
# --------------------------------------------------------------------------


def test_every_claim_has_its_derived_status(runner, bundled_graph: Graph):
    rows = cli_csv(runner, "claim-status")
    claims = [row["claim"] for row in rows]
    assert len(claims) == len(set(claims)), "one row per claim"
    every_claim = {curie(str(o)) for p in (CPO.hasOutcome, CPO.hasProgrammeFigure)
                   for o in bundled_graph.objects(None, p)}
    assert set(claims) == every_claim
    assert {row["claim"]: row["claimStatus"] for row in rows} \
        == {claim: CLAIM_STATUS.get(claim, NO_EVIDENCE) for claim in every_claim}
    assert sum(row["claimStatus"] == NO_EVIDENCE for row in rows) == len(rows) - len(CLAIM_STATUS)
    for row in rows:
        assert row["statusRank"] == RANK.get(row["claimStatus"], ""), row


@pytest.mark.parametrize("claim, status", sorted(CLAIM_STATUS.items()))
def test_status_of_each_claim(runner, claim: str, status: str):
    rows = {row["claim"]: row for row in cli_csv(runner, "claim-status")}
    assert rows[claim]["claimStatus"] == status


def test_no_status_is_stored_on_a_claim_or_case_study(bundled_graph: Graph):
    statuses = {str(o) for o in bundled_graph.objects(None, CPO.claimStatusLabel)}
    assert statuses == set(RANK)
    holders = {s for s in bundled_graph.subjects(CPO.claimStatusLabel, None)}
    assert all(str(s).startswith(ID + "evidence-relation/") for s in holders)
    assert not list(bundled_graph.subjects(CPO.evidenceStatus,
                                           URIRef(ID + "evidence-status/challenged")))


def claim_status(graph: Graph) -> dict[str, str]:
    result = graph.query(bound_text(get_query("claim-status"), {}))
    variables = [str(v) for v in result.vars]
    rows = [dict(zip(variables, row, strict=True)) for row in result]
    return {curie(str(r["claim"])): str(r["claimStatus"]) for r in rows
            if str(r["claimStatus"]) != NO_EVIDENCE}


def link(graph: Graph, name: str, evidence: str, claim: str, relation: str) -> None:
    node = URIRef(ID + "evidence-link/" + name)
    prefix, local = claim.split(":")
    graph.add((node, RDF.type, CPO.EvidenceLink))
    graph.add((node, CPO.linksLaterEvidence, URIRef(LE + evidence)))
    graph.add((node, CPO.aboutClaim, URIRef(ID + {"out": "outcome/", "fig": "figure/"}[prefix]
                                            + local)))
    graph.add((node, CPO.evidenceRelation, URIRef(ID + "evidence-relation/" + relation)))


@pytest.mark.parametrize("claim, added, expected", [
    # the strongest relation wins, whichever order the links are in
    ("fig:popp-reach", "contradicts", "contradicted"),
    ("fig:popp-reach", "qualifies", "qualified"),
    ("fig:popp-reach", "reports-result", "result now reported"),
    ("out:oxleas-complaints", "supports", "qualified"),
    ("out:oxleas-complaints", "reports-result", "qualified"),
    ("out:oxleas-complaints", "contradicts", "contradicted"),
    ("out:age-uk-social-care-costs", "elaborates", None),
    ("out:age-uk-social-care-costs", "reports-result", "result now reported"),
])
def test_the_strongest_relation_wins(bundled_graph: Graph, claim, added, expected):
    graph = Graph()
    graph += bundled_graph
    link(graph, "test", "popp-evaluation-users", claim, added)
    status = claim_status(graph)
    assert status.get(claim) == expected
    others = {k: v for k, v in CLAIM_STATUS.items() if k != claim}
    assert {k: v for k, v in status.items() if k != claim} == others


# --------------------------------------------------------------------------
# The status and later-evidence columns of every outcome query
# --------------------------------------------------------------------------


def test_headline_marks_age_uk_contradicted(runner):
    rows = cli_csv(runner, "outcomes-by-reduction", "minPercent=25")
    assert project(rows, "outcome", "claimStatus", "laterEvidence") == [
        ("out:oxleas-complaints", "qualified", "le:springham-robert-2015-complaints"),
        ("out:popp-overnight-stays", "qualified", "le:popp-evaluation-overnight-stays-hedge"),
        ("out:age-uk-all-admissions", "qualified", NUFFIELD),
        ("out:lac-costs", NO_EVIDENCE, ""),
        ("out:popp-ae-use", NO_EVIDENCE, ""),
        ("out:age-uk-non-elective-admissions", "contradicted", NUFFIELD),
    ]


def test_headline_table_shows_the_status(runner):
    result = runner.invoke(cli, ["query", "outcomes-by-reduction", "--width", "200"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "non-elective-admissions" in x)
    assert re.search(r"\bcontradicted\b", line)


def test_case_study_outcomes_show_the_status(runner):
    rows = cli_csv(runner, "case-study-outcomes",
                   "caseStudy=cs:age-uk-personalised-integrated-care")
    assert {r["outcome"]: (r["claimStatus"], r["laterEvidence"]) for r in rows} == {
        "out:age-uk-all-admissions": ("qualified", NUFFIELD),
        "out:age-uk-non-elective-admissions": ("contradicted", NUFFIELD),
        "out:age-uk-wellbeing": (NO_EVIDENCE, ""),
        "out:age-uk-volunteering": (NO_EVIDENCE, ""),
        # not linked to the Nuffield evaluation (our note says why)
        "out:age-uk-social-care-costs": (NO_EVIDENCE, ""),
    }
    finding = {r["laterFinding"] for r in rows if r["laterEvidence"]}
    assert finding == {"An evaluation of 1,996 people in eight areas found the programme had "
                       "almost certainly not reduced emergency admissions or costs."}


def test_case_study_outcomes_show_a_protocols_expected_outcomes(runner):
    """CORE reports no figure: its expected outcomes are rows too, marked expected, and the
    primary one shows the trial that contradicts it (issue 11)."""
    rows = cli_csv(runner, "case-study-outcomes", "caseStudy=cs:core-study")
    assert {r["outcome"]: (r["kind"], r["direction"], r["claimStatus"]) for r in rows} == {
        "out:core-psychosocial-recovery": ("expected", "Increase", "contradicted"),
        "out:core-service-user-and-carer-wellbeing": ("expected", "Unclear", NO_EVIDENCE),
        "out:core-staff-attitudes": ("expected", "Unclear", NO_EVIDENCE),
    }
    primary = next(r for r in rows if r["outcome"] == "out:core-psychosocial-recovery")
    assert primary["laterEvidence"] == "le:palmer-2021-core-recovery"
    assert primary["laterGrade"] == "Randomised trial"
    age_uk = cli_csv(runner, "case-study-outcomes",
                     "caseStudy=cs:age-uk-personalised-integrated-care")
    assert {r["kind"] for r in age_uk} == {"reported"}


def test_money_outcomes_show_the_status(runner):
    rows = cli_csv(runner, "money-outcomes")
    assert {r["outcome"]: (r["claimStatus"], r["laterEvidence"]) for r in rows} == {
        "out:popp-cost-reduction": (NO_EVIDENCE, ""),
        "out:popp-quality-of-life-value": (NO_EVIDENCE, ""),
        "out:popp-value-for-money": ("qualified", "le:popp-evaluation-benefit-range"),
        "out:lac-costs": (NO_EVIDENCE, ""),
        "out:age-uk-social-care-costs": (NO_EVIDENCE, ""),
    }


OUTCOME_QUERIES = [
    ("outcomes-by-reduction", ("minPercent=0",)),
    ("money-outcomes", ()),
    ("outcomes-by-category", ("category=cat:non-elective-admissions",)),
    *[("case-study-outcomes", (f"caseStudy=cs:{slug}",)) for slug in (
        "oxleas-ebcd", "popp", "local-area-coordination",
        "age-uk-personalised-integrated-care", "accelerated-ebcd", "core-study")],
]


@pytest.mark.parametrize("name, params", OUTCOME_QUERIES)
def test_every_outcome_query_gives_the_status_claim_status_gives(runner, name, params):
    """An outcome with no later evidence says so in every outcome query, as claim-status
    does, rather than leave the cell empty (an empty cell reads as 'not looked at')."""
    statuses = {r["claim"]: r["claimStatus"] for r in cli_csv(runner, "claim-status")}
    rows = cli_csv(runner, name, *params)
    assert rows
    assert {r["outcome"]: r["claimStatus"] for r in rows} == {
        r["outcome"]: statuses[r["outcome"]] for r in rows}


def test_programme_figures_show_the_status(runner):
    """A programme figure is a claim too: "Over 260,000 people" is supported (audit item 9)."""
    rows = cli_csv(runner, "programme-figures", "caseStudy=cs:popp")
    # a figure without later evidence says so, as claim-status does (not an empty cell)
    assert project(rows, "figure", "claimStatus", "laterEvidence", "laterFinding",
                   "laterGrade") == [
        ("fig:popp-core-services", NO_EVIDENCE, "", "", ""),
        ("fig:popp-first-round-sites", NO_EVIDENCE, "", "", ""),
        ("fig:popp-pilot-sites", NO_EVIDENCE, "", "", ""),
        ("fig:popp-reach", "supported", "le:popp-evaluation-users",
         "264,637 people used POPP services", "Descriptive or reported figure"),
        ("fig:popp-second-round-sites", NO_EVIDENCE, "", "", ""),
        ("fig:popp-upstream-projects", NO_EVIDENCE, "", "", ""),
    ]
    every = cli_csv(runner, "programme-figures")
    claims = {r["figure"]: r["claimStatus"] for r in every if r["claimStatus"] != NO_EVIDENCE}
    assert claims == {k: v for k, v in CLAIM_STATUS.items() if k.startswith("fig:")}
    statuses = {r["claim"]: r["claimStatus"] for r in cli_csv(runner, "claim-status")}
    assert {r["figure"]: r["claimStatus"] for r in every} == {
        claim: status for claim, status in statuses.items() if claim.startswith("fig:")}
    # the site's query leaves the cell empty: its page writes "No later evidence" itself
    site = cli_csv(runner, "site-programme-figures")
    assert {r["figure"]: r["claimStatus"] for r in site if r["claimStatus"]} == claims
    assert len(site) == len({r["figure"] for r in site}) == len(every)


def test_core_expected_outcome_shows_the_trial_result_and_its_grade(runner):
    rows = cli_csv(runner, "outcomes-by-category", "category=cat:psychosocial-recovery")
    assert project(rows, "outcome", "claimStatus", "laterEvidence", "laterFinding",
                   "laterGrade") == [
        ("out:core-psychosocial-recovery", "contradicted", "le:palmer-2021-core-recovery",
         CORE_FINDING, "Randomised trial"),
    ]


def test_site_queries_carry_the_status(runner):
    rows = cli_csv(runner, "site-outcomes")
    found = {r["outcome"]: r["claimStatus"] for r in rows if r["claimStatus"]}
    expected = {k: v for k, v in CLAIM_STATUS.items() if k in {r["outcome"] for r in rows}}
    assert found == expected
    assert found["out:age-uk-non-elective-admissions"] == "contradicted"
    # the evidence map's entries: the same status on the review's outcomes ("planned" or
    # "no later evidence" where no later evidence bears on them), and each later finding
    # gives the status of its own link
    entries = cli_csv(runner, "evidence-map")
    review = {r["entry"]: r["status"] for r in entries if r["entryKind"] == "review"}
    assert {k: v for k, v in review.items() if v not in ("planned", "no later evidence")} \
        == expected
    later = {(r["entry"], r["claim"]): r["status"] for r in entries
             if r["entryKind"] == "later evidence"}
    assert later[("le:nuffield-trust-2019-admissions", "out:age-uk-non-elective-admissions")] \
        == "contradicted"
    assert later[("le:nuffield-trust-2019-admissions", "out:age-uk-all-admissions")] \
        == "qualified"


# --------------------------------------------------------------------------
# The evidence links: curated nodes, marked, in the reference file's words
# --------------------------------------------------------------------------

LINKS = [
    # later evidence, claim, relation
    ("springham-robert-2015-complaints", "out:oxleas-complaints", "qualifies"),
    ("popp-evaluation-users", "fig:popp-reach", "supports"),
    ("popp-evaluation-benefit-range", "out:popp-value-for-money", "qualifies"),
    ("popp-evaluation-overnight-stays-hedge", "out:popp-overnight-stays", "qualifies"),
    ("nuffield-trust-2019-admissions", "out:age-uk-non-elective-admissions", "contradicts"),
    ("nuffield-trust-2019-admissions", "out:age-uk-all-admissions", "qualifies"),
    ("palmer-2021-core-recovery", "out:core-psychosocial-recovery", "contradicts"),
    ("palmer-2017-core-engagement-model", "cs:core-study", "elaborates"),
    ("locock-2014-hsdr-participants", "cs:accelerated-ebcd", "elaborates"),
]


def links_graph() -> Graph:
    return Graph().parse(LINKS_FILE)


def test_the_evidence_links_are_exactly_these():
    graph = links_graph()
    found = sorted(
        (str(graph.value(n, CPO.linksLaterEvidence))[len(LE):],
         curie(str(graph.value(n, CPO.aboutClaim))),
         str(graph.value(n, CPO.evidenceRelation)).rsplit("/", 1)[-1])
        for n in graph.subjects(RDF.type, CPO.EvidenceLink))
    assert found == sorted(LINKS)


def test_every_link_carries_the_curation_marking():
    graph = links_graph()
    for node in graph.subjects(RDF.type, CPO.EvidenceLink):
        assert graph.value(node, PROV.wasAttributedTo) == URIRef(ID + "agent/coprod-kg-developers")
        assert graph.value(node, PROV.wasGeneratedBy) == URIRef(ID + "curation")
        rationale = graph.value(node, CPO.rationale)
        assert isinstance(rationale, Literal) and rationale.language == "en"
        assert len(str(rationale)) > 40


def test_nuffield_is_not_linked_to_social_care_costs(bundled_graph: Graph):
    nuffield = URIRef(LE + "nuffield-trust-2019-admissions")
    claims = {curie(str(bundled_graph.value(n, CPO.aboutClaim)))
              for n in bundled_graph.subjects(CPO.linksLaterEvidence, nuffield)}
    assert claims == {"out:age-uk-all-admissions", "out:age-uk-non-elective-admissions"}


def test_the_nuffield_wording_is_the_reference_files(bundled_graph: Graph, reference_text):
    words = "emergency admissions or costs"
    assert words in reference_text
    everything = " ".join(str(o) for o in bundled_graph.objects() if isinstance(o, Literal))
    assert "costs of hospital activity" not in everything
    finding = bundled_graph.value(URIRef(LE + "nuffield-trust-2019-admissions"), CPO.finding)
    assert words in str(finding)
    rationale = str(bundled_graph.value(
        URIRef(ID + "evidence-link/nuffield-trust-2019-age-uk-non-elective-admissions"),
        CPO.rationale))
    assert words in rationale


def test_the_later_evidence_holds_no_judgement(bundled_graph: Graph):
    """The later-evidence files hold the later sources' words: no claim, relation or note."""
    later = Graph()
    for path in sorted((sources.data_dir() / "later-evidence").glob("*.ttl")):
        later.parse(path)
    for predicate in (CPO.aboutClaim, CPO.evidenceRelation,
                      URIRef("http://www.w3.org/2004/02/skos/core#editorialNote")):
        assert not list(later.subject_objects(predicate)), predicate


# --------------------------------------------------------------------------
# CLI tables label our reading (and a later source's words); data formats stay plain
# --------------------------------------------------------------------------

TABLE_NOTES = [
    # query, parameters, the columns named as our reading, later words named too
    ("outcomes-by-reduction", (), "claimStatus, ambiguityNote", False),
    ("case-study-outcomes", (), "claimStatus, laterGrade, ambiguityNote", True),
    ("money-outcomes", (), "claimStatus, laterGrade, ambiguityNote", True),
    ("outcomes-by-category", ("category=cat:psychosocial-recovery",),
     "claimStatus, laterGrade, ambiguityNote", True),
    ("claim-status", (), "claimStatus, statusRank, ambiguityNote", False),
    ("outcomes-table", (), "attributedSourceKey, attributedSourceTitle, ambiguityNote", False),
    ("programme-figures", ("caseStudy=cs:popp",), "claimStatus, laterGrade, ambiguityNote",
     True),
    ("later-evidence", (), "relation, relationLabel, rationale, ambiguityNote", True),
    ("case-studies-by-principle", (), "strength, rationale", False),
    ("learning-points", ("caseStudy=cs:accelerated-ebcd",), "ambiguityNote", False),
]


@pytest.mark.parametrize("name, params, columns, later", TABLE_NOTES,
                         ids=[row[0] for row in TABLE_NOTES])
def test_cli_tables_label_our_reading(runner, name, params, columns, later):
    args = ["query", name, "--width", "400"]
    for param in params:
        args += ["-p", param]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    notes = " ".join(table.stdout.split("row", 1)[-1].split())
    assert f"Our reading (curation, not the review's words): {columns};" in notes
    assert ("The later source's words, not the review's" in notes) == later
    plain = runner.invoke(cli, [*args, "--format", "csv"])
    assert "Our reading" not in plain.stdout


def test_the_unlinked_social_care_costs_carry_our_note_why(bundled_graph: Graph):
    """Audit of 2026-12-07: the reason the 8% social care cost reduction has no later
    evidence was only a Turtle comment; it is our note on the outcome (curation by its
    predicate), and the outcome stays unlinked."""
    outcome = URIRef(OUT + "age-uk-social-care-costs")
    notes = [str(n) for n in bundled_graph.objects(outcome, CPO.ambiguityNote)]
    assert len(notes) == 1
    assert "'emergency admissions or costs'" in notes[0]
    assert "does not say whether these costs include social care" in notes[0]
    assert list(bundled_graph.subjects(CPO.aboutClaim, outcome)) == []


# --------------------------------------------------------------------------
# Our notes on a claim travel with it: every answer and page that shows the claim
# --------------------------------------------------------------------------

SOCIAL_CARE_NOTE = (
    "The later evaluation (Georghiou and Keeble 2019, Nuffield Trust) found the programme had "
    "almost certainly not reduced 'emergency admissions or costs'; the reference file does not "
    "say whether these costs include social care, so we do not link it to this figure, which "
    "shows no later evidence.")
OVERNIGHT_NOTE = ("The national evaluation reports this fall as 'seemingly'; the review drops "
                  "the hedge.")
VALUE_NOTE = ("The national evaluation gives a range of £0.80 to £1.60 for this benefit; the "
              "review gives the central figure only.")
CASELOAD_NOTE = ("The bullet follows 'Local Area Coordinators act as single points of contact "
                 "in a defined local area.' and does not say whether the 50-60 individuals are "
                 "supported by each coordinator; we read it as per coordinator.")
DEPRESSION_NOTE_START = "The words say fewer people reported being depressed/anxious"


def test_money_outcomes_carry_our_notes(runner):
    rows = cli_csv(runner, "money-outcomes")
    assert project(rows, "outcome", "ambiguityNote") == [
        ("out:popp-cost-reduction", ""),
        ("out:popp-quality-of-life-value", ""),
        ("out:popp-value-for-money", VALUE_NOTE),
        ("out:lac-costs", ""),
        ("out:age-uk-social-care-costs", SOCIAL_CARE_NOTE),
    ]


def test_reductions_carry_our_notes(runner):
    rows = cli_csv(runner, "outcomes-by-reduction", "minPercent=25")
    assert project(rows, "outcome", "ambiguityNote") == [
        ("out:oxleas-complaints", ""),
        ("out:popp-overnight-stays", OVERNIGHT_NOTE),
        ("out:age-uk-all-admissions", ""),
        ("out:lac-costs", ""),
        ("out:popp-ae-use", ""),
        ("out:age-uk-non-elective-admissions", ""),
    ]
    below = cli_csv(runner, "outcomes-by-reduction", "minPercent=8")
    assert {r["outcome"]: r["ambiguityNote"] for r in below}[
        "out:age-uk-social-care-costs"] == SOCIAL_CARE_NOTE


def test_case_study_outcomes_and_categories_carry_our_notes(runner):
    rows = cli_csv(runner, "case-study-outcomes",
                   "caseStudy=cs:age-uk-personalised-integrated-care")
    assert {r["outcome"]: r["ambiguityNote"] for r in rows} == {
        "out:age-uk-all-admissions": "",
        "out:age-uk-non-elective-admissions": "",
        "out:age-uk-wellbeing": "",
        "out:age-uk-volunteering": "",
        "out:age-uk-social-care-costs": SOCIAL_CARE_NOTE,
    }
    costs = cli_csv(runner, "outcomes-by-category", "category=cat:social-care-costs")
    assert project(costs, "outcome", "ambiguityNote") == [
        ("out:age-uk-social-care-costs", SOCIAL_CARE_NOTE)]


def test_the_quote_behind_an_outcome_carries_our_note(runner):
    rows = cli_csv(runner, "outcome-quote", "outcome=out:age-uk-social-care-costs")
    assert project(rows, "quote", "ambiguityNote") == [
        ("8% reduction in social care costs", SOCIAL_CARE_NOTE)]
    found = cli_csv(runner, "quote-search", "text=social care costs")
    assert {(r["subject"], r["field"], r["ambiguityNote"]) for r in found
            if r["subject"] == "out:age-uk-social-care-costs"} == {
        ("out:age-uk-social-care-costs", field, SOCIAL_CARE_NOTE)
        for field in ("label", "quote", "category: Social care costs")}


def test_claim_status_and_outcomes_table_carry_our_notes(runner, bundled_graph: Graph):
    expected = {curie(str(s)): " | ".join(sorted(str(n) for n in
                                                 bundled_graph.objects(s, CPO.ambiguityNote)))
                for p in (CPO.hasOutcome, CPO.hasProgrammeFigure)
                for s in bundled_graph.objects(None, p)}
    expected = {k: v for k, v in expected.items() if v}
    assert set(expected) == {"out:age-uk-social-care-costs", "out:popp-overnight-stays",
                             "out:popp-value-for-money", "out:popp-depression-anxiety",
                             "fig:lac-caseload"}
    assert expected["fig:lac-caseload"] == CASELOAD_NOTE
    assert expected["out:popp-depression-anxiety"].startswith(DEPRESSION_NOTE_START)
    outcomes = {k: v for k, v in expected.items() if k.startswith("out:")}
    figures = {"fig:lac-caseload": CASELOAD_NOTE}
    for query, key, column, notes in [
            ("claim-status", "claim", "ambiguityNote", expected),
            ("outcomes-table", "outcome", "ambiguityNote", outcomes),
            ("programme-figures", "figure", "ambiguityNote", figures),
            ("site-outcomes", "outcome", "note", outcomes),
            ("site-programme-figures", "figure", "note", figures)]:
        rows = cli_csv(runner, query)
        assert {r[key]: r[column] for r in rows if r[column]} == notes, query
    # competency question 15: each claim with later evidence, beside our notes on it
    later = cli_csv(runner, "later-evidence")
    assert {(r["claim"], r["ambiguityNote"]) for r in later if r["ambiguityNote"]} == {
        ("out:popp-overnight-stays", OVERNIGHT_NOTE), ("out:popp-value-for-money", VALUE_NOTE)}
    assert all(r["ambiguityNote"] == expected.get(r["claim"], "") for r in later)
    # the evidence map: an entry, the review's or a later finding, carries its claim's notes
    entries = cli_csv(runner, "evidence-map")
    assert all(r["ambiguityNote"] == outcomes.get(r["claim"], "") for r in entries)
    assert {(r["claim"], r["entryKind"]) for r in entries if r["ambiguityNote"]} == {
        ("out:age-uk-social-care-costs", "review"), ("out:popp-depression-anxiety", "review"),
        ("out:popp-overnight-stays", "review"), ("out:popp-overnight-stays", "later evidence"),
        ("out:popp-value-for-money", "review"), ("out:popp-value-for-money", "later evidence")}


def test_outcomes_table_names_the_source_as_our_attribution(runner):
    """The per-figure source is ours (curation by predicate), not a citation the review makes
    for the figure: its columns and the query's description say so (audit items 1 and 3)."""
    rows = cli_csv(runner, "outcomes-table")
    assert "sourceKey" not in rows[0] and "attributedSourceKey" in rows[0]
    popp = {r["attributedSourceKey"] for r in rows if r["outcome"].startswith("out:popp-")}
    assert popp == {"R3"}
    description = " ".join(get_query("outcomes-table").description.split())
    assert ("the reference we attribute the figure to (our curation: the review cites its "
            "references for a whole case study, never for one figure)") in description
