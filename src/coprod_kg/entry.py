"""The console script `coprod-kg` and `python -m coprod_kg` start here.

The plain forms of `coprod-kg query NAME` (`-p`/`--param` values, one `--format`) run
without importing click, which costs ~30 ms of start-up (issue 16); they print, fail and
exit as the click command does, through the same library functions (an unforeseen fault
too: one line, exit 2). Every other command line goes to the click CLI (coprod_kg.cli),
which runs the command as usual.
"""

from __future__ import annotations

import os
import sys

from coprod_kg.console import RDF_FORMATS, RESULT_FORMATS

PARAM_OPTIONS = ("-p", "--param")
FORMAT_OPTION = "--format"
# set by the shell completion scripts (`coprod-kg completion`): click answers them
COMPLETION_VARIABLE = "_COPROD_KG_COMPLETE"
# what click.echo removes from text written to a pipe or a file (click._compat._ansi_re)
ANSI_ESCAPE = r"\033\[[;?0-9]*[a-zA-Z]"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    code = run(argv)
    if code is None:
        from coprod_kg.cli import main as click_main

        click_main(argv)
    else:
        sys.exit(code)


def recognise(argv: list[str]) -> tuple[str, tuple[str, ...], str] | None:
    """(NAME, the -p values, the format) of `query NAME` followed only by `-p V`,
    `--param V`, `--param=V` and at most one `--format F` / `--format=F`; None for any
    other command line, which is click's."""
    if len(argv) < 2 or argv[0] != "query" or argv[1].startswith("-"):
        return None
    params: list[str] = []
    formats: list[str] = []
    rest = argv[2:]
    while rest:
        option, value, rest = _next_option(rest)
        if option is None or value.startswith("-"):
            return None
        (params if option in PARAM_OPTIONS else formats).append(value)
    if len(formats) > 1 or not set(formats) <= {*RESULT_FORMATS, *RDF_FORMATS}:
        return None
    return argv[1], tuple(params), (formats or ["table"])[0]


def _next_option(tokens: list[str]) -> tuple[str | None, str, list[str]]:
    """(option, value, the tokens after them); option None when it is not one of ours."""
    option, equals, value = tokens[0].partition("=")
    if equals and option in ("--param", FORMAT_OPTION):
        return option, value, tokens[1:]
    if tokens[0] in (*PARAM_OPTIONS, FORMAT_OPTION) and len(tokens) > 1:
        return tokens[0], tokens[1], tokens[2:]
    return None, "", []


def run(argv: list[str]) -> int | None:
    """The exit code of a plain `query NAME` answered here; None: click's to run. Once the
    command is ours, every outcome is reported here: click never runs it a second time."""
    wanted = recognise(argv)
    if wanted is None or not _plain_streams() or COMPLETION_VARIABLE in os.environ:
        return None
    from coprod_kg.console import interrupt_on_termination, unexpected
    from coprod_kg.errors import EXIT_ERROR, EXIT_INTERRUPTED, CoprodError

    name, params, fmt = wanted
    try:
        interrupt_on_termination()
        return _write(_answer(name, params, fmt))
    except CoprodError as error:
        return _failed(str(error), error.exit_code, fmt)
    except KeyboardInterrupt:
        return _failed("interrupted", EXIT_INTERRUPTED, fmt)
    except Exception as error:  # a fault nobody foresaw: one line, as the click CLI gives
        return _failed(unexpected(error), EXIT_ERROR, fmt)


def _plain_streams() -> bool:
    """stdout and stderr are there and not ASCII (click would write UTF-8 to them then),
    and this is not Windows (where click writes to the console its own way)."""
    import codecs

    if sys.platform == "win32":
        return False
    for stream in (sys.stdout, sys.stderr):
        try:
            if codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "ascii":
                return False
        except LookupError:
            return False
    return True


def _answer(name: str, params: tuple[str, ...], fmt: str) -> str:
    """What the click group and command do for `query NAME` with no other options."""
    from coprod_kg import progress
    from coprod_kg.graph.workspace import workspace_sources
    from coprod_kg.queries.run import answer, stored_query

    progress.configure(quiet=False, verbose=False)
    settings = default_settings(*workspace_sources(None, ()))
    return answer(settings, stored_query(settings, name), name, params, fmt, None)


def default_settings(workspace, sources):
    """The Settings of a command line with no global option (those of the click group)."""
    from coprod_kg.settings import Settings

    return Settings(workspace=workspace, sources=tuple(sources))


def _write(text: str) -> int:
    """Print the answer as click.echo does (escape sequences removed unless stdout is a
    terminal); a reader that went away is not a failure."""
    if "\x1b" in text and not sys.stdout.isatty():
        import re

        text = re.sub(ANSI_ESCAPE, "", text)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        from coprod_kg.console import silence_stdout

        silence_stdout()
        return 0
    return 0


def _failed(message: str, exit_code: int, fmt: str) -> int:
    from coprod_kg.console import error_line

    sys.stderr.write(error_line(message, exit_code, fmt == "json") + "\n")
    sys.stderr.flush()
    return exit_code
