"""Reading and checking a filled template: structure, types, allowed values, ids."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t
from coprod_kg.authoring.model import Node, Template, TemplateError, Vocabulary, curie_of
from coprod_kg.authoring.yaml_reader import Mapping, Scalar, Sequence, read_tree

if TYPE_CHECKING:
    pass



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
        tree = read_tree(text, path)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "not valid YAML"
        raise TemplateError([f"{path}{where}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as error:
        raise TemplateError([f"{path}: invalid YAML: {error}"]) from None
    if not isinstance(tree, Mapping):
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


MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
MAX_INTEGER_DIGITS = 18
MAX_DECIMAL_CHARACTERS = 100
MAX_SLUG_CHARACTERS = 100


def _read_text(path: Path) -> str:
    from coprod_kg.errors import SourceParseError
    from coprod_kg.graph.source_checks import check_regular_file

    try:
        check_regular_file(path, MAX_TEMPLATE_BYTES, "a template")
        return path.read_bytes().decode("utf-8")
    except SourceParseError as error:
        raise TemplateError([str(error)]) from None
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


def _unknown_keys(mapping: Mapping, known: set[str], prefix: str, errors: Errors) -> None:
    for key, line in mapping.duplicates:
        errors.add(line, prefix + key, "this field is given twice")
    for key, line in mapping.key_lines.items():
        if key not in known:
            errors.add(line, prefix + key,
                       f"unknown field (expected one of: {', '.join(sorted(known))})")


def _read_list(tree: Mapping, key: str, errors: Errors, vocabulary: Vocabulary) -> list[Node]:
    value = tree.items.get(key)
    if value is None or (isinstance(value, Scalar) and value.is_null):
        return []
    if not isinstance(value, Sequence):
        errors.add(tree.key_lines[key], key, "expected a list of items (lines starting with '- ')")
        return []
    nodes = []
    for index, item in enumerate(value.items):
        path = f"{key}[{index}]"
        if not isinstance(item, Mapping):
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


def _read_node(mapping: Mapping, list_key: str, path: str, errors: Errors,
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
    _check_money(node, errors)
    return node


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _is_empty(mapping: Mapping) -> bool:
    """An item whose fields are all left empty (as `coprod-kg new` writes them)."""
    return all(
        (isinstance(value, Scalar) and value.is_null)
        or (isinstance(value, Sequence) and not value.items)
        for value in mapping.items.values()
    )


def _read_slug(mapping: Mapping, where: str, errors: Errors) -> str | None:
    value = mapping.items.get("id")
    line = mapping.key_lines.get("id", mapping.line)
    if value is None or (isinstance(value, Scalar) and value.is_null):
        errors.add(mapping.line, where, "missing required field (the slug of its IRI, "
                   "lower-case letters, digits and hyphens, e.g. oxleas-complaints)")
        return None
    if isinstance(value, Scalar) and len(value.text) > MAX_SLUG_CHARACTERS:
        errors.add(line, where, f"an id of {len(value.text)} characters is too long (at most "
                   f"{MAX_SLUG_CHARACTERS}: it becomes a file name and an IRI)")
        return None
    if not isinstance(value, Scalar) or not t.SLUG.match(value.text):
        shown = value.text if isinstance(value, Scalar) else "a list or mapping"
        errors.add(line, where, f"{shown!r} is not a slug (expected lower-case letters, digits "
                   "and hyphens, starting with a letter or digit, e.g. oxleas-complaints)")
        return None
    return value.text


def _read_outcome_type(mapping: Mapping, where: str, errors: Errors) -> str:
    value = mapping.items.get("type")
    if value is None or (isinstance(value, Scalar) and value.is_null):
        errors.add(mapping.line, where,
                   f"missing required field (one of: {', '.join(t.OUTCOME_TYPES)})")
        return ""
    if not isinstance(value, Scalar) or value.text not in t.OUTCOME_TYPES:
        shown = value.text if isinstance(value, Scalar) else "a list or mapping"
        errors.add(mapping.key_lines["type"], where,
                   f"unknown outcome type {shown!r} (expected one of: "
                   f"{', '.join(t.OUTCOME_TYPES)})")
        return ""
    return value.text


def _read_field(spec: t.Field, value, line: int, where: str, errors: Errors,
                vocabulary: Vocabulary) -> list[str]:
    if value is None or (isinstance(value, Scalar) and value.is_null):
        return []
    if isinstance(value, Sequence):
        if not spec.many:
            errors.add(line, where, "expected a single value, not a list")
            return []
        scalars = value.items
    else:
        scalars = [value]
    texts = []
    for scalar in scalars:
        if not isinstance(scalar, Scalar):
            errors.add(getattr(scalar, "line", line), where,
                       "expected a value, not a nested list or mapping")
            continue
        if scalar.is_null:
            continue
        text = _check_value(spec, scalar, where, errors, vocabulary)
        if text is not None:
            texts.append(text)
    return sorted(set(texts)) if spec.many else texts


def _check_value(spec: t.Field, scalar: Scalar, where: str, errors: Errors,
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
        if len(text.strip().lstrip("+-")) > MAX_INTEGER_DIGITS:
            errors.add(line, where, f"a whole number of {len(text.strip())} digits is too "
                       f"large (at most {MAX_INTEGER_DIGITS} digits)")
            return None
        number = int(text)
        if (spec.minimum is not None and number < spec.minimum) or \
                (spec.maximum is not None and number > spec.maximum):
            errors.add(line, where, f"{number} is out of range (expected "
                       f"{_range_text(spec.minimum, spec.maximum)})")
            return None
        return str(number)
    if kind == "decimal":
        if len(text.strip()) > MAX_DECIMAL_CHARACTERS:
            errors.add(line, where, f"a number of {len(text.strip())} characters is too long "
                       f"(at most {MAX_DECIMAL_CHARACTERS})")
            return None
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


def _check_money(node: Node, errors: Errors) -> None:
    """A sum of money is a magnitude: a saving or a cost says so with its direction."""
    if node.values.get("unit") != ["GBP"]:
        return
    for key in PERCENT_FIELDS:
        for text in node.values.get(key, []):
            if Decimal(text) < 0:
                errors.add(node.lines[key], node.field_path(key),
                           f"{text} is a negative sum of money (give the magnitude; "
                           "the direction says whether it is a saving or a cost)")


def _check_ids_unique(template: Template, errors: Errors) -> None:
    seen: dict[str, str] = {}
    for node in template.all_nodes():
        if not node.slug:
            continue
        if node.iri in seen:
            errors.add(node.line, node.field_path("id"),
                       f"duplicate IRI {curie_of(node.iri)}: {seen[node.iri]} has the same id")
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
    with localcontext() as exact:  # the default 28 digits would round 1.000...0001
        exact.prec = len(text) + 2
        plain = format(number.normalize(), "f")
    return plain if "." in plain else plain + ".0"


def date_datatype(text: str) -> str | None:
    """The XSD datatype of a date written YYYY, YYYY-MM or YYYY-MM-DD; None when it is not
    one, or is no day of the calendar (2023-02-30)."""
    import datetime

    for pattern, datatype in t.DATE_FORMS:
        if pattern.match(text):
            parts = text.lstrip("-").split("-")
            try:
                if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
                    return None
                if len(parts) == 3:
                    datetime.date(int(parts[0]), int(parts[1]), int(parts[2][:2]))
            except ValueError:
                return None
            return datatype
    return None
