"""queries/evidence-map.rq lists the entries that its cell keys leave tied (one piece of later
evidence about two outcomes of one cell) in one order on every engine: by claim (issue 16).
Virtuoso: the byte-identity test of tests/interop/test_virtuoso.py on the bundled data."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from coprod_kg.graph.store import MemoryStore, OxigraphStore, open_store
from coprod_kg.queries.catalogue import bound_text, get_query
from coprod_kg.settings import Settings

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
ID = "https://w3id.org/coprod-kg/id/"
AGE_UK = URIRef(ID + "case-study/age-uk-personalised-integrated-care")
NUFFIELD = ID + "later-evidence/nuffield-trust-2019-admissions"
# made up for the test: an outcome whose IRI sorts before age-uk-all-admissions, in its cell
MADE_UP = URIRef(ID + "outcome/aa-made-up-admissions")
ALL_ADMISSIONS = URIRef(ID + "outcome-category/all-hospital-admissions")


def with_a_second_claim_in_the_cell() -> Graph:
    graph = Graph()
    graph += open_store(Settings(store="memory")).graph()
    graph.add((AGE_UK, CPO.hasOutcome, MADE_UP))
    graph.add((MADE_UP, RDF.type, CPO.QuantifiedOutcome))
    graph.add((MADE_UP, RDFS.label, Literal("A made-up outcome", lang="en")))
    graph.add((MADE_UP, CPO.outcomeCategory, ALL_ADMISSIONS))
    link = URIRef(ID + "evidence-link/made-up")
    graph.add((link, CPO.linksLaterEvidence, URIRef(NUFFIELD)))
    graph.add((link, CPO.aboutClaim, MADE_UP))
    graph.add((link, CPO.evidenceRelation, URIRef(ID + "evidence-relation/supports")))
    return graph


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_one_later_finding_about_two_claims_of_a_cell_is_listed_by_claim(engine: str) -> None:
    graph = with_a_second_claim_in_the_cell()
    store = OxigraphStore.from_graph(graph) if engine == "oxigraph" else MemoryStore(graph)
    result = store.query(bound_text(get_query("evidence-map"), {}))
    names = [str(v) for v in result.variables]
    rows = [dict(zip(names, row, strict=True)) for row in result.rows]
    claims = [str(row["claim"])[len(ID):] for row in rows
              if str(row["entry"]) == NUFFIELD and row["caseStudy"] == AGE_UK
              and str(row["categoryLabel"]) == "All hospital admissions"]
    assert claims == ["outcome/aa-made-up-admissions", "outcome/age-uk-all-admissions"]
