"""The CLI: help and version, `queries`, `query` formats, bad input as one line, `stats`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import coprod_kg.commands
from coprod_kg import __version__
from coprod_kg.cli import cli


def assert_one_line_error(outcome, *expected: str) -> None:
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1, outcome.stderr
    assert outcome.stderr.startswith("coprod-kg: error: ")
    assert "Traceback" not in outcome.stderr
    for text in expected:
        assert text in outcome.stderr, outcome.stderr


# --------------------------------------------------------------------------
# Start-up
# --------------------------------------------------------------------------


def test_help_imports_neither_rdflib_nor_pyshacl():
    script = (
        "import sys\n"
        "from coprod_kg.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rdflib', 'pyshacl', 'pyoxigraph'))\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "Query commands:" in done.stdout
    assert done.stdout.strip().endswith("HEAVY []")


LIGHT_COMMANDS = [
    ["query", "outcomes-by-reduction"],
    ["query", "principles", "--format", "tsv"],
    ["query", "case-study-overview", "--format", "json"],
    ["query", "evidence-gap-map", "--format", "csv"],  # answered from its precomputed file
    ["query", "outcomes-by-reduction", "-p", "minPercent=40", "--format", "csv"],
    ["queries"],
    ["stats"],
]


@pytest.fixture(scope="module")
def warm_store() -> None:
    """The persistent store of the bundled data, built (building it reads the SSSOM files'
    YAML; a warm command does not)."""
    subprocess.run([sys.executable, "-m", "coprod_kg", "stats"], capture_output=True,
                   check=True)


@pytest.mark.parametrize("argv", LIGHT_COMMANDS, ids=" ".join)
def test_queries_on_the_default_store_import_neither_rdflib_nor_pyshacl(warm_store, argv):
    """The native query path (issue 16): pyoxigraph terms from the store to the output;
    and, on a warm store, no PyYAML and no other command's module."""
    script = (
        "import sys\n"
        "from coprod_kg.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl', 'yaml')"
        " or m == 'importlib.metadata' or (m.startswith('coprod_kg.commands.')"
        f" and m.split('.')[2] not in {USED_COMMAND_MODULES!r}))\n"
        "print('HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().endswith("HEAVY []"), done.stdout[-300:]


# the command modules a query needs (the others are imported only for their own commands)
USED_COMMAND_MODULES = ("query", "stats", "options", "layout", "workspace")


def test_every_listed_command_is_the_command_of_its_name():
    """Commands are imported on first use (coprod_kg.commands.COMMANDS): each name leads to
    the click command of that name, and every command module is in the table."""
    from coprod_kg.commands import COMMANDS

    for name in COMMANDS:
        assert cli.commands[name].name == name
    modules = {path.stem for path in Path(coprod_kg.commands.__file__).parent.glob("*.py")}
    assert modules - {"__init__", "options", "layout"} == {m for m, _ in COMMANDS.values()}


def test_the_version_is_the_installed_distribution_s():
    from importlib.metadata import version

    assert version("coprod-kg") == __version__


def test_python_dash_m_and_version():
    done = subprocess.run(
        [sys.executable, "-m", "coprod_kg", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"coprod-kg, version {__version__}"


@pytest.mark.parametrize("command", ["queries", "stats"])
def test_a_reader_that_goes_away_is_not_a_failure(command):
    """`coprod-kg queries | head -1`: exit 0 and no traceback (exit 1 means "does not conform")."""
    process = subprocess.Popen([sys.executable, "-m", "coprod_kg", command],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the first line is written
    stderr = process.stderr.read().decode()
    assert (process.wait(timeout=60), stderr) == (0, "")


@pytest.mark.parametrize("command", ["query", "queries", "validate", "export", "stats"])
def test_every_command_has_help(runner, command):
    outcome = runner.invoke(cli, [command, "-h"])
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith(f"Usage: cli {command}") or "Usage:" in outcome.stdout


# --------------------------------------------------------------------------
# queries
# --------------------------------------------------------------------------


def test_queries_json_lists_every_stored_query(runner, repo_root):
    outcome = runner.invoke(cli, ["queries", "--all", "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    listing = json.loads(outcome.stdout)
    names = [entry["name"] for entry in listing]
    assert names == [p.stem for p in sorted((repo_root / "queries").glob("*.rq"))]
    entry = listing[names.index("outcomes-by-reduction")]
    assert set(entry) >= {"name", "summary", "description", "parameters"}
    assert entry["parameters"] == [
        {"name": "minPercent", "type": "xsd_decimal", "required": True, "default": "25"}
    ]


def test_queries_table(runner):
    outcome = runner.invoke(cli, ["queries"])
    assert outcome.exit_code == 0
    assert "learning-points\n    The learning points of a given case study" in outcome.stdout
    assert "    -p caseStudy=<iri>  (default https://" in outcome.stdout
    assert "    -p text=<literal>  (required)" in outcome.stdout


def test_queries_hides_the_site_queries_and_the_gates_unless_all(runner, repo_root):
    shown = runner.invoke(cli, ["queries", "--format", "json"])
    names = [entry["name"] for entry in json.loads(shown.stdout)]
    every = [p.stem for p in sorted((repo_root / "queries").glob("*.rq"))]
    assert names == [n for n in every if not n.startswith("site-")
                     and not n.endswith(("-violation", "-gap"))]
    assert {"review", "quote-search", "case-study-outcomes", "evidence-gap-map"} <= set(names)


def test_queries_by_tag(runner):
    outcome = runner.invoke(cli, ["queries", "--tag", "Case Studies", "--format", "csv"])
    names = [line.split(",")[0] for line in outcome.stdout.splitlines()[1:]]
    assert names == ["case-studies", "case-study-graph", "case-study-overview"]
    gates = runner.invoke(cli, ["queries", "--all", "--tag", "quality-gate", "--format", "json"])
    assert len(json.loads(gates.stdout)) == 4
    gaps = runner.invoke(cli, ["queries", "--all", "--tag", "evidence-gap", "--format", "json"])
    assert [entry["name"] for entry in json.loads(gaps.stdout)] == [
        "case-study-without-principle-gap", "principle-without-case-study-gap"]
    unknown = runner.invoke(cli, ["queries", "--tag", "nonsense"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("coprod-kg: error: no stored query has the tag 'nonsense'")


# --------------------------------------------------------------------------
# query: formats
# --------------------------------------------------------------------------


def test_query_table_fits_80_columns_and_marks_truncation(runner):
    outcome = runner.invoke(cli, ["query", "principles"])
    assert outcome.exit_code == 0
    lines = outcome.stdout.splitlines()
    assert lines[0].split() == ["position", "principle", "label", "definition", "ambiguityNo…"]
    assert max(len(line) for line in lines) <= 80
    assert "…" in outcome.stdout  # the long definitions are cut with a marker
    assert lines[-3:] == ["(6 rows)",  # then the note that labels our curation's column
                          "Our reading (curation, not the review's words): ambiguityNote; every "
                          "note with", "what it is about: coprod-kg query ambiguities."]


def test_query_table_width_option(runner):
    outcome = runner.invoke(cli, ["query", "study-designs", "--width", "70"])
    assert outcome.exit_code == 0
    assert max(len(line) for line in outcome.stdout.splitlines()) <= 70


def test_query_csv(runner):
    outcome = runner.invoke(cli, ["query", "further-resources", "--format", "csv"])
    assert outcome.exit_code == 0
    rows = list(csv.reader(io.StringIO(outcome.stdout)))
    assert rows[0] == ["position", "title", "link", "page", "ambiguityNote"]
    assert rows[3] == [
        "3",
        "NESTA Co-Production Catalogue",
        "http://www.nesta.org.uk/sites/default/files/co-production_catalogue.pdf",
        "11",
        "",
    ]
    assert len(rows) == 8


def test_query_tsv(runner):
    outcome = runner.invoke(
        cli, ["query", "outcome-quote", "--format", "tsv", "-p", "outcome=out:popp-overnight-stays"]
    )
    assert outcome.exit_code == 0
    header, row = outcome.stdout.splitlines()
    assert header == "?caseStudyLabel\t?label\t?quote\t?page\t?ambiguityNote"
    assert row.split("\t")[2:] == [
        '"Overnight hospital stays were reduced by 47 per cent."', "6",
        "\"The national evaluation reports this fall as 'seemingly'; the review drops the hedge.\""]


def test_query_file_ask_and_construct(runner, tmp_path):
    ask = tmp_path / "ask.rq"
    ask.write_text(
        "#+ summary: is there a CORE study?\n"
        "ASK { <https://w3id.org/coprod-kg/id/case-study/core-study> ?p ?o }\n"
    )
    outcome = runner.invoke(cli, ["query", "--file", str(ask)])
    assert (outcome.exit_code, outcome.stdout) == (0, "true\n")
    outcome = runner.invoke(cli, ["query", "--file", str(ask), "--format", "json"])
    assert json.loads(outcome.stdout) == {"head": {}, "boolean": True}
    construct = runner.invoke(cli, ["query", "case-study-graph", "-p", "caseStudy=cs:core-study"])
    assert construct.exit_code == 0
    assert "cs:core-study\n    a cpo:CaseStudy ;" in construct.stdout


# --------------------------------------------------------------------------
# query: bad input, one line each, exit 2
# --------------------------------------------------------------------------


def test_unknown_query_suggests_the_closest_names(runner):
    outcome = runner.invoke(cli, ["query", "learning-point"])
    assert_one_line_error(
        outcome, "unknown query 'learning-point'", "did you mean: learning-points"
    )


def test_missing_parameter_names_it_and_its_type(runner, tmp_path):
    query = tmp_path / "needs.rq"
    query.write_text(
        "#+ summary: needs a principle\n"
        "SELECT ?a WHERE { ?a <https://w3id.org/coprod-kg/ontology#principle> ?_principle_iri }\n"
    )
    outcome = runner.invoke(cli, ["query", "--file", str(query)])
    assert_one_line_error(outcome, "needs parameter 'principle' (iri)", "-p principle=VALUE")


def test_mistyped_parameter_names_it_and_its_type(runner):
    outcome = runner.invoke(cli, ["query", "outcomes-by-reduction", "-p", "minPercent=a lot"])
    assert_one_line_error(outcome, "parameter 'minPercent' (xsd:decimal)", "not a decimal")


def test_unknown_parameter(runner):
    outcome = runner.invoke(cli, ["query", "principles", "-p", "x=1"])
    assert_one_line_error(outcome, "has no parameter 'x'")


def test_a_parameter_given_twice_is_an_error(runner):
    outcome = runner.invoke(cli, ["query", "quote-search", "-p", "text=a", "-p", "text=b"])
    assert_one_line_error(outcome, "-p 'text' given twice")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["query", "principles", "--format", "xml"], "Invalid value for '--format'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["--store", "nosql", "stats"], "Invalid value for '--store'"),
        (["query", "principles", "extra"], "unexpected extra argument"),
        (["--timeout", "0", "query", "principles"], "Invalid value for '--timeout'"),
        (["--timeout", "nan", "query", "principles"], "Invalid value for '--timeout'"),
        (["--timeout", "-1", "query", "principles"], "Invalid value for '--timeout'"),
    ],
)
def test_usage_errors_are_one_line_too(runner, arguments, expected):
    """Click's own usage errors (several lines) follow the documented one-line form."""
    assert_one_line_error(runner.invoke(cli, arguments), expected, "--help`)")


@pytest.mark.parametrize(
    "url", ["http:///query", "http://127.0.0.1:99999/query", "http://127.0.0.1:x/query",
            "http://[::1/query", 'http://127.0.0.1:9/query" } DROP ALL']
)
def test_a_malformed_endpoint_url_is_refused_before_any_request(runner, url):
    outcome = runner.invoke(cli, ["--endpoint", url, "query", "principles"])
    assert_one_line_error(outcome, f"--endpoint {url!r}: not a valid URL")


def test_a_request_to_a_url_urllib_cannot_use_is_one_error():
    from coprod_kg.errors import EndpointError
    from coprod_kg.graph.remote import http_request

    with pytest.raises(EndpointError, match="notaurl: not an http\\(s\\) URL"):
        http_request("notaurl", timeout=1)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("case-study-outcomes", "caseStudy"), ("outcomes-by-reduction", "minPercent")],
)
def test_hostile_value_for_iri_or_number_is_rejected(runner, query, parameter):
    outcome = runner.invoke(cli, ["query", query, "-p", f'{parameter}="> }} ; DROP ALL ; #'])
    assert_one_line_error(outcome, f"parameter '{parameter}'")


def test_hostile_value_for_a_string_gives_an_empty_result(runner):
    outcome = runner.invoke(
        cli, ["query", "quote-search", "--format", "json", "-p", 'text="> } ; DROP ALL ; #']
    )
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.stdout)["results"]["bindings"] == []
    after = runner.invoke(cli, ["query", "principles", "--format", "csv"])
    assert len(after.stdout.splitlines()) == 7


def test_name_and_file_together_is_an_error(runner, tmp_path):
    assert_one_line_error(runner.invoke(cli, ["query"]), "give either a stored query NAME")
    outcome = runner.invoke(cli, ["query", "--file", str(tmp_path / "none.rq")])
    assert_one_line_error(outcome, "none.rq: no such query file")


def test_query_file_encoding(runner, tmp_path):
    """A byte-order mark (Windows editors) is skipped; text that is not UTF-8 is one line."""
    bom = tmp_path / "bom.rq"
    bom.write_bytes(b"\xef\xbb\xbfASK { ?s ?p ?o }")
    outcome = runner.invoke(cli, ["query", "--file", str(bom)])
    assert (outcome.exit_code, outcome.stdout) == (0, "true\n"), outcome.output
    latin1 = tmp_path / "latin1.rq"
    latin1.write_bytes("# café\nASK { ?s ?p ?o }".encode("latin-1"))
    outcome = runner.invoke(cli, ["query", "--file", str(latin1)])
    assert_one_line_error(outcome, f"{latin1}: not UTF-8 text")


def test_malformed_turtle_in_a_source_names_file_line_and_column(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "open .\n')
    for command in (["query", "principles"], ["validate"], ["export"], ["stats"]):
        outcome = runner.invoke(cli, ["--source", str(bad), *command])
        assert_one_line_error(outcome, f"{bad}:3:")


def test_a_source_folder_with_no_rdf_is_an_error(runner, tmp_path):
    """An empty graph would otherwise 'conform' and answer every query with no rows."""
    (tmp_path / "notes.txt").write_text("not RDF\n")
    for command in (["validate"], ["query", "principles"], ["export"]):
        outcome = runner.invoke(cli, ["--source", str(tmp_path), *command])
        assert_one_line_error(outcome, f"{tmp_path}: no RDF files in this folder")


# --------------------------------------------------------------------------
# stats
# --------------------------------------------------------------------------


def test_stats_json(runner, bundled_graph):
    outcome = runner.invoke(cli, ["--store", "memory", "stats", "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    stats = json.loads(outcome.stdout)
    assert stats["triples"] == len(bundled_graph)
    per_class = stats["instancesPerClass"]
    assert (per_class["cpo:CaseStudy"], per_class["cpo:Principle"]) == (6, 6)
    assert per_class["cpo:FurtherResource"] == 7
    categories = stats["outcomesPerCategory"]
    assert categories["Complaints"] == 1
    assert categories["Staff attitudes and practice"] == 3
    assert sum(categories.values()) == sum(
        per_class.get(c, 0)
        for c in ("cpo:QuantifiedOutcome", "cpo:QualitativeOutcome", "cpo:ExpectedOutcome")
    )


def test_stats_text(runner):
    outcome = runner.invoke(cli, ["stats"])
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("triples: ")
    assert "  cpo:CaseStudy" in outcome.stdout and "outcomes per category:" in outcome.stdout


# --------------------------------------------------------------------------
# The table renderer
# --------------------------------------------------------------------------


def test_table_wraps_then_truncates_with_a_marker():
    from rdflib import Literal, URIRef

    from coprod_kg.graph.results import QueryResult
    from coprod_kg.queries.render import MAX_LINES_PER_CELL, TRUNCATION_MARKER, to_table

    long_text = " ".join(f"word{i}" for i in range(200))
    result = QueryResult(
        "SELECT",
        ["outcome", "text"],
        [(URIRef("https://w3id.org/coprod-kg/id/outcome/popp-ae-use"), Literal(long_text))],
    )
    lines = to_table(result, width=50).splitlines()
    assert lines[0].split() == ["outcome", "text"]
    body = lines[2:-1]
    assert len(body) == MAX_LINES_PER_CELL
    assert body[0].startswith("out:popp-ae-use")  # our IRIs are shown as CURIEs
    assert body[-1].endswith(TRUNCATION_MARKER)
    assert max(len(line) for line in lines) <= 50
    assert lines[-1] == "(1 row)"


def test_a_source_that_does_not_exist_is_named_as_such(runner, tmp_path):
    from coprod_kg.cli import cli

    missing = tmp_path / "nowhere.ttl"
    result = runner.invoke(cli, ["--source", str(missing), "validate"])
    assert result.exit_code == 2
    assert result.stderr == f"coprod-kg: error: {missing}: no such file or folder (--source)\n"


# --------------------------------------------------------------------------
# The terminal's width
# --------------------------------------------------------------------------


def test_a_table_on_a_terminal_uses_its_width():
    from terminal import run_in_terminal

    code, wide = run_in_terminal(["--quiet", "query", "principles"], columns=160)
    assert code == 0, wide
    assert 80 < max(len(line) for line in wide.splitlines()) <= 160
    code, chosen = run_in_terminal(["--quiet", "query", "principles", "--width", "100"],
                                   columns=160)
    assert 80 < max(len(line) for line in chosen.splitlines()) <= 100


def test_a_table_in_a_pipe_is_80_columns_wide(runner):
    outcome = runner.invoke(cli, ["query", "principles"], env={"COLUMNS": "200"})
    assert max(len(line) for line in outcome.stdout.splitlines()) <= 80
