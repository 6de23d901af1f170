"""The three voices kept apart: the review, later evidence and our curation (plus the
vocabulary), by one rule shared by the stored voice queries and `export --format trig|nquads`.
The voices partition the graph; each named graph of the export holds exactly its voice."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from coprod_kg.cli import cli
from coprod_kg.graph import sources
from coprod_kg.publishing import voices

ID = "https://w3id.org/coprod-kg/id/"
CPO = "https://w3id.org/coprod-kg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
MARKED_BY = URIRef(PROV + "wasAttributedTo")
DEVELOPERS = URIRef(ID + "agent/coprod-kg-developers")


@pytest.fixture(scope="module")
def graph(bundled_graph):
    return bundled_graph


@pytest.fixture(scope="module")
def parts(graph) -> dict[str, Graph]:
    return voices.voice_graphs(graph)


@pytest.fixture(scope="module")
def canonical_parts(graph) -> dict[str, Graph]:
    return voices.split(graph)


def test_oxigraph_answers_the_voice_queries_as_rdflib_does(parts, rdflib_voice_answers):
    """voice_graphs runs the voice queries on Oxigraph and maps the answers back to the
    graph's own triples: rdflib's engine (the reference, run once per session) gives the very
    same triples, lexical forms and blank node labels included."""
    assert set(parts) == {voice.name for voice in voices.VOICES}
    for voice in voices.VOICES:
        reference = rdflib_voice_answers[voice.query_name].graph
        assert set(parts[voice.name]) == set(reference), voice.name
        assert isomorphic(parts[voice.name], reference), voice.name
    decimals = {str(o) for part in parts.values() for o in part.objects()
                if isinstance(o, Literal) and str(o.datatype).endswith("#decimal")}
    assert any(value.endswith(".0") for value in decimals)  # as written; Oxigraph says 80


def voice_of(parts: dict[str, Graph], subject: str) -> set[str]:
    return {name for name, part in parts.items() if (URIRef(subject), None, None) in part}


BY_PREDICATE = {URIRef(CPO + "ambiguityNote"), URIRef("http://www.w3.org/2004/02/skos/core#"
                "editorialNote"), URIRef(CPO + "evidenceStatus"),
                URIRef("http://purl.org/dc/terms/source"),
                *(URIRef(CPO + name) for name in ("comparator", "effectMeasureType", "instrument",
                                                   "notReported"))}


def voice_by_subject(parts: dict[str, Graph], subject: str) -> set[str]:
    """The voices of a node's statements, leaving out those curated by their predicate."""
    return {name for name, part in parts.items()
            if any(p not in BY_PREDICATE for p in part.predicates(URIRef(subject)))}


def test_the_stored_voice_queries_are_generated_from_the_one_rule():
    for voice in voices.VOICES:
        path = voices.query_path(sources.queries_dir(), voice)
        assert path.read_text(encoding="utf-8") == voices.voice_query(voice.name), (
            f"{path.name} is out of date: python -m coprod_kg.publishing.voices")
    assert [v.query_name for v in voices.VOICES] == [
        "curation-statements", "later-evidence-statements", "vocabulary-statements",
        "review-statements"]


def test_the_voices_partition_the_graph(graph, parts):
    assert sum(len(part) for part in parts.values()) == len(graph)
    union = Graph()
    for part in parts.values():
        union += part
    assert isomorphic(union, graph)
    assert all(len(part) > 0 for part in parts.values())


VOICE_OF = [
    # the review's statements
    (ID + "outcome/age-uk-non-elective-admissions", "review"),
    (ID + "case-study/core-study", "review"),
    (ID + "principle/asset-based", "review"),
    (ID + "principles", "review"),  # the review's six elements: it quotes the review
    (ID + "reference/popp-national-evaluation", "review"),  # R3, cited by the review
    (ID + "agent/robert-g", "review"),  # an author of R5 only
    (ID + "agent/palmer-vj", "review"),  # an author of R6 only
    (ID + "review", "review"),
    # what later publications say
    (ID + "later-evidence/nuffield-trust-2019-admissions", "later-evidence"),
    (ID + "later-evidence-figure/palmer-2021-ras-r-difference", "later-evidence"),
    (ID + "reference/georghiou-keeble-2019", "later-evidence"),
    (ID + "reference/palmer-2021-core-results", "later-evidence"),
    # the authors of later publications only, as the reference file names them (one agent per
    # reference where it does not confirm that a name is one person)
    (ID + "agent/robert-g-springham-robert-2015", "later-evidence"),
    (ID + "agent/locock-l-locock-2014-hsdr", "later-evidence"),
    (ID + "agent/palmer-vj-palmer-2021-core-results", "later-evidence"),
    # our curation
    (ID + "evidence-link/nuffield-trust-2019-age-uk-non-elective-admissions", "curation"),
    (ID + "evidence-link/palmer-2021-core-psychosocial-recovery", "curation"),
    (ID + "agent/coprod-kg-developers", "curation"),
    # the vocabulary
    (CPO + "EvidenceLink", "vocabulary"),
    (CPO + "aboutClaim", "vocabulary"),
    ("https://w3id.org/coprod-kg/ontology", "vocabulary"),
    (ID + "evidence-relation/contradicts", "vocabulary"),
    (ID + "evidence-relations", "vocabulary"),
    (ID + "direction/decrease", "vocabulary"),
]


@pytest.mark.parametrize("subject, voice", VOICE_OF)
def test_each_node_has_its_voice(parts, subject: str, voice: str):
    assert voice_by_subject(parts, subject) == {voice}


def test_every_marked_node_is_curation(graph, parts):
    marked = set(graph.subjects(MARKED_BY, DEVELOPERS))
    assert len(marked) >= 9
    for subject in marked:
        assert voice_of(parts, str(subject)) == {"curation"}, subject
    for subject in parts["review"].subjects():
        assert (subject, MARKED_BY, DEVELOPERS) not in graph


def test_the_review_voice_holds_no_later_or_curated_words(parts):
    review = parts["review"]
    for predicate in ("linksLaterEvidence", "finding", "evidenceRelation", "statusRank"):
        assert not list(review.subject_objects(URIRef(CPO + predicate))), predicate
    later = parts["later-evidence"]
    assert not list(later.subject_objects(URIRef(CPO + "quote")))
    assert not list(later.subject_objects(URIRef(CPO + "rationale")))


SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
CURATED_BY_PREDICATE = [
    # our notes about the review's text, on review nodes
    (ID + "agent/oxleas", CPO + "ambiguityNote"),
    (ID + "review", SKOS + "editorialNote"),
    (ID + "case-study/core-study", SKOS + "editorialNote"),
    # the evidence status we assign
    (ID + "case-study/core-study", CPO + "evidenceStatus"),
    (ID + "case-study/age-uk-personalised-integrated-care", CPO + "evidenceStatus"),
    # the per-figure source of a claim: an outcome, a programme figure
    (ID + "outcome/oxleas-complaints", DCTERMS + "source"),
    (ID + "figure/popp-reach", DCTERMS + "source"),
    # the evaluation layer we read into a figure of the review
    (ID + "outcome/oxleas-complaints", CPO + "comparator"),
    (ID + "outcome/oxleas-complaints", CPO + "effectMeasureType"),
    (ID + "outcome/oxleas-complaints", CPO + "notReported"),
]


@pytest.mark.parametrize("subject, predicate", CURATED_BY_PREDICATE)
def test_curated_predicates_are_curation_never_the_review(graph, parts, subject, predicate):
    triples = set(graph.triples((URIRef(subject), URIRef(predicate), None)))
    assert triples, (subject, predicate)
    for name, part in parts.items():
        found = {t for t in triples if t in part}
        assert found == (triples if name == "curation" else set()), name
    # the subject's other statements keep their voice
    assert voice_by_subject(parts, subject) == {"review"}


def test_the_evaluation_layer_of_a_later_figure_is_curation_its_values_later_evidence(
    graph, parts,
):
    figure = URIRef(ID + "later-evidence-figure/palmer-2021-ras-r-difference")
    ours = {(figure, URIRef(CPO + name), None) for name in (
        "comparator", "effectMeasureType", "instrument", "notReported")}
    for name, part in parts.items():
        read = {(s, p, o) for s, p, o in part.triples((figure, None, None))
                if (s, p, None) in ours}
        assert bool(read) == (name == "curation"), name
    later = parts["later-evidence"]
    assert later.value(figure, URIRef(CPO + "ciLower")) == Literal(Decimal("-3.81"))
    assert later.value(figure, URIRef(CPO + "confidenceLevel")) == Literal(Decimal("95.0"))


