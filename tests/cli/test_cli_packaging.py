"""Packaging: the build ships ontology/, data/, shapes/ and queries/ inside the package, and the
installed CLI works from any folder.

This runs setup.py's build_py (the step that copies the bundled folders; bdist_wheel packs its
output) with the installed setuptools, offline, then runs the CLI from the build output in
another folder. The full `pip install .` into a fresh venv was checked by hand (README).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def build_lib(tmp_path_factory, repo_root):
    target = tmp_path_factory.mktemp("build-lib")
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(target)],
        cwd=repo_root,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"setup.py build_py cannot run here: {done.stderr.strip().splitlines()[-1:]}")
    return target


def test_build_ships_the_bundled_folders(build_lib, repo_root):
    bundled = build_lib / "coprod_kg" / "bundled"
    for folder, pattern in (
        ("ontology", "*.ttl"),
        ("data", "**/*.ttl"),
        ("shapes", "*.ttl"),
        ("queries", "*.rq"),
    ):
        shipped = sorted(p.relative_to(bundled) for p in (bundled / folder).glob(pattern))
        source = sorted(p.relative_to(repo_root) for p in (repo_root / folder).glob(pattern))
        assert shipped == source and shipped, folder
    assert (bundled / "ontology" / "context.jsonld").is_file()


def test_the_built_package_validates_and_queries_from_another_folder(build_lib, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(build_lib)}
    where = subprocess.run(
        [sys.executable, "-c", "import coprod_kg.graph.sources as s; print(s.bundled_root())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(build_lib / "coprod_kg" / "bundled")
    validate = subprocess.run(
        [sys.executable, "-m", "coprod_kg", "validate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert validate.returncode == 0, validate.stderr
    assert "Result: conforms" in validate.stdout
    query = subprocess.run(
        [sys.executable, "-m", "coprod_kg", "query", "principles", "--format", "csv"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(query.stdout.splitlines()) == 7
