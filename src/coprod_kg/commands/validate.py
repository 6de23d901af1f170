"""`coprod-kg validate`: SHACL shapes, the `*-violation.rq` quality gates and the
`*-gap.rq` gap reports.

Exit 0 when the graph conforms (warnings allowed) and every gate returns no rows; gaps in
the evidence (rows of a gap report) are warnings; 1 on a violation or a gate with rows;
2 on an error (malformed file, ...).
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass

import click

from coprod_kg.commands.options import (
    EXIT_ERROR_LINE,
    RDF_FORMATS,
    emit,
    epilog,
    format_option,
    output_option,
    table_width,
    width_option,
)
from coprod_kg.errors import EXIT_NONCONFORMING, EXIT_OK

OTHER = "(not in a case study)"
MAX_GATE_ROWS = 10


@click.command(
    "validate",
    epilog=epilog(
        [
            "coprod-kg validate",
            "coprod-kg validate --all --width 120",
            "coprod-kg validate --format json -o report.json",
            "coprod-kg --source my-data/ validate --format turtle",
        ],
        [
            "0  the graph conforms (warnings and evidence gaps allowed) and every gate "
            "returns no rows",
            "1  a shape violation, or a gate with rows",
            EXIT_ERROR_LINE,
        ],
    ),
)
@format_option(
    ("table", "json") + RDF_FORMATS,
    help="table: summary, case studies with findings, gates; json: every result; "
    "turtle, json-ld, ntriples: the SHACL validation report.",
)
@click.option("--all", "show_all", is_flag=True,
              help="List every case study, also those without violations or warnings.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="List at most N case studies (with their messages).")
@width_option()
@output_option()
@click.pass_context
def validate(ctx: click.Context, fmt: str, show_all: bool, limit: int | None,
             width: int | None, output) -> None:
    """Check the graph against the SHACL shapes and the quality gates; report evidence gaps.

    The table format starts with the verdict and the counts, then lists only the case
    studies with violations or warnings (--all: every one) and their messages, then the
    quality gates (queries/*-violation.rq), then the evidence gaps (queries/*-gap.rq:
    warnings, such as a principle that no case study shows; they never fail)."""
    from coprod_kg.graph.load import load_shapes
    from coprod_kg.graph.store import open_store
    from coprod_kg.progress import step
    from coprod_kg.validation.gates import run_gap_reports, run_gates
    from coprod_kg.validation.shapes import needs_shacl_sparql, validate_graph

    store = open_store(ctx.obj)
    shapes = load_shapes()
    with step("reading the graph for the shapes", unit="steps"):
        graph = store.graph()
    with step("checking the shapes", unit="steps"):
        report = validate_graph(graph, shapes)
    sparql_shapes = needs_shacl_sparql(shapes)
    gates = run_gates(store) + run_gap_reports(store)
    case_studies = _case_studies(store)
    if fmt == "json":
        document = {**_as_json(report, gates), "needs_shacl_sparql": sparql_shapes}
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    elif fmt in RDF_FORMATS:
        from coprod_kg.graph.serialise import serialise

        text = serialise(report.report_graph, fmt)
    else:
        view = View(table_width(width), show_all, limit)
        text = format_text(report, gates, case_studies, view, sparql_shapes)
    emit(text, output)
    ok = report.conforms and not any(gate.failed for gate in gates)
    ctx.exit(EXIT_OK if ok else EXIT_NONCONFORMING)


@dataclass(frozen=True)
class View:
    """How much of the report the table format shows."""

    width: int = 80
    show_all: bool = False
    limit: int | None = None


def _case_studies(store) -> list[tuple[str, str]]:
    """(IRI, label) of every case study, in the review's order."""
    answer = store.query(
        "PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?cs (SAMPLE(?l) AS ?label) (MIN(?n) AS ?number) WHERE {\n"
        "  ?cs a cpo:CaseStudy .\n"
        "  OPTIONAL { ?cs rdfs:label ?l }\n"
        "  OPTIONAL { ?cs cpo:caseNumber ?n }\n"
        "} GROUP BY ?cs ORDER BY ?number ?cs"
    )
    return [(str(row[0]), str(row[1]) if row[1] is not None else "") for row in answer.rows]


def _as_json(report, gates) -> dict:
    from dataclasses import asdict

    from coprod_kg.queries.render import display_value

    return {
        "conforms": report.conforms,
        "violations": len(report.violations()),
        "warnings": len(report.warnings()),
        "results": [asdict(result) for result in report.results],
        "gates": [_gate_json(gate, display_value) for gate in gates
                  if not gate.is_gap_report],
        "gaps": [_gate_json(gate, display_value) for gate in gates if gate.is_gap_report],
    }


def _gate_json(gate, display_value) -> dict:
    return {
        "name": gate.name,
        "summary": gate.summary,
        "severity": gate.severity,
        "passed": gate.passed,
        "rows": [
            {var: display_value(term) for var, term in zip(gate.variables, row, strict=True)}
            for row in gate.rows
        ],
    }


def format_text(report, gates, case_studies: list[tuple[str, str]], view: View = View(),
                sparql_shapes: list[str] | None = None) -> str:
    grouped = report.by_case_study()
    labels = dict(case_studies)
    keys = [iri for iri, _ in case_studies] + sorted(k for k in grouped if k not in labels)
    counts = {key: _counts(grouped.get(key, [])) for key in keys}
    flagged = [key for key in keys if any(counts[key])]
    shown = keys if view.show_all else flagged
    if view.limit is not None:
        shown = shown[: view.limit]
    lines = [_verdict(report, gates)]
    lines.append(
        f"Case studies: {len(keys)} checked, "
        f"{sum(1 for k in keys if counts[k][0])} with violations, "
        f"{sum(1 for k in keys if counts[k][1] and not counts[k][0])} with warnings only"
    )
    lines += ["", _case_study_heading(view, len(shown), len(flagged), len(keys))]
    if shown:
        lines += ["", _case_study_table(shown, counts, labels, view.width)]
    lines += _messages(grouped, shown, view.width)
    lines += ["", "Quality gates (queries/*-violation.rq)", ""]
    lines += _gate_lines([g for g in gates if not g.is_gap_report], view.width)
    gaps = [g for g in gates if g.is_gap_report]
    if gaps:
        lines += ["", "Evidence gaps (queries/*-gap.rq; warnings, not failures)", ""]
        lines += _gate_lines(gaps, view.width)
    lines += _sparql_note(sparql_shapes or [], view.width)
    lines += ["", _verdict(report, gates)]
    return "\n".join(lines) + "\n"


def _counts(results) -> tuple[int, int]:
    violations = sum(1 for r in results if r.severity == "Violation")
    warnings = sum(1 for r in results if r.severity == "Warning")
    return violations, warnings


def _verdict(report, gates) -> str:
    quality = [gate for gate in gates if not gate.is_gap_report]
    failed = sum(1 for gate in quality if gate.failed)
    gaps = sum(len(gate.rows) for gate in gates if gate.is_gap_report)
    verdict = "conforms" if report.conforms and not failed else "does NOT conform"
    return (
        f"Result: {verdict}: {len(report.violations())} violations, {len(report.warnings())} "
        f"warnings, {len(quality) - failed}/{len(quality)} gates passed, "
        f"{gaps} evidence gap{'' if gaps == 1 else 's'}"
    )


def _case_study_heading(view: View, shown: int, flagged: int, total: int) -> str:
    if view.show_all:
        return f"SHACL shapes, every case study ({shown} of {total}):"
    return f"SHACL shapes, case studies with findings ({shown} of {flagged}; --all: every one):"


def _case_study_table(shown, counts, labels, width: int) -> str:
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from coprod_kg.graph.results import QueryResult
    from coprod_kg.queries.render import to_table

    rows = [
        (
            URIRef(key) if key else Literal(OTHER),
            Literal(counts[key][0], datatype=XSD.integer),
            Literal(counts[key][1], datatype=XSD.integer),
            Literal(labels.get(key, "")) if labels.get(key) else None,
        )
        for key in shown
    ]
    result = QueryResult("SELECT", ["case study", "violations", "warnings", "label"], rows)
    table = to_table(result, width - 2).rstrip("\n").splitlines()[:-1]  # no "(n rows)"
    return "\n".join(f"  {line}".rstrip() for line in table)


def _messages(grouped, shown, width: int) -> list[str]:
    from coprod_kg.namespaces import compact_iri

    messages = [(key, r) for key in shown for r in grouped.get(key, []) if r.severity != "Info"]
    if not messages:
        return []
    lines = ["", "Messages:"]
    for _key, result in messages:
        focus = compact_iri(result.focus_node)
        path = f" {_compact_path(result.path)}" if result.path else ""
        text = f"{result.severity} {focus}{path}: {result.message}"
        lines += _wrap(text, width, "  ", "      ")
    return lines


def _gate_lines(gates, width: int) -> list[str]:
    lines = []
    for gate in gates:
        status = "ok  " if gate.passed else ("GAP " if gate.is_gap_report else "FAIL")
        count = "" if gate.passed else f" ({len(gate.rows)} row{'s' if len(gate.rows) > 1 else ''})"
        lines += _wrap(f"{status}  {gate.name}{count}: {gate.summary}", width, "  ", "        ")
        for row in gate.rows[:MAX_GATE_ROWS]:  # identifiers whole, never cut
            lines.append("          " + "  ".join(_cell(term) for term in row))
        if len(gate.rows) > MAX_GATE_ROWS:
            lines.append(
                f"          … {len(gate.rows) - MAX_GATE_ROWS} more"
                f" (run: coprod-kg query {gate.name})"
            )
    return lines


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrapped at spaces only: a CURIE or a path is never split."""
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False)


def _sparql_note(shapes: list[str], width: int = 80) -> list[str]:
    """Lines naming the shapes a SHACL Core engine would skip (none: no lines)."""
    if not shapes:
        return []
    names = ", ".join(_name(shape) for shape in shapes)
    text = f"Shapes that need SHACL-SPARQL (a SHACL Core engine skips them): {names}"
    return ["", *_wrap(text, width, "", "  ")]


def _compact_path(path: str) -> str:
    """A property path with CURIEs where there is a prefix: `cpo:hasOutcome/cpo:timeFrame`."""
    import re

    from coprod_kg.namespaces import compact_iri

    if not path.startswith(("<", "^", "(")):  # a single IRI
        return compact_iri(path)

    def shorter(match: re.Match[str]) -> str:
        curie = compact_iri(match.group(1))
        return curie if curie != match.group(1) else match.group(0)

    return re.sub(r"<([^<>\s]+)>", shorter, path)


def _name(key: str | None) -> str:
    from coprod_kg.namespaces import compact_iri

    return compact_iri(key) if key else OTHER


def _cell(term) -> str:
    from coprod_kg.queries.render import display_value

    return display_value(term) or "-"
