"""The readable table: identifiers whole at any width, numbers right-aligned and as written,
prose wrapped at word boundaries and cut only at the end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from coprod_kg.graph.results import QueryResult
from coprod_kg.queries.render import TRUNCATION_MARKER, display_value, to_table

ID = "https://w3id.org/coprod-kg/id/"
SLUGS = st.from_regex(r"[a-z][a-z0-9]{0,12}(-[a-z0-9]{1,12}){0,5}", fullmatch=True)
WORDS = st.lists(st.from_regex(r"[A-Za-z£%&'()0-9.,-]{1,14}", fullmatch=True), max_size=40)
KINDS = ("case-study/", "outcome/", "principle/", "outcome-category/")


@st.composite
def tables(draw) -> QueryResult:
    columns = draw(st.lists(st.sampled_from(["iri", "prose", "number"]), min_size=1, max_size=7))
    variables = [f"{kind}{i}" for i, kind in enumerate(columns)]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row = []
        for kind in columns:
            if kind == "iri":
                row.append(URIRef(ID + draw(st.sampled_from(KINDS)) + draw(SLUGS)))
            elif kind == "number":
                row.append(Literal(draw(st.sampled_from(["80.0", "1.20", "47", "0.1", "3006"])),
                                   datatype=XSD.decimal))
            else:
                row.append(Literal(" ".join(draw(WORDS))) if draw(st.booleans()) else None)
        rows.append(tuple(row))
    return QueryResult("SELECT", variables, rows)


@settings(max_examples=150)
@given(tables(), st.integers(40, 200))
def test_no_identifier_is_ever_split(result, width):
    lines = to_table(result, width).splitlines()
    for row_number, row in enumerate(result.rows):
        for term in row:
            if isinstance(term, URIRef):
                curie = display_value(term)
                assert curie.startswith(("cs:", "out:", "pr:", "cat:")), curie
                assert any(curie in line.split() for line in lines), (curie, row_number)


@settings(max_examples=150)
@given(tables(), st.integers(40, 200))
def test_numbers_are_whole_and_written_as_in_the_data(result, width):
    text = to_table(result, width)
    for row in result.rows:
        for term in row:
            if isinstance(term, Literal) and term.datatype == XSD.decimal:
                assert f" {term}" in text or text.startswith(str(term))


@settings(max_examples=150)
@given(tables(), st.integers(40, 200))
def test_a_table_of_prose_fits_the_width(result, width):
    """Only identifiers and numbers may make a table wider than asked."""
    fixed = sum(
        max([len(v)] + [len(display_value(r[i])) for r in result.rows]) + 2
        for i, v in enumerate(result.variables)
        if not v.startswith("prose")
    )
    prose = sum(1 for v in result.variables if v.startswith("prose"))
    if fixed + prose * 12 <= width:
        assert max(len(line) for line in to_table(result, width).splitlines()) <= width


def test_numbers_are_right_aligned_and_prose_wraps_at_words():
    result = QueryResult(
        "SELECT",
        ["outcome", "label", "value"],
        [
            (URIRef(ID + "outcome/popp-overnight-stays"),
             Literal("Overnight hospital stays reduced by 47 per cent"),
             Literal("47.0", datatype=XSD.decimal)),
            (URIRef(ID + "outcome/popp-bed-day-savings"),
             Literal("About £1.20 of emergency bed-day savings for every extra £1 spent"),
             Literal("1.20", datatype=XSD.decimal)),
        ],
    )
    assert to_table(result, 60).splitlines() == [
        "outcome                   label                        value",
        "------------------------  ---------------------------  -----",
        "out:popp-overnight-stays  Overnight hospital stays      47.0",
        "                          reduced by 47 per cent",
        "out:popp-bed-day-savings  About £1.20 of emergency      1.20",
        "                          bed-day savings for every",
        "                          extra £1 spent",
        "(2 rows)",
    ]


@pytest.mark.parametrize("width", [20, 30])
def test_a_word_longer_than_its_column_is_cut_with_the_marker(width):
    result = QueryResult("SELECT", ["text"], [(Literal("Incomprehensibilities abound"),)])
    lines = to_table(result, width).splitlines()
    assert all(len(line) <= max(width, 10) for line in lines)
    if width < len("Incomprehensibilities"):
        assert lines[2].endswith(TRUNCATION_MARKER)


def test_a_table_too_wide_for_its_identifiers_becomes_one_record_per_row():
    result = QueryResult(
        "SELECT",
        ["outcome", "label", "laterEvidence"],
        [
            (URIRef(ID + "outcome/age-uk-non-elective-admissions"),
             Literal("26% reduction in non-elective admissions"),
             URIRef(ID + "later-evidence/nuffield-trust-2019-admissions")),
            (URIRef(ID + "outcome/popp-ae-use"), Literal("Use of A&E reduced by 29 per cent"),
             None),
        ],
    )
    assert to_table(result, 40).splitlines() == [
        "-[ row 1 ]-",
        "outcome        out:age-uk-non-elective-admissions",
        "label          26% reduction in",
        "               non-elective admissions",
        "laterEvidence  le:nuffield-trust-2019-admissions",
        "-[ row 2 ]-",
        "outcome        out:popp-ae-use",
        "label          Use of A&E reduced by 29",
        "               per cent",
        "laterEvidence",
        "(2 rows)",
    ]


@settings(max_examples=150)
@given(tables(), st.integers(40, 200))
def test_a_table_is_never_wider_than_asked_it_becomes_records_instead(result, width):
    lines = to_table(result, width).splitlines()
    if lines[0].startswith("-[ row 1 ]-") or len(result.variables) == 1:
        return  # records, or one column: nothing to lay side by side
    if not lines[0].startswith(result.variables[0]) or lines[1].strip(" -"):
        return  # one wide row shown as a record (no rule of dashes under a header)
    assert len(lines[1]) <= width  # the rule under the header spans the table's width
