"""The term mappings from our ontology and closed lists to CiTO, schema.org, OBI and STATO: a valid
SSSOM file (checked by sssom-py's own `sssom validate`), each row naming the published file
its target was confirmed in, exact matches only for the same meaning."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coprod_kg.graph import sources

TERMS = sources.ontology_dir() / "mappings" / "terms.sssom.tsv"
SOURCE_FILES = {
    "cito": "SPAROntologies/cito, docs/2018-02-16/cito.ttl",
    "schema": "rdflib/namespace/_SDO.py",
    "OBI": "obi-ontology/obi",
    "STATO": "ISA-tools/stato, dev/ontology/stato.owl",
}


def rows() -> list[dict[str, str]]:
    lines = [line for line in TERMS.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def sssom_command() -> list[str]:
    script = Path(sys.executable).with_name("sssom")
    if script.exists():
        return [str(script)]
    found = shutil.which("sssom")
    if found is None:
        pytest.skip("the sssom command (sssom-py, a dependency) is not installed")
    return [found]


@pytest.fixture(scope="module")
def sssom_validations(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """`sssom validate` of the term mappings and of a broken copy (its cito prefix line
    removed), the two processes run side by side: each spends seconds importing sssom-py."""
    broken = tmp_path_factory.mktemp("sssom") / "broken.sssom.tsv"
    text = TERMS.read_text(encoding="utf-8")
    broken.write_text(text.replace("#  cito: http://purl.org/spar/cito/\n", ""), encoding="utf-8")
    started = {name: subprocess.Popen([*sssom_command(), "validate", str(path)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, path in (("terms", TERMS), ("broken", broken))}
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=300)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


def test_sssom_validate_accepts_the_term_mappings(sssom_validations):
    done = sssom_validations["terms"]
    assert done.returncode == 0, done.stderr[-2000:]


def test_sssom_validate_rejects_a_broken_copy(sssom_validations):
    assert sssom_validations["broken"].returncode != 0


def test_every_row_names_the_published_file_its_target_was_confirmed_in():
    for row in rows():
        prefix = row["object_id"].split(":", 1)[0]
        assert SOURCE_FILES[prefix] in row["comment"] or (
            prefix == "OBI" and "reference/sources-and-identifiers.md" in row["comment"]
        ), row["object_id"]


def test_match_types_are_skos_and_no_row_claims_the_same_meaning():
    predicates = {row["predicate_id"] for row in rows()}
    assert predicates <= {"skos:closeMatch", "skos:broadMatch", "skos:narrowMatch",
                          "skos:relatedMatch"}


def test_the_four_evidence_relations_are_mapped_to_cito():
    mapped = {(row["subject_id"], row["object_id"]) for row in rows()
              if row["object_id"].startswith("cito:")}
    assert {("rel:supports", "cito:supports"), ("rel:qualifies", "cito:qualifies"),
            ("rel:contradicts", "cito:refutes"), ("rel:elaborates", "cito:extends")} <= mapped


def test_the_evaluation_layer_is_mapped_to_stato_and_schema_org():
    mapped = {(row["subject_id"], row["predicate_id"], row["object_id"]) for row in rows()}
    assert {("cpo:ciLower", "skos:closeMatch", "STATO:0000315"),
            ("cpo:ciUpper", "skos:closeMatch", "STATO:0000314"),
            ("cpo:confidenceLevel", "skos:closeMatch", "STATO:0000561"),
            ("cpo:sampleSize", "skos:closeMatch", "STATO:0000088"),
            ("cpo:Study", "skos:closeMatch", "schema:MedicalStudy")} <= mapped


def test_each_row_quotes_the_target_label_it_was_confirmed_by():
    """A STATO row names the rdfs:label read in STATO's file, and it is the row's object label."""
    for row in rows():
        if row["object_id"].startswith("STATO:"):
            assert f'rdfs:label "{row["object_label"]}"' in row["comment"], row["object_id"]


def test_export_includes_the_mapped_terms_only_when_asked(runner):
    """`export --with-term-mappings` adds every row as a SKOS match triple (and its SSSOM
    axiom); the default export leaves the term mappings out."""
    from rdflib import Graph, URIRef

    from coprod_kg.cli import cli
    from coprod_kg.namespaces import PREFIXES

    def expand(curie: str) -> URIRef:
        prefix, local = curie.split(":", 1)
        return URIRef(PREFIXES[prefix] + local)

    mapped, plain = (runner.invoke(cli, ["export", "--format", "ntriples", *flag])
                     for flag in (["--with-term-mappings"], []))
    assert mapped.exit_code == 0 and plain.exit_code == 0, mapped.output + plain.output
    with_mappings = Graph().parse(data=mapped.output, format="nt")
    without = Graph().parse(data=plain.output, format="nt")
    expected = {(expand(row["subject_id"]), expand(row["predicate_id"]), expand(row["object_id"]))
                for row in rows()}
    assert len(expected) == len(rows()) > 20
    assert expected <= set(with_mappings)
    assert not expected & set(without)
    assert (URIRef(PREFIXES["cpo"] + "ciLower"), URIRef(PREFIXES["skos"] + "closeMatch"),
            URIRef(PREFIXES["STATO"] + "0000315")) in expected
