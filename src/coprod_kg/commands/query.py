"""`coprod-kg query` and `coprod-kg queries`: run and list the stored SPARQL queries."""

from __future__ import annotations

import json
from pathlib import Path

import click

from coprod_kg.commands.options import (
    emit,
    epilog,
    format_option,
    output_option,
    width_option,
)
from coprod_kg.console import RDF_FORMATS, RESULT_FORMATS
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
    from coprod_kg.queries import catalogue
    from coprod_kg.queries.run import answer, stored_query

    if (name is None) == (query_file is None):
        raise InputError(
            "give either a stored query NAME or --file FILE.rq (see `coprod-kg queries`)"
        )
    if query_file is not None:
        if not query_file.is_file():
            raise InputError(f"{query_file}: no such query file")
        stored, where = catalogue.read_query(query_file), str(query_file)
    else:
        stored, where = stored_query(settings, name), name
    emit(answer(settings, stored, where, params, fmt, width), output)


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
    from coprod_kg.queries.run import workspace_queries

    listing = [{**entry, "origin": "bundled"}
               for entry in catalogue.summary_rows(catalogue.load_catalogue())]
    own = workspace_queries(settings)
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
