"""grlc (pip `grlc`), run locally and offline over the project's queries/ folder.

grlc reads `config.ini` from its working directory when it is imported. The harness
writes one into a throwaway folder:

    [defaults]
    sparql_endpoint = <the endpoint under test>   # used by every query without #+ endpoint
    user = none
    password = none                               # ("none", "none"): no HTTP auth
    [local]
    local_sparql_dir = <the project's queries/>   # served under /api-local/

and starts grlc's Flask app (`grlc.server.app`) in its own process on a free
127.0.0.1 port. A stored query NAME is then served at `/api-local/NAME` with its
parameters as URL arguments (`?minPercent=25`), and `/api-local/swagger` lists them.
Nothing here reaches beyond loopback: the queries come from the local folder and the
endpoint is a local server. grlc sends a GitHub-flavoured User-Agent but contacts no
host other than the endpoint for local APIs.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

READY_TIMEOUT_SECONDS = 120.0

CONFIG = """\
[defaults]
sparql_endpoint = {endpoint}
user = none
password = none
debug = False

[local]
local_sparql_dir = {queries}
"""

# grlc's app, served by werkzeug on loopback; no reloader, no debugger
RUNNER = (
    "import sys\n"
    "from werkzeug.serving import run_simple\n"
    "from grlc.server import app\n"
    "run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)\n"
)


class GrlcServer:
    """One grlc process serving `queries` against `endpoint`, stopped by its PID."""

    def __init__(self, folder: Path, queries: Path, endpoint: str) -> None:
        from coprod_kg.graph.server import free_port

        self.folder = Path(folder)
        self.queries = Path(queries).resolve()
        self.endpoint = endpoint
        self.port = free_port("127.0.0.1")
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, name: str, arguments: dict[str, str] | None = None) -> str:
        query = f"?{urllib.parse.urlencode(arguments)}" if arguments else ""
        return f"{self.base_url}/api-local/{name}{query}"

    def start(self) -> GrlcServer:
        (self.folder / "config.ini").write_text(
            CONFIG.format(endpoint=self.endpoint, queries=self.queries), encoding="utf-8")
        log = (self.folder / "grlc.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(self.port)], cwd=self.folder,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        from coprod_kg.errors import EndpointError
        from coprod_kg.graph.remote import TransientError, http_request

        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"grlc exited ({self.process.returncode}): {self.log_tail()}")
            try:
                # the landing page: /api-local/swagger parses every query (seconds)
                http_request(f"{self.base_url}/", timeout=5.0)
                return
            except (TransientError, EndpointError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"grlc did not answer within {READY_TIMEOUT_SECONDS:g} s")

    def get(self, name: str, arguments: dict[str, str] | None = None,
            accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
        """Status and body of one API call (errors are returned, not raised)."""
        import urllib.error
        import urllib.request

        request = urllib.request.Request(self.url(name, arguments), headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def log_tail(self, lines: int = 5) -> str:
        path = self.folder / "grlc.log"
        text = path.read_text("utf-8", "replace").strip() if path.exists() else ""
        return " | ".join(text.splitlines()[-lines:]) if text else "no output"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> GrlcServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
