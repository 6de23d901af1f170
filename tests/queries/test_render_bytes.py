"""Every result format, byte for byte: rows with awkward values (line breaks, tabs, quotes,
control characters, unicode, language tags, datatypes Oxigraph and rdflib spell apart, blank
nodes, unbound cells) in tests/fixtures/render/*.srj, rendered as the files next to them.

The expected files were written by the renderers as they were before they were made faster;
a change of a single byte fails here. After an intended change of output:
`python tests/queries/test_render_bytes.py` rewrites them (review the diff).
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_kg.graph.results import QueryResult
from coprod_kg.queries.render import FORMATS, render

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "render"
WIDTHS = (40, 80, 200)
CASES = sorted(path.stem for path in FIXTURES.glob("*.srj"))


def native_result(case: str) -> QueryResult:
    """The fixture's rows as pyoxigraph terms, as an embedded store gives them."""
    import pyoxigraph

    solutions = pyoxigraph.parse_query_results(path=FIXTURES / f"{case}.srj",
                                               format=pyoxigraph.QueryResultsFormat.JSON)
    if isinstance(solutions, pyoxigraph.QueryBoolean):
        return QueryResult("ASK", boolean=bool(solutions))
    variables = [variable.value for variable in solutions.variables]
    return QueryResult("SELECT", variables, native_rows=[tuple(row) for row in solutions])


def renderings(result: QueryResult) -> dict[str, bytes]:
    """Every format (the table at each of WIDTHS), keyed by the expected file's suffix."""
    out = {}
    for fmt in FORMATS:
        for width in WIDTHS if fmt == "table" else (80,):
            suffix = f"table-{width}.txt" if fmt == "table" else fmt
            out[suffix] = render(result, fmt, width).encode("utf-8")
    return out


def expected(case: str, suffix: str) -> bytes:
    return (FIXTURES / "expected" / f"{case}.{suffix}").read_bytes()


@pytest.mark.parametrize("case", CASES)
def test_every_format_renders_the_expected_bytes(case: str) -> None:
    for suffix, text in renderings(native_result(case)).items():
        assert text == expected(case, suffix), f"{case}.{suffix}"


@pytest.mark.parametrize("case", CASES)
def test_rdflib_terms_and_the_workers_rows_render_the_same_bytes(case: str) -> None:
    """The memory store's rdflib terms, and rows that crossed the query worker (pickled as
    TSV), give the same bytes as the pyoxigraph terms."""
    native = native_result(case)
    converted = QueryResult(native.kind, native.variables, native.rows, native.boolean)
    crossed = pickle.loads(pickle.dumps(native_result(case)))
    for suffix, text in renderings(converted).items():
        assert text == expected(case, suffix), f"{case}.{suffix} from rdflib terms"
    for suffix, text in renderings(crossed).items():
        assert text == expected(case, suffix), f"{case}.{suffix} after the worker"


def test_the_fixtures_are_awkward_enough() -> None:
    """The fixtures hold what the renderers must get right (else the test above proves little)."""
    import pyoxigraph

    terms = [term for case in CASES for row in native_result(case).terms for term in row]
    literals = [term for term in terms if isinstance(term, pyoxigraph.Literal)]
    assert None in terms
    assert any(isinstance(term, pyoxigraph.BlankNode) for term in terms)
    assert any(term.language for term in literals)
    for awkward in ("\n", "\t", '"', "\r", "\x1b", "\u202e", "😀", ","):
        assert any(awkward in term.value for term in literals), repr(awkward)
    datatypes = {term.datatype.value.rsplit("#", 1)[-1] for term in literals}
    assert {"decimal", "integer", "double", "date", "duration", "boolean"} <= datatypes


@st.composite
def results(draw) -> QueryResult:
    """Rows of any text (control characters, surrogate-free unicode), any language tag or
    datatype, blank nodes, unbound cells; none, one or many variables and rows."""
    import pyoxigraph as ox

    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
    terms = st.one_of(
        st.none(),
        st.builds(ox.NamedNode, st.sampled_from(["https://w3id.org/coprod-kg/id/outcome/a",
                                                 "urn:x:é", "http://example.org/q?a=%22"])),
        st.builds(ox.BlankNode, st.sampled_from(["b0", "x1"])),
        st.builds(ox.Literal, text),
        st.builds(lambda value, tag: ox.Literal(value, language=tag), text,
                  st.sampled_from(["en", "fr-ca"])),
        st.builds(lambda value, dt: ox.Literal(value, datatype=ox.NamedNode(dt)),
                  st.sampled_from(["7", "-0.50", "x y"]),
                  st.sampled_from(["urn:dt", "http://www.w3.org/2001/XMLSchema#integer"])),
    )
    names = draw(st.lists(st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,6}", fullmatch=True),
                          max_size=4, unique=True))
    rows = draw(st.lists(st.tuples(*[terms] * len(names)), max_size=5))
    return QueryResult("SELECT", names, native_rows=rows)


@settings(max_examples=200, deadline=None)
@given(results())
def test_json_is_what_json_dumps_writes(result: QueryResult) -> None:
    """The JSON put together from pieces is the text json.dumps writes of the same object."""
    import json

    from coprod_kg.graph.results import term_view

    def binding(term) -> dict:
        view = term_view(term)
        found = {"type": view.kind, "value": view.value}
        if view.kind == "literal" and view.language:
            found["xml:lang"] = view.language
        elif view.kind == "literal" and view.datatype:
            found["datatype"] = view.datatype
        return found

    expected_object = {"head": {"vars": result.variables}, "results": {"bindings": [
        {var: binding(term) for var, term in zip(result.variables, row, strict=True)
         if term is not None} for row in result.terms]}}
    assert render(result, "json") == json.dumps(expected_object, indent=2,
                                                ensure_ascii=False) + "\n"


def test_printable_text_is_left_as_it_is_without_the_pattern() -> None:
    """text.printable skips its pattern for text Python calls printable: no such character
    is one the pattern escapes (else a table would show it raw)."""
    import sys

    from coprod_kg.text import _CONTROL

    control = re.compile(_CONTROL)
    escaped = [hex(code) for code in range(sys.maxunicode + 1)
               if chr(code).isprintable() and control.match(chr(code))]
    assert escaped == []


def _regenerate() -> None:
    (FIXTURES / "expected").mkdir(exist_ok=True)
    for case in CASES:
        for suffix, text in renderings(native_result(case)).items():
            (FIXTURES / "expected" / f"{case}.{suffix}").write_bytes(text)


if __name__ == "__main__":
    _regenerate()
