"""The evidence gap map (issue 13): outcome categories grouped into domains x the case
studies' interventions grouped into families, counting studies; its entries' status and
design level; the principle x domain view; the answer-first messages; the SVG, PNG and HTML
forms and `coprod-kg map`.

The cells are checked against the stored query `evidence-map.rq` (exact rows for Age UK),
against an independent SPARQL count written here, and against the groupings of
data/curation/map-groupings.ttl (every category in exactly one domain).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from rdflib import RDF, URIRef

from coprod_kg.cli import cli
from coprod_kg.graph.store import open_store
from coprod_kg.publishing.gapmap import build_gap_map, level_labels, level_of, principle_view
from coprod_kg.publishing.gapmap_image import gap_map_svg, wrap_words
from coprod_kg.publishing.keymessages import domain_messages
from coprod_kg.publishing.sitedata import duration_text, figure_text, select, with_unit
from coprod_kg.settings import Settings

SVG_NS = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/coprod-kg/id/"
CPO = "https://w3id.org/coprod-kg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DOMAINS = ["Hospital use", "Costs and value", "Experience", "Wellbeing and recovery", "Staff",
           "Process"]


@pytest.fixture(scope="module")
def store():
    return open_store(Settings())


@pytest.fixture(scope="module")
def gap_map(store):
    return build_gap_map(store)


def narrower_of(graph, scheme: str) -> dict[str, list[str]]:
    """member IRI -> the concepts of `scheme` it is narrower than (a test's own reading)."""
    found: dict[str, list[str]] = {}
    for concept in graph.subjects(URIRef(SKOS + "inScheme"), URIRef(ID + scheme)):
        for member in graph.objects(concept, URIRef(SKOS + "narrower")):
            found.setdefault(str(member), []).append(str(concept))
    return found


def test_every_category_falls_in_exactly_one_domain(bundled_graph, gap_map):
    categories = {str(c) for c in bundled_graph.subjects(RDF.type, URIRef(CPO + "OutcomeCategory"))}
    domains = narrower_of(bundled_graph, "outcome-domains")
    assert set(domains) == categories
    assert {c: len(d) for c, d in domains.items()} == {c: 1 for c in categories}
    assert [d.label for d in gap_map.domains] == DOMAINS
    assert {c.iri for c in gap_map.categories} == categories
    assert len(gap_map.categories) == len(categories) == 27


def test_every_intervention_falls_in_exactly_one_family(bundled_graph, gap_map):
    used = {str(i) for i in bundled_graph.objects(None, URIRef(CPO + "usesIntervention"))}
    families = narrower_of(bundled_graph, "intervention-families")
    assert {i: len(families.get(i, [])) for i in used} == {i: 1 for i in used}
    ebcd = [f for f in gap_map.families if len(f.members) > 1]
    assert [(f.label, [m.label for m in f.members]) for f in ebcd] == [
        ("Experience-based co-design (EBCD and accelerated EBCD)",
         ["Experience-based co-design (EBCD)", "Accelerated experience-based co-design"])]
    assert [i.note for i in gap_map.interventions] == [
        "Case study 1", "Case study 5", "Case study 2", "Case study 3", "Case study 4",
        "Case study 6"]
    assert len(gap_map.cells) == 27 * 6


def test_groupings_are_marked_as_our_curation(bundled_graph):
    prov = "http://www.w3.org/ns/prov#"
    for scheme in ("outcome-domains", "intervention-families"):
        nodes = [URIRef(ID + scheme), *bundled_graph.subjects(URIRef(SKOS + "inScheme"),
                                                             URIRef(ID + scheme))]
        for node in nodes:
            assert bundled_graph.value(node, URIRef(prov + "wasAttributedTo")) == URIRef(
                ID + "agent/coprod-kg-developers"), node
            assert bundled_graph.value(node, URIRef(CPO + "rationale")), node


AGE_UK = "Age UK Personalised Integrated Care Programme"
NUFFIELD = "Nuffield Trust evaluation of the Age UK programme (Georghiou and Keeble 2019)"
NO_REDUCTION = ("Almost certainly no reduction in emergency admissions or costs, among 1,996 "
                "people in eight areas")
AGE_UK_HOSPITAL_USE = [
    ("All hospital admissions", AGE_UK, AGE_UK, "review", "review",
     "31% reduction in all hospital admissions", "decrease", "favours", "qualified", 4),
    ("All hospital admissions", NUFFIELD, "Georghiou T, Keeble E 2019", "later publication",
     "later evidence", NO_REDUCTION, None, None, "qualified", 4),
    ("Non-elective hospital admissions", AGE_UK, AGE_UK, "review", "review",
     "26% reduction in non-elective hospital admissions", "decrease", "favours",
     "contradicted", 4),
    ("Non-elective hospital admissions", NUFFIELD, "Georghiou T, Keeble E 2019",
     "later publication", "later evidence", NO_REDUCTION, None, None, "contradicted", 4),
]
WINDLE = "Windle K, Wagland R, Forder J, D'Amico F, Janssen D, Wistow G 2009"
POPP = "The national evaluation of POPP (Windle et al. 2009)"
# One study each: the POPP case study and R3 (the evaluation it cites, not a later
# publication: 2009, before the review); the CORE protocol and the 2021 trial results.
ONE_STUDY_ROWS = [
    ("Overnight hospital stays", POPP, "Partnerships for Older People Projects (POPP)",
     "review", "review", "Overnight hospital stays reduced by 47 per cent", "decrease",
     "favours", "qualified", 4),
    ("Overnight hospital stays", POPP, WINDLE, "cited by the review", "later evidence",
     "The 47% fall in overnight stays is reported as 'seemingly'", None, None, "qualified",
     4),
    ("Value for money", POPP, "Partnerships for Older People Projects (POPP)", "review",
     "review", "About £1.20 of emergency bed-day savings for every extra £1 spent",
     "not-applicable", "not a change", "qualified", 4),
    ("Value for money", POPP, WINDLE, "cited by the review", "later evidence",
     "The £1.20 benefit per extra £1 has a range of £0.80 to £1.60", None, None,
     "qualified", 4),
    ("Psychosocial recovery", "The CORE trial", "CORE study protocol", "review", "review",
     "Primary expected outcome: improvement in psychosocial recovery, measured within 9 "
     "months of each wave", "increase", "planned", "contradicted", 5),
    ("Psychosocial recovery", "The CORE trial", "Palmer VJ et al. 2021", "later publication",
     "later evidence", "No difference in psychosocial recovery between intervention and "
     "control", None, None, "contradicted", 1),
]


def map_rows(rows: list[dict]) -> list[tuple]:
    return [(r["categoryLabel"], r["studyLabel"], r["reportLabel"], r["reportRole"],
             r["entryKind"], r["entryLabel"],
             r["direction"] and r["direction"].rsplit("/", 1)[-1], r["favours"], r["status"],
             r["designLevel"]) for r in rows]


def test_the_stored_query_gives_age_uks_hospital_use_rows(store):
    rows = [row for row in select(store, "evidence-map")
            if row["domainLabel"] == "Hospital use" and row["caseNumber"] == 4]
    assert map_rows(rows) == AGE_UK_HOSPITAL_USE
    assert {r["familyLabel"] for r in rows} == {"Personalised integrated care"}


def test_reports_of_one_study_are_one_study_in_the_stored_query(store):
    """The POPP case study and R3, the CORE protocol and Palmer 2021: one study each, so
    their cells count 1; R3 (2009) is the evaluation the review cites, never 'later'."""
    rows = [row for row in select(store, "evidence-map")
            if row["categoryLabel"] in ("Overnight hospital stays", "Value for money",
                                        "Psychosocial recovery")]
    assert map_rows(rows) == ONE_STUDY_ROWS
    assert {r["study"] for r in rows} == {ID + "study/popp-national-evaluation",
                                          ID + "study/core-trial"}


def test_a_later_publication_is_one_dated_after_the_review(store):
    roles = {(r["reportLabel"], r["reportRole"]) for r in select(store, "evidence-map")
             if r["entryKind"] == "later evidence"}
    assert roles == {
        ("Georghiou T, Keeble E 2019", "later publication"),
        ("Palmer VJ et al. 2021", "later publication"),
        (WINDLE, "cited by the review"),
        ("Springham N, Robert G 2015", "earlier publication"),
    }


def test_one_row_per_outcome_plus_one_per_later_finding_about_an_outcome(store, bundled_graph):
    rows = select(store, "evidence-map")
    review = [r for r in rows if r["entryKind"] == "review"]
    outcomes = {str(o) for o in bundled_graph.objects(None, URIRef(CPO + "hasOutcome"))
                if bundled_graph.value(o, URIRef(CPO + "outcomeCategory"))}
    assert sorted(r["entry"] for r in review) == sorted(outcomes)
    assert len(review) == 31
    later = {(r["entry"], r["claim"]) for r in rows if r["entryKind"] == "later evidence"}
    assert len(later) == len(rows) - 31 == 6


def test_expected_outcomes_are_planned_never_an_increase(store, gap_map):
    rows = [r for r in select(store, "evidence-map") if r["caseNumber"] == 6
            and r["entryKind"] == "review"]
    assert {r["favours"] for r in rows} == {"planned"}
    assert sorted(r["status"] for r in rows) == ["contradicted", "planned", "planned"]
    entries = [e for e in gap_map.entries if e.case_number == 6 and not e.is_later]
    assert {gap_map.direction_label(e) for e in entries} == {"Planned"}
    (trial,) = [e for e in gap_map.entries if e.is_later and e.case_number == 6]
    assert (trial.report_label, trial.study_label, trial.status, trial.design_level,
            trial.design_label, trial.source_heading) == (
        "Palmer VJ et al. 2021", "The CORE trial", "contradicted", 1, "Randomised trial",
        "Later publication, Palmer VJ et al. 2021")
    (hedge,) = [e for e in gap_map.entries if e.is_later and e.iri.endswith("stays-hedge")]
    assert hedge.source_heading == f"The evaluation the review cites, {WINDLE}"


def test_cells_count_distinct_studies_as_an_independent_query_does(bundled_graph, gap_map):
    rows = bundled_graph.query(
        """
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?c ?i (COUNT(DISTINCT ?study) AS ?n) WHERE {
          ?cs cpo:usesIntervention ?i .
          { ?cs cpo:hasOutcome ?o . ?o cpo:outcomeCategory ?c . BIND(?cs AS ?report) }
          UNION
          { ?cs cpo:hasOutcome ?o . ?o cpo:outcomeCategory ?c .
            ?link cpo:aboutClaim ?o ; cpo:linksLaterEvidence/dcterms:source ?report ;
                  cpo:evidenceRelation/cpo:claimStatusLabel ?any }
          ?study cpo:studyReport ?report .
        } GROUP BY ?c ?i""")
    expected = {(str(c), str(i)): int(n) for c, i, n in rows}
    counted = {key: cell.count for key, cell in gap_map.cells.items() if cell.count}
    assert counted == expected
    assert sum(1 for cell in gap_map.cells.values() if not cell.count) == 27 * 6 - len(expected)


def test_totals_count_each_study_once(gap_map):
    studies = {e.study for e in gap_map.entries}
    # 6 case studies, and 2 studies reported only outside the review (Nuffield Trust 2019,
    # Springham and Robert 2015); R3 and Palmer 2021 belong to case studies' studies
    assert gap_map.total(gap_map.all_cells) == len(studies) == 6 + 2
    age_uk = next(i for i in gap_map.interventions if i.note == "Case study 4")
    assert gap_map.total(gap_map.column(age_uk)) == 2  # Age UK and Nuffield Trust, not 6
    core = next(i for i in gap_map.interventions if i.note == "Case study 6")
    assert gap_map.total(gap_map.column(core)) == 1  # the protocol and the trial: one trial
    assert [gap_map.total(gap_map.domain_cells(d)) for d in gap_map.domains] == [
        4, 3, 4, 4, 3, 2]
    for category in gap_map.categories:
        row = gap_map.row(category)
        assert gap_map.total(row) <= sum(cell.count for cell in row)


def test_a_case_study_with_several_principles_counts_once(gap_map, store, bundled_graph):
    """Age UK embodies several principles: in the principle x domain view it counts 1 per
    cell, and in the map its outcomes are never repeated per principle."""
    principles = [{"principle": row["principle"], "label": row["label"]}
                  for row in select(store, "site-principles")]
    alignments = select(store, "site-alignments")
    age_uk = ID + "case-study/age-uk-personalised-integrated-care"
    theirs = {row["principle"] for row in alignments if row["caseStudy"] == age_uk
              and str(row["strength"]).rsplit("/", 1)[-1] != "weak"}
    assert len(theirs) >= 2
    view = principle_view(gap_map, principles, alignments)
    for row in view:
        hospital = row.cells[0]
        assert [iri for iri, _ in hospital].count(age_uk) == (
            1 if row.principle["principle"] in theirs else 0)
        assert row.total == len({iri for cell in row.cells for iri, _ in cell})
    outcomes = [e.iri for e in gap_map.entries if not e.is_later]
    assert len(outcomes) == len(set(outcomes)) == 31


def test_cell_marks_status_and_strongest_design(gap_map):
    cells = {(c.category.label, c.intervention.note): c for c in gap_map.non_empty_cells}
    non_elective = cells[("Non-elective hospital admissions", "Case study 4")]
    assert (non_elective.count, non_elective.status_counts(), non_elective.strongest_level()) \
        == (2, [("contradicted", "✗", 1)], 4)
    recovery = cells[("Psychosocial recovery", "Case study 6")]
    assert (recovery.count, recovery.status_counts(), recovery.strongest_level()) == (
        1, [("contradicted", "✗", 1)], 1)
    for category in ("Overnight hospital stays", "Value for money"):
        assert cells[(category, "Case study 2")].count == 1


def test_hospital_use_key_messages(gap_map):
    assert domain_messages(gap_map, gap_map.domains[0]) == [
        "4 studies: 3 case studies of the review and 1 other study reported outside the "
        "review, with 8 results reported by the review.",
        "Of the review's 8 reported results (our reading of the direction): 8 favour the "
        "intervention.",
        "Strongest design: G4, descriptive or reported figure (Age UK Personalised Integrated "
        "Care Programme; Georghiou T, Keeble E 2019; Local Area Coordination (LAC); "
        f"Partnerships for Older People Projects (POPP); {WINDLE}).",
        "Contradicted by later evidence (our reading): 26% reduction in non-elective hospital "
        "admissions (Age UK Personalised Integrated Care Programme), by Georghiou T, Keeble E "
        "2019.",
        "Qualified by later evidence (our reading): 31% reduction in all hospital admissions "
        "(Age UK Personalised Integrated Care Programme), by Georghiou T, Keeble E 2019; "
        "Overnight hospital stays reduced by 47 per cent (Partnerships for Older People "
        f"Projects (POPP)), by {WINDLE} (the evaluation the review cites).",
    ]


def test_messages_count_planned_outcomes_apart_and_state_the_trials_result(gap_map):
    wellbeing = next(d for d in gap_map.domains if d.label == "Wellbeing and recovery")
    assert domain_messages(gap_map, wellbeing) == [
        "4 studies: 4 case studies of the review, with 5 results reported by the review and "
        "2 planned outcomes (expected by a protocol, no result in the review).",
        "Of the review's 5 reported results (our reading of the direction): 3 favour the "
        "intervention, 1 is unclear, 1 is not a change (a level, share or count).",
        "Strongest design: G1, randomised trial (Palmer VJ et al. 2021), which found no "
        "difference in psychosocial recovery between intervention and control (contradicts "
        "the review's “Primary expected outcome: improvement in psychosocial recovery, "
        "measured within 9 months of each wave”).",
        "Contradicted by later evidence (our reading): Primary expected outcome: improvement "
        "in psychosocial recovery, measured within 9 months of each wave (CORE study "
        "protocol), by Palmer VJ et al. 2021.",
    ]


def test_a_qualitative_outcome_with_no_direction_is_described_not_a_level(gap_map):
    """Oxleas staff practice ("they changed their accelerated triage system ...") is a
    qualitative outcome: described, not measured - not 'a level, share or count'."""
    staff = next(d for d in gap_map.domains if d.label == "Staff")
    readings = {e.iri.rsplit("/", 1)[-1]: (e.favours, e.favours_text)
                for cell in gap_map.domain_cells(staff) for e in cell.entries}
    assert readings["oxleas-staff-practice"] == (
        "described, not measured",
        "described, not measured (a qualitative outcome with no figure or direction)")
    assert domain_messages(gap_map, staff)[:2] == [
        "3 studies: 3 case studies of the review, with 2 results reported by the review and 1 "
        "planned outcome (expected by a protocol, no result in the review).",
        "Of the review's 2 reported results (our reading of the direction): 1 favours the "
        "intervention, 1 is described, not measured (no figure or direction).",
    ]
    levels = {e.iri.rsplit("/", 1)[-1]: e.favours for e in gap_map.entries
              if e.favours in ("not a change", "described, not measured")}
    assert levels == {
        "oxleas-staff-practice": "described, not measured",
        "lac-user-satisfaction": "described, not measured",
        "lac-responsiveness": "described, not measured",
        "popp-value-for-money": "not a change",
        "age-uk-volunteering": "not a change",
        "accelerated-ebcd-activities": "not a change",
        "popp-sustainability": "not a change",
    }


def test_levels_and_their_labels():
    assert [level_of(n, 2) for n in range(3)] == [0, 1, 2]
    assert level_labels(2) == ["0", "1", "2", "", ""]
    assert level_labels(8) == ["0", "1-2", "3-4", "5-6", "7-8"]


def test_svg_is_well_formed_and_shows_every_label_and_count(gap_map):
    svg = gap_map_svg(gap_map, title="Evidence gap map", source_note="Data: test")
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    assert root.find(SVG_NS + "title").text == "Evidence gap map"
    assert root.find(SVG_NS + "desc").text == (
        "27 outcome categories in 6 domains (rows) by 6 interventions in 5 families "
        f"(columns); {len(gap_map.non_empty_cells)} cells hold evidence from 8 studies in all.")

    def texts(kind: str) -> list[str]:
        return [t.text for t in root.iter(SVG_NS + "text") if t.get("class") == kind]

    assert texts("category") == [c.label for c in gap_map.categories]
    assert [t.split(" (")[0] for t in texts("domain")] == DOMAINS
    expected = [str(cell.count) for c in gap_map.categories for cell in gap_map.row(c)]
    assert texts("count") == expected
    titles = [g.find(SVG_NS + "title").text for g in root.iter(SVG_NS + "g")
              if g.get("class") == "cell"]
    assert ("Personalised integrated care with a guided conversation × Non-elective hospital "
            "admissions: 2 studies; 1 contradicted; strongest design level G4") in titles


def test_svg_marks_domains_families_status_and_design_level_as_our_curation(gap_map):
    root = ET.fromstring(gap_map_svg(gap_map, title="Evidence gap map"))
    lines = [t.text for t in root.iter(SVG_NS + "text")]
    # the legend under the title, before the grid
    assert lines[3:5] == [
        "G: the strongest design level among the cell's entries (our curation; G1 randomised "
        "trial, G5 no result yet)",
        "Our curation: the grouping of outcome categories into domains (rows) and of "
        "interventions into families (columns), the claim status and the design level."]
    assert lines[2].startswith("Claim status (our reading of later evidence): ")


def test_wrap_words():
    assert wrap_words("Building on people's existing capabilities", 17) == [
        "Building on", "people's existing", "capabilities"]
    assert wrap_words("Asset based", 17) == ["Asset based"]


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ({"value": Decimal("80.0"), "unit": "http://qudt.org/vocab/unit/PERCENT"}, "80%"),
        ({"value": Decimal("1.2"), "unit": "http://qudt.org/vocab/currency/GBP",
          "denominator": Decimal("1"), "denominatorUnit": "http://qudt.org/vocab/currency/GBP",
          "qualifier": "approximately"}, "approximately £1.20 per £1"),
        ({"value": Decimal("2166.0"), "unit": "http://qudt.org/vocab/currency/GBP",
          "perPerson": True}, "£2,166 per person"),
        ({"value": Decimal("300"), "unit": "http://qudt.org/vocab/currency/GBP",
          "perPerson": True, "perPeriod": "P1Y", "qualifier": "around"},
         "around £300 per person per year"),
        ({"baseline": Decimal("58.0"), "followUp": Decimal("63.0"),
          "unit": "http://qudt.org/vocab/unit/PERCENT"}, "58% before, 63% after"),
        ({"minValue": Decimal("50"), "maxValue": Decimal("60"),
          "unit": "http://qudt.org/vocab/unit/NUM"}, "50 to 60"),
        ({"minValue": Decimal("50"), "maxValue": Decimal("60"), "qualifier": "between",
          "unit": "http://qudt.org/vocab/unit/NUM"}, "between 50 and 60"),
        ({"value": Decimal("20"), "unit": "http://qudt.org/vocab/unit/PERCENT",
          "qualifier": "average"}, "20% on average"),
        ({"value": Decimal("260000"), "unit": "http://qudt.org/vocab/unit/NUM",
          "qualifier": "over"}, "over 260,000"),
        ({}, ""),
    ],
)
def test_figure_text(item, text):
    assert figure_text(item) == text


