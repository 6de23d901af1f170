"""Issue 12, security (S1-S6): no request leaves without permission.

Every guard test owns a `canary` server on loopback; the fixture fails the test if any
request reaches it while SERVICE, LOAD, FROM, a remote @context or a redirect is tried.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hostile import CLI, CLI_TIMEOUT, REPO_ROOT_DATA, invoke_cli, run_cli

# ------------------------------------------------------------------ S1: the query guard

# {C}: the canary's URL. Each must be refused (exit 2, one line) before the engine runs.
FEDERATED_QUERIES = [
    ("S1 string escape hides SERVICE",
     'SELECT * WHERE { BIND("\\u0022" AS ?x) SERVICE <{C}/x> { ?s ?p ?o } '
     'BIND("\\u0022" AS ?y) }'),
    ("S1 long-string escape hides SERVICE",
     "SELECT * WHERE { BIND('''\\u0027''' AS ?x) SERVICE <{C}/x> { ?s ?p ?o } "
     "BIND('''\\u0027''' AS ?y) }"),
    ("plain SERVICE", "SELECT * WHERE { SERVICE <{C}/x> { ?s ?p ?o } }"),
    ("SERVICE SILENT", "SELECT * WHERE { SERVICE SILENT <{C}/x> { ?s ?p ?o } }"),
    ("lower-case service", "select * where { service <{C}/x> { ?s ?p ?o } }"),
    ("comment between keyword and IRI", "SELECT * WHERE { SERVICE#c\n<{C}/x> { ?s ?p ?o } }"),
    ("SERVICE behind a prefixed name",
     "PREFIX c: <{C}/> SELECT * WHERE { SERVICE c:x { ?s ?p ?o } }"),
    ("SERVICE in a subquery",
     "SELECT * WHERE { { SELECT * WHERE { SERVICE <{C}/x> { ?s ?p ?o } } } }"),
    ("SERVICE in an EXISTS filter",
     "ASK { ?s ?p ?o FILTER EXISTS { SERVICE <{C}/x> { ?a ?b ?c } } }"),
    ("SERVICE in CONSTRUCT", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{C}/x> { ?s ?p ?o } }"),
]
STORES = ["oxigraph", "memory"]


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("name,template", FEDERATED_QUERIES, ids=[q[0] for q in FEDERATED_QUERIES])
def test_federation_is_refused_before_the_engine_runs(name, template, store, canary, tmp_path,
                                                      tiny_source):
    query = tmp_path / "q.rq"
    query.write_text(template.replace("{C}", canary.url), encoding="utf-8")
    out = invoke_cli("--store", store, "--source", str(tiny_source), "query", "--file", str(query))
    assert out.code == 2, (out.code, out.stdout, out.stderr)
    assert out.one_line_error, out.stderr
    assert "SERVICE" in out.stderr and "refused" in out.stderr
    assert "CANARY" not in out.stdout


def test_rdflib_codepoint_escape_of_the_keyword_is_refused_on_memory(canary, tmp_path,
                                                                    tiny_source):
    # rdflib expands \uXXXX over the whole text: \u0053ERVICE is SERVICE there
    query = tmp_path / "q.rq"
    query.write_text(f"SELECT * WHERE {{ \\u0053ERVICE <{canary.url}/x> {{ ?s ?p ?o }} }}",
                     encoding="utf-8")
    out = invoke_cli("--store", "memory", "--source", str(tiny_source), "query", "--file",
                     str(query))
    assert out.code == 2 and out.one_line_error, out.stderr


def test_from_is_refused_on_the_memory_store(canary, tmp_path, tiny_source):
    query = tmp_path / "q.rq"
    query.write_text(f"SELECT * FROM <{canary.url}/g.ttl> WHERE {{ ?s ?p ?o }}", encoding="utf-8")
    out = invoke_cli("--store", "memory", "--source", str(tiny_source), "query", "--file",
                     str(query))
    assert out.code == 2 and out.one_line_error and "FROM" in out.stderr, out.stderr


def test_a_string_that_only_mentions_service_still_runs(tmp_path, tiny_source):
    query = tmp_path / "q.rq"
    query.write_text('SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/x> {}" AS ?x) }',
                     encoding="utf-8")
    for store in STORES:
        out = invoke_cli("--store", store, "--source", str(tiny_source), "query", "--file",
                      str(query), "--format", "csv")
        assert out.code == 0, out.stderr
        assert out.stdout.splitlines() == ["x", "SERVICE <http://127.0.0.1:9/x> {}"]


# ------------------------------------------------------------------ S2: serve


class Served:
    """A running `coprod-kg serve` on a free loopback port (stopped by its PID)."""

    def __init__(self, *args: str, serve_args: tuple[str, ...] = ()) -> None:
        self.process = subprocess.Popen([str(CLI), *args, "serve", "--port", "0", *serve_args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url:
            self.process.kill()
            raise AssertionError(f"serve did not start: {self.process.stderr.read()}")

    def ask(self, query: str, *, method: str = "POST", timeout: float = 30) -> tuple[int, str]:
        data = urllib.parse.urlencode({"query": query})
        if method == "GET":
            request = urllib.request.Request(f"{self.url}?{data}")
        else:
            request = urllib.request.Request(self.url, data=data.encode(), method="POST",
                                             headers={"Content-Type":
                                                      "application/x-www-form-urlencoded"})
        request.add_header("Accept", "application/sparql-results+json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=CLI_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


@pytest.fixture()
def served(tiny_source):
    server = Served("--source", str(tiny_source))
    yield server
    server.stop()


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_serve_refuses_service(served, canary, method):
    status, body = served.ask(f"SELECT * WHERE {{ SERVICE <{canary.url}/x> {{ ?s ?p ?o }} }}",
                              method=method)
    assert status == 400, (status, body)
    assert "SERVICE" in body
    status, body = served.ask("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", method=method)
    assert status == 200 and '"n"' in body


def test_serve_refuses_the_s1_escape_too(served, canary):
    status, _ = served.ask(f'SELECT * WHERE {{ BIND("\\u0022" AS ?x) SERVICE <{canary.url}/x> '
                           '{ ?s ?p ?o } BIND("\\u0022" AS ?y) }')
    assert status == 400


def test_serve_refuses_a_no_cors_form_post(served, canary):
    # what a web page's <form method=post enctype=text/plain> sends
    body = f"query=SELECT * WHERE {{ SERVICE <{canary.url}/x> {{ ?s ?p ?o }} }}".encode()
    request = urllib.request.Request(served.url, data=body, method="POST",
                                     headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status in (400, 415)


# ------------------------------------------------------------------ S3: redirects


@pytest.mark.parametrize("status", [b"301 Moved", b"302 Found", b"307 Temporary Redirect",
                                    b"308 Permanent Redirect"])
def test_credentials_never_follow_a_redirect_to_another_origin(hostile_server, canary, status,
                                                               tmp_path, tiny_source):
    url, script = hostile_server
    script.status_line = b"HTTP/1.1 " + status
    script.headers = [("Location", f"{canary.url}/sparql")]
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "query", "--file", str(query),
                  env={"COPROD_KG_ENDPOINT_USER": "alice", "COPROD_KG_ENDPOINT_PASSWORD": "s3cret"})
    assert out.code == 2 and out.one_line_error, out.stderr
    assert "redirect" in out.stderr
    assert "CANARY" not in out.stdout
    assert script.seen and script.seen[0]["headers"].get("Authorization")  # sent to the origin


# ------------------------------------------------------------------ S4: link schemes

DANGEROUS = "javascript:alert(1)"


def test_site_renders_only_http_and_mailto_links_live(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT_DATA, data)
    for path in data.rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(foaf:page|dcterms:license|schema:url|rdfs:seeAlso)\s+<[^>]*>",
                      rf"\1 <{DANGEROUS}>", text)
        path.write_text(text, encoding="utf-8")
    out = run_cli("--source", str(data), "site", "-o", str(tmp_path / "site"))
    assert out.code == 0, out.stderr
    pages = list((tmp_path / "site").rglob("*.html"))
    live = [(p.name, m) for p in pages
            for m in re.findall(r"""(?:href|src|action)\s*=\s*["']?\s*([^"'\s>]+)""",
                                p.read_text(encoding="utf-8"))
            if re.match(r"(?i)\s*[a-z][a-z0-9+.\-]*:", m)
            and not re.match(r"(?i)\s*(https?|mailto):", m)]
    assert live == []
    assert any(DANGEROUS in p.read_text(encoding="utf-8") for p in pages)  # still shown as text


