"""Run one stored query (or a query file) and render its answer: what `coprod-kg query` does,
shared by the click command and the click-free fast path (coprod_kg.entry)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from coprod_kg.errors import InputError

# Oxigraph: "error at 3:1: ..."; rdflib: "... (at char 155), (line:4, col:1)". As text:
# re compiles it when an error first needs it, not at every query's start (issue 16)
ENGINE_POSITION = r"error at (\d+):(\d+): |\s*\(at char \d+\), \(line:(\d+), col:(\d+)\)"
MAX_ERROR_LENGTH = 200


def workspace_queries(settings) -> Path | None:
    """The workspace's queries/ folder, if there is a workspace and it has one."""
    workspace = settings.workspace
    if workspace is not None and workspace.queries.is_dir():
        return workspace.queries
    return None


def stored_query(settings, name: str):
    """The workspace's queries/NAME.rq if there is one, else the bundled query NAME."""
    from coprod_kg.queries import catalogue

    own = workspace_queries(settings)
    if own is not None and (own / f"{name}.rq").is_file():
        return catalogue.read_query(own / f"{name}.rq")
    return catalogue.get_query(name)


def answer(settings, stored, where: str, params: Sequence[str], fmt: str,
           width: int | None) -> str:
    """The text of `stored`'s answer with the NAME=VALUE `params`, in `fmt` (the table
    `width` wide, default: console.table_width's); `where` names the query in errors."""
    from coprod_kg.console import table_width
    from coprod_kg.graph.store import open_store
    from coprod_kg.queries import catalogue
    from coprod_kg.queries.prefixes import declare_project_prefixes
    from coprod_kg.queries.render import render

    bound = catalogue.bound_text(stored, catalogue.parse_assignments(tuple(params)))
    text = declare_project_prefixes(bound, where)
    store = open_store(settings)
    columns = table_width(width)
    try:
        return store.query(text, lambda result: render(result, fmt, columns))
    except InputError as error:
        added = text.count("\n") - bound.count("\n")
        raise InputError(located(str(error), where, added)) from None


def located(message: str, where: str, added_lines: int) -> str:
    """An engine's syntax error with the position in the user's file, cut to one short line."""

    def at(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{where}:{int(match.group(1)) - added_lines}:{match.group(2)}: "
        return f" at {where}:{int(match.group(3)) - added_lines}:{match.group(4)}"

    message = re.sub(ENGINE_POSITION, at, message.splitlines()[0] if message else message)
    if len(message) > MAX_ERROR_LENGTH:
        message = message[: MAX_ERROR_LENGTH - 1] + "…"
    return message
