"""Downloads a reviewer can use: every outcome as a row of `outcomes.csv` and `outcomes.xlsx`.

The rows come from the stored query `queries/outcomes-table.rq` (also `coprod-kg query
outcomes-table`); this module only writes the figure's parts as one text, as the site does
("31%", "58% before, 63% after"), and writes the table with the standard `csv` module and
openpyxl. Each file is written to a temporary file beside its target and renamed into place.

Our curation is marked in the header of its columns ("domain (our curation)"), the one header
row a spreadsheet reads; the workbook adds a sheet "Notes" that says whose each column is. A
text cell that a spreadsheet would run as a formula (one starting with = + - @, a tab or a
carriage return) is written inert: with a leading ' in the CSV (as OWASP advises) and as a
text cell with the quote prefix in the workbook. A plain number (-1.70) is no formula and
stays as it is: a number.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from coprod_kg.publishing.sitedata import (
    case_name,
    duration_text,
    figure_text,
    select,
    slug_of,
)

COLUMNS = (
    "case study", "intervention", "category", "domain", "outcome", "figure", "unit",
    "direction", "time frame", "design level", "status", "later evidence", "quote", "page",
    "attributed source", "notes",
)
# Whose each column is, by the voices of publishing.voices: the review's by default. The
# domain grouping (data/curation/map-groupings.ttl), the design level (grading.ttl), the
# claim status (from our evidence links), the per-figure dcterms:source of a claim and our
# notes (cpo:ambiguityNote) are our curation; "later evidence" is our link's relation and the
# later publication's finding.
CURATED = ("domain", "design level", "status", "attributed source", "notes")
CURATION_MARK = "our curation"
VOICE_NOTES = {
    "domain": "Our curation: the outcome domain we group the category into "
              "(data/curation/map-groupings.ttl).",
    "design level": "Our curation: the study design level we grade (data/curation/grading.ttl; "
                    "the outcome's own, else its case study's).",
    "status": "Our curation: our reading of the later evidence about the outcome "
              "(queries/claim-status.rq).",
    "attributed source": "Our curation: the reference we attribute the figure to; the review "
                         "cites its references for a whole case study, never for one figure.",
    "notes": "Our curation: our notes on the outcome (cpo:ambiguityNote), where the review's "
             "text is ambiguous or later evidence bears on it without a link; several "
             "joined with \" | \".",
    "later evidence": "The relation (supports, qualifies, contradicts) is our curation; the "
                      "finding is the later publication's.",
}
REVIEW_NOTE = "The review's: its words, figures and pages as the review gives them."
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(0|[1-9]\d*)(\.\d+)?")


def header(column: str) -> str:
    """The header of a column: a curated column says so ("domain (our curation)")."""
    return f"{column} ({CURATION_MARK})" if column in CURATED else column


def is_formula_like(text: str) -> bool:
    """True of text that a spreadsheet would run as a formula: it starts with = + - @, a tab
    or a carriage return and is not a plain number."""
    return text.startswith(FORMULA_START) and not NUMBER.fullmatch(text)


def csv_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs: formula-like text gets a leading '."""
    return "'" + text if is_formula_like(text) else text


def outcome_rows(store) -> list[dict[str, str]]:
    """One row per outcome, with the columns of COLUMNS, as text."""
    return [_row(row) for row in select(store, "outcomes-table")]


def _row(row: dict) -> dict[str, str]:
    level = row["designLevel"]
    source = " ".join(part for part in (row["attributedSourceKey"],
                                        row["attributedSourceTitle"]) if part)
    return {
        "case study": case_name(row["caseNumber"], row["caseLabel"]),
        "intervention": row["interventionLabel"] or "",
        "category": row["categoryLabel"] or "",
        "domain": row["domainLabel"] or "",
        "outcome": row["outcomeLabel"] or slug_of(row["outcome"]),
        "figure": figure_text(row),
        "unit": slug_of(row["unit"]) if row["unit"] else "",
        "direction": row["directionLabel"] or "",
        "time frame": duration_text(row["timeFrame"]),
        "design level": f"G{level} {row['designLabel']}" if level is not None else "",
        "status": row["status"] or "",
        "later evidence": row["laterEvidence"] or "",
        "quote": row["quote"] or "",
        "page": "" if row["page"] is None else str(row["page"]),
        "attributed source": source,
        "notes": row["ambiguityNote"] or "",
    }


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    """The rows as CSV (UTF-8 with a byte order mark, which spreadsheet programs need to
    read the £ and the quotes right)."""
    def write(handle_path: Path) -> None:
        with handle_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([header(c) for c in COLUMNS])
            writer.writerows([csv_cell(row[c]) for c in COLUMNS] for row in rows)

    _atomic(path, write)


def write_xlsx(rows: list[dict[str, str]], path: Path) -> None:
    """The rows as an Excel sheet "Outcomes", header in bold and frozen, columns sized to
    fit; and a sheet "Notes" saying whose each column is."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Outcomes"
    _table(sheet, [header(c) for c in COLUMNS],
           [[row[c] for c in COLUMNS] for row in rows])
    _table(book.create_sheet("Notes"), ["column", "whose"],
           [[header(c), VOICE_NOTES.get(c, REVIEW_NOTE)] for c in COLUMNS])
    _atomic(path, lambda target: book.save(target))


def _table(sheet, names: list[str], rows: list[list[str]]) -> None:
    from openpyxl.styles import Font

    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, text in enumerate(row, start=1):
            _set_cell(sheet.cell(number, column), text)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(names):
        longest = max([len(name), *(len(row[index]) for row in rows)])
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = min(60,
                                                                                  longest + 2)


def _set_cell(cell, text: str) -> None:
    """A number as a number (its decimals kept in the format), other text as text; text
    that a spreadsheet would run as a formula as a text cell with the quote prefix."""
    if NUMBER.fullmatch(text):
        decimals = len(text.partition(".")[2])
        cell.value = float(text) if decimals else int(text)
        if decimals:
            cell.number_format = "0." + "0" * decimals
        return
    cell.value = text
    if is_formula_like(text):
        cell.data_type = "s"
        cell.quotePrefix = True


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
