"""`site` and `map` on bad or empty data: a figure that is not a number is a one-line error
naming the node and the value (exit 2, as for any bad input; `validate` reports it too);
a graph with nothing in it builds a site that says so, with no search index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coprod_kg.cli import cli
from coprod_kg.graph import sources

OUTCOME = "https://w3id.org/coprod-kg/id/outcome/popp-overnight-stays"


@pytest.fixture(scope="module")
def words_for_a_figure(tmp_path_factory) -> Path:
    """The bundled data with POPP's 47 per cent written "lots"."""
    data = tmp_path_factory.mktemp("bad") / "data"
    shutil.copytree(sources.data_dir(), data)
    popp = data / "case-studies" / "02-popp.ttl"
    text = popp.read_text(encoding="utf-8")
    assert text.count("qudt:numericValue 47.0 ;") == 1
    popp.write_text(text.replace("qudt:numericValue 47.0 ;", 'qudt:numericValue "lots" ;'),
                    encoding="utf-8")
    return data


@pytest.mark.parametrize("command", [["site", "-o", "site"], ["map", "-o", "map.svg"]],
                         ids=["site", "map"])
def test_a_figure_in_words_is_a_one_line_error(runner, words_for_a_figure, tmp_path, command):
    outcome = runner.invoke(cli, ["--source", str(words_for_a_figure), *command[:-1],
                                  str(tmp_path / command[-1])])
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr == (
        f"coprod-kg: error: <{OUTCOME}> <http://qudt.org/schema/qudt/numericValue>: 'lots' is "
        "not a number (run coprod-kg validate for every problem)\n")
    assert not (tmp_path / command[-1]).exists()


def test_an_empty_graph_builds_a_site_that_says_it_is_empty(runner, tmp_path):
    source = tmp_path / "empty"
    source.mkdir()
    (source / "empty.ttl").write_text("", encoding="utf-8")
    outcome = runner.invoke(cli, ["--source", str(source), "site", "-o", str(tmp_path / "site")])
    assert outcome.exit_code == 0, outcome.output
    listing = (tmp_path / "site" / "case-studies" / "index.html").read_text(encoding="utf-8")
    assert "There are no case studies in the graph yet." in listing
    script = (tmp_path / "site" / "assets" / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(script.partition("window.COPROD_KG_SEARCH = ")[2][:-2])
    assert data == {"documents": [], "index": None}
    assert runner.invoke(cli, ["--source", str(source), "map", "-o",
                               str(tmp_path / "map.html")]).exit_code == 0
