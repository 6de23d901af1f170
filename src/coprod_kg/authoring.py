"""Authoring case studies without writing Turtle: YAML templates in, canonical Turtle out.

- `new_template(slug)`: a documented, empty template.
- `import_templates(paths, data_dir, replace)`: check filled templates (structure, types,
  allowed values, then the SHACL shapes) and only then write one canonical Turtle file per
  case study under `data_dir/case-studies/`. On any error nothing is written.
- `export_template(graph, case)`: a case study of the graph back as a filled template, so it
  can be edited and re-imported without loss.

Canonical Turtle: fixed prefixes, subjects and objects in a fixed order, decimals in canonical
form; the same template always gives byte-identical Turtle.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg import namespaces, sources
from coprod_kg import template as t
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
    "dcterms", "prov", "bibo", "fabio", "foaf", "qudt", "unit", "cur", "dcat",
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


# --------------------------------------------------------------------------
# Reading and checking a template
# --------------------------------------------------------------------------


class Errors:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, line: int, where: str, message: str) -> None:
        self.items.append(f"{self.path}:{line}: {where}: {message}")


def read_template(path: Path, vocabulary: Vocabulary) -> Template:
    """Parse and check one template file; raises TemplateError listing every problem found."""
    return template_from_text(_read_text(path), path, vocabulary)


def template_from_text(text: str, path: Path, vocabulary: Vocabulary) -> Template:
    """Parse and check a template's text; errors name `path`, the line and the field."""
    import yaml

    try:
        tree = t.read_tree(text, path)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "not valid YAML"
        raise TemplateError([f"{path}{where}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as error:
        raise TemplateError([f"{path}: invalid YAML: {error}"]) from None
    if not isinstance(tree, t.Mapping):
        raise TemplateError([f"{path}:1: the template must be a YAML mapping of fields "
                             "(start from `coprod-kg new case-study SLUG`)"])
    errors = Errors(path)
    case = _read_node(tree, "case_study", "case study", errors, vocabulary)
    known = {"id"} | {f.key for f in t.CASE_STUDY_FIELDS} | set(t.NODE_LISTS)
    _unknown_keys(tree, known, "", errors)
    nodes = {key: _read_list(tree, key, errors, vocabulary) for key in t.NODE_LISTS}
    template = Template(path, case, nodes)
    _check_ids_unique(template, errors)
    if errors.items:
        raise TemplateError(errors.items)
    return template


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise TemplateError([f"{path}: cannot be read: no such file"]) from None
    except IsADirectoryError:
        raise TemplateError([f"{path}: cannot be read: it is a folder, not a file"]) from None
    except PermissionError:
        raise TemplateError([f"{path}: cannot be read: permission denied"]) from None
    except UnicodeDecodeError as error:
        raise TemplateError([f"{path}: cannot be read: not UTF-8 text "
                             f"({error.reason} at byte {error.start})"]) from None
    except OSError as error:
        raise TemplateError([f"{path}: cannot be read: {error.strerror}"]) from None


def _unknown_keys(mapping: t.Mapping, known: set[str], prefix: str, errors: Errors) -> None:
    for key, line in mapping.duplicates:
        errors.add(line, prefix + key, "this field is given twice")
    for key, line in mapping.key_lines.items():
        if key not in known:
            errors.add(line, prefix + key,
                       f"unknown field (expected one of: {', '.join(sorted(known))})")


def _read_list(tree: t.Mapping, key: str, errors: Errors, vocabulary: Vocabulary) -> list[Node]:
    value = tree.items.get(key)
    if value is None or (isinstance(value, t.Scalar) and value.is_null):
        return []
    if not isinstance(value, t.Sequence):
        errors.add(tree.key_lines[key], key, "expected a list of items (lines starting with '- ')")
        return []
    nodes = []
    for index, item in enumerate(value.items):
        path = f"{key}[{index}]"
        if not isinstance(item, t.Mapping):
            errors.add(item.line, path, "expected a mapping of fields (id: ..., label: ...)")
            continue
        if _is_empty(item):
            errors.add(item.line, path, "the item is empty: fill it in, or delete it when the "
                       f"review gives no {key.replace('_', ' ')}")
            continue
        fields = t.NODE_LISTS[key][1]
        known = {"id"} | {f.key for f in fields} | ({"type"} if key == "outcomes" else set())
        _unknown_keys(item, known, path + ".", errors)
        node = _read_node(item, key, path, errors, vocabulary)
        if node is not None:
            nodes.append(node)
    return nodes


def _read_node(mapping: t.Mapping, list_key: str, path: str, errors: Errors,
               vocabulary: Vocabulary) -> Node:
    def where(key: str) -> str:
        return key if list_key == "case_study" else f"{path}.{key}"

    slug = _read_slug(mapping, where("id"), errors)
    node = Node(list_key, slug or "", mapping.line, path)
    if list_key == "outcomes":
        node.kind = _read_outcome_type(mapping, where("type"), errors)
    for spec in node.fields:
        value = mapping.items.get(spec.key)
        line = mapping.key_lines.get(spec.key, mapping.line)
        known_errors = len(errors.items)
        texts = _read_field(spec, value, line, where(spec.key), errors, vocabulary)
        if len(errors.items) > known_errors:
            continue  # the value is wrong: already said
        if texts:
            node.values[spec.key] = texts
            node.lines[spec.key] = line
        elif spec.required:
            errors.add(line, where(spec.key), f"missing required field: {_lower(spec.doc)}")
    _check_percentages(node, errors)
    return node


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _is_empty(mapping: t.Mapping) -> bool:
    """An item whose fields are all left empty (as `coprod-kg new` writes them)."""
    return all(
        (isinstance(value, t.Scalar) and value.is_null)
        or (isinstance(value, t.Sequence) and not value.items)
        for value in mapping.items.values()
    )


def _read_slug(mapping: t.Mapping, where: str, errors: Errors) -> str | None:
    value = mapping.items.get("id")
    line = mapping.key_lines.get("id", mapping.line)
    if value is None or (isinstance(value, t.Scalar) and value.is_null):
        errors.add(mapping.line, where, "missing required field (the slug of its IRI, "
                   "lower-case letters, digits and hyphens, e.g. oxleas-complaints)")
        return None
    if not isinstance(value, t.Scalar) or not t.SLUG.match(value.text):
        shown = value.text if isinstance(value, t.Scalar) else "a list or mapping"
        errors.add(line, where, f"{shown!r} is not a slug (expected lower-case letters, digits "
                   "and hyphens, starting with a letter or digit, e.g. oxleas-complaints)")
        return None
    return value.text


def _read_outcome_type(mapping: t.Mapping, where: str, errors: Errors) -> str:
    value = mapping.items.get("type")
    if value is None or (isinstance(value, t.Scalar) and value.is_null):
        errors.add(mapping.line, where,
                   f"missing required field (one of: {', '.join(t.OUTCOME_TYPES)})")
        return ""
    if not isinstance(value, t.Scalar) or value.text not in t.OUTCOME_TYPES:
        shown = value.text if isinstance(value, t.Scalar) else "a list or mapping"
        errors.add(mapping.key_lines["type"], where,
                   f"unknown outcome type {shown!r} (expected one of: "
                   f"{', '.join(t.OUTCOME_TYPES)})")
        return ""
    return value.text


def _read_field(spec: t.Field, value, line: int, where: str, errors: Errors,
                vocabulary: Vocabulary) -> list[str]:
    if value is None or (isinstance(value, t.Scalar) and value.is_null):
        return []
    if isinstance(value, t.Sequence):
        if not spec.many:
            errors.add(line, where, "expected a single value, not a list")
            return []
        scalars = value.items
    else:
        scalars = [value]
    texts = []
    for scalar in scalars:
        if not isinstance(scalar, t.Scalar):
            errors.add(getattr(scalar, "line", line), where,
                       "expected a value, not a nested list or mapping")
            continue
        if scalar.is_null:
            continue
        text = _check_value(spec, scalar, where, errors, vocabulary)
        if text is not None:
            texts.append(text)
    return sorted(set(texts)) if spec.many else texts


def _check_value(spec: t.Field, scalar: t.Scalar, where: str, errors: Errors,
                 vocabulary: Vocabulary) -> str | None:
    text, line = scalar.text, scalar.line
    kind = spec.kind
    if kind in ("text", "en"):
        if not text.strip():
            errors.add(line, where, "is empty (leave the field out instead)")
            return None
        return text
    if kind == "int":
        if not t.INTEGER.match(text.strip()):
            errors.add(line, where,
                       f"{text!r} is not a whole number (expected e.g. {spec.example or 1})")
            return None
        number = int(text)
        if (spec.minimum is not None and number < spec.minimum) or \
                (spec.maximum is not None and number > spec.maximum):
            errors.add(line, where, f"{number} is out of range (expected "
                       f"{_range_text(spec.minimum, spec.maximum)})")
            return None
        return str(number)
    if kind == "decimal":
        canonical = canonical_decimal(text.strip())
        if canonical is None:
            errors.add(line, where, f"{text!r} is not a number (expected a decimal such as "
                       f"{spec.example or '80.0'})")
        return canonical
    if kind == "bool":
        if text.strip() not in ("true", "false"):
            errors.add(line, where, f"{text!r} is not true or false")
            return None
        return text.strip()
    if kind == "duration":
        if not t.DURATION.match(text.strip()):
            errors.add(line, where, f"{text!r} is not an ISO 8601 duration (expected e.g. P14M "
                       "for 14 months, P1Y for a year)")
            return None
        return text.strip()
    if kind == "date":
        if date_datatype(text.strip()) is None:
            errors.add(line, where, f"{text!r} is not a date (expected YYYY, YYYY-MM or "
                       "YYYY-MM-DD, in quotes)")
            return None
        return text.strip()
    if kind == "unit":
        if text not in t.UNITS:
            errors.add(line, where, f"unknown unit {text!r} (expected one of: "
                       f"{', '.join(t.UNITS)})")
            return None
        return text
    assert spec.ref is not None
    allowed = vocabulary.allowed.get(spec.ref.noun, [])
    if text not in allowed:
        errors.add(line, where, f"unknown {spec.ref.noun} {text!r} (expected one of: "
                   f"{', '.join(allowed)})")
        return None
    return text


def _range_text(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"a whole number from {minimum} to {maximum}"
    if minimum is not None:
        return f"a whole number of at least {minimum}"
    return f"a whole number of at most {maximum}"


PERCENT_FIELDS = ("value", "baseline_value", "follow_up_value", "min_value", "max_value")


def _check_percentages(node: Node, errors: Errors) -> None:
    if node.values.get("unit") != ["percent"]:
        return
    for key in PERCENT_FIELDS:
        for text in node.values.get(key, []):
            if not Decimal(0) <= Decimal(text) <= Decimal(100):
                errors.add(node.lines[key], node.field_path(key),
                           f"{text} is not a valid percentage (expected a number from 0 to 100 "
                           "when the unit is percent)")


def _check_ids_unique(template: Template, errors: Errors) -> None:
    seen: dict[str, str] = {}
    for node in template.all_nodes():
        if not node.slug:
            continue
        if node.iri in seen:
            errors.add(node.line, node.field_path("id"),
                       f"duplicate IRI {_curie(node.iri)}: {seen[node.iri]} has the same id")
        else:
            seen[node.iri] = node.path


def canonical_decimal(text: str) -> str | None:
    """`80` -> `80.0`, `1.20` -> `1.2`, `-0` -> `0.0`; None when not a plain decimal."""
    if not t.DECIMAL.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if number == 0:
        return "0.0"
    plain = format(number.normalize(), "f")
    return plain if "." in plain else plain + ".0"


def date_datatype(text: str) -> str | None:
    for pattern, datatype in t.DATE_FORMS:
        if pattern.match(text):
            return datatype
    return None


# --------------------------------------------------------------------------
# Canonical Turtle
# --------------------------------------------------------------------------


def turtle_of(template: Template) -> str:
    """The canonical Turtle of one template (deterministic: the same template, the same bytes)."""
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES]
    lines += ["", f"# Written by `coprod-kg import` from a case-study template "
              f"({t.FORMAT}).", ""]
    case = template.case
    links = []
    for list_key, (link, _, _) in t.NODE_LISTS.items():
        slugs = [node.slug for node in _ordered(list_key, template.nodes[list_key])]
        if slugs:
            prefix = t.NODE_NAMESPACES[list_key][1]
            links.append((link, [f"{prefix}:{slug}" for slug in slugs]))
    blocks = [_subject_block(case, links)]
    for list_key in t.NODE_LISTS:
        for node in _ordered(list_key, template.nodes[list_key]):
            blocks.append(_subject_block(node, []))
    return "\n".join(lines) + "\n" + "\n\n".join(blocks) + "\n"


def _ordered(list_key: str, nodes: list[Node]) -> list[Node]:
    if list_key == "learning_points":
        return sorted(nodes, key=lambda n: (int(n.values.get("position", ["0"])[0]), n.slug))
    return sorted(nodes, key=lambda n: n.slug)


def _subject_block(node: Node, links: list[tuple[str, list[str]]]) -> str:
    prefix = t.NODE_NAMESPACES[node.list_key][1]
    statements = [f"a {_curie(_node_class(node))}"]
    for spec in node.fields:
        texts = node.values.get(spec.key)
        if texts:
            objects = " , ".join(turtle_term(spec, text) for text in texts)
            statements.append(f"{_curie(spec.predicate)} {objects}")
    for predicate, objects in links:
        statements.append(f"{_curie(predicate)} {' , '.join(objects)}")
    return f"{prefix}:{node.slug} " + " ;\n    ".join(statements) + " ."


def _node_class(node: Node) -> str:
    if node.list_key == "case_study":
        return CASE_STUDY_CLASS
    if node.list_key == "outcomes":
        return t.OUTCOME_TYPES[node.kind]
    return t.NODE_CLASSES[node.list_key]


def turtle_term(spec: t.Field, text: str) -> str:
    kind = spec.kind
    if kind == "text":
        return turtle_string(text)
    if kind == "en":
        return turtle_string(text) + "@en"
    if kind in ("int", "decimal", "bool"):
        return text
    if kind == "duration":
        return f'"{text}"^^xsd:duration'
    if kind == "date":
        return f'"{text}"^^xsd:{date_datatype(text)}'
    if kind == "unit":
        return _curie(t.UNITS[text])
    assert spec.ref is not None
    return f"{spec.ref.prefix}:{text}"


ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
           "\f": "\\f"}


def turtle_string(text: str) -> str:
    """A Turtle string literal: long form for plain multi-line text, else escaped short form."""
    long_ok = ("\n" in text and not any(c in text for c in '"\\\r')
               and all(c.isprintable() or c == "\n" for c in text))
    if long_ok:
        return f'"""{text}"""'
    out = []
    for char in text:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _curie(iri: str) -> str:
    best = max((ns for ns in PREFIX_OF if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        local = iri[len(best):]
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", local):
            return f"{PREFIX_OF[best]}:{local}"
    return f"<{iri}>"


# --------------------------------------------------------------------------
# Import: check everything, then write everything
# --------------------------------------------------------------------------


@dataclass
class ImportResult:
    written: list[Path]
    removed: list[Path]
    warnings: list[str]


@dataclass
class _Planned:
    template: Template
    target: Path
    turtle: str
    replaces: Path | None


def import_templates(paths: list[Path], data_dir: Path | None = None, *,
                     replace: bool = False, check_shapes: bool = True) -> ImportResult:
    """Check the templates and write one Turtle file each under `data_dir/case-studies/`.

    Nothing is written unless every template is valid and the resulting graph conforms.
    """
    data_dir = data_dir or sources.data_dir()
    if not data_dir.is_dir():
        raise InputError(f"{data_dir}: no such data folder")
    base_files = sources.turtle_files(data_dir)
    base_graph, subject_files = _load_base(base_files)
    vocabulary = vocabulary_of(base_graph, subject_files)
    errors: list[str] = []
    templates = []
    for path in paths:
        try:
            templates.append(read_template(path, vocabulary))
        except TemplateError as error:
            errors.extend(error.errors)
    if errors:
        raise TemplateError(errors)
    plans = _plan(templates, data_dir, subject_files, replace)
    _check_case_numbers(templates, base_graph)
    warnings = _check_shapes(plans, base_files) if check_shapes else []
    result = _write(plans)
    result.warnings.extend(warnings)
    return result


def _load_base(files: list[Path]) -> tuple[Graph, dict[str, Path]]:
    from rdflib import Graph, URIRef

    from coprod_kg.load import parse_file

    graph = Graph()
    for path in sources.ontology_files():
        parse_file(graph, path)
    subject_files: dict[str, Path] = {}
    for path in files:
        part = Graph()
        parse_file(part, path)
        for subject in set(part.subjects()):
            if isinstance(subject, URIRef):
                subject_files.setdefault(str(subject), path)
        graph += part
    return graph, subject_files


def _plan(templates: list[Template], data_dir: Path, subject_files: dict[str, Path],
          replace: bool) -> list[_Planned]:
    errors: list[str] = []
    minted: dict[str, Path] = {}
    plans = []
    folder = data_dir / "case-studies"
    for template in templates:
        existing = subject_files.get(template.case.iri)
        replaces = existing if (existing is not None and replace) else None
        for node in template.all_nodes():
            where = f"{template.path}:{node.line}: {node.field_path('id')}"
            holder = subject_files.get(node.iri)
            if node is not template.case and holder is not None and holder == existing:
                continue  # already reported with the case study, or replaced with it
            if holder is not None and holder != replaces:
                hint = " (use --replace to replace that case study)" if node is template.case \
                    else ""
                errors.append(f"{where}: duplicate IRI {_curie(node.iri)}: it already exists "
                              f"in {holder}{hint}")
            elif node.iri in minted and minted[node.iri] != template.path:
                errors.append(f"{where}: duplicate IRI {_curie(node.iri)}: "
                              f"{minted[node.iri]} defines it too")
            minted.setdefault(node.iri, template.path)
        target = folder / template.file_name
        holder_of_target = _case_study_in(target, subject_files)
        if holder_of_target not in (None, template.case.iri):
            errors.append(f"{template.path}:{template.case.line}: id: {target} already holds "
                          f"another case study ({_curie(holder_of_target)})")
        plans.append(_Planned(template, target, turtle_of(template), replaces))
    targets = [plan.target for plan in plans]
    for plan in plans:
        if targets.count(plan.target) > 1:
            errors.append(f"{plan.template.path}: two templates would write {plan.target}")
    if errors:
        raise TemplateError(sorted(set(errors), key=errors.index))
    return plans


def _check_case_numbers(templates: list[Template], base_graph: Graph) -> None:
    """A case number names one case study of the review: two case studies may not share it."""
    from rdflib import URIRef

    taken = {str(number): str(case) for case, number in
             base_graph.subject_objects(URIRef(t.CPO + "caseNumber"))}
    errors = []
    for template in templates:
        for number in template.case.values.get("case_number", []):
            holder = taken.get(number)
            if holder is not None and holder != template.case.iri:
                line = template.case.lines.get("case_number", template.case.line)
                errors.append(f"{template.path}:{line}: case_number: {number} is already the "
                              f"number of {_curie(holder)} (leave it empty for a case study "
                              "the review does not number)")
            taken.setdefault(number, template.case.iri)
    if errors:
        raise TemplateError(errors)


def _case_study_in(path: Path, subject_files: dict[str, Path]) -> str | None:
    if not path.exists():
        return None
    holders = [iri for iri, file in subject_files.items()
               if file == path and iri.startswith(CASE_STUDY_NS)]
    return min(holders) if holders else None


def _check_shapes(plans: list[_Planned], base_files: list[Path]) -> list[str]:
    """Validate ontology + data (minus replaced files) + new case studies against the shapes."""
    from rdflib import Graph

    from coprod_kg.load import parse_file

    replaced = {plan.replaces for plan in plans if plan.replaces is not None}
    graph = Graph()
    for path in sources.ontology_files() + [p for p in base_files if p not in replaced]:
        parse_file(graph, path)
    locations: dict[tuple[str, str | None], tuple[Path, int, str]] = {}
    for plan in plans:
        graph.parse(data=plan.turtle, format="turtle")
        for node in plan.template.all_nodes():
            locations[(node.iri, None)] = (plan.template.path, node.line, node.path)
            for spec in node.fields:
                line = node.lines.get(spec.key, node.line)
                locations[(node.iri, spec.predicate)] = (
                    plan.template.path, line, node.field_path(spec.key))
    report = run_validation(graph)
    violations, warnings, elsewhere = [], [], []
    for result in report.results:
        located = locations.get((result.focus_node, result.path)) or \
            locations.get((result.focus_node, None))
        if located is None:  # a result about data the templates did not touch
            if result.severity == "Violation":
                elsewhere.append(result)
            continue
        path, line, where = located
        text = f"{path}:{line}: {where}: {result.message}"
        (violations if result.severity == "Violation" else warnings).append(text)
    violations += _failed_gates(graph, locations)
    if replaced:  # removing a case study's triples can break other data that pointed at them
        violations += _broken_elsewhere(graph, elsewhere, plans, base_files, locations)
    if violations:
        raise NonConformingTemplate(violations)
    return warnings


def _broken_elsewhere(graph: Graph, results: list, plans: list[_Planned],
                      base_files: list[Path], locations: dict) -> list[str]:
    """Violations and gate rows about untouched data that the data before the import did
    not have: the replaced case study left something pointing at what it no longer holds."""
    from rdflib import Graph

    from coprod_kg.catalogue import run_gates
    from coprod_kg.load import parse_file
    from coprod_kg.store import MemoryStore

    before = Graph()
    for path in sources.ontology_files() + base_files:
        parse_file(before, path)
    known = {(r.focus_node, r.path, r.message) for r in run_validation(before).results}
    known_rows = {(gate.name, tuple(map(str, row))) for gate in run_gates(MemoryStore(before))
                  for row in gate.rows}
    problems = [f"{_curie(r.focus_node)}: {r.message}" for r in results
                if (r.focus_node, r.path, r.message) not in known]
    problems += [f"fails the quality gate {gate.name} ({' '.join(_curie(str(t)) for t in row)})"
                 for gate in run_gates(MemoryStore(graph)) for row in gate.rows
                 if (gate.name, tuple(map(str, row))) not in known_rows
                 and not any((str(term), None) in locations for term in row)]
    plan = next(plan for plan in plans if plan.replaces is not None)
    where = f"{plan.template.path}:{plan.template.case.line}: id: replacing {plan.replaces}"
    return [f"{where} breaks other data: {problem}" for problem in problems]


def _failed_gates(graph: Graph, locations: dict) -> list[str]:
    """The quality gates (`queries/*-violation.rq`) that `validate` runs too, for new nodes."""
    from coprod_kg.catalogue import run_gates
    from coprod_kg.store import MemoryStore

    failures = []
    for gate in run_gates(MemoryStore(graph)):
        for row in gate.rows:
            located = next((locations[(str(term), None)] for term in row
                            if (str(term), None) in locations), None)
            if located is not None:
                path, line, where = located
                failures.append(f"{path}:{line}: {where}: fails the quality gate {gate.name} "
                                f"({gate.summary})")
    return failures


def run_validation(graph: Graph):
    """The SHACL check of the whole graph (coprod_kg.validate)."""
    from coprod_kg.validate import validate_graph

    return validate_graph(graph)


def _write(plans: list[_Planned]) -> ImportResult:
    """Write every file to a temporary name first, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for plan in plans:
            folder = plan.target.parent
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{plan.target.name}.", suffix=".tmp",
                                                 dir=folder)
            staged.append((Path(temporary), plan.target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(plan.turtle)
            os.chmod(temporary, 0o644)
    except OSError as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise InputError(f"{plan.target}: cannot write: {error.strerror}") from None
    for temporary, target in staged:
        os.replace(temporary, target)
    removed = []
    for plan in plans:
        if plan.replaces is not None and plan.replaces != plan.target and plan.replaces.exists():
            plan.replaces.unlink()
            removed.append(plan.replaces)
    return ImportResult([plan.target for plan in plans], removed, [])


# --------------------------------------------------------------------------
# Export: a case study of the graph as a filled template
# --------------------------------------------------------------------------


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
            slug = _slug_in(str(member), namespace, f"{_curie(case_iri)} {_curie(link)}")
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
        raise ExportError(f"{_curie(str(node))}: an outcome must have exactly one of the types "
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
                raise ExportError(f"{_curie(str(subject))} has type {_curie(str(obj))}, "
                                  "which the template cannot hold")
            continue
        if iri in links:
            continue
        spec = by_predicate.get(iri)
        if spec is None:
            raise ExportError(f"{_curie(str(subject))} has a {_curie(iri)} value, "
                              "which the template has no field for")
        values.setdefault(spec.key, []).append(_export_term(spec, obj, subject))
    for spec in fields:
        if spec.key in values:
            if not spec.many and len(values[spec.key]) > 1:
                raise ExportError(f"{_curie(str(subject))} has {len(values[spec.key])} "
                                  f"{_curie(spec.predicate)} values; the template holds one")
            values[spec.key] = sorted(values[spec.key])
    return {spec.key: values[spec.key] for spec in fields if spec.key in values}


def _export_term(spec: t.Field, term, subject) -> str:
    from rdflib import Literal, URIRef

    where = f"{_curie(str(subject))} {_curie(spec.predicate)}"
    kind = spec.kind
    if kind in ("unit", "ref"):
        if not isinstance(term, URIRef):
            raise ExportError(f"{where}: expected an IRI, found the literal {term!r}")
        if kind == "unit":
            names = [name for name, iri in t.UNITS.items() if iri == str(term)]
            if not names:
                raise ExportError(f"{where}: unit {_curie(str(term))} is not one the template "
                                  f"knows ({', '.join(t.UNITS)})")
            return names[0]
        assert spec.ref is not None
        return _slug_in(str(term), spec.ref.namespace, where)
    if not isinstance(term, Literal):
        raise ExportError(f"{where}: expected a literal, found {_curie(str(term))}")
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

    from coprod_kg.load import load_graph

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
    return t.render_template(document, vocabulary_of(graph).allowed)


def new_template(slug: str, graph: Graph | None = None) -> str:
    """A documented, empty template for a new case study."""
    if not t.SLUG.match(slug):
        raise InputError(f"{slug!r} is not a slug (expected lower-case letters, digits and "
                         "hyphens, e.g. my-case-study)")
    allowed = vocabulary_of(graph).allowed if graph is not None else {}
    return t.render_template(None, allowed, slug=slug)
