"""Exports: deterministic Turtle, compacted JSON-LD with the published context, sorted N-Triples;
and the project's single prefix map."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from coprod_kg import namespaces
from coprod_kg.cli import cli
from coprod_kg.graph import sources
from coprod_kg.graph.serialise import FORMATS, SUFFIXES, serialise, write_atomically

PARSE_FORMAT = {"turtle": "turtle", "json-ld": "json-ld", "ntriples": "nt"}


@pytest.fixture(scope="module")
def loaded_graph():
    """This module's own copy of the bundled graph (the session's is shared with other areas)."""
    from coprod_kg.graph.load import load_graph

    return load_graph()


@pytest.fixture(scope="module")
def exports(loaded_graph) -> dict[str, str]:
    return {fmt: serialise(loaded_graph, fmt) for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_round_trips_to_an_isomorphic_graph(exports, loaded_graph, fmt):
    parsed = Graph()
    parsed.parse(data=exports[fmt], format=PARSE_FORMAT[fmt])
    assert len(parsed) == len(loaded_graph)
    assert isomorphic(parsed, loaded_graph)


def test_turtle_uses_exactly_the_project_prefixes(exports):
    declared = dict(re.findall(r"^PREFIX (\S*): <([^>]*)>$", exports["turtle"], re.MULTILINE))
    assert declared, "no PREFIX lines"
    for prefix, namespace in declared.items():
        assert namespaces.PREFIXES.get(prefix) == namespace, prefix
    assert "ns1:" not in exports["turtle"]


def test_jsonld_is_compacted_with_the_published_context(exports):
    document = json.loads(exports["json-ld"])
    published = json.loads((sources.ontology_dir() / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    assert "cs:oxleas-ebcd" in ids  # compacted to CURIEs
    node = next(n for n in document["@graph"] if n["@id"] == "out:oxleas-complaints")
    assert node["@type"] == "cpo:QuantifiedOutcome"


def test_ntriples_are_sorted(exports):
    lines = exports["ntriples"].splitlines()
    assert lines == sorted(lines)


EXPORT_SCRIPT = (
    "import sys; from coprod_kg.graph.serialise import serialise; "
    "from coprod_kg.graph.load import load_graph; "
    "sys.stdout.write(serialise(load_graph(), sys.argv[1]))"
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_byte_identical_across_processes(fmt):
    """Two processes with different hash seeds (so different set orders) write the same bytes."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", EXPORT_SCRIPT, fmt], env=env, capture_output=True, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 1000


