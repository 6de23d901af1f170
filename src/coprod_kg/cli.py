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
from coprod_kg.errors import CoprodError
from coprod_kg.settings import Settings

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CliError(click.ClickException):
    """A library error shown as one line on stderr, with the library's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"coprod-kg: error: {self.format_message()}", err=True)


def _usage_error(error: click.UsageError) -> CliError:
    """Click's usage errors (bad option value, unknown command) as the same one line."""
    where = error.ctx.command_path if error.ctx is not None else "coprod-kg"
    return CliError(f"{error.format_message().rstrip('.')} (see `{where} --help`)",
                    error.exit_code)


def _positive_seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0 < value < float("inf"):  # also refuses nan
        raise click.BadParameter(f"{value:g}: expected a number of seconds above 0", ctx, param)
    return value


class CoprodGroup(click.Group):
    """Turns CoprodError and click's usage errors into one-line CliErrors for every command."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as error:  # a bad global option
            raise _usage_error(error) from None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CoprodError as error:
            raise CliError(str(error), error.exit_code) from None
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


@click.group(cls=CoprodGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="coprod-kg")
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Instance-data file or folder to load instead of the bundled data (repeatable).",
)
@click.option(
    "--store",
    type=click.Choice(["memory", "oxigraph"]),
    default="oxigraph",
    show_default=True,
    help="Embedded store: rdflib in memory, or Oxigraph.",
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
    help="Seconds to wait for a server.",
)
@click.option(
    "--allow-federation",
    is_flag=True,
    help="Let queries use SERVICE and LOAD (refused by default: they reach other hosts).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    sources,
    store,
    endpoint,
    update_endpoint,
    gsp_endpoint,
    timeout,
    allow_federation,
) -> None:
    """coprod-kg: query, validate and publish the evidence base for co-production."""
    ctx.obj = Settings(
        sources=tuple(sources),
        store=store,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        gsp_endpoint=gsp_endpoint,
        timeout=timeout,
        allow_federation=allow_federation,
    )


def _register_commands() -> None:
    from coprod_kg.commands import register

    register(cli)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and of `python -m coprod_kg`."""
    try:
        cli.main(args=argv, prog_name="coprod-kg")
    except BrokenPipeError:
        sys.exit(0)