def test_a_shape_warns_on_other_link_schemes(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT_DATA, data)
    references = data / "references.ttl"
    text = references.read_text(encoding="utf-8")
    references.write_text(re.sub(r"foaf:page\s+<[^>]*>", f"foaf:page <{DANGEROUS}>", text,
                                 count=1), encoding="utf-8")
    out = run_cli("--source", str(data), "validate", "--format", "json")
    assert out.code == 0, out.stdout + out.stderr  # a warning, not a violation
    warnings = [r for r in json.loads(out.stdout)["results"]
                if DANGEROUS in json.dumps(r) and r.get("severity") == "Warning"]
    assert len(warnings) == 1, out.stdout[:2000]


# ------------------------------------------------------------------ S5: JSON-LD contexts


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("suffix", [".json", ".jsonld"])
def test_a_remote_jsonld_context_is_never_fetched(canary, tmp_path, store, suffix):
    document = {"@context": f"{canary.url}/context.jsonld",
                "@id": "https://example.org/a", "name": "a"}
    path = tmp_path / f"doc{suffix}"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = invoke_cli("--store", store, "--source", str(path), "stats")
    assert out.code == 2 and out.one_line_error, out.stderr
    assert f"{canary.url}/context.jsonld" in out.stderr


def test_a_nested_remote_context_is_never_fetched(canary, tmp_path):
    document = {"@context": {"@vocab": "https://example.org/"},
                "@graph": [{"@context": [f"{canary.url}/inner"], "@id": "https://example.org/b",
                            "name": "b"}]}
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    for store in STORES:
        out = invoke_cli("--store", store, "--source", str(path), "stats")
        assert out.code == 2 and out.one_line_error, out.stderr


