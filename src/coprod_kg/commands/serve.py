"""`coprod-kg serve`: a local read-only SPARQL endpoint over the graph."""

from __future__ import annotations

import click

from coprod_kg.commands.options import EXIT_ERROR_LINE, epilog


@click.command(
    "serve",
    epilog=epilog(
        [
            "coprod-kg serve",
            "coprod-kg serve --port 0",
            "coprod-kg --source my-data/ serve --port 8001 --query-timeout 10",
        ],
        ["0  success", EXIT_ERROR_LINE],
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes it to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="TCP port (0: any free port).")
@click.option("--query-timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds after which the server abandons a query.")
@click.pass_obj
def serve_command(settings, host: str, port: int, query_timeout: float) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph) until Ctrl-C.

    Loads the ontology and the data (bundled, or --source) into a temporary on-disk
    store and prints the query URL on stdout. The endpoint accepts no updates.
    """
    from coprod_kg.graph import server
    server.check_host(host)

    def on_ready(url: str, count: int) -> None:
        if not server.is_loopback(host):
            click.echo(f"coprod-kg: warning: --host {host}: the endpoint is reachable from "
                       "other machines on the network (use 127.0.0.1 to keep it local)",
                       err=True)
        click.echo(url)
        click.echo(f"serving {count} triples read-only at {url}; press Ctrl-C to stop", err=True)

    server.serve(settings.sources, host=host, port=port,
                 query_timeout=query_timeout, on_ready=on_ready,
                 log=lambda message: click.echo(message, err=True))
