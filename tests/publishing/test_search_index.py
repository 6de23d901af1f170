"""The site's search index (coprod_kg.publishing.search), searched here with lunr.py the way
assets/search.js searches it with lunr.js: the query's words tokenised and trimmed like
lunr.js 2.3.9 (js_tokens), stop words dropped, stemmed, each required with a trailing
wildcard. The index is built once for the module from the bundled graph."""

from __future__ import annotations

import pytest
from lunr.index import Index
from lunr.query import Query, QueryPresence
from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token

from coprod_kg.graph.store import OxigraphStore
from coprod_kg.publishing.search import build_index, js_tokens, search_documents
from coprod_kg.publishing.sitecontent import collect

POPP = "case-studies/popp.html"


@pytest.fixture(scope="module")
def indexed(bundled_graph):
    documents = search_documents(collect(OxigraphStore.from_graph(bundled_graph)))
    return documents, Index.load(build_index(documents))


def stems(text: str) -> list[str]:
    """What search.js's terms() makes of the text (lunr.js's tokenizer, trimmer, stop words
    and the index's pipeline)."""
    kept = (stop_word_filter(Token(token)) for token in js_tokens(text))
    return [str(stemmer(token)) for token in kept if token is not None]


def found(indexed, text: str) -> set[str]:
    documents, index = indexed
    query = index.create_query()
    for stem in stems(text):
        query.term(stem, use_pipeline=False, presence=QueryPresence.REQUIRED,
                   wildcard=Query.WILDCARD_TRAILING)
    return {documents[int(hit["ref"])].url for hit in index.query(query)
            if documents[int(hit["ref"])].kind == "Outcome"}


def test_tokens_are_trimmed_like_lunr_js():
    # lunr.js: split on whitespace and hyphens, strip /^\W+/ and /\W+$/ (ASCII \W)
    assert js_tokens("£2,166 per person") == ["2,166", "per", "person"]
    assert js_tokens("About £1.20 of bed-day savings.") == ["about", "1.20", "of", "bed", "day",
                                                           "savings"]
    assert js_tokens("“A&E” (29%) ?! …") == ["a&e", "29"]
    assert js_tokens("café") == ["caf"]  # JavaScript's \W is ASCII: é is trimmed too


@pytest.mark.parametrize("text", ["£2,166", "2,166"])
def test_a_money_figure_finds_its_outcome(indexed, text):
    assert found(indexed, text) == {f"{POPP}#popp-cost-reduction"}


@pytest.mark.parametrize("text", ["£1.20", "1.20"])
def test_a_ratio_in_pounds_finds_its_outcome(indexed, text):
    assert f"{POPP}#popp-value-for-money" in found(indexed, text)


def test_no_documents_give_no_index():
    """lunr cannot build an index of nothing (it divides by the number of documents)."""
    assert build_index([]) is None


def test_an_outcomes_result_carries_our_note(indexed):
    """Our note on a claim shows wherever the claim does, a search result too (audit item 3)."""
    documents, _ = indexed
    notes = {d.url.rsplit("#", 1)[-1]: d.note for d in documents if d.kind == "Outcome"}
    assert notes["age-uk-social-care-costs"] == (
        "Our note: The later evaluation (Georghiou and Keeble 2019, Nuffield Trust) found the "
        "programme had almost certainly not reduced 'emergency admissions or costs'; the "
        "reference file does not say whether these costs include social care, so we do not…")
    assert notes["popp-overnight-stays"] == (
        "Later evidence (our reading): qualified · Our note: The national evaluation reports "
        "this fall as 'seemingly'; the review drops the hedge.")
    assert notes["age-uk-non-elective-admissions"] == (
        "Later evidence (our reading): contradicted")
    assert notes["age-uk-wellbeing"] == ""


def test_a_learning_points_result_carries_our_note(indexed):
    documents, _ = indexed
    notes = {d.title: d.note for d in documents if d.kind == "Learning point"}
    synergy = next(title for title in notes if title.startswith("Partnership synergy"))
    assert notes[synergy] == (
        "Our note: This learning point on 'partnership synergy' describes a different review "
        "(of participatory research), not the Locock study.")
    assert sum(bool(note) for note in notes.values()) == 1
