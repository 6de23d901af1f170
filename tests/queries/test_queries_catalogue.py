"""The catalogue of stored queries: headers, parameters, safe binding, the VALUES injection."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, Graph, Literal, URIRef

from coprod_kg.errors import InputError
from coprod_kg.graph import sources
from coprod_kg.graph.store import open_store
from coprod_kg.queries import catalogue
from coprod_kg.settings import Settings
from coprod_kg.validation.gates import run_gates

QUERY_FILES = sorted(sources.queries_dir().glob("*.rq"))
REPORT_QUERIES = [p for p in QUERY_FILES if not p.stem.endswith("-violation")]


def test_the_globs_find_query_files():
    assert len(QUERY_FILES) >= 15
    assert len(REPORT_QUERIES) >= 12
    assert any(p.stem.endswith("-violation") for p in QUERY_FILES)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_parses_and_has_a_summary(path: Path):
    from rdflib.plugins.sparql import prepareQuery

    stored = catalogue.read_query(path)
    assert stored.summary, f"{path.name}: no '#+ summary:' in its header"
    prepareQuery(stored.text)  # rdflib's parser; raises on a syntax error


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_declared_parameter_is_used_and_bound_text_parses(path: Path):
    from rdflib.plugins.sparql import prepareQuery

    stored = catalogue.read_query(path)
    header = catalogue.parse_header(stored.text, path)
    declared_defaults = catalogue._defaults_of(header.get("defaults"), path)
    names = {p.name for p in stored.parameters}
    assert set(declared_defaults) <= names, f"{path.name}: a default names no parameter"
    body = catalogue.strip_comments(stored.text)
    for parameter in stored.parameters:
        assert f"?{parameter.variable}" in body
        assert "_" not in parameter.name, "no underscores inside a parameter's name"
    sample = {"iri": "cs:popp", "decimal": "1.5", "integer": "3", "number": "2.5",
              "xsd_decimal": "1.5", "xsd_integer": "3"}
    values = {p.name: sample.get(p.type, "text") for p in stored.parameters}
    prepareQuery(catalogue.bound_text(stored, values))


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_bundled_queries_use_only_types_grlc_understands(path: Path):
    """grlc reads `decimal` and `string` as language tags: the bundled queries use its own
    types (iri, number, literal, integer, prefix_datatype such as xsd_decimal) and never
    BOUND() a parameter (grlc's substitution would make it invalid SPARQL)."""
    stored = catalogue.read_query(path)
    for parameter in stored.parameters:
        assert parameter.type not in ("decimal", "string"), parameter
    assert "BOUND(?_" not in catalogue.strip_comments(stored.text).replace(" ", "")


def test_grlc_parameter_types_are_bound_as_typed_terms():
    import pyoxigraph

    def typed(value: str, datatype: str):
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(str(XSD[datatype])))

    text = ("SELECT * WHERE { ?s ?p ?o FILTER(?o >= ?_min_xsd_decimal && ?o < ?__max_number "
            "&& ?o != ?__n_xsd_integer && STR(?o) != ?__t_literal && ?s = ?__x_iri "
            "&& ?o != ?__d_xsd_date) }")
    parameters = {p.name: p for p in catalogue.find_parameters(text)}
    assert [(p.name, p.type, p.required) for p in parameters.values()] == [
        ("min", "xsd_decimal", True), ("max", "number", False), ("n", "xsd_integer", False),
        ("t", "literal", False), ("x", "iri", False), ("d", "xsd_date", False)]
    assert parameters["min"].type_description == "xsd:decimal"
    assert catalogue.to_term(parameters["min"], "25") == typed("25", "decimal")
    assert catalogue.to_term(parameters["max"], "25") == typed("25", "integer")
    assert catalogue.to_term(parameters["max"], "2.5") == typed("2.5", "decimal")
    assert catalogue.to_term(parameters["t"], 'a "b"') == pyoxigraph.Literal('a "b"')
    assert catalogue.to_term(parameters["d"], "2019-05-01") == typed("2019-05-01", "date")
    assert catalogue.to_term(parameters["x"], "cs:popp") == pyoxigraph.NamedNode(
        "https://w3id.org/coprod-kg/id/case-study/popp")
    for name, bad in (("min", "25%"), ("max", "ten"), ("n", "2.5"), ("d", "May 2019")):
        with pytest.raises(InputError, match=f"parameter '{name}'"):
            catalogue.to_term(parameters[name], bad)


