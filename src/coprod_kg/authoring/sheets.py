"""An extraction sheet as templates: rows grouped into case studies, every cell checked by the
same code as a YAML template (authoring.reading), every error naming `file:Sheet!F17`."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from coprod_kg.authoring import schema as t
from coprod_kg.authoring import sheet_columns as sc
from coprod_kg.authoring.entities import CREATABLE, Resolver
from coprod_kg.authoring.model import Node, Template, TemplateError, Vocabulary
from coprod_kg.authoring.reading import Errors, _check_ids_unique, _read_node
from coprod_kg.authoring.sheet_files import Mapping, Table, read_table
from coprod_kg.authoring.yaml_reader import Mapping as Fields
from coprod_kg.authoring.yaml_reader import Scalar, Sequence

STRIDE = 1 << 12  # a cell's "line": row * STRIDE + column + 1
NULL = "tag:yaml.org,2002:null"
TEXT = "tag:yaml.org,2002:str"


class SheetErrors(Errors):
    """Errors named by cell (`sheet.xlsx:Outcomes!F17: ...`), one per cell."""

    def __init__(self, table: Table) -> None:
        super().__init__(table.path)
        self.table = table
        self.cells: dict[int, str] = {}
        self.said: set[int] = set()

    def line(self, row: int, column: int) -> int:
        line = row * STRIDE + column + 1
        self.cells.setdefault(line, self.table.cell(row, column))
        return line

    def add(self, line: int, where: str, message: str) -> None:
        if line in self.said:
            return
        self.said.add(line)
        self.items.append(f"{self.path}:{self.cells.get(line, '?')}: {message}")


def read_sheet(path: Path, vocabulary: Vocabulary, resolver: Resolver,
               mapping: Mapping | None = None, create_new: bool = False) -> list[Template]:
    """Check a sheet and return one template per case study; raises TemplateError listing
    every problem found."""
    table = read_table(path, mapping)
    errors = SheetErrors(table)
    columns = _columns(table, mapping or Mapping(), errors)
    if errors.items:  # the header is wrong: the rows cannot be read
        raise TemplateError(errors.items)
    if "case_study" not in columns.values():
        raise TemplateError([f"{path}: no case_study column (the column that groups rows into "
                             "case studies; see `coprod-kg new sheet`)"])
    reader = _RowReader(table, columns, errors, vocabulary, resolver, create_new)
    groups = reader.groups()
    templates = [reader.template(slug, rows) for slug, rows in groups.items()]
    for template in templates:
        _check_ids_unique(template, errors)
    if errors.items:
        raise TemplateError(errors.items)
    return templates


def _columns(table: Table, mapping: Mapping, errors: SheetErrors) -> dict[int, str]:
    known = sc.column_map()
    found: dict[int, str] = {}
    for index, header in enumerate(table.header):
        if not header or header in mapping.ignore:
            continue
        name = mapping.columns.get(header, header)
        line = errors.line(1, index)
        if name not in known:
            errors.add(line, "", f"unknown column {header!r} (expected one of: "
                       f"{', '.join(known)}; or name it in a --mapping file)")
        elif name in found.values():
            errors.add(line, "", f"the column {name!r} is given twice")
        else:
            found[index] = name
    return found


class _RowReader:
    def __init__(self, table: Table, columns: dict[int, str], errors: SheetErrors,
                 vocabulary: Vocabulary, resolver: Resolver, create_new: bool) -> None:
        self.table, self.columns, self.errors = table, columns, errors
        self.vocabulary, self.resolver, self.create_new = vocabulary, resolver, create_new
        self.known = sc.column_map()
        self.index_of = {name: index for index, name in columns.items()}

    def groups(self) -> dict[str, list[tuple[int, list[str]]]]:
        groups: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
        seen: dict[tuple[str, ...], int] = {}
        case_column = self.index_of.get("case_study", 0)
        for number, cells in self.table.rows:
            values = tuple(cells[i].strip() for i in self.columns)
            if not any(values):
                continue
            if values in seen:
                self.errors.add(self.errors.line(number, 0), "",
                                f"row {number} repeats row {seen[values]}")
                continue
            seen[values] = number
            slug = cells[case_column].strip()
            if not slug:
                self.errors.add(self.errors.line(number, case_column), "",
                                "missing case study id (every row names its case study)")
                continue
            groups[slug].append((number, cells))
        return groups

    def template(self, slug: str, rows: list[tuple[int, list[str]]]) -> Template:
        case_fields = self._case_fields(slug, rows)
        case = _read_node(case_fields, "case_study", "case study", self.errors, self.vocabulary)
        nodes: dict[str, list[Node]] = {key: [] for key in t.NODE_LISTS}
        counters: dict[str, int] = defaultdict(int)
        for number, cells in rows:
            record = self._record(number, cells)
            if record is None or record == "case-study":
                continue
            list_key = sc.RECORDS[record]
            counters[record] += 1
            fields = self._node_fields(number, cells, list_key,
                                       f"{slug}-{record}-{counters[record]}")
            nodes[list_key].append(_read_node(fields, list_key, f"row {number}", self.errors,
                                              self.vocabulary))
        return Template(self.table.path, case, nodes, cells=self.errors.cells)

    def _text(self, cells: list[str], name: str) -> str:
        index = self.index_of.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def _record(self, number: int, cells: list[str]) -> str | None:
        record = self._text(cells, "record") or "outcome"
        if record not in sc.RECORDS:
            self.errors.add(self.errors.line(number, self.index_of["record"]), "",
                            f"unknown record {record!r} (expected one of: "
                            f"{', '.join(sc.RECORDS)})")
            return None
        return record

    def _case_fields(self, slug: str, rows: list[tuple[int, list[str]]]) -> Fields:
        first, first_cells = rows[0]
        id_line = self.errors.line(first, self.index_of["case_study"])
        items: dict = {"id": Scalar(slug, TEXT, id_line, True)}
        key_lines = {"id": id_line}
        given: dict[str, tuple[str, int]] = {}
        for number, cells in rows:
            for index, name in self.columns.items():
                column = self.known[name]
                text = cells[index].strip() if index < len(cells) else ""
                if column.scope != "case" or not text:
                    continue
                line = self.errors.line(number, index)
                if column.key in given:
                    old, old_line = given[column.key]
                    if old != text:
                        self.errors.add(line, "", f"{text!r} differs from the case study's "
                                        f"{name} in {self.errors.cells[old_line]} ({old!r}): give "
                                        "it once, or the same on every row")
                    continue
                given[column.key] = (text, line)
                items[column.key] = self._value(column.spec, text, line)
                key_lines[column.key] = line
        for spec in t.CASE_STUDY_FIELDS:
            if spec.key not in items:
                index = self.index_of.get(sc.case_column_name(spec.key))
                line = self.errors.line(first, index) if index is not None else id_line
                items[spec.key] = Scalar("", NULL, line, False)
                key_lines[spec.key] = line
        del first_cells
        return Fields(items, key_lines, id_line)

    def _node_fields(self, number: int, cells: list[str], list_key: str,
                     minted: str) -> Fields:
        record = sc.RECORD_OF[list_key]
        id_index = self.index_of.get("id", self.index_of["case_study"])
        node_line = self.errors.line(number, id_index)
        slug = self._text(cells, "id") or minted
        items: dict = {"id": Scalar(slug, TEXT, node_line, True)}
        key_lines = {"id": node_line}
        for index, name in self.columns.items():
            column = self.known[name]
            text = cells[index].strip() if index < len(cells) else ""
            line = self.errors.line(number, index)
            if column.scope == "unsupported" and text:
                self.errors.add(line, "", f"{name}: {sc.UNSUPPORTED[name]}; leave the column "
                                "empty (its value would be lost)")
            if column.scope != "node":
                continue
            if text and record not in column.records:
                self.errors.add(line, "", f"the column {name!r} does not apply to a {record} "
                                f"row (it applies to: {', '.join(column.records)})")
                continue
            if record in column.records:
                spec = next(f for f in t.NODE_LISTS[list_key][1] if f.key == column.key)
                items[column.key] = self._value(spec, text, line) if text else \
                    Scalar("", NULL, line, False)
                key_lines[column.key] = line
        if list_key == "outcomes":
            items["type"] = self._outcome_type(cells, items, number)
            key_lines["type"] = items["type"].line
        return Fields(items, key_lines, node_line)

    def _outcome_type(self, cells: list[str], items: dict, number: int) -> Scalar:
        index = self.index_of.get("outcome_type")
        line = self.errors.line(number, index if index is not None else
                                self.index_of["case_study"])
        text = self._text(cells, "outcome_type")
        if not text:
            given = any(not items[k].is_null for k in ("value", "baseline_value", "min_value")
                        if isinstance(items.get(k), Scalar))
            text = "quantified" if given else "qualitative"
        return Scalar(text, TEXT, line, True)

    def _value(self, spec: t.Field | None, text: str, line: int):
        assert spec is not None
        if spec.many:
            separator = sc.TEXT_SEPARATOR if spec.kind in ("text", "en") else sc.LIST_SEPARATOR
            parts = [part.strip() for part in text.split(separator) if part.strip()]
            return Sequence([self._scalar(spec, part, line) for part in parts], line)
        return self._scalar(spec, text, line)

    def _scalar(self, spec: t.Field, text: str, line: int) -> Scalar:
        if spec.ref is not None:
            text = self._resolve(spec.ref, text, line)
        return Scalar(text, TEXT, line, True)

    def _resolve(self, ref: t.Reference, text: str, line: int) -> str:
        allowed = self.vocabulary.allowed.setdefault(ref.noun, [])
        slug = self.resolver.resolve(ref.noun, text, allowed)
        if slug is not None:
            return slug
        if ref.noun not in CREATABLE:
            return text  # the reader names the closed list
        if self.create_new:
            new = self.resolver.create(ref.noun, text, allowed, self.errors.cells[line])
            allowed.append(new.slug)
            return new.slug
        closest = self.resolver.closest(ref.noun, text)
        hint = f"closest: {'; '.join(closest)}" if closest else "no close label"
        self.errors.add(line, "", f"unknown {ref.noun} {text!r} ({hint}; give an existing slug, "
                        "label or linked MeSH/Wikidata ID, or use --create-new to add it)")
        return text
