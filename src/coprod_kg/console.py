"""What a command shows on the console, without click (the click CLI and the click-free
`coprod-kg query NAME` of coprod_kg.entry share it): the formats of `query`, the table's
width, the one line of a failure, a stdout that cannot be written, termination as Ctrl-C."""

from __future__ import annotations

import os
import sys

RESULT_FORMATS = ("table", "csv", "tsv", "json")
RDF_FORMATS = ("turtle", "json-ld", "ntriples")
DEFAULT_WIDTH = 80


def table_width(width: int | None) -> int:
    """--width if given; else the terminal's width when stdout is one; else DEFAULT_WIDTH."""
    if width is not None:
        return width
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def error_line(message: str, exit_code: int, as_json: bool) -> str:
    """The line a failed command prints on stderr: one JSON object (message, exit code) when
    the command line asks for `--format json`, else `coprod-kg: error: MESSAGE`."""
    if as_json:
        import json

        return json.dumps({"error": message, "exitCode": exit_code}, ensure_ascii=False)
    from coprod_kg.text import printable

    return f"coprod-kg: error: {printable(message)}"


def unexpected(error: BaseException) -> str:
    """One line for an error no code path expected (the traceback with --debug)."""
    if isinstance(error, OSError) and error.strerror and is_stdout_error(error):
        silence_stdout()
        return f"cannot write the output: {error.strerror}"
    if isinstance(error, MemoryError):
        return "out of memory"
    if isinstance(error, RecursionError):
        return "the input is nested too deeply"
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return (f"unexpected error: {type(error).__name__}{': ' + detail if detail else ''} "
            "(run with --debug for the traceback)")


def is_stdout_error(error: OSError) -> bool:
    import errno

    return error.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG)


def silence_stdout() -> None:
    """Later flushes of stdout (at exit) go to /dev/null instead of a second error."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def interrupt_on_termination() -> None:
    """SIGTERM and SIGHUP (the terminal closed) stop a command as Ctrl-C does, so that its
    clean-up (temporary files, a staging graph, a server) runs and it exits 130."""
    import signal

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)