def test_no_note_status_or_claim_source_is_left_in_the_review(graph, parts):
    review = parts["review"]
    for predicate in (CPO + "ambiguityNote", SKOS + "editorialNote", CPO + "evidenceStatus"):
        assert not list(review.subject_objects(URIRef(predicate))), predicate
        assert list(graph.subject_objects(URIRef(predicate))), predicate
    sourced = [s for s, _ in review.subject_objects(URIRef(DCTERMS + "source"))
               if str(s).startswith((ID + "outcome/", ID + "figure/"))]
    assert sourced == []


@pytest.mark.parametrize("mutation, subject, voice", [
    # the rule follows the marking, not the file: a marked review node becomes curation
    ("mark", ID + "outcome/oxleas-complaints", "curation"),
    # a later reference the review does not cite is later evidence; cited, it is the review's
    ("cite", ID + "reference/georghiou-keeble-2019", "review"),
])
def test_the_rule_follows_the_data(graph, mutation: str, subject: str, voice: str):
    copy = Graph()
    copy += graph
    node = URIRef(subject)
    if mutation == "mark":
        copy.add((node, MARKED_BY, DEVELOPERS))
    else:
        copy.add((node, URIRef(CPO + "citationKey"), Literal("R99")))
    assert voice_of(voices.voice_graphs(copy), subject) == {voice}


# --------------------------------------------------------------------------
# export --format trig | nquads
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("voices")
    texts = {}
    for fmt in ("trig", "nquads", "turtle"):
        target = folder / f"export.{fmt}"
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.output
        texts[fmt] = target.read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_export_round_trips_and_keeps_the_voices_apart(exported, fmt: str, canonical_parts):
    dataset = Dataset()
    dataset.parse(data=exported[fmt], format=fmt)
    turtle = Graph().parse(data=exported["turtle"], format="turtle")
    named = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    assert set(named) == set(voices.VOICE_GRAPHS.values())
    union = Graph()
    for part in named.values():
        union += part
    assert len(union) == len(turtle)
    assert isomorphic(union, turtle)
    for name, iri in voices.VOICE_GRAPHS.items():
        assert isomorphic(named[iri], canonical_parts[name]), name
        assert len(named[iri]) == len(canonical_parts[name]), name


def test_export_is_the_same_text_run_after_run(graph, exported, canonical_parts):
    """Blank nodes are labelled canonically: another process writes the same bytes."""
    assert voices.to_nquads(graph, canonical_parts) == exported["nquads"]
    assert voices.to_trig(graph, canonical_parts) == exported["trig"]


