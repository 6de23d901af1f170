"""Stored queries: grlc-style `#+` YAML headers, typed parameters, safe binding.

A stored query is a `queries/NAME.rq` file that opens with a YAML header in
`#+ ` comment lines (`summary`, `description`, `tags`, `defaults`) and stays
valid SPARQL. Parameters are variables named `?_name_type` (required) or
`?__name_type` (optional), `name` in camelCase, `type` one of grlc's types
(`iri`, `number`, `literal`, `integer`, an XSD datatype as `xsd_decimal`) or a
language tag (`?_label_en`: a string in English). `decimal` and `string` are still read,
but grlc takes them for language tags: the bundled queries use `xsd_decimal` and
`literal`, so that grlc serves the same files.

Values are never pasted into the query text as raw text: each is validated for
its type, turned into an RDF term (pyoxigraph's), and the terms are injected as one
`VALUES (?_a ?_b) { (<...> "...") }` block right after the opening brace of the
outermost WHERE group, where FILTERs and BINDs of that group see them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from coprod_kg.errors import InputError
from coprod_kg.graph import sources
from coprod_kg.graph.guard import strip_comments
from coprod_kg.namespaces import IRI_FORBIDDEN
from coprod_kg.queries.header import parse_header
from coprod_kg.records import Record

TYPES = ("iri", "number", "literal", "integer", "decimal", "string")
# grlc's prefix_datatype form `?_name_xsd_TYPE`: the XSD datatypes a parameter may take
XSD_TYPES = ("xsd_decimal", "xsd_integer", "xsd_string", "xsd_boolean", "xsd_date",
             "xsd_gYear")
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_DECIMAL = XSD + "decimal"
XSD_INTEGER = XSD + "integer"
VIOLATION_SUFFIX = "-violation"
GAP_SUFFIX = "-gap"  # evidence gaps: reported by `validate` as warnings, never a failure

PARAMETER_PATTERN = re.compile(r"[?$](__?)([a-z][A-Za-z0-9]*)_((?:xsd_)?[A-Za-z]+)\b")
LANGUAGE_TAG = re.compile(r"^[a-z]{2}$")  # ?_label_en: a string in English
DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
INTEGER = re.compile(r"^[+-]?\d+$")
IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
IRI_REF = re.compile(r'<[^\s<>"{}|^`\\]*>')
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
VARIABLE_OR_NAME = re.compile(r"[?$:]?[A-Za-z0-9_\-.:]*")


class Parameter(Record):
    name: str  # camelCase, as the user passes it: -p name=value
    type: str  # one of TYPES or a language tag
    required: bool
    default: str | None

    def __init__(self, name: str, type: str, required: bool,  # noqa: A002 - grlc's word
                 default: str | None = None) -> None:
        self._set(name=name, type=type, required=required, default=default)

    @property
    def variable(self) -> str:
        underscores = "_" if self.required else "__"
        return f"{underscores}{self.name}_{self.type}"

    @property
    def type_description(self) -> str:
        if self.type in TYPES:
            return self.type
        if self.type in XSD_TYPES:
            return self.type.replace("_", ":", 1)
        return f"string in language '{self.type}'"


class StoredQuery(Record):
    name: str
    path: Path
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]

    def __init__(self, name: str, path: Path, text: str, summary: str, description: str = "",
                 tags: tuple[str, ...] = (), parameters: tuple[Parameter, ...] = ()) -> None:
        self._set(name=name, path=path, text=text, summary=summary, description=description,
                  tags=tags, parameters=parameters)

    @property
    def is_gate(self) -> bool:
        return self.name.endswith(VIOLATION_SUFFIX)

    @property
    def is_gap_report(self) -> bool:
        return self.name.endswith(GAP_SUFFIX)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


# --------------------------------------------------------------------------
# Reading the catalogue
# --------------------------------------------------------------------------


def query_files(folder: Path | None = None) -> list[Path]:
    """The folder's `*.rq` files but hidden ones (an editor's `.#name.rq` lock file)."""
    folder = folder or sources.queries_dir()
    return sorted(folder / f"{name}.rq" for name in _query_names(folder))


def load_catalogue(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query of a folder (default: the bundled queries/), by name."""
    return {path.stem: read_query(path) for path in query_files(folder)}


