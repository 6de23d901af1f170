"""The project's prefixes in any query: declared automatically where a query uses them
without a PREFIX line, and an undeclared unknown prefix named with its line and column
before any store sees the query (each store would word the error its own way)."""

from __future__ import annotations

import re

from coprod_kg.errors import InputError
from coprod_kg.namespaces import PREFIXES

IRI_REF = re.compile(r'<[^\s<>"{}|^`\\]*>')
# a prefixed name's prefix: letters, digits, `_`, `-`, `.` (not ending in `.`), then `:`
PREFIXED = re.compile(r"([A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?:")
DECLARATION = re.compile(r"PREFIX\s+([A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?:", re.I)
NAME_CHAR = re.compile(r"[A-Za-z0-9_.\-?$]")
NAME_RUN = re.compile(r"[A-Za-z0-9_.\-?$]+")


def _skip(text: str, index: int) -> int | None:
    """The index after a comment, string or IRI starting at `index`, else None."""
    char = text[index]
    if char == "#":
        end = text.find("\n", index)
        return len(text) if end < 0 else end
    if char in "\"'":
        quote = char * 3 if text.startswith(char * 3, index) else char
        i = index + len(quote)
        while i < len(text):
            if text[i] == "\\":
                i += 2
            elif text.startswith(quote, i):
                return i + len(quote)
            elif len(quote) == 1 and text[i] == "\n":
                return i + 1
            else:
                i += 1
        return len(text)
    if char == "<" and (iri := IRI_REF.match(text, index)):
        return iri.end()
    return None


def scan(text: str) -> tuple[list[tuple[str, int]], set[str]]:
    """(prefixes used with their index, prefixes declared) outside comments, strings, IRIs."""
    used: list[tuple[str, int]] = []
    declared: set[str] = set()
    index = 0
    while index < len(text):
        after = _skip(text, index)
        if after is not None:
            index = after
            continue
        declaration = DECLARATION.match(text, index)
        if declaration and (index == 0 or not NAME_CHAR.match(text[index - 1])):
            declared.add(declaration.group(1) or "")
            index = declaration.end()
            continue
        name = PREFIXED.match(text, index)
        if name and (index == 0 or not NAME_CHAR.match(text[index - 1])):
            used.append((name.group(1) or "", index))
            index = name.end()
            while index < len(text) and not text[index].isspace() and text[index] not in "{}();,":
                index += 1  # the local part
            continue
        # nothing starts inside a run of name characters (each follows one): past the run
        run = NAME_RUN.match(text, index)
        index = run.end() if run else index + 1
    return used, declared


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of an index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def declare_project_prefixes(text: str, where: str = "the query") -> str:
    """The query with a first line declaring the project's prefixes it uses but does not
    declare; an undeclared prefix the project does not know is an InputError naming it."""
    used, declared = scan(text)
    for name, index in used:
        if name not in declared and name not in PREFIXES:
            line, column = position(text, index)
            raise InputError(
                f"{where}:{line}:{column}: undeclared prefix '{name}:' (declare it with "
                f"PREFIX {name}: <...>; the project's prefixes, listed in docs/model.md, "
                "need no declaration)"
            )
    missing = sorted({name for name, _ in used if name not in declared})
    if not missing:
        return text
    head = " ".join(f"PREFIX {name}: <{PREFIXES[name]}>" for name in missing)
    return f"{head}\n{text}"
