"""A graph whose outcomes have several pieces of later evidence each, and the later-evidence
cells of queries/outcomes-table.rq it must give on every engine: the parts in the order of
their texts, whatever order the engine finds them in (the memory, Oxigraph and Virtuoso
tests share it)."""

from __future__ import annotations

from pathlib import Path

from coprod_kg.queries.catalogue import bound_text, get_query

FIXTURE = Path(__file__).parent / "fixtures" / "concat" / "later-evidence-parts.ttl"
EX = "https://example.org/concat/"
ALPHA = "Contradicts: Alpha 2019, First finding"
BETA = "Qualifies: Beta 2018, Second finding"
GAMMA = "Supports: Gamma 2017, Third finding"
# outcome -> later-evidence cell, in the table's order (case number, then outcome IRI)
CELLS = [
    (EX + "outcome-1", f"{ALPHA} | {BETA} | {GAMMA}"),
    (EX + "outcome-4", BETA),
    (EX + "outcome-2", f"{ALPHA} | {GAMMA}"),
    (EX + "outcome-3", None),
]


def later_evidence_cells(store) -> list[tuple[str, str | None]]:
    """(outcome, laterEvidence) of each row of outcomes-table on `store`."""
    result = store.query(bound_text(get_query("outcomes-table"), {}))
    names = [str(v) for v in result.variables]
    outcome, cell = names.index("outcome"), names.index("laterEvidence")
    return [(str(row[outcome]), None if row[cell] is None else str(row[cell]))
            for row in result.rows]
