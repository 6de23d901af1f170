"""Downloads a reviewer can use: every outcome as a row of `outcomes.csv` and `outcomes.xlsx`.

The rows come from the stored query `queries/outcomes-table.rq` (also `coprod-kg query
outcomes-table`); this module only writes the figure's parts as one text, as the site does
("31%", "58% before, 63% after"), and writes the table with the standard `csv` module and
openpyxl. Each file is written to a temporary file beside its target and renamed into place.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from coprod_kg.publishing.sitedata import duration_text, figure_text, select, slug_of

COLUMNS = (
    "case study", "intervention", "category", "domain", "outcome", "figure", "unit",
    "direction", "time frame", "design level", "status", "later evidence", "quote", "page",
    "source",
)


def outcome_rows(store) -> list[dict[str, str]]:
    """One row per outcome, with the columns of COLUMNS, as text."""
    return [_row(row) for row in select(store, "outcomes-table")]


def _row(row: dict) -> dict[str, str]:
    level = row["designLevel"]
    source = " ".join(part for part in (row["sourceKey"], row["sourceTitle"]) if part)
    return {
        "case study": f"Case study {row['caseNumber']}: {row['caseLabel']}",
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
        "source": source,
    }


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    """The rows as CSV (UTF-8 with a byte order mark, which spreadsheet programs need to
    read the £ and the quotes right)."""
    def write(handle_path: Path) -> None:
        with handle_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)

    _atomic(path, write)


def write_xlsx(rows: list[dict[str, str]], path: Path) -> None:
    """The rows as one Excel sheet, header in bold and frozen, columns sized to fit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Outcomes"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([int(row[c]) if c == "page" and row[c].isdigit() else row[c]
                      for c in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        longest = max([len(name), *(len(row[name]) for row in rows)])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, longest + 2)
    _atomic(path, lambda target: book.save(target))


def _atomic(path: Path, write: Callable[[Path], None]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
