"""A cell that joins several values (outcomes-table's later evidence) lists them in one
order on every engine: the order of their texts, not the order the engine found them in
(issue 16). Virtuoso: tests/interop/test_virtuoso.py."""

from __future__ import annotations

import pytest
from rdflib import Graph

from coprod_kg.graph.store import MemoryStore, OxigraphStore
from later_evidence_cells import CELLS, FIXTURE, later_evidence_cells


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_later_evidence_parts_are_in_the_order_of_their_texts(engine: str) -> None:
    graph = Graph().parse(FIXTURE)
    store = OxigraphStore.from_graph(graph) if engine == "oxigraph" else MemoryStore(graph)
    assert later_evidence_cells(store) == CELLS
