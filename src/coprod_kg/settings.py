"""The global options of a coprod-kg invocation, handed to every command."""

from __future__ import annotations

from pathlib import Path

from coprod_kg.records import Record


class Settings(Record):
    """Frozen; `dataclasses.replace(settings, endpoint=None)` gives a changed copy."""

    sources: tuple[Path, ...]
    store: str
    endpoint: str | None
    update_endpoint: str | None
    gsp_endpoint: str | None
    timeout: float
    allow_federation: bool
    debug: bool
    workspace: object | None  # a graph.workspace.Workspace, found or given
    store_dir: Path | None  # the persistent stores' cache (None: see graph.cache)
    extra: dict

    def __init__(self, sources: tuple[Path, ...] = (), store: str = "oxigraph",
                 endpoint: str | None = None, update_endpoint: str | None = None,
                 gsp_endpoint: str | None = None, timeout: float = 30.0,
                 allow_federation: bool = False, debug: bool = False,
                 workspace: object | None = None, store_dir: Path | None = None,
                 extra: dict | None = None) -> None:
        self._set(sources=sources, store=store, endpoint=endpoint,
                  update_endpoint=update_endpoint, gsp_endpoint=gsp_endpoint, timeout=timeout,
                  allow_federation=allow_federation, debug=debug, workspace=workspace,
                  store_dir=store_dir, extra={} if extra is None else extra)
