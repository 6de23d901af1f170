"""Debian's headless Chromium driven by Playwright, for the site's browser tests.

A test module imports what it needs (importing this module skips the whole module when
Chromium or Playwright is missing, with the reason):

    from fixtures_browser import Watched, browser_fixture, new_context, server_fixture

    browser = browser_fixture()  # one Chromium for the module
    server = server_fixture()  # the module's `web_root` fixture on 127.0.0.1

Nothing beyond 127.0.0.1 is contacted: the browser runs with background networking off and
every request to another host is aborted (`new_context`).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(
        "Debian chromium is not installed at /usr/bin/chromium (make test installs it through "
        "make system-deps); the browser tests need it",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra) missing")


def build_site(folder: Path, *options: str) -> Path:
    """`coprod-kg [OPTIONS] site -o FOLDER`, which must succeed; the folder."""
    from click.testing import CliRunner

    from coprod_kg.cli import cli

    result = CliRunner().invoke(cli, [*options, "site", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 for `folder`; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def browser_fixture():
    """A module-scoped fixture: Debian's Chromium, launched once per test module (Playwright
    gives it a fresh temporary profile). In a test module: `browser = browser_fixture()`."""

    @pytest.fixture(scope="module")
    def browser():
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=BROWSER_ARGS)
            yield chromium
            chromium.close()

    return browser


def server_fixture():
    """A module-scoped fixture serving the test module's `web_root` fixture (a folder) on
    127.0.0.1; its value is the base URL. In a test module: `server = server_fixture()`."""

    @pytest.fixture(scope="module")
    def server(web_root):
        with serve(web_root) as base:
            yield base

    return server


def new_context(browser, viewport: dict | None = None, **options):
    """A fresh browser context (its own cookies and storage) that reaches only 127.0.0.1."""
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000},
                                  **options)
    context.route(
        lambda url: urlparse(url).hostname not in ("127.0.0.1", None),
        lambda route: route.abort(),
    )
    return context


class Watched:
    """A page with its console errors, uncaught exceptions and failed requests recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}")
                if urlparse(r.url).hostname in ("127.0.0.1", None) else None)
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 else None)
