"""Validate the knowledge graph against the SHACL shapes: a pyshacl wrapper with a typed report.

`conforms` means "no sh:Violation": warnings and infos are allowed, whatever pyshacl's own
`conforms` says. Each result names the case study its focus node belongs to, so a report can
be shown as a completeness table per case study.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from coprod_kg.validation.report import ValidationReport, ValidationResult

if TYPE_CHECKING:  # rdflib and pyshacl are imported lazily: `coprod-kg --help` must stay light
    from rdflib import Graph
    from rdflib.term import Node


CPO = "https://w3id.org/coprod-kg/ontology#"
SH = "http://www.w3.org/ns/shacl#"

# Links from a case study to the nodes that belong to it.
CASE_STUDY_LINKS = ("hasOutcome", "hasProgrammeFigure", "hasPrincipleAlignment", "hasLearningPoint")


def validate_graph(data_graph: Graph, shapes_graph: Graph | None = None) -> ValidationReport:
    """Validate `data_graph` (which already holds the ontology) against the shapes.

    `shapes_graph` defaults to the bundled shapes/. The data graph is not modified.
    """
    from pyshacl import validate
    from rdflib import URIRef

    if shapes_graph is None:
        from coprod_kg.graph.load import load_shapes

        shapes_graph = load_shapes()
    # pyshacl copies the data graph unless told to work in place; with no inference and no
    # SHACL rules nothing is added to it, so the (costly) copy is skipped.
    has_rules = (None, URIRef(SH + "rule"), None) in shapes_graph
    _, report_graph, _ = validate(
        data_graph,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        abort_on_first=False,
        allow_warnings=True,
        inplace=not has_rules,
    )
    _conforms_as_the_spec_says(report_graph)
    results = sorted(_results_of(report_graph, data_graph), key=ValidationResult.sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, report_graph=report_graph)


def _conforms_as_the_spec_says(report_graph: Graph) -> None:
    """SHACL: sh:conforms is true only when there is no result at all, whatever its severity
    (pyshacl's allow_warnings says true beside warnings). Our own verdict, "conforms with
    warnings", is ValidationReport.conforms; the RDF report follows the spec."""
    from rdflib import RDF, Literal

    sh = _ns(SH)
    conforms = (None, sh("result"), None) not in report_graph
    for report in report_graph.subjects(RDF.type, sh("ValidationReport")):
        report_graph.set((report, sh("conforms"), Literal(conforms)))


def needs_shacl_sparql(shapes_graph: Graph) -> list[str]:
    """The shapes a SHACL Core engine skips: a SPARQL-based target (sh:target, SHACL-AF) or a
    SPARQL constraint (sh:sparql, SHACL-SPARQL). Sorted IRIs."""
    sh = _ns(SH)
    found = set(shapes_graph.subjects(sh("target"), None))
    found.update(shapes_graph.subjects(sh("sparql"), None))
    return sorted(str(shape) for shape in found)


def _results_of(report_graph: Graph, data_graph: Graph) -> Iterable[ValidationResult]:
    from rdflib import RDF, URIRef

    sh = _ns(SH)
    for node in report_graph.subjects(RDF.type, sh("ValidationResult")):
        focus = report_graph.value(node, sh("focusNode"))
        severity = report_graph.value(node, sh("resultSeverity"))
        path = report_graph.value(node, sh("resultPath"))
        value = report_graph.value(node, sh("value"))
        messages = sorted(str(m) for m in report_graph.objects(node, sh("resultMessage")))
        yield ValidationResult(
            focus_node=str(focus),
            source_shape=_term_text(report_graph.value(node, sh("sourceShape"))),
            severity=_local_name(severity) if isinstance(severity, URIRef) else str(severity),
            message=" / ".join(messages) if messages else _default_message(report_graph, node),
            path=render_path(report_graph, path) if path is not None else None,
            value=_term_text(value) if value is not None else None,
            case_study=case_study_of(data_graph, focus),
        )


def case_study_of(data_graph: Graph, node: Node | None) -> str | None:
    """The case study a node belongs to: itself, or the case study linking to it."""
    from rdflib import RDF, URIRef

    if node is None:
        return None
    cpo = _ns(CPO)
    if (node, RDF.type, cpo("CaseStudy")) in data_graph:
        return str(node)
    owners = {
        str(owner)
        for link in CASE_STUDY_LINKS
        for owner in data_graph.subjects(cpo(link), node)
        if isinstance(owner, URIRef)
    }
    # a curated alignment points at its case study (data/curation/alignments.ttl)
    owners |= {str(owner) for owner in data_graph.objects(node, cpo("principleAlignmentOf"))
               if isinstance(owner, URIRef)}
    return min(owners) if owners else None


def render_path(graph: Graph, path: Node) -> str:
    """A SHACL property path as SPARQL path text (an IRI path is just the IRI)."""
    from rdflib import RDF, BNode
    from rdflib.collection import Collection

    sh = _ns(SH)
    if not isinstance(path, BNode):
        return str(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_wrapped(graph, step) for step in Collection(graph, path))
    unary = {"inversePath": "^{}", "zeroOrMorePath": "{}*", "oneOrMorePath": "{}+",
             "zeroOrOnePath": "{}?"}
    for name, template in unary.items():
        inner = graph.value(path, sh(name))
        if inner is not None:
            return template.format(_wrapped(graph, inner))
    alternatives = graph.value(path, sh("alternativePath"))
    if alternatives is not None:
        return "|".join(_wrapped(graph, step) for step in Collection(graph, alternatives))
    return str(path)


def _wrapped(graph: Graph, path: Node) -> str:
    from rdflib import BNode

    text = render_path(graph, path)
    if isinstance(path, BNode):
        return f"({text})"
    return f"<{text}>"


def _default_message(report_graph: Graph, node: Node) -> str:
    component = report_graph.value(node, _ns(SH)("sourceConstraintComponent"))
    return f"fails {_local_name(component)}" if component is not None else "fails a constraint"


def _term_text(term: Node | None) -> str:
    return "" if term is None else str(term)


def _local_name(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _ns(base: str):
    from rdflib import URIRef

    return lambda name: URIRef(base + name)
