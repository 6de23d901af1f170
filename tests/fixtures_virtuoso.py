"""A real Virtuoso server for tests: the session-scoped `virtuoso_server` fixture.

Use it in a test module (tests/interop/conftest.py imports it):

    def test_something(virtuoso_server):
        virtuoso_server.query_url   # http://127.0.0.1:PORT/sparql (queries and updates)
        virtuoso_server.gsp_url     # http://127.0.0.1:PORT/sparql-graph-crud (Graph Store)

What it starts: Debian's `virtuoso-t` (package `virtuoso-opensource`, installed by
`make system-deps`) in the foreground, with a throwaway database folder and a generated
virtuoso.ini whose HTTP and SQL listeners are bound to 127.0.0.1 on free ports. A new
database takes about 15 s to initialise, so one server serves the whole session.

Authentication, and why there is none: Virtuoso's authenticated endpoints
(`/sparql-auth`, `/sparql-graph-crud-auth`) use HTTP *digest* authentication, and
coprod-kg sends HTTP *basic* credentials only. On this loopback-only, throwaway instance
the anonymous SPARQL user ("SPARQL", web user "nobody") is therefore granted update
rights instead, through Virtuoso's SQL port (`isql-vt`):

    GRANT SPARQL_UPDATE TO "SPARQL";
    DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);

so `/sparql` accepts SPARQL Update and `/sparql-graph-crud` accepts Graph Store PUT and
DELETE without credentials. Never do this on a server reachable from another host.

Virtuoso's default graph is the union of all its graphs (its own system graphs too), and
MOVE ... TO DEFAULT has no meaning there: publish into a named graph with `coprod-kg load
--graph IRI`, then query with `?default-graph-uri=IRI` in the endpoint URL
(`default_graph_url(iri)`), which the SPARQL 1.1 Protocol defines.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0
GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL";'
    " DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
)

INI_TEMPLATE = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 5
CheckpointInterval = 0
NumberOfBuffers = 4000
MaxDirtyBuffers = 3000
DirsAllowed = .
ThreadsPerQuery = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer:
    """One `virtuoso-t +foreground` process on loopback, stopped by its PID."""

    def __init__(self, folder: Path) -> None:
        from coprod_kg.graph.server import free_port

        self.folder = Path(folder)
        self.http_port = free_port("127.0.0.1")
        self.sql_port = free_port("127.0.0.1")
        while self.sql_port == self.http_port:
            self.sql_port = free_port("127.0.0.1")
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def gsp_url(self) -> str:
        return f"{self.base_url}/sparql-graph-crud"

    def default_graph_url(self, graph: str) -> str:
        """The query URL whose default graph is `graph` only (SPARQL 1.1 Protocol)."""
        return f"{self.query_url}?{urllib.parse.urlencode({'default-graph-uri': graph})}"

    def start(self) -> VirtuosoServer:
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI_TEMPLATE.format(folder=self.folder, sql_port=self.sql_port,
                                           http_port=self.http_port), encoding="utf-8")
        log = (self.folder / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=self.folder,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_until_ready()
        self._grant_update_rights()
        return self

    def _wait_until_ready(self) -> None:
        from coprod_kg.errors import EndpointError
        from coprod_kg.graph.remote import TransientError, http_request

        probe = f"{self.query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({self.process.returncode}): "
                                   f"{self._log_tail()}")
            try:
                http_request(probe, timeout=2.0,
                             headers={"Accept": "application/sparql-results+json"})
                return
            except (TransientError, EndpointError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not answer within {READY_TIMEOUT_SECONDS:g} s: "
                           f"{self._log_tail()}")

    def _grant_update_rights(self) -> None:
        # the DBA's password of a new database is "dba"; the SQL port is loopback only
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={GRANTS}"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt could not grant update rights: "
                               f"{(done.stdout + done.stderr).strip()[-300:]}")

    def _log_tail(self) -> str:
        path = self.folder / "stdout.log"
        text = path.read_text("utf-8", "replace").strip() if path.exists() else ""
        return text.splitlines()[-1] if text else "no output"

    def stop(self) -> None:
        """SIGTERM by PID (Virtuoso checkpoints, then exits), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def virtuoso_missing() -> str | None:
    """Why a Virtuoso server cannot be started here, or None."""
    for program in ("virtuoso-t", "isql-vt"):
        if shutil.which(program) is None:
            return (f"{program} is not installed: `make system-deps` installs Debian's "
                    "virtuoso-opensource")
    return None


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    """A fresh, empty Virtuoso on 127.0.0.1 with anonymous update rights (one per session)."""
    reason = virtuoso_missing()
    if reason:
        pytest.skip(reason)
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
