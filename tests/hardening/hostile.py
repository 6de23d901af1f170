"""Helpers and fixtures of the hostile-input suite (issue 12): loopback servers, a CLI runner.

- `canary`: an HTTP server on 127.0.0.1 that records every request it receives. A guard
  test points SERVICE, LOAD, a remote @context or a redirect at it; the fixture fails the
  test if anything arrived (`canary.allow()` for the tests that expect a request).
- `hostile_server`: an HTTP server whose answer a test scripts (status line, headers,
  body, trickle, endless stream, redirect), to play a misbehaving SPARQL endpoint.
- `cli`: runs the installed `coprod-kg` in a subprocess (a crash must not take pytest
  down with it) and returns (exit code, stdout, stderr).

Nothing here contacts anything beyond 127.0.0.1.
"""

from __future__ import annotations

import http.server
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CLI = Path(sys.executable).with_name("coprod-kg")
REPO_ROOT_DATA = Path(__file__).resolve().parents[2] / "data"
CLI_TIMEOUT = 30  # seconds: a safety net, never an assertion

TINY_TURTLE = """\
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "a" ; ex:n 1 .
ex:b rdfs:label "b" ; ex:n 2 .
"""


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@dataclass
class Canary:
    """Records the requests that reach it; fails the test that owns it if any did."""

    url: str
    requests: list[str] = field(default_factory=list)
    expected: bool = False

    def allow(self) -> None:
        self.expected = True


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[_Server, str]:
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture()
def canary() -> Iterator[Canary]:
    record: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            auth = self.headers.get("Authorization", "")
            record.append(f"{self.command} {self.path} auth={auth!r}")
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal",' \
                   b'"value":"CANARY"}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *args) -> None:
            pass

    server, url = _serve(Handler)
    bird = Canary(url, record)
    try:
        yield bird
    finally:
        server.shutdown()
        server.server_close()
    if not bird.expected and record:
        pytest.fail(f"the canary received {len(record)} request(s): {record[:3]}", False)


@dataclass
class Script:
    """What the hostile server does for each request (set by the test)."""

    status_line: bytes = b"HTTP/1.1 200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    trickle: float = 0.0  # seconds between single bytes (of headers and body)
    endless: bool = False  # stream body bytes for ever
    seen: list[dict] = field(default_factory=list)


@pytest.fixture()
def hostile_server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            payload = self.rfile.read(length) if length else b""
            script.seen.append({"method": self.command, "path": self.path,
                                "headers": dict(self.headers), "body": payload})
            head = script.status_line + b"\r\n" + b"".join(
                f"{k}: {v}\r\n".encode("latin-1") for k, v in script.headers)
            if not script.endless:
                head += f"Content-Length: {len(script.body)}\r\n".encode()
            head += b"Connection: close\r\n\r\n"
            try:
                if script.trickle:
                    for byte in head + script.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(script.trickle)
                    return
                self.wfile.write(head + script.body)
                while script.endless:
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *args) -> None:
            pass

    server, url = _serve(Handler)
    try:
        yield url, script
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def one_line_error(self) -> bool:
        """stderr is one line (no traceback)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return len(lines) == 1 and "Traceback" not in self.stderr


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            stdin: str | None = None, timeout: float = CLI_TIMEOUT) -> Outcome:
    environment = {**os.environ, **(env or {})}
    done = subprocess.run([str(CLI), *args], cwd=cwd, env=environment, input=stdin,
                          capture_output=True, text=True, timeout=timeout)
    return Outcome(done.returncode, done.stdout, done.stderr)


@pytest.fixture()
def cli() -> Callable[..., Outcome]:
    return run_cli


@pytest.fixture()
def tiny_source(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.ttl"
    path.write_text(TINY_TURTLE, encoding="utf-8")
    return path


def start_cli(*args: str, **kwargs) -> subprocess.Popen:
    """A CLI process left running (for signals); stdout and stderr are pipes."""
    return subprocess.Popen([str(CLI), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def interrupt(process: subprocess.Popen, after_line_on_stderr: str | None = None,
              delay: float = 0.0, sig: int = signal.SIGINT) -> Outcome:
    """Send `sig` (Ctrl-C by default) once the process printed the line, then collect it."""
    if after_line_on_stderr is not None:
        while True:
            line = process.stderr.readline()
            if not line or after_line_on_stderr in line:
                break
    if delay:
        time.sleep(delay)
    process.send_signal(sig)
    try:
        out, err = process.communicate(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"the process ignored signal {sig} for {CLI_TIMEOUT} s", False)
    return Outcome(process.returncode, out, err)


def invoke_cli(*args: str, **ignored) -> Outcome:
    """The CLI run in this process (click's CliRunner): for the cases that cannot crash the
    interpreter (queries run in a forked worker), about a second cheaper than a subprocess."""
    from click.testing import CliRunner

    from coprod_kg.cli import cli

    result = CliRunner().invoke(cli, list(args))
    return Outcome(result.exit_code, result.stdout, result.stderr)
