"""A real Oxigraph server for tests: the `oxigraph_server` fixture.

Use it in any test module (it is imported by tests/conftest.py):

    def test_something(oxigraph_server):
        base = oxigraph_server                 # e.g. "http://127.0.0.1:41234"
        query_url = f"{base}/query"            # SPARQL 1.1 query endpoint
        update_url = f"{base}/update"          # SPARQL 1.1 update endpoint
        store_url = f"{base}/store"            # Graph Store Protocol endpoint

Each test gets a fresh, empty, read-write server (`oxigraph serve --location <tmp>
--bind 127.0.0.1:<free port>` from the venv's `oxigraph` binary), started before the
test once it answers a query, and stopped by its PID afterwards. It listens on
loopback only. Load data into it with `coprod-kg load --endpoint {base}/query` or a
Graph Store PUT to `{base}/store?default`.

For one server shared by a whole module, write a module-scoped fixture around
`coprod_kg.server.OxigraphServer(location)` (a context manager that starts the
server, waits until it answers and stops it by PID), as tests/graph/test_store_backends.py
does; `OxigraphServer(location, read_only=True)` runs `oxigraph serve-read-only`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture()
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """The base URL (no trailing slash) of a fresh Oxigraph server on 127.0.0.1."""
    from coprod_kg.graph.server import OxigraphServer

    location = tmp_path_factory.mktemp("oxigraph-store")
    with OxigraphServer(location, host="127.0.0.1") as server:
        yield server.base_url
