"""`coprod-kg export`: the graph as deterministic Turtle, compacted JSON-LD or sorted N-Triples."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "json-ld", "ntriples"]),
    default="turtle",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write (via a temporary file and a rename); default: stdout.",
)
@click.pass_obj
def export(settings, fmt, output) -> None:
    """Export the ontology and data (the same text for the same graph, run after run)."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.publishing.export import export_graph

    graph = open_store(settings).graph()
    text = export_graph(graph, fmt, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output} ({fmt})", err=True)
