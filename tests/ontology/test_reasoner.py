"""OWL 2 DL: the ontology plus the bundled data, checked by HermiT (through owlready2).

HermiT accepts only the datatypes of the OWL 2 datatype map, so a literal typed xsd:duration,
xsd:gYear or xsd:date stops it; the disjointness axioms make it report a mistyped node.
Each document is handed to owlready2 under its own IRI before the one that imports it, so
owl:imports resolves to the local files and nothing is fetched from the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef

from coprod_kg.graph import sources

owlready2 = pytest.importorskip("owlready2", reason="owlready2 is a test extra: make install")

ONTOLOGY = "https://w3id.org/coprod-kg/ontology"
MODULE = "https://w3id.org/coprod-kg/ontology/living-evidence"
DOCUMENTS = {MODULE: "living-evidence.ttl", ONTOLOGY: "coprod.ttl"}  # imported one first
CPO = ONTOLOGY + "#"
EX = "http://example.org/fixture/"

# The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4).
OWL2_DATATYPES = {
    "http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    "http://www.w3.org/2000/01/rdf-schema#Literal",
} | {
    "http://www.w3.org/2001/XMLSchema#" + name for name in (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger "
        "negativeInteger long int short byte unsignedLong unsignedInt unsignedShort "
        "unsignedByte double float string normalizedString token language Name NCName "
        "NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
    ).split()
}

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="no java on PATH: `make system-deps` installs Debian's default-jre-headless",
)


def ontology_graphs() -> dict[str, Graph]:
    return {iri: Graph().parse(sources.ontology_dir() / name) for iri, name in DOCUMENTS.items()}


def hermit(data: Graph, tmp_path: Path, ontologies: dict[str, Graph] | None = None) -> list[str]:
    """Run HermiT over the ontology documents plus `data`; return the unsatisfiable classes.

    Raises owlready2.OwlReadyInconsistentOntologyError when the whole is inconsistent."""
    ontologies = ontology_graphs() if ontologies is None else ontologies
    imported = {str(o) for g in [*ontologies.values(), data] for o in g.objects(None, OWL.imports)}
    assert imported <= set(ontologies), f"an import has no local document: {imported}"
    world = owlready2.World()
    for iri, graph in [*ontologies.items(), (EX + "data", data)]:
        path = tmp_path / (iri.rsplit("/", 1)[-1] + ".nt")
        graph.serialize(path, format="nt", encoding="utf-8")
        with path.open("rb") as handle:
            last = world.get_ontology(iri).load(fileobj=handle, format="ntriples")
    with last:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return sorted(str(c.iri) for c in world.inconsistent_classes())


def outside_the_datatype_map(graph: Graph) -> list[str]:
    found = {f"{s} {p} {o.n3()}" for s, p, o in graph
             if isinstance(o, Literal) and o.datatype and str(o.datatype) not in OWL2_DATATYPES}
    found |= {f"{s} {p} {o}" for s, p, o in graph
              if p == URIRef("http://www.w3.org/2000/01/rdf-schema#range")
              and str(o).startswith("http://www.w3.org/2001/XMLSchema#")
              and str(o) not in OWL2_DATATYPES}
    return sorted(found)


# --------------------------------------------------------------------------
# The bundled ontology and data
# --------------------------------------------------------------------------


def test_the_ontology_documents_use_only_owl2_datatypes():
    for iri, graph in ontology_graphs().items():
        assert outside_the_datatype_map(graph) == [], iri


def test_the_ontology_imports_its_living_evidence_module():
    graphs = ontology_graphs()
    assert (URIRef(ONTOLOGY), OWL.imports, URIRef(MODULE)) in graphs[ONTOLOGY]
    assert (URIRef(MODULE), RDF.type, OWL.Ontology) in graphs[MODULE]


# --------------------------------------------------------------------------
# Small broken fixtures: the disjointness axioms and the ranges catch a mistyped node
# --------------------------------------------------------------------------


def fixture_graph(turtle: str) -> Graph:
    prefixes = f"@prefix cpo: <{CPO}> .\n@prefix ex: <{EX}> .\n"
    return Graph().parse(data=prefixes + turtle, format="turtle")


def test_a_well_typed_fixture_is_consistent(tmp_path):
    data = fixture_graph("""
        ex:case a cpo:CaseStudy ; cpo:hasOutcome ex:outcome .
        ex:outcome a cpo:QualitativeOutcome .
    """)
    assert hermit(data, tmp_path) == []


@pytest.mark.parametrize("turtle", [
    pytest.param("ex:node a cpo:CaseStudy , cpo:Outcome .", id="case-study-and-outcome"),
    pytest.param("ex:node a cpo:QuantifiedOutcome , cpo:ExpectedOutcome .",
                 id="two-outcome-kinds"),
    pytest.param("ex:node a cpo:Population , cpo:Setting .", id="two-concept-classes"),
    pytest.param("ex:case a cpo:CaseStudy ; cpo:hasOutcome ex:node . ex:node a cpo:Principle .",
                 id="range-makes-a-principle-an-outcome"),
    pytest.param("ex:evidence cpo:aboutClaim ex:node . ex:node a cpo:LearningPoint .",
                 id="claim-that-is-a-learning-point"),
])
def test_a_mistyped_node_makes_hermit_report_inconsistency(tmp_path, turtle):
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(fixture_graph(turtle), tmp_path)
