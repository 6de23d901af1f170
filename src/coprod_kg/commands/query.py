"""`coprod-kg query` and `coprod-kg queries`: run and list the stored SPARQL queries."""

from __future__ import annotations

import json
from pathlib import Path

import click

from coprod_kg.commands.options import (
    RDF_FORMATS,
    RESULT_FORMATS,
    emit,
    epilog,
    format_option,
    output_option,
    table_width,
    width_option,
)
from coprod_kg.errors import InputError


@click.command(
    "query",
    epilog=epilog(
        [
            "coprod-kg query principles",
            "coprod-kg query outcomes-by-reduction -p minPercent=25 --format csv",
            "coprod-kg query outcome-quote -p outcome=out:popp-overnight-stays",
            "coprod-kg query case-study-graph -p caseStudy=cs:popp --format json-ld",
            "coprod-kg query --file my-question.rq -o answer.tsv --format tsv",
        ]
    ),
)
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value (repeatable); IRIs may be CURIEs such as pr:asset-based.",
)
@click.option(
    "--file",
    "query_file",
    type=click.Path(path_type=Path),
    help="Run this .rq file instead of a stored query.",
)
@format_option(
    RESULT_FORMATS + RDF_FORMATS,
    help="table, csv, tsv, json for SELECT/ASK; turtle, json-ld, ntriples for CONSTRUCT and "
    "DESCRIBE (which print Turtle for the others).",
)
@width_option()
@output_option()
@click.pass_obj
def query(settings, name, params, query_file, fmt, width, output) -> None:
    """Run the stored query NAME (see `coprod-kg queries`) or a query file."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.queries import catalogue
    from coprod_kg.queries.render import render

    if (name is None) == (query_file is None):
        raise InputError(
            "give either a stored query NAME or --file FILE.rq (see `coprod-kg queries`)"
        )
    if query_file is not None:
        if not query_file.is_file():
            raise InputError(f"{query_file}: no such query file")
        stored = catalogue.read_query(query_file)
    else:
        stored = catalogue.get_query(name)
    text = catalogue.bound_text(stored, catalogue.parse_assignments(params))
    result = open_store(settings).query(text)
    emit(render(result, fmt, table_width(width)), output)


@click.command(
    "queries",
    epilog=epilog(["coprod-kg queries", "coprod-kg queries --format json",
                   "coprod-kg queries --format csv -o queries.csv"]),
)
@format_option(RESULT_FORMATS, help="table: name, summary, parameters; csv, tsv: one row a "
               "query; json: with typed parameters.")
@output_option()
def queries(fmt, output) -> None:
    """List the stored queries: name, summary and parameters."""
    from coprod_kg.queries import catalogue

    listing = catalogue.summary_rows(catalogue.load_catalogue())
    if fmt == "json":
        emit(json.dumps(listing, indent=2, ensure_ascii=False) + "\n", output)
        return
    if fmt in ("csv", "tsv"):
        emit(_listing_table(listing, fmt), output)
        return
    lines = []
    for entry in listing:
        lines.append(entry["name"])
        lines.append(f"    {entry['summary']}")
        for parameter in entry["parameters"]:
            lines.append(f"    {_parameter_text(parameter)}")
    emit("\n".join(lines) + "\n" if lines else "", output)


def _parameter_text(parameter: dict) -> str:
    if parameter["default"] is not None:
        note = f"default {parameter['default']}"
    else:
        note = "required" if parameter["required"] else "optional"
    return f"-p {parameter['name']}=<{parameter['type']}>  ({note})"


def _listing_table(listing: list[dict], fmt: str) -> str:
    import csv
    import io

    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
    else:
        writer = csv.writer(buffer, delimiter="\t", lineterminator="\n",
                            quoting=csv.QUOTE_NONE, escapechar="\\")
    writer.writerow(["name", "summary", "parameters"])
    for entry in listing:
        parameters = "; ".join(_parameter_text(p) for p in entry["parameters"])
        writer.writerow([entry["name"], entry["summary"], parameters])
    return buffer.getvalue()
