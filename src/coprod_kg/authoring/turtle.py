"""Canonical Turtle of a template: fixed prefixes, subjects and objects in a fixed order,
decimals in canonical form; the same template always gives byte-identical Turtle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t
from coprod_kg.authoring.model import CASE_STUDY_CLASS, PREFIXES, Node, Template, curie_of
from coprod_kg.authoring.reading import date_datatype

if TYPE_CHECKING:
    pass



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
    statements = [f"a {curie_of(_node_class(node))}"]
    for spec in node.fields:
        texts = node.values.get(spec.key)
        if texts:
            objects = " , ".join(turtle_term(spec, text) for text in texts)
            statements.append(f"{curie_of(spec.predicate)} {objects}")
    for predicate, objects in links:
        statements.append(f"{curie_of(predicate)} {' , '.join(objects)}")
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
        return curie_of(t.UNITS[text])
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
