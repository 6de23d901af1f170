"""What a piece of SPARQL text is, and whether a local engine may run it.

The checks work on the text with its comments, strings and IRIs blanked out, so a
keyword inside a literal (`"LOAD"`), an IRI (`<http://e/service>`), a variable
(`?service`) or a prefixed name (`ex:load`) never counts. No SPARQL parser is
imported: rdflib's costs ~0.3 s and this runs before every query.
"""

from __future__ import annotations

import re

from coprod_kg.errors import InputError

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_OPERATIONS = (
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
)

_STRING = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
)
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_COMMENT = r"#[^\n]*"
_BLANKABLE = re.compile(f"{_STRING}|{_IRI}|{_COMMENT}", re.DOTALL)
_PROLOGUE = re.compile(r"\s*(?:(?:BASE|PREFIX\s+[\w.\-]*:)\s*<>\s*)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def _keyword(word: str) -> re.Pattern[str]:
    # not part of a variable, prefixed name or longer word
    return re.compile(rf"(?<![\w?$:.\-]){word}(?![\w:\-])", re.IGNORECASE)


_SERVICE = _keyword("SERVICE")
_LOAD = _keyword("LOAD")
_FROM = _keyword("FROM")


# SPARQL lets \uXXXX / \UXXXXXXXX stand for any character of the query, keywords included,
# and rdflib expands them before parsing (`\u0053ERVICE` is SERVICE): the checks look at
# the expanded text, with rdflib's own pattern
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)


def expand_codepoint_escapes(text: str) -> str:
    def expand(match: re.Match[str]) -> str:
        try:
            return chr(int(match.group(1), 16))
        except (ValueError, OverflowError):  # no such character: the engine rejects it
            return match.group(0)

    return _CODEPOINT_ESCAPE.sub(expand, text)


def blank_out(text: str) -> str:
    """The text with strings and IRIs emptied (`""`, `<>`) and comments removed."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("#"):
            return " "
        return "<>" if token.startswith("<") else '""'

    return _BLANKABLE.sub(replace, text)


def strip_comments(text: str) -> str:
    """The text with `#` comments removed; strings and IRIs (which may hold `#`) kept."""
    return _BLANKABLE.sub(lambda m: "" if m.group(0).startswith("#") else m.group(0), text)


def operation_kind(text: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE; raises InputError if it is neither."""
    body = blank_out(text)
    rest = body[_PROLOGUE.match(body).end():]
    word = _FIRST_WORD.match(rest)
    first = word.group(0).upper() if word else ""
    if first in QUERY_FORMS:
        return first
    if first in UPDATE_OPERATIONS:
        return "UPDATE"
    shown = (word.group(0) if word else rest.strip()[:20]) or "nothing"
    raise InputError(
        f"not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE, found {shown!r}"
    )


def check_read_only_query(text: str, *, allow_federation: bool, engine: str) -> str:
    """The query form of `text`, after refusing updates and, unless allowed, SERVICE/LOAD.

    `engine` is "memory", "oxigraph" or "remote". rdflib's engine also fetches the
    IRIs of FROM / FROM NAMED from the web, so on "memory" those count as federation.
    """
    text = expand_codepoint_escapes(text)
    kind = operation_kind(text)
    if kind == "UPDATE":
        raise InputError("SPARQL Update refused: `query` runs read-only queries only")
    if allow_federation or engine == "remote":
        return kind
    body = blank_out(text)
    for keyword, pattern in (("SERVICE", _SERVICE), ("LOAD", _LOAD)):
        if pattern.search(body):
            raise InputError(
                f"{keyword} refused: it reaches other hosts (give --allow-federation to allow it)"
            )
    if engine == "memory" and _FROM.search(body):
        raise InputError(
            "FROM refused on the memory store: rdflib fetches those IRIs from the web "
            "(give --allow-federation to allow it)"
        )
    return kind
