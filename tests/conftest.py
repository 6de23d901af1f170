"""Shared fixtures. Area-specific fixtures live in tests/fixtures_*.py modules or here, added
with small edits: several developers extend this file."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

# Property tests draw the same examples on every run (CI must not fail by chance); set
# HYPOTHESIS_PROFILE=explore to draw new ones locally. No timing decides a result: no
# deadline, and no health check that fails a test because a loaded machine drew its
# examples slowly.
TIMING_CHECKS = [HealthCheck.too_slow]
settings.register_profile("repeatable", derandomize=True, deadline=None,
                          suppress_health_check=TIMING_CHECKS)
settings.register_profile("explore", deadline=None, suppress_health_check=TIMING_CHECKS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# A suite started in the background (`make test &`, nohup, some CI runners) inherits SIGINT as
# ignored, and so would every CLI process the tests start: the Ctrl-C tests would then hang.
# Tests play a user at a terminal, where Ctrl-C is delivered: restore it for the children.
signal.signal(signal.SIGINT, signal.default_int_handler)

# The persistent Oxigraph stores (issue 16) go to one temporary folder for the whole run
# (subprocesses inherit it): tests never write to ~/.cache, and a store built by one test is
# reused by the next only when the sources are byte for byte the same. A test about building
# (cold start, concurrent builders) uses a folder of its own (`store_dir` below).
_STORE_DIR = tempfile.mkdtemp(prefix="coprod-kg-test-stores-")
os.environ["COPROD_KG_STORE_DIR"] = _STORE_DIR
atexit.register(shutil.rmtree, _STORE_DIR, True)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
REVIEW_TEXT = SHARED / "seed" / "000_83afc179880e9271.txt"
REFERENCE_FILE = SHARED / "reference" / "sources-and-identifiers.md"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def review_text() -> str:
    return read_shared(REVIEW_TEXT)


@pytest.fixture(scope="session")
def reference_text() -> str:
    return read_shared(REFERENCE_FILE)


def read_shared(path: Path) -> str:
    """A source file of ../shared/, which CI lays beside the clone; its absence is a failure
    (the data cannot be checked against its sources), said in one line."""
    if not path.is_file():
        pytest.fail(f"{path} is missing: clone the project beside its shared/ folder", False)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bundled_graph():
    """The ontology plus the bundled data, loaded once (read-only: do not modify it)."""
    from coprod_kg.graph.load import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def rdflib_voice_answers(bundled_graph) -> dict:
    """query name -> rdflib's own engine's answer (a QueryResult) to each voice query on
    bundled_graph: the reference the Oxigraph answers are compared with. About 35 s, so run
    once per session (tests/graph/test_store_backends.py, tests/publishing/test_voices.py)."""
    from coprod_kg.graph.store import MemoryStore
    from coprod_kg.publishing.voices import VOICES
    from coprod_kg.queries.catalogue import bound_text, get_query

    store = MemoryStore(bundled_graph)
    return {voice.query_name: store.query(bound_text(get_query(voice.query_name), {}))
            for voice in VOICES}


@pytest.fixture()
def store_dir(tmp_path, monkeypatch) -> Path:
    """An empty store cache of this test's own (COPROD_KG_STORE_DIR points to it)."""
    folder = tmp_path / "store-cache"
    monkeypatch.setenv("COPROD_KG_STORE_DIR", str(folder))
    return folder


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


# A real Oxigraph server per test (issue 4); its docstring explains how to use it.
from fixtures_oxigraph import oxigraph_server  # noqa: E402, F401