def test_units_and_durations():
    assert with_unit(Decimal("6"), "http://qudt.org/vocab/unit/MO") == "6 months"
    assert with_unit(Decimal("1"), "http://qudt.org/vocab/unit/YR") == "1 year"
    assert duration_text("P14M") == duration_text("P1Y2M") == "14 months"
    assert duration_text("P3Y") == "3 years"
    assert duration_text("nonsense") == "nonsense"


# --------------------------------------------------------------------------
# coprod-kg map
# --------------------------------------------------------------------------


def test_map_svg_to_stdout(runner):
    result = runner.invoke(cli, ["map"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    assert root.tag == SVG_NS + "svg"


def test_map_png_is_a_png_of_the_svg_size(runner, tmp_path):
    target = tmp_path / "map.png"
    result = runner.invoke(cli, ["map", "--format", "png", "--scale", "1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    svg = ET.fromstring(runner.invoke(cli, ["map"]).stdout)
    assert (width, height) == (int(svg.get("width")), int(svg.get("height")))
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]  # no temporary file left


def test_map_html_is_self_contained(runner, tmp_path):
    target = tmp_path / "map.html"
    result = runner.invoke(cli, ["map", "-o", str(target)])  # format from the suffix
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert "<style>" in html and "<script>" in html
    assert 'href="assets/' not in html and 'src="assets/' not in html
    assert 'id="cell-experience-based-co-design--complaints"' in html
    assert 'href="#cell-experience-based-co-design--complaints"' in html


def test_map_png_needs_a_file(runner):
    result = runner.invoke(cli, ["map", "--format", "png"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "coprod-kg: error: --format png: give a file with -o (PNG is not written to stdout)")


def test_map_format_comes_from_the_suffix_or_is_asked_for(runner, tmp_path):
    result = runner.invoke(cli, ["map", "-o", str(tmp_path / "map.jpg")])
    assert result.exit_code == 2
    assert result.stderr == (f"coprod-kg: error: -o {tmp_path / 'map.jpg'}: cannot tell the "
                             "format from the file name; give --format svg, png or html\n")
    result = runner.invoke(cli, ["map", "--format", "svg", "-o", str(tmp_path / "map.img")])
    assert result.exit_code == 0
    assert (tmp_path / "map.img").read_text(encoding="utf-8").startswith("<svg ")


def test_map_into_a_missing_folder_is_one_line_and_exit_2(runner, tmp_path):
    result = runner.invoke(cli, ["map", "-o", str(tmp_path / "no" / "map.svg")])
    assert result.exit_code == 2
    assert result.stderr.startswith("coprod-kg: error: ")
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_map_of_a_malformed_source_is_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .\ncpo:x cpo:y .\n",
                   encoding="utf-8")
    result = runner.invoke(cli, ["--source", str(bad), "map"])
    assert result.exit_code == 2
    assert result.stderr.startswith("coprod-kg: error: ") and str(bad) in result.stderr


def test_one_case_study_with_three_principles_counts_one_study_per_cell(repo_root):
    """The issue's counting fixture: a case study embodying three principles, with two
    outcomes in one category, counts 1 study per cell and 1 in all, never 3 (or 2)."""
    fixture = repo_root / "tests" / "fixtures" / "gapmap" / "three-principles.ttl"
    small_store = open_store(Settings(sources=(fixture,), store="memory"))
    small = build_gap_map(small_store)
    assert [(c.category.label, c.count, len(c.entries)) for c in small.non_empty_cells] == [
        ("Admissions", 1, 2), ("Wellbeing", 1, 1)]
    assert small.total(small.all_cells) == 1
    assert [small.total(small.domain_cells(d)) for d in small.domains] == [1, 1]
    principles = [{"principle": row["principle"], "label": row["label"]}
                  for row in select(small_store, "site-principles")]
    view = principle_view(small, principles, select(small_store, "site-alignments"))
    assert [(row.principle["label"], [len(cell) for cell in row.cells], row.total)
            for row in view] == [("First", [1, 1], 1), ("Second", [1, 1], 1),
                                 ("Third", [1, 1], 1)]
