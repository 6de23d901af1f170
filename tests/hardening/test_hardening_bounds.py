"""Issue 12, bounded time and memory (D1, D2, R1-R5, R7): every hostile input ends quickly
in one line with exit 2, and the machine is left as it was."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from hostile import CLI, CLI_TIMEOUT, interrupt, invoke_cli, run_cli, start_cli
from test_hardening_security import STORES, Served

# ------------------------------------------------------------------ D1: query size and depth

HUGE_QUERIES = [
    ("2,500 nested groups", "SELECT * WHERE " + "{" * 2500 + " ?s ?p ?o " + "}" * 2500),
    ("20,000 UNIONs", "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 20000) + " }"),
    ("100,000 nested parentheses",
     "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 100000 + "1" + ")" * 100000 + ") }"),
    ("a 6.9 MB query", "SELECT * WHERE { VALUES ?x { " + "1 " * 3_450_000 + "} }"),
]


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("name,text", HUGE_QUERIES, ids=[q[0] for q in HUGE_QUERIES])
def test_huge_queries_are_refused_in_one_line(name, text, store, tmp_path, tiny_source):
    query = tmp_path / "q.rq"
    query.write_text(text, encoding="utf-8")
    out = invoke_cli("--store", store, "--source", str(tiny_source), "query", "--file", str(query))
    assert out.code == 2, (out.code, out.stderr[-300:])
    assert out.one_line_error, out.stderr[-300:]
    assert "limit" in out.stderr


def test_serve_refuses_huge_queries_and_keeps_serving(tiny_source):
    served = Served("--source", str(tiny_source))
    try:
        for _, text in HUGE_QUERIES[:3]:
            status, body = served.ask(text)
            assert status == 400, (status, body[:200])
        status, _ = served.ask("ASK { ?s ?p ?o }")
        assert status == 200
    finally:
        served.stop()


# ------------------------------------------------------------------ D2: serve's time limit

CARTESIAN = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
             "?m ?o ?q . ?r ?t ?u }")


def test_serve_stops_an_over_time_aggregate(tiny_source):
    served = Served("--source", str(Path(__file__).resolve().parents[2] / "data"),
                    serve_args=("--query-timeout", "1"))
    try:
        status, body = served.ask(CARTESIAN, timeout=CLI_TIMEOUT)
        assert status in (503, 504), (status, body[:200])
        status, _ = served.ask("ASK { ?s ?p ?o }")
        assert status == 200
    finally:
        served.stop()


def test_an_endpoint_timeout_is_not_retried(hostile_server, tmp_path):
    url, script = hostile_server
    script.trickle = 3.0  # the first byte comes after --timeout
    script.body = b"{}"
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "--timeout", "1", "query", "--file", str(query))
    assert out.code == 2 and out.one_line_error, out.stderr
    assert len(script.seen) == 1


@pytest.mark.parametrize("status", [b"504 Gateway Timeout", b"500 Internal Server Error"])
def test_a_server_side_timeout_is_not_retried(hostile_server, tmp_path, status):
    url, script = hostile_server
    script.status_line = b"HTTP/1.1 " + status
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "query", "--file", str(query))
    assert out.code == 2 and out.one_line_error, out.stderr
    assert len(script.seen) == 1


# ------------------------------------------------------------------ R1: YAML bombs


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


YAML_HOSTILE = [
    ("alias bomb", _alias_bomb(9)),
    ("recursive alias", "a: &a [*a]\n"),
    ("nested 20,000 deep", "a: " + "[" * 20000 + "]" * 20000 + "\n"),
]


@pytest.mark.parametrize("name,text", YAML_HOSTILE, ids=[y[0] for y in YAML_HOSTILE])
def test_hostile_yaml_templates_are_refused_in_one_line(name, text, tmp_path):
    template = tmp_path / "case.yaml"
    template.write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    (data / "case-studies").mkdir(parents=True)
    out = run_cli("import", "--data-dir", str(data), str(template), timeout=30)
    assert out.code == 2, (out.code, out.stderr[-300:])
    assert out.one_line_error, out.stderr[-300:]


@pytest.mark.parametrize("name,text", YAML_HOSTILE, ids=[y[0] for y in YAML_HOSTILE])
def test_hostile_yaml_query_headers_are_refused_in_one_line(name, text, tmp_path, tiny_source):
    query = tmp_path / "q.rq"
    header = "".join(f"#+ {line}\n" for line in text.splitlines())
    query.write_text(header + "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    out = invoke_cli("--source", str(tiny_source), "query", "--file", str(query), timeout=30)
    assert out.code == 2, (out.code, out.stderr[-300:])
    assert out.one_line_error, out.stderr[-300:]


def test_an_alias_bomb_in_a_mapping_set_is_refused(tmp_path, tiny_source):
    mapping = tmp_path / "bomb.sssom.tsv"
    header = "".join(f"# {line}\n" for line in _alias_bomb(9).splitlines())
    mapping.write_text(header + "subject_id\tpredicate_id\tobject_id\tmapping_justification\n",
                       encoding="utf-8")
    out = invoke_cli("--source", str(tiny_source), "--source", str(mapping), "stats", timeout=30)
    assert out.code == 2 and out.one_line_error, out.stderr[-300:]


# ------------------------------------------------------------------ R2: XML entities

XML_BOMB = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://example.org/a"><rdfs:label>&g;</rdfs:label></rdf:Description>
</rdf:RDF>
"""