def read_query(path: Path) -> StoredQuery:
    """Parse one .rq file: its `#+` header and its parameters."""
    from coprod_kg.graph.guard import MAX_QUERY_CHARACTERS
    from coprod_kg.graph.source_checks import check_regular_file

    try:
        check_regular_file(path, 4 * MAX_QUERY_CHARACTERS, "a query file")
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is not SPARQL
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read: {error.strerror}") from None
    header = parse_header(text, path)
    defaults = _defaults_of(header.get("defaults"), path)
    return StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary") or "").strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(str(tag) for tag in header.get("tags") or ()),
        parameters=tuple(find_parameters(text, defaults)),
    )


def _defaults_of(raw, path: Path) -> dict[str, str]:
    """grlc writes defaults as a list of one-key maps; a plain mapping is accepted too."""
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, list) and all(isinstance(item, dict) for item in raw):
        return {str(k): str(v) for item in raw for k, v in item.items()}
    raise InputError(f"{path}: defaults must be a list of 'name: value' entries")


def find_parameters(text: str, defaults: dict[str, str] | None = None) -> list[Parameter]:
    """The parameters the query's variables declare, in order of first use."""
    defaults = defaults or {}
    found: dict[str, Parameter] = {}
    for match in PARAMETER_PATTERN.finditer(strip_comments(text)):
        underscores, name, kind = match.groups()
        if kind not in TYPES and kind not in XSD_TYPES and not LANGUAGE_TAG.match(kind):
            continue
        if name not in found:
            found[name] = Parameter(name, kind, len(underscores) == 1, defaults.get(name))
    return list(found.values())


# --------------------------------------------------------------------------
# Finding a query by name
# --------------------------------------------------------------------------


def get_query(name: str, folder: Path | None = None) -> StoredQuery:
    """The stored query called `name` (only its file is read); an unknown name suggests the
    closest names."""
    folder = folder or sources.queries_dir()
    names = _query_names(folder)
    if name in names:
        return read_query(folder / f"{name}.rq")
    import difflib

    close = difflib.get_close_matches(name, sorted(names), n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; `coprod-kg queries` lists them"
    raise InputError(f"unknown query {name!r}{hint}")


def _query_names(folder: Path) -> set[str]:
    """The names of a folder's stored queries: its `*.rq` files but hidden ones, without a
    Path for each (get_query); none for a folder that cannot be read."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return set()
    return {entry[:-3] for entry in entries if entry.endswith(".rq") and entry[0] != "."}


# --------------------------------------------------------------------------
# Binding values
# --------------------------------------------------------------------------


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`-p name=value` options as a dict; a malformed one names itself."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise InputError(f"-p {pair!r}: expected NAME=VALUE")
        if name.strip() in values:  # a parameter binds one value
            raise InputError(f"-p {name.strip()!r} given twice: give each parameter once")
        values[name.strip()] = value
    return values


MAX_NUMBER_CHARACTERS = 100


def to_term(parameter: Parameter, value: str):
    """A validated RDF term (pyoxigraph's: no rdflib on the query path) for a parameter's
    value; invalid values raise InputError."""
    import pyoxigraph

    where = f"parameter {parameter.name!r} ({parameter.type_description})"
    if any("\ud800" <= char <= "\udfff" for char in value):  # bytes of a non-UTF-8 terminal
        raise InputError(f"{where}: {value!r} is not valid UTF-8 text")
    if parameter.type == "iri":
        iri = _valid_iri(value, where)
        try:
            return pyoxigraph.NamedNode(iri)
        except ValueError:
            raise InputError(f"{where}: {value!r} is not a valid IRI") from None
    if parameter.type in ("decimal", "xsd_decimal"):
        return _number(value, where, integer=False)
    if parameter.type in ("integer", "xsd_integer"):
        return _number(value, where, integer=True)
    if parameter.type == "number":  # grlc pastes it bare: 25 is an integer, 2.5 a decimal
        return _number(value, where, integer=bool(INTEGER.match(value.strip())))
    if "\x00" in value:
        raise InputError(f"{where}: the value contains a NUL character")
    if parameter.type in ("string", "literal", "xsd_string"):
        return pyoxigraph.Literal(value)
    if parameter.type in XSD_TYPES:
        return _typed(value.strip(), XSD + parameter.type[4:], where, parameter)
    return pyoxigraph.Literal(value, language=parameter.type)


def _number(value: str, where: str, *, integer: bool):
    import pyoxigraph

    if len(value.strip()) > MAX_NUMBER_CHARACTERS:
        raise InputError(f"{where}: a number of {len(value.strip())} characters is too long "
                         f"(at most {MAX_NUMBER_CHARACTERS})")
    pattern, kind = (INTEGER, "an integer") if integer else (DECIMAL, "a decimal number")
    if not pattern.match(value.strip()):
        raise InputError(f"{where}: {value!r} is not {kind}")
    if integer:  # canonical: +7 -> 7
        return pyoxigraph.Literal(str(int(value.strip())),
                                  datatype=pyoxigraph.NamedNode(XSD_INTEGER))
    return pyoxigraph.Literal(value.strip(), datatype=pyoxigraph.NamedNode(XSD_DECIMAL))


def _typed(value: str, datatype: str, where: str, parameter: Parameter):
    """A literal of another XSD datatype, checked by rdflib's parser of that datatype."""
    import pyoxigraph
    from rdflib import Literal, URIRef

    if Literal(value, datatype=URIRef(datatype)).ill_typed:
        raise InputError(f"{where}: {value!r} is not a valid {parameter.type_description}")
    return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype))


