"""pyrudof (pip `pyrudof`, the Python binding of rudof) as a second SHACL engine.

`rudof_results(data, shapes)` validates an rdflib data graph against an rdflib shapes graph
with rudof's native engine and returns the results as (focus node, source shape,
severity) triples of strings, the form the tests compare with pyshacl's report.
"""

from __future__ import annotations

from rdflib import Graph


def rudof_results(data: Graph, shapes: Graph) -> set[tuple[str, str, str]]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data.serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes.serialize(format="turtle"))
    report = rudof.validate_shacl()
    return {(_iri(entry.focus_node), _iri(entry.source_shape), _severity(entry.severity))
            for entry in report}


def _iri(text: str | None) -> str:
    text = str(text or "")
    return text[1:-1] if text.startswith("<") and text.endswith(">") else text


def _severity(text: str) -> str:
    return str(text).rsplit("#", 1)[-1]
