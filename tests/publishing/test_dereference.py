"""IRIs that dereference, on a real Apache: Debian's apache2 on 127.0.0.1 serves the site
built by `coprod-kg site` with the `.htaccess` it writes, and the w3id.org rules of
`publish/w3id/coprod-kg/.htaccess` pointed at that site. Requests go through urllib."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from coprod_kg.cli import cli
from coprod_kg.namespaces import jsonld_context

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
REPO = Path(__file__).resolve().parent.parent.parent
W3ID_RULES = REPO / "publish" / "w3id" / "coprod-kg" / ".htaccess"
ID = "https://w3id.org/coprod-kg/id/"
OUTCOME = "outcome/oxleas-complaints"
CPO = "https://w3id.org/coprod-kg/ontology#"

pytestmark = pytest.mark.skipif(
    not APACHE.exists(), reason="no /usr/sbin/apache2: `make system-deps` installs Debian's apache2"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def apache_config(root: Path, run: Path, port: int) -> str:
    modules = ["mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "alias"]
    loads = "\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in modules)
    return f"""ServerRoot "{run}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{run}/httpd.pid"
DefaultRuntimeDir "{run}"
Mutex file:{run} default
ErrorLog "{run}/error.log"
LogLevel warn
{loads}
TypesConfig /etc/mime.types
DocumentRoot "{root}"
<Directory "{root}">
    AllowOverride All
    Require all granted
</Directory>
"""


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The base URL of an Apache serving /site/ (the built site) and /w3id/coprod-kg/."""
    from click.testing import CliRunner

    top = Path(tempfile.mkdtemp(prefix="coprod-kg-apache-"))  # under /tmp, for any user
    try:
        root, run = top / "root", top / "run"
        run.mkdir()
        root.mkdir()
        result = CliRunner().invoke(cli, ["site", "-o", str(root / "site")])
        assert result.exit_code == 0, result.output
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        w3id = root / "w3id" / "coprod-kg"
        w3id.mkdir(parents=True)
        rules = W3ID_RULES.read_text(encoding="utf-8")
        assert "https://coprod-kg.invalid" in rules
        (w3id / ".htaccess").write_text(rules.replace("https://coprod-kg.invalid",
                                                      f"{base}/site"), encoding="utf-8")
        for path in [top, *top.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (run / "httpd.conf").write_text(apache_config(root, run, port), encoding="utf-8")
        subprocess.run([str(APACHE), "-f", str(run / "httpd.conf"), "-k", "start"],
                       check=True, capture_output=True, timeout=60)
        try:
            wait_until_answering(base, run / "error.log")
            yield base
        finally:
            stop(run / "httpd.pid")
    finally:
        shutil.rmtree(top, ignore_errors=True)


def wait_until_answering(base: str, log: Path) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/site/index.html", timeout=5).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail(f"apache2 did not answer on {base}: {log.read_text(errors='replace')[-1000:]}")


def stop(pid_file: Path) -> None:
    if pid_file.exists():
        pid = int(pid_file.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not pid_file.exists():
                return
            time.sleep(0.1)


def get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    """Status, content type and body; redirects are followed."""
    headers = {"Accept": accept} if accept else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                    timeout=30) as response:
            return (response.status, response.headers.get_content_type(),
                    response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def redirect_of(url: str, accept: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(url, headers={"Accept": accept}), timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")
    pytest.fail(f"{url}: no redirect")


# --------------------------------------------------------------------------
# The project's host: the site with its .htaccess
# --------------------------------------------------------------------------


@pytest.mark.parametrize("accept, content_type, fmt", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
])
def test_an_outcome_iri_gives_the_rdf_format_asked_for(served, accept, content_type, fmt):
    status, kind, body = get(f"{served}/site/id/{OUTCOME}", accept)
    assert (status, kind) == (200, content_type)
    graph = Graph().parse(data=body, format=fmt)
    outcome = URIRef(ID + OUTCOME)
    assert (outcome, RDF.type, URIRef(CPO + "QuantifiedOutcome")) in graph
    assert (outcome, URIRef(CPO + "quote"), None) in graph


def test_an_outcome_iri_gives_its_page_to_a_browser(served):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, None):
        status, kind, body = get(f"{served}/site/id/{OUTCOME}", accept)
        assert (status, kind) == (200, "text/html")
        assert "<h1>" in body and ID + OUTCOME in body


def test_a_suffix_names_the_format_whatever_the_accept_header(served):
    status, kind, body = get(f"{served}/site/id/case-study/popp.ttl", "text/html")
    assert (status, kind) == (200, "text/turtle")
    assert (URIRef(ID + "case-study/popp"), None, None) in Graph().parse(data=body,
                                                                        format="turtle")


def test_a_case_study_iri_gives_html_and_turtle(served):
    status, kind, body = get(f"{served}/site/id/case-study/popp", "text/html")
    assert (status, kind) == (200, "text/html")
    assert "case-studies/popp.html" in body  # links to the case study's full page
    status, kind, body = get(f"{served}/site/id/case-study/popp", "text/turtle")
    assert (status, kind) == (200, "text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef(ID + "case-study/popp"), RDF.type, URIRef(CPO + "CaseStudy")) in graph


@pytest.mark.parametrize("path", ["ontology", "ontology/0.2.0", "ontology/living-evidence"])
def test_the_ontology_and_its_version_iri_give_turtle(served, path):
    status, kind, body = get(f"{served}/site/{path}", "text/turtle")
    assert (status, kind) == (200, "text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert (None, RDF.type, OWL.Ontology) in graph
    assert (None, RDF.type, OWL.Class) in graph


def test_the_ontology_iri_gives_its_documentation_page(served):
    status, kind, body = get(f"{served}/site/ontology", "text/html")
    assert (status, kind) == (200, "text/html")
    assert "cpo:CaseStudy" in body


def test_the_context_is_served_at_its_url(served):
    status, kind, body = get(f"{served}/site/context.jsonld")
    assert (status, kind) == (200, "application/ld+json")
    assert json.loads(body) == jsonld_context()


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_an_unknown_iri_gives_404(served, accept):
    assert get(f"{served}/site/id/outcome/no-such-outcome", accept)[0] == 404


# --------------------------------------------------------------------------
# w3id.org: its rules redirect to the site's files by format
# --------------------------------------------------------------------------


@pytest.mark.parametrize("accept, suffix", [
    ("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"), ("text/html", ".html"),
])
def test_w3id_redirects_an_iri_to_the_file_of_the_format_asked_for(served, accept, suffix):
    status, location = redirect_of(f"{served}/w3id/coprod-kg/id/{OUTCOME}", accept)
    assert (status, location) == (303, f"{served}/site/id/{OUTCOME}{suffix}")


def test_w3id_then_the_site_give_turtle_that_contains_the_outcome(served):
    status, kind, body = get(f"{served}/w3id/coprod-kg/id/{OUTCOME}", "text/turtle")
    assert (status, kind) == (200, "text/turtle")
    assert (URIRef(ID + OUTCOME), None, None) in Graph().parse(data=body, format="turtle")


def test_w3id_sends_the_ontology_and_the_context_to_the_site(served):
    assert redirect_of(f"{served}/w3id/coprod-kg/ontology", "text/turtle") == (
        303, f"{served}/site/ontology.ttl")
    assert redirect_of(f"{served}/w3id/coprod-kg/context.jsonld", "*/*") == (
        303, f"{served}/site/context.jsonld")
