"""Authoring case studies without writing Turtle: YAML templates in, canonical Turtle out.

This module holds what the other authoring modules share: the parsed template (Node,
Template), the vocabulary a graph offers a template, the errors, and the prefixes of the
written files. The flow: `yaml_reader` + `reading` (check a filled template), `turtle`
(canonical Turtle), `transaction` (import: check everything, then write everything),
`export_template` (a case study back as a template; a new blank template), `yaml_writer`
(the template's YAML text), `schema` (the fields a template has).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg import namespaces
from coprod_kg.authoring import schema as t
from coprod_kg.errors import EXIT_NONCONFORMING, InputError

if TYPE_CHECKING:
    from rdflib import Graph


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = namespaces.PREFIXES["xsd"]
CASE_STUDY_CLASS = t.CPO + "CaseStudy"
CASE_STUDY_NS, CASE_STUDY_PREFIX = t.NODE_NAMESPACES["case_study"]

# The prefixes of every written case-study file, in this order (as the curated files have them).
CASE_STUDY_FILE_PREFIXES = (
    "cpo", "cpr", "cs", "out", "fig", "al", "lp", "pr", "ref", "agent", "prog", "iv", "pop",
    "setting", "place", "cat", "dir", "design", "status", "rdf", "rdfs", "xsd", "owl", "skos",
    "dcterms", "prov", "bibo", "fabio", "foaf", "qudt", "unit", "cur", "dcat", "comparator",
    "measure", "instrument", "item", "qualifier",
)
PREFIXES: list[tuple[str, str]] = [
    (prefix, namespaces.PREFIXES[prefix]) for prefix in CASE_STUDY_FILE_PREFIXES
]
PREFIX_OF = {namespace: prefix for prefix, namespace in PREFIXES}


class TemplateError(InputError):
    """One or more templates are not valid; `errors` holds one line each."""

    def __init__(self, errors: list[str], exit_code: int | None = None) -> None:
        count = len(errors)
        super().__init__(errors[0] if count == 1 else
                         f"{count} errors in the templates; nothing was written")
        self.errors = errors
        if exit_code is not None:
            self.exit_code = exit_code


class NonConformingTemplate(TemplateError):
    """The templates are well formed but the graph they make breaks the SHACL shapes."""

    exit_code = EXIT_NONCONFORMING


# --------------------------------------------------------------------------
# The parsed template
# --------------------------------------------------------------------------


@dataclass
class Node:
    """One case study, outcome, figure, alignment or learning point of a template."""

    list_key: str  # "case_study" or a key of template.NODE_LISTS
    slug: str
    line: int
    path: str  # how errors name it: "outcomes[2]"
    kind: str = ""  # outcome type
    values: dict[str, list[str]] = field(default_factory=dict)  # canonical texts
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        return t.NODE_NAMESPACES[self.list_key][0] + self.slug

    @property
    def fields(self) -> list[t.Field]:
        if self.list_key == "case_study":
            return t.CASE_STUDY_FIELDS
        return t.NODE_LISTS[self.list_key][1]

    def field_path(self, key: str) -> str:
        return key if self.list_key == "case_study" else f"{self.path}.{key}"


@dataclass
class Template:
    path: Path
    case: Node
    nodes: dict[str, list[Node]]  # list key -> nodes
    # For a template read from a sheet: "line" number -> "Sheet!F17" (see authoring.sheets).
    cells: dict[int, str] | None = None

    def locate(self, line: int, where: str) -> str:
        """How an error names a place: `file:line: field`, or `file:Sheet!F17` for a sheet."""
        if self.cells is not None:
            return f"{self.path}:{self.cells.get(line, '')}".rstrip(":")
        return f"{self.path}:{line}: {where}"

    def all_nodes(self) -> list[Node]:
        return [self.case] + [node for key in t.NODE_LISTS for node in self.nodes[key]]

    @property
    def file_name(self) -> str:
        number = self.case.values.get("case_number")
        return f"{int(number[0]):02d}-{self.case.slug}.ttl" if number else f"{self.case.slug}.ttl"


@dataclass
class Vocabulary:
    """What the graph offers a template: allowed slugs per kind, and where each subject is."""

    allowed: dict[str, list[str]]  # reference noun -> sorted slugs
    subject_files: dict[str, Path]  # subject IRI -> the data file that describes it


def vocabulary_of(graph: Graph, subject_files: dict[str, Path] | None = None) -> Vocabulary:
    from rdflib import RDF, URIRef

    allowed: dict[str, list[str]] = {}
    references = {spec.ref for spec in _all_fields() if spec.ref is not None}
    for ref in references:
        classes = set(graph.transitive_subjects(URIRef(RDFS_SUBCLASS), URIRef(ref.cls)))
        slugs = {
            str(subject)[len(ref.namespace):]
            for cls in classes
            for subject in graph.subjects(RDF.type, cls)
            if isinstance(subject, URIRef) and str(subject).startswith(ref.namespace)
        }
        allowed[ref.noun] = sorted(s for s in slugs if t.SLUG.match(s))
    return Vocabulary(allowed, subject_files or {})


def _all_fields() -> Iterable[t.Field]:
    yield from t.CASE_STUDY_FIELDS
    for _, fields, _ in t.NODE_LISTS.values():
        yield from fields


def curie_of(iri: str) -> str:
    best = max((ns for ns in PREFIX_OF if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        local = iri[len(best):]
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", local):
            return f"{PREFIX_OF[best]}:{local}"
    return f"<{iri}>"
