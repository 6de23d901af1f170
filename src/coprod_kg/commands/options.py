"""The options every command shares, spelt the same way everywhere: `--format`, `-o`,
`--width`; and the EXAMPLES / EXIT STATUS epilog that ends every command's help."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

# the formats and the width rule are the click-free fast path's too (coprod_kg.entry)
from coprod_kg.console import DEFAULT_WIDTH, RESULT_FORMATS
from coprod_kg.console import RDF_FORMATS as RDF_FORMATS
from coprod_kg.console import table_width as table_width

# named graphs, one per voice (export only)
DATASET_FORMATS = ("trig", "nquads")
# on when the command line asks for `--format json`: errors are then one JSON object
JSON_ERRORS = {"on": False}
# older names, still accepted but not shown: `--format text` is the table
FORMAT_ALIASES = {"text": "table"}


class FormatChoice(click.Choice):
    """A click.Choice that also accepts the old names of FORMAT_ALIASES."""

    def convert(self, value, param, ctx):
        value = FORMAT_ALIASES.get(value, value) if isinstance(value, str) else value
        return super().convert(value, param, ctx)


def format_option(
    formats: Sequence[str] = RESULT_FORMATS, default: str | None = "table", help: str = ""
) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=FormatChoice(list(formats)),
        default=default,
        show_default=default is not None,
        help=help or "Output format.",
    )


def output_option(help: str = "") -> Callable:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),
        help=help or "File to write (via a temporary file and a rename); default: stdout.",
    )


def width_option() -> Callable:
    return click.option(
        "--width",
        type=click.IntRange(min=20),
        default=None,
        help=f"Width of the table format (default: the terminal's, or {DEFAULT_WIDTH}).",
    )


def emit(text: str, output: Path | None, what: str = "") -> None:
    """Text to stdout, or to a file through a temporary file and a rename."""
    if output is None:
        click.echo(text, nl=False)
        return
    from coprod_kg.graph.serialise import write_atomically
    from coprod_kg.graph.workspace import refuse_package_folder

    refuse_package_folder(output, "-o")
    write_atomically(text, output)
    click.echo(f"wrote {output}{f' ({what})' if what else ''}", err=True)


EXIT_ERROR_LINE = "2  an error: bad input, unknown name, unreachable server (one line on stderr)"
EXIT_INTERRUPTED_LINE = "130  interrupted (Ctrl-C, SIGTERM, SIGHUP), after cleaning up"


def epilog(examples: Sequence[str], exit_status: Sequence[str] = ()) -> str:
    """The end of a command's help: EXAMPLES, then EXIT STATUS (0 and 2 unless given; 130
    always)."""
    statuses = [*(list(exit_status) or ["0  success", EXIT_ERROR_LINE]), EXIT_INTERRUPTED_LINE]
    lines = ["\b", "EXAMPLES"] + [f"  {example}" for example in examples]
    lines += ["", "\b", "EXIT STATUS"] + [f"  {status}" for status in statuses]
    return "\n".join(lines)
