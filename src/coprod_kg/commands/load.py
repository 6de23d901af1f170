"""`coprod-kg load`: publish the graph to a SPARQL 1.1 server (Graph Store Protocol)."""

from __future__ import annotations

import click

from coprod_kg.commands.options import epilog, format_option


@click.command(
    "load",
    epilog=epilog([
        "coprod-kg load --endpoint http://127.0.0.1:7878/query",
        "coprod-kg load --endpoint http://127.0.0.1:7878/query --graph https://example.org/g",
        "COPROD_KG_ENDPOINT_USER=me COPROD_KG_ENDPOINT_PASSWORD=... coprod-kg load "
        "--endpoint https://example.org/sparql --format json",
    ]),
)
@click.option("--endpoint", "endpoint", metavar="URL",
              help="Query endpoint of the target server (default: the global --endpoint).")
@click.option("--graph", "graph", metavar="IRI",
              help="Named graph to replace (default: the default graph).")
@click.option("--update-endpoint", metavar="URL",
              help="Update endpoint (default: the global option, else a sibling of --endpoint).")
@click.option("--gsp-endpoint", metavar="URL",
              help="Graph Store endpoint (default: the global option, else a sibling of "
                   "--endpoint).")
@format_option(("table", "json"), help="table: one line; json: triples, graph, endpoint.")
@click.pass_obj
def load_command(settings, endpoint, graph, update_endpoint, gsp_endpoint, fmt) -> None:
    """Load the graph into a SPARQL 1.1 server, replacing the target graph.

    The graph (ontology plus bundled data, or --source) is read locally, PUT into a
    staging graph, counted, then moved onto the target in one update and counted
    again. Loading twice leaves the same store; if the load fails, the target keeps
    its old content. Credentials: COPROD_KG_ENDPOINT_USER / COPROD_KG_ENDPOINT_PASSWORD.
    """
    from dataclasses import replace

    from coprod_kg.errors import InputError
    from coprod_kg.graph.publish import check_graph_iri, publish_store
    from coprod_kg.graph.remote import check_url, credentials_from_environment, sibling_endpoints
    from coprod_kg.graph.store import open_store

    target = endpoint or settings.endpoint
    if not target:
        raise InputError("load needs --endpoint URL (the query endpoint of the target server)")
    check_url(target, "--endpoint")
    check_graph_iri(graph)
    endpoints = sibling_endpoints(target, update_endpoint or settings.update_endpoint,
                                  gsp_endpoint or settings.gsp_endpoint)
    for option, url in (("--update-endpoint", endpoints.update), ("--gsp-endpoint", endpoints.gsp)):
        if url:
            check_url(url, option)
    from coprod_kg.progress import step

    local = open_store(replace(settings, endpoint=None))
    with step("loading into the server", unit="steps"):
        outcome = publish_store(local, endpoints, graph=graph, timeout=settings.timeout,
                                credentials=credentials_from_environment())
    if outcome.stale_removed:
        click.echo(f"coprod-kg: warning: removed {outcome.stale_removed} stale staging "
                   "graph(s) of an earlier, interrupted load", err=True)
    if fmt == "json":
        import json

        click.echo(json.dumps({"triples": outcome.triples, "graph": outcome.graph,
                               "endpoint": outcome.endpoint}))
        return
    where = f"<{outcome.graph}>" if outcome.graph else "the default graph"
    click.echo(f"loaded {outcome.triples} triples into {where} at {outcome.endpoint}")
