"""What a piece of SPARQL text is, and whether a local engine may run it.

Three layers, each enough on its own for the queries it knows:

1. Limits (`check_limits`): size, bracket nesting and operator count, checked on the
   text before any engine sees it (Oxigraph crashes on 2,500 nested groups or 10,000
   chained `||`; rdflib recurses).
2. The engine's own parse: for the memory store, rdflib's parser and algebra, walked for
   SERVICE and for FROM / FROM NAMED (which rdflib would fetch). pyoxigraph exposes no
   parser, so for Oxigraph the queries run in a worker without network (graph.worker).
3. A lexer, on the text with its comments, strings and IRIs blanked out, so a keyword
   inside a literal (`"LOAD"`), an IRI (`<http://e/service>`), a variable (`?service`)
   or a prefixed name (`ex:load`) never counts. Engines disagree on `\\uXXXX`: rdflib
   expands it over the whole text before parsing, Oxigraph (like the SPARQL grammar)
   only inside strings and IRIs, so `"\\u0022" SERVICE <x> "\\u0022"` is one string
   for rdflib and a live SERVICE for Oxigraph. The lexer reads the text both ways and
   refuses what either reading finds.
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


MAX_QUERY_CHARACTERS = 1_000_000
MAX_NESTING = 100  # brackets { ( [ inside one another
MAX_OPERATORS = 2_000  # UNION, MINUS, OPTIONAL, ||, &&, !, arithmetic, comparisons, paths
_OPERATOR = re.compile(r"\|\||&&|!=|<=|>=|[!|/^+*=<>-]|\b(?:UNION|MINUS|OPTIONAL)\b",
                       re.IGNORECASE)


def check_limits(text: str) -> None:
    """Refuse a query too large, too deep or too long a chain for the engines to survive."""
    if len(text) > MAX_QUERY_CHARACTERS:
        raise InputError(f"the query is {len(text):,} characters long, over the limit of "
                         f"{MAX_QUERY_CHARACTERS:,}")
    body = blank_out(text)
    depth = deepest = 0
    for char in body:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                raise InputError(f"the query nests brackets over {MAX_NESTING} deep, "
                                 "over the limit")
        elif char in "})]":
            depth -= 1
    operators = sum(1 for _ in _OPERATOR.finditer(body.replace("<>", " ")))
    if operators > MAX_OPERATORS:
        raise InputError(f"the query has {operators:,} operators, over the limit of "
                         f"{MAX_OPERATORS:,}")


def check_read_only_query(text: str, *, allow_federation: bool, engine: str) -> str:
    """The query form of `text`, after the limits, refusing updates and, unless allowed,
    SERVICE/LOAD.

    `engine` is "memory", "oxigraph" or "remote". rdflib's engine also fetches the
    IRIs of FROM / FROM NAMED from the web, so on "memory" those count as federation.
    """
    expanded = expand_codepoint_escapes(text)
    readings = [text] if engine == "oxigraph" else [expanded]
    if expanded != text and engine != "remote":
        readings = [text, expanded]  # refuse what either reading of the escapes finds
    for reading in readings:
        check_limits(reading)
    kind = operation_kind(readings[-1])
    if kind == "UPDATE" or any(operation_kind(r) == "UPDATE" for r in readings):
        raise InputError("SPARQL Update refused: `query` runs read-only queries only")
    if allow_federation or engine == "remote":
        return kind
    for reading in readings:
        _refuse_federation(blank_out(reading), engine)
    if engine == "memory":
        _refuse_federation_in_rdflib_algebra(text)
    return kind


def _refuse_federation(body: str, engine: str) -> None:
    for keyword, pattern in (("SERVICE", _SERVICE), ("LOAD", _LOAD)):
        if pattern.search(body):
            raise InputError(
                f"{keyword} refused: it reaches other hosts (give --allow-federation to allow it)"
            )
    if engine == "memory" and _keyword("FROM").search(body):  # compiled once, by re
        raise InputError(_FROM_REFUSED)


_FROM_REFUSED = ("FROM refused on the memory store: rdflib fetches those IRIs from the web "
                 "(give --allow-federation to allow it)")


def _refuse_federation_in_rdflib_algebra(text: str) -> None:
    """Parse as rdflib will and walk the parse tree for SERVICE and FROM (its dataset clause)."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except RecursionError:
        raise InputError("the query is nested too deeply to run") from None
    except Exception:  # noqa: BLE001 - not valid for rdflib: its engine will say so
        return
    for node in _walk(tree, 0):
        name = getattr(node, "name", "")
        if name == "ServiceGraphPattern":
            raise InputError("SERVICE refused: it reaches other hosts "
                             "(give --allow-federation to allow it)")
        if name == "DatasetClause":
            raise InputError(_FROM_REFUSED)


def _walk(node, depth: int):
    from pyparsing import ParseResults

    if depth > 4 * MAX_NESTING:
        raise InputError("the query is nested too deeply to run")
    yield node
    if isinstance(node, ParseResults):
        children = list(node)
    elif isinstance(node, dict):  # rdflib's CompValue
        children = list(node.values())
    elif isinstance(node, (list, tuple)):
        children = node
    else:
        return
    for child in children:
        yield from _walk(child, depth + 1)