def test_parameters_types_and_optionality():
    text = (
        "SELECT * WHERE { ?_caseStudy_iri ?p ?o . FILTER(?o > ?__min_decimal) "
        "FILTER(?o != ?_label_en) BIND(?__n_integer AS ?k) BIND(?_t_string AS ?s) }"
    )
    parameters = catalogue.find_parameters(text, {"min": "2.5"})
    assert [(p.name, p.type, p.required, p.default) for p in parameters] == [
        ("caseStudy", "iri", True, None),
        ("min", "decimal", False, "2.5"),
        ("label", "en", True, None),
        ("n", "integer", False, None),
        ("t", "string", True, None),
    ]


def test_header_is_yaml_with_grlc_defaults():
    stored = catalogue.get_query("outcomes-by-reduction")
    assert stored.summary.startswith("Outcomes that are a reduction")
    assert "competency-question-4" in stored.tags
    assert [(p.name, p.type, p.required, p.default) for p in stored.parameters] == [
        ("minPercent", "xsd_decimal", True, "25")
    ]


def test_values_block_goes_after_the_outer_where_brace_not_a_subquery_or_template():
    text = (
        "PREFIX ex: <http://example.org/where#>\n"
        "# a comment with WHERE { braces }\n"
        'CONSTRUCT { ?s ex:p "WHERE {" } WHERE {\n'
        "  { SELECT ?s WHERE { ?s ?p ?_x_iri } }\n"
        "  FILTER(?s != ?_x_iri)\n"
        "}\n"
    )
    position = catalogue.outer_where_brace(text)
    assert text[position - 6 : position + 1] == "WHERE {"
    assert text.index("} WHERE {") + len("} WHERE ") == position


def test_select_without_the_where_keyword():
    assert catalogue.outer_where_brace("SELECT * { ?s ?p ?o }") == len("SELECT * ")


def test_values_are_visible_to_filters(bundled_graph):
    stored = catalogue.get_query("outcomes-by-reduction")
    text = catalogue.bound_text(stored, {"minPercent": "46.5"})
    assert (
        'VALUES (?_minPercent_xsd_decimal) { ("46.5"^^<http://www.w3.org/2001/XMLSchema#decimal>) }'
        in text
    )
    rows = list(bundled_graph.query(text))
    assert sorted(str(row.outcome).rsplit("/", 1)[1] for row in rows) == [
        "oxleas-complaints",
        "popp-overnight-stays",
    ]


@pytest.mark.parametrize(
    ("kind", "value", "term"),
    [
        ("iri", "pr:asset-based", URIRef("https://w3id.org/coprod-kg/id/principle/asset-based")),
        ("iri", "http://example.org/x", URIRef("http://example.org/x")),
        ("decimal", "25", Literal("25", datatype=XSD.decimal)),
        ("decimal", "-0.5", Literal("-0.5", datatype=XSD.decimal)),
        ("integer", "+7", Literal("+7", datatype=XSD.integer)),
        ("string", 'say "hi"', Literal('say "hi"')),
        ("en", "reciprocity", Literal("reciprocity", lang="en")),
    ],
)
def test_valid_values_become_rdf_terms(kind, value, term):
    from coprod_kg.graph.results import to_oxigraph

    parameter = catalogue.Parameter("x", kind, True)
    assert catalogue.to_term(parameter, value) == to_oxigraph(term)  # pyoxigraph's terms


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("iri", '"> } ; DROP ALL ; #'),
        ("iri", "not an iri"),
        ("iri", "relative/path"),
        ("iri", "http://example.org/a>b"),
        ("decimal", "25%"),
        ("decimal", "1e5; DROP ALL"),
        ("integer", "2.5"),
        ("integer", ""),
    ],
)
def test_invalid_values_are_rejected_naming_parameter_and_type(kind, value):
    parameter = catalogue.Parameter("threshold", kind, True)
    with pytest.raises(InputError) as caught:
        catalogue.to_term(parameter, value)
    assert "'threshold'" in str(caught.value) and kind in str(caught.value)


