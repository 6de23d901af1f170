"""The graph's case studies as an extraction sheet (one row per outcome, figure, alignment and
learning point: the layout `coprod-kg import` reads), and a new, empty sheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t
from coprod_kg.authoring import sheet_columns as sc
from coprod_kg.authoring.export_template import ExportError, export_document
from coprod_kg.authoring.model import CASE_STUDY_CLASS, CASE_STUDY_NS, vocabulary_of
from coprod_kg.authoring.reading import canonical_decimal

if TYPE_CHECKING:
    from rdflib import Graph

SHEET_NAME = "Outcomes"
# Closed lists offered as drop-downs: column -> vocabulary noun (or fixed values).
FIXED_LISTS = {
    "record": list(sc.RECORDS),
    "outcome_type": list(t.OUTCOME_TYPES),
    "unit": list(t.UNITS),
    "denominator_unit": list(t.UNITS),
    "per_person": ["true", "false"],
    "learning_points_stated": ["true", "false"],
}


def case_study_iris(graph: Graph) -> list[str]:
    from rdflib import RDF, URIRef

    cases = [str(s) for s in graph.subjects(RDF.type, URIRef(CASE_STUDY_CLASS))]
    number = URIRef(t.CPO + "caseNumber")

    def order(iri: str) -> tuple[int, str]:
        value = graph.value(URIRef(iri), number)
        return (int(value) if value is not None else 1 << 30, iri)

    return sorted(cases, key=order)


def sheet_rows(graph: Graph) -> list[dict[str, str]]:
    """One dict (column -> cell text) per row, every case study of the graph."""
    rows = []
    for iri in case_study_iris(graph):
        rows.extend(_case_rows(export_document(graph, iri), iri))
    return rows


def _case_rows(document: dict, iri: str) -> list[dict[str, str]]:
    slug = iri[len(CASE_STUDY_NS):]
    rows = []
    for list_key in t.NODE_LISTS:
        fields = {spec.key: spec for spec in t.NODE_LISTS[list_key][1]}
        for node in document[list_key]:
            row = {"case_study": slug, "record": sc.RECORD_OF[list_key], "id": node["id"][0]}
            if list_key == "outcomes":
                row["outcome_type"] = node["type"][0]
            for key, values in node.items():
                if key in fields:
                    row[key] = _cell(fields[key], values, f"{iri} {list_key}")
            rows.append(row)
    if not rows:
        rows.append({"case_study": slug, "record": "case-study"})
    for spec in t.CASE_STUDY_FIELDS:
        if spec.key in document:
            rows[0][sc.case_column_name(spec.key)] = _cell(spec, document[spec.key], iri)
    return rows


def _cell(spec: t.Field, values: list[str], where: str) -> str:
    if spec.kind in ("text", "en"):
        if len(values) > 1 and any(sc.TEXT_SEPARATOR in value or not value.strip()
                                   for value in values):
            raise ExportError(f"{where}: a {spec.key} value holds an empty line, which separates "
                              "values in a sheet cell")
        return sc.TEXT_SEPARATOR.join(values)
    return f"{sc.LIST_SEPARATOR} ".join(values)


def header() -> list[str]:
    return [column.name for column in sc.columns()]


def csv_text(rows: list[dict[str, str]]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    names = header()
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return stream.getvalue()


def xlsx_bytes(rows: list[dict[str, str]], allowed: dict[str, list[str]]) -> bytes:
    """The workbook: the sheet, then `Columns` (what each column holds) and `Lists` (the
    closed vocabularies the drop-downs offer)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    names = header()
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    kinds = _kinds()
    for row in rows:
        sheet.append([_typed(kinds.get(name), row.get(name, "")) for name in names])
    _explain(book.create_sheet("Columns"))
    _lists(book, sheet, names, allowed)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _kinds() -> dict[str, t.Field]:
    return {column.name: column.spec for column in sc.columns() if column.spec is not None}


def _typed(spec: t.Field | None, text: str):
    """Numbers as numbers (when the number says exactly what the text says), else text."""
    if not text or spec is None or spec.many:
        return text or None
    if spec.kind == "int":
        return int(text)
    if spec.kind == "decimal" and canonical_decimal(repr(float(text))) == canonical_decimal(text):
        return float(text)
    return text


def _explain(sheet) -> None:
    from openpyxl.styles import Font

    sheet.append(["column", "applies to", "required for", "kind", "what it holds", "example"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sc.columns():
        spec = column.spec
        applies = ", ".join(column.records) if column.scope == "node" else \
            {"meta": "every row", "case": "the case study", "unsupported": "-"}[column.scope]
        kind = (f"{spec.kind}{' (several: separated by ; or an empty line)' if spec.many else ''}"
                if spec is not None else "")
        sheet.append([column.name, applies, column.required, kind, column.doc,
                      (spec.example if spec is not None else "").strip('"')])


def _lists(book, sheet, names: list[str], allowed: dict[str, list[str]]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = book.create_sheet("Lists")
    known = sc.column_map()
    choices: dict[str, list[str]] = dict(FIXED_LISTS)
    for name in names:
        spec = known[name].spec
        if spec is not None and spec.ref is not None and not spec.many and name not in choices:
            choices[name] = allowed.get(spec.ref.noun, [])
    for index, (name, values) in enumerate(sorted(choices.items()), start=1):
        if name not in names or not values:
            continue
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=index, value=value)
        rule = DataValidation(type="list", allow_blank=True,
                              formula1=f"Lists!${letter}$2:${letter}${len(values) + 1}")
        rule.error = f"Not one of the allowed values of {name} (see the Lists sheet)"
        target = get_column_letter(names.index(name) + 1)
        rule.add(f"{target}2:{target}1048576")
        sheet.add_data_validation(rule)


def export_sheet(graph: Graph, fmt: str) -> str | bytes:
    rows = sheet_rows(graph)
    if fmt == "csv":
        return csv_text(rows)
    return xlsx_bytes(rows, vocabulary_of(graph).allowed)


def new_sheet(path: Path, graph: Graph | None) -> bytes | str:
    """An empty sheet: the header row (CSV), or the workbook with drop-downs and the
    explanation of every column (XLSX)."""
    if path.suffix.lower() == ".csv":
        return csv_text([])
    return xlsx_bytes([], vocabulary_of(graph).allowed if graph is not None else {})