@pytest.mark.skipif(shutil.which("rapper") is None, reason="rapper (raptor2-utils) not installed")
def test_rapper_parses_the_nquads(exported, tmp_path, graph):
    path = tmp_path / "voices.nq"
    path.write_text(exported["nquads"], encoding="utf-8")
    done = subprocess.run(["rapper", "-i", "nquads", "-c", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"returned {len(graph)} triples" in done.stderr


ORPHAN = """@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix agent: <https://w3id.org/coprod-kg/id/agent/> .
[] a cpo:Grading ; prov:wasAttributedTo agent:coprod-kg-developers .
"""


def _export_with(turtle: str, fmt: str, tmp_path):
    """Export the bundled data plus `turtle` (in a folder of its own) by voice."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "extra.ttl").write_text(turtle, encoding="utf-8")
    target = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["--source", str(sources.data_dir()), "--source",
                                      str(folder), "export", "--format", fmt, "-o",
                                      str(target)])
    return folder, target, result


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_a_blank_node_no_iri_reaches_stops_an_export_by_voice(fmt, tmp_path):
    """No voice claims a blank node that no IRI reaches: rather than drop its triples from
    the export silently, the export says so in one line (exit 2) and writes nothing."""
    folder, target, result = _export_with(ORPHAN, fmt, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "coprod-kg: error: 2 triple(s) belong to no voice, so an export by voice would drop "
        "them: their subjects are blank nodes that no IRI reaches directly or through lists "
        "and OWL class expressions, such as a blank node inside another blank node (typed "
        "cpo:Grading); give them an IRI or point to them from one, or export --format "
        "turtle\n")
    assert not target.exists()
    turtle = CliRunner().invoke(cli, ["--source", str(sources.data_dir()), "--source",
                                      str(folder), "export", "--format", "turtle"])
    assert turtle.exit_code == 0 and "cpo:Grading" in turtle.stdout


SHARED = """@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix agent: <https://w3id.org/coprod-kg/id/agent/> .
@prefix cpr: <https://w3id.org/coprod-kg/id/> .
cpr:mine-note prov:wasAttributedTo agent:coprod-kg-developers ; cpo:about _:shared .
cpr:mine-finding cpo:about _:shared .
_:shared rdfs:label "whose words?" .
"""


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_a_blank_node_two_voices_reach_stops_an_export_by_voice(fmt, tmp_path):
    """A blank node that a curated node and a review node both point to would be written in
    both voices' graphs, so its words would be ours and the review's at once: the export
    says so in one line (exit 2) and writes nothing, as for a blank node of no voice."""
    _, target, result = _export_with(SHARED, fmt, tmp_path)
    assert result.stderr == (
        "coprod-kg: error: 1 triple(s) belong to more than one voice (curation, review), so an "
        "export by voice would write them twice: their subjects are blank nodes that nodes of "
        "both voices point to; give each its own blank node or an IRI, or export --format "
        "turtle\n")
    assert result.exit_code == 2
    assert not target.exists()


LEAF = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cs: <https://w3id.org/coprod-kg/id/case-study/> .
@prefix grading: <https://w3id.org/coprod-kg/id/grading/> .
cs:popp rdfs:seeAlso _:leaf .
grading:popp rdfs:seeAlso _:leaf .
"""


def test_trig_keeps_a_blank_node_two_voices_point_to_as_one_node(tmp_path):
    """A blank node with no triples of its own that a review node and a curated node both
    point to is one node in the TriG export, as in the N-Quads export (each named graph
    writing its own `[]` made two): the two exports parse to the same dataset."""
    datasets = {}
    for fmt in ("trig", "nquads"):
        (tmp_path / fmt).mkdir()
        _, target, result = _export_with(LEAF, fmt, tmp_path / fmt)
        assert result.exit_code == 0, result.output
        datasets[fmt] = Dataset().parse(target, format=fmt)
    see_also = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    for fmt, dataset in datasets.items():
        leaves = {str(g): o for _, _, o, g in dataset.quads((None, see_also, None, None))
                  if isinstance(o, BNode)}
        assert set(leaves) == {voices.VOICE_GRAPHS["review"], voices.VOICE_GRAPHS["curation"]}
        assert len(set(leaves.values())) == 1, fmt
    merged = {fmt: _merged(dataset) for fmt, dataset in datasets.items()}
    assert len(merged["trig"]) == len(merged["nquads"])
    assert isomorphic(merged["trig"], merged["nquads"])


def _merged(dataset: Dataset) -> Graph:
    """The dataset's triples as one graph, a blank node shared by two named graphs one node."""
    merged = Graph()
    for s, p, o, _ in dataset.quads():
        merged.add((s, p, o))
    return merged


NESTED = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cs: <https://w3id.org/coprod-kg/id/case-study/> .
cs:popp rdfs:seeAlso [ rdfs:label "outer" ; rdfs:seeAlso [ rdfs:label "inner" ] ] .
"""


def test_a_blank_node_inside_a_blank_node_stops_an_export_by_voice_and_says_why(tmp_path):
    """The voices follow a blank node below an IRI only through lists and OWL class
    expressions (the limit the README states): a blank node inside another blank node has
    no voice, and the export says so truly (cs:popp does reach it, through the outer node)."""
    _, target, result = _export_with(NESTED, "trig", tmp_path)
    assert result.stderr == (
        "coprod-kg: error: 1 triple(s) belong to no voice, so an export by voice would drop "
        "them: their subjects are blank nodes that no IRI reaches directly or through lists "
        "and OWL class expressions, such as a blank node inside another blank node; give them "
        "an IRI or point to them from one, or export --format turtle\n")
    assert result.exit_code == 2
    assert not target.exists()
