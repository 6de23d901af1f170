"""Exporting the knowledge graph to a file (the formats are in graph.serialise)."""

from __future__ import annotations

from pathlib import Path

from coprod_kg.graph.serialise import serialise, write_atomically


def export_graph(graph, fmt: str, target: Path | None = None) -> str:
    """Serialise the graph; write it to `target` (atomically) when given. Returns the text."""
    text = serialise(graph, fmt)
    if target is not None:
        write_atomically(text, target)
    return text
