"""Reference-manager files in (issue 18): RIS, BibTeX and CSL-JSON merged by DOI/PMID/PMCID,
conflicts reported field by field, curated references never rewritten. Invented data only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from sheet_helpers import copy_data, folder_graph, import_, tree_hash

REF = "https://w3id.org/coprod-kg/id/reference/"
BIBO = "http://purl.org/ontology/bibo/"
DCTERMS = "http://purl.org/dc/terms/"

RIS_TEXT = """\
TY  - JOUR
TI  - Invented fixture trial of a duplicate reference
AU  - Fixture, Alice
PY  - 2019
JO  - Journal of Invented Fixtures
VL  - 3
DO  - 10.5555/fixture.dup
ER  -
"""
BIB_TEXT = """\
@article{fixture2019,
  title = {Invented fixture trial of a {duplicate} reference},
  author = {Fixture, Alice},
  year = {2019},
  journal = {Journal of Invented Fixtures},
  volume = {3},
  number = {4},
  doi = {https://doi.org/10.5555/FIXTURE.DUP},
}
"""
CSL = [{
    "id": "dup", "type": "article-journal",
    "title": "Invented fixture trial of a duplicate reference, retitled",
    "author": [{"family": "Fixture", "given": "Alice"}],
    "issued": {"date-parts": [[2019]]},
    "DOI": "doi:10.5555/Fixture.Dup", "PMID": "22222222",
}]


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    ris = tmp_path / "refs.ris"
    ris.write_text(RIS_TEXT, encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB_TEXT, encoding="utf-8")
    csl = tmp_path / "refs.json"
    csl.write_text(json.dumps(CSL), encoding="utf-8")
    return ris, bib, csl


def test_a_doi_written_three_ways_is_one_node(runner, tmp_path, data_copy):
    ris, bib, csl = _files(tmp_path)
    result = import_(runner, ris, bib, csl, "--data-dir", data_copy)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {data_copy / 'imported' / 'references.ttl'}\n"
    assert result.stderr.splitlines() == [
        f"coprod-kg: warning: {csl}: entry dup: title: 'Invented fixture trial of a duplicate "
        "reference, retitled' differs from ref:fixture-2019-invented-fixture's 'Invented fixture "
        "trial of a duplicate reference' (kept; --replace to overwrite)",
    ]
    graph = folder_graph(data_copy)
    node = URIRef(REF + "fixture-2019-invented-fixture")
    dois = [(s, o) for s, o in graph.subject_objects(URIRef(BIBO + "doi"))
            if str(o).lower() == "10.5555/fixture.dup"]
    assert dois == [(node, Literal("10.5555/fixture.dup"))]  # kept as first given
    assert (node, RDF.type, URIRef(BIBO + "AcademicArticle")) in graph
    assert graph.value(node, URIRef(BIBO + "issue")) == Literal("4")  # from the BibTeX entry
    assert graph.value(node, URIRef(BIBO + "pmid")) == Literal("22222222")  # from CSL-JSON


def test_replace_overwrites_a_conflicting_field_of_an_imported_reference(runner, tmp_path,
                                                                         data_copy):
    ris, _, csl = _files(tmp_path)
    assert import_(runner, ris, "--data-dir", data_copy).exit_code == 0
    result = import_(runner, csl, "--data-dir", data_copy, "--replace")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    graph = folder_graph(data_copy)
    node = URIRef(REF + "fixture-2019-invented-fixture")
    assert graph.value(node, URIRef(DCTERMS + "title")) == Literal(
        "Invented fixture trial of a duplicate reference, retitled", lang="en")


def test_a_curated_reference_is_matched_by_doi_and_never_rewritten(runner, tmp_path,
                                                                   data_copy):
    ris = tmp_path / "curated.ris"
    ris.write_text("TY  - JOUR\nTI  - A different title for the same DOI\n"
                   "DO  - https://doi.org/10.1177/1355819614531565\nAN  - 33333333\nER  - \n",
                   encoding="utf-8")
    curated = (data_copy / "references.ttl").read_bytes()
    result = import_(runner, ris, "--data-dir", data_copy)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"coprod-kg: warning: {ris}: entry 1: title: 'A different title for the same DOI' "
        "differs from ref:locock-2014-accelerated-ebcd's \"Using a national archive of patient "
        "experience narratives to promote local patient-centered quality improvement: an "
        "ethnographic process evaluation of 'accelerated' experience-based co-design\" (a "
        "curated reference is not rewritten by an import)",
        f"coprod-kg: warning: {ris}: entry 1: pmid: '33333333': ref:locock-2014-accelerated-ebcd "
        "has no pmid; not added to a curated reference (add it by hand once confirmed)",
    ]
    assert (data_copy / "references.ttl").read_bytes() == curated
    graph = folder_graph(data_copy)
    assert not list(graph.triples((None, URIRef(BIBO + "pmid"), Literal("33333333"))))


@pytest.mark.parametrize(("text", "message"), [
    ("TY  - JOUR\nTI  - T\nDO  - 11.5555/x\nER  - \n",
     "entry 1: doi: '11.5555/x' is not a DOI such as 10.1136/bmjopen-2014-006688"),
    ("TY  - JOUR\nTI  - T\nAN  - 123\nC2  - PMCabc\nER  - \n",
     "entry 1: pmcid: 'PMCabc' is not a PubMed Central ID such as PMC4386225"),
    ("TY  - JOUR\nDO  - 10.5555/x\nER  - \n",
     "entry 1: title: missing (every reference needs its title)"),
])
def test_a_bad_identifier_or_missing_title_writes_nothing(runner, tmp_path, data_copy, text,
                                                          message):
    ris = tmp_path / "bad.ris"
    ris.write_text(text, encoding="utf-8")
    before = tree_hash(data_copy)
    result = import_(runner, ris, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == f"coprod-kg: error: {ris}: {message}\n"
    assert tree_hash(data_copy) == before


def test_an_unknown_file_kind_is_named(runner, tmp_path, data_copy):
    path = tmp_path / "refs.txt"
    path.write_text("x", encoding="utf-8")
    result = import_(runner, path, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == (f"coprod-kg: error: {path}: unknown kind of file '.txt' (expected a "
                             "template .yaml, a sheet .csv or .xlsx, or references .ris, .bib or "
                             ".json)\n")
