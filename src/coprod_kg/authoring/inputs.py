"""What `coprod-kg import` reads, by file type: YAML templates, extraction sheets (CSV,
XLSX) and reference files (RIS, BibTeX, CSL-JSON). References are read first, so that a sheet
in the same import can cite them (by slug, DOI or PMID)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring.model import Template, TemplateError, Vocabulary
from coprod_kg.authoring.sheet_files import SHEET_SUFFIXES

if TYPE_CHECKING:
    from rdflib import Graph

TEMPLATE_SUFFIXES = (".yaml", ".yml")
REFERENCE_SUFFIXES = (".ris", ".bib", ".json")
IMPORTED_FOLDER = "imported"


@dataclass
class Inputs:
    templates: list[Template] = field(default_factory=list)
    extra_files: list[tuple[Path, str]] = field(default_factory=list)  # (target, Turtle)
    warnings: list[str] = field(default_factory=list)


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    for kind, suffixes in (("template", TEMPLATE_SUFFIXES), ("sheet", SHEET_SUFFIXES),
                           ("references", REFERENCE_SUFFIXES)):
        if suffix in suffixes:
            return kind
    raise TemplateError([f"{path}: unknown kind of file {path.suffix or '(no suffix)'!r} "
                         "(expected a template .yaml, a sheet .csv or .xlsx, or references "
                         ".ris, .bib or .json)"])


def read_inputs(paths: list[Path], graph: Graph, vocabulary: Vocabulary, data_dir: Path, *,
                mapping: Path | None = None, create_new: bool = False,
                replace: bool = False) -> Inputs:
    from coprod_kg.authoring.reading import read_template

    kinds = {path: kind_of(path) for path in paths}
    inputs = Inputs()
    errors: list[str] = []
    reference_paths = [p for p in paths if kinds[p] == "references"]
    aliases: dict[str, str] = {}
    if reference_paths:
        from coprod_kg.authoring.references import merge_references

        try:
            merged = merge_references(reference_paths, graph, vocabulary,
                                      data_dir / IMPORTED_FOLDER / "references.ttl", replace)
        except TemplateError as error:
            errors.extend(error.errors)
        else:
            inputs.extra_files.append(merged.file)
            inputs.warnings.extend(merged.warnings)
            aliases = merged.aliases
    sheet_mapping = _mapping(mapping) if mapping is not None else None
    resolver = None
    for path in paths:
        try:
            if kinds[path] == "template":
                inputs.templates.append(read_template(path, vocabulary))
            elif kinds[path] == "sheet":
                resolver = resolver or _resolver(graph, vocabulary, data_dir, aliases)
                from coprod_kg.authoring.sheets import read_sheet

                inputs.templates.extend(read_sheet(path, vocabulary, resolver, sheet_mapping,
                                                   create_new))
        except TemplateError as error:
            errors.extend(error.errors)
    if errors:
        raise TemplateError(errors)
    if resolver is not None and resolver.created:
        inputs.extra_files.append(_entities_file(data_dir, resolver))
    return inputs


def _mapping(path: Path):
    from coprod_kg.authoring.sheet_files import read_mapping

    return read_mapping(path)


def _resolver(graph: Graph, vocabulary: Vocabulary, data_dir: Path, aliases: dict[str, str]):
    """The names a sheet may use, with the references of this same import."""
    from coprod_kg.authoring import schema as t
    from coprod_kg.authoring.entities import resolver_of

    resolver = resolver_of(graph, vocabulary.allowed, data_dir)
    noun = t.DOCUMENT.noun
    for key, slug in aliases.items():
        if key.startswith("title:"):
            resolver.labels[noun].setdefault(key[len("title:"):], slug)
        else:
            resolver.identifiers[noun].setdefault(key, slug)
    return resolver


def _entities_file(data_dir: Path, resolver) -> tuple[Path, str]:
    """New entities appended to `imported/entities.ttl` (its earlier text kept as it is)."""
    from coprod_kg.authoring.entities import entity_turtle

    target = data_dir / IMPORTED_FOLDER / "entities.ttl"
    text = entity_turtle(list(resolver.created.values()), resolver.schemes)
    if target.exists():
        text = target.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text
    return target, text
