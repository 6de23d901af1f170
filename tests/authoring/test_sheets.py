"""Extraction sheets in and out (issue 18): `coprod-kg import sheet.csv|sheet.xlsx`,
`coprod-kg export --format csv|xlsx`, `coprod-kg new sheet`. Fixtures are invented
(tests/fixtures/sheets/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib.compare import isomorphic
from sheet_helpers import (
    RIS,
    SHEET,
    copy_data,
    folder_graph,
    gap_map,
    import_,
    read_csv,
    to_xlsx,
    tree_hash,
    write_csv,
)

from coprod_kg.authoring import sheet_columns as sc
from coprod_kg.authoring.sheet_files import MAX_ROWS
from coprod_kg.cli import cli
from coprod_kg.graph import sources


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


# --------------------------------------------------------------------------
# The way out matches the way in
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_review_exported_to_a_sheet_and_reimported_is_isomorphic(runner, tmp_path,
                                                                     data_copy, fmt):
    sheet = tmp_path / f"review.{fmt}"
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(sheet)])
    assert result.exit_code == 0, result.output
    before = folder_graph(sources.data_dir())
    result = import_(runner, sheet, "--replace", "--data-dir", data_copy)
    assert result.exit_code == 0, result.output
    written = sorted(line for line in result.stdout.splitlines())
    assert written == sorted(f"wrote {p}" for p in (data_copy / "case-studies").glob("*.ttl"))
    assert isomorphic(folder_graph(data_copy), before)


def test_export_csv_has_one_row_per_node_and_the_default_header(runner, tmp_path):
    result = runner.invoke(cli, ["export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "review.csv"
    path.write_text(result.stdout, encoding="utf-8")
    rows = read_csv(path)
    assert rows[0] == [column.name for column in sc.columns()]
    graph = folder_graph(sources.data_dir())
    nodes = sum(1 for _ in graph.triples((None, None, None))
                if str(_[1]).endswith(("#hasOutcome", "#hasProgrammeFigure",
                                       "#hasPrincipleAlignment", "#hasLearningPoint")))
    assert len(rows) - 1 == nodes
    assert rows[1][:4] == ["oxleas-ebcd", "outcome", "oxleas-complaints", "quantified"]


def test_export_xlsx_needs_an_output_file(runner):
    result = runner.invoke(cli, ["export", "--format", "xlsx"])
    assert result.exit_code == 2
    assert result.output == ("coprod-kg: error: --format xlsx: a workbook is binary; "
                             "give -o FILE.xlsx\n")


def test_new_sheet_has_header_drop_downs_and_explanations(runner, tmp_path):
    path = tmp_path / "template.xlsx"
    result = runner.invoke(cli, ["new", "sheet", "-o", str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames == ["Outcomes", "Columns", "Lists"]
    sheet = book["Outcomes"]
    header = [cell.value for cell in sheet[1]]
    assert header == [column.name for column in sc.columns()]
    assert sheet.max_row == 1
    validated = {str(rule.sqref).split(":")[0]: rule.formula1
                 for rule in sheet.data_validations.dataValidation}
    category = header.index("category") + 1
    from openpyxl.utils import get_column_letter
    assert f"{get_column_letter(category)}2" in validated
    lists = book["Lists"]
    columns = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                        if lists.cell(r, c).value]
               for c in range(1, lists.max_column + 1)}
    assert "complaints" in columns["category"]
    assert columns["direction"] == ["decrease", "increase", "no-change", "not-applicable",
                                    "unclear"]
    explained = {row[0]: row for row in book["Columns"].iter_rows(min_row=2, values_only=True)}
    assert set(explained) == set(header)
    assert explained["strength"][4].startswith("Not held:")
    assert explained["comparator"][4].startswith("For a quantified outcome (required)")
    csv_path = tmp_path / "template.csv"
    assert runner.invoke(cli, ["new", "sheet", "-o", str(csv_path)]).exit_code == 0
    assert read_csv(csv_path) == [header]


# --------------------------------------------------------------------------
# New case studies in, with their references
# --------------------------------------------------------------------------


def test_three_new_case_studies_and_their_references_import_and_are_counted(runner, data_copy):
    before = gap_map(runner, data_copy)
    refused = import_(runner, SHEET, RIS, "--data-dir", data_copy)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[-1] == (
        f"coprod-kg: error: {SHEET}:AB2: unknown organisation 'Invented Fixture Trust' "
        "(closest: nuffield-trust (Nuffield Trust); oxleas (Oxleas NHS Mental Health Trust); "
        "give an existing slug, label or "
        "linked MeSH/Wikidata ID, or use --create-new to add it)")
    result = import_(runner, SHEET, RIS, "--data-dir", data_copy, "--create-new")
    assert result.exit_code == 0, result.output
    folder = data_copy / "case-studies"
    assert result.stdout.splitlines() == [
        f"wrote {folder / 'fixture-peer-discharge.ttl'}",
        f"wrote {folder / 'fixture-carers-service.ttl'}",
        f"wrote {folder / 'fixture-time-bank.ttl'}",
        f"wrote {data_copy / 'imported' / 'references.ttl'}",
        f"wrote {data_copy / 'imported' / 'entities.ttl'}",
    ]
    after = gap_map(runner, data_copy)
    changed = {key: after[key] - before[key] for key in after if after[key] != before[key]}
    assert changed == {
        ("Peer support networks", "All hospital admissions"): 1,
        ("Peer support networks", "Patient experience"): 1,
        ("Reciprocity and mutuality", "User satisfaction"): 1,
        ("Asset based: people as equal partners", "Volunteering"): 1,
    }
    validate = runner.invoke(cli, ["--source", str(data_copy), "validate"])
    assert validate.exit_code == 0, validate.output


def test_cells_name_things_by_slug_label_or_linked_identifier(runner, data_copy):
    from rdflib import URIRef

    assert import_(runner, SHEET, RIS, "--data-dir", data_copy, "--create-new").exit_code == 0
    graph = folder_graph(data_copy)
    cs = "https://w3id.org/coprod-kg/id/"
    case = URIRef(cs + "case-study/fixture-peer-discharge")
    values = {str(o) for o in graph.objects(case, None) if isinstance(o, URIRef)}
    assert cs + "population/older-people" in values  # by label "Older people"
    assert cs + "place/western-australia" in values  # by wikidata:Q3206 (SSSOM exactMatch)
    assert cs + "reference/fixture-2020-invented-fixture" in values  # by a DOI URL
    time_bank = URIRef(cs + "case-study/fixture-time-bank")
    assert URIRef(cs + "setting/community") in set(graph.objects(time_bank, None))  # label


def test_an_xlsx_sheet_with_a_mapping_file_imports_the_same(runner, tmp_path, data_copy):
    rows = read_csv(SHEET)
    renamed = {"case_study": "Study", "category": "Outcome category", "quote": "Quote"}
    rows[0] = [renamed.get(name, name) for name in rows[0]] + ["Reviewer"]
    rows[1:] = [row + ["AB"] for row in rows[1:]]
    book = to_xlsx(rows, tmp_path / "extraction.xlsx", title="Data")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sheet: Data\ncolumns:\n  Study: case_study\n  Outcome category: category\n"
                       "  Quote: quote\nignore: [Reviewer]\n", encoding="utf-8")
    result = import_(runner, book, RIS, "--mapping", mapping, "--create-new", "--data-dir",
                     data_copy)
    assert result.exit_code == 0, result.output
    assert (data_copy / "case-studies" / "fixture-time-bank.ttl").exists()


# --------------------------------------------------------------------------
# Bad sheets: the exact message, and nothing written
# --------------------------------------------------------------------------

HEADER = read_csv(SHEET)[0]


def _edited(column: str, value: str, row: int = 1) -> list[list[str]]:
    rows = read_csv(SHEET)
    rows[row][HEADER.index(column)] = value
    return rows


def _cell(column: str, row: int = 2) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(HEADER.index(column) + 1)}{row}"


BAD = {
    "wrong type": (_edited("value", "eighty"),
                   f"{_cell('value')}: 'eighty' is not a number (expected a decimal such as "
                   "80.0)"),
    "unknown category": (_edited("category", "happiness"),
                         f"{_cell('category')}: unknown outcome category 'happiness' (expected "
                         "one of: acute-interventions, ae-use, all-hospital-admissions, "
                         "co-design-activity, complaints, cost-of-improvement, "
                         "depression-anxiety, health-and-care-costs, non-elective-admissions, "
                         "outpatient-appointments, overnight-hospital-stays, participation, "
                         "patient-experience, psychosocial-recovery, quality-of-life, reach, "
                         "reliance-on-formal-services, service-responsiveness, "
                         "social-care-costs, staff-practice, sustainability, therapy-use, "
                         "time-to-improvement, user-satisfaction, value-for-money, "
                         "volunteering, wellbeing)"),
    "missing quote": (_edited("quote", ""),
                      f"{_cell('quote')}: missing required field: the review's own words that "
                      "state it, verbatim."),
    "percentage 140": (_edited("value", "140"),
                       f"{_cell('value')}: 140.0 is not a valid percentage (expected a number "
                       "from 0 to 100 when the unit is percent)"),
    "duplicate row": (read_csv(SHEET) + [read_csv(SHEET)[3]], "A9: row 9 repeats row 4"),
    "unknown comparator": (_edited("comparator", "usual-care"),
                           f"{_cell('comparator')}: unknown comparator 'usual-care' (expected "
                           "one of: before-after, before-after-same-group, "
                           "concurrent-control, national-or-regional-average, none-stated, "
                           "other-intervention)"),
    "value a strength": (_edited("strength", "strong"),
                         f"{_cell('strength')}: strength: the strength of a principle alignment "
                         "is our curation, recorded in data/curation/alignments.ttl by the "
                         "rubric of docs/curation.md, not in a sheet; leave the column empty "
                         "(its value would be lost)"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_sheet_gives_its_message_and_writes_nothing(runner, tmp_path, data_copy, name,
                                                          fmt):
    rows, message = BAD[name]
    if fmt == "csv":
        path, where = write_csv(tmp_path / "bad.csv", rows), ""
    else:
        path, where = to_xlsx(rows, tmp_path / "bad.xlsx"), "Outcomes!"
    before = tree_hash(data_copy)
    result = import_(runner, path, RIS, "--data-dir", data_copy, "--create-new")
    assert result.exit_code == 2, result.output
    assert result.stderr == f"coprod-kg: error: {path}:{where}{message}\n"
    assert tree_hash(data_copy) == before


def test_a_formula_cell_is_refused(runner, tmp_path, data_copy):
    rows = _edited("sample_size", "=100+20")
    path = to_xlsx(rows, tmp_path / "formula.xlsx")
    before = tree_hash(data_copy)
    result = import_(runner, path, RIS, "--data-dir", data_copy, "--create-new")
    assert result.exit_code == 2
    assert result.stderr == (f"coprod-kg: error: {path}:Outcomes!{_cell('sample_size')}: a "
                             "formula (=100+20): type the value itself (the import reads what "
                             "is written, not what a formula computes)\n")
    assert tree_hash(data_copy) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_empty_sheet_is_refused(runner, tmp_path, data_copy, fmt):
    path = tmp_path / f"empty.{fmt}"
    if fmt == "csv":
        path.write_text("", encoding="utf-8")
        where = str(path)
    else:
        to_xlsx([], path)
        where = f"{path}:Outcomes"
    before = tree_hash(data_copy)
    result = import_(runner, path, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == (f"coprod-kg: error: {where}: the sheet is empty (expected a header "
                             "row, then one row per outcome; start from `coprod-kg new "
                             "sheet`)\n")
    assert tree_hash(data_copy) == before


def test_a_50000_row_sheet_is_refused_without_reading_it_all(runner, tmp_path, data_copy):
    rows = read_csv(SHEET)
    template = rows[1]
    index = HEADER.index("id")
    body = []
    for number in range(50_000):
        row = list(template)
        row[index] = f"bulk-{number}"
        body.append(row)
    path = write_csv(tmp_path / "big.csv", [HEADER] + body)
    before = tree_hash(data_copy)
    result = import_(runner, path, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == (f"coprod-kg: error: {path}: more than {MAX_ROWS:,} rows (split the "
                             f"sheet into files of at most {MAX_ROWS:,} rows)\n")
    assert tree_hash(data_copy) == before


def test_several_errors_are_listed_one_a_line(runner, tmp_path, data_copy):
    rows = _edited("value", "eighty")
    rows[2][HEADER.index("direction")] = "sideways"
    rows[3][HEADER.index("case_study")] = ""
    path = write_csv(tmp_path / "bad.csv", rows)
    result = import_(runner, path, RIS, "--data-dir", data_copy, "--create-new")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "coprod-kg: error: 3 errors in the templates; nothing was written"
    assert lines[0] == f"coprod-kg: error: {path}:A4: missing case study id (every row names " \
        "its case study)"
    assert lines[1] == f"coprod-kg: error: {path}:{_cell('value')}: 'eighty' is not a number " \
        "(expected a decimal such as 80.0)"
    assert lines[2].startswith(f"coprod-kg: error: {path}:{_cell('direction', 3)}: unknown "
                               "direction 'sideways'")


def test_an_unknown_column_names_its_header_cell(runner, tmp_path, data_copy):
    rows = read_csv(SHEET)
    rows[0][1] = "Kind"
    path = write_csv(tmp_path / "bad.csv", rows)
    result = import_(runner, path, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"coprod-kg: error: {path}:B1: unknown column 'Kind' "
                                    "(expected one of: case_study, record, id, outcome_type,")
    assert result.stderr.endswith("; or name it in a --mapping file)\n")


def test_the_documentation_lists_every_column():
    text = (Path(__file__).resolve().parents[2] / "docs" / "sheets.md").read_text()
    missing = [c.name for c in sc.columns() if f"| `{c.name}` |" not in text]
    assert missing == [], "regenerate the column table of docs/sheets.md"
