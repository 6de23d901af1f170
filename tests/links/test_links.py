"""Links to external datasets: the SSSOM mapping sets, the links in the loaded graph,
competency question 12 (`queries/links.rq`, `coprod-kg links`), and bad SSSOM input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coprod_kg import namespaces
from coprod_kg.cli import cli
from coprod_kg.errors import SourceParseError
from coprod_kg.graph.materialise import add_links_to_oxigraph, as_rdflib, mapping_set_triples
from coprod_kg.graph.sssom import mapping_files, read_mapping_set
from coprod_kg.links.listing import link_counts, list_links
from coprod_kg.links.sssom_validation import validate_with_sssom_py
from coprod_kg.queries.federation import bind_service_endpoint

REPO = Path(__file__).resolve().parents[2]
MAPPING_FILES = sorted((REPO / "data" / "mappings").glob("*.sssom.tsv"))
LINK_FIXTURES = REPO / "tests" / "fixtures" / "links"
SKOS = namespaces.PREFIXES["skos"]
SAME_AS = "http://schema.org/sameAs"
MESH = "http://id.nlm.nih.gov/mesh/"


def curie(text: str) -> str:
    prefix, _, local = text.partition(":")
    return namespaces.PREFIXES[prefix] + local


# The expected links, written out by hand from the reference file's confirmed rows.
EXPECTED_MESH = [
    ("cat:ae-use", "D004636", "relatedMatch"),
    ("cat:all-hospital-admissions", "D006760", "closeMatch"),
    ("cat:non-elective-admissions", "D006760", "broadMatch"),
    ("cat:overnight-hospital-stays", "D006760", "broadMatch"),
    ("cat:quality-of-life", "D011788", "closeMatch"),
    ("cat:user-satisfaction", "D017060", "closeMatch"),
    ("pop:carers", "D017028", "closeMatch"),
    ("pop:mental-health-inpatients", "D001523", "relatedMatch"),
    ("pop:older-people", "D000368", "closeMatch"),
    ("pop:older-people-with-long-term-conditions", "D000368", "broadMatch"),
    ("pop:people-with-disabilities", "D006233", "closeMatch"),
    ("pop:people-with-severe-mental-illness", "D001523", "relatedMatch"),
    ("setting:lung-cancer-services", "D008175", "relatedMatch"),
    ("design:ethnographic-process-evaluation", "D036301", "broadMatch"),
    ("design:qualitative-study", "D036301", "closeMatch"),
    ("design:randomised-controlled-trial", "D016032", "relatedMatch"),
    ("design:randomised-controlled-trial", "D016449", "closeMatch"),
    ("design:stepped-wedge-cluster-rct", "D016449", "broadMatch"),
]
EXPECTED_WIKIDATA = [("place:western-australia", "Q3206", "exactMatch")]
# reference (our CURIE) -> DOI, PMID, PMCID, as in sources-and-identifiers.md
EXPECTED_LITERATURE = {
    "ref:locock-2014-accelerated-ebcd": ("10.1177/1355819614531565", None, None),
    # PMC4386225 is the review's own link for R6 (its foaf:page), not a confirmed identifier
    "ref:palmer-2015-core-protocol": ("10.1136/bmjopen-2014-006688", "25805530", None),
    "ref:johnson-2016-ambulatory-care": ("10.1007/s12325-016-0364-z", "27352378", "PMC4969329"),
    "ref:springham-robert-2015": ("10.1136/bmjquality.u209153.w3970", None, None),
    "ref:locock-2014-hsdr": ("10.3310/hsdr02040", None, None),
    "ref:palmer-2021-core-results": ("10.1111/hex.13334", "34350669", "PMC8628597"),
    "ref:palmer-2017-core-engagement": ("10.1186/s13063-017-1878-7", "28388937", "PMC5385022"),
}


def expected_rows() -> set[tuple[str, str, str, str]]:
    """(entity IRI, external IRI, dataset, match type IRI) for every expected link."""
    rows = {(curie(s), MESH + d, "mesh", SKOS + m) for s, d, m in EXPECTED_MESH}
    rows |= {(curie(s), "http://www.wikidata.org/entity/" + q, "wikidata", SKOS + m)
             for s, q, m in EXPECTED_WIKIDATA}
    for reference, (doi, pmid, pmcid) in EXPECTED_LITERATURE.items():
        rows.add((curie(reference), "https://doi.org/" + doi, "doi", SAME_AS))
        if pmid:
            rows.add((curie(reference), "https://pubmed.ncbi.nlm.nih.gov/" + pmid, "pubmed",
                      SAME_AS))
        if pmcid:
            rows.add((curie(reference), "https://www.ncbi.nlm.nih.gov/pmc/articles/" + pmcid, "pmc",
                      SAME_AS))
    return rows


# --------------------------------------------------------------------------
# The mapping sets
# --------------------------------------------------------------------------


def test_the_glob_finds_the_mapping_sets():
    assert [p.name for p in MAPPING_FILES] == ["mesh.sssom.tsv", "wikidata.sssom.tsv"]


@pytest.mark.parametrize("path", MAPPING_FILES, ids=lambda p: p.name)
def test_mapping_set_is_valid_for_sssom_py(path):
    validate_with_sssom_py(path)  # raises on an invalid file


@pytest.mark.parametrize("path", MAPPING_FILES, ids=lambda p: p.name)
def test_curie_map_is_the_projects_prefix_map(path):
    mapping_set = read_mapping_set(path)
    for prefix, namespace in mapping_set.curie_map.items():
        assert namespaces.PREFIXES[prefix] == namespace
    assert mapping_set.license == "https://creativecommons.org/licenses/by/4.0/"
    assert mapping_set.set_id == f"https://w3id.org/coprod-kg/mappings/{path.name.split('.')[0]}"


def confirmed_mesh_table(reference_text: str) -> dict[str, str]:
    """descriptor -> heading, from the confirmed MeSH table of the reference file."""
    section = reference_text.split("### MeSH descriptors", 1)[1].split("Not confirmed", 1)[0]
    return {m.group(2): m.group(1).strip()
            for m in re.finditer(r"^\| ([^|]+?) \| (D\d{6}) \|$", section, re.MULTILINE)}


def test_only_confirmed_mesh_descriptors_with_their_headings(reference_text):
    confirmed = confirmed_mesh_table(reference_text)
    assert len(confirmed) == 12
    mapping_set = read_mapping_set(REPO / "data" / "mappings" / "mesh.sssom.tsv")
    for mapping in mapping_set.mappings:
        descriptor = mapping.object_id.removeprefix("MESH:")
        assert descriptor in confirmed, f"line {mapping.line}: {descriptor} is not confirmed"
        heading = re.sub(r"\s*\(.*\)$", "", confirmed[descriptor])  # "(publication type)"...
        assert mapping.object_label == heading


def test_only_the_confirmed_wikidata_item(reference_text):
    assert "| Western Australia | Q3206 | confirmed |" in reference_text
    mapping_set = read_mapping_set(REPO / "data" / "mappings" / "wikidata.sssom.tsv")
    assert [(m.subject_id, m.object_id) for m in mapping_set.mappings] == [
        ("place:western-australia", "wikidata:Q3206")]
    every_object = {m.object_id for path in MAPPING_FILES
                    for m in read_mapping_set(path).mappings}
    assert "wikidata:Q1436668" not in every_object  # probable, not confirmed: left out


def test_match_types_and_comments(bundled_graph):
    from rdflib import URIRef

    for path in MAPPING_FILES:
        for mapping in read_mapping_set(path).mappings:
            assert next(bundled_graph.predicate_objects(URIRef(mapping.subject)), None), (
                f"{path.name}:{mapping.line}: {mapping.subject_id} is not in the graph")
            if mapping.predicate != SKOS + "exactMatch":
                assert mapping.comment and mapping.confidence < 1
            assert mapping.justification == "https://w3id.org/semapv/vocab/ManualMappingCuration"


# --------------------------------------------------------------------------
# Links in the loaded graph
# --------------------------------------------------------------------------


def test_each_mapping_is_a_skos_triple_with_its_provenance(bundled_graph):
    from rdflib import OWL, RDF, Literal, URIRef
    from rdflib.namespace import DCTERMS

    sssom = namespaces.PREFIXES["sssom"]
    for subject, descriptor, match in EXPECTED_MESH:
        s, p, o = URIRef(curie(subject)), URIRef(SKOS + match), URIRef(MESH + descriptor)
        assert (s, p, o) in bundled_graph
        axioms = [a for a in bundled_graph.subjects(OWL.annotatedSource, s)
                  if (a, OWL.annotatedTarget, o) in bundled_graph]
        assert len(axioms) == 1
        axiom = axioms[0]
        assert (axiom, RDF.type, OWL.Axiom) in bundled_graph
        assert (axiom, OWL.annotatedProperty, p) in bundled_graph
        assert (URIRef("https://w3id.org/coprod-kg/mappings/mesh"), URIRef(sssom + "mappings"),
                axiom) in bundled_graph
        assert bundled_graph.value(axiom, URIRef(sssom + "confidence")) == Literal(
            "0.8", datatype=URIRef("http://www.w3.org/2001/XMLSchema#double"))
    mapping_set = URIRef("https://w3id.org/coprod-kg/mappings/mesh")
    assert bundled_graph.value(mapping_set, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    creator = bundled_graph.value(mapping_set, DCTERMS.creator)
    assert str(creator) == curie("agent:coprod-kg-developers")
    assert str(bundled_graph.value(creator, URIRef(namespaces.PREFIXES["rdfs"] + "label"))) == (
        "coprod-kg developers")


def test_every_identifier_literal_gives_a_resolvable_iri(bundled_graph):
    from rdflib import URIRef

    found = {(str(s), str(o)) for s, o in bundled_graph.subject_objects(URIRef(SAME_AS))}
    expected = {(e, x) for e, x, _, p in expected_rows() if p == SAME_AS}
    assert found == expected


def test_loading_is_deterministic_and_adds_exactly_the_link_triples():
    from rdflib import BNode, Graph

    from coprod_kg.graph import sources
    from coprod_kg.graph.load import load_graph, parse_file

    first, second = load_graph(), load_graph()
    assert len(first) == len(second)
    plain = Graph()
    for path in sources.ontology_files() + sources.data_files():
        parse_file(plain, path)
    mapping_sets = [read_mapping_set(p) for p in MAPPING_FILES]
    expected = {tuple(map(as_rdflib, t)) for m in mapping_sets for t in mapping_set_triples(m)}
    expected |= {t for t in first if str(t[1]) == SAME_AS}
    expected -= set(plain)
    assert len(first) == len(plain) + len(expected)

    def without_blank_nodes(graph):  # RDF lists get new blank nodes on every parse
        return {t for t in graph if not any(isinstance(term, BNode) for term in t)}

    assert without_blank_nodes(first) - without_blank_nodes(plain) == expected


def test_oxigraph_store_gets_the_same_links_as_the_memory_store(bundled_graph):
    from coprod_kg.graph.store import OxigraphStore, source_files

    store = OxigraphStore.from_files(source_files())
    add_links_to_oxigraph(store.pyoxigraph_store, mapping_files())
    add_links_to_oxigraph(store.pyoxigraph_store, mapping_files())  # idempotent
    assert len(store) == len(bundled_graph)


def test_malformed_identifiers_give_no_link_and_dois_are_escaped():
    from rdflib import URIRef

    from coprod_kg.graph.load import load_graph

    graph = load_graph([LINK_FIXTURES])
    same_as = sorted(str(o) for o in graph.objects(None, URIRef(SAME_AS)))
    assert same_as == ["https://doi.org/10.5555/test%3C1%3E%232",
                       "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123"]  # PMID "12ab": none


# --------------------------------------------------------------------------
# Competency question 12: queries/links.rq and `coprod-kg links`
# --------------------------------------------------------------------------


def rows_of(result) -> set[tuple[str, str, str, str]]:
    index = {name: result.variables.index(name)
             for name in ("entity", "externalIri", "dataset", "matchType")}
    return {tuple(str(row[index[n]]) for n in ("entity", "externalIri", "dataset", "matchType"))
            for row in result.rows}


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_q12_links_query_lists_every_link(backend):
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    store = open_store(Settings(store=backend))
    result = list_links(store)
    assert len(result.rows) == len(expected_rows()) == 33
    assert rows_of(result) == expected_rows()
    assert link_counts(store) == {"doi": 7, "mesh": 18, "pmc": 3, "pubmed": 4,
                                        "wikidata": 1}


def test_q12_dataset_parameter_keeps_one_dataset():
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    store = open_store(Settings(store="memory"))
    result = list_links(store, "wikidata")
    assert rows_of(result) == {(curie("place:western-australia"),
                                "http://www.wikidata.org/entity/Q3206", "wikidata",
                                SKOS + "exactMatch")}


def test_q12_through_the_cli_as_json(runner):
    result = runner.invoke(cli, ["links", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["entity", "label", "externalIri", "dataset", "matchType"]
    found = {tuple(b[k]["value"] for k in ("entity", "externalIri", "dataset", "matchType"))
             for b in document["results"]["bindings"]}
    assert found == expected_rows()


def test_q12_through_the_cli_table_and_csv(runner):
    table = runner.invoke(cli, ["--store", "memory", "links", "--dataset", "pubmed",
                                "--width", "300"])
    assert table.exit_code == 0, table.output
    assert "ref:palmer-2015-core-protocol" in table.stdout
    assert "pubmed:25805530" in table.stdout
    assert table.stdout.rstrip().endswith("(4 rows)")
    csv_output = runner.invoke(cli, ["links", "--dataset", "mesh", "--format", "csv"])
    lines = csv_output.stdout.strip().splitlines()
    assert lines[0] == "entity,label,externalIri,dataset,matchType"
    assert len(lines) == 1 + 18


def test_links_from_a_source_folder_with_mappings(runner):
    result = runner.invoke(cli, ["--source", str(LINK_FIXTURES), "links", "--dataset",
                                 "wikidata", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        f"{curie('place:nowhere')},Nowhere (a test place),http://www.wikidata.org/entity/Q0,"
        f"wikidata,{SKOS}exactMatch",
        f"{curie('place:western-australia')},Western Australia,"
        f"http://www.wikidata.org/entity/Q3206,wikidata,{SKOS}exactMatch",
    ]


# --------------------------------------------------------------------------
# Bad SSSOM input: file, line and column
# --------------------------------------------------------------------------

GOOD_HEADER = """#curie_map:
#  MESH: http://id.nlm.nih.gov/mesh/
#  pop: https://w3id.org/coprod-kg/id/population/
#  agent: https://w3id.org/coprod-kg/id/agent/
#mapping_set_id: https://w3id.org/coprod-kg/mappings/bad
#license: https://creativecommons.org/licenses/by/4.0/
"""
COLUMNS = ("subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\t"
           "mapping_justification\tauthor_id\tconfidence\tcomment\n")
GOOD_ROW = ("pop:older-people\tOlder people\tskos:closeMatch\tMESH:D000368\tAged\t"
            "semapv:ManualMappingCuration\tagent:coprod-kg-developers\t0.8\tnot the same age\n")

BAD_FILES = {
    "yaml": ("#curie_map:\n#  MESH: [unclosed\n" + COLUMNS + GOOD_ROW,
             r":2: metadata block is not valid YAML"),
    "no-set-id": (GOOD_HEADER.replace("#mapping_set_id: https://w3id.org/coprod-kg/mappings/bad\n",
                                      "") + COLUMNS + GOOD_ROW,
                  r":1: metadata: 'mapping_set_id' is missing"),
    "unknown-prefix": (GOOD_HEADER.replace("#  agent:",
                                           "#  FOO: http://example.org/foo/\n#  agent:")
                       + COLUMNS + GOOD_ROW,
                       r":4: curie_map: unknown prefix 'FOO'"),
    "other-namespace": (GOOD_HEADER.replace("http://id.nlm.nih.gov/mesh/",
                                            "https://id.nlm.nih.gov/mesh/") + COLUMNS + GOOD_ROW,
                        r":2: curie_map: prefix 'MESH' is <https://id.nlm.nih.gov/mesh/>"),
    "missing-column": (GOOD_HEADER + COLUMNS.replace("mapping_justification\t", "")
                       + GOOD_ROW.replace("semapv:ManualMappingCuration\t", ""),
                       r":7: column 'mapping_justification': missing from the header"),
    "unknown-column": (GOOD_HEADER + COLUMNS.replace("comment", "remark") + GOOD_ROW,
                       r":7: column 9 'remark': not an SSSOM column"),
    "undeclared-prefix": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace("MESH:D000368", "wikidata:Q1"),
                          r":8: column 'object_id': unknown prefix 'wikidata'"),
    "short-row": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace("\tnot the same age", ""),
                  r":8: expected 9 tab-separated columns, found 8"),
    "bad-predicate": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace("skos:closeMatch", "owl:sameAs"),
                      r":8: column 'predicate_id': 'owl:sameAs' is not one of"),
    "bad-confidence": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace("\t0.8\t", "\thigh\t"),
                       r":8: column 'confidence': 'high' is not a number from 0 to 1"),
    "no-comment": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace("not the same age", ""),
                   r":8: column 'comment': a skos:closeMatch needs a comment"),
    "empty-cell": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace("\tAged\t", "\t\t"),
                   r":8: column 'object_label': empty"),
    "duplicate": (GOOD_HEADER + COLUMNS + GOOD_ROW + GOOD_ROW,
                  ":9: column 'object_id': pop:older-people -> MESH:D000368 is already mapped "
                  "on line 8"),
    "no-metadata": (COLUMNS + GOOD_ROW, r":1: no metadata block"),
    "bad-justification": (GOOD_HEADER + COLUMNS + GOOD_ROW.replace(
        "semapv:ManualMappingCuration", "semapv:Guess"),
        r":8: column 'mapping_justification': 'semapv:Guess' is not a SSSOM justification"),
}


def test_the_good_row_is_good(tmp_path):
    path = tmp_path / "good.sssom.tsv"
    path.write_text(GOOD_HEADER + COLUMNS + GOOD_ROW, encoding="utf-8")
    assert len(read_mapping_set(path).mappings) == 1


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_sssom_names_file_line_and_column(tmp_path, name):
    text, expected = BAD_FILES[name]
    path = tmp_path / f"{name}.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceParseError) as caught:
        read_mapping_set(path)
    message = str(caught.value)
    assert message.startswith(str(path) + expected), message
    assert "\n" not in message


def test_sssom_py_also_rejects_an_undeclared_prefix(tmp_path):
    text, _ = BAD_FILES["undeclared-prefix"]
    path = tmp_path / "undeclared-prefix.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceParseError, match=re.escape(str(path)) + ": sssom-py: "):
        validate_with_sssom_py(path)


def test_a_bad_mapping_file_in_a_source_folder_fails_the_command_in_one_line(runner, tmp_path):
    (tmp_path / "mappings").mkdir()
    text, _ = BAD_FILES["undeclared-prefix"]
    bad = tmp_path / "mappings" / "bad.sssom.tsv"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["--store", "memory", "--source", str(tmp_path), "links"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"coprod-kg: error: {bad}:8: column 'object_id': unknown prefix 'wikidata' in "
        "'wikidata:Q1' (declare it in the curie_map)\n")
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------
# SERVICE ?_serviceEndpoint_iri is bound as an IRI term
# --------------------------------------------------------------------------


def test_service_endpoint_is_bound_as_an_iri():
    text = "SELECT * WHERE { SERVICE ?_serviceEndpoint_iri { ?s ?p ?o } }"
    assert bind_service_endpoint(text, "http://127.0.0.1:7878/query") == (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }")


@pytest.mark.parametrize("value", ["ftp://x/sparql", "http://x/> } DROP ALL { <x", "mesh",
                                   "http://x/a b"])
def test_service_endpoint_rejects_what_is_not_an_http_iri(value):
    from coprod_kg.errors import InputError

    with pytest.raises(InputError, match="parameter 'serviceEndpoint'"):
        bind_service_endpoint("SELECT * { SERVICE ?_serviceEndpoint_iri { ?s ?p ?o } }", value)


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_validate_fails_on_a_malformed_mapping_file(runner, tmp_path, backend):
    (tmp_path / "mappings").mkdir()
    text, _ = BAD_FILES["missing-column"]
    bad = tmp_path / "mappings" / "bad.sssom.tsv"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["--store", backend, "--source", str(tmp_path), "validate"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"coprod-kg: error: {bad}:7: column 'mapping_justification': missing from the header\n")


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_a_mapping_from_an_undescribed_subject_is_refused(runner, tmp_path, backend):
    # a misspelt subject (pop:older-peple) would otherwise become a link from an entity
    # that nothing describes, and validate would accept it
    (tmp_path / "mappings").mkdir()
    (tmp_path / "places.ttl").write_text((LINK_FIXTURES / "places.ttl").read_text())
    (tmp_path / "mappings" / "typo.sssom.tsv").write_text(
        GOOD_HEADER + COLUMNS + GOOD_ROW.replace("pop:older-people", "pop:older-peple"),
        encoding="utf-8")
    result = runner.invoke(cli, ["--store", backend, "--source", str(tmp_path), "validate"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"coprod-kg: error: {tmp_path / 'mappings' / 'typo.sssom.tsv'}:8: column 'subject_id': "
        "'pop:older-peple' is not described by the data (misspelt, or its data file is "
        "missing)\n")


def test_q12_stored_query_through_query_command_memory_store(runner):
    result = runner.invoke(cli, ["--store", "memory", "query", "links", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1 + 33


def test_q12_stored_query_through_query_command_default_store(runner):
    result = runner.invoke(cli, ["query", "links", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1 + 33
