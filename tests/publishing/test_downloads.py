"""The outcome downloads written safely: a cell a spreadsheet would run as a formula is
written inert (a leading ' in the CSV, a quote-prefixed text cell in the workbook), and a
plain number stays a number. Written from rows made here, no site build."""

from __future__ import annotations

import csv

import pytest

from coprod_kg.publishing.downloads import COLUMNS, header, write_csv, write_xlsx

CELLS = [
    # the text in a row, the CSV cell, the workbook value, its type, quote prefix
    ("=HYPERLINK(\"http://127.0.0.1/x\",\"x\")", "'=HYPERLINK(\"http://127.0.0.1/x\",\"x\")",
     "=HYPERLINK(\"http://127.0.0.1/x\",\"x\")", "s", True),
    ("+44 20 7946", "'+44 20 7946", "+44 20 7946", "s", True),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "s", True),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)", "@SUM(A1:A2)", "s", True),
    ("\t=1+1", "'\t=1+1", "\t=1+1", "s", True),
    ("\r=1+1", "'\r=1+1", "\r=1+1", "s", True),
    ("-1.70", "-1.70", -1.7, "n", False),
    ("48", "48", 48, "n", False),
    ("26% reduction", "26% reduction", "26% reduction", "s", False),
    ("G4 Descriptive or reported figure", "G4 Descriptive or reported figure",
     "G4 Descriptive or reported figure", "s", False),
]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    rows = [{column: text if column == "figure" else "" for column in COLUMNS}
            for text, *_ in CELLS]
    write_csv(rows, folder / "outcomes.csv")
    write_xlsx(rows, folder / "outcomes.xlsx")
    return folder


def test_csv_cells_that_would_run_as_formulas_are_inert(written):
    with (written / "outcomes.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    figure = COLUMNS.index("figure")
    assert rows[0] == [header(c) for c in COLUMNS]
    assert [row[figure] for row in rows[1:]] == [cell for _, cell, *_ in CELLS]


def test_xlsx_cells_that_would_run_as_formulas_are_quote_prefixed_text(written):
    from openpyxl import load_workbook

    sheet = load_workbook(written / "outcomes.xlsx")["Outcomes"]
    column = COLUMNS.index("figure") + 1
    cells = [sheet.cell(number, column) for number in range(2, len(CELLS) + 2)]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        (value, kind, prefix) for _, _, value, kind, prefix in CELLS]
    assert cells[CELLS.index(next(c for c in CELLS if c[0] == "-1.70"))].number_format == "0.00"


def test_curated_columns_say_so_in_their_header():
    assert [header(c) for c in COLUMNS if header(c) != c] == [
        "domain (our curation)", "design level (our curation)", "status (our curation)",
        "attributed source (our curation)", "notes (our curation)"]
