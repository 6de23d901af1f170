"""The embedded backends (memory, oxigraph), the remote one, and the query guard."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from coprod_kg.errors import InputError, SourceParseError
from coprod_kg.graph.guard import check_read_only_query, operation_kind
from coprod_kg.graph.store import MemoryStore, OxigraphStore, open_store, source_files
from coprod_kg.settings import Settings

CPO = "https://w3id.org/coprod-kg/ontology#"
OXLEAS = URIRef("https://w3id.org/coprod-kg/id/case-study/oxleas-ebcd")
EXEMPLAR = Path(__file__).resolve().parents[2] / "data" / "case-studies" / "01-oxleas-ebcd.ttl"


# --------------------------------------------------------------------------
# The guard: what the text is, and what a local engine may run
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://e/>\nBASE <http://b/>\n ask { ex:a ?p ?o }", "ASK"),
        ("# INSERT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("PREFIX : <http://e/> DESCRIBE :a", "DESCRIBE"),
        ("PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c }", "UPDATE"),
        ("delete where { ?s ?p ?o }", "UPDATE"),
        ("LOAD <http://example.org/x.ttl>", "UPDATE"),
        ("DROP ALL", "UPDATE"),
        ("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
    ],
)
def test_operation_kind(text: str, kind: str) -> None:
    assert operation_kind(text) == kind


def test_operation_kind_rejects_text_that_is_no_sparql() -> None:
    with pytest.raises(InputError, match="found 'hello'"):
        operation_kind("hello world")


@pytest.mark.parametrize("engine", ["memory", "oxigraph", "remote"])
def test_updates_are_refused_on_every_engine(engine: str) -> None:
    with pytest.raises(InputError, match="SPARQL Update refused"):
        check_read_only_query("INSERT DATA { <a:b> <a:b> <a:b> }", allow_federation=True,
                              engine=engine)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        # rdflib expands SPARQL codepoint escapes anywhere in the text before parsing
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053erVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_service_is_refused_locally_unless_federation_is_allowed(text: str, engine: str) -> None:
    with pytest.raises(InputError, match="SERVICE refused.*--allow-federation"):
        check_read_only_query(text, allow_federation=False, engine=engine)
    assert check_read_only_query(text, allow_federation=True, engine=engine) == "SELECT"


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?service WHERE { ?service <http://e/p> "SERVICE and LOAD" }',
        "PREFIX service: <http://e/> SELECT * WHERE { service:a ?p ?o }",
        "SELECT * WHERE { <http://e/service> <http://e/load> ?from }  # SERVICE LOAD FROM",
        "PREFIX ex: <http://e/> SELECT * WHERE { ex:load ex:from-service ?o }",
    ],
)
def test_keywords_inside_names_strings_iris_and_comments_do_not_count(text: str) -> None:
    assert check_read_only_query(text, allow_federation=False, engine="memory") == "SELECT"


def test_an_escaped_service_never_reaches_the_network_through_rdflib() -> None:
    from coprod_kg.graph.server import free_port

    store = MemoryStore(Graph())
    text = f"SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{free_port()}/q> {{ ?s ?p ?o }} }}"
    with pytest.raises(InputError, match="SERVICE refused"):
        store.query(text)


def test_from_is_refused_on_the_memory_engine_only() -> None:
    text = "SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }"
    with pytest.raises(InputError, match="FROM refused on the memory store"):
        check_read_only_query(text, allow_federation=False, engine="memory")
    assert check_read_only_query(text, allow_federation=False, engine="oxigraph") == "SELECT"


# --------------------------------------------------------------------------
# The embedded stores
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exemplar_stores():
    """The ontology plus the Oxleas exemplar, in both embedded stores."""
    from coprod_kg.graph.load import load_graph

    files = source_files([EXEMPLAR])
    return MemoryStore(load_graph([EXEMPLAR])), OxigraphStore.from_files(files)


def test_both_embedded_stores_hold_the_same_triples(exemplar_stores) -> None:
    memory, oxigraph = exemplar_stores
    assert len(memory) == len(oxigraph) > 100
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }"
    rows = [sorted(tuple(map(normalise, row)) for row in store.query(everything).rows)
            for store in exemplar_stores]
    assert rows[0] == rows[1]
    assert len(rows[0]) > 100
    from rdflib.compare import isomorphic

    # re-read from the same files; blank nodes (the ontology's OWL axioms) are matched by shape
    assert isomorphic(oxigraph.graph(), memory.graph())


def test_select_returns_rdflib_terms_with_plain_strings_and_typed_numbers(exemplar_stores) -> None:
    text = f"""SELECT ?value ?title ?page ?missing WHERE {{
        <{OXLEAS}> <http://purl.org/dc/terms/title> ?title ; <{CPO}page> ?page ;
            <{CPO}hasOutcome> ?o .
        ?o <http://qudt.org/schema/qudt/numericValue> ?value .
        OPTIONAL {{ ?o <{CPO}noSuchProperty> ?missing }} }}"""
    memory, oxigraph = exemplar_stores
    expected = (
        Literal("80.0", datatype=XSD.decimal),
        Literal("Oxleas NHS Mental Health Trust - Experience based co-design (EBCD) toolkit",
                lang="en"),
        Literal("5", datatype=XSD.integer),
        None,
    )
    for store in (memory, oxigraph):
        result = store.query(text)
        assert result.kind == "SELECT"
        assert result.variables == ["value", "title", "page", "missing"]
        assert result.rows == [expected]


def test_simple_literals_come_back_without_a_datatype(exemplar_stores) -> None:
    _, oxigraph = exemplar_stores
    row = oxigraph.query('SELECT ("x" AS ?s) (BNODE() AS ?b) WHERE {}').rows[0]
    assert row[0] == Literal("x") and row[0].datatype is None
    assert isinstance(row[1], BNode)


def test_ask_and_construct_on_both_stores(exemplar_stores) -> None:
    construct = f"CONSTRUCT {{ ?o <{CPO}page> ?p }} WHERE {{ <{OXLEAS}> <{CPO}hasOutcome> ?o . " \
                f"?o <{CPO}page> ?p }}"
    for store in exemplar_stores:
        assert store.query(f"ASK {{ <{OXLEAS}> a <{CPO}CaseStudy> }}").boolean is True
        assert store.query(f"ASK {{ <{OXLEAS}> a <{CPO}Outcome> }}").boolean is False
        graph = store.query(construct).graph
        assert len(graph) == 3
        assert {o for o in graph.objects()} == {Literal(5)}


@pytest.mark.parametrize("store_index", [0, 1], ids=["memory", "oxigraph"])
def test_stores_refuse_updates_and_service(exemplar_stores, store_index: int) -> None:
    store = exemplar_stores[store_index]
    before = len(store)
    with pytest.raises(InputError, match="SPARQL Update refused"):
        store.query(f"DELETE WHERE {{ <{OXLEAS}> ?p ?o }}")
    with pytest.raises(InputError, match="SERVICE refused"):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }")
    assert len(store) == before


@pytest.mark.parametrize("store_index", [0, 1], ids=["memory", "oxigraph"])
def test_invalid_sparql_is_an_input_error(exemplar_stores, store_index: int) -> None:
    with pytest.raises(InputError, match="query"):
        exemplar_stores[store_index].query("SELECT * WHERE { ?s ?p }")


def test_oxigraph_names_file_line_and_column_of_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "x\n', encoding="utf-8")
    with pytest.raises(SourceParseError) as caught:
        OxigraphStore.from_files([bad])
    assert str(caught.value).startswith(f"{bad}:3:11: Turtle syntax error: ")
    assert "\n" not in str(caught.value)


def test_oxigraph_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceParseError, match="no such file"):
        OxigraphStore.from_files([tmp_path / "absent.ttl"])


def test_on_disk_store_reopens_read_only(tmp_path: Path) -> None:
    from coprod_kg.graph.server import build_store_directory

    count = build_store_directory([EXEMPLAR], tmp_path / "store")
    reopened = OxigraphStore.open_directory(tmp_path / "store")
    assert len(reopened) == count
    assert reopened.query(f"ASK {{ <{OXLEAS}> a <{CPO}CaseStudy> }}").boolean is True


def test_open_store_follows_the_settings() -> None:
    assert isinstance(open_store(Settings(sources=(EXEMPLAR,), store="memory")), MemoryStore)
    assert isinstance(open_store(Settings(sources=(EXEMPLAR,), store="oxigraph")), OxigraphStore)


def test_source_and_endpoint_together_are_refused() -> None:
    """The server would answer and the --source files be silently ignored."""
    settings = Settings(sources=(EXEMPLAR,), endpoint="http://127.0.0.1:9/query")
    with pytest.raises(InputError, match="--source and --endpoint"):
        open_store(settings)


def test_federation_reaches_a_loopback_server_only_when_allowed(oxigraph_server: str) -> None:
    """With --allow-federation Oxigraph really runs SERVICE (here against a local server)."""
    import urllib.request

    request = urllib.request.Request(
        f"{oxigraph_server}/update", method="POST",
        data=b"INSERT DATA { <http://e/a> <http://e/p> \"remote\" }",
        headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(request, timeout=10).close()
    service = f"SERVICE <{oxigraph_server}/query>"
    text = f"SELECT ?o WHERE {{ {service} {{ <http://e/a> <http://e/p> ?o }} }}"
    with pytest.raises(InputError, match="SERVICE refused"):
        OxigraphStore.from_files([]).query(text)
    allowed = OxigraphStore.from_files([], allow_federation=True)
    assert allowed.query(text).rows == [(Literal("remote"),)]


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
@pytest.mark.parametrize("form", ["SELECT * WHERE", "CONSTRUCT { ?s ?p ?o } WHERE"])
def test_an_allowed_service_that_is_down_is_an_input_error(engine: str, form: str) -> None:
    """Both engines compute solutions lazily: a failing SERVICE must still be one error."""
    from coprod_kg.graph.server import free_port

    text = f"{form} {{ SERVICE <http://127.0.0.1:{free_port()}/query> {{ ?s ?p ?o }} }}"
    if engine == "memory":
        store = MemoryStore(Graph(), allow_federation=True)
    else:
        store = OxigraphStore.from_files([], allow_federation=True)
    with pytest.raises(InputError, match="the query (cannot be run|failed in Oxigraph)"):
        store.query(text)


# --------------------------------------------------------------------------
# Helpers used by the cross-backend tests (test_store_backends.py)
# --------------------------------------------------------------------------


def normalise(term):
    """A comparable form of a result term: numbers by value, blank nodes anonymous."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if term.datatype in NUMERIC:
        return ("number", Decimal(str(term)).normalize())
    return ("literal", str(term), term.language, str(term.datatype) if term.datatype else None)


