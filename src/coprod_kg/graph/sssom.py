"""Reading SSSOM mapping sets (our own small reader: sssom-py takes ~1.5 s to import).

It checks what loading needs (header, prefixes, columns, values) and names file, line
and column; links.sssom_validation runs the reference validator (sssom-py) for the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from coprod_kg import namespaces
from coprod_kg.errors import SourceParseError
from coprod_kg.graph.datasets import MATCH_PREDICATES

# where mapping sets are: in graph.sources (a warm command lists them, reads none)
from coprod_kg.graph.sources import MAPPINGS_FOLDER, SSSOM_SUFFIX, mapping_files  # noqa: F401

REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")
REQUIRED_COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "author_id", "confidence",
)
ENTITY_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification", "author_id")
# The SSSOM slots we accept as columns (a bad header is one with anything else).
KNOWN_COLUMNS = REQUIRED_COLUMNS + (
    "subject_category", "subject_type", "subject_source", "subject_source_version",
    "predicate_label", "predicate_modifier", "object_category", "object_type",
    "object_source", "object_source_version", "author_label", "reviewer_id",
    "reviewer_label", "creator_id", "creator_label", "comment", "mapping_date",
    "see_also", "license", "similarity_score", "similarity_measure", "mapping_tool",
    "issue_tracker_item", "match_string", "other",
)
# The values SSSOM allows in mapping_justification (the sssom-schema's pattern).
JUSTIFICATIONS = tuple(f"semapv:{name}" for name in (
    "ManualMappingCuration", "MappingReview", "LogicalReasoning", "LexicalMatching",
    "CompositeMatching", "UnspecifiedMatching", "SemanticSimilarityThresholdMatching",
    "LexicalSimilarityThresholdMatching", "MappingChaining", "MappingInversion",
    "StructuralMatching", "InstanceBasedMatching", "BackgroundKnowledgeBasedMatching",
))
# Prefixes SSSOM defines itself; a file may use them without declaring them.
SSSOM_BUILTIN_PREFIXES = ("owl", "rdf", "rdfs", "skos", "semapv", "sssom", "xsd", "dcterms")
CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*):(\S+)$")


# --------------------------------------------------------------------------
# Reading SSSOM mapping sets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    subject: str  # full IRIs
    predicate: str
    object: str
    subject_id: str  # CURIEs as written
    object_id: str
    subject_label: str
    object_label: str
    justification: str
    author: str
    author_label: str
    confidence: Decimal
    comment: str
    line: int


@dataclass(frozen=True)
class MappingSet:
    path: Path
    set_id: str
    license: str
    curie_map: dict[str, str]
    title: str = ""
    description: str = ""
    version: str = ""
    mapping_date: str = ""
    creators: tuple[str, ...] = ()
    creator_labels: tuple[str, ...] = ()
    mappings: tuple[Mapping, ...] = field(default_factory=tuple)


def read_mapping_set(path: Path) -> MappingSet:
    """Parse and check one SSSOM/TSV file; any problem raises SourceParseError naming
    the file, the line and (for a cell) the column."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise SourceParseError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise SourceParseError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise SourceParseError(f"{path}: cannot be read: {error.strerror}") from None
    metadata_lines = [line[1:] for line in _leading_comments(lines)]
    metadata = _parse_metadata(path, metadata_lines)
    curie_map = _check_curie_map(path, metadata, metadata_lines)
    header_line = len(metadata_lines) + 1
    if header_line > len(lines) or not lines[header_line - 1].strip():
        raise SourceParseError(f"{path}:{header_line}: no header row (expected the column names)")
    columns = _check_header(path, header_line, lines[header_line - 1].split("\t"))
    prefixes = dict(curie_map)
    mappings = []
    seen: dict[tuple[str, str], int] = {}
    for number, text in enumerate(lines[header_line:], start=header_line + 1):
        if not text.strip():
            continue
        mapping = _read_row(path, number, columns, text.split("\t"), prefixes)
        key = (mapping.subject, mapping.object)
        if key in seen:
            raise SourceParseError(
                f"{path}:{number}: column 'object_id': {mapping.subject_id} -> "
                f"{mapping.object_id} is already mapped on line {seen[key]}"
            )
        seen[key] = number
        mappings.append(mapping)
    return MappingSet(
        path=Path(path),
        set_id=_metadata_iri(path, metadata, "mapping_set_id", prefixes),
        license=_metadata_iri(path, metadata, "license", prefixes),
        curie_map=curie_map,
        title=str(metadata.get("mapping_set_title") or ""),
        description=" ".join(str(metadata.get("mapping_set_description") or "").split()),
        version=str(metadata.get("mapping_set_version") or ""),
        mapping_date=str(metadata.get("mapping_date") or ""),
        creators=tuple(_expand(path, 1, "creator_id", c, prefixes)
                       for c in _as_list(metadata.get("creator_id"))),
        creator_labels=tuple(str(c) for c in _as_list(metadata.get("creator_label"))),
        mappings=tuple(mappings),
    )


def _leading_comments(lines: list[str]) -> list[str]:
    result = []
    for line in lines:
        if not line.startswith("#"):
            break
        result.append(line)
    return result


