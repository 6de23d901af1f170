"""Writing a template: the YAML text of a blank or filled template, with its comments."""

from __future__ import annotations

import re
from typing import Any

from coprod_kg.authoring.schema import (
    CASE_STUDY_FIELDS,
    DECIMAL,
    FORMAT,
    NODE_LISTS,
    NODE_NAMESPACES,
    OUTCOME_TYPES,
    Field,
)

PLAIN_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
YAML_SPECIAL_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"}


def quote_text(text: str) -> str:
    """A YAML double-quoted scalar for any string (JSON escapes are valid YAML escapes).

    Characters that are not printable (line and paragraph separators, BOM...) are escaped too:
    YAML would otherwise fold or reject them.
    """
    import json

    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else _escape(c) for c in quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def scalar_text(value: str, kind: str) -> str:
    """How a value of a given kind is written in a template."""
    if kind in ("int", "decimal", "bool"):
        return value
    if kind in ("ref", "unit") and PLAIN_SAFE.match(value) and value.lower() not in \
            YAML_SPECIAL_WORDS and not DECIMAL.match(value):
        return value
    return quote_text(value)


def block_text(value: str, indent: str) -> str | None:
    """A literal block (`|-`) for multi-line text when it round-trips exactly, else None."""
    if "\n" not in value or value != value.strip() or "\r" in value or "\t" in value:
        return None
    lines = value.split("\n")
    if any(line != line.rstrip() or not line or not line.isprintable() for line in lines):
        return None
    body = "\n".join(indent + "  " + line for line in lines)
    return "|-\n" + body


def wrap_comment(text: str, indent: str, width: int = 96) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, initial_indent=indent + "# ",
                         subsequent_indent=indent + "#   ", break_on_hyphens=False)


def field_comment(spec: Field, allowed: dict[str, list[str]], indent: str) -> list[str]:
    text = f"{spec.key} ({spec.status}{', a list' if spec.many else ''}): {spec.doc}"
    lines = wrap_comment(text, indent)
    if spec.ref is not None and allowed.get(spec.ref.noun):
        lines += wrap_comment("Allowed: " + ", ".join(allowed[spec.ref.noun]) + ".", indent)
    if spec.example:
        lines += wrap_comment(f"Example from the review: {spec.example}", indent)
    return lines


def render_value(key: str, spec: Field, values: list[str], indent: str) -> list[str]:
    """`key: value` lines for one field (values already as template text, unquoted)."""
    if spec.many:
        if not values:
            return [f"{indent}{key}: []"]
        return [f"{indent}{key}:"] + [
            f"{indent}  - {_one_value(v, spec.kind, indent + '    ')}" for v in values
        ]
    if not values:
        return [f"{indent}{key}:"]
    return [f"{indent}{key}: {_one_value(values[0], spec.kind, indent)}"]


def _one_value(value: str, kind: str, indent: str) -> str:
    if kind in ("text", "en"):
        block = block_text(value, indent)
        if block is not None:
            return block
    return scalar_text(value, kind)


def render_template(document: dict[str, Any] | None, allowed: dict[str, list[str]],
                    slug: str | None = None) -> str:
    """The YAML text of a template: documented, empty when `document` is None.

    `document` maps field keys to lists of value texts, and each list key to a list of such
    mappings (each with an `id`, and `type` for outcomes).
    """
    lines = [
        f"# {FORMAT}.",
        "# Fill in the fields, then run: coprod-kg import THIS-FILE",
        "# Text values are best written in double quotes; a list is written as [a, b] or as",
        "# lines starting with '- '. Slugs are the last part of an IRI of the graph.",
        "# Leave an optional field empty (or delete it) when the review does not say.",
        "",
        "# id (required): the case study's slug; its IRI is "
        "https://w3id.org/coprod-kg/id/case-study/<id>.",
        "#   Example from the review: oxleas-ebcd",
        f"id: {scalar_text((document or {}).get('id', [slug or ''])[0], 'ref')}",
    ]
    for spec in CASE_STUDY_FIELDS:
        lines.append("")
        lines += field_comment(spec, allowed, "")
        lines += render_value(spec.key, spec, (document or {}).get(spec.key, []), "")
    for list_key, (_, fields, doc) in NODE_LISTS.items():
        lines.append("")
        lines += _list_comment(list_key, fields, doc, allowed)
        nodes = None if document is None else document.get(list_key, [])
        lines += _render_nodes(list_key, fields, nodes)
    return "\n".join(lines) + "\n"


def _list_comment(list_key: str, fields: list[Field], doc: str,
                  allowed: dict[str, list[str]]) -> list[str]:
    namespace = NODE_NAMESPACES[list_key][0]
    lines = ["# " + "-" * 94]
    lines += wrap_comment(f"{list_key}: {doc} Each item has these fields:", "")
    lines += wrap_comment(f"id (required): the item's slug; its IRI is {namespace}<id>.", "  ")
    if list_key == "outcomes":
        lines += wrap_comment("type (required): " + ", ".join(OUTCOME_TYPES)
                              + " (an expected outcome is one a protocol has not measured "
                              "yet).", "  ")
    for spec in fields:
        lines += field_comment(spec, allowed, "  ")
    return lines


def _render_nodes(list_key: str, fields: list[Field],
                  nodes: list[dict[str, list[str]]] | None) -> list[str]:
    if nodes is None:  # a new template: one empty item showing every field
        lines = [f"{list_key}:", "  - id:"]
        if list_key == "outcomes":
            lines.append("    type:")
        for spec in fields:
            lines += render_value(spec.key, spec, [], "    ")
        return lines
    if not nodes:
        return [f"{list_key}: []"]
    lines = [f"{list_key}:"]
    for node in nodes:
        lines.append(f"  - id: {scalar_text(node['id'][0], 'ref')}")
        if "type" in node:
            lines.append(f"    type: {node['type'][0]}")
        for spec in fields:
            if node.get(spec.key):
                lines += render_value(spec.key, spec, node[spec.key], "    ")
    return lines
