"""Importing templates: check everything (templates, shapes, gates), then write everything.

One canonical Turtle file per case study under `data_dir/case-studies/`; on any error
nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t
from coprod_kg.authoring.model import (
    CASE_STUDY_NS,
    NonConformingTemplate,
    Template,
    TemplateError,
    curie_of,
    vocabulary_of,
)
from coprod_kg.authoring.turtle import turtle_of
from coprod_kg.errors import InputError
from coprod_kg.graph import sources

if TYPE_CHECKING:
    from rdflib import Graph



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
                     replace: bool = False, check_shapes: bool = True,
                     mapping: Path | None = None, create_new: bool = False,
                     read_only: tuple[Path, ...] = ()) -> ImportResult:
    """Check the templates, sheets and reference files, then write: one Turtle file per case
    study under `data_dir/case-studies/`, new references and entities under `data_dir/imported/`.

    `read_only` data folders (a workspace's bundled layer) take part in every check but are
    never written. Nothing is written unless every input is valid and the resulting graph
    conforms.
    """
    data_dir = data_dir or sources.data_dir()
    if not data_dir.is_dir():
        raise InputError(f"{data_dir}: no such data folder")
    with exclusive_lock(data_dir):
        return _import_locked(paths, data_dir, replace=replace, check_shapes=check_shapes,
                              mapping=mapping, create_new=create_new, read_only=read_only)


@contextmanager
def exclusive_lock(folder: Path) -> Iterator[None]:
    """An exclusive flock on the data folder itself (no lock file to leave behind): two
    imports into one folder run one after the other, the second seeing the first's files."""
    import fcntl

    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise InputError(f"{folder}: cannot open the data folder: {error.strerror}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _import_locked(paths: list[Path], data_dir: Path, *, replace: bool, check_shapes: bool,
                   mapping: Path | None, create_new: bool,
                   read_only: tuple[Path, ...] = ()) -> ImportResult:
    from coprod_kg.authoring.inputs import read_inputs

    fixed = [path for folder in read_only for path in sources.turtle_files(folder)]
    base_files = fixed + sources.turtle_files(data_dir)
    base_graph, subject_files = _load_base(base_files)
    vocabulary = vocabulary_of(base_graph, subject_files)
    inputs = read_inputs(paths, base_graph, vocabulary, data_dir, mapping=mapping,
                         create_new=create_new, replace=replace)
    plans = _plan(inputs.templates, data_dir, subject_files, replace)
    for plan in plans:
        if plan.replaces is not None and plan.replaces in fixed:
            raise InputError(f"{plan.template.path}: {plan.replaces} is in the read-only "
                             "bundled data; give the case study an id of your own")
    _check_case_numbers(inputs.templates, base_graph)
    extras = inputs.extra_files
    from coprod_kg.progress import step

    with step("checking the shapes", unit="steps"):
        warnings = _check_shapes(plans, base_files, extras) if check_shapes else []
    result = _write(plans, extras)
    result.warnings.extend(inputs.warnings + warnings)
    return result


def _load_base(files: list[Path]) -> tuple[Graph, dict[str, Path]]:
    from rdflib import Graph, URIRef

    from coprod_kg.graph.load import parse_file

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
            where = template.locate(node.line, node.field_path('id'))
            holder = subject_files.get(node.iri)
            if node is not template.case and holder is not None and holder == existing:
                continue  # already reported with the case study, or replaced with it
            if holder is not None and holder != replaces:
                hint = " (use --replace to replace that case study)" if node is template.case \
                    else ""
                errors.append(f"{where}: duplicate IRI {curie_of(node.iri)}: it already exists "
                              f"in {holder}{hint}")
            elif node.iri in minted and minted[node.iri] != template.path:
                errors.append(f"{where}: duplicate IRI {curie_of(node.iri)}: "
                              f"{minted[node.iri]} defines it too")
            minted.setdefault(node.iri, template.path)
        target = folder / template.file_name
        holder_of_target = _case_study_in(target, subject_files)
        if holder_of_target not in (None, template.case.iri):
            errors.append(f"{template.locate(template.case.line, 'id')}: {target} already holds "
                          f"another case study ({curie_of(holder_of_target)})")
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
                errors.append(f"{template.locate(line, 'case_number')}: {number} is already the "
                              f"number of {curie_of(holder)} (leave it empty for a case study "
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


def _check_shapes(plans: list[_Planned], base_files: list[Path],
                  extras: list[tuple[Path, str]] | None = None) -> list[str]:
    """Validate ontology + data (minus replaced files) + new case studies against the shapes."""
    from rdflib import Graph

    from coprod_kg.graph.load import parse_file

    extras = extras or []
    replaced = {plan.replaces for plan in plans if plan.replaces is not None}
    rewritten = replaced | {target for target, _ in extras}
    graph = Graph()
    for path in sources.ontology_files() + [p for p in base_files if p not in rewritten]:
        parse_file(graph, path)
    for _, text in extras:
        graph.parse(data=text, format="turtle")
    locations: dict[tuple[str, str | None], str] = {}
    for plan in plans:
        graph.parse(data=plan.turtle, format="turtle")
        for node in plan.template.all_nodes():
            locations[(node.iri, None)] = plan.template.locate(node.line, node.path)
            for spec in node.fields:
                line = node.lines.get(spec.key, node.line)
                locations[(node.iri, spec.predicate)] = plan.template.locate(
                    line, node.field_path(spec.key))
    report = run_validation(graph)
    violations, warnings, elsewhere = [], [], []
    for result in report.results:
        located = locations.get((result.focus_node, result.path)) or \
            locations.get((result.focus_node, None))
        if located is None:  # a result about data the templates did not touch
            if result.severity == "Violation":
                elsewhere.append(result)
            continue
        text = f"{located}: {result.message}"
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

    from coprod_kg.graph.load import parse_file
    from coprod_kg.graph.store import OxigraphStore
    from coprod_kg.validation.gates import run_gates

    before = Graph()
    for path in sources.ontology_files() + base_files:
        parse_file(before, path)
    known = {(r.focus_node, r.path, r.message) for r in run_validation(before).results}
    known_rows = {(gate.name, tuple(map(str, row)))
                  for gate in run_gates(OxigraphStore.from_graph(before)) for row in gate.rows}
    problems = [f"{curie_of(r.focus_node)}: {r.message}" for r in results
                if (r.focus_node, r.path, r.message) not in known]
    problems += [f"fails the quality gate {gate.name} ({' '.join(curie_of(str(t)) for t in row)})"
                 for gate in run_gates(OxigraphStore.from_graph(graph)) for row in gate.rows
                 if (gate.name, tuple(map(str, row))) not in known_rows
                 and not any((str(term), None) in locations for term in row)]
    plan = next(plan for plan in plans if plan.replaces is not None)
    where = f"{plan.template.locate(plan.template.case.line, 'id')}: replacing {plan.replaces}"
    return [f"{where} breaks other data: {problem}" for problem in problems]


def _failed_gates(graph: Graph, locations: dict) -> list[str]:
    """The quality gates (`queries/*-violation.rq`) that `validate` runs too, for new nodes,
    on Oxigraph like `validate` (rdflib's engine took 34 s for 2,000 sheet rows)."""
    from coprod_kg.graph.store import OxigraphStore
    from coprod_kg.validation.gates import run_gates

    failures = []
    for gate in run_gates(OxigraphStore.from_graph(graph)):
        for row in gate.rows:
            located = next((locations[(str(term), None)] for term in row
                            if (str(term), None) in locations), None)
            if located is not None:
                failures.append(f"{located}: fails the quality gate {gate.name} "
                                f"({gate.summary})")
    return failures


def run_validation(graph: Graph):
    """The SHACL check of the whole graph (coprod_kg.validation.shapes)."""
    from coprod_kg.validation.shapes import validate_graph

    return validate_graph(graph)


def _write(plans: list[_Planned], extras: list[tuple[Path, str]] | None = None) -> ImportResult:
    """Write every file to a temporary name first, check that both rdflib and Oxigraph (the
    default store) read it, then rename them all into place (a replaced file keeps its
    mode). Whatever happens before the renames, Ctrl-C included, no temporary file stays."""
    staged: list[tuple[Path, Path]] = []
    files = [(plan.target, plan.turtle, _where(plan)) for plan in plans] + \
        [(target, text, str(target)) for target, text in extras or []]
    target = None
    try:
        for target, text, where in files:
            folder = target.parent
            folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                                 dir=folder)
            staged.append((Path(temporary), target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o644
            os.chmod(temporary, mode)
            _check_readable_by_every_store(Path(temporary), where)
    except BaseException as error:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise InputError(f"{target}: cannot write: {error.strerror}") from None
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    removed = []
    for plan in plans:
        if plan.replaces is not None and plan.replaces != plan.target and plan.replaces.exists():
            plan.replaces.unlink()
            removed.append(plan.replaces)
    return ImportResult([target for target, _, _ in files], removed, [])


def _where(plan: _Planned) -> str:
    template = plan.template
    if template.cells is not None:
        return template.locate(template.case.line, "id")
    return f"{template.path}:{template.case.line}"


def _check_readable_by_every_store(path: Path, where: str) -> None:
    """rdflib accepts text Oxigraph refuses (a lone surrogate `\\ud800`): written anyway,
    every later command would fail on the default store. Read the bytes with both."""
    import pyoxigraph
    from rdflib import Graph

    try:
        Graph().parse(path, format="turtle")
        for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except (SyntaxError, ValueError, OSError) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise InputError(f"{where}: the Turtle written for this template cannot be read by "
                         f"every store ({detail or type(error).__name__}); check its text "
                         "for invalid characters") from None
    except Exception as error:  # noqa: BLE001 - rdflib's parsers raise their own types
        raise InputError(f"{where}: the Turtle written for this template cannot be read by "
                         f"rdflib ({type(error).__name__})") from None
