"""The native query path: Oxigraph's rows are rendered from pyoxigraph terms, byte for byte
as they were rendered from the rdflib terms they used to be converted to."""

from __future__ import annotations

import pytest

from coprod_kg.cli import cli
from coprod_kg.errors import InputError
from coprod_kg.graph.guard import blank_out
from coprod_kg.graph.results import QueryResult
from coprod_kg.graph.store import open_store
from coprod_kg.queries.catalogue import bound_text, query_files, read_query
from coprod_kg.queries.render import FORMATS, render
from coprod_kg.settings import Settings

EXAMPLE_VALUES = {"quote-search": {"text": "complaints"}}


@pytest.fixture(scope="module")
def oxigraph():
    return open_store(Settings(store="oxigraph"))


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_native_rows_render_as_rdflib_rows_did(oxigraph, path) -> None:
    stored = read_query(path)
    if "SERVICE" in blank_out(stored.text).upper():
        pytest.skip("a federated query: it reaches hosts beyond loopback")
    try:
        text = bound_text(stored, EXAMPLE_VALUES.get(stored.name))
    except InputError as error:
        pytest.skip(f"needs a parameter without a default: {error}")
    native = oxigraph.query(text)
    if native.kind != "SELECT":
        pytest.skip(f"a {native.kind} query: rendered as Turtle from an rdflib graph")
    converted = QueryResult("SELECT", native.variables, native.rows)  # rdflib terms
    for fmt in FORMATS:
        assert render(native, fmt, 100) == render(converted, fmt, 100), fmt


def test_awkward_literals_render_alike() -> None:
    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"
    terms = [
        ox.Literal('line one\nsays "hi"\\ and\r"'),
        ox.Literal("tab\there", language="en"),
        ox.Literal("80", datatype=ox.NamedNode(xsd + "decimal")),
        ox.Literal("2024-01-31", datatype=ox.NamedNode(xsd + "date")),
        ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
        ox.Literal("1.5E0", datatype=ox.NamedNode(xsd + "double")),
        ox.BlankNode("b0"),
        ox.NamedNode("https://w3id.org/coprod-kg/id/outcome/popp-ae-use"),
        None,
    ]
    native = QueryResult("SELECT", [f"v{i}" for i in range(len(terms))],
                         native_rows=[tuple(terms)])
    converted = QueryResult("SELECT", native.variables, native.rows)
    for fmt in FORMATS:
        assert render(native, fmt, 200) == render(converted, fmt, 200), fmt


@pytest.mark.parametrize(("value", "datatype"), [
    ("P1Y2M", "duration"), ("PT0S", "duration"), ("P1DT12H30M1.5S", "duration"),
    ("2019", "gYear"), ("2019-05", "gYearMonth"), ("2024-01-31", "date"),
    ("2024-01-31Z", "date"), ("true", "boolean"), ("-12", "integer"), ("1.5E0", "double"),
    ("2024-01-31T10:00:00Z", "dateTime"), ("https://example.org/a", "anyURI"),
])
def test_lexical_forms_are_those_rdflib_writes(value, datatype) -> None:
    import pyoxigraph as ox

    from coprod_kg.graph.results import lexical_form, to_rdflib

    iri = f"http://www.w3.org/2001/XMLSchema#{datatype}"
    # through the store: Oxigraph hands its canonical form to the renderers
    store = ox.Store()
    literal = ox.Literal(value, datatype=ox.NamedNode(iri))
    solution = next(iter(store.query(f"SELECT ?x WHERE {{ BIND({literal} AS ?x) }}")))
    assert lexical_form(solution["x"].value, iri) == str(to_rdflib(solution["x"]))


