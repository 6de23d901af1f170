"""The mapping records of the exported graph are SSSOM RDF that sssom-py reads: the mapping
part of `coprod-kg export --format turtle` (each sssom:MappingSet with its
sssom:mappings axioms), parsed by sssom-py's RDF reader, gives the mappings of the TSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Namespace

from coprod_kg.cli import cli
from coprod_kg.graph import sources

SSSOM = Namespace("https://w3id.org/sssom/")
COLUMNS = ["subject_id", "predicate_id", "object_id", "mapping_justification", "confidence",
           "author_id", "subject_label", "object_label", "comment"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Graph:
    path = tmp_path_factory.mktemp("export") / "graph.ttl"
    outcome = CliRunner().invoke(cli, ["export", "--format", "turtle", "-o", str(path)])
    assert outcome.exit_code == 0, outcome.output
    return Graph().parse(path, format="turtle")


def mapping_part(graph: Graph, set_iri) -> Graph:
    part = Graph()
    for prefix, namespace in graph.namespaces():
        part.bind(prefix, namespace)
    part += graph.triples((set_iri, None, None))
    for axiom in graph.objects(set_iri, SSSOM.mappings):
        part += graph.triples((axiom, None, None))
    return part


def rows(msdf) -> list[tuple]:
    frame = msdf.df.reindex(columns=COLUMNS)
    frame["confidence"] = frame["confidence"].astype(float)
    return sorted(tuple("" if v != v else str(v) for v in row)  # NaN (missing) -> ""
                  for row in frame.itertuples(index=False))


def tsv_files() -> list[Path]:
    return sorted((sources.data_dir() / "mappings").glob("*.sssom.tsv"))


@pytest.mark.parametrize("tsv", tsv_files(), ids=lambda p: p.name)
def test_sssom_py_reads_the_exported_mapping_set_as_the_tsv(exported, tsv, tmp_path) -> None:
    from sssom.parsers import parse_sssom_rdf, parse_sssom_table

    table = parse_sssom_table(tsv)
    set_iri = next(s for s in exported.subjects(RDF.type, SSSOM.MappingSet)
                   if str(s) == table.metadata["mapping_set_id"])
    path = tmp_path / "mappings.ttl"
    mapping_part(exported, set_iri).serialize(path, format="turtle")
    parsed = parse_sssom_rdf(str(path), prefix_map=table.converter)
    assert len(parsed.df) == len(table.df) > 0
    assert rows(parsed) == rows(table)
    assert parsed.metadata["mapping_set_id"] == table.metadata["mapping_set_id"]
