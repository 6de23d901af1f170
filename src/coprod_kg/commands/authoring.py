"""`coprod-kg new case-study`, `coprod-kg import`, `coprod-kg export-template`: authoring case
studies as YAML templates instead of Turtle."""

from __future__ import annotations

from pathlib import Path

import click

from coprod_kg.commands.options import JSON_ERRORS, epilog, format_option


@click.group("new", epilog=epilog(["coprod-kg new case-study my-programme -o my-programme.yaml"]))
def new_group() -> None:
    """Write an empty, documented template for something new."""


@new_group.command(
    "case-study",
    epilog=epilog([
        "coprod-kg new case-study my-programme -o my-programme.yaml",
        "coprod-kg import my-programme.yaml",
    ]),
)
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (via a temporary file and a rename); default: stdout.")
@click.pass_obj
def new_case_study(settings, slug: str, output: Path | None) -> None:
    """A YAML template for a new case study SLUG: every field, documented inline.

    Fill it in, then run `coprod-kg import FILE`.
    """
    from coprod_kg.authoring.export_template import new_template
    from coprod_kg.graph.load import load_graph

    text = new_template(slug, load_graph(settings.sources or None))
    _emit(text, output)


@new_group.command(
    "sheet",
    epilog=epilog([
        "coprod-kg new sheet -o my-extraction.xlsx",
        "coprod-kg import my-extraction.xlsx",
    ]),
)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The sheet to write: .xlsx (drop-down lists, a sheet explaining each column) "
                   "or .csv (the header row).")
@click.pass_obj
def new_sheet_command(settings, output: Path) -> None:
    """An empty extraction sheet: one row per outcome; fill it, then `coprod-kg import FILE`."""
    from coprod_kg.authoring.sheet_writer import new_sheet
    from coprod_kg.errors import InputError
    from coprod_kg.graph.load import load_graph

    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError(f"{output}: a sheet is .xlsx or .csv")
    _emit(new_sheet(output, load_graph(settings.sources or None)), output)


@click.command(
    "import",
    epilog=epilog(
        [
            "coprod-kg import my-programme.yaml",
            "coprod-kg import --replace popp.yaml",
            "coprod-kg import extraction.xlsx --create-new --format json",
        ],
        [
            "0  everything was written",
            "1  the graph the files make has shape violations (nothing written)",
            "2  bad input, named with its file, line and field (nothing written)",
        ],
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace a case study that already exists (same id), and overwrite the "
                   "conflicting fields of an imported reference, instead of refusing.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              help="The data folder to write into (default: the workspace's data/; in a "
              "checkout without a workspace, the repository's data/).")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="A YAML file naming the sheet and mapping its headers to the default "
                   "columns (sheet: NAME, columns: {header: column}, ignore: [header]).")
@click.option("--create-new", is_flag=True,
              help="Create the populations, settings, places and organisations a sheet names "
                   "that the graph does not have (default: refuse, listing the closest).")
@format_option(("table", "json"), help="table: one line a file; json: files written, removed "
               "and warnings.")
@click.pass_obj
def import_command(settings, files: tuple[Path, ...], replace: bool, data_dir: Path | None,
                   mapping: Path | None, create_new: bool, fmt: str) -> None:
    """Check templates (.yaml), extraction sheets (.csv, .xlsx) and reference files (.ris,
    .bib, CSL-JSON .json), then write them.

    Everything is checked first (fields, types, allowed values, existing IRIs, the SHACL
    shapes, the quality gates); only when all of it passes is anything written: one file per
    case study to DATA_DIR/case-studies/NN-SLUG.ttl, references and new entities to
    DATA_DIR/imported/. A reference whose DOI or PMID the graph has already is merged into
    that node. Exit 2 on bad input, 1 when the shapes find violations.
    """
    from coprod_kg.authoring.model import TemplateError
    from coprod_kg.authoring.transaction import import_templates
    from coprod_kg.graph.sources import data_dir as bundled_data
    from coprod_kg.graph.workspace import refuse_package_folder

    read_only: tuple[Path, ...] = ()
    workspace = settings.workspace
    if data_dir is None and workspace is not None:
        data_dir = workspace.data
        read_only = (bundled_data(),) if workspace.include_bundled else ()
    refuse_package_folder(data_dir or bundled_data(), "import: the data folder")
    try:
        result = import_templates(list(files), data_dir, replace=replace, mapping=mapping,
                                  create_new=create_new, read_only=read_only)
    except TemplateError as error:
        if JSON_ERRORS["on"]:
            joined = TemplateError(["; ".join(error.errors)], error.exit_code)
            raise joined from None
        if len(error.errors) > 1:  # one line each; the group then prints the summary
            for line in error.errors:
                click.echo(f"coprod-kg: error: {line}", err=True)
        raise
    if fmt == "json":
        import json

        click.echo(json.dumps({"written": [str(p) for p in result.written],
                               "removed": [str(p) for p in result.removed],
                               "warnings": list(result.warnings)}, indent=2))
        return
    for warning in result.warnings:
        click.echo(f"coprod-kg: warning: {warning}", err=True)
    for path in result.removed:
        click.echo(f"removed {path}")
    for path in result.written:
        click.echo(f"wrote {path}")


@click.command(
    "export-template",
    epilog=epilog([
        "coprod-kg export-template cs:popp -o popp.yaml",
        "coprod-kg import --replace popp.yaml",
    ]),
)
@click.argument("case")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="File to write (via a temporary file and a rename); default: stdout.")
@click.pass_obj
def export_template_command(settings, case: str, output: Path | None) -> None:
    """A case study of the graph as a filled YAML template (CASE: its IRI, cs:SLUG or SLUG).

    Edit it and run `coprod-kg import --replace FILE` to write it back without loss.
    """
    from coprod_kg.authoring.export_template import export_template, load_verbatim

    text = export_template(load_verbatim(settings.sources), case)
    _emit(text, output)


def _emit(text: str | bytes, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from coprod_kg.graph.serialise import write_atomically

    write_atomically(text, output)
    click.echo(f"wrote {output}", err=True)
