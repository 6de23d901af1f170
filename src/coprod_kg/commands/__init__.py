"""CLI commands, one module per concern. Add a module's commands to COMMAND_MODULES."""

from __future__ import annotations

import importlib

import click

# module name -> names of click commands it defines
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "load": ("load_command",),
    "serve": ("serve_command",),
    "query": ("query", "queries"),
    "validate": ("validate",),
    "export": ("export",),
    "stats": ("stats",),
    "site": ("site_command", "map_command"),
    "links": ("links",),
    "describe": ("describe",),
    "authoring": ("new_group", "import_command", "export_template_command"),
    "completion": ("completion",),
    "workspace": ("init_command",),
    "cache": ("cache_group",),
}


def register(group: click.Group) -> None:
    for module_name, command_names in COMMAND_MODULES.items():
        module = importlib.import_module(f"coprod_kg.commands.{module_name}")
        for name in command_names:
            group.add_command(getattr(module, name))