# schemes of absolute IRIs written without `//` (anything else before a colon is a prefix)
OPAQUE_SCHEMES = ("urn", "mailto", "tag", "info", "uuid", "isbn", "data")


def _valid_iri(value: str, where: str) -> str:
    from coprod_kg.namespaces import PREFIXES, expand_curie

    iri = expand_curie(value.strip()) or value.strip()
    prefix, colon, local = iri.partition(":")
    if colon and not local.startswith("//") and prefix.lower() not in OPAQUE_SCHEMES:
        raise InputError(f"{where}: unknown prefix {prefix!r} in {value!r} (known: "
                         f"{', '.join(sorted(PREFIXES))}; or give a full http(s) IRI)")
    if not IRI_SCHEME.match(iri) or IRI_FORBIDDEN.search(iri):
        raise InputError(
            f"{where}: {value!r} is not an absolute IRI"
            " or a CURIE with a known prefix (e.g. pr:asset-based)"
        )
    return iri


def bind_values(query: StoredQuery, given: dict[str, str]) -> dict[str, object]:
    """Terms for every parameter that has a value (given or default); checks names and types."""
    unknown = sorted(set(given) - {p.name for p in query.parameters})
    if unknown:
        expected = ", ".join(f"{p.name} ({p.type_description})" for p in query.parameters) or "none"
        raise InputError(
            f"query {query.name!r} has no parameter {unknown[0]!r}; parameters: {expected}"
        )
    terms: dict[str, object] = {}
    for parameter in query.parameters:
        value = given.get(parameter.name, parameter.default)
        if value is None:
            if parameter.required:
                raise InputError(
                    f"query {query.name!r} needs parameter {parameter.name!r} "
                    f"({parameter.type_description}): pass -p {parameter.name}=VALUE"
                )
            continue
        terms[parameter.variable] = to_term(parameter, value)
    return terms


def values_block(terms: dict[str, object]) -> str:
    """`VALUES (?_a ?_b) { (<...> "...") }` from validated RDF terms."""
    variables = " ".join(f"?{name}" for name in terms)
    row = " ".join(sparql_term(term) for term in terms.values())
    return f"VALUES ({variables}) {{ ({row}) }}"


_ESCAPED_BACKSLASH_U = re.compile(r"\\\\([uU])")
STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def sparql_term(term) -> str:
    """A term (pyoxigraph's or rdflib's) in SPARQL syntax: `<iri>` or a one-line `"..."`
    literal with every quote, backslash and line break escaped, then `@lang` or
    `^^<datatype>`."""
    from coprod_kg.graph.results import term_view

    view = term_view(term)
    if view is None or view.kind == "bnode":
        raise InputError(f"{term!r}: only IRIs and literals can be bound")
    if view.kind == "uri":
        if IRI_FORBIDDEN.search(view.value):  # to_term validated it; this is a second guard
            raise InputError(f"{view.value!r} cannot be written as an IRI")
        return f"<{view.value}>"
    text = "".join(STRING_ESCAPES.get(char, char) for char in view.value)
    # rdflib expands \uXXXX over the whole query text before parsing: after an escaped
    # backslash, write the `u` itself as \U00000075 (eight digits, so that hex digits after
    # it stay text), which both engines read as a plain `u`
    text = _ESCAPED_BACKSLASH_U.sub(lambda m: f"\\\\\\U{ord(m.group(1)):08X}", text)
    if view.language:
        return f'"{text}"@{view.language}'
    if view.datatype:
        if IRI_FORBIDDEN.search(view.datatype):
            raise InputError(f"{view.datatype!r} cannot be written as an IRI")
        return f'"{text}"^^<{view.datatype}>'
    return f'"{text}"'


