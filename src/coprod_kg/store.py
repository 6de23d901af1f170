"""Query backends behind one interface.

A store answers SPARQL text (parameters are already bound as VALUES by the
catalogue) with a QueryResult, whatever engine sits behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coprod_kg.settings import Settings


@dataclass
class QueryResult:
    """The answer to one query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph."""

    kind: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # rdflib terms or None
    boolean: bool | None = None
    graph: Any = None  # an rdflib Graph for CONSTRUCT/DESCRIBE


class MemoryStore:
    """rdflib's own in-memory graph and SPARQL engine."""

    def __init__(self, graph) -> None:
        self._graph = graph

    def graph(self):
        return self._graph

    def __len__(self) -> int:
        return len(self._graph)

    def query(self, text: str) -> QueryResult:
        result = self._graph.query(text)
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            return QueryResult("SELECT", variables, [tuple(row) for row in result])
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        return QueryResult(result.type, graph=result.graph)


def open_store(settings: Settings):
    """The store the global options ask for, loaded with the graph."""
    from coprod_kg.load import load_graph

    return MemoryStore(load_graph(settings.sources))
