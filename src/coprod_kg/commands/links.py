"""`coprod-kg links` (list the links to external datasets) and `coprod-kg links check`."""

from __future__ import annotations

import json

import click

DATASET_KEYS = ("mesh", "wikidata", "doi", "pubmed", "pmc")
CHECKABLE = ("mesh", "wikidata")


@click.group("links", invoke_without_command=True)
@click.option("--dataset", type=click.Choice(DATASET_KEYS), help="Only the links to this dataset.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--width", type=click.IntRange(min=20), default=100, show_default=True,
              help="Width of the table format.")
@click.pass_context
def links(ctx: click.Context, dataset, fmt, width) -> None:
    """List the links from our entities to MeSH, Wikidata, DOI, PubMed and PMC.

    One row per link: entity, label, external IRI, dataset and match type (the linking
    predicate). Use `coprod-kg links check` to test the links against an endpoint."""
    if ctx.invoked_subcommand is not None:
        return
    from coprod_kg.graph.store import open_store
    from coprod_kg.links.listing import list_links
    from coprod_kg.queries.render import render

    result = list_links(open_store(ctx.obj), dataset)
    click.echo(render(result, fmt, width), nl=False)


@links.command("check")
@click.option("--endpoint", "endpoint", required=True, metavar="URL",
              help="SPARQL endpoint of the external dataset (e.g. https://id.nlm.nih.gov/mesh/sparql).")
@click.option("--dataset", required=True, type=click.Choice(CHECKABLE),
              help="Which dataset's links to check.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--strict", is_flag=True, help="Count relabelled targets as broken too.")
@click.pass_context
def check(ctx: click.Context, endpoint, dataset, fmt, strict) -> None:
    """Ask ENDPOINT whether each linked IRI exists, is current, and keeps its label.

    Exit 0 when every link is fine, 1 when a target is missing or deprecated (or, with
    --strict, relabelled), 2 when the endpoint cannot be reached."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.links.check import check_links

    settings = ctx.find_root().obj
    statuses = check_links(open_store(settings), dataset, endpoint, settings.timeout)
    if fmt == "json":
        click.echo(json.dumps([_as_dict(s) for s in statuses], indent=2, ensure_ascii=False))
    else:
        click.echo(_table(statuses), nl=False)
    broken = [s for s in statuses if s.broken or (strict and s.status == "relabelled")]
    summary = _summary(statuses)
    click.echo(f"{len(statuses)} {dataset} links checked: {summary}", err=True)
    if broken:
        ctx.exit(1)


def _as_dict(status) -> dict:
    return {
        "entity": status.entity, "matchType": status.predicate, "target": status.target,
        "status": status.status, "expectedLabel": status.expected_label,
        "foundLabel": status.found_label, "detail": status.detail,
    }


def _summary(statuses) -> str:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status.status] = counts.get(status.status, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "none"


def _table(statuses) -> str:
    from rdflib import Literal, URIRef

    from coprod_kg.graph.results import QueryResult
    from coprod_kg.queries.render import to_table

    def literal(text):
        return Literal(text) if text else None

    rows = [
        (Literal(s.status), URIRef(s.entity), URIRef(s.predicate), URIRef(s.target),
         literal(s.expected_label), literal(s.found_label), literal(s.detail))
        for s in statuses
    ]
    variables = ["status", "entity", "matchType", "target", "expectedLabel", "foundLabel",
                 "detail"]
    return to_table(QueryResult("SELECT", variables, rows), width=120)
