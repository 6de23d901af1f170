"""The coprod-kg command line: a thin layer over the library.

Each command parses its arguments, calls the library, prints, and sets the exit
code. Commands live in `coprod_kg.commands.*`; heavy libraries (rdflib, pyshacl)
are imported inside the commands so that `coprod-kg --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coprod_kg import __version__
from coprod_kg.commands.layout import (
    format_grouped_commands,
    move_global_options,
    wants_json_errors,
)
from coprod_kg.commands.options import EXIT_ERROR_LINE, JSON_ERRORS, epilog
from coprod_kg.console import error_line, interrupt_on_termination, unexpected
from coprod_kg.errors import EXIT_ERROR, EXIT_INTERRUPTED, CoprodError
from coprod_kg.settings import Settings

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CliError(click.ClickException):
    """A library error shown as one line on stderr, with the library's exit code; one JSON
    object (message, exit code) when the command line asks for `--format json`."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(error_line(self.format_message(), self.exit_code, JSON_ERRORS["on"]),
                   err=True)


def _usage_error(error: click.UsageError) -> CliError:
    """Click's usage errors (bad option value, unknown command) as the same one line."""
    where = error.ctx.command_path if error.ctx is not None else "coprod-kg"
    message = " ".join(error.format_message().split()).rstrip(".")  # one line
    return CliError(f"{message} (see `{where} --help`)", error.exit_code)


def _positive_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0 < value < float("inf"):  # also refuses nan
        raise click.BadParameter(f"{value:g}: expected a number of seconds above 0", ctx, param)
    return value


class CoprodGroup(click.Group):
    """Turns CoprodError and click's usage errors into one-line CliErrors for every command;
    lists the commands by group; takes global options also after the command."""

    def main(self, args=None, *rest, **kwargs):
        args = sys.argv[1:] if args is None else list(args)
        JSON_ERRORS["on"] = wants_json_errors(args)
        return super().main(args, *rest, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, move_global_options(self, args))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        format_grouped_commands(self, ctx, formatter)

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:  # a bad global option
            raise _usage_error(error) from None
        except KeyboardInterrupt:
            raise CliError("interrupted", EXIT_INTERRUPTED) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CoprodError as error:
            raise CliError(str(error), error.exit_code) from None
        except (KeyboardInterrupt, click.exceptions.Abort):
            raise CliError("interrupted", EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # the reader went away (`coprod-kg queries | head -1`): not a failure; click
            # would exit 1, which here means "does not conform"
            from click.utils import PacifyFlushWrapper

            sys.stdout = PacifyFlushWrapper(sys.stdout)
            ctx.exit(0)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:  # a bad command name, option or argument
            raise _usage_error(error) from None
        except (click.exceptions.ClickException, click.exceptions.Exit):
            raise
        except Exception as error:  # a bug, or a fault nobody foresaw: one line, exit 2
            if ctx.obj is not None and ctx.obj.debug:
                raise
            raise CliError(unexpected(error), EXIT_ERROR) from None


@click.group(
    cls=CoprodGroup,
    context_settings=CONTEXT_SETTINGS,
    epilog=(
        "Global options may also follow the command (`coprod-kg validate --store memory`). "
        "`coprod-kg COMMAND --help` gives each command's examples and exit status; "
        "`coprod-kg completion bash|zsh|fish` prints a shell completion script.\n\n"
        + epilog(
            [
                "coprod-kg queries --tag outcomes",
                "coprod-kg query outcomes-by-reduction -p minPercent=25",
                "coprod-kg --store memory validate --format json",
                "coprod-kg --source my-case-studies/ site -o build/site",
            ],
            [
                "0  success (validate: the graph conforms)",
                "1  validate: the graph does not conform; links check: a broken link",
                EXIT_ERROR_LINE,
            ],
        )
    ),
)
@click.version_option(__version__, "--version", prog_name="coprod-kg")
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Instance-data file or folder to load instead of the bundled data (repeatable).",
)
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    help="The evidence workspace (default: the nearest folder upwards with coprod-kg.toml).",
)
@click.option(
    "--store",
    type=click.Choice(["memory", "oxigraph"]),
    default="oxigraph",
    show_default=True,
    help="Embedded store: rdflib in memory, or Oxigraph.",
)
@click.option(
    "--store-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the persistent Oxigraph stores (default: $COPROD_KG_STORE_DIR, else "
    "$XDG_CACHE_HOME/coprod-kg or ~/.cache/coprod-kg).",
)
@click.option(
    "--endpoint", metavar="URL", help="Query endpoint of a SPARQL 1.1 server to use instead."
)
@click.option(
    "--update-endpoint", metavar="URL", help="Update endpoint (default: sibling of --endpoint)."
)
@click.option(
    "--gsp-endpoint", metavar="URL", help="Graph Store endpoint (default: sibling of --endpoint)."
)
@click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    callback=_positive_seconds,
    help="Seconds a query may take (embedded or on a server), and a request to a server "
         "in all.",
)
@click.option("-q", "--quiet", is_flag=True,
              help="No progress on stderr (shown only when stderr is a terminal).")
@click.option("-v", "--verbose", is_flag=True, help="Print each step's time on stderr.")
@click.option(
    "--allow-federation",
    is_flag=True,
    help="Let queries use SERVICE and LOAD (refused by default: they reach other hosts).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.pass_context
def cli(
    ctx: click.Context,
    sources,
    workspace,
    store,
    store_dir,
    endpoint,
    update_endpoint,
    gsp_endpoint,
    timeout,
    quiet,
    verbose,
    allow_federation,
    debug,
) -> None:
    """coprod-kg: query, validate and publish the evidence base for co-production.

    \b
    Start with:
      coprod-kg queries                      the questions the graph answers
      coprod-kg query principles             run one (-p NAME=VALUE for its parameters)
      coprod-kg validate                     check the graph
    """
    from coprod_kg import progress
    from coprod_kg.graph.workspace import workspace_sources

    progress.configure(quiet=quiet, verbose=verbose)

    try:
        found, sources = workspace_sources(workspace, tuple(sources))
    except CoprodError as error:
        raise CliError(str(error), error.exit_code) from None
    ctx.obj = Settings(
        workspace=found,
        sources=tuple(sources),
        store=store,
        store_dir=store_dir,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        gsp_endpoint=gsp_endpoint,
        timeout=timeout,
        allow_federation=allow_federation,
        debug=debug,
    )


def _register_commands() -> None:
    from coprod_kg.commands import register

    register(cli)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """The click CLI, as the console script and `python -m coprod_kg` run it (through
    coprod_kg.entry, which answers the plain `query NAME` forms itself without click)."""
    interrupt_on_termination()
    try:
        cli.main(args=argv, prog_name="coprod-kg")
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:  # before or after a command ran
        click.echo("coprod-kg: error: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
