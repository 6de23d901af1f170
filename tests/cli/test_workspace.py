"""A workspace of one's own: `init`, found from the current folder upwards or --workspace;
`import` writes there (never into the bundled data); the workspace's queries are listed and
run; an installed wheel never writes into its own folder."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from authoring.test_authoring import VALID
from coprod_kg.cli import cli
from coprod_kg.graph import sources


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def workspace(runner, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "evidence"
    outcome = runner.invoke(cli, ["init", str(root)])
    assert outcome.exit_code == 0, outcome.output
    monkeypatch.chdir(root)
    return root


def test_init_makes_the_config_and_the_folders(workspace):
    assert sorted(p.name for p in workspace.iterdir()) == [
        "coprod-kg.toml", "data", "mappings", "queries"]
    assert "include-bundled = true" in (workspace / "coprod-kg.toml").read_text()


def test_init_refuses_an_existing_workspace(runner, workspace):
    outcome = runner.invoke(cli, ["init", str(workspace)])
    assert outcome.exit_code == 2
    config = workspace / "coprod-kg.toml"
    assert outcome.stderr == f"coprod-kg: error: {config}: already a workspace\n"


def test_import_writes_into_the_workspace_only(runner, workspace):
    bundled = tree_digest(sources.data_dir())
    (workspace / "case.yaml").write_text(VALID, encoding="utf-8")
    outcome = runner.invoke(cli, ["import", "case.yaml"])
    assert outcome.exit_code == 0, outcome.output
    written = workspace / "data" / "case-studies" / "test-case.ttl"
    assert outcome.stdout == f"wrote {written}\n"
    assert tree_digest(sources.data_dir()) == bundled
    # the workspace's graph is the bundled review plus the new case study
    stats = json.loads(runner.invoke(cli, ["stats", "--format", "json"]).stdout)
    assert stats["instancesPerClass"]["cpo:CaseStudy"] == 7


def test_the_workspace_is_found_from_a_subfolder_and_by_option(runner, workspace, tmp_path,
                                                               monkeypatch):
    (workspace / "case.yaml").write_text(VALID, encoding="utf-8")
    assert runner.invoke(cli, ["import", "case.yaml"]).exit_code == 0
    (workspace / "data" / "deeper").mkdir()
    monkeypatch.chdir(workspace / "data" / "deeper")
    label = ["query", "--file", str(workspace / "q.rq"), "--format", "csv"]
    (workspace / "q.rq").write_text("SELECT ?t WHERE { cs:test-case cpo:page ?t }\n",
                                    encoding="utf-8")
    assert runner.invoke(cli, label).stdout.splitlines()[1:] == ["5"]
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, label).stdout.splitlines()[1:] == []
    by_option = runner.invoke(cli, ["--workspace", str(workspace), *label])
    assert by_option.stdout.splitlines()[1:] == ["5"]
    after = runner.invoke(cli, [*label, "--workspace", str(workspace)])
    assert after.stdout == by_option.stdout


def test_workspace_queries_are_listed_and_run(runner, workspace):
    (workspace / "queries" / "my-count.rq").write_text(
        "#+ summary: How many case studies\n"
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cpo:CaseStudy }\n", encoding="utf-8")
    (workspace / "queries" / ".#my-count.rq").write_text("an editor's lock file\n")
    listing = json.loads(runner.invoke(cli, ["queries", "--format", "json"]).stdout)
    mine = [entry for entry in listing if entry["origin"] == "workspace"]
    assert [(e["name"], e["summary"]) for e in mine] == [("my-count", "How many case studies")]
    assert "my-count  (workspace)\n" in runner.invoke(cli, ["queries"]).stdout
    answer = runner.invoke(cli, ["query", "my-count", "--format", "csv"])
    assert answer.stdout.splitlines() == ["n", "6"]


def test_a_workspace_without_the_bundled_review(runner, tmp_path, monkeypatch):
    root = tmp_path / "alone"
    assert runner.invoke(cli, ["init", "--no-bundled", str(root)]).exit_code == 0
    assert "include-bundled = false" in (root / "coprod-kg.toml").read_text()
    monkeypatch.chdir(root)
    outcome = runner.invoke(cli, ["stats"])
    assert outcome.exit_code == 2
    assert outcome.stderr == f"coprod-kg: error: {root / 'data'}: no RDF files in this folder " \
        "(expected .json, .jsonld, .nt, .rdf, .ttl or *.sssom.tsv)\n"


def test_site_without_output_needs_a_workspace(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outcome = runner.invoke(cli, ["site"])
    assert outcome.exit_code == 2
    assert "run it in a workspace: `coprod-kg init`" in outcome.stderr


# --------------------------------------------------------------------------
# An installed wheel never writes into its own folder
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def installed(tmp_path_factory, repo_root) -> Path:
    """A venv with the project's wheel installed (built and installed offline, no deps: the
    test venv's packages are on its path by a plain .pth line)."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(folder / "dist"), str(repo_root)],
        capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel offline here: {built.stderr.strip()[-300:]}")
    (wheel,) = (folder / "dist").glob("coprod_kg-*.whl")
    venv = folder / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], env=clean_env(), capture_output=True, text=True,
                             check=True)
    Path(purelib.stdout.strip(), "zz-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   env=clean_env(), check=True, capture_output=True)
    return venv


def clean_env() -> dict[str, str]:
    """No PYTHONPATH or active venv: the installed venv finds only what is installed in it."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def run_installed(venv: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([venv / "bin" / "coprod-kg", *args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True)


def test_an_installed_wheel_never_writes_into_its_own_folder(installed, tmp_path):
    package = Path(subprocess.run(
        [installed / "bin" / "python", "-c", "import coprod_kg; print(coprod_kg.__file__)"],
        cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
        check=True).stdout.strip()).parent
    assert "site-packages" in package.parts and (package / "bundled" / "data").is_dir()
    before = tree_digest(package)
    (tmp_path / "case.yaml").write_text(VALID, encoding="utf-8")

    refused = run_installed(installed, ["import", "case.yaml"], tmp_path)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("coprod-kg: error: import: the data folder ")
    assert "run `coprod-kg init`" in refused.stderr
    explicit = run_installed(installed, ["import", "case.yaml", "--data-dir",
                                         str(package / "bundled" / "data")], tmp_path)
    assert explicit.returncode == 2 and "run `coprod-kg init`" in explicit.stderr

    assert run_installed(installed, ["init", "ws"], tmp_path).returncode == 0
    imported = run_installed(installed, ["import", "../case.yaml"], tmp_path / "ws")
    assert imported.returncode == 0, imported.stderr
    assert (tmp_path / "ws" / "data" / "case-studies" / "test-case.ttl").is_file()
    assert tree_digest(package) == before
