"""The blocks several stored queries share (src/coprod_kg/queries/fragments.py): every query
file holds them as the module writes them, a bad marker is one clear error, and the notes
block joins several notes in the order of their texts on every engine (Virtuoso:
tests/interop/test_virtuoso.py, which runs every stored query on the bundled graph)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from coprod_kg.errors import InputError
from coprod_kg.graph import sources
from coprod_kg.graph.store import MemoryStore, OxigraphStore
from coprod_kg.queries import fragments
from coprod_kg.queries.catalogue import bound_text, get_query, query_files


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_every_query_holds_the_shared_blocks_as_written_once(path):
    text = path.read_text(encoding="utf-8")
    assert fragments.expand(text, str(path)) == text, (
        f"{path.name} is out of date: python -m coprod_kg.queries.fragments")


# the queries that show a learning point, a further resource, a case study or a claim carry
# its notes through the shared block (the claims: also its status)
SHARED = {
    "learning-points": ["notes ?point ?ambiguityNote"],
    "principles": ["notes ?principle ?ambiguityNote skos:inScheme"],
    "outcomes-table": ["notes ?outcome ?ambiguityNote"],
    "claim-status": ["notes ?claim ?ambiguityNote"],
    "outcome-quote": ["notes ?outcome ?ambiguityNote"],
    "outcomes-by-reduction": ["notes ?outcome ?ambiguityNote"],
    "quote-search": ["notes ?subject ?ambiguityNote"],
    "evidence-map": ["notes ?claim ?ambiguityNote"],
    "later-evidence": ["notes ?claim ?ambiguityNote"],
    "case-studies": ["notes ?caseStudy ?ambiguityNote cpo:organisation cpo:programme"],
    "study-designs": ["notes ?caseStudy ?ambiguityNote"],
    "case-study-overview": ["notes ?caseStudy ?ambiguityNote"],
    "further-resources": ["notes ?resource ?ambiguityNote"],
    "organisation-roles": ["notes ?organisation ?ambiguityNote"],
    "programme-figures": ["claim-status ?figure ?linkedStatus", "notes ?figure ?ambiguityNote"],
    "site-programme-figures": ["claim-status ?figure"],
    **{name: ["claim-status ?outcome ?linkedStatus", "notes ?outcome ?ambiguityNote"]
       for name in ("money-outcomes", "case-study-outcomes", "outcomes-by-category")},
    "site-outcomes": ["claim-status ?outcome"],
}


@pytest.mark.parametrize("name, specs", sorted(SHARED.items()))
def test_the_queries_that_show_a_noted_item_use_the_shared_block(name, specs):
    text = (sources.queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    for spec in specs:
        assert f"# shared: {spec}\n" in text, (name, spec)


def test_an_unknown_block_or_a_missing_end_is_one_clear_error():
    with pytest.raises(InputError, match="^<query>: unknown shared block 'nots'"):
        fragments.expand("  # shared: nots ?x ?y\n  # end shared: nots\n")
    with pytest.raises(InputError, match=r"q\.rq: '# shared: notes \?x \?y' has no line "
                                         "'# end shared: notes'"):
        fragments.expand("  # shared: notes ?x ?y\n}\n", "q.rq")
    with pytest.raises(InputError, match=r"^q\.rq: a shared block's variable must be written "
                                         r"\?name, not 'x'$"):
        fragments.expand("# shared: notes x ?y\n# end shared: notes\n", "q.rq")


NOTES_GRAPH = """
@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/notes/> .
ex:cs cpo:hasLearningPoint ex:p1, ex:p2, ex:p3 .
ex:p1 cpo:position 1 ; rdfs:label "One" ; cpo:quote "One." ; cpo:page 5 ;
    cpo:ambiguityNote "Beta note.", "Alpha note.", "Gamma note."@en .
ex:p2 cpo:position 2 ; rdfs:label "Two" ; cpo:quote "Two." ; cpo:page 5 .
ex:p3 cpo:position 3 ; rdfs:label "Three" ; cpo:quote "Three." ; cpo:page 5 ;
    cpo:ambiguityNote "Only note." .
"""


def store_of(turtle: str, engine: str):
    graph = Graph().parse(data=turtle, format="turtle")
    return OxigraphStore.from_graph(graph) if engine == "oxigraph" else MemoryStore(graph)


def learning_point_notes(store) -> list[tuple[int, str | None]]:
    text = bound_text(get_query("learning-points"),
                      {"caseStudy": "https://example.org/notes/cs"})
    result = store.query(text)
    names = [str(v) for v in result.variables]
    return [(int(row[names.index("position")]),
             None if row[names.index("ambiguityNote")] is None
             else str(row[names.index("ambiguityNote")])) for row in result.rows]


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_several_notes_are_one_cell_in_the_order_of_their_texts(engine):
    assert learning_point_notes(store_of(NOTES_GRAPH, engine)) == [
        (1, "Alpha note. | Beta note. | Gamma note."), (2, None), (3, "Only note.")]


FRENCH_NOTE = NOTES_GRAPH + """
ex:p3 cpo:ambiguityNote "Une note en français."@fr, "A British note."@en-GB .
ex:cs cpo:organisation ex:org .
ex:org cpo:ambiguityNote "Note de l'organisation."@fr, "The organisation's note." .
"""


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_the_notes_keep_only_english_or_untagged_text_as_every_label(engine):
    store = store_of(FRENCH_NOTE, engine)
    assert learning_point_notes(store) == [
        (1, "Alpha note. | Beta note. | Gamma note."), (2, None),
        (3, "A British note. | Only note.")]
    # a note reached through a property (the UNION form) is filtered the same way
    reached = fragments.notes("?cs", "?note", "cpo:organisation")
    query = ("PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>\n"
             "SELECT ?note WHERE { BIND(<https://example.org/notes/cs> AS ?cs)\n"
             f"{reached}\n}}")
    assert [str(row[0]) for row in store.query(query).rows] == ["The organisation's note."]
