"""`coprod-kg export`: the graph as deterministic Turtle, compacted JSON-LD or sorted N-Triples."""

from __future__ import annotations

import click

from coprod_kg.commands.options import (
    DATASET_FORMATS,
    RDF_FORMATS,
    epilog,
    format_option,
    output_option,
)


@click.command(
    "export",
    epilog=epilog([
        "coprod-kg export --format turtle -o build/coprod-kg.ttl",
        "coprod-kg export --format json-ld -o build/coprod-kg.jsonld",
        "coprod-kg export --format trig -o build/coprod-kg.trig",
        "coprod-kg export --format xlsx -o case-studies.xlsx",
        "coprod-kg --source my-data/ export --format ntriples > my-data.nt",
        "coprod-kg export --with-term-mappings -o build/coprod-kg-mapped.ttl",
    ]),
)
@format_option(RDF_FORMATS + DATASET_FORMATS + ("csv", "xlsx"), default="turtle",
               help="turtle (longturtle, the project's prefixes), json-ld (compacted with "
               "ontology/context.jsonld), ntriples (sorted lines); trig, nquads: one named "
               "graph per voice (the review, later evidence, our curation, the vocabulary); "
               "csv, xlsx: an extraction sheet.")
@output_option()
@click.option("--with-term-mappings", is_flag=True,
              help="add the mappings of the ontology's terms to CiTO, schema.org, STATO ... "
              "(ontology/mappings/terms.sssom.tsv) as SKOS match triples")
@click.pass_obj
def export(settings, fmt, output, with_term_mappings: bool) -> None:
    """Export the ontology and data (the same text for the same graph, run after run).

    trig and nquads keep the voices apart, one named graph each:
    https://w3id.org/coprod-kg/graph/review, .../later-evidence, .../curation and
    .../vocabulary (the rule: coprod_kg.publishing.voices).

    csv and xlsx: the case studies as an extraction sheet (one row per outcome, figure,
    alignment and learning point), the layout `coprod-kg import` reads back.
    """
    if fmt in ("csv", "xlsx"):
        _export_sheet(settings, fmt, output)
        return
    from coprod_kg.graph.store import open_store
    from coprod_kg.graph.workspace import refuse_package_folder
    from coprod_kg.publishing.export import export_graph

    if output is not None:
        refuse_package_folder(output, "export -o")
    graph = open_store(settings).graph()
    if with_term_mappings:
        from coprod_kg.graph.materialise import add_links
        from coprod_kg.graph.sources import term_mapping_files

        add_links(graph, term_mapping_files())
    text = export_graph(graph, fmt, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output} ({fmt})", err=True)


def _export_sheet(settings, fmt: str, output) -> None:
    from coprod_kg.authoring.export_template import load_verbatim
    from coprod_kg.authoring.sheet_writer import export_sheet
    from coprod_kg.errors import InputError
    from coprod_kg.graph.serialise import write_atomically

    if fmt == "xlsx" and output is None:
        raise InputError("--format xlsx: a workbook is binary; give -o FILE.xlsx")
    content = export_sheet(load_verbatim(settings.sources), fmt)
    if output is None:
        click.echo(content, nl=False)
        return
    write_atomically(content, output)
    click.echo(f"wrote {output} ({fmt})", err=True)
