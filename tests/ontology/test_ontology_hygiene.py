"""Ontology hygiene that the reasoner does not see: documentation of every term, one defining
document per term, labels that tell properties from classes, ranges, the header's metadata,
the changelog, the released versions and the licence files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from coprod_kg.graph import sources

ONTOLOGY = URIRef("https://w3id.org/coprod-kg/ontology")
MODULE = URIRef("https://w3id.org/coprod-kg/ontology/living-evidence")
DOCUMENTS = {ONTOLOGY: "coprod.ttl", MODULE: "living-evidence.ttl"}
CPO = "https://w3id.org/coprod-kg/ontology#"
AGENT = "https://w3id.org/coprod-kg/id/agent/"
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
VANN = Namespace("http://purl.org/vocab/vann/")
VS = Namespace("http://www.w3.org/2003/06/sw-vocab-status/ns#")
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
              RDFS.Datatype)
STATUSES = {"stable", "testing", "unstable", "archaic"}


@pytest.fixture(scope="module")
def documents() -> dict[URIRef, Graph]:
    return {iri: Graph().parse(sources.ontology_dir() / name) for iri, name in DOCUMENTS.items()}


def own_terms(graph: Graph) -> set[URIRef]:
    return {s for kind in TERM_KINDS for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(CPO)}


def test_every_term_is_documented_defined_by_its_document_and_has_a_status(documents):
    for document, graph in documents.items():
        terms = own_terms(graph)
        assert terms, document
        for term in terms:
            assert graph.value(term, RDFS.label) is not None, term
            assert graph.value(term, SKOS.definition) is not None, term
            assert set(graph.objects(term, RDFS.isDefinedBy)) == {document}, term
            assert {str(s) for s in graph.objects(term, VS.term_status)} <= STATUSES, term
            assert graph.value(term, VS.term_status) is not None, term


def test_each_term_is_defined_in_one_document_only(documents):
    coprod, module = (own_terms(documents[iri]) for iri in (ONTOLOGY, MODULE))
    assert coprod & module == set()


def test_every_term_used_by_the_data_is_defined(documents, bundled_graph):
    defined = set().union(*(own_terms(g) for g in documents.values()))
    used = {p for p in bundled_graph.predicates() if str(p).startswith(CPO)}
    used |= {o for o in bundled_graph.objects(None, RDF.type) if str(o).startswith(CPO)}
    assert used - defined == set()


def test_no_property_shares_a_label_with_a_class(documents):
    graph = documents[ONTOLOGY] + documents[MODULE]
    classes = {str(graph.value(c, RDFS.label)).lower() for c in graph.subjects(RDF.type, OWL.Class)
               if str(c).startswith(CPO)}
    properties = {str(graph.value(p, RDFS.label)).lower(): p
                  for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for p in graph.subjects(RDF.type, kind) if str(p).startswith(CPO)}
    assert {label: str(p) for label, p in properties.items() if label in classes} == {}


def test_every_object_and_datatype_property_has_a_range(documents):
    graph = documents[ONTOLOGY] + documents[MODULE]
    missing = sorted(
        str(p) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in graph.subjects(RDF.type, kind)
        if str(p).startswith(CPO)
        and graph.value(p, RDFS.range) is None and graph.value(p, OWL.inverseOf) is None
    )
    assert missing == []


def test_inverses_are_declared_for_the_properties_walked_both_ways(documents):
    graph = documents[ONTOLOGY] + documents[MODULE]
    cpo = Namespace(CPO)
    pairs = {(s, o) for s, o in graph.subject_objects(OWL.inverseOf)}
    for forward, backward in [("hasOutcome", "outcomeOf"),
                              ("hasEvidenceFigure", "evidenceFigureOf"),
                              ("hasLearningPoint", "learningPointOf"),
                              ("hasProgrammeFigure", "programmeFigureOf"),
                              ("hasPrincipleAlignment", "principleAlignmentOf"),
                              ("coversCaseStudy", "coveredBy")]:
        assert (cpo[backward], cpo[forward]) in pairs


def test_the_principles_have_one_order_their_position(bundled_graph):
    """cpo:position is the one order (queries sort by it); no SKOS ordered collection beside it
    could disagree with it."""
    principles = set(bundled_graph.subjects(RDF.type, Namespace(CPO).Principle))
    positions = sorted(int(bundled_graph.value(p, Namespace(CPO).position)) for p in principles)
    assert positions == list(range(1, len(principles) + 1))
    assert set(bundled_graph.subjects(RDF.type, SKOS.OrderedCollection)) == set()
    assert set(bundled_graph.subject_objects(SKOS.memberList)) == set()


def test_the_main_classes_and_the_outcome_kinds_are_pairwise_disjoint(documents):
    graph = documents[ONTOLOGY]
    groups = [set(graph.items(graph.value(node, OWL.members)))
              for node in graph.subjects(RDF.type, OWL.AllDisjointClasses)]
    cpo = Namespace(CPO)
    assert {cpo.QuantifiedOutcome, cpo.QualitativeOutcome, cpo.ExpectedOutcome} in groups
    main = max(groups, key=len)
    assert {cpo.CaseStudy, cpo.Outcome, cpo.Principle, cpo.Population, cpo.Setting,
            cpo.StudyDesign, cpo.EvidenceGrade, cpo.LaterEvidence} <= main


def test_the_headers_carry_the_metadata_of_a_published_vocabulary(documents):
    for iri, graph in documents.items():
        assert (iri, RDF.type, OWL.Ontology) in graph
        assert graph.value(iri, VANN.preferredNamespacePrefix) == Literal("cpo")
        assert graph.value(iri, VANN.preferredNamespaceUri) == Literal(CPO)
        for agent_property in (DCTERMS.creator, DCTERMS.publisher):
            values = set(graph.objects(iri, agent_property))
            assert values == {URIRef(AGENT + "coprod-kg-developers")}, (iri, agent_property)
        assert graph.value(iri, DCTERMS.license) == URIRef(
            "https://creativecommons.org/licenses/by/4.0/")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(graph.value(iri, DCTERMS.modified)))
        version = str(graph.value(iri, OWL.versionInfo))
        assert str(graph.value(iri, OWL.versionIRI)).endswith("/" + version)
        assert graph.value(iri, OWL.priorVersion) is not None


def test_the_ontology_changelog_has_the_current_version():
    graph = Graph().parse(sources.ontology_dir() / "coprod.ttl")
    version = str(graph.value(ONTOLOGY, OWL.versionInfo))
    changelog = (sources.ontology_dir() / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)} \(\d{{4}}-\d{{2}}-\d{{2}}\)$", changelog,
                     re.MULTILINE)


def test_the_prior_version_is_kept_under_releases(documents):
    releases = sources.ontology_dir() / "releases"
    for iri in DOCUMENTS:
        prior = str(documents[iri].value(iri, OWL.priorVersion))
        version = prior.rsplit("/", 1)[-1]
        released = Graph().parse(releases / version / "coprod.ttl")
        assert (ONTOLOGY, OWL.versionIRI, URIRef(prior)) in released
    loaded = sources.ontology_files()
    assert loaded and not [p for p in loaded if releases in p.parents]


def test_the_licence_files_exist(repo_root: Path):
    assert (repo_root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = (repo_root / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "SPDX-License-Identifier: CC-BY-4.0" in data
    assert "https://creativecommons.org/licenses/by/4.0/" in data