@pytest.mark.skipif(
    shutil.which("rapper") is None,
    reason="rapper (Debian raptor2-utils) is not installed; `make test` installs it",
)
def test_rapper_accepts_the_turtle_export(exports, loaded_graph, tmp_path):
    path = tmp_path / "coprod-kg.ttl"
    path.write_text(exports["turtle"], encoding="utf-8")
    done = subprocess.run(
        ["rapper", "-i", "turtle", "-o", "ntriples", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    parsed = Graph()
    parsed.parse(data=done.stdout, format="nt")
    assert isomorphic(parsed, loaded_graph)


# --------------------------------------------------------------------------
# The CLI command
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_export_writes_the_file_atomically(runner, exports, tmp_path, fmt):
    target = tmp_path / f"graph{SUFFIXES[fmt]}"
    outcome = runner.invoke(
        cli, ["--store", "memory", "export", "--format", fmt, "-o", str(target)]
    )
    assert outcome.exit_code == 0, outcome.output
    assert target.read_text(encoding="utf-8") == exports[fmt]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_cli_export_to_stdout_with_oxigraph_is_the_stores_graph(runner):
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    outcome = runner.invoke(cli, ["--store", "oxigraph", "export", "--format", "turtle"])
    assert outcome.exit_code == 0
    parsed = Graph()
    parsed.parse(data=outcome.stdout, format="turtle")
    assert isomorphic(parsed, open_store(Settings(store="oxigraph")).graph())


def assert_one_line_error(outcome, expected: str) -> None:
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.count("\n") == 1
    assert outcome.stderr.startswith("coprod-kg: error: ") and expected in outcome.stderr
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize("target", ["missing-folder/out.ttl", "a-file/out.ttl"])
def test_cli_export_to_an_unwritable_path_is_one_line(runner, tmp_path, target):
    (tmp_path / "a-file").write_text("not a folder")
    outcome = runner.invoke(cli, ["export", "-o", str(tmp_path / target)])
    assert_one_line_error(outcome, "cannot write")


def test_cli_export_into_a_read_only_folder_is_one_line(runner, tmp_path):
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        if os.access(read_only, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        outcome = runner.invoke(cli, ["export", "-o", str(read_only / "out.ttl")])
    finally:
        read_only.chmod(0o755)
    assert_one_line_error(outcome, "cannot write")


def test_cli_export_into_a_file_path_that_is_a_folder(runner, tmp_path):
    outcome = runner.invoke(cli, ["export", "-o", str(tmp_path)])
    assert_one_line_error(outcome, "cannot write")


def test_writing_to_a_pipe_writes_into_it_instead_of_replacing_it(tmp_path):
    """`-o /dev/stdout` or a named pipe: a rename would put a plain file in its place
    (as root, even over /dev/stdout)."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        write_atomically("@prefix ex: <http://e/> .\n", fifo)
    finally:
        reader.join(timeout=10)
        if reader.is_alive() and stat.S_ISFIFO(fifo.stat().st_mode):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # release the reader
            reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received == [b"@prefix ex: <http://e/> .\n"]


def test_writing_through_a_symbolic_link_keeps_the_link(tmp_path):
    """`-o /dev/stdout` with stdout sent to a file is a link too: the link must survive."""
    real = tmp_path / "real.ttl"
    real.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    write_atomically("new\n", link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text() == "new\n"


# --------------------------------------------------------------------------
# The single prefix map
# --------------------------------------------------------------------------

RDF_FILES = sorted(
    [
        *sources.data_dir().rglob("*.ttl"),
        *sources.ontology_dir().glob("*.ttl"),
        *sources.shapes_dir().glob("*.ttl"),
        *sources.queries_dir().glob("*.rq"),
    ]
)


def test_the_globs_find_rdf_files():
    assert len([p for p in RDF_FILES if p.suffix == ".ttl"]) >= 10


@pytest.mark.parametrize(
    "path", RDF_FILES, ids=lambda p: str(p.relative_to(sources.bundled_root()))
)
def test_declared_prefixes_agree_with_the_prefix_map(path: Path):
    text = path.read_text(encoding="utf-8")
    declared = re.findall(r"(?im)^\s*@?prefix\s+([\w-]*):\s*<([^>]*)>", text)
    assert declared or path.suffix == ".rq"
    for prefix, namespace in declared:
        if path.suffix == ".rq" and prefix not in namespaces.PREFIXES:
            continue  # a query may declare a prefix of its own; a known one must agree
        assert prefix in namespaces.PREFIXES, (
            f"{path.name}: prefix {prefix}: is not in namespaces.PREFIXES"
        )
        assert namespaces.PREFIXES[prefix] == namespace, f"{path.name}: {prefix}: is {namespace}"


def test_context_file_is_in_sync_with_the_prefix_map():
    published = (sources.ontology_dir() / "context.jsonld").read_text(encoding="utf-8")
    assert published == namespaces.jsonld_context_text(), (
        "regenerate it: python -m coprod_kg.namespaces > ontology/context.jsonld"
    )


def test_no_two_prefixes_share_a_namespace():
    assert len(set(namespaces.PREFIXES.values())) == len(namespaces.PREFIXES)


def _compact_by_definition(iri: str) -> str:
    """compact_iri's rule read literally: every namespace tried, the longest one leaving a
    non-empty local part without `/` or `#` wins, the first prefix among equals."""
    best = None
    for prefix, namespace in namespaces.PREFIXES.items():
        local = iri[len(namespace):]
        if iri.startswith(namespace) and local and "/" not in local and "#" not in local \
                and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    return iri if best is None else f"{best[0]}:{iri[len(best[1]):]}"


def test_compact_iri_follows_its_rule_for_every_iri_of_the_graph(bundled_graph):
    """compact_iri tries only the namespaces sharing the IRI's text up to its last `/` or
    `#` (fast on 10,000-row tables): the same CURIEs as trying them all."""
    iris = {str(term) for triple in bundled_graph for term in triple if isinstance(term, URIRef)}
    for namespace in namespaces.PREFIXES.values():
        iris |= {namespace, namespace + "x", namespace + "x/y", namespace + "a#b"}
    iris |= {"", "urn:x", "#", "/", "http://example.org/"}
    assert len(iris) > 1000
    for iri in iris:
        assert namespaces.compact_iri(iri) == _compact_by_definition(iri), iri


def test_curies_expand_and_compact():
    iri = "https://w3id.org/coprod-kg/id/case-study/oxleas-ebcd"
    assert namespaces.expand_curie("cs:oxleas-ebcd") == iri
    assert namespaces.compact_iri(iri) == "cs:oxleas-ebcd"  # the longest namespace wins over cpr:
    assert namespaces.expand_curie("http://example.org/x") is None
    assert namespaces.expand_curie("nope:x") is None
    assert namespaces.compact_iri("http://example.org/x") == "http://example.org/x"


def test_a_graph_without_blank_nodes_is_written_as_its_canonical_copy_was() -> None:
    """N-Triples and JSON-LD skip rdflib's canonical copy of a graph without blank nodes
    (seconds at 100,000 triples): the text is the one the copy gave; a graph with blank
    nodes still gets canonical labels."""
    from rdflib.compare import to_canonical_graph

    from coprod_kg.graph.serialise import stable_blank_nodes, to_jsonld, to_ntriples

    plain = Graph().parse(data="""
        @prefix ex: <https://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:says "line one\\nsays \\"hi\\"\\\\"@en-GB, "é 😀", "80.0"^^xsd:decimal ;
             ex:next ex:b .
        ex:b ex:says "tab\\there"^^ex:custom .
        """, format="turtle")
    canonical = to_canonical_graph(plain)
    assert to_ntriples(plain) == "".join(
        line + "\n" for line in sorted(canonical.serialize(format="nt").splitlines()) if line)
    assert to_jsonld(plain) == to_jsonld(canonical)
    assert stable_blank_nodes(plain) is plain
    blank = Graph().parse(data="<https://example.org/a> <https://example.org/p> [] .",
                          format="turtle")
    assert "_:cb" in to_ntriples(blank)  # rdflib's canonical label
