"""How the top-level command line reads: commands listed by group in `--help`, global options
accepted after the command too, and whether errors should be JSON."""

from __future__ import annotations

from collections.abc import Sequence

import click

# `coprod-kg --help` lists the commands under these headings, in this order
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Query", ("queries", "query", "stats", "links")),
    ("Check", ("validate",)),
    ("Publish", ("export", "describe", "site", "map", "load")),
    ("Author", ("init", "new", "import", "export-template")),
    ("Serve", ("serve", "cache")),
    ("Shell", ("completion",)),
)


def format_grouped_commands(
    group: click.Group, ctx: click.Context, formatter: click.HelpFormatter
) -> None:
    """The commands under their SECTIONS headings, each with its whole first sentence."""
    names = [name for name in group.list_commands(ctx) if not group.commands[name].hidden]
    placed = {name for _, members in SECTIONS for name in members}
    sections = [(title, [n for n in members if n in names]) for title, members in SECTIONS]
    sections.append(("Other", [name for name in names if name not in placed]))
    for title, members in sections:
        if not members:
            continue
        rows = [(name, group.commands[name].get_short_help_str(limit=1000)) for name in members]
        with formatter.section(f"{title} commands"):
            formatter.write_dl(rows)


def _option_names(command: click.Command) -> dict[str, bool]:
    """Every option name of a command -> whether it takes a value."""
    names: dict[str, bool] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                names[name] = not (param.is_flag or param.count)
    return names


def _command_index(args: Sequence[str], global_options: dict[str, bool]) -> int | None:
    """Where the command's name is in the arguments (after the global options)."""
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            return None
        if not token.startswith("-"):
            return index
        name = token.split("=", 1)[0]
        index += 2 if global_options.get(name) and "=" not in token else 1
    return None


def move_global_options(group: click.Group, args: list[str]) -> list[str]:
    """`coprod-kg validate --store memory` as `coprod-kg --store memory validate`: global
    options found after the command move before it, unless the command has an option of the
    same name (then it is the command's)."""
    global_options = _option_names(group)
    at = _command_index(args, global_options)
    if at is None or args[at] not in group.commands:
        return args
    command = group.commands[args[at]]
    own = _option_names(command)
    if isinstance(command, click.Group):
        for token in args[at + 1:]:
            if token in command.commands:
                own.update(_option_names(command.commands[token]))
    moved: list[str] = []
    rest = list(args[at + 1:])
    kept: list[str] = []
    while rest:
        token = rest.pop(0)
        if token == "--":
            kept += [token, *rest]
            break
        name = token.split("=", 1)[0]
        if name in global_options and name not in own:
            moved.append(token)
            if global_options[name] and "=" not in token and rest:
                moved.append(rest.pop(0))
            continue
        kept.append(token)
        if own.get(name) and "=" not in token and rest:
            kept.append(rest.pop(0))  # the value of the command's own option
    return [*args[:at], *moved, args[at], *kept]


def wants_json_errors(args: Sequence[str]) -> bool:
    """Whether the command line asks for `--format json` (errors are then JSON too)."""
    for index, token in enumerate(args):
        if token == "--format=json":
            return True
        if token == "--format" and index + 1 < len(args) and args[index + 1] == "json":
            return True
    return False
