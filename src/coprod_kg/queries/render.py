"""Render query results: a table that fits the terminal, CSV, TSV, SPARQL 1.1 results JSON.

CONSTRUCT and DESCRIBE results are a graph: Turtle, JSON-LD or N-Triples (Turtle for the
result formats).
"""

from __future__ import annotations

import io
import json
import textwrap

from coprod_kg.graph.results import QueryResult, TermView, per_distinct_term, term_view

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
        return json.dumps(to_sparql_json(result), indent=2, ensure_ascii=False) + "\n"
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


def term_to_json(term) -> dict:
    view = term_view(term)
    if view.kind == "literal":
        binding = {"type": "literal", "value": view.value}
        if view.language:
            binding["xml:lang"] = view.language
        elif view.datatype:
            binding["datatype"] = view.datatype
        return binding
    return {"type": view.kind, "value": view.value}


def to_sparql_json(result: QueryResult) -> dict:
    if result.kind == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [
        {
            var: term_to_json(term)
            for var, term in zip(result.variables, row, strict=True)
            if term is not None
        }
        for row in result.terms
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: plain values, IRIs in full, no datatypes or language tags."""
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.terms:
        writer.writerow(["" if term is None else _csv_value(term_view(term)) for term in row])
    return buffer.getvalue()


def _csv_value(view: TermView) -> str:
    return f"_:{view.value}" if view.kind == "bnode" else view.value


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: terms in their Turtle/N-Triples form, one row a line."""
    lines = ["\t".join(f"?{var}" for var in result.variables)]
    for row in result.terms:
        lines.append("\t".join("" if term is None else _tsv_value(term_view(term))
                               for term in row))
    return "\n".join(lines) + "\n"


PLAIN_NUMBER_TYPES = (f"{XSD}integer", f"{XSD}decimal")


def _tsv_value(view: TermView) -> str:
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
    from coprod_kg.namespaces import compact_iri
    from coprod_kg.text import printable

    view = term_view(term)
    if view is None:
        return ""
    if view.kind == "literal":
        return printable(" ".join(view.value.split()))
    if view.kind == "bnode":
        return printable(f"_:{view.value}")
    return printable(compact_iri(view.value))


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


def is_number(term) -> bool:
    view = term_view(term)
    return view is not None and view.kind == "literal" and view.datatype in NUMERIC_DATATYPES


def is_identifier(term) -> bool:
    """IRIs (shown as CURIEs), blank nodes, and literals without white space (a DOI, a slug):
    a table never splits these."""
    view = term_view(term)
    return view is not None and (view.kind != "literal" or not view.value.split()[1:])


def column_kinds(result: QueryResult) -> list[str]:
    """"number" (right-aligned, whole), "identifier" (whole) or "prose" (wrapped, cut) for
    each column: a column is of a kind when every value in it is."""
    number, identifier = per_distinct_term(is_number), per_distinct_term(is_identifier)
    kinds = []
    for index in range(len(result.variables)):
        terms = [row[index] for row in result.terms if row[index] is not None]
        if terms and all(number(term) for term in terms):
            kinds.append("number")
        elif all(identifier(term) for term in terms):
            kinds.append("identifier")
        else:
            kinds.append("prose")
    return kinds


# Columns that carry our curation or a later source's words, never the review's: a table
# says so below its rows (CSV, TSV and JSON stay plain data).
OUR_READING = {
    "claimStatus": "later-evidence", "statusRank": "later-evidence",
    "relation": "later-evidence", "relationLabel": "later-evidence",
    "grade": "evidence-grades", "gradeLabel": "evidence-grades", "gradeRank": "evidence-grades",
    "gradedAs": "evidence-grades", "laterGrade": "evidence-grades",
    "strength": "case-studies-by-principle", "rationale": "",
    "inferredDesign": "study-designs", "inferenceRationale": "",
    "ambiguityNote": "ambiguities",
}
LATER_WORDS = ("laterFinding", "finding")


def voice_notes(variables, width: int = 80) -> str:
    """The lines that label curated columns "our reading" and a later source's words as such."""
    ours = [name for name in variables if name in OUR_READING]
    later = [name for name in variables if name in LATER_WORDS]
    notes = []
    if ours:
        where = sorted({OUR_READING[name] for name in ours} - {""})
        rationale = ("rationale column" if "rationale" in variables or "inferenceRationale"
                     in variables else "")
        sources = [rationale] if rationale else []
        sources += [f"coprod-kg query {name}" for name in where]
        notes.append(f"Our reading (curation, not the review's words): {', '.join(ours)}; "
                     f"the rationale: {'; '.join(sources)}.")
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
    shown = per_distinct_term(display_value)
    cells = [[shown(term) for term in row] for row in result.terms]
    kinds = column_kinds(result)
    one_wide_row = len(cells) == 1 and len(headers) > RECORD_MIN_COLUMNS
    if one_wide_row and _natural_width(headers, cells) > width:
        return to_record(headers, cells[0], kinds, width)
    widths = fit_widths(headers, cells, width, kinds)
    if _table_width(widths) > width and len(headers) > 1:
        return to_records(headers, cells, kinds, width)
    lines = [_join([_header_cell(h, w, k) for h, w, k in zip(headers, widths, kinds, strict=True)])]
    lines.append(_join(["-" * w for w in widths]))
    for row in cells:
        wrapped = [
            wrap_cell(text, w) if kind == "prose" else [text]
            for text, w, kind in zip(row, widths, kinds, strict=True)
        ]
        for line_number in range(max(len(parts) for parts in wrapped)):
            parts = [
                _align(part[line_number] if line_number < len(part) else "", w, kind)
                for part, w, kind in zip(wrapped, widths, kinds, strict=True)
            ]
            lines.append(_join(parts))
    count = len(cells)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _natural_width(headers: list[str], cells: list[list[str]]) -> int:
    return sum(
        max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ) + len(SEPARATOR) * (len(headers) - 1)


def _table_width(widths: list[int]) -> int:
    return sum(widths) + len(SEPARATOR) * (len(widths) - 1)


def to_record(headers: list[str], values: list[str], kinds: list[str], width: int) -> str:
    """One row too wide for a table, as `name  value` lines: prose wrapped whole at word
    boundaries, identifiers and numbers whole."""
    return "\n".join(_record_lines(headers, values, kinds, width) + ["(1 row)"]) + "\n"


def to_records(headers: list[str], cells: list[list[str]], kinds: list[str], width: int) -> str:
    """Rows too wide for a table (their identifiers alone overflow `width`): one record per
    row, each under a `-[ row N ]-` line, as psql's expanded display does."""
    lines = []
    for number, values in enumerate(cells, start=1):
        lines.append(f"-[ row {number} ]-")
        lines.extend(_record_lines(headers, values, kinds, width))
    count = len(cells)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _record_lines(headers: list[str], values: list[str], kinds: list[str], width: int) -> list[str]:
    name_width = max(len(header) for header in headers)
    room = max(width - name_width - len(SEPARATOR), MIN_COLUMN_WIDTH)
    names = [header.ljust(name_width) + SEPARATOR for header in headers]
    blank = " " * name_width + SEPARATOR
    lines = []
    for name, value, kind in zip(names, values, kinds, strict=True):
        if kind == "prose" and len(value) > room:
            parts = textwrap.wrap(value, room, break_long_words=False, break_on_hyphens=False)
            lines.append((name + parts[0]).rstrip() if parts else name.rstrip())
            lines.extend((blank + part).rstrip() for part in parts[1:])
        else:
            lines.append((name + value).rstrip())
    return lines


def _align(text: str, width: int, kind: str) -> str:
    return text.rjust(width) if kind == "number" else text.ljust(width)


def _join(parts: list[str]) -> str:
    return SEPARATOR.join(parts).rstrip()


def fit_widths(
    headers: list[str], cells: list[list[str]], width: int, kinds: list[str] | None = None
) -> list[int]:
    """Column widths whose sum (with separators) fits `width` if the whole columns allow it.

    Identifier and number columns keep their natural width (header included). Prose columns
    share the rest: the widest gives way first; a prose column keeps the width of its header
    (at least MIN_PROSE_WIDTH) until every prose column is at that floor, and only then
    shrinks to MIN_COLUMN_WIDTH.
    """
    kinds = kinds or ["prose"] * len(headers)
    natural = [
        max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
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
