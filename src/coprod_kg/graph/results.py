"""Query results as rdflib terms, whatever the engine: QueryResult and term conversion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coprod_kg.errors import InputError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


@dataclass
class QueryResult:
    """The answer to one query: SELECT rows, an ASK boolean, or a CONSTRUCT/DESCRIBE graph."""

    kind: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # rdflib terms or None
    boolean: bool | None = None
    graph: Any = None  # an rdflib Graph for CONSTRUCT/DESCRIBE


def to_rdflib(term):
    """A pyoxigraph term (or None) as the equal rdflib term; simple literals have no datatype."""
    if term is None:
        return None
    import pyoxigraph
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        if datatype == XSD_DECIMAL:
            return Literal(canonical_decimal(term.value), datatype=URIRef(datatype))
        return Literal(term.value, datatype=URIRef(datatype))
    raise InputError(f"unsupported term in a result: {term!r}")


def memoised_conversion() -> Callable[[Any], Any]:
    """to_rdflib with a cache for one result: building rdflib Literals is the costly part,
    and results repeat values (pages, units, categories) a lot."""
    cache: dict = {None: None}

    def convert(term):
        try:
            return cache[term]
        except KeyError:
            cache[term] = converted = to_rdflib(term)
            return converted

    return convert


def canonical_decimal(lexical: str) -> str:
    """Oxigraph writes the decimal 80.0 as `80`; our data and rdflib write `80.0`."""
    if "." in lexical or "e" in lexical.lower():
        return lexical
    return f"{lexical}.0"


def default_graph():
    import pyoxigraph

    return pyoxigraph.DefaultGraph()


def triples_to_graph(triples):
    from rdflib import Graph

    graph = Graph()
    graph.addN(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
        for t in triples
    )
    return graph


def to_oxigraph(term):
    import pyoxigraph
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    if term.datatype:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
