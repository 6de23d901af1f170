"""Issue 12, exit codes that mean one thing (R6, R8, L1, L2, L5, and the README's table).

Every failure is one line on stderr; 1 means only "does not conform / broken links";
2 is any error; 130 is Ctrl-C.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from hostile import CLI, CLI_TIMEOUT, REPO_ROOT_DATA, interrupt, run_cli, start_cli
from test_hardening_integrity import core_template, new_case  # noqa: F401

README = REPO_ROOT_DATA.parent / "README.md"


# ------------------------------------------------------------------ R6: tracebacks


@pytest.mark.parametrize("name,old,new", [
    ("integer over 4,300 digits", "case_number: 6", "case_number: " + "9" * 5000),
    ("page over 4,300 digits", "page: 10", "page: " + "9" * 5000),
    ("a 300-character id", "id: core-study", "id: " + "a" * 300),
], ids=["integer", "page", "long id"])
def test_template_values_that_crashed_are_one_line(tmp_path, core_template, name,  # noqa: F811
                                                   old, new):
    data = tmp_path / "data"
    (data / "case-studies").mkdir(parents=True)
    template = tmp_path / "case.yaml"
    template.write_text(core_template.replace(old, new, 1), encoding="utf-8")
    out = run_cli("import", "--data-dir", str(data), str(template))
    assert out.code == 2, (out.code, out.stderr[-400:])
    assert "Traceback" not in out.stderr


def test_a_huge_integer_parameter_is_one_line():
    out = run_cli("query", "outcomes-by-reduction", "-p", "minPercent=" + "9" * 5000)
    assert out.code == 2 and out.one_line_error, out.stderr[-400:]


def test_deeply_nested_endpoint_json_is_one_line(hostile_server, tmp_path):
    url, script = hostile_server
    script.headers = [("Content-Type", "application/sparql-results+json")]
    script.body = b"[" * 200000 + b"]" * 200000
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "query", "--file", str(query))
    assert out.code == 2 and out.one_line_error, out.stderr[-400:]


def test_a_full_disk_on_stdout_is_one_line():
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(CLI), "query", "principles"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=CLI_TIMEOUT)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "No space left" in done.stderr or "full" in done.stderr


# ------------------------------------------------------------------ R8: Ctrl-C is 130


@pytest.fixture(scope="module")
def slow_source(tmp_path_factory):
    """The bundled data plus 300 synthetic case studies: each command below then runs for
    seconds, so the signal always arrives while it works (on an idle machine the bundled
    graph alone validates in under the delay, and the command ended with 0)."""
    sys.path.insert(0, str(REPO_ROOT_DATA.parent / "benchmarks"))
    from synthetic import read_vocabulary, write_synthetic

    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    folder = tmp_path_factory.mktemp("slow") / "data"
    shutil.copytree(REPO_ROOT_DATA, folder)
    write_synthetic(300, folder / "synthetic", read_vocabulary(open_store(Settings())), batch=50)
    return folder


@pytest.mark.parametrize("args", [
    ("validate",),
    ("site", "-o", "{tmp}/site"),
    ("export", "--format", "turtle"),
], ids=["validate", "site", "export"])
def test_ctrl_c_exits_130_with_one_line(tmp_path, slow_source, args):
    process = start_cli("--source", str(slow_source),
                        *(arg.replace("{tmp}", str(tmp_path)) for arg in args))
    out = interrupt(process, delay=0.8)
    assert out.code == 130, (out.code, out.stderr[-400:])
    assert out.one_line_error and "Aborted!" not in out.stderr, out.stderr
    assert not list(tmp_path.rglob("*.tmp"))


def test_ctrl_c_stops_serve_with_130(tiny_source):
    process = subprocess.Popen([str(CLI), "--source", str(tiny_source), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip()
    out = interrupt(process)
    assert out.code == 130, out.stderr


# ------------------------------------------------------------------ L1, L2: parameters


def test_a_curie_with_an_unknown_prefix_is_refused():
    out = run_cli("query", "learning-points", "-p", "caseStudy=nosuch:oxleas-ebcd")
    assert out.code == 2 and out.one_line_error, (out.code, out.stdout, out.stderr)
    assert "nosuch" in out.stderr


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_bound_strings_are_not_unescaped(store):
    # `links -p dataset=...`: the value is compared as written; \u0041 is six characters
    out = run_cli("--store", store, "query", "links", "-p", "dataset=wiki\\u0064ata",
                  "--format", "csv")
    assert out.code == 0, out.stderr
    assert out.stdout.splitlines()[1:] == []


# ------------------------------------------------------------------ L5: serve on all addresses


def test_serve_on_all_addresses_warns(tiny_source):
    process = subprocess.Popen([str(CLI), "--source", str(tiny_source), "serve", "--host",
                                "0.0.0.0", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stderr.readline() for _ in range(2)]  # loading ..., the warning
        warning = lines[-1]
        assert "warning" in warning and "0.0.0.0" in warning, lines
    finally:
        process.kill()
        process.communicate()


# ------------------------------------------------------------------ the README's table


def _readme_codes() -> dict[int, str]:
    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*`?(\d+)`?\s*\|\s*(.+?)\s*\|\s*$", text, re.MULTILINE)
    return {int(code): meaning for code, meaning in rows}


def test_the_readme_documents_every_exit_code():
    assert set(_readme_codes()) >= {0, 1, 2, 130}


@pytest.mark.parametrize("args,code", [
    (("validate",), 0),
    (("query", "nosuch-query"), 2),
    (("--store", "nosuch", "stats"), 2),
    (("query", "--file", "/nonexistent.rq"), 2),
    (("--endpoint", "ftp://x", "stats"), 2),
    (("links", "check"), 2),
], ids=["ok", "unknown query", "bad option", "missing file", "bad url", "missing choice"])
def test_exit_codes_follow_the_table(args, code):
    out = run_cli(*args)
    assert out.code == code, (out.code, out.stderr)
    assert code in _readme_codes()
    if code:
        assert out.one_line_error, out.stderr


def test_debug_is_a_global_option():
    out = run_cli("--debug", "query", "nosuch-query")
    assert out.code == 2 and out.one_line_error


def test_an_unexpected_error_is_one_line_and_debug_shows_it(monkeypatch):
    # a fault injected where no code path expects one (a bug): one line, exit 2
    from click.testing import CliRunner

    from coprod_kg.cli import cli
    from coprod_kg.queries import catalogue

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(catalogue, "get_query", broken)
    result = CliRunner().invoke(cli, ["query", "principles"])
    assert result.exit_code == 2
    assert result.stderr == ("coprod-kg: error: unexpected error: RuntimeError: injected fault "
                             "(run with --debug for the traceback)\n")
    result = CliRunner().invoke(cli, ["--debug", "query", "principles"])
    assert isinstance(result.exception, RuntimeError)  # the traceback is shown


def test_source_paths_stay_untouched(tmp_path):
    # an error never writes anything next to its input
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    out = run_cli("--source", str(bad), "stats")
    assert out.code == 2 and out.one_line_error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl"]