def bound_text(query: StoredQuery, given: dict[str, str] | None = None) -> str:
    """The query's text with its parameters bound as a VALUES block."""
    terms = bind_values(query, given or {})
    text = query.text
    service_endpoint = terms.pop(SERVICE_ENDPOINT_VARIABLE, None)
    if service_endpoint is not None:
        from coprod_kg.graph.results import term_value
        from coprod_kg.queries.federation import bind_service_endpoint

        text = bind_service_endpoint(text, term_value(service_endpoint))
    if not terms:
        return text
    return inject_values(text, values_block(terms), str(query.path))


# Neither rdflib nor Oxigraph evaluates `SERVICE ?var` with ?var bound by VALUES, so this
# one parameter is written into the SERVICE clause as a validated IRI term.
SERVICE_ENDPOINT_VARIABLE = "_serviceEndpoint_iri"


def inject_values(text: str, block: str, where: str = "<query>") -> str:
    """Insert `block` right after the opening brace of the outermost WHERE group."""
    position = outer_where_brace(text)
    if position is None:
        raise InputError(f"{where}: has parameters but no WHERE group to bind them in")
    return f"{text[: position + 1]}\n  {block}\n{text[position + 1 :]}"


# --------------------------------------------------------------------------
# A small SPARQL scanner: skips comments, strings and IRIs
# --------------------------------------------------------------------------


def _tokens(text: str):
    """Yield (index, kind, token) for words and braces outside comments, strings and IRIs."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif char in "\"'":
            i = _end_of_string(text, i)
        elif char == "<" and (iri := IRI_REF.match(text, i)):
            i = iri.end()
        elif char in "{}":
            yield i, char, char
            i += 1
        elif char.isalpha():
            match = WORD.match(text, i)
            yield i, "word", match.group(0)
            i = match.end()
        elif char in "?$:":  # variables and prefixed names are not keywords
            i = max(i + 1, VARIABLE_OR_NAME.match(text, i).end())
        else:
            i += 1


def _end_of_string(text: str, start: int) -> int:
    quote = text[start]
    long_quote = quote * 3
    if text.startswith(long_quote, start):
        end = text.find(long_quote, start + 3)
        while end > 0 and text[end - 1] == "\\":
            end = text.find(long_quote, end + 1)
        return len(text) if end < 0 else end + 3
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote or text[i] == "\n":
            return i + 1
        i += 1
    return len(text)


def outer_where_brace(text: str) -> int | None:
    """Index of the `{` opening the outermost WHERE group (WHERE may be omitted)."""
    depth = 0
    form = None
    after_where = False
    for index, kind, token in _tokens(text):
        if kind == "word":
            word = token.upper()
            if depth == 0 and form is None and word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = word
            elif depth == 0 and word == "WHERE":
                after_where = True
            continue
        if token == "{":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return index
            depth += 1
        else:
            depth -= 1
    return None


def summary_rows(catalogue: dict[str, StoredQuery]) -> list[dict]:
    """What `coprod-kg queries --format json` prints: name, summary, description, parameters."""
    return [
        {
            "name": q.name,
            "summary": q.summary,
            "description": q.description,
            "tags": list(q.tags),
            "parameters": [
                {"name": p.name, "type": p.type, "required": p.required, "default": p.default}
                for p in q.parameters
            ],
        }
        for q in catalogue.values()
    ]


def is_internal(name: str) -> bool:
    """The site's queries, the quality gates and the gap reports: not questions people ask."""
    return name.startswith("site-") or name.endswith((VIOLATION_SUFFIX, GAP_SUFFIX))


def normal_tag(tag: str) -> str:
    """`Case studies`, `case-studies` and `case_studies` are one tag."""
    return "-".join(tag.lower().replace("_", " ").replace("-", " ").split())


def select_listing(listing: list[dict], show_all: bool, tags: tuple[str, ...] = ()) -> list[dict]:
    """The entries `coprod-kg queries` shows: internal ones only with show_all; with tags,
    those with any of them."""
    wanted = {normal_tag(tag) for tag in tags}
    return [
        entry
        for entry in listing
        if (show_all or not is_internal(entry["name"]))
        and (not wanted or wanted & {normal_tag(tag) for tag in entry["tags"]})
    ]
