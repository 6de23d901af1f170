"""One HTTP request with a total deadline, a size cap and same-origin redirects only.

urllib's `timeout` bounds each socket operation, so a server that trickles a byte a second
holds a request for ever; here a timer shuts the socket down when the whole exchange
(connect, send, headers, body, redirects) has taken `timeout` seconds. Answers larger than
`max_bytes` (default MAX_RESPONSE_BYTES, or the environment variable
COPROD_KG_MAX_RESPONSE_BYTES) are cut off with an error. A redirect is followed only
within the same origin (scheme, host, port): credentials and queries never travel to
another host.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass

MAX_RESPONSE_BYTES = 256 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


class HttpFailure(Exception):
    """The request did not complete; `transient` says whether a retry may help. The message
    is `URL: reason`; `reason` alone is kept for callers that name the URL their own way."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.reason = message.split(": ", 1)[1] if ": " in message else message


@dataclass
class Response:
    status: int
    reason: str
    body: bytes
    content_type: str
    url: str


def max_response_bytes() -> int:
    raw = os.environ.get("COPROD_KG_MAX_RESPONSE_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else MAX_RESPONSE_BYTES


def origin(url: str) -> tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def request(url: str, *, method: str = "GET", data: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float,
            max_bytes: int | None = None) -> Response:
    """The final answer to `method url` (any status); HttpFailure when there is none."""
    deadline = time.monotonic() + timeout
    limit = max_bytes or max_response_bytes()
    for _ in range(MAX_REDIRECTS + 1):
        answer = _once(url, method, data, headers or {}, deadline, timeout, limit)
        if answer.status not in REDIRECTS:
            return answer
        target = answer.content_type  # _once puts the Location there for redirects
        if not target:
            return answer
        following = urllib.parse.urljoin(url, target)
        if origin(following) != origin(url):
            raise HttpFailure(f"{url}: HTTP {answer.status} redirects to another origin "
                              f"({origin_text(following)}): refused")
        if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
            method, data = "GET", None
        url = following
    raise HttpFailure(f"{url}: more than {MAX_REDIRECTS} redirects")


def origin_text(url: str) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


def _once(url: str, method: str, data: bytes | None, headers: dict[str, str],
          deadline: float, timeout: float, limit: int) -> Response:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpFailure(f"{url}: not an http(s) URL")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _deadline_passed(url, timeout)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=remaining)
    expired = threading.Event()

    def cut_off() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(remaining, cut_off)
    timer.daemon = True
    timer.start()
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        if response.status in REDIRECTS:
            location = response.getheader("Location", "")
            return Response(response.status, response.reason, b"", location, url)
        body = _read_capped(response, url, limit)
        return Response(response.status, response.reason, body,
                        response.getheader("Content-Type", ""), url)
    except HttpFailure:
        raise
    except Exception as error:  # socket, ssl and http.client raise many types
        # the socket's own timeout is the time left, so it marks the same deadline as the
        # timer (under load it may fire first): one message for both
        if expired.is_set() or isinstance(error, (TimeoutError, socket.timeout)):
            raise _deadline_passed(url, timeout) from None
        raise _network_failure(url, error) from None
    finally:
        timer.cancel()
        connection.close()


def _read_capped(response, url: str, limit: int) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HttpFailure(f"{url}: the answer is {int(declared):,} bytes, over the limit of "
                          f"{limit:,} bytes (COPROD_KG_MAX_RESPONSE_BYTES)")
    chunks, size = [], 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            if declared and declared.isdigit() and size < int(declared):
                raise HttpFailure(f"{url}: broken HTTP answer (IncompleteRead: {size} of "
                                  f"{int(declared)} bytes)")
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise HttpFailure(f"{url}: the answer is over the limit of {limit:,} bytes "
                              "(COPROD_KG_MAX_RESPONSE_BYTES)")
        chunks.append(chunk)


def _deadline_passed(url: str, timeout: float) -> HttpFailure:
    return HttpFailure(f"{url}: no complete answer within {timeout:g} s (--timeout)",
                       transient=False)


def _network_failure(url: str, error: BaseException) -> HttpFailure:
    if isinstance(error, ConnectionRefusedError):
        return HttpFailure(f"{url}: connection refused (is the server running?)", transient=True)
    if isinstance(error, socket.gaierror):
        return HttpFailure(f"{url}: cannot resolve the host: {error.strerror}", transient=True)
    if isinstance(error, http.client.HTTPException):
        return HttpFailure(f"{url}: broken HTTP answer ({type(error).__name__})")
    if isinstance(error, (ConnectionError, OSError)):
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return HttpFailure(f"{url}: connection failed: {reason}", transient=True)
    return HttpFailure(f"{url}: request failed: {type(error).__name__}: {error}")
