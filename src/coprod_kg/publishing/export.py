"""Exporting the knowledge graph to a file (the formats are in graph.serialise; trig and
nquads, one named graph per voice, in publishing.voices)."""

from __future__ import annotations

from pathlib import Path

from coprod_kg.graph.serialise import serialise, write_atomically


def export_graph(graph, fmt: str, target: Path | None = None) -> str:
    """Serialise the graph; write it to `target` (atomically) when given. Returns the text."""
    if fmt in ("trig", "nquads"):
        from coprod_kg.publishing.voices import to_nquads, to_trig

        text = to_trig(graph) if fmt == "trig" else to_nquads(graph)
    else:
        text = serialise(graph, fmt)
    if target is not None:
        write_atomically(text, target)
    return text
