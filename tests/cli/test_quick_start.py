"""The README's quick start, followed in a fresh `git clone`: `make run`, then the command it
prints (the same lines as the README's), and `coprod-kg queries` answers.

Offline and fast: the clone's `.venv` is made beforehand from this interpreter, with this
venv's site-packages on its path (a plain path line, so this checkout's own editable install
is not picked up), and `make run` gets `PIP_FLAGS=--no-deps --no-build-isolation --no-index`:
the Makefile's own install step then installs the clone, without downloading anything. The
clone holds the committed state of the repository (commit before running this test).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

PIP_FLAGS = "PIP_FLAGS=--no-deps --no-build-isolation --no-index"


def quick_start_lines(readme: str) -> list[str]:
    """The commands of the first shell block under "## Quick start", comments removed."""
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def clean_environment() -> dict[str, str]:
    """The environment of a new shell: no venv active, no coprod-kg on PATH, not inside make
    (under `make test` a nested make would print "make[1]: Leaving directory" last)."""
    path = [
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder and not (Path(folder) / "coprod-kg").exists()
    ]
    inherited = ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    env["PATH"] = os.pathsep.join(path)
    return env


@pytest.fixture(scope="module")
def clone(tmp_path_factory, repo_root) -> Path:
    for tool in ("git", "make", "bash"):
        if shutil.which(tool) is None:
            pytest.skip(f"`{tool}` is not installed: the quick start needs it")
    if not (repo_root / ".git").exists():
        pytest.skip(f"{repo_root} is not a git checkout: nothing to clone")
    target = tmp_path_factory.mktemp("fresh") / "coprod-kg"
    subprocess.run(["git", "clone", "-q", str(repo_root), str(target)], check=True)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(target / ".venv")], check=True)
    purelib = subprocess.run(
        [str(target / ".venv" / "bin" / "python"), "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    Path(purelib, "zz-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return target


@pytest.fixture(scope="module")
def make_run(clone) -> subprocess.CompletedProcess:
    env = clean_environment()
    assert shutil.which("coprod-kg", path=env["PATH"]) is None
    return subprocess.run(["make", "run", PIP_FLAGS], cwd=clone, env=env,
                          capture_output=True, text=True)


def test_make_run_then_the_printed_command_lists_the_queries(clone, make_run):
    readme_lines = quick_start_lines((clone / "README.md").read_text(encoding="utf-8"))
    assert readme_lines[0] == "make run"
    env = clean_environment()
    assert make_run.returncode == 0, make_run.stderr[-2000:]
    printed = make_run.stdout.rstrip().splitlines()[-1].strip()
    assert printed == " && ".join(readme_lines[1:])

    shell = subprocess.run(["bash", "-c", printed], cwd=clone, env=env,
                           capture_output=True, text=True)
    assert shell.returncode == 0, shell.stderr
    assert "\noutcomes-by-reduction\n" in shell.stdout


def test_the_venv_command_works_without_activating(clone, make_run):
    """The README's alternative, `.venv/bin/coprod-kg queries`, from the same clone."""
    assert make_run.returncode == 0, make_run.stderr[-2000:]
    done = subprocess.run([str(clone / ".venv" / "bin" / "coprod-kg"), "queries"], cwd=clone,
                          env=clean_environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "\noutcomes-by-reduction\n" in done.stdout
    imported = subprocess.run(
        [str(clone / ".venv" / "bin" / "python"), "-c",
         "import coprod_kg; print(coprod_kg.__file__)"],
        env=clean_environment(), capture_output=True, text=True, check=True,
    )
    assert imported.stdout.strip() == str(clone / "src" / "coprod_kg" / "__init__.py")
