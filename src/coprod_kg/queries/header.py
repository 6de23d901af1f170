"""The `#+` YAML header of a stored query, read without PyYAML when it is plain.

PyYAML's import alone takes longer than a whole warm `coprod-kg query` should (issue 16).
The bundled headers use a small part of YAML: `key: text` (plain, or in double quotes
without escapes), a folded block (`key: >`) of equally indented lines, and a list of words
or of `name: value` pairs. `plain_header` reads exactly that part and answers None for
anything else (a number other than a whole one, `yes`, single quotes, a comment, an empty
line...), which PyYAML then reads. tests/queries/test_query_header.py checks that both give
the same dict.
"""

from __future__ import annotations

import re
from pathlib import Path

KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?")
ITEM = re.compile(r"( *)- (.*)")
WHOLE_NUMBER = re.compile(r"0|[1-9][0-9]*")
TEXT = re.compile(r"[A-Za-z][^\t]*")
# words YAML 1.1 reads as booleans or null, whatever their case
NOT_TEXT = {"yes", "no", "true", "false", "on", "off", "y", "n", "null"}


def parse_header(text: str, path: Path | str = "<query>") -> dict:
    """The YAML of the leading `#+` comment lines (an empty dict when there are none)."""
    from coprod_kg.errors import InputError

    lines = header_lines(text)
    if not lines:
        return {}
    header = plain_header(lines)
    if header is not None:
        return header
    import yaml

    from coprod_kg.graph.safe_yaml import safe_loader

    try:
        header = yaml.load("\n".join(lines), Loader=safe_loader())  # noqa: S506
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None)
        raise InputError(f"{path}{where}: the #+ header is not valid YAML"
                         f"{': ' + problem if problem else ''}") from None
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise InputError(f"{path}: the #+ header must be a YAML mapping")
    return header


def header_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return lines


def plain_header(lines: list[str]) -> dict | None:
    """The header as PyYAML reads it, when it keeps to the plain part; else None."""
    header: dict = {}
    index = 0
    while index < len(lines):
        match = KEY.fullmatch(lines[index])
        if match is None:
            return None
        key, value = match[1], match[2]
        if _scalar(key) is None:  # `on:`, `no:` are booleans to YAML
            return None
        index += 1
        if value is None or value == "":
            block = _indented(lines, index)
            items = [ITEM.fullmatch(line) for line in block]
            if not block or not all(items) or len({m[1] for m in items}) != 1:
                return None
            parsed = [_item(m[2]) for m in items]
            if any(item is None for item in parsed):
                return None
            header[key] = parsed
            index += len(block)
        elif value == ">":
            block = _indented(lines, index)
            if not block or len({len(line) - len(line.lstrip(" ")) for line in block}) != 1 \
                    or any(line != line.rstrip() or "\t" in line or not line.isprintable()
                           for line in block):
                return None
            index += len(block)
            # the line break that ends the block is kept, unless the header ends there
            header[key] = " ".join(line.strip() for line in block) + (
                "\n" if index < len(lines) else "")
        else:
            scalar = _scalar(value)
            if scalar is None:
                return None
            header[key] = scalar
    return header


def _indented(lines: list[str], start: int) -> list[str]:
    """The lines from `start` on that are indented (a block under a key)."""
    end = start
    while end < len(lines) and lines[end].startswith(" ") and lines[end].strip():
        end += 1
    return lines[start:end]


def _item(text: str):
    match = KEY.fullmatch(text)
    if match is not None and match[2]:
        value = _scalar(match[2])
        return None if value is None or _scalar(match[1]) is None else {match[1]: value}
    return _scalar(text)


def _scalar(text: str):
    """A plain scalar that YAML reads as a string (or a whole number), or a double-quoted
    one without escapes; None otherwise."""
    if WHOLE_NUMBER.fullmatch(text):
        return int(text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        inner = text[1:-1]
        return inner if '"' not in inner and "\\" not in inner and inner.isprintable() \
            and "\t" not in inner else None
    if (not TEXT.fullmatch(text) or text != text.rstrip() or text.lower() in NOT_TEXT
            or ": " in text or " #" in text or text.endswith(":") or not text.isprintable()):
        return None
    return text
