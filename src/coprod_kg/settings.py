"""The global options of a coprod-kg invocation, handed to every command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    sources: tuple[Path, ...] = ()
    store: str = "oxigraph"
    endpoint: str | None = None
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    timeout: float = 30.0
    allow_federation: bool = False
    debug: bool = False
    workspace: object | None = None  # a graph.workspace.Workspace, found or given
    store_dir: Path | None = None  # the persistent stores' cache (None: see graph.cache)
    extra: dict = field(default_factory=dict)
