"""Reading a template: a YAML file as a tree of values that keep their line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Scalar:
    text: str
    tag: str
    line: int
    quoted: bool

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.tag.endswith(":null")


@dataclass
class Sequence:
    items: list[Any]
    line: int


@dataclass
class Mapping:
    items: dict[str, Any]
    key_lines: dict[str, int]
    line: int
    duplicates: list[tuple[str, int]] = field(default_factory=list)


def read_tree(text: str, path: Path) -> Mapping | None:
    """Compose YAML text into Scalars, Sequences and Mappings; None for an empty document.

    Raises yaml.YAMLError (MarkedYAMLError) on invalid YAML.
    """
    import yaml

    from coprod_kg.graph.safe_yaml import safe_loader

    node = yaml.compose(text, Loader=safe_loader())  # alias and depth limits
    if node is None:
        return None
    return _tree(node)


def _tree(node) -> Any:
    import yaml

    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, node.tag, line, node.style in ("'", '"', "|", ">"))
    if isinstance(node, yaml.SequenceNode):
        return Sequence([_tree(item) for item in node.value], line)
    items: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.tag)
        key_line = key_node.start_mark.line + 1
        if key in items:
            duplicates.append((key, key_line))
            continue
        items[key] = _tree(value_node)
        key_lines[key] = key_line
    return Mapping(items, key_lines, line, duplicates)
