"""The evidence gap map (issue 7): the principle x category matrix, its SVG, PNG and HTML
forms, and `coprod-kg map`.

The matrix is checked against the stored competency-question query `evidence-gap-map.rq`
(every cell), against an independent SPARQL count written here, and against rows read off
the review (the complaints row: only Oxleas reports complaints, and Oxleas is aligned with
principles 3-6).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from coprod_kg.cli import cli
from coprod_kg.graph.store import open_store
from coprod_kg.publishing.gapmap import (
    build_gap_map,
    gap_map_svg,
    level_labels,
    level_of,
    wrap_words,
)
from coprod_kg.publishing.sitedata import duration_text, figure_text, with_unit
from coprod_kg.settings import Settings

SVG_NS = "{http://www.w3.org/2000/svg}"
ID = "https://w3id.org/coprod-kg/id/"
CPO = "https://w3id.org/coprod-kg/ontology#"


@pytest.fixture(scope="module")
def store():
    return open_store(Settings())


@pytest.fixture(scope="module")
def gap_map(store):
    return build_gap_map(store)


def counts_by_label(gap_map) -> dict[tuple[str, str], int]:
    return {
        (cell.principle.label, cell.category.label): cell.count
        for cell in gap_map.cells.values()
    }


def test_axes_are_the_six_principles_in_order_and_every_category(gap_map, bundled_graph):
    assert [p.iri.rsplit("/", 1)[-1] for p in gap_map.principles] == [
        "building-on-capabilities", "reciprocity-and-mutuality", "peer-support-networks",
        "blurring-distinctions", "facilitating-not-delivering", "asset-based",
    ]
    from rdflib import RDF, URIRef

    categories = {str(c) for c in bundled_graph.subjects(RDF.type, URIRef(CPO + "OutcomeCategory"))}
    assert {c.iri for c in gap_map.categories} == categories
    assert len(gap_map.cells) == 6 * len(categories)


def test_every_cell_equals_the_competency_question_query(store, gap_map):
    from coprod_kg.publishing.sitedata import select

    expected = {(row["principleLabel"], row["categoryLabel"]): row["outcomes"]
                for row in select(store, "evidence-gap-map")}
    assert counts_by_label(gap_map) == expected


def test_cells_equal_an_independent_count(bundled_graph, gap_map):
    rows = bundled_graph.query(
        """
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        SELECT ?p ?c (COUNT(DISTINCT ?o) AS ?n) WHERE {
          ?al cpo:principleAlignmentOf ?cs ; cpo:principle ?p .
          FILTER NOT EXISTS {  # weak alignments are not evidence (docs/curation.md)
            ?al cpo:alignmentStrength <https://w3id.org/coprod-kg/id/alignment-strength/weak> }
          ?cs cpo:hasOutcome ?o . ?o cpo:outcomeCategory ?c .
        } GROUP BY ?p ?c
        """
    )
    expected = {(str(p), str(c)): int(n) for p, c, n in rows}
    found = {key: cell.count for key, cell in gap_map.cells.items() if cell.count}
    assert found == expected


def test_complaints_row_matches_the_review(gap_map):
    complaints = next(c for c in gap_map.categories if c.iri == ID + "outcome-category/complaints")
    row = gap_map.row(complaints)
    # Oxleas: peer support (moderate), blurring (strong), asset based (moderate); its
    # facilitating alignment is weak and does not count (docs/curation.md)
    assert [cell.count for cell in row] == [0, 0, 1, 1, 0, 1]
    cell = row[3]
    assert [o.iri for o in cell.outcomes] == [ID + "outcome/oxleas-complaints"]
    assert cell.case_studies == [(ID + "case-study/oxleas-ebcd", "Oxleas EBCD", 1)]
    assert gap_map.direction_summary(cell) == "1 decrease"
    assert cell.anchor == "cell-blurring-distinctions--complaints"


def test_directions_and_levels(gap_map):
    assert [d.iri.rsplit("/", 1)[-1] for d in gap_map.directions] == [
        "decrease", "increase", "no-change", "unclear", "not-applicable"]
    for cell in gap_map.cells.values():
        assert sum(n for _, n in gap_map.direction_counts(cell)) == cell.count
        assert (cell.level == 0) == (cell.count == 0)
    assert level_of(0, 3) == 0 and level_of(3, 3) == 3
    assert level_of(10, 10) == 4 and level_of(1, 10) == 1
    assert level_labels(3) == ["0", "1", "2", "3", ""]
    assert level_labels(8) == ["0", "1-2", "3-4", "5-6", "7-8"]


def test_grades_style_cells_once_outcomes_are_graded(gap_map, bundled_graph):
    """A case study's grade applies to its outcomes; a cell shows the strongest."""
    from rdflib import URIRef

    graded = set(bundled_graph.subjects(predicate=URIRef(CPO + "gradedEntity"))) \
        if (None, URIRef(CPO + "gradedEntity"), None) in bundled_graph else set()
    if not graded:
        assert gap_map.grades == {}
        pytest.skip("the graph holds no evidence grading: nothing to style")
    complaints = next(c for c in gap_map.categories if c.iri.endswith("/complaints"))
    best = gap_map.best_grade(gap_map.row(complaints)[3])
    oxleas_grade = bundled_graph.value(
        next(g for g in graded if bundled_graph.value(g, URIRef(CPO + "gradedEntity"))
             == URIRef(ID + "case-study/oxleas-ebcd")),
        URIRef(CPO + "evidenceGrade"))
    assert best["grade"] == str(oxleas_grade)


def test_svg_is_well_formed_and_shows_every_label_and_count(gap_map):
    svg = gap_map_svg(gap_map, title="Evidence gap map", source_note="Data: test")
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    assert root.find(SVG_NS + "title").text == "Evidence gap map"
    assert root.find(SVG_NS + "desc").text.startswith(
        f"{len(gap_map.categories)} outcome categories (rows) by 6 principles (columns)")

    def texts(kind: str) -> list[str]:
        return [t.text for t in root.iter(SVG_NS + "text") if t.get("class") == kind]

    assert texts("category") == [c.label for c in gap_map.categories]
    assert " ".join(texts("principle")) == " ".join(p.short_label for p in gap_map.principles)
    expected = [str(cell.count) for c in gap_map.categories for cell in gap_map.row(c)]
    assert texts("count") == expected


def test_svg_marks_cells_whose_outcomes_later_evidence_contradicts_or_qualifies(store,
                                                                              gap_map):
    """Each cell's tooltip and visible mark (✗ contradicted, ≈ qualified) count the cell's
    outcomes by their status in queries/claim-status.rq (our reading)."""
    from coprod_kg.queries.catalogue import bound_text, get_query
    result = store.query(bound_text(get_query("claim-status"), {}))
    at = {str(v): i for i, v in enumerate(result.variables)}
    status = {str(row[at["claim"]]): str(row[at["claimStatus"]]) for row in result.rows}
    root = ET.fromstring(gap_map_svg(gap_map, title="Evidence gap map"))
    groups = [g for g in root.iter(SVG_NS + "g") if g.get("class") == "cell"]
    cells = [cell for c in gap_map.categories for cell in gap_map.row(c)]
    assert len(groups) == len(cells)
    marked = {}
    for group, cell in zip(groups, cells, strict=True):
        counts = {s: sum(status[o.iri] == s for o in cell.outcomes)
                  for s in ("contradicted", "qualified")}
        title = group.find(SVG_NS + "title").text
        assert title.startswith(f"{cell.principle.label} × {cell.category.label}: {cell.count} ")
        mark = [t.text for t in group.iter(SVG_NS + "text") if t.get("class") == "status"]
        expected = " ".join(f"{sign}{counts[s]}" for s, sign in
                            (("contradicted", "✗"), ("qualified", "≈")) if counts[s])
        assert mark == ([expected] if expected else []), title
        words = ", ".join(f"{counts[s]} {s}" for s in counts if counts[s])
        assert title.endswith(f"; later evidence (our reading): {words}") is bool(words), title
        if expected:
            marked[(cell.principle.short_label, cell.category.label)] = expected
    assert marked[("Asset based", "Non-elective hospital admissions")] == "✗1"
    assert marked[("Asset based", "Complaints")] == "≈1"
    assert "✗ contradicted, ≈ qualified" in " ".join(t.text for t in root.iter(SVG_NS + "text"))


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
    assert 'id="cell-blurring-distinctions--complaints"' in html
    assert 'href="#cell-blurring-distinctions--complaints"' in html


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