def test_native_rows_cross_the_query_worker_unchanged(oxigraph) -> None:
    """The query worker sends rows of pyoxigraph terms to its parent as SPARQL TSV: every
    term (awkward literals, blank nodes, unbound values, a row of nothing) comes back equal;
    a row TSV cannot carry (a triple term) is pickled as it is."""
    import pickle

    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"
    awkward = [ox.Literal('line one\nsays "hi"\\ and\r\t"'), ox.Literal("é 😀 \u0007"),
               ox.Literal("tab\there", language="en-GB"), ox.Literal(""),
               ox.Literal("80.0", datatype=ox.NamedNode(xsd + "decimal")),
               ox.Literal("abc", datatype=ox.NamedNode(xsd + "integer")),
               ox.BlankNode("b0"), ox.NamedNode("https://example.org/é?a=b#c"), None]
    rows = [(term, None) for term in awkward] + [(None, None)]
    result = QueryResult("SELECT", ["a", "b"], native_rows=rows)
    assert pickle.loads(pickle.dumps(result)).terms == rows
    triple = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))
    assert pickle.loads(pickle.dumps(QueryResult("SELECT", ["t"], native_rows=[(triple,)]))
                        ).terms == [(triple,)]
    # and through the worker itself (a --timeout runs the query in a forked child)
    text = bound_text(read_query(next(p for p in query_files()
                                      if p.stem == "outcomes-by-reduction")), {})
    bounded = oxigraph.query(text)  # the default --timeout: in the worker
    timeout, oxigraph.timeout = oxigraph.timeout, None
    try:
        direct = oxigraph.query(text)  # in this process
    finally:
        oxigraph.timeout = timeout
    assert timeout is not None
    assert bounded.variables == direct.variables and len(bounded.terms) > 0
    assert bounded.terms == direct.terms


@pytest.mark.parametrize("lexical", ["0", "-0", "80", "80.0", "1.20", "0.5", "-0.50", "100",
                                     "007", "1e3", "abc", " 5 ", "+5", ".5", "5.", "10.01",
                                     "12345678901234567890", "1234567890123456789012345678.5",
                                     "0.12345678901234567890123456789012345"])
def test_decimals_read_without_the_decimal_module_as_with_it(lexical) -> None:
    """canonical_decimal writes Oxigraph's own forms (`80`, `1.5`) without importing
    decimal: the same text as the Decimal reading of every other form."""
    from decimal import Context, Decimal, InvalidOperation

    from coprod_kg.graph.results import canonical_decimal

    try:
        number = Decimal(lexical.strip())
    except InvalidOperation:
        number = None
    if number is None:
        expected = lexical
    elif number == 0:
        expected = "0.0"
    else:
        plain = format(number.normalize(Context(prec=60)), "f")
        expected = plain if "." in plain else f"{plain}.0"
    assert canonical_decimal(lexical) == expected


LONG_DECIMAL = "0.12345678901234567890123456789012345"


@pytest.mark.parametrize("store", [[], ["--store", "memory"]], ids=["default", "memory"])
def test_a_decimal_keeps_every_digit_on_both_stores(store, store_dir, runner, tmp_path):
    """A decimal of more than 28 significant digits comes back whole from a query, on the
    default store (Oxigraph's answer read by canonical_decimal) as on `--store memory` (the
    decimal context's default 28 digits would round it)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "long.ttl").write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<https://w3id.org/coprod-kg/id/mine> <https://w3id.org/coprod-kg/ontology#value> '
        f'"{LONG_DECIMAL}"^^xsd:decimal, "-1234567890123456789012345678.5"^^xsd:decimal .\n',
        encoding="utf-8")
    query = tmp_path / "long.rq"
    query.write_text("SELECT ?v WHERE { <https://w3id.org/coprod-kg/id/mine> "
                     "<https://w3id.org/coprod-kg/ontology#value> ?v } ORDER BY ?v\n",
                     encoding="utf-8")
    result = runner.invoke(cli, [*store, "--source", str(folder), "query", "--file", str(query),
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["v", "-1234567890123456789012345678.5", LONG_DECIMAL]
