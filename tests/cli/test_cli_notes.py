"""The CLI's answers on our notes and statuses: the notes keep English or untagged text
only, and a table's closing lines name every curated column and what points to its
rationale or to the notes (src/coprod_kg/queries/render.py)."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from coprod_kg.cli import cli
from coprod_kg.graph import sources
from coprod_kg.queries.render import voice_notes

FRENCH = ('\nout:popp-overnight-stays cpo:ambiguityNote '
          '"L\'évaluation nationale dit « apparemment »."@fr .\n')


def test_a_french_note_is_not_joined_to_the_english_one(runner, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sources.data_dir(), data)
    with (data / "case-studies" / "02-popp.ttl").open("a", encoding="utf-8") as popp:
        popp.write(FRENCH)
    outcome = runner.invoke(cli, ["--source", str(data), "query", "outcome-quote",
                                  "--format", "csv"])
    assert outcome.exit_code == 0, outcome.output
    rows = list(csv.DictReader(io.StringIO(outcome.stdout)))
    assert [row["ambiguityNote"] for row in rows] == [
        "The national evaluation reports this fall as 'seemingly'; the review drops the hedge."]


def closing_lines(runner, *args: str) -> str:
    outcome = runner.invoke(cli, ["query", *args, "--width", "400"])
    assert outcome.exit_code == 0, outcome.output
    return outcome.stdout.split(" rows)\n", 1)[-1].split(" row)\n", 1)[-1]


@pytest.mark.parametrize("name, expected", [
    ("study-designs",
     "Our reading (curation, not the review's words): evidenceStatus, inferredDesign, "
     "inferenceRationale, ambiguityNote; the rationale: the inferenceRationale column; "
     "coprod-kg query study-designs; every note with what it is about: coprod-kg query "
     "ambiguities.\n"),
    ("case-studies-without-quantified-outcome",
     "Our reading (curation, not the review's words): evidenceStatus.\n"),
    ("principles",
     "Our reading (curation, not the review's words): ambiguityNote; every note with what it "
     "is about: coprod-kg query ambiguities.\n"),
    ("case-studies-by-principle",
     "Our reading (curation, not the review's words): strength, rationale; the rationale: "
     "the rationale column; coprod-kg query case-studies-by-principle.\n"),
])
def test_the_closing_lines_name_every_curated_column(runner, name, expected):
    assert closing_lines(runner, name) == expected


def test_the_pointer_to_the_notes_is_not_called_a_rationale():
    text = " ".join(voice_notes(["claimStatus", "ambiguityNote"]).split())
    assert text == ("Our reading (curation, not the review's words): claimStatus, "
                    "ambiguityNote; the rationale: coprod-kg query later-evidence; every "
                    "note with what it is about: coprod-kg query ambiguities.")
