"""`coprod-kg validate`: SHACL shapes plus the `*-violation.rq` quality gates.

Exit 0 when the graph conforms (warnings allowed) and every gate returns no rows;
1 on a violation or a gate with rows; 2 on an error (malformed file, ...).
"""

from __future__ import annotations

import json
import textwrap

import click

from coprod_kg.errors import EXIT_NONCONFORMING, EXIT_OK

OTHER = "(not in a case study)"
WIDTH = 80
MAX_GATE_ROWS = 10


@click.command("validate")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: completeness table and gates; json: every result; turtle: the SHACL report.",
)
@click.pass_context
def validate(ctx: click.Context, fmt: str) -> None:
    """Check the graph against the shapes and the quality gates."""
    from coprod_kg.graph.load import load_shapes
    from coprod_kg.graph.store import open_store
    from coprod_kg.validation.gates import run_gates
    from coprod_kg.validation.shapes import needs_shacl_sparql, validate_graph

    store = open_store(ctx.obj)
    shapes = load_shapes()
    report = validate_graph(store.graph(), shapes)
    sparql_shapes = needs_shacl_sparql(shapes)
    gates = run_gates(store)
    case_studies = _case_studies(store)
    if fmt == "json":
        document = {**_as_json(report, gates), "needs_shacl_sparql": sparql_shapes}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif fmt == "turtle":
        from coprod_kg.graph.serialise import to_turtle

        click.echo(to_turtle(report.report_graph), nl=False)
    else:
        click.echo(format_text(report, gates, case_studies, sparql_shapes), nl=False)
    ok = report.conforms and all(gate.passed for gate in gates)
    ctx.exit(EXIT_OK if ok else EXIT_NONCONFORMING)


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
        "gates": [
            {
                "name": gate.name,
                "summary": gate.summary,
                "passed": gate.passed,
                "rows": [
                    {
                        var: display_value(term)
                        for var, term in zip(gate.variables, row, strict=True)
                    }
                    for row in gate.rows
                ],
            }
            for gate in gates
        ],
    }


def format_text(report, gates, case_studies: list[tuple[str, str]],
                sparql_shapes: list[str] | None = None) -> str:
    from coprod_kg.namespaces import compact_iri

    grouped = report.by_case_study()
    labels = dict(case_studies)
    keys = [iri for iri, _ in case_studies] + sorted(k for k in grouped if k not in labels)
    lines = ["Completeness by case study (SHACL shapes)", ""]
    name_width = max([len("case study")] + [len(_name(k)) for k in keys])
    lines.append(f"  {'case study'.ljust(name_width)}  violations  warnings  label")
    for key in keys:
        results = grouped.get(key, [])
        violations = sum(1 for r in results if r.severity == "Violation")
        warnings = sum(1 for r in results if r.severity == "Warning")
        counts = f"{violations:>10}  {warnings:>8}"
        row = f"  {_name(key).ljust(name_width)}  {counts}  {labels.get(key, '')}"
        lines.append(_clip(row.rstrip(), WIDTH))
    messages = [(key, r) for key in keys for r in grouped.get(key, []) if r.severity != "Info"]
    if messages:
        lines += ["", "Messages:"]
        for _key, result in messages:
            focus = compact_iri(result.focus_node)
            path = f" {_compact_path(result.path)}" if result.path else ""
            text = f"{result.severity} {focus}{path}: {result.message}"
            lines += textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="      ")
    lines += ["", "Quality gates (queries/*-violation.rq)", ""]
    for gate in gates:
        status = "ok  " if gate.passed else "FAIL"
        count = "" if gate.passed else f" ({len(gate.rows)} row{'s' if len(gate.rows) > 1 else ''})"
        lines.append(_clip(f"  {status}  {gate.name}{count}: {gate.summary}", WIDTH))
        for row in gate.rows[:MAX_GATE_ROWS]:
            lines.append(_clip("          " + "  ".join(_cell(term) for term in row), WIDTH))
        if len(gate.rows) > MAX_GATE_ROWS:
            lines.append(
                f"          … {len(gate.rows) - MAX_GATE_ROWS} more"
                f" (run: coprod-kg query {gate.name})"
            )
    failed = sum(1 for gate in gates if not gate.passed)
    verdict = "conforms" if report.conforms and not failed else "does NOT conform"
    lines += _sparql_note(sparql_shapes or [])
    lines += [
        "",
        f"Result: {verdict}: {len(report.violations())} violations, {len(report.warnings())} "
        f"warnings, {len(gates) - failed}/{len(gates)} gates passed",
    ]
    return "\n".join(lines) + "\n"


def _sparql_note(shapes: list[str]) -> list[str]:
    """Lines naming the shapes a SHACL Core engine would skip (none: no lines)."""
    import textwrap

    if not shapes:
        return []
    names = ", ".join(_name(shape) for shape in shapes)
    text = f"Shapes that need SHACL-SPARQL (a SHACL Core engine skips them): {names}"
    return ["", *textwrap.wrap(text, WIDTH, subsequent_indent="  ")]


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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(term) -> str:
    from coprod_kg.queries.render import display_value

    return display_value(term) or "-"
