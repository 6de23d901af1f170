"""`coprod-kg stats`: triples, instances per class, outcomes per category."""

from __future__ import annotations

import json

import click


@click.command("stats")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def stats(settings, fmt) -> None:
    """Counts that describe the graph."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.queries.stats import compute_stats, format_text

    result = compute_stats(open_store(settings))
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(result), nl=False)