NUMERIC = {XSD.decimal, XSD.integer, XSD.double, XSD.float, XSD.int, XSD.long,
           XSD.nonNegativeInteger, XSD.positiveInteger}


def test_small_files_in_one_bulk_load_keep_their_blank_nodes_and_their_errors(tmp_path,
                                                                             monkeypatch):
    """Files under SMALL_FILE_BYTES go through one bulk load: each file's blank nodes stay
    its own, a large file still loads on its own, and an error still names file:line:col."""
    from coprod_kg.graph import rdf_files

    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text('_:x <https://example.org/p> "same" .\n', encoding="utf-8")
    big = tmp_path / "c.nt"
    big.write_text("".join(f"<https://example.org/s{i}> <https://example.org/p> \"{i}\" .\n"
                           for i in range(3)), encoding="utf-8")
    # c.nt is "large" (loaded on its own), a.ttl and b.ttl are not
    monkeypatch.setattr(rdf_files, "SMALL_FILE_BYTES", big.stat().st_size)
    loaded = OxigraphStore.from_files([tmp_path / "a.ttl", big, tmp_path / "b.ttl"],
                                      location=tmp_path / "store")
    assert len(loaded) == 5
    subjects = loaded.query('SELECT DISTINCT ?s WHERE { ?s ?p "same" }').rows
    assert len(subjects) == 2  # _:x of a.ttl is not _:x of b.ttl
    (tmp_path / "b.ttl").write_text("<https://example.org/a> <https://example.org/b> .\n",
                                    encoding="utf-8")
    with pytest.raises(SourceParseError, match=r"b\.ttl:1:\d+: Turtle syntax error"):
        OxigraphStore.from_files([tmp_path / "a.ttl", tmp_path / "b.ttl"])


def test_terms_are_converted_once_per_lexical_form_never_by_value() -> None:
    """The per-term cache that result rows, tables and the voice split share keeps
    `"01"^^xsd:integer` (as load_verbatim reads it) apart from `"1"`."""
    import pyoxigraph

    from coprod_kg.graph.results import per_distinct_term, to_oxigraph, to_rdflib

    to_native = per_distinct_term(to_oxigraph)
    one = Literal("1", datatype=XSD.integer)
    zero_one = Literal("01", datatype=XSD.integer, normalize=False)  # as load_verbatim reads it
    assert [to_native(one).value, to_native(zero_one).value, to_native(one).value] == [
        "1", "01", "1"]
    back = per_distinct_term(to_rdflib)
    native = pyoxigraph.Literal("01", datatype=pyoxigraph.NamedNode(str(XSD.integer)))
    assert back(native) is back(native)
    assert back(None) is None