def test_an_inline_context_still_loads(tmp_path):
    document = {"@context": {"name": "https://example.org/name"},
                "@id": "https://example.org/a", "name": "a"}
    for suffix in (".json", ".jsonld"):
        path = tmp_path / f"doc{suffix}"
        path.write_text(json.dumps(document), encoding="utf-8")
        for store in STORES:
            out = invoke_cli("--store", store, "--source", str(path), "stats")
            assert out.code == 0, out.stderr


# ------------------------------------------------------------------ S6: control characters

HOSTILE_TEXT = "\x1b]0;pwned\x07\x1b[31mred\x9b"


@pytest.mark.parametrize("where", ["status", "body"])
def test_control_characters_from_a_server_are_escaped(hostile_server, tmp_path, where):
    url, script = hostile_server
    if where == "status":
        script.status_line = ("HTTP/1.1 400 " + HOSTILE_TEXT).encode("latin-1")
    else:
        script.status_line = b"HTTP/1.1 400 Bad Request"
        script.body = HOSTILE_TEXT.encode("utf-8")
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "query", "--file", str(query))
    assert out.code == 2 and out.one_line_error, out.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out.stderr), repr(out.stderr)


def test_control_characters_in_result_values_are_escaped_in_tables(hostile_server, tmp_path):
    url, script = hostile_server
    script.headers = [("Content-Type", "application/sparql-results+json")]
    script.body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
        {"x": {"type": "literal", "value": HOSTILE_TEXT}}]}}).encode()
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "query", "--file", str(query))
    assert out.code == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
