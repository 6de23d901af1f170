"""The guard in front of `serve`: a small HTTP proxy between the network and Oxigraph.

`oxigraph serve-read-only` runs any SERVICE it is sent (a request to any URL, whose answer
it returns: server-side request forgery) and has no option to refuse it; its own timeout
misses aggregates, and deep queries crash it. So Oxigraph listens on a private loopback
port, and this proxy, on the address the user chose, forwards only what the guard lets
through:

- queries (GET `?query=`, POST form or `application/sparql-query`) to /query or /sparql,
  after graph.guard: limits, no update, no SERVICE/LOAD -> else 400 with one line;
- other content types (a web page's no-cors `text/plain` form) -> 415; bodies over
  MAX_BODY_BYTES -> 413; anything but GET/POST -> 405;
- a query still running `grace` seconds after --query-timeout: Oxigraph is restarted
  (`on_overtime`), which kills the query, and the client gets 504 (not retried).
"""

from __future__ import annotations

import http.client
import http.server
import socketserver
import threading
import urllib.parse
from collections.abc import Callable

from coprod_kg.errors import InputError
from coprod_kg.graph.guard import check_read_only_query

MAX_BODY_BYTES = 2_000_000
QUERY_PATHS = ("/query", "/sparql")
_FORWARDED_HEADERS = ("Accept", "Content-Type", "Accept-Encoding")


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


class GuardProxy:
    """Listen on (host, port); forward guarded queries to `upstream` (host, port)."""

    def __init__(self, host: str, port: int, upstream: Callable[[], tuple[str, int]], *,
                 query_timeout: float, on_overtime: Callable[[], None],
                 grace: float = 2.0) -> None:
        self.upstream = upstream
        self.query_timeout = query_timeout
        self.grace = grace
        self.on_overtime = on_overtime
        family = http.server.HTTPServer.address_family
        if ":" in host:
            import socket

            family = socket.AF_INET6
        server_class = type("GuardServer", (_Server,), {"address_family": family})
        self.server = server_class((host, port), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> GuardProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(proxy: GuardProxy):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "coprod-kg"

        def log_message(self, *args) -> None:  # the terminal is for the user, not for logs
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path, _, query_string = self.path.partition("?")
            if path in QUERY_PATHS and query_string:
                text = urllib.parse.parse_qs(query_string).get("query", [None])[0]
                if text is not None and not self._allowed(text):
                    return
            self._forward("GET", None)

        def do_POST(self) -> None:  # noqa: N802
            path = self.path.partition("?")[0]
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._refuse(413, f"the request body is over {MAX_BODY_BYTES:,} bytes")
                return
            body = self.rfile.read(length) if length else b""
            if path not in QUERY_PATHS:
                self._refuse(403, "read-only endpoint: only queries are accepted")
                return
            mime = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if mime == "application/x-www-form-urlencoded":
                fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
                if "update" in fields:
                    self._refuse(403, "SPARQL Update refused: read-only endpoint")
                    return
                text = fields.get("query", [""])[0]
            elif mime == "application/sparql-query":
                text = body.decode("utf-8", "replace")
            else:
                self._refuse(415, "send the query as application/sparql-query or as a "
                                  "form field `query` (application/x-www-form-urlencoded)")
                return
            if self._allowed(text):
                self._forward("POST", body)

        def _other(self) -> None:
            self._refuse(405, "read-only endpoint: GET or POST a query")

        do_PUT = do_DELETE = do_PATCH = _other

        def _allowed(self, text: str) -> bool:
            try:
                check_read_only_query(text, allow_federation=False, engine="oxigraph")
            except InputError as error:
                self._refuse(400, str(error))
                return False
            return True

        def _refuse(self, status: int, message: str) -> None:
            payload = (message + "\n").encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
            self.close_connection = True

        def _forward(self, method: str, body: bytes | None) -> None:
            host, port = proxy.upstream()
            # the watchdog fires first; the socket timeout is only a backstop
            connection = http.client.HTTPConnection(
                host, port, timeout=proxy.query_timeout + 2 * proxy.grace + 5)
            headers = {name: self.headers[name] for name in _FORWARDED_HEADERS
                       if self.headers.get(name)}
            fired = threading.Event()

            def overtime() -> None:
                fired.set()
                proxy.on_overtime()

            timer = threading.Timer(proxy.query_timeout + proxy.grace, overtime)
            timer.daemon = True
            timer.start()
            try:
                connection.request(method, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
            except (OSError, http.client.HTTPException) as error:
                if isinstance(error, TimeoutError) and not fired.is_set():
                    overtime()
                if fired.is_set():  # the watchdog restarted the engine: the query is dead
                    self._refuse(504, f"the query ran over --query-timeout "
                                      f"{proxy.query_timeout:g} s and was stopped")
                else:
                    self._refuse(502, "the SPARQL engine did not answer")
                return
            finally:
                timer.cancel()
                connection.close()
            self.send_response(answer.status)
            for name in ("Content-Type", "Content-Disposition"):
                if answer.getheader(name):
                    self.send_header(name, answer.getheader(name))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler
