"""Render query results: a table that fits the terminal, CSV, TSV, SPARQL 1.1 results JSON.

CONSTRUCT and DESCRIBE results are a graph: Turtle, JSON-LD or N-Triples (Turtle for the
result formats).
"""

from __future__ import annotations

import io
import json
import textwrap
from json.encoder import encode_basestring  # json.dumps's own, with ensure_ascii=False

from coprod_kg.graph.results import QueryResult, TermView, column_values, rows_of, term_view
from coprod_kg.namespaces import compact_iri
from coprod_kg.text import printable

XSD = "http://www.w3.org/2001/XMLSchema#"

FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("turtle", "json-ld", "ntriples")
TRUNCATION_MARKER = "…"
MAX_LINES_PER_CELL = 4
MIN_COLUMN_WIDTH = 10
SEPARATOR = "  "


def render(result: QueryResult, fmt: str = "table", width: int = 80) -> str:
    """The result as text in one of FORMATS; a graph in one of GRAPH_FORMATS (else Turtle)."""
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        from coprod_kg.graph.serialise import serialise, stable_blank_nodes

        # blank nodes labelled by their content: the same text whichever engine made them
        return serialise(stable_blank_nodes(result.graph),
                         fmt if fmt in GRAPH_FORMATS else "turtle")
    if fmt in GRAPH_FORMATS:
        from coprod_kg.errors import InputError

        raise InputError(
            f"--format {fmt}: a {result.kind} query gives rows, not a graph "
            f"(use one of {', '.join(FORMATS)})"
        )
    if fmt == "json":
        return to_sparql_json(result)
    if result.kind == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    return to_table(result, width) + voice_notes(result.variables, width)


# --------------------------------------------------------------------------
# SPARQL 1.1 Query Results JSON, CSV and TSV
# --------------------------------------------------------------------------


def to_sparql_json(result: QueryResult) -> str:
    """SPARQL 1.1 results JSON, as `json.dumps(..., indent=2, ensure_ascii=False)` writes it.

    That call runs json's pure-Python encoder (10,000 rows: ~0.3 s); the same text is put
    together here from each distinct term's JSON, written once per column."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2,
                          ensure_ascii=False) + "\n"
    names = [encode_basestring(var) for var in result.variables]
    columns = [
        [None if cell is None else f"        {name}: {cell}" for cell in column]
        for name, column in zip(names, column_values(result, _json_term, None), strict=True)
    ]
    bindings = [
        "      {\n" + ",\n".join(bound) + "\n      }" if bound else "      {}"
        for bound in ([cell for cell in row if cell is not None]
                      for row in rows_of(columns, len(result.terms)))
    ]
    return ('{\n  "head": {\n    "vars": ' + _json_array([f"      {name}" for name in names])
            + '\n  },\n  "results": {\n    "bindings": ' + _json_array(bindings) + "\n  }\n}\n")


def _json_array(items: list[str]) -> str:
    """A JSON array of items already written at its depth (6 spaces), closing at 4."""
    return "[\n" + ",\n".join(items) + "\n    ]" if items else "[]"


_FIELD = " " * 10  # the indent of a term's fields


def _json_term(term) -> str:
    """A bound term's JSON object, as written at the depth of a binding's value."""
    view = term_view(term)
    text = f'{{\n{_FIELD}"type": "{view.kind}",\n{_FIELD}"value": {encode_basestring(view.value)}'
    if view.kind == "literal":
        if view.language:
            text += f',\n{_FIELD}"xml:lang": {encode_basestring(view.language)}'
        elif view.datatype:
            text += f',\n{_FIELD}"datatype": {encode_basestring(view.datatype)}'
    return text + "\n        }"


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: plain values, IRIs in full, no datatypes or language tags."""
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    writer.writerows(rows_of(column_values(result, _csv_value, ""), len(result.terms)))
    return buffer.getvalue()


