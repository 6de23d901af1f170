"""Counts that describe the graph: triples, instances per class, outcomes per category."""

from __future__ import annotations

from dataclasses import dataclass, field

from coprod_kg.graph.results import term_value
from coprod_kg.namespaces import ONTOLOGY, compact_iri

INSTANCES_PER_CLASS = f"""
SELECT ?class (COUNT(DISTINCT ?instance) AS ?instances) WHERE {{
  ?instance a ?class .
  FILTER(STRSTARTS(STR(?class), "{ONTOLOGY}"))
}}
GROUP BY ?class
ORDER BY ?class
"""

OUTCOMES_PER_CATEGORY = f"""
PREFIX cpo: <{ONTOLOGY}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?category ?label (COUNT(DISTINCT ?outcome) AS ?outcomes) WHERE {{
  ?category a cpo:OutcomeCategory .
  OPTIONAL {{ ?category skos:prefLabel ?label }}
  OPTIONAL {{ ?outcome cpo:outcomeCategory ?category }}
}}
GROUP BY ?category ?label
ORDER BY DESC(?outcomes) ?label
"""

TRIPLES = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"


@dataclass
class GraphStats:
    triples: int
    instances_per_class: dict[str, int] = field(default_factory=dict)
    outcomes_per_category: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "triples": self.triples,
            "instancesPerClass": self.instances_per_class,
            "outcomesPerCategory": self.outcomes_per_category,
        }


def compute_stats(store) -> GraphStats:
    """Counts from any store with `.query()` (memory, Oxigraph or a remote endpoint)."""
    triples = int(term_value(store.query(TRIPLES).terms[0][0]))
    per_class = {
        compact_iri(term_value(row[0])): int(term_value(row[1]))
        for row in store.query(INSTANCES_PER_CLASS).terms
    }
    per_category = {
        term_value(row[1]) if row[1] is not None else compact_iri(term_value(row[0])):
        int(term_value(row[2]))
        for row in store.query(OUTCOMES_PER_CATEGORY).terms
    }
    return GraphStats(triples, per_class, per_category)


def format_text(stats: GraphStats) -> str:
    lines = [f"triples: {stats.triples}", "", "instances per class:"]
    width = max((len(name) for name in stats.instances_per_class), default=0)
    lines += [
        f"  {name.ljust(width)}  {count:>5}" for name, count in stats.instances_per_class.items()
    ]
    lines += ["", "outcomes per category:"]
    width = max((len(name) for name in stats.outcomes_per_category), default=0)
    lines += [
        f"  {name.ljust(width)}  {count:>5}" for name, count in stats.outcomes_per_category.items()
    ]
    return "\n".join(lines) + "\n"


def as_result(stats: GraphStats):
    """The counts as rows (measure, name, count), for CSV and TSV."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    from coprod_kg.graph.results import QueryResult

    def count(n: int) -> Literal:
        return Literal(n, datatype=XSD.integer)

    rows = [(Literal("triples"), None, count(stats.triples))]
    rows += [(Literal("instances"), Literal(k), count(v))
             for k, v in stats.instances_per_class.items()]
    rows += [(Literal("outcomes"), Literal(k), count(v))
             for k, v in stats.outcomes_per_category.items()]
    return QueryResult("SELECT", ["measure", "name", "count"], rows)
