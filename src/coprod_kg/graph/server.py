"""Run the Oxigraph server (the binary of the pip package `oxigraph`) over the graph.

`coprod-kg serve` loads the graph into a fresh on-disk store in a temporary folder
and starts `oxigraph serve-read-only` on it, on a private loopback port, behind the
guard proxy (graph.proxy) that listens where the user asked: a SPARQL 1.1 endpoint that
accepts no updates and no SERVICE, with a query timeout that a watchdog enforces. The
Oxigraph process dies with us (PR_SET_PDEATHSIG), and a small janitor process removes
the store folder even if we are killed with SIGKILL. The tests start the read-write
`oxigraph serve` through the same class (see tests/fixtures_oxigraph.py).
"""

from __future__ import annotations

import ctypes
import errno
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path

from coprod_kg.errors import CoprodError, EndpointError, InputError
from coprod_kg.graph.remote import TransientError, http_request

READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


def oxigraph_binary() -> Path:
    """The `oxigraph` executable: next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found is None:
        raise CoprodError(
            "the `oxigraph` server binary is missing: pip install 'oxigraph>=0.5,<0.6'"
        )
    return Path(found)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, 0))
        except OSError as error:
            raise EndpointError(f"{host}: cannot listen there: {error.strerror}") from None
        return probe.getsockname()[1]


class OxigraphServer:
    """One `oxigraph serve` / `serve-read-only` process, started and stopped by its PID."""

    def __init__(self, location: Path, *, host: str = "127.0.0.1", port: int = 0,
                 read_only: bool = False, query_timeout: float | None = None) -> None:
        self.location = Path(location)
        self.host = host
        self.port = port or free_port(host)
        self.read_only = read_only
        self.query_timeout = query_timeout
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    def command(self) -> list[str]:
        mode = "serve-read-only" if self.read_only else "serve"
        command = [str(oxigraph_binary()), mode, "--location", str(self.location),
                   "--bind", f"{self.host}:{self.port}"]
        if self.query_timeout:
            command += ["--timeout-s", str(max(1, round(self.query_timeout)))]
        return command

    def start(self, ready_timeout: float = READY_TIMEOUT_SECONDS) -> OxigraphServer:
        self._check_port_is_free()
        # its own session: a Ctrl-C in the terminal reaches us, and we stop it by PID
        self.process = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_die_with_parent,
        )
        self._wait_until_ready(ready_timeout)
        return self

    def _check_port_is_free(self) -> None:
        # otherwise the readiness probe could be answered by whoever holds the port
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((self.host, self.port))
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise EndpointError(
                        f"{self.base_url}: the port is in use by another program") from None
                raise EndpointError(f"{self.base_url}: cannot listen there: {error.strerror}") \
                    from None

    def _wait_until_ready(self, ready_timeout: float) -> None:
        probe = f"{self.query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read().decode("utf-8", "replace").strip()
                last = stderr.splitlines()[-1] if stderr else f"exit code {self.process.returncode}"
                raise EndpointError(f"{self.base_url}: the Oxigraph server did not start: {last}")
            try:
                http_request(probe, timeout=1.0,
                             headers={"Accept": "application/sparql-results+json"})
                return
            except (TransientError, EndpointError):
                time.sleep(0.05)
        self.stop()
        raise EndpointError(f"{self.base_url}: the Oxigraph server did not answer within "
                            f"{ready_timeout:g} s")

    def kill(self) -> None:
        """SIGKILL now (a query past its time: Oxigraph cannot cancel it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    def wait(self) -> int:
        """Block until the server process ends; its exit code."""
        return self.process.wait()

    def stop(self) -> None:
        """Terminate the process by its PID (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()

    def __enter__(self) -> OxigraphServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def build_store_directory(source_paths: Iterable[Path] | None, location: Path) -> int:
    """Load the graph (the ontology and the bundled data, or `source_paths`, with the
    mapping-set links) into a new on-disk Oxigraph store at `location`; its triple count.

    The store is closed before returning, so that a server can then open the folder
    (Oxigraph locks a store folder while a process has it open).
    """
    import gc

    from coprod_kg.graph.store import load_oxigraph

    store = load_oxigraph(source_paths, location=location)
    count = len(store)
    store.pyoxigraph_store.flush()
    del store
    gc.collect()
    return count


def serve(source_paths: Iterable[Path] | None, *, host: str, port: int, query_timeout: float,
          on_ready: Callable[[str, int], None], log: Callable[[str], None]) -> None:
    """Serve the graph read-only until Ctrl-C (or SIGTERM, SIGHUP); the store folder is
    removed after, and KeyboardInterrupt re-raised (exit 130)."""
    from coprod_kg.graph.proxy import GuardProxy

    folder = Path(tempfile.mkdtemp(prefix="coprod-kg-serve-"))
    janitor = _start_janitor(folder)
    try:
        location = folder / "store"
        engine = OxigraphServer(location, host="127.0.0.1", read_only=True,
                                query_timeout=query_timeout)
        restart, ready = threading.Event(), threading.Event()

        def overtime() -> None:
            ready.clear()  # queries wait for the restarted engine
            restart.set()
            engine.kill()

        def upstream() -> tuple[str, int]:
            ready.wait(READY_TIMEOUT_SECONDS)
            return "127.0.0.1", engine.port

        try:  # listen before the load, which takes seconds on a big graph
            proxy = GuardProxy(host, port, upstream, query_timeout=query_timeout,
                               on_overtime=overtime)
        except OSError as error:
            where = f"http://{_url_host(host)}:{port}"
            if error.errno == errno.EADDRINUSE:
                raise EndpointError(f"{where}: the port is in use by another program") from None
            raise EndpointError(f"{where}: cannot listen there: {error.strerror}") from None
        log(f"loading the graph into {location} ...")
        count = build_store_directory(source_paths, location)
        _run(engine, proxy, (restart, ready), host, count, on_ready, log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _stop_janitor(janitor)


def _run(engine: OxigraphServer, proxy, events: tuple[threading.Event, threading.Event],
         host: str, count: int, on_ready: Callable[[str, int], None],
         log: Callable[[str], None]) -> None:
    restart, ready = events
    handled = (signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _raise_keyboard_interrupt) for sig in handled}
    try:
        engine.start()
        ready.set()
        proxy.start()
        on_ready(f"http://{_url_host(host)}:{proxy.port}/query", count)
        while True:
            code = engine.wait()
            if not restart.is_set():
                raise EndpointError(f"{engine.base_url}: the Oxigraph server stopped "
                                    f"(exit code {code})")
            restart.clear()  # the watchdog killed an over-time query: serve on
            engine.port = free_port(engine.host)  # the old one may linger in TIME_WAIT
            engine.start()
            ready.set()
    except KeyboardInterrupt:
        log("stopping the server ...")
        raise
    finally:
        proxy.stop()
        engine.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log("stopped")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


_JANITOR = (
    "import shutil, sys, time\n"
    "sys.stdin.buffer.read()\n"  # returns when the serving process is gone, however it went
    "time.sleep(0.5)\n"
    "shutil.rmtree(sys.argv[1], ignore_errors=True)\n"
)


def _start_janitor(folder: Path) -> subprocess.Popen | None:
    """A process that removes `folder` once our end of its stdin closes (even on SIGKILL)."""
    try:
        return subprocess.Popen([sys.executable, "-c", _JANITOR, str(folder)],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return None


def _stop_janitor(janitor: subprocess.Popen | None) -> None:
    if janitor is not None and janitor.stdin is not None:
        janitor.stdin.close()


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the parent dies (Linux; elsewhere a no-op)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def check_host(host: str) -> None:
    if not host or any(c.isspace() for c in host):
        raise InputError(f"--host {host!r}: expected a host name or IP address")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
