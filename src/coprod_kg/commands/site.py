"""`coprod-kg site` (the static site) and `coprod-kg map` (the evidence gap map alone:
outcome categories by interventions)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coprod_kg.commands.options import epilog, format_option
from coprod_kg.errors import InputError
from coprod_kg.settings import Settings

MAP_FORMATS = ("svg", "png", "html")


@click.command(
    "site",
    epilog=epilog([
        "coprod-kg site -o build/site",
        "coprod-kg --source my-data/ site -o build/my-site --format json",
        "python -m http.server -d build/site 8000   # then open http://127.0.0.1:8000/",
    ]),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the site into: created, or replaced if it holds an earlier site "
    "(default in a workspace: its site/ folder).",
)
@format_option(("table", "json"), help="table: the index page's path; json: the pages written.")
@click.pass_obj
def site_command(settings: Settings, output: Path, fmt: str) -> None:
    """Build the static HTML site (home, gap map, case studies, principles, references,
    ontology, queries and downloads). It opens from file:// or any static host."""
    from coprod_kg.graph.store import open_store
    from coprod_kg.graph.workspace import refuse_package_folder
    from coprod_kg.publishing.site import build_site

    if output is None:
        if settings.workspace is None:
            raise InputError("site needs -o DIR (or run it in a workspace: `coprod-kg init`)")
        output = settings.workspace.root / "site"
    refuse_package_folder(output, "site -o")
    report = build_site(open_store(settings), output)
    click.echo(f"wrote {len(report.pages)} pages to {output}", err=True)
    if fmt == "json":
        import json

        pages = sorted(str(page) for page in report.pages)
        click.echo(json.dumps({"index": str(output / "index.html"), "pages": pages}, indent=2))
    else:
        click.echo(str(output / "index.html"))


@click.command(
    "map",
    epilog=epilog([
        "coprod-kg map -o build/gap-map.svg",
        "coprod-kg map -o build/gap-map.png --scale 3",
        "coprod-kg map --format html > gap-map.html",
    ]),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(MAP_FORMATS),
    default=None,
    help="svg, png or html (default: from the suffix of -o, else svg).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write (default: stdout, for svg and html).",
)
@click.option("--scale", type=click.FloatRange(0.5, 6.0), default=2.0, show_default=True,
              help="PNG only: pixels per SVG unit.")
@click.pass_obj
def map_command(settings: Settings, fmt: str | None, output: Path | None, scale: float) -> None:
    """The evidence gap map alone (outcome categories, grouped in domains, by interventions,
    grouped in families) as SVG, PNG or HTML, for reports and slides."""
    fmt = fmt or _format_from_suffix(output)
    if fmt == "png" and output is None:
        raise InputError("--format png: give a file with -o (PNG is not written to stdout)")
    data = render_map(settings, fmt, scale)
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    from coprod_kg.graph.serialise import write_atomically

    write_atomically(data, output)
    click.echo(f"wrote the gap map ({fmt}) to {output}", err=True)


def _format_from_suffix(output: Path | None) -> str:
    """svg, png or html from the file's suffix; svg for stdout."""
    if output is None:
        return "svg"
    suffix = {"htm": "html"}.get(output.suffix.lower().lstrip("."), output.suffix.lower()[1:])
    if suffix not in MAP_FORMATS:
        raise InputError(f"-o {output}: cannot tell the format from the file name; "
                         "give --format svg, png or html")
    return suffix


def render_map(settings: Settings, fmt: str, scale: float = 2.0) -> bytes:
    from coprod_kg.graph.store import open_store
    from coprod_kg.publishing.gapmap_image import gap_map_svg, svg_to_png
    from coprod_kg.publishing.sitecontent import collect
    from coprod_kg.publishing.sitepages import map_title, render_gap_map_page, source_note

    content = collect(open_store(settings))
    if fmt == "html":
        return render_gap_map_page(content, standalone=True).encode("utf-8")
    svg = gap_map_svg(content.gap_map, title=map_title(), source_note=source_note(content))
    if fmt == "png":
        return svg_to_png(svg, scale=scale)
    return svg.encode("utf-8")
