"""`coprod-kg stats`: triples, instances per class, outcomes per category."""

from __future__ import annotations

import json

import click

from coprod_kg.commands.options import (
    RESULT_FORMATS,
    emit,
    epilog,
    format_option,
    output_option,
)


@click.command(
    "stats",
    epilog=epilog(["coprod-kg stats", "coprod-kg stats --format json",
                   "coprod-kg --source my-data/ stats --format csv -o counts.csv"]),
)
@format_option(RESULT_FORMATS, help="table: three sections; csv, tsv: measure, name, count; "
               "json: an object.")
@output_option()
@click.pass_obj
def stats(settings, fmt, output) -> None:
    """Counts that describe the graph: triples, instances per class, outcomes per category."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.queries.stats import as_result, compute_stats, format_text

    result = compute_stats(open_store(settings))
    if fmt == "json":
        emit(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n", output)
    elif fmt in ("csv", "tsv"):
        from coprod_kg.queries.render import render

        emit(render(as_result(result), fmt), output)
    else:
        emit(format_text(result), output)