def _csv_value(term) -> str:
    view = term_view(term)
    return f"_:{view.value}" if view.kind == "bnode" else view.value


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: terms in their Turtle/N-Triples form, one row a line."""
    lines = ["\t".join(f"?{var}" for var in result.variables)]
    lines.extend(map("\t".join, rows_of(column_values(result, _tsv_value, ""),
                                         len(result.terms))))
    return "\n".join(lines) + "\n"


PLAIN_NUMBER_TYPES = (f"{XSD}integer", f"{XSD}decimal")


def _tsv_value(term) -> str:
    view = term_view(term)
    if view.kind == "literal" and view.datatype in PLAIN_NUMBER_TYPES and " " not in view.value:
        return view.value
    return n3(view).replace("\t", "\\t")


def n3(view: TermView) -> str:
    """A term in N3/Turtle syntax, written as rdflib's `.n3()` writes it."""
    if view.kind == "uri":
        return f"<{view.value}>"
    if view.kind == "bnode":
        return f"_:{view.value}"
    quoted = _quote_like_rdflib(view.value)
    if view.language:
        return f"{quoted}@{view.language}"
    if view.datatype:
        return f"{quoted}^^<{view.datatype}>"
    return quoted


def _quote_like_rdflib(text: str) -> str:
    """rdflib's Literal._quote_encode: long quotes when the text has a line break."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        return '"""' + encoded.replace("\r", "\\r") + '"""'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r") + '"'


# --------------------------------------------------------------------------
# The readable table
# --------------------------------------------------------------------------


def display_value(term) -> str:
    """A term as a person reads it: CURIEs for our IRIs, literals without quotes; control
    characters (a server's escape sequences) shown escaped, never sent to the terminal."""
    return "" if term is None else _described(term)[0]


def _described(term) -> tuple[str, bool, bool]:
    """A bound term's display value, whether it is a number, and whether it is an
    identifier (an IRI, a blank node, or a literal without white space: a DOI, a slug)."""
    view = term_view(term)
    if view.kind == "literal":
        words = view.value.split()
        return printable(" ".join(words)), view.datatype in NUMERIC_DATATYPES, not words[1:]
    if view.kind == "bnode":
        return printable(f"_:{view.value}"), False, True
    return printable(compact_iri(view.value)), False, True


NUMERIC_DATATYPES = frozenset(
    f"http://www.w3.org/2001/XMLSchema#{name}"
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
        "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
)
MIN_PROSE_WIDTH = 12
# one row of more columns than this, too wide for the table, is printed as `name  value` lines
RECORD_MIN_COLUMNS = 4


def shown_columns(result: QueryResult) -> tuple[list[list[str]], list[str]]:
    """Each column's display values, and its kind: "number" (right-aligned, whole),
    "identifier" (whole) or "prose" (wrapped, cut); a column is of a kind when every value
    in it is."""
    shown, kinds = [], []
    for column in column_values(result, _described, None):
        described = [value for value in dict.fromkeys(column) if value is not None]
        if described and all(number for _, number, _ in described):
            kinds.append("number")
        elif all(identifier for _, _, identifier in described):
            kinds.append("identifier")
        else:
            kinds.append("prose")
        shown.append(["" if value is None else value[0] for value in column])
    return shown, kinds


# Columns that carry our curation or a later source's words, never the review's: a table
# says so below its rows (CSV, TSV and JSON stay plain data). Each curated column names the
# query that gives its rationale ("" for none); the notes point to every note instead.
OUR_READING = {
    "claimStatus": "later-evidence", "statusRank": "later-evidence",
    "relation": "later-evidence", "relationLabel": "later-evidence",
    "grade": "evidence-grades", "gradeLabel": "evidence-grades", "gradeRank": "evidence-grades",
    "gradedAs": "evidence-grades", "laterGrade": "evidence-grades",
    "strength": "case-studies-by-principle", "rationale": "",
    "inferredDesign": "study-designs", "inferenceRationale": "",
    "evidenceStatus": "",  # curation by its predicate (publishing/voices.py)
    "ambiguityNote": "",
    "attributedSourceKey": "", "attributedSourceTitle": "",
}
RATIONALE_COLUMNS = ("rationale", "inferenceRationale")
NOTES_COLUMN, NOTES_QUERY = "ambiguityNote", "ambiguities"
LATER_WORDS = ("laterFinding", "finding")


def _pointers(variables) -> str:
    """What points to the rationale of the curated columns and to the notes."""
    columns = [f"the {name} column" for name in RATIONALE_COLUMNS if name in variables]
    queries = sorted({OUR_READING[name] for name in variables if name in OUR_READING} - {""})
    rationale = columns + [f"coprod-kg query {name}" for name in queries]
    pointers = [f"the rationale: {'; '.join(rationale)}"] if rationale else []
    if NOTES_COLUMN in variables:
        pointers.append(f"every note with what it is about: coprod-kg query {NOTES_QUERY}")
    return "".join(f"; {pointer}" for pointer in pointers)


def voice_notes(variables, width: int = 80) -> str:
    """The lines that label curated columns "our reading" and a later source's words as such."""
    ours = [name for name in variables if name in OUR_READING]
    later = [name for name in variables if name in LATER_WORDS]
    notes = []
    if ours:
        notes.append(f"Our reading (curation, not the review's words): {', '.join(ours)}"
                     f"{_pointers(variables)}.")
    if later:
        notes.append(f"The later source's words, not the review's: {', '.join(later)}.")
    return "".join(textwrap.fill(note, max(width, 40)) + "\n" for note in notes)


def to_table(result: QueryResult, width: int = 80) -> str:
    """An aligned table that fits `width`: prose columns wrap at word boundaries (at most
    MAX_LINES_PER_CELL lines, then a marker); identifiers and numbers are never split or cut,
    so when they alone make the table wider than `width`, each row is shown as a record."""
    headers = list(result.variables)
    if not headers:
        return "(no columns)\n"
    columns, kinds = shown_columns(result)
    natural = [max([len(header), *map(len, column)]) for header, column in zip(
        headers, columns, strict=True)]
    one_wide_row = len(result.terms) == 1 and len(headers) > RECORD_MIN_COLUMNS
    if one_wide_row and _table_width(natural) > width:
        return to_record(headers, [column[0] for column in columns], kinds, width)
    widths = fit_widths(headers, natural, width, kinds)
    if _table_width(widths) > width and len(headers) > 1:
        return to_records(headers, columns, kinds, width)
    lines = [_join([_header_cell(h, w, k) for h, w, k in zip(headers, widths, kinds, strict=True)])]
    lines.append(_join(["-" * w for w in widths]))
    aligned = [_aligned(column, w, kind) for column, w, kind in zip(
        columns, widths, kinds, strict=True)]
    for number, row in enumerate(zip(*aligned, strict=True)):
        if None in row:  # a prose cell to wrap
            lines.extend(_wrapped_row([column[number] for column in columns], widths, kinds))
        else:
            lines.append(SEPARATOR.join(row).rstrip())
    return "\n".join(lines) + "\n" + _row_count(len(result.terms))


def _aligned(column: list[str], width: int, kind: str) -> list[str | None]:
    """A column's cells padded to `width` (None for a prose cell longer than that)."""
    if kind == "number":
        return [text.rjust(width) for text in column]
    if kind == "prose":
        return [text.ljust(width) if len(text) <= width else None for text in column]
    return [text.ljust(width) for text in column]


def _wrapped_row(row: list[str], widths: list[int], kinds: list[str]) -> list[str]:
    wrapped = [
        wrap_cell(text, w) if kind == "prose" else [text]
        for text, w, kind in zip(row, widths, kinds, strict=True)
    ]
    lines = []
    for line_number in range(max(len(parts) for parts in wrapped)):
        parts = [
            _align(part[line_number] if line_number < len(part) else "", w, kind)
            for part, w, kind in zip(wrapped, widths, kinds, strict=True)
        ]
        lines.append(_join(parts))
    return lines


def _row_count(count: int) -> str:
    return f"({count} row{'s' if count != 1 else ''})\n"


def _table_width(widths: list[int]) -> int:
    return sum(widths) + len(SEPARATOR) * (len(widths) - 1)


def to_record(headers: list[str], values: list[str], kinds: list[str], width: int) -> str:
    """One row too wide for a table, as `name  value` lines: prose wrapped whole at word
    boundaries, identifiers and numbers whole."""
    entries = _record_columns(headers, [[value] for value in values], kinds, width)
    return "\n".join(entry[0] for entry in entries) + "\n" + _row_count(1)


def to_records(headers: list[str], columns: list[list[str]], kinds: list[str],
               width: int) -> str:
    """Rows too wide for a table (their identifiers alone overflow `width`): one record per
    row, each under a `-[ row N ]-` line, as psql's expanded display does."""
    count = len(columns[0])
    numbers = [f"-[ row {number} ]-" for number in range(1, count + 1)]
    entries = _record_columns(headers, columns, kinds, width)
    lines = [line for record in zip(numbers, *entries, strict=True) for line in record]
    return "\n".join(lines) + "\n" + _row_count(count) if lines else _row_count(count)


def _record_columns(headers: list[str], columns: list[list[str]], kinds: list[str],
                    width: int) -> list[list[str]]:
    """Each column's `name  value` entries, a prose value too long for one line wrapped
    whole at word boundaries (its lines joined by line breaks)."""
    name_width = max(len(header) for header in headers)
    room = max(width - name_width - len(SEPARATOR), MIN_COLUMN_WIDTH)
    blank = " " * name_width + SEPARATOR
    entries = []
    for header, column, kind in zip(headers, columns, kinds, strict=True):
        name = header.ljust(name_width) + SEPARATOR
        if kind == "prose":
            entries.append([(name + value).rstrip() if len(value) <= room
                            else _wrapped_entry(name, blank, value, room) for value in column])
        else:
            entries.append([(name + value).rstrip() for value in column])
    return entries


def _wrapped_entry(name: str, blank: str, value: str, room: int) -> str:
    parts = textwrap.wrap(value, room, break_long_words=False, break_on_hyphens=False)
    lines = [(name + parts[0]).rstrip() if parts else name.rstrip()]
    lines.extend((blank + part).rstrip() for part in parts[1:])
    return "\n".join(lines)


def _align(text: str, width: int, kind: str) -> str:
    return text.rjust(width) if kind == "number" else text.ljust(width)


def _join(parts: list[str]) -> str:
    return SEPARATOR.join(parts).rstrip()


def fit_widths(
    headers: list[str], natural: list[int], width: int, kinds: list[str] | None = None
) -> list[int]:
    """Column widths whose sum (with separators) fits `width` if the whole columns allow it.

    `natural`: each column's widest value, header included. Identifier and number columns
    keep that width. Prose columns
    share the rest: the widest gives way first; a prose column keeps the width of its header
    (at least MIN_PROSE_WIDTH) until every prose column is at that floor, and only then
    shrinks to MIN_COLUMN_WIDTH.
    """
    kinds = kinds or ["prose"] * len(headers)
    budget = width - len(SEPARATOR) * (len(headers) - 1)
    widths = list(natural)
    prose = [i for i, kind in enumerate(kinds) if kind == "prose"]
    first_floor = {i: min(natural[i], max(MIN_PROSE_WIDTH, len(headers[i]))) for i in prose}
    last_floor = {i: min(natural[i], MIN_COLUMN_WIDTH) for i in prose}
    for floor in (first_floor, last_floor):
        while sum(widths) > budget:
            shrinkable = [i for i in prose if widths[i] > floor[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths


def _header_cell(header: str, width: int, kind: str = "prose") -> str:
    if len(header) > width:
        header = header[: width - 1] + TRUNCATION_MARKER
    return _align(header, width, kind)


def wrap_cell(text: str, width: int) -> list[str]:
    """The cell's lines: wrapped at word boundaries within `width`, at most
    MAX_LINES_PER_CELL; a word longer than `width`, or text beyond the last line, is cut
    and ends with the marker."""
    if len(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    kept = [_cut(line, width) for line in lines[:MAX_LINES_PER_CELL]]
    if len(lines) > MAX_LINES_PER_CELL and not kept[-1].endswith(TRUNCATION_MARKER):
        last = kept[-1]
        kept[-1] = (last[: width - 1] if len(last) >= width else last) + TRUNCATION_MARKER
    return kept


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + TRUNCATION_MARKER
