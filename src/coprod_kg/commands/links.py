"""`coprod-kg links` (list the links to external datasets) and `coprod-kg links check`."""

from __future__ import annotations

import json

import click

from coprod_kg.commands.options import (
    EXIT_ERROR_LINE,
    RESULT_FORMATS,
    emit,
    epilog,
    format_option,
    output_option,
    table_width,
    width_option,
)

DATASET_KEYS = ("mesh", "wikidata", "doi", "pubmed", "pmc")
CHECKABLE = ("mesh", "wikidata")


@click.group(
    "links",
    invoke_without_command=True,
    epilog=epilog([
        "coprod-kg links",
        "coprod-kg links --dataset mesh --format csv -o mesh-links.csv",
        "coprod-kg links check --dataset mesh --endpoint https://id.nlm.nih.gov/mesh/sparql",
    ]),
)
@click.option("--dataset", type=click.Choice(DATASET_KEYS), help="Only the links to this dataset.")
@format_option(RESULT_FORMATS)
@width_option()
@output_option()
@click.pass_context
def links(ctx: click.Context, dataset, fmt, width, output) -> None:
    """List the links from our entities to MeSH, Wikidata, DOI, PubMed and PMC.

    One row per link: entity, label, external IRI, dataset and match type (the linking
    predicate). Use `coprod-kg links check` to test the links against an endpoint."""
    if ctx.invoked_subcommand is not None:
        return
    from coprod_kg.graph.store import open_store
    from coprod_kg.links.listing import list_links
    from coprod_kg.queries.render import render

    result = list_links(open_store(ctx.obj), dataset)
    emit(render(result, fmt, table_width(width)), output)


@links.command(
    "check",
    epilog=epilog(
        [
            "coprod-kg links check --dataset mesh --endpoint https://id.nlm.nih.gov/mesh/sparql",
            "coprod-kg links check --dataset wikidata --endpoint "
            "https://query.wikidata.org/sparql --format json",
        ],
        [
            "0  every link is fine",
            "1  a target is missing or deprecated (with --strict: or relabelled)",
            EXIT_ERROR_LINE,
        ],
    ),
)
@click.option("--endpoint", "endpoint", required=True, metavar="URL",
              help="SPARQL endpoint of the external dataset (e.g. https://id.nlm.nih.gov/mesh/sparql).")
@click.option("--dataset", required=True, type=click.Choice(CHECKABLE),
              help="Which dataset's links to check.")
@format_option(RESULT_FORMATS)
@click.option("--strict", is_flag=True, help="Count relabelled targets as broken too.")
@width_option()
@output_option()
@click.pass_context
def check(ctx: click.Context, endpoint, dataset, fmt, strict, width, output) -> None:
    """Ask ENDPOINT whether each linked IRI exists, is current, and keeps its label.

    Exit 0 when every link is fine, 1 when a target is missing or deprecated (or, with
    --strict, relabelled), 2 when the endpoint cannot be reached."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.links.check import check_links

    settings = ctx.find_root().obj
    statuses = check_links(open_store(settings), dataset, endpoint, settings.timeout)
    if fmt == "json":
        emit(json.dumps([_as_dict(s) for s in statuses], indent=2, ensure_ascii=False) + "\n",
             output)
    else:
        from coprod_kg.queries.render import render

        emit(render(_result(statuses), fmt, table_width(width)), output)
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


def _result(statuses):
    from rdflib import Literal, URIRef

    from coprod_kg.graph.results import QueryResult

    def literal(text):
        return Literal(text) if text else None

    rows = [
        (Literal(s.status), URIRef(s.entity), URIRef(s.predicate), URIRef(s.target),
         literal(s.expected_label), literal(s.found_label), literal(s.detail))
        for s in statuses
    ]
    variables = ["status", "entity", "matchType", "target", "expectedLabel", "foundLabel",
                 "detail"]
    return QueryResult("SELECT", variables, rows)
