"""CLI commands, one module per concern. Add a command to COMMANDS.

A command's module is imported only when the command is used (or listed by `--help`, or
completed): `coprod-kg query NAME` does not import the site, validation or serving code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

import click

# command name -> (module of coprod_kg.commands, name of the click command in it)
COMMANDS: dict[str, tuple[str, str]] = {
    "load": ("load", "load_command"),
    "serve": ("serve", "serve_command"),
    "query": ("query", "query"),
    "queries": ("query", "queries"),
    "validate": ("validate", "validate"),
    "export": ("export", "export"),
    "stats": ("stats", "stats"),
    "site": ("site", "site_command"),
    "map": ("site", "map_command"),
    "links": ("links", "links"),
    "describe": ("describe", "describe"),
    "new": ("authoring", "new_group"),
    "import": ("authoring", "import_command"),
    "export-template": ("authoring", "export_template_command"),
    "completion": ("completion", "completion"),
    "init": ("workspace", "init_command"),
    "cache": ("cache", "cache_group"),
}


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands by name, each imported on first use."""

    def __init__(self, table: dict[str, tuple[str, str]]) -> None:
        self._table = dict(table)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module_name, attribute = self._table[name]  # KeyError: no such command
            module = importlib.import_module(f"coprod_kg.commands.{module_name}")
            self._loaded[name] = getattr(module, attribute)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._table.pop(name, None)
        self._loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._table or name in self._loaded

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._table, *self._loaded]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._table, *self._loaded]))


def register(group: click.Group) -> None:
    group.commands = LazyCommands(COMMANDS)
