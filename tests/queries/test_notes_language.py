"""No stored query shows a curators' note in another language than English: every label of
the stored queries keeps English or untagged text only, and so do the notes (the shared
notes block, src/coprod_kg/queries/fragments.py, and the site's own queries). `ambiguities`
lists every note of the graph, whatever its language."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace

from coprod_kg.errors import InputError
from coprod_kg.graph.guard import blank_out
from coprod_kg.graph.store import OxigraphStore
from coprod_kg.queries.catalogue import bound_text, load_catalogue

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
FRENCH = "Note des curateurs en français."
EXAMPLE_VALUES = {"quote-search": {"text": "complaints"},
                  "learning-points": {"caseStudy": "https://w3id.org/coprod-kg/id/case-study/"
                                                   "accelerated-ebcd"}}
CATALOGUE = load_catalogue()
SELECTS = sorted(name for name, stored in CATALOGUE.items()
                 if name != "ambiguities" and "SERVICE" not in blank_out(stored.text).upper()
                 and "SELECT" in blank_out(stored.text).upper().split("WHERE")[0])


@pytest.fixture(scope="module")
def french_store(bundled_graph: Graph) -> OxigraphStore:
    """The bundled graph with a French note beside each English one."""
    graph = Graph()
    graph += bundled_graph
    for subject in set(bundled_graph.subjects(CPO.ambiguityNote, None)):
        graph.add((subject, CPO.ambiguityNote, Literal(FRENCH, lang="fr")))
    return OxigraphStore.from_graph(graph)


def test_the_french_notes_are_in_the_graph(french_store):
    rows = french_store.query(bound_text(CATALOGUE["ambiguities"], {})).rows
    assert sum(str(row[1]) == FRENCH for row in rows) >= 10


@pytest.mark.parametrize("name", SELECTS)
def test_no_query_shows_a_french_note(french_store, name):
    try:
        text = bound_text(CATALOGUE[name], EXAMPLE_VALUES.get(name))
    except InputError as error:
        pytest.skip(f"needs a parameter without a default: {error}")
    result = french_store.query(text)
    assert result.kind == "SELECT"
    shown = [str(term) for row in result.rows for term in row if term is not None]
    assert not [cell for cell in shown if "en français" in cell]
