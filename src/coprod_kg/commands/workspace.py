"""`coprod-kg init`: make an evidence workspace."""

from __future__ import annotations

from pathlib import Path

import click

from coprod_kg.commands.options import epilog


@click.command(
    "init",
    epilog=epilog([
        "coprod-kg init my-evidence && cd my-evidence",
        "coprod-kg new case-study my-programme -o my-programme.yaml",
        "coprod-kg import my-programme.yaml        # writes data/case-studies/NN-my-programme.ttl",
        "coprod-kg init --no-bundled only-mine     # without the bundled review underneath",
    ]),
)
@click.argument("directory", required=False, default=".",
                type=click.Path(path_type=Path, file_okay=False))
@click.option("--bundled/--no-bundled", default=True, show_default=True,
              help="Load the bundled review under the workspace's own data.")
def init_command(directory: Path, bundled: bool) -> None:
    """Make DIRECTORY (default: here) an evidence workspace: coprod-kg.toml, data/, queries/
    and mappings/.

    Inside it (or with --workspace DIR), commands read the bundled review plus data/ and
    mappings/, `import` writes into data/, `queries` lists queries/*.rq beside the bundled
    queries, and `site` writes into site/ by default."""
    from coprod_kg.graph.workspace import CONFIG_NAME, create_workspace

    workspace = create_workspace(directory, bundled)
    click.echo(f"made a workspace in {workspace.root} ({CONFIG_NAME}, data/, queries/, mappings/)",
               err=True)
    click.echo(str(workspace.root))
