"""`coprod-kg describe`: a VoID + DCAT description of the graph."""

from __future__ import annotations

import re

import click

from coprod_kg.commands.options import RDF_FORMATS, epilog, format_option, output_option
from coprod_kg.errors import InputError

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def _real_date(text: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@click.command(
    "describe",
    epilog=epilog([
        "coprod-kg describe",
        "coprod-kg describe --format json-ld -o build/void.jsonld",
        "coprod-kg describe --sparql-endpoint https://example.org/sparql "
        "--contact-email someone@example.org",
    ]),
)
@format_option(RDF_FORMATS, default="turtle")
@output_option()
@click.option("--base-url", default="https://w3id.org/coprod-kg/", show_default=True,
              help="Where the dumps (coprod-kg.ttl, coprod-kg.jsonld) are published.")
@click.option("--sparql-endpoint", metavar="URL",
              help="The public SPARQL endpoint serving the graph (default: --endpoint, if given).")
@click.option("--created", metavar="YYYY-MM-DD",
              help="Creation date (default: the ontology's dcterms:created).")
@click.option("--contact-email", metavar="ADDRESS", help="A contact address for the dataset.")
@click.pass_obj
def describe(settings, fmt, output, base_url, sparql_endpoint, created, contact_email) -> None:
    """Describe the graph in VoID and DCAT: licence, source, distributions, counts, linksets."""
    from coprod_kg.graph.serialise import serialise, write_atomically
    from coprod_kg.graph.store import open_store
    from coprod_kg.links.describe import DescribeOptions
    from coprod_kg.links.describe import describe as describe_graph

    if created is not None and not (DATE.match(created) and _real_date(created)):
        raise InputError(f"--created {created!r}: expected a date as YYYY-MM-DD")
    for option, url in (("--base-url", base_url), ("--sparql-endpoint", sparql_endpoint)):
        if url is not None and not URL.match(url):
            raise InputError(f"{option} {url!r}: expected an http(s) URL")
    if contact_email is not None and not re.match(r"^[^@\s<>\"]+@[^@\s<>\"]+$", contact_email):
        raise InputError(f"--contact-email {contact_email!r}: not an e-mail address")
    options = DescribeOptions(
        base_url=base_url,
        sparql_endpoint=sparql_endpoint or settings.endpoint,
        created=created,
        contact_email=contact_email,
    )
    text = serialise(describe_graph(open_store(settings), options), fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomically(text, output)
    click.echo(f"wrote {output} ({fmt})", err=True)