def _parse_metadata(path: Path, metadata_lines: list[str]) -> dict:
    import yaml

    from coprod_kg.graph.safe_yaml import safe_loader

    if not metadata_lines:
        raise SourceParseError(f"{path}:1: no metadata block (expected '#curie_map:' and the "
                               "mapping set's metadata in '#' lines before the header)")
    try:
        metadata = yaml.load("\n".join(metadata_lines), Loader=safe_loader())  # noqa: S506
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ":1"
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise SourceParseError(
            f"{path}{where}: metadata block is not valid YAML: {problem}") from None
    if not isinstance(metadata, dict):
        raise SourceParseError(f"{path}:1: metadata block must be a YAML mapping")
    for key in REQUIRED_METADATA:
        if not metadata.get(key):
            raise SourceParseError(f"{path}:1: metadata: '{key}' is missing")
    return metadata


def _check_curie_map(path: Path, metadata: dict, metadata_lines: list[str]) -> dict[str, str]:
    """Every prefix of the file's curie_map must be the project's, with the same namespace."""
    curie_map = metadata["curie_map"]
    if not isinstance(curie_map, dict):
        raise SourceParseError(f"{path}:1: metadata: 'curie_map' must map prefixes to namespaces")
    checked = {}
    for prefix, namespace in curie_map.items():
        line = _line_of_key(metadata_lines, str(prefix))
        expected = namespaces.PREFIXES.get(str(prefix))
        if expected is None:
            raise SourceParseError(
                f"{path}:{line}: curie_map: unknown prefix '{prefix}' (not in coprod_kg.namespaces)"
            )
        if str(namespace) != expected:
            raise SourceParseError(
                f"{path}:{line}: curie_map: prefix '{prefix}' is <{namespace}>, "
                f"but coprod_kg.namespaces has <{expected}>"
            )
        checked[str(prefix)] = expected
    return checked


def _line_of_key(metadata_lines: list[str], key: str) -> int:
    pattern = re.compile(rf"^\s+{re.escape(key)}\s*:")
    return next((i for i, text in enumerate(metadata_lines, start=1) if pattern.match(text)), 1)


def _check_header(path: Path, line: int, columns: list[str]) -> list[str]:
    columns = [c.strip() for c in columns]
    for position, name in enumerate(columns, start=1):
        if name not in KNOWN_COLUMNS:
            raise SourceParseError(
                f"{path}:{line}: column {position} '{name}': not an SSSOM column"
            )
        if columns.index(name) != position - 1:
            raise SourceParseError(f"{path}:{line}: column '{name}': appears twice in the header")
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise SourceParseError(f"{path}:{line}: column '{name}': missing from the header")
    return columns


def _read_row(path: Path, line: int, columns: list[str], cells: list[str],
              prefixes: dict[str, str]) -> Mapping:
    if len(cells) != len(columns):
        raise SourceParseError(
            f"{path}:{line}: expected {len(columns)} tab-separated columns, found {len(cells)}"
        )
    row = {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
    for name in REQUIRED_COLUMNS:
        if not row[name]:
            raise SourceParseError(f"{path}:{line}: column '{name}': empty")
    iris = {name: _expand(path, line, name, row[name], prefixes) for name in ENTITY_COLUMNS}
    if row["predicate_id"] not in MATCH_PREDICATES:
        raise SourceParseError(
            f"{path}:{line}: column 'predicate_id': {row['predicate_id']!r} is not one of "
            f"{', '.join(MATCH_PREDICATES)}"
        )
    if row["mapping_justification"] not in JUSTIFICATIONS:
        raise SourceParseError(
            f"{path}:{line}: column 'mapping_justification': "
            f"{row['mapping_justification']!r} is not a SSSOM justification (expected a "
            "semapv: term such as semapv:ManualMappingCuration)"
        )
    if row["predicate_id"] != "skos:exactMatch" and not row.get("comment"):
        raise SourceParseError(
            f"{path}:{line}: column 'comment': a {row['predicate_id']} needs a comment saying "
            "how the concepts differ"
        )
    return Mapping(
        subject=iris["subject_id"], predicate=iris["predicate_id"], object=iris["object_id"],
        subject_id=row["subject_id"], object_id=row["object_id"],
        subject_label=row["subject_label"], object_label=row["object_label"],
        justification=iris["mapping_justification"], author=iris["author_id"],
        author_label=row.get("author_label", ""),
        confidence=_confidence(path, line, row["confidence"]), comment=row.get("comment", ""),
        line=line,
    )


def _confidence(path: Path, line: int, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= 1:
        raise SourceParseError(
            f"{path}:{line}: column 'confidence': {text!r} is not a number from 0 to 1"
        )
    return value


def _expand(path: Path, line: int, column: str, curie: str, prefixes: dict[str, str]) -> str:
    match = CURIE.match(curie)
    if not match or match.group(2).startswith("//"):
        raise SourceParseError(f"{path}:{line}: column '{column}': {curie!r} is not a CURIE")
    prefix, local = match.groups()
    namespace = prefixes.get(prefix)
    if namespace is None and prefix in SSSOM_BUILTIN_PREFIXES:
        namespace = namespaces.PREFIXES.get(prefix)
    if namespace is None:
        raise SourceParseError(
            f"{path}:{line}: column '{column}': unknown prefix '{prefix}' in {curie!r} "
            "(declare it in the curie_map)"
        )
    return namespace + local


def _metadata_iri(path: Path, metadata: dict, key: str, prefixes: dict[str, str]) -> str:
    value = str(metadata[key]).strip()
    if re.match(r"^https?://\S+$", value):
        return value
    return _expand(path, 1, key, value, prefixes)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
