"""`coprod-kg query` and `coprod-kg queries`: run and list the stored SPARQL queries."""

from __future__ import annotations

import json
import re
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
    from coprod_kg.queries.prefixes import declare_project_prefixes
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
        stored = _stored_query(settings, name)
    where = str(query_file) if query_file is not None else name
    bound = catalogue.bound_text(stored, catalogue.parse_assignments(params))
    text = declare_project_prefixes(bound, where)
    store = open_store(settings)
    columns = table_width(width)
    try:
        printed = store.query(text, lambda result: render(result, fmt, columns))
    except InputError as error:
        added = text.count("\n") - bound.count("\n")
        raise InputError(_located(str(error), where, added)) from None
    emit(printed, output)


# Oxigraph: "error at 3:1: ..."; rdflib: "... (at char 155), (line:4, col:1)"
ENGINE_POSITION = re.compile(
    r"error at (\d+):(\d+): |\s*\(at char \d+\), \(line:(\d+), col:(\d+)\)"
)
MAX_ERROR_LENGTH = 200


def _located(message: str, where: str, added_lines: int) -> str:
    """An engine's syntax error with the position in the user's file, cut to one short line."""

    def at(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{where}:{int(match.group(1)) - added_lines}:{match.group(2)}: "
        return f" at {where}:{int(match.group(3)) - added_lines}:{match.group(4)}"

    message = ENGINE_POSITION.sub(at, message.splitlines()[0] if message else message)
    if len(message) > MAX_ERROR_LENGTH:
        message = message[: MAX_ERROR_LENGTH - 1] + "…"
    return message


@click.command(
    "queries",
    epilog=epilog(["coprod-kg queries", "coprod-kg queries --tag outcomes",
                   "coprod-kg queries --all --format json",
                   "coprod-kg queries --format csv -o queries.csv"]),
)
@click.option("--all", "show_all", is_flag=True,
              help="Also the site's internal queries (site-*) and the quality gates (*-violation).")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Only the queries with this tag (repeatable: any of them); case, spaces and "
              "hyphens do not matter.")
@format_option(RESULT_FORMATS, help="table: name, summary, parameters; csv, tsv: one row a "
               "query; json: with typed parameters.")
@output_option()
@click.pass_obj
def queries(settings, show_all, tags, fmt, output) -> None:
    """List the stored queries: name, summary and parameters.

    The site's internal queries (site-*) and the quality gates (*-violation, run by
    `coprod-kg validate`) are listed only with --all. In a workspace, its queries/*.rq are
    listed too, marked (workspace)."""
    from coprod_kg.queries import catalogue

    listing = [{**entry, "origin": "bundled"}
               for entry in catalogue.summary_rows(catalogue.load_catalogue())]
    own = _workspace_queries(settings)
    if own is not None:
        names = {entry["name"] for entry in listing}
        mine = [{**entry, "origin": "workspace"}
                for entry in catalogue.summary_rows(catalogue.load_catalogue(own))]
        listing = [e for e in listing if e["name"] not in {m["name"] for m in mine}] + mine
        listing.sort(key=lambda entry: (entry["name"] not in names, entry["name"]))
    everything = listing
    listing = catalogue.select_listing(listing, show_all, tags)
    if tags and not listing:
        known = sorted({catalogue.normal_tag(tag) for entry in everything for tag in entry["tags"]})
        raise InputError(f"no stored query has the tag {', '.join(map(repr, tags))} "
                         f"(tags: {', '.join(known)})")
    if fmt == "json":
        emit(json.dumps(listing, indent=2, ensure_ascii=False) + "\n", output)
        return
    if fmt in ("csv", "tsv"):
        emit(_listing_table(listing, fmt), output)
        return
    lines = []
    for entry in listing:
        lines.append(entry["name"] + ("  (workspace)" if entry["origin"] == "workspace" else ""))
        lines.append(f"    {entry['summary']}")
        for parameter in entry["parameters"]:
            lines.append(f"    {_parameter_text(parameter)}")
    emit("\n".join(lines) + "\n" if lines else "", output)


def _workspace_queries(settings) -> Path | None:
    workspace = settings.workspace
    if workspace is not None and workspace.queries.is_dir():
        return workspace.queries
    return None


def _stored_query(settings, name: str):
    """The workspace's queries/NAME.rq if there is one, else the bundled query NAME."""
    from coprod_kg.queries import catalogue

    own = _workspace_queries(settings)
    if own is not None and (own / f"{name}.rq").is_file():
        return catalogue.read_query(own / f"{name}.rq")
    return catalogue.get_query(name)


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
