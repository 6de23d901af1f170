"""Query results whatever the engine: QueryResult, a neutral view of terms, conversions.

An embedded Oxigraph store answers with pyoxigraph terms; `QueryResult.terms` keeps them
as they came, and the renderers read them through `term_view` without building rdflib
terms (rdflib's import alone costs more than a whole query on the bundled data).
`QueryResult.rows` gives the same rows as rdflib terms, converted on first use, for the
code that works with rdflib (validation, the site, the links checks).
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable

from coprod_kg.errors import InputError

TYPE_CHECKING = False  # typing's own costs a warm query ~2 ms to import (issue 16)
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


class QueryResult:
    """The answer to one query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph.

    SELECT rows are given either as rdflib terms (`rows`) or as pyoxigraph terms
    (`native_rows`); each form is built from the other on first use.
    """

    def __init__(self, kind: str, variables: list[str] | None = None,
                 rows: list[tuple[Any, ...]] | None = None, boolean: bool | None = None,
                 graph: Any = None, *, native_rows: list[tuple[Any, ...]] | None = None) -> None:
        self.kind = kind  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
        self.variables = list(variables or [])
        self._rows = list(rows) if rows is not None else None
        self._native_rows = native_rows
        self.boolean = boolean
        self.graph = graph  # an rdflib Graph for CONSTRUCT/DESCRIBE

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The rows as rdflib terms (None for an unbound variable)."""
        if self._rows is None:
            if self._native_rows is None:
                self._rows = []
            else:
                convert = per_distinct_term(to_rdflib)
                self._rows = [tuple(convert(t) for t in row) for row in self._native_rows]
        return self._rows

    @rows.setter
    def rows(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = list(rows)
        self._native_rows = None

    @property
    def terms(self) -> list[tuple[Any, ...]]:
        """The rows as the engine gave them (pyoxigraph or rdflib terms): for term_view."""
        if self._native_rows is not None:
            return self._native_rows
        return self.rows

    def __repr__(self) -> str:
        return (f"QueryResult({self.kind!r}, {self.variables!r}, {len(self.terms)} rows, "
                f"boolean={self.boolean!r})")

    # The query worker (graph.worker) pickles the answer to send it to its parent: rows of
    # pyoxigraph terms travel as SPARQL TSV (N-Triples terms), which Oxigraph parses back to
    # the same terms many times faster than pickle rebuilds them (10,000 rows: 0.45 -> 0.05 s).
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        tsv = native_rows_tsv(self.variables, self._native_rows)
        if tsv is not None:
            state["_native_rows"] = tsv
        return state

    def __setstate__(self, state: dict) -> None:
        if isinstance(state.get("_native_rows"), bytes):
            import pyoxigraph

            solutions = pyoxigraph.parse_query_results(
                state["_native_rows"], format=pyoxigraph.QueryResultsFormat.TSV)
            state["_native_rows"] = [tuple(solution) for solution in solutions]
        self.__dict__.update(state)


def native_rows_tsv(variables: list[str], rows: list[tuple[Any, ...]] | None) -> bytes | None:
    """Rows of pyoxigraph terms as SPARQL TSV, or None when TSV cannot carry them (no
    variables, or a term that is not an IRI, a blank node or a literal)."""
    if not rows or not variables:
        return None
    import pyoxigraph

    plain = (pyoxigraph.NamedNode, pyoxigraph.BlankNode, pyoxigraph.Literal)
    lines = ["\t".join(f"?{name}" for name in variables)]
    for row in rows:
        cells = []
        for term in row:
            if term is None:
                cells.append("")
            elif isinstance(term, plain):
                cells.append(str(term))
            else:
                return None
        lines.append("\t".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


# What every renderer needs of a term, whichever library holds it: its kind ("uri",
# "bnode" or "literal"); its value (the IRI, the blank node's id, or the literal's lexical
# form); its datatype (None for simple and language-tagged literals); its language.
TermView = namedtuple("TermView", ("kind", "value", "datatype", "language"),
                      defaults=(None, None))


def term_view(term) -> TermView | None:
    """A pyoxigraph or rdflib term (or None) as a TermView, with the lexical forms of
    `to_rdflib` (simple literals have no datatype, decimals keep a fraction)."""
    if term is None:
        return None
    try:
        viewer = _VIEWERS[type(term)]
    except KeyError:
        viewer = _VIEWERS[type(term)] = _viewer_for(term)
    return viewer(term)


# a term's type -> the function that views it (one dict look-up per term, not an import and
# a chain of isinstance)
_VIEWERS: dict[type, Callable[[Any], TermView]] = {}


def _viewer_for(term) -> Callable[[Any], TermView]:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return lambda named: TermView("uri", named.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return lambda blank: TermView("bnode", blank.value)
    if isinstance(term, pyoxigraph.Literal):
        return _literal_view
    return _rdflib_term_view


def _literal_view(term) -> TermView:
    if term.language:
        return TermView("literal", term.value, None, term.language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return TermView("literal", term.value)
    return TermView("literal", lexical_form(term.value, datatype), datatype)


def column_values(result: QueryResult, function: Callable[[Any], T],
                  unbound: T) -> list[list[T]]:
    """Each column of the rows as `function(term)`, `unbound` for an unbound cell; computed
    once per distinct term of a column (equal terms render alike in both libraries)."""
    if not result.terms or not result.variables:
        return [[] for _ in result.variables]
    columns = []
    for column in zip(*result.terms, strict=True):
        values: dict[Any, T] = dict.fromkeys(column)  # type: ignore[arg-type]
        for term in values:
            values[term] = unbound if term is None else function(term)
        columns.append([values[term] for term in column])
    return columns


def rows_of(columns: list[list[T]], count: int) -> list[tuple[T, ...]]:
    """The rows of `column_values` (`count` empty rows when there is no column)."""
    return list(zip(*columns, strict=True)) if columns else [()] * count


XSD = "http://www.w3.org/2001/XMLSchema#"
# Oxigraph's canonical lexical forms that rdflib keeps as they are (checked against rdflib
# by tests/queries/test_render_native.py); others are rebuilt the way rdflib writes them.
# Patterns as text: re compiles (and keeps) one when a literal of its datatype first comes,
# not every command at import (most answers need none of them; issue 16)
AS_RDFLIB_WRITES_THEM = {
    XSD + "integer": r"-?\d+",
    XSD + "boolean": r"true|false",
    XSD + "date": r"\d{4}-\d\d-\d\d",
    XSD + "gYear": r"-?\d{4}",
    XSD + "gYearMonth": r"-?\d{4}-\d\d",
    XSD + "duration": r"P(?!T?0S$)[0-9YMDTHS.]+",  # rdflib writes PT0S as P0D
    XSD + "anyURI": r"[^\s]*",
}
_rebuilt_lexical_forms: dict[tuple[str, str], str] = {}


def lexical_form(value: str, datatype: str) -> str:
    """The lexical form rdflib gives an Oxigraph literal: `to_rdflib`'s, mostly without
    rdflib (a double, a date with a time zone, ... are handed to rdflib)."""
    if datatype == XSD_DECIMAL:
        return canonical_decimal(value)
    pattern = AS_RDFLIB_WRITES_THEM.get(datatype)
    if pattern is not None and re.fullmatch(pattern, value):
        return value
    key = (value, datatype)
    if key not in _rebuilt_lexical_forms:
        import pyoxigraph

        literal = pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(datatype))
        _rebuilt_lexical_forms[key] = str(to_rdflib(literal))
    return _rebuilt_lexical_forms[key]


def _rdflib_term_view(term) -> TermView:
    from rdflib import BNode, Literal  # already imported: the term is an rdflib term

    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype and not term.language else None
        return TermView("literal", str(term), datatype, term.language)
    if isinstance(term, BNode):
        return TermView("bnode", str(term))
    return TermView("uri", str(term))


def term_value(term) -> str | None:
    """The IRI, blank node id or lexical form of a term of either library (None stays None)."""
    view = term_view(term)
    return None if view is None else view.value


def to_rdflib(term):
    """A pyoxigraph term (or None) as the equal rdflib term; simple literals have no datatype."""
    if term is None:
        return None
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(canonical_lexical(term.value, datatype), datatype=URIRef(datatype))
    raise InputError(f"unsupported term in a result: {term!r}")


def per_distinct_term(function: Callable[[Any], T]) -> Callable[[Any], T]:
    """`function` of a term, computed once per distinct term (results and graphs repeat
    labels, pages, units and statuses a lot). Both libraries' terms compare by lexical form,
    datatype and language, so `"01"^^xsd:integer` read verbatim stays apart from `"1"`."""
    cache: dict[Any, T] = {}

    def call(term) -> T:
        try:
            return cache[term]
        except KeyError:
            cache[term] = value = function(term)
            return value

    return call


def then_applied(answer: QueryResult, then: Callable[[QueryResult], Any] | None) -> Any:
    """A store's `query(text, then)`: the answer, or `then(answer)` (an embedded store calls
    this in its query worker, so that only the value, say the printed table, comes back)."""
    return answer if then is None else then(answer)


_WHOLE = re.compile(r"-?[1-9][0-9]*")
_FRACTION = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]*[1-9]")


def canonical_decimal(lexical: str) -> str:
    """One spelling per decimal, XSD 1.0's canonical form, which our data and rdflib write:
    `80.0` (Oxigraph and Virtuoso answer `80`), `1.2` (not `1.20`), `0.0`; every digit kept
    (the decimal context's default 28 would round a longer one)."""
    if len(lexical) <= 20:  # Oxigraph's own forms, without importing decimal
        if _WHOLE.fullmatch(lexical):
            return f"{lexical}.0"
        if _FRACTION.fullmatch(lexical):
            return lexical
    from decimal import Context, Decimal, InvalidOperation

    try:
        number = Decimal(lexical.strip())
    except InvalidOperation:
        return lexical  # ill-typed: left as the server wrote it
    if not number.is_finite():
        return lexical
    if number == 0:
        return "0.0"
    exact = Context(prec=max(28, len(number.as_tuple().digits)))
    plain = format(number.normalize(exact), "f")
    return plain if "." in plain else f"{plain}.0"


XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_NUMBER = r"^-?\d+(\.\d*)?([eE][+-]?\d+)?$"  # compiled when first needed, as above


def canonical_lexical(lexical: str, datatype: str) -> str:
    """The spelling rdflib gives a value, for values a server writes another way: decimals
    (see canonical_decimal), booleans (`1` -> `true`), and Virtuoso 7.2's durations, which it
    answers as a number: whole months for a year-month duration (`14` for P1Y2M), seconds
    for a day-time one (`18000.0` for PT5H). A duration with both parts has already lost
    its days on that server; nothing here can bring them back."""
    if datatype == XSD_DECIMAL:
        return canonical_decimal(lexical)
    if datatype == XSD_BOOLEAN and lexical in ("0", "1"):
        return "true" if lexical == "1" else "false"
    if datatype == XSD_DURATION and re.match(_NUMBER, lexical):
        from rdflib import Literal, URIRef

        sign, digits = ("-", lexical[1:]) if lexical.startswith("-") else ("", lexical)
        if re.fullmatch(r"\d+", digits):
            iso = f"{sign}P{digits}M"
        else:
            iso = f"{sign}PT{format(float(digits), 'f').rstrip('0').rstrip('.') or '0'}S"
        return str(Literal(iso, datatype=URIRef(XSD_DURATION)))  # rdflib's normal form
    return lexical


def default_graph():
    import pyoxigraph

    return pyoxigraph.DefaultGraph()


def triples_to_graph(triples):
    from rdflib import Graph

    graph = Graph()
    graph.addN(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
        for t in triples
    )
    return graph


def to_oxigraph(term):
    import pyoxigraph
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
