"""Reading an extraction sheet's cells (CSV with the csv module, XLSX with openpyxl) and the
mapping file that renames another layout's columns; nothing here knows the template."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from coprod_kg.authoring.model import TemplateError

MAX_ROWS = 20_000
SHEET_SUFFIXES = (".csv", ".xlsx")


@dataclass
class Table:
    path: Path
    sheet: str | None  # the worksheet's name (None for CSV)
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)

    def cell(self, row: int, column: int) -> str:
        """`Outcomes!F17` (XLSX) or `F17` (CSV): column index from 0, row from 1."""
        from openpyxl.utils import get_column_letter

        address = f"{get_column_letter(column + 1)}{row}"
        return f"{self.sheet}!{address}" if self.sheet is not None else address

    def where(self, row: int, column: int) -> str:
        return f"{self.path}:{self.cell(row, column)}"


@dataclass(frozen=True)
class Mapping:
    """Another layout: which worksheet, and which of its headers is which of our columns."""

    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # their header -> our column
    ignore: frozenset[str] = frozenset()


def read_table(path: Path, mapping: Mapping | None = None) -> Table:
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    return _read_xlsx(path, mapping.sheet if mapping else None)


def _read_csv(path: Path) -> Table:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = _limited(enumerate(csv.reader(stream), start=1), path)
    except FileNotFoundError:
        raise TemplateError([f"{path}: cannot be read: no such file"]) from None
    except UnicodeDecodeError as error:
        raise TemplateError([f"{path}: cannot be read: not UTF-8 text ({error.reason} at "
                             f"byte {error.start})"]) from None
    except csv.Error as error:
        raise TemplateError([f"{path}: not a valid CSV file: {error}"]) from None
    except OSError as error:
        raise TemplateError([f"{path}: cannot be read: {error.strerror}"]) from None
    return _table(path, None, rows)


def _read_xlsx(path: Path, sheet_name: str | None) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise TemplateError([f"{path}: cannot be read: no such file"]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TemplateError([f"{path}: not a readable XLSX workbook ({error})"]) from None
    try:
        if sheet_name is not None and sheet_name not in book.sheetnames:
            raise TemplateError([f"{path}: no worksheet {sheet_name!r} (the workbook has: "
                                 f"{', '.join(book.sheetnames)})"])
        sheet = book[sheet_name] if sheet_name else book.worksheets[0]
        errors: list[str] = []
        rows = _limited(((number, [_cell_text(cell, sheet.title, path, errors) for cell in row])
                         for number, row in enumerate(sheet.iter_rows(), start=1)), path)
        if errors:
            raise TemplateError(errors)
        return _table(path, sheet.title, rows)
    finally:
        book.close()


def _limited(rows, path: Path) -> list[tuple[int, list[str]]]:
    kept = []
    for number, cells in rows:
        if number > MAX_ROWS + 1:  # the header row plus MAX_ROWS rows
            raise TemplateError([f"{path}: more than {MAX_ROWS:,} rows (split the sheet into "
                                 f"files of at most {MAX_ROWS:,} rows)"])
        kept.append((number, cells))
    return kept


def _cell_text(cell, sheet: str, path: Path, errors: list[str]) -> str:
    value = cell.value
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f":
        errors.append(f"{path}:{sheet}!{cell.coordinate}: a formula ({value}): type the value "
                      "itself (the import reads what is written, not what a formula computes)")
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _table(path: Path, sheet: str | None, rows: list[tuple[int, list[str]]]) -> Table:
    where = f"{path}:{sheet}" if sheet is not None else str(path)
    while rows and not any(c.strip() for c in rows[-1][1]):
        rows.pop()
    if not rows:
        raise TemplateError([f"{where}: the sheet is empty (expected a header row, then one "
                             "row per outcome; start from `coprod-kg new sheet`)"])
    header = [c.strip() for c in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    body = [(number, (cells + [""] * len(header))[:max(len(header), len(cells))])
            for number, cells in rows[1:]]
    if not body:
        raise TemplateError([f"{where}: the sheet has a header row but no data rows"])
    return Table(path, sheet, header, body)


def read_mapping(path: Path) -> Mapping:
    """A YAML mapping file: `sheet: NAME`, `columns: {their header: our column}`, `ignore:
    [their headers]`."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError([f"{path}: cannot be read: no such file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError([f"{path}: cannot be read: {error}"]) from None
    except yaml.YAMLError as error:
        raise TemplateError([f"{path}: invalid YAML: {error}"]) from None
    if not isinstance(document, dict):
        raise TemplateError([f"{path}: expected a mapping with sheet, columns and ignore"])
    unknown = sorted(set(document) - {"sheet", "columns", "ignore"})
    if unknown:
        raise TemplateError([f"{path}: unknown key {unknown[0]!r} (expected sheet, columns, "
                             "ignore)"])
    columns = document.get("columns") or {}
    ignore = document.get("ignore") or []
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in columns.items()):
        raise TemplateError([f"{path}: columns: expected their header: our column, one a line"])
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise TemplateError([f"{path}: ignore: expected a list of headers"])
    sheet = document.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise TemplateError([f"{path}: sheet: expected a worksheet name"])
    return Mapping(sheet, dict(columns), frozenset(ignore))