XML_EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "{url}/secret"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://example.org/a"><rdfs:label>&x;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("store", STORES)
def test_an_xml_entity_bomb_is_refused(tmp_path, store):
    path = tmp_path / "bomb.rdf"
    path.write_text(XML_BOMB, encoding="utf-8")
    out = invoke_cli("--store", store, "--source", str(path), "stats", timeout=30)
    assert out.code == 2 and out.one_line_error, (out.code, out.stderr[-300:])
    assert "entit" in out.stderr


@pytest.mark.parametrize("store", STORES)
def test_an_external_xml_entity_is_never_fetched(tmp_path, store, canary):
    path = tmp_path / "external.rdf"
    path.write_text(XML_EXTERNAL.replace("{url}", canary.url), encoding="utf-8")
    out = invoke_cli("--store", store, "--source", str(path), "stats", timeout=30)
    assert out.code == 2 and out.one_line_error, (out.code, out.stderr[-300:])


# ------------------------------------------------------------------ R3: embedded time limits


@pytest.mark.parametrize("store", STORES)
def test_timeout_bounds_embedded_queries(tmp_path, store, tiny_source):
    query = tmp_path / "q.rq"
    query.write_text(CARTESIAN, encoding="utf-8")
    out = run_cli("--store", store, "--timeout", "1", "query", "--file", str(query))
    assert out.code == 2 and out.one_line_error, (out.code, out.stderr[-300:])
    assert "--timeout" in out.stderr


@pytest.mark.parametrize("store", STORES)
def test_ctrl_c_stops_a_long_embedded_query(tmp_path, store):
    query = tmp_path / "q.rq"
    query.write_text(CARTESIAN, encoding="utf-8")
    process = start_cli("--store", store, "--timeout", "600", "query", "--file", str(query))
    time.sleep(4)  # loading the bundled graph, then the query runs
    out = interrupt(process)
    assert out.code == 130, (out.code, out.stderr[-300:])
    assert out.one_line_error, out.stderr


# ------------------------------------------------------------------ R4: total-time deadlines


def test_a_trickled_answer_hits_the_total_deadline(hostile_server, tmp_path):
    url, script = hostile_server
    script.trickle = 0.3  # a byte every 0.3 s: every read succeeds, the whole never ends
    script.headers = [("Content-Type", "application/sparql-results+json")]
    script.body = b" " * 10000 + b"{}"
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "--timeout", "2", "query", "--file", str(query),
                  timeout=30)
    assert out.code == 2 and out.one_line_error, out.stderr
    assert "2 s" in out.stderr


def test_links_check_has_a_total_deadline_too(hostile_server):
    url, script = hostile_server
    script.trickle = 0.3
    script.headers = [("Content-Type", "application/sparql-results+json")]
    script.body = b" " * 10000 + b"{}"
    out = run_cli("--timeout", "2", "links", "check", "--dataset", "mesh", "--endpoint",
                  f"{url}/sparql",
                  timeout=40)
    assert out.code == 2 and out.one_line_error, out.stderr


# ------------------------------------------------------------------ R5: size caps


def test_an_endless_answer_is_capped(hostile_server, tmp_path):
    url, script = hostile_server
    script.headers = [("Content-Type", "application/sparql-results+json")]
    script.endless = True
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    out = run_cli("--endpoint", f"{url}/sparql", "query", "--file", str(query),
                  env={"COPROD_KG_MAX_RESPONSE_BYTES": "2000000"}, timeout=30)
    assert out.code == 2 and out.one_line_error, out.stderr[-300:]
    assert "bytes" in out.stderr


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
def test_import_of_an_endless_file_is_refused(tmp_path, path):
    data = tmp_path / "data"
    (data / "case-studies").mkdir(parents=True)
    out = run_cli("import", "--data-dir", str(data), path, timeout=30)
    assert out.code == 2 and out.one_line_error, out.stderr[-300:]


def test_a_query_file_that_never_ends_is_refused(tiny_source):
    out = invoke_cli("--source", str(tiny_source), "query", "--file", "/dev/zero", timeout=30)
    assert out.code == 2 and out.one_line_error, out.stderr[-300:]


# ------------------------------------------------------------------ R7: serve's child


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grand for child in found for grand in _children(child)]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP])
def test_serve_child_dies_with_its_parent_and_the_store_goes(tiny_source, sig):
    process = subprocess.Popen([str(CLI), "--source", str(tiny_source), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    assert "loading the graph into " in line, line
    folder = Path(line.split("loading the graph into ", 1)[1].split(" ...")[0]).parent
    assert process.stdout.readline().strip()
    children = _children(process.pid)
    assert children and folder.is_dir()
    folders = [folder]
    process.send_signal(sig)
    process.wait(timeout=CLI_TIMEOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (any(_alive(c) for c in children)
                                          or any(f.exists() for f in folders)):
        time.sleep(0.1)
    assert not [c for c in children if _alive(c)]
    assert not [f for f in folders if f.exists()]

