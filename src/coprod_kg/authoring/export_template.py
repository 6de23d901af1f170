"""A case study of the graph as a filled template (export-template), and a new blank one."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t
from coprod_kg.authoring.model import (
    CASE_STUDY_CLASS,
    CASE_STUDY_NS,
    CASE_STUDY_PREFIX,
    XSD,
    curie_of,
    vocabulary_of,
)
from coprod_kg.authoring.yaml_writer import render_template
from coprod_kg.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph



class ExportError(InputError):
    """A case study uses something the template cannot hold; exporting it would lose data."""


def find_case_study(graph: Graph, case: str) -> str:
    """The IRI of a case study given as IRI, `cs:slug` or slug."""
    from rdflib import RDF, URIRef

    if case.startswith(("http://", "https://")):
        iri = case
    elif case.startswith(f"{CASE_STUDY_PREFIX}:"):
        iri = CASE_STUDY_NS + case.split(":", 1)[1]
    else:
        iri = CASE_STUDY_NS + case
    if (URIRef(iri), RDF.type, URIRef(CASE_STUDY_CLASS)) not in graph:
        known = sorted(str(s)[len(CASE_STUDY_NS):]
                       for s in graph.subjects(RDF.type, URIRef(CASE_STUDY_CLASS)))
        raise InputError(f"no case study {case!r} in the graph (known: {', '.join(known)})")
    return iri


def export_document(graph: Graph, case_iri: str) -> dict:
    """The template content of a case study: field key -> list of value texts."""
    from rdflib import URIRef

    case = URIRef(case_iri)
    document: dict = {"id": [case_iri[len(CASE_STUDY_NS):]]}
    links = {link for link, _, _ in t.NODE_LISTS.values()}
    document.update(_export_values(graph, case, t.CASE_STUDY_FIELDS, {CASE_STUDY_CLASS}, links))
    for list_key, (link, fields, _) in t.NODE_LISTS.items():
        namespace = t.NODE_NAMESPACES[list_key][0]
        nodes = []
        for member in sorted(graph.objects(case, URIRef(link)), key=str):
            slug = _slug_in(str(member), namespace, f"{curie_of(case_iri)} {curie_of(link)}")
            classes = set(t.OUTCOME_TYPES.values()) if list_key == "outcomes" \
                else {t.NODE_CLASSES[list_key]}
            node = {"id": [slug]}
            if list_key == "outcomes":
                node["type"] = [_outcome_type(graph, member)]
            node.update(_export_values(graph, member, fields, classes, set()))
            nodes.append(node)
        if list_key == "learning_points":
            nodes.sort(key=lambda n: (int(n.get("position", ["0"])[0]), n["id"][0]))
        document[list_key] = nodes
    return document


def _outcome_type(graph: Graph, node) -> str:
    from rdflib import RDF

    kinds = [name for name, cls in t.OUTCOME_TYPES.items()
             if (node, RDF.type, _uri(cls)) in graph]
    if len(kinds) != 1:
        raise ExportError(f"{curie_of(str(node))}: an outcome must have exactly one of the types "
                          f"{', '.join(t.OUTCOME_TYPES.values())}")
    return kinds[0]


def _uri(iri: str):
    from rdflib import URIRef

    return URIRef(iri)


def _export_values(graph: Graph, subject, fields: list[t.Field], classes: set[str],
                   links: set[str]) -> dict[str, list[str]]:
    from rdflib import RDF

    by_predicate = {spec.predicate: spec for spec in fields}
    values: dict[str, list[str]] = {}
    for predicate, obj in graph.predicate_objects(subject):
        iri = str(predicate)
        if predicate == RDF.type:
            if str(obj) not in classes:
                raise ExportError(f"{curie_of(str(subject))} has type {curie_of(str(obj))}, "
                                  "which the template cannot hold")
            continue
        if iri in links:
            continue
        spec = by_predicate.get(iri)
        if spec is None:
            raise ExportError(f"{curie_of(str(subject))} has a {curie_of(iri)} value, "
                              "which the template has no field for")
        values.setdefault(spec.key, []).append(_export_term(spec, obj, subject))
    for spec in fields:
        if spec.key in values:
            if not spec.many and len(values[spec.key]) > 1:
                raise ExportError(f"{curie_of(str(subject))} has {len(values[spec.key])} "
                                  f"{curie_of(spec.predicate)} values; the template holds one")
            values[spec.key] = sorted(values[spec.key])
    return {spec.key: values[spec.key] for spec in fields if spec.key in values}


def _export_term(spec: t.Field, term, subject) -> str:
    from rdflib import Literal, URIRef

    where = f"{curie_of(str(subject))} {curie_of(spec.predicate)}"
    kind = spec.kind
    if kind in ("unit", "ref"):
        if not isinstance(term, URIRef):
            raise ExportError(f"{where}: expected an IRI, found the literal {term!r}")
        if kind == "unit":
            names = [name for name, iri in t.UNITS.items() if iri == str(term)]
            if not names:
                raise ExportError(f"{where}: unit {curie_of(str(term))} is not one the template "
                                  f"knows ({', '.join(t.UNITS)})")
            return names[0]
        assert spec.ref is not None
        return _slug_in(str(term), spec.ref.namespace, where)
    if not isinstance(term, Literal):
        raise ExportError(f"{where}: expected a literal, found {curie_of(str(term))}")
    datatype = str(term.datatype) if term.datatype else None
    expected = {
        "text": (None, None), "en": (None, "en"), "int": (XSD + "integer", None),
        "decimal": (XSD + "decimal", None), "bool": (XSD + "boolean", None),
        "duration": (XSD + "duration", None),
    }
    if kind == "date":
        if datatype not in {XSD + d for _, d in t.DATE_FORMS}:
            raise ExportError(f"{where}: expected an xsd:gYear, gYearMonth or date")
        return str(term)
    want_type, want_lang = expected[kind]
    if datatype == XSD + "string" and kind == "text":
        datatype = None
    if (datatype, term.language) != (want_type, want_lang):
        raise ExportError(f"{where}: the literal {term.n3()} is not of the kind the template "
                          f"writes ({kind})")
    return str(term)


def _slug_in(iri: str, namespace: str, where: str) -> str:
    slug = iri[len(namespace):] if iri.startswith(namespace) else ""
    if not t.SLUG.match(slug):
        raise ExportError(f"{where}: {iri} is not <{namespace}slug>, which the template needs")
    return slug


def load_verbatim(source_paths: Iterable[Path] | None = None) -> Graph:
    """The graph with every literal's lexical form as written (rdflib would turn P14M into
    P1Y2M), so that an exported template says what the data file says."""
    import rdflib

    from coprod_kg.graph.load import load_graph

    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        return load_graph(source_paths or None)
    finally:
        rdflib.NORMALIZE_LITERALS = previous


def export_template(graph: Graph, case: str) -> str:
    """The filled, documented YAML template of one case study of the graph."""
    iri = find_case_study(graph, case)
    document = export_document(graph, iri)
    return render_template(document, vocabulary_of(graph).allowed)


def new_template(slug: str, graph: Graph | None = None) -> str:
    """A documented, empty template for a new case study."""
    if not t.SLUG.match(slug):
        raise InputError(f"{slug!r} is not a slug (expected lower-case letters, digits and "
                         "hyphens, e.g. my-case-study)")
    allowed = vocabulary_of(graph).allowed if graph is not None else {}
    return render_template(None, allowed, slug=slug)
