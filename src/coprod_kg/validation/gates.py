"""Quality gates and gap reports: stored queries run beside the shapes.

A quality gate (`*-violation.rq`) fails `validate` when it returns rows. A gap report
(`*-gap.rq`) names gaps in the evidence, such as a principle that no case study shows
(docs/curation.md): its rows are warnings, never a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coprod_kg.queries.catalogue import (
    GAP_SUFFIX,
    VIOLATION_SUFFIX,
    StoredQuery,
    bound_text,
    query_files,
    read_query,
)

VIOLATION = "Violation"
WARNING = "Warning"


@dataclass(frozen=True)
class GateResult:
    name: str
    summary: str
    variables: tuple[str, ...]
    rows: tuple[tuple, ...]  # rdflib terms or None
    severity: str = VIOLATION  # "Violation" (a quality gate) | "Warning" (a gap report)

    @property
    def passed(self) -> bool:
        return not self.rows

    @property
    def is_gap_report(self) -> bool:
        return self.severity == WARNING

    @property
    def failed(self) -> bool:
        """Rows of a quality gate: `validate` exits 1. A gap report never fails."""
        return bool(self.rows) and self.severity == VIOLATION


def gate_queries(folder: Path | None = None) -> list[StoredQuery]:
    """The quality gates: every `*-violation.rq` stored query."""
    return [
        read_query(path) for path in query_files(folder) if path.stem.endswith(VIOLATION_SUFFIX)
    ]


def gap_queries(folder: Path | None = None) -> list[StoredQuery]:
    """The gap reports: every `*-gap.rq` stored query."""
    return [read_query(path) for path in query_files(folder) if path.stem.endswith(GAP_SUFFIX)]


def _run(store, queries: list[StoredQuery], severity: str, label: str) -> list[GateResult]:
    from coprod_kg.progress import track

    results = []
    for stored in track(queries, label, unit="queries" if severity == WARNING else "gates"):
        answer = store.query(bound_text(stored))
        results.append(GateResult(stored.name, stored.summary, tuple(answer.variables),
                                  tuple(answer.rows), severity))
    return results


def run_gates(store, folder: Path | None = None) -> list[GateResult]:
    """Run every `*-violation.rq` query; a gate passes when it returns no rows."""
    return _run(store, gate_queries(folder), VIOLATION, "quality gates")


def run_gap_reports(store, folder: Path | None = None) -> list[GateResult]:
    """Run every `*-gap.rq` query; each row is a gap in the evidence (a warning)."""
    return _run(store, gap_queries(folder), WARNING, "gap reports")