def test_hostile_string_is_one_literal_and_leaves_the_graph_unchanged():
    store = open_store(Settings(store="memory"))
    before = len(store.graph())
    stored = catalogue.get_query("quote-search")
    hostile = '"> } ; DROP ALL ; #'
    text = catalogue.bound_text(stored, {"text": hostile})
    assert catalogue.sparql_term(catalogue.to_term(stored.parameter("text"), hostile)) in text
    result = store.query(text)
    assert result.rows == []
    assert len(store.graph()) == before


def test_missing_and_unknown_parameters():
    stored = catalogue.get_query("case-study-outcomes")
    required = catalogue.StoredQuery(
        stored.name,
        stored.path,
        stored.text,
        stored.summary,
        parameters=(catalogue.Parameter("caseStudy", "iri", True),),
    )
    with pytest.raises(InputError, match=r"needs parameter 'caseStudy' \(iri\)"):
        catalogue.bind_values(required, {})
    with pytest.raises(InputError, match=r"no parameter 'case'"):
        catalogue.bind_values(stored, {"case": "cs:popp"})


def test_unknown_query_suggests_close_names():
    with pytest.raises(InputError, match=r"unknown query 'principle'; did you mean: principles"):
        catalogue.get_query("principle")


def test_a_header_that_is_not_yaml_names_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: ok\n#+ tags: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(InputError, match=r"bad\.rq:\d+:\d+: the #\+ header is not valid YAML"):
        catalogue.read_query(bad)


def test_gates_run_on_a_folder(tmp_path):
    (tmp_path / "always-violation.rq").write_text(
        "#+ summary: always fails\n"
        "SELECT ?s WHERE { ?s a <https://w3id.org/coprod-kg/ontology#Principle> }\n"
    )
    (tmp_path / "report.rq").write_text("#+ summary: not a gate\nSELECT * WHERE { ?s ?p ?o }\n")
    graph = Graph()
    graph.parse(sources.data_dir() / "principles.ttl")
    from coprod_kg.graph.store import MemoryStore

    results = run_gates(MemoryStore(graph), tmp_path)
    assert [(g.name, g.passed, len(g.rows)) for g in results] == [("always-violation", False, 6)]


@pytest.mark.parametrize("kind", ["string", "iri", "en"])
def test_a_lone_surrogate_is_refused_not_a_crash(kind):
    """A terminal that is not UTF-8 gives Python lone surrogates ('\\udcff' for byte 0xff),
    which no engine can encode: they are refused like any other invalid value."""
    parameter = catalogue.Parameter(name="x", type=kind, required=True)
    with pytest.raises(InputError, match="'x'.*is not valid UTF-8 text"):
        catalogue.to_term(parameter, "cs:a\udcff")


ROUND_TRIP = "#+ summary: echo\nSELECT ?s ?l WHERE { BIND(?_s_string AS ?s) BIND(?_l_en AS ?l) }\n"


@settings(max_examples=150, deadline=None)
@given(text=st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                    max_size=40))
def test_any_string_is_bound_as_exactly_that_literal(text):
    """Quotes, backslashes, line breaks, braces, '#': every string comes back unchanged."""
    import pyoxigraph

    from coprod_kg.graph.store import OxigraphStore

    stored = catalogue.StoredQuery(
        "echo",
        Path("echo.rq"),
        ROUND_TRIP,
        "echo",
        parameters=tuple(catalogue.find_parameters(ROUND_TRIP)),
    )
    result = OxigraphStore(pyoxigraph.Store()).query(
        catalogue.bound_text(stored, {"s": text, "l": text})
    )
    assert result.rows == [(Literal(text), Literal(text, lang="en"))]
