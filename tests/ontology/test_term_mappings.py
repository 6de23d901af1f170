"""The term mappings from our ontology and closed lists to CiTO, schema.org and OBI: a valid
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


def test_sssom_validate_accepts_the_term_mappings():
    done = subprocess.run([*sssom_command(), "validate", str(TERMS)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_sssom_validate_rejects_a_broken_copy(tmp_path):
    broken = tmp_path / "broken.sssom.tsv"
    text = TERMS.read_text(encoding="utf-8")
    broken.write_text(text.replace("#  cito: http://purl.org/spar/cito/\n", ""), encoding="utf-8")
    done = subprocess.run([*sssom_command(), "validate", str(broken)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0


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
