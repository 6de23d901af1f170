"""Parts of an rdflib graph chosen by CONSTRUCT queries, answered by Oxigraph.

rdflib's engine takes seconds per voice query on the bundled graph (a minute on the voice
export); Oxigraph answers in a tenth of a second. Oxigraph stores a literal by value (`80.0`
comes back as `80`), so its answer is mapped back to the graph's own triples: each triple is
indexed by the form Oxigraph gives it, and an answered triple stands for the source triples
of that form (every one of them: Oxigraph cannot tell `80.0` from `80.00` apart either).
Blank nodes keep their labels in Oxigraph. tests/publishing/test_voices.py compares the
voice graphs with rdflib's own answers.
"""

from __future__ import annotations

from collections.abc import Iterable


def construct_parts(graph, texts: Iterable[str]) -> list:
    """One rdflib Graph per CONSTRUCT query text, holding the triples of `graph` (as they
    are in `graph`) that Oxigraph answers; an answered triple the graph lacks (a template
    that builds new triples) is converted as it comes."""
    import pyoxigraph
    from rdflib import Graph

    from coprod_kg.graph.results import to_rdflib

    triples = list(graph)
    native = _native_triples(triples)
    stored = _stored_forms(native)
    originals: dict[tuple, list] = {}
    for triple, (s, p, o) in zip(triples, native, strict=True):
        originals.setdefault((s, p, stored.get(o, o)), []).append(triple)
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(s, p, o) for s, p, o in native)
    parts = []
    for text in texts:
        part = Graph()
        for answer in store.query(text):
            key = (answer.subject, answer.predicate, answer.object)
            found = originals.get(key)
            if found is None:
                part.add(tuple(to_rdflib(term) for term in key))
            else:
                for triple in found:
                    part.add(triple)
        parts.append(part)
    return parts


def _native_triples(triples: list) -> list[tuple]:
    """The triples as pyoxigraph terms (each distinct term converted once)."""
    from coprod_kg.graph.results import per_distinct_term, to_oxigraph

    convert = per_distinct_term(to_oxigraph)
    return [(convert(s), convert(p), convert(o)) for s, p, o in triples]


def _stored_forms(native: list[tuple]) -> dict:
    """Each literal -> the literal Oxigraph gives back once stored (its canonical form)."""
    import pyoxigraph

    literals = list({o for _, _, o in native if isinstance(o, pyoxigraph.Literal)})
    scratch = pyoxigraph.Store()
    predicate = pyoxigraph.NamedNode("urn:coprod-kg:stored-form")
    scratch.extend(pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:coprod-kg:literal:{index}"),
                                   predicate, literal)
                   for index, literal in enumerate(literals))
    prefix = len("urn:coprod-kg:literal:")
    return {literals[int(quad.subject.value[prefix:])]: quad.object for quad in scratch}
