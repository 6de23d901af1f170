"""Deterministic exports of the knowledge graph: Turtle, JSON-LD and N-Triples.

- Turtle: rdflib's `longturtle` with exactly the prefixes of `namespaces.PREFIXES`;
  byte-identical from run to run.
- JSON-LD: compacted with the published context (`ontology/context.jsonld`, the
  same prefixes), embedded in the document so that it needs no network; nodes
  sorted by `@id`, keys and values sorted, blank nodes canonically labelled.
- N-Triples: blank nodes canonically relabelled, lines sorted.

Files are written to a temporary file in the target folder and renamed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from coprod_kg.errors import InputError

FORMATS = ("turtle", "json-ld", "ntriples")
SUFFIXES = {"turtle": ".ttl", "json-ld": ".jsonld", "ntriples": ".nt"}


def serialise(graph, fmt: str) -> str:
    """The graph as text in one of FORMATS, the same text for the same graph."""
    if fmt == "turtle":
        return to_turtle(graph)
    if fmt == "json-ld":
        return to_jsonld(graph)
    if fmt == "ntriples":
        return to_ntriples(graph)
    raise InputError(
        f"--format: unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})"
    )


def _with_project_prefixes(graph):
    from rdflib import Graph

    from coprod_kg.namespaces import bind_all

    out = Graph(bind_namespaces="none")
    bind_all(out)
    for triple in graph:
        out.add(triple)
    return out


def to_turtle(graph, labelled: frozenset = frozenset()) -> str:
    """Turtle (rdflib's longturtle); the blank nodes in `labelled` written with their label,
    never as `[ ]` (a node that other graphs of one TriG document point to)."""
    if not labelled:
        return _with_project_prefixes(graph).serialize(format="longturtle")
    from io import BytesIO

    from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

    class _Labelling(LongTurtleSerializer):
        def preprocess(self) -> None:
            super().preprocess()
            for node in labelled:  # referenced twice or more: longturtle writes its label
                self._references[node] += 2

    stream = BytesIO()
    _Labelling(_with_project_prefixes(graph)).serialize(stream, encoding="utf-8")
    return stream.getvalue().decode("utf-8")


def to_ntriples(graph) -> str:
    text = canonical(graph).serialize(format="nt")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return "".join(line + "\n" for line in lines)


def to_jsonld(graph) -> str:
    from coprod_kg.namespaces import PREFIXES

    # blank nodes (the ontology's OWL axioms) get canonical labels: the same text every run
    raw = canonical(graph).serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    document = json.loads(raw)
    nodes = document.get("@graph")
    if nodes is None:  # a single node is compacted without @graph
        nodes = (
            [{k: v for k, v in document.items() if k != "@context"}] if len(document) > 1 else []
        )
    ordered = sorted((_sorted_node(node) for node in nodes), key=lambda n: str(n.get("@id", "")))
    return (
        json.dumps({"@context": dict(PREFIXES), "@graph": ordered}, indent=2, ensure_ascii=False)
        + "\n"
    )


def canonical(graph):
    """rdflib's canonical graph (its blank nodes labelled the same every run); a graph
    without blank nodes is its own (copying it costs seconds at 100,000 triples)."""
    if not has_blank_nodes(graph):
        return graph
    from rdflib.compare import to_canonical_graph

    return to_canonical_graph(graph)


def has_blank_nodes(graph) -> bool:
    from rdflib import BNode

    return any(isinstance(term, BNode) for triple in graph for term in triple)


def _sorted_node(node):
    """Keys sorted; unordered value arrays sorted; @list arrays left in their order."""
    if isinstance(node, list):
        items = [_sorted_node(item) for item in node]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    if isinstance(node, dict):
        result = {}
        for key in sorted(node):
            value = node[key]
            if key == "@list":
                result[key] = [
                    _sorted_node(item) if isinstance(item, dict) else item for item in value
                ]
            else:
                result[key] = _sorted_node(value)
        return result
    return node


def write_atomically(content: str | bytes, target: Path) -> None:
    """Write text (UTF-8) or bytes to a temporary file beside `target`, then rename it over
    `target`: a reader never sees a half-written file, and a failure leaves the old one."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if target.exists() and not target.is_file() and not target.is_dir():
        # a device or a pipe (`-o /dev/stdout`): renaming over it would replace it
        try:
            with open(target, "wb") as stream:
                stream.write(data)
        except OSError as error:
            raise InputError(f"{target}: cannot write: {error.strerror}") from None
        return
    if target.is_symlink():  # replace the file it points to, not the link
        target = target.resolve()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{target}: cannot write: folder {folder} does not exist")
    mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o644
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(f"{target}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)  # a replaced file keeps its mode (0600 stays 0600)
        os.replace(temporary, target)
    except BaseException as error:  # Ctrl-C included: no hidden .tmp file stays behind
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise InputError(f"{target}: cannot write: {error.strerror}") from None
        raise


def stable_blank_nodes(graph):
    """A copy of the graph whose blank nodes are labelled by what they hold (recursively)
    and where they hang (the subject and property pointing at them), so that the same graph
    from any engine gets the same labels. Made for trees of blank nodes (lists, OWL class
    expressions); when two blank nodes would share a label, rdflib's canonical labelling is
    used instead. A graph without blank nodes is returned as it is."""
    import hashlib

    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    content: dict = {}

    def content_of(node, seen=()) -> str:
        if node in content:
            return content[node]
        if node in seen:  # a cycle of blank nodes: no stable label from content
            return "cycle"
        parts = sorted(
            f"{p.n3()} {content_of(o, (*seen, node)) if isinstance(o, BNode) else o.n3()}"
            for p, o in graph.predicate_objects(node))
        content[node] = hashlib.sha1("\n".join(parts).encode()).hexdigest()
        return content[node]

    blanks = {t for triple in graph for t in triple if isinstance(t, BNode)}
    if not blanks:
        return graph  # nothing to label: the same triples
    labels = {}
    for node in blanks:
        where = sorted(f"{s.n3() if not isinstance(s, BNode) else content_of(s)} {p.n3()}"
                       for s, p in graph.subject_predicates(node))
        labels[node] = BNode("b" + hashlib.sha1(
            (content_of(node) + "\n" + "\n".join(where)).encode()).hexdigest()[:20])
    if len(set(labels.values())) < len(blanks) or "cycle" in content.values():
        return to_canonical_graph(graph)
    out = Graph()
    out.addN((labels.get(s, s), p, labels.get(o, o), out) for s, p, o in graph)
    return out
