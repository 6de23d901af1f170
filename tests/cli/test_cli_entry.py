"""The click-free `coprod-kg query NAME` (coprod_kg.entry, issue 16): for every command line,
what the console script prints (stdout, stderr) and its exit code are those of the click CLI;
the plain query forms are answered without importing click, every other form is click's."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from coprod_kg.console import RDF_FORMATS, RESULT_FORMATS
from coprod_kg.entry import recognise

# `python -m coprod_kg ARGS` (the console script runs the same function), noting in the file
# named by the first argument whether click was imported
THROUGH_THE_ENTRY = (
    "import atexit, runpy, sys\n"
    "marker = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(marker, 'w').write(str('click' in sys.modules)))\n"
    "sys.argv[0] = 'coprod-kg'\n"
    "runpy.run_module('coprod_kg', run_name='__main__', alter_sys=True)\n"
)
# the click CLI alone, as the console script ran it before the fast path
THROUGH_CLICK = "import sys\nfrom coprod_kg.cli import main\nmain(sys.argv[1:])\n"

QUERY = ["query", "outcomes-by-reduction"]
FAST = {
    "plain": QUERY,
    "-p": [*QUERY, "-p", "minPercent=40"],
    "--param": [*QUERY, "--param", "minPercent=40"],
    "--param=": [*QUERY, "--param=minPercent=40"],
    **{f"--format {fmt}": [*QUERY, "--format", fmt] for fmt in RESULT_FORMATS},
    "--format=csv": [*QUERY, "--format=csv", "-p", "minPercent=60"],
    **{f"construct {fmt}": ["query", "case-study-graph", "-p", "caseStudy=cs:popp", "--format",
                            fmt] for fmt in RDF_FORMATS},
    "bad value": [*QUERY, "-p", "minPercent=many"],
    "unknown query": ["query", "outcomes-by-reductoin"],
    "unknown parameter": [*QUERY, "-p", "minPercentage=40"],
    "parameter twice": [*QUERY, "-p", "minPercent=40", "-p", "minPercent=50"],
    "default parameter": ["query", "outcome-quote"],
    "json error": [*QUERY, "-p", "minPercent=many", "--format", "json"],
    "rows as a graph": [*QUERY, "--format", "turtle"],
}
HANDED_TO_CLICK = {
    "width": [*QUERY, "--width", "100"],
    "global option first": ["--store", "memory", *QUERY],
    "global option after": [*QUERY, "--quiet"],
    "output": [*QUERY, "-o", "-"],
    "help": [*QUERY, "--help"],
    "option before the name": ["query", "-p", "minPercent=40", "outcomes-by-reduction"],
    "format alias": [*QUERY, "--format", "text"],
    "two formats": [*QUERY, "--format", "csv", "--format", "tsv"],
    "bad format": [*QUERY, "--format", "xml"],
    "value like an option": [*QUERY, "-p", "--format"],
    "no value": [*QUERY, "-p"],
    "two names": [*QUERY, "principles"],
    "--": [*QUERY, "--", "-p"],
    "no name": ["query"],
    "file": ["query", "--file", "nosuch.rq"],
    "queries": ["queries", "--tag", "outcomes"],
}


def run(script: str, argv: list[str], cwd: Path, marker: Path | None = None):
    arguments = [str(marker)] if marker else []
    done = subprocess.run([sys.executable, "-c", script, *arguments, *argv], cwd=cwd,
                          capture_output=True, check=False)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def assert_as_click(argv: list[str], cwd: Path, fast: bool) -> None:
    marker = cwd / "click-imported.txt"
    entry = run(THROUGH_THE_ENTRY, argv, cwd, marker)
    assert entry == run(THROUGH_CLICK, argv, cwd)
    assert marker.read_text() == str(not fast), "click imported" if fast else "click not run"


@pytest.mark.parametrize("argv", FAST.values(), ids=FAST.keys())
def test_the_plain_query_forms_print_as_click_does_without_click(argv, tmp_path):
    assert recognise(argv) is not None
    assert_as_click(argv, tmp_path, fast=True)


@pytest.mark.parametrize("argv", HANDED_TO_CLICK.values(), ids=HANDED_TO_CLICK.keys())
def test_every_other_command_line_is_click_s(argv, tmp_path):
    assert recognise(argv) is None
    assert_as_click(argv, tmp_path, fast=False)


def test_a_workspace_query_shadows_the_bundled_one(runner, tmp_path):
    from coprod_kg.cli import cli

    assert runner.invoke(cli, ["init", str(tmp_path)]).exit_code == 0
    (tmp_path / "queries" / "principles.rq").write_text(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cpo:CaseStudy }\n", encoding="utf-8")
    (tmp_path / "queries" / "needs.rq").write_text(
        "SELECT ?a WHERE { ?a cpo:principle ?_principle_iri }\n", encoding="utf-8")
    (tmp_path / "below").mkdir()
    assert_as_click(["query", "principles", "--format", "csv"], tmp_path / "below", fast=True)
    assert_as_click(["query", "needs"], tmp_path, fast=True)  # a missing parameter
    entry = run(THROUGH_THE_ENTRY, ["query", "principles", "--format", "csv"], tmp_path,
                tmp_path / "marker")
    assert entry[:2] == (0, "n\r\n6\r\n")
    assert "needs parameter 'principle'" in run(THROUGH_CLICK, ["query", "needs"], tmp_path)[2]
    # an escape sequence in a value: removed in a pipe, as click.echo does
    (tmp_path / "queries" / "escape.rq").write_text(
        'SELECT ("\\u001B[31mred\\u001b[0m" AS ?x) WHERE {}\n', encoding="utf-8")
    assert_as_click(["query", "escape", "--format", "csv"], tmp_path, fast=True)
    assert run(THROUGH_CLICK, ["query", "escape", "--format", "csv"], tmp_path)[1] == "x\r\nred\r\n"


def test_shell_completion_is_click_s(tmp_path, monkeypatch):
    monkeypatch.setenv("COMP_WORDS", "coprod-kg query outcomes-by-red")
    monkeypatch.setenv("COMP_CWORD", "2")
    monkeypatch.setenv("_COPROD_KG_COMPLETE", "bash_complete")
    assert_as_click([*QUERY], tmp_path, fast=False)
    assert "caseLabel" not in run(THROUGH_CLICK, QUERY, tmp_path)[1]  # completions, no answer


def test_the_store_folder_of_the_environment_is_used(tmp_path, store_dir):
    assert_as_click(QUERY, tmp_path, fast=True)
    assert store_dir.is_dir() and any(store_dir.iterdir())


def test_the_console_script_is_the_entry(tmp_path):
    (script,) = entry_points(group="console_scripts", name="coprod-kg")
    assert script.value == "coprod_kg.entry:main"
    installed = Path(sys.executable).parent / "coprod-kg"
    if installed.exists():
        done = subprocess.run([str(installed), *QUERY, "--format", "tsv"], cwd=tmp_path,
                              capture_output=True, text=True, check=False)
        click = run(THROUGH_CLICK, [*QUERY, "--format", "tsv"], tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == click


def test_a_reader_that_goes_away_is_not_a_failure():
    process = subprocess.Popen([sys.executable, "-m", "coprod_kg", *QUERY],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the first line is written
    assert (process.wait(timeout=60), process.stderr.read().decode()) == (0, "")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_full_disk_is_one_line_as_with_click(tmp_path, fmt):
    outcomes = []
    for script in (THROUGH_THE_ENTRY, THROUGH_CLICK):
        with open("/dev/full", "w") as full:
            arguments = [str(tmp_path / "marker")] if script == THROUGH_THE_ENTRY else []
            done = subprocess.run([sys.executable, "-c", script, *arguments, *QUERY,
                                   "--format", fmt], stdout=full, stderr=subprocess.PIPE,
                                  check=False)
        outcomes.append((done.returncode, done.stderr.decode()))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 2 and "cannot write the output" in outcomes[0][1]


@pytest.fixture()
def in_process(monkeypatch):
    """The CLI run in this process, leaving its SIGTERM and SIGHUP alone."""
    from coprod_kg import cli, console

    monkeypatch.setattr(console, "interrupt_on_termination", lambda: None)
    monkeypatch.setattr(cli, "interrupt_on_termination", lambda: None)


def test_an_unforeseen_fault_is_one_line_as_click_gives_it(in_process, monkeypatch, capsys):
    """A fault nobody foresaw: the command is not run a second time through click (its
    warnings would show twice), and the line is the click CLI's."""
    from coprod_kg import entry
    from coprod_kg.queries import run as query_run

    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("injected fault")

    monkeypatch.setattr(query_run, "answer", broken)
    with pytest.raises(SystemExit) as exit_:
        entry.main(QUERY)
    assert exit_.value.code == 2
    assert capsys.readouterr().err == ("coprod-kg: error: unexpected error: RuntimeError: "
                                       "injected fault (run with --debug for the traceback)\n")
    assert len(calls) == 1


def test_the_settings_are_those_of_the_click_group(in_process, monkeypatch, tmp_path):
    from coprod_kg import entry
    from coprod_kg.cli import cli
    from coprod_kg.queries import run as query_run

    seen = []
    monkeypatch.setattr(query_run, "answer", lambda settings, *rest: seen.append(settings) or "")
    monkeypatch.chdir(tmp_path)
    cli.main(QUERY, standalone_mode=False)
    assert seen == [entry.default_settings(None, ())]
