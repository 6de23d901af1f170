"""`coprod-kg cache info|clear`: the persistent Oxigraph stores built from the sources."""

from __future__ import annotations

import json

import click

from coprod_kg.commands.options import epilog


@click.group("cache", epilog=epilog(["coprod-kg cache info", "coprod-kg cache prune --keep 2",
                                      "coprod-kg cache clear"]))
def cache_group() -> None:
    """The on-disk stores that keep queries fast between commands (see --store-dir)."""


@cache_group.command("info", epilog=epilog(["coprod-kg cache info --format json"]))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def cache_info_command(settings, fmt) -> None:
    """Where the cache is, and the stores it holds."""
    from coprod_kg.graph.cache_admin import cache_info

    info = cache_info(settings.store_dir)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"folder: {info['folder']}")
    click.echo(f"stores: {len(info['stores'])} ({info['bytes'] / 1e6:.1f} MB)")
    for store in info["stores"]:
        click.echo(f"  {store['key']}  built {store['built']}  {store['triples']} triples  "
                   f"{store['sources']} source files  {store['bytes'] / 1e6:.1f} MB")


@cache_group.command("clear", epilog=epilog(["coprod-kg cache clear"]))
@click.pass_obj
def cache_clear_command(settings) -> None:
    """Remove every cached store (the next command builds its store again); a store a
    running command has open stays."""
    from coprod_kg.graph.cache import cache_root
    from coprod_kg.graph.cache_admin import clear_cache, store_count

    removed = clear_cache(settings.store_dir)
    click.echo(f"removed {removed} store{'s' if removed != 1 else ''} from "
               f"{cache_root(settings.store_dir)}")
    kept = store_count(settings.store_dir)
    if kept:
        click.echo(f"kept {kept} store{'s' if kept != 1 else ''} in use by a running "
                   "command; clear again when it has finished")


@cache_group.command("prune", epilog=epilog(["coprod-kg cache prune",
                                             "coprod-kg cache prune --keep 1"]))
@click.option("--keep", type=click.IntRange(min=0), default=None,
              help="Stores of existing sources to keep, most recently used first "
                   "[default: 5].")
@click.pass_obj
def cache_prune_command(settings, keep) -> None:
    """Remove the stores of sources that no longer exist, and old stores (done after each
    build too); a store a running command has open stays."""
    from coprod_kg.graph.cache import cache_root, prune_stores

    removed = prune_stores(settings.store_dir, keep=keep)
    click.echo(f"removed {len(removed)} store{'s' if len(removed) != 1 else ''} from "
               f"{cache_root(settings.store_dir)}")
