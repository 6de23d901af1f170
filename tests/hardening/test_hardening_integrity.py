"""Issue 12, nothing lost (I1-I5, R9, L3, L4): outputs replace only what they wrote,
interrupted loads leave no staging graph, concurrent imports serialise, imports write
only what every store can read, values are kept exactly."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hostile import CLI, CLI_TIMEOUT, REPO_ROOT_DATA, run_cli, start_cli


@pytest.fixture(scope="module")
def core_template() -> str:
    """The filled template of the bundled case study 6 (a protocol: no figures needed)."""
    out = run_cli("export-template", "core-study")
    assert out.code == 0, out.stderr
    return out.stdout


def new_case(template: str, slug: str, number: int | None, **replacements: str) -> str:
    """The case study 6 template as a new case study `slug` with fresh node ids."""
    text = template.replace("id: core-study", f"id: {slug}", 1)
    text = re.sub(r"case_number: 6", f"case_number: {number}" if number else "case_number:",
                  text)
    text = re.sub(r"id: core-", f"id: {slug}-", text)
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT_DATA, data)
    return data


# ------------------------------------------------------------------ I1: site -o


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """A site written by `site -o` once for the module; tests rebuild over a copy of it."""
    site = tmp_path_factory.mktemp("built") / "site"
    out = run_cli("site", "-o", str(site))
    assert out.code == 0, out.stderr
    return site


@pytest.fixture()
def site(built_site, tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    return copy


def test_site_keeps_files_it_did_not_write(site, tmp_path):
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / "CNAME").write_text("kg.example.org\n")
    (site / "case-studies" / "notes.md").write_text("mine\n")
    out = run_cli("site", "-o", str(site))
    assert out.code == 0, out.stderr
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (site / "CNAME").read_text() == "kg.example.org\n"
    assert (site / "case-studies" / "notes.md").read_text() == "mine\n"
    assert (site / "index.html").is_file()
    assert not list(tmp_path.glob(".site*"))  # no staging folder left beside it


def test_site_removes_its_own_stale_pages(site):
    stale = site / "case-studies" / "old-page.html"
    manifest = site / ".coprod-kg-site.json"
    assert manifest.is_file()
    written = json.loads(manifest.read_text())
    stale.write_text("<p>old</p>")
    written["files"].append("case-studies/old-page.html")
    manifest.write_text(json.dumps(written))
    assert run_cli("site", "-o", str(site)).code == 0
    assert not stale.exists()


# ------------------------------------------------------------------ I2: load's staging graph


def _graphs(base: str) -> list[str]:
    query = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(f"{base}/query?{query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        rows = json.load(answer)["results"]["bindings"]
    return sorted(row["g"]["value"] for row in rows)


def test_an_interrupted_load_leaves_no_staging_graph(oxigraph_server, hostile_server,
                                                     tiny_source):
    hostile, script = hostile_server
    script.trickle = 5.0  # the MOVE never finishes
    process = start_cli("--source", str(tiny_source), "load", "--endpoint",
                        f"{oxigraph_server}/query", "--update-endpoint", f"{hostile}/update")
    for _ in range(600):
        if script.seen:
            break
        process.poll()
        assert process.returncode is None, process.stderr.read()
        time.sleep(0.05)
    assert _graphs(oxigraph_server)  # the staging graph is there while the MOVE waits
    process.send_signal(2)
    _, err = process.communicate(timeout=CLI_TIMEOUT)
    assert process.returncode == 130, err
    assert _graphs(oxigraph_server) == []


def test_load_removes_stale_staging_graphs(oxigraph_server, tiny_source):
    stale = "urn:coprod-kg:staging:00000000-0000-4000-8000-000000000000"
    body = b"<https://example.org/x> <https://example.org/p> <https://example.org/y> .\n"
    request = urllib.request.Request(
        f"{oxigraph_server}/store?{urllib.parse.urlencode({'graph': stale})}", data=body,
        method="PUT", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=30).close()
    assert _graphs(oxigraph_server) == [stale]
    out = run_cli("--source", str(tiny_source), "load", "--endpoint", f"{oxigraph_server}/query")
    assert out.code == 0, out.stderr
    assert _graphs(oxigraph_server) == []
    assert "stale" in out.stderr


# ------------------------------------------------------------------ I3: concurrent imports


def test_concurrent_imports_serialise(core_template, data_copy, tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(new_case(core_template, "alpha-study", 7), encoding="utf-8")
    second.write_text(new_case(core_template, "beta-study", 7), encoding="utf-8")
    processes = [subprocess.Popen([str(CLI), "import", "--data-dir", str(data_copy), str(path)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for path in (first, second)]
    outcomes = [(p.wait(CLI_TIMEOUT), p.stderr.read()) for p in processes]
    assert sorted(code for code, _ in outcomes) == [0, 2], outcomes
    loser = next(err for code, err in outcomes if code == 2)
    assert "case_number: 7 is already" in loser
    assert len(list((data_copy / "case-studies").glob("07-*.ttl"))) == 1


# ------------------------------------------------------------------ I4: what Oxigraph reads

UNLOADABLE = [
    ("lone surrogate", 'label: "CORE study protocol"', 'label: "CORE \\ud800 protocol"'),
]


@pytest.mark.parametrize("name,old,new", UNLOADABLE, ids=[u[0] for u in UNLOADABLE])
def test_import_refuses_what_the_default_store_cannot_load(core_template, data_copy, tmp_path,
                                                           name, old, new):
    template = tmp_path / "case.yaml"
    template.write_text(new_case(core_template, "gamma-study", None, **{old: new}),
                        encoding="utf-8")
    before = sorted(p.name for p in (data_copy / "case-studies").iterdir())
    out = run_cli("import", "--data-dir", str(data_copy), str(template))
    assert out.code == 2, (out.code, out.stdout, out.stderr)
    assert out.one_line_error, out.stderr
    assert sorted(p.name for p in (data_copy / "case-studies").iterdir()) == before
    assert run_cli("--source", str(data_copy), "stats").code == 0


def test_a_huge_literal_is_refused(core_template, data_copy, tmp_path):
    template = tmp_path / "case.yaml"
    huge = "x" * (17 * 1024 * 1024)
    template.write_text(new_case(core_template, "delta-study", None,
                                 **{'label: "CORE study protocol"': f'label: "{huge}"'}),
                        encoding="utf-8")
    out = run_cli("import", "--data-dir", str(data_copy), str(template))
    assert out.code == 2 and out.one_line_error, out.stderr[-300:]


# ------------------------------------------------------------------ I5: decimals exactly

EXACT = "4.00000000000000000000000000000000001"


def test_decimals_are_kept_exactly(core_template, data_copy, tmp_path):
    template = tmp_path / "case.yaml"
    template.write_text(new_case(core_template, "epsilon-study", None,
                                 **{"value: 4.0": f"value: {EXACT}"}), encoding="utf-8")
    out = run_cli("import", "--data-dir", str(data_copy), str(template))
    assert out.code == 0, out.stderr
    written = (data_copy / "case-studies").glob("*epsilon-study*.ttl")
    assert EXACT in next(written).read_text(encoding="utf-8")


# ------------------------------------------------------------------ L3: values that cannot be

IMPOSSIBLE = [
    ("negative money", "unit: years", "unit: GBP", "value: 4.0", "value: -4.0"),
    ("30 February", "start_date:\n", "start_date: 2023-02-30\n", "", ""),
]


@pytest.mark.parametrize("name,a,b,c,d", IMPOSSIBLE, ids=[i[0] for i in IMPOSSIBLE])
def test_impossible_values_are_refused(core_template, data_copy, tmp_path, name, a, b, c, d):
    template = tmp_path / "case.yaml"
    replacements = {a: b}
    if c:
        replacements[c] = d
    template.write_text(new_case(core_template, "zeta-study", None, **replacements),
                        encoding="utf-8")
    out = run_cli("import", "--data-dir", str(data_copy), str(template))
    assert out.code == 2, (out.code, out.stderr)


# ------------------------------------------------------------------ L4: file modes


def test_export_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    target.chmod(0o600)
    out = run_cli("export", "--format", "turtle", "-o", str(target))
    assert out.code == 0, out.stderr
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert target.read_text() != "old"


def test_import_replace_keeps_the_mode_of_the_file_it_replaces(data_copy):
    existing = next((data_copy / "case-studies").glob("06-*.ttl"))
    existing.chmod(0o640)
    out_template = run_cli("--source", str(data_copy), "export-template", "core-study")
    template = data_copy.parent / "core.yaml"
    template.write_text(out_template.stdout, encoding="utf-8")
    out = run_cli("import", "--replace", "--data-dir", str(data_copy), str(template))
    assert out.code == 0, out.stderr
    assert oct(existing.stat().st_mode & 0o777) == oct(0o640)
    assert not list(data_copy.rglob("*.tmp"))
    assert os.access(existing, os.R_OK)
