"""Render query results: a table that fits the terminal, CSV, TSV, SPARQL 1.1 results JSON.

CONSTRUCT and DESCRIBE results are rendered as Turtle whatever the format.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap

from coprod_kg.graph.results import QueryResult, TermView, term_view

XSD = "http://www.w3.org/2001/XMLSchema#"

FORMATS = ("table", "csv", "tsv", "json")
TRUNCATION_MARKER = "…"
MAX_LINES_PER_CELL = 4
MIN_COLUMN_WIDTH = 6
SEPARATOR = "  "


def render(result: QueryResult, fmt: str = "table", width: int = 80) -> str:
    """The result as text in one of FORMATS (graphs always as Turtle)."""
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        from coprod_kg.graph.serialise import to_turtle

        return to_turtle(result.graph)
    if fmt == "json":
        return json.dumps(to_sparql_json(result), indent=2, ensure_ascii=False) + "\n"
    if result.kind == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    return to_table(result, width)


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


def to_table(result: QueryResult, width: int = 80) -> str:
    """An aligned table no wider than `width`; long cells wrap, then end with a marker."""
    headers = list(result.variables)
    cells = [[display_value(term) for term in row] for row in result.terms]
    if not headers:
        return "(no columns)\n"
    widths = fit_widths(headers, cells, width)
    lines = [_join([_header_cell(h, w).ljust(w) for h, w in zip(headers, widths, strict=True)])]
    lines.append(_join(["-" * w for w in widths]))
    for row in cells:
        wrapped = [wrap_cell(text, w) for text, w in zip(row, widths, strict=True)]
        for line_number in range(max(len(parts) for parts in wrapped)):
            parts = [
                (part[line_number] if line_number < len(part) else "").ljust(w)
                for part, w in zip(wrapped, widths, strict=True)
            ]
            lines.append(_join(parts))
    count = len(cells)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _join(parts: list[str]) -> str:
    return SEPARATOR.join(parts).rstrip()


def fit_widths(headers: list[str], cells: list[list[str]], width: int) -> list[int]:
    """Column widths whose sum (with separators) fits `width`.

    The widest column gives way first; a column keeps the width of its header (its floor)
    until every column is at its floor, and only then shrinks to MIN_COLUMN_WIDTH.
    """
    natural = [
        max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
    budget = width - len(SEPARATOR) * (len(headers) - 1)
    widths = list(natural)
    floors = [min(n, max(MIN_COLUMN_WIDTH, len(h))) for n, h in zip(natural, headers, strict=True)]
    for floor in (floors, [min(n, MIN_COLUMN_WIDTH) for n in natural]):
        while sum(widths) > budget:
            shrinkable = [i for i in range(len(widths)) if widths[i] > floor[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
    return widths


def _header_cell(header: str, width: int) -> str:
    return header if len(header) <= width else header[: width - 1] + TRUNCATION_MARKER


def wrap_cell(text: str, width: int) -> list[str]:
    """The cell's lines: wrapped at `width`, at most MAX_LINES_PER_CELL, marker if cut."""
    if len(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) <= MAX_LINES_PER_CELL:
        return lines
    kept = lines[:MAX_LINES_PER_CELL]
    last = kept[-1]
    kept[-1] = (last[: width - 1] if len(last) >= width else last) + TRUNCATION_MARKER
    return kept
