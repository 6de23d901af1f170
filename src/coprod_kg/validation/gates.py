"""Quality gates: the `*-violation.rq` stored queries, run beside the shapes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coprod_kg.queries.catalogue import (
    VIOLATION_SUFFIX,
    StoredQuery,
    bound_text,
    query_files,
    read_query,
)


@dataclass(frozen=True)
class GateResult:
    name: str
    summary: str
    variables: tuple[str, ...]
    rows: tuple[tuple, ...]  # rdflib terms or None

    @property
    def passed(self) -> bool:
        return not self.rows


def gate_queries(folder: Path | None = None) -> list[StoredQuery]:
    """The quality gates: every `*-violation.rq` stored query."""
    return [
        read_query(path) for path in query_files(folder) if path.stem.endswith(VIOLATION_SUFFIX)
    ]


def run_gates(store, folder: Path | None = None) -> list[GateResult]:
    """Run every `*-violation.rq` query; a gate passes when it returns no rows."""
    from coprod_kg.progress import track

    results = []
    for stored in track(gate_queries(folder), "quality gates", unit="gates"):
        answer = store.query(bound_text(stored))
        results.append(
            GateResult(stored.name, stored.summary, tuple(answer.variables), tuple(answer.rows))
        )
    return results
