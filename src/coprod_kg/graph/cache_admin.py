"""`coprod-kg cache info|clear`: what the store cache holds, and emptying it (graph.cache
builds, finds and prunes the stores)."""

from __future__ import annotations

import shutil
from pathlib import Path

from coprod_kg.graph.cache import (
    _prune_keys,
    _remove_builds,
    _remove_unused,
    _stores,
    cache_root,
)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cache_info(store_dir: Path | str | None = None) -> dict:
    root = cache_root(store_dir)
    stores = [{"key": found.key, "built": found.manifest.get("built"),
               "triples": found.manifest.get("triples"),
               "sources": len(found.manifest.get("sources", [])),
               "bytes": folder_size(found.folder)} for found in _stores(root)]
    return {"folder": str(root), "stores": stores,
            "bytes": sum(s["bytes"] for s in stores)}


def store_count(store_dir: Path | str | None = None) -> int:
    """How many complete stores the cache holds (after `clear_cache`: those in use)."""
    return len(_stores(cache_root(store_dir)))


def clear_cache(store_dir: Path | str | None = None) -> int:
    """Remove every cached store that no running command holds (a store in use stays, as in
    prune: removing it under a command that has just found it would fail that command), the
    keys of removed stores, folders of stores/ that are no complete store, and builds left
    behind (not those a running command is making); returns how many stores were removed.
    Only the cache's own subfolders are touched."""
    root = cache_root(store_dir)
    stores = _stores(root)
    removed = sum(_remove_unused(root, store, strict=True) for store in stores)
    complete = {store.folder.name for store in stores}
    folder = root / "stores"
    for path in sorted(folder.glob("*")) if folder.is_dir() else ():
        if path.is_dir() and path.name not in complete:
            shutil.rmtree(path, ignore_errors=True)
    _prune_keys(root)
    _remove_builds(root, 0)
    return removed
