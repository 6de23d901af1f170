"""The typed validation report: one ValidationResult per SHACL result, sorted.

`conforms` means "no sh:Violation": warnings and infos are allowed, whatever pyshacl's
own `conforms` says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rdflib and pyshacl are imported lazily: `coprod-kg --help` must stay light
    from rdflib import Graph


SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    focus_node: str
    source_shape: str
    severity: str  # "Violation" | "Warning" | "Info"
    message: str
    path: str | None
    value: str | None
    case_study: str | None  # IRI of the case study the focus node belongs to, if any

    def sort_key(self) -> tuple:
        return (
            self.case_study or "",
            self.focus_node,
            SEVERITY_ORDER.get(self.severity, len(SEVERITY_ORDER)),
            self.source_shape,
            self.path or "",
            self.value or "",
            self.message,
        )


@dataclass
class ValidationReport:
    conforms: bool  # True when there is no Violation (warnings allowed)
    results: list[ValidationResult]  # sorted deterministically
    report_graph: Graph = field(repr=False)  # pyshacl's results graph

    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def by_case_study(self) -> dict[str, list[ValidationResult]]:
        """Results grouped by case study IRI; results outside any case study under ""."""
        groups: dict[str, list[ValidationResult]] = {}
        for result in self.results:
            groups.setdefault(result.case_study or "", []).append(result)
        return groups
