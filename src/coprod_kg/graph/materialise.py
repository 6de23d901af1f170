"""Links materialised when the graph is loaded: SSSOM mappings and identifier IRIs as triples.

- SSSOM mapping sets (`data/mappings/*.sssom.tsv`, or `mappings/` in a --source folder):
  each row becomes one SKOS mapping triple (`pop:older-people skos:closeMatch MESH:D000368`)
  plus an `owl:Axiom` node that records who made it, why, how confident, with which labels
  and comment, and in which mapping set (`dcterms:isPartOf`); the set is a node with its
  title, description, licence, creator, date and version.
- Identifiers of references: every `bibo:doi`, `bibo:pmid` and `fabio:hasPubMedCentralId`
  literal, wherever it appears, also gives a resolvable IRI with `schema:sameAs`
  (https://doi.org/..., https://pubmed.ncbi.nlm.nih.gov/..., https://www.ncbi.nlm.nih.gov/pmc/
  articles/PMC...). schema:sameAs ("a page that unambiguously identifies the item") rather
  than owl:sameAs: the PubMed and PMC IRIs name record pages, not the work, and OWL
  reasoners would merge the nodes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from coprod_kg import namespaces
from coprod_kg.errors import SourceParseError
from coprod_kg.graph.datasets import DATASETS, IDENTIFIER_PROPERTIES, SCHEMA_SAME_AS
from coprod_kg.graph.sssom import Mapping, MappingSet, read_mapping_set

Triple = tuple[str, str, object]  # subject IRI, predicate IRI, object: IRI str or a Literal


def mapping_set_triples(mapping_set: MappingSet):
    """The rdflib triples of one mapping set: the links, one axiom node each, the set node."""
    from rdflib import XSD, Literal, URIRef

    ns = namespaces.PREFIXES
    rdf_type = URIRef(ns["rdf"] + "type")
    owl, dcterms, sssom = ns["owl"], ns["dcterms"], ns["sssom"]
    rdfs_label = URIRef(ns["rdfs"] + "label")
    set_node = URIRef(mapping_set.set_id)
    triples = [
        (set_node, rdf_type, URIRef(sssom + "MappingSet")),
        (set_node, rdf_type, URIRef(ns["prov"] + "Entity")),
        (set_node, URIRef(dcterms + "license"), URIRef(mapping_set.license)),
    ]
    optional = [
        ("title", mapping_set.title, None), ("description", mapping_set.description, None),
        ("created", mapping_set.mapping_date, XSD.date),
    ]
    triples += [(set_node, URIRef(dcterms + name), Literal(value, datatype=datatype))
                for name, value, datatype in optional if value]
    if mapping_set.version:
        triples.append((set_node, URIRef(owl + "versionInfo"), Literal(mapping_set.version)))
    for creator, label in zip(mapping_set.creators, _padded(mapping_set.creator_labels,
                                                            len(mapping_set.creators)),
                              strict=True):
        triples.append((set_node, URIRef(dcterms + "creator"), URIRef(creator)))
        triples += _agent_triples(creator, label)
    for mapping in mapping_set.mappings:
        subject, predicate, target = URIRef(mapping.subject), URIRef(mapping.predicate), URIRef(
            mapping.object)
        axiom = URIRef(axiom_iri(mapping_set.set_id, mapping))
        triples += [
            (subject, predicate, target),
            (axiom, rdf_type, URIRef(owl + "Axiom")),
            (axiom, URIRef(owl + "annotatedSource"), subject),
            (axiom, URIRef(owl + "annotatedProperty"), predicate),
            (axiom, URIRef(owl + "annotatedTarget"), target),
            (axiom, URIRef(sssom + "mapping_justification"), URIRef(mapping.justification)),
            (axiom, URIRef(sssom + "confidence"),
             Literal(mapping.confidence, datatype=XSD.decimal)),
            (axiom, URIRef(sssom + "subject_label"), Literal(mapping.subject_label)),
            (axiom, URIRef(sssom + "object_label"), Literal(mapping.object_label)),
            (axiom, URIRef(dcterms + "creator"), URIRef(mapping.author)),
            (axiom, URIRef(dcterms + "isPartOf"), set_node),
        ]
        if mapping.comment:
            triples.append((axiom, URIRef(ns["rdfs"] + "comment"), Literal(mapping.comment)))
        if mapping.author_label:
            triples.append((URIRef(mapping.author), rdfs_label, Literal(mapping.author_label)))
        triples.append((URIRef(mapping.author), rdf_type, URIRef(ns["prov"] + "Agent")))
    return triples


def _agent_triples(agent: str, label: str | None):
    from rdflib import Literal, URIRef

    ns = namespaces.PREFIXES
    triples = [(URIRef(agent), URIRef(ns["rdf"] + "type"), URIRef(ns["prov"] + "Agent"))]
    if label:
        triples.append((URIRef(agent), URIRef(ns["rdfs"] + "label"), Literal(label)))
    return triples


def _padded(values: tuple[str, ...], length: int) -> list[str | None]:
    return list(values[:length]) + [None] * max(0, length - len(values))


def axiom_iri(set_id: str, mapping: Mapping) -> str:
    """A stable IRI for the axiom node of one mapping: the set's IRI / subject--object."""
    def slug(curie: str) -> str:
        return quote(curie.replace(":", "-"), safe="-._~")

    return f"{set_id}/{slug(mapping.subject_id)}--{slug(mapping.object_id)}"


def identifier_iri(dataset: str, value: str) -> str | None:
    """The resolvable IRI of a DOI, PMID or PMCID literal; None if the value is malformed
    (SHACL reports malformed identifiers; a link is made only from a valid one)."""
    value = value.strip()
    pattern = next(p for d, p in IDENTIFIER_PROPERTIES.values() if d == dataset)
    if not pattern.match(value):
        return None
    if dataset == "doi":
        return DATASETS["doi"].namespace + quote(value, safe="/:;()._-")
    return DATASETS[dataset].namespace + value


def identifier_triples(rows: Iterable[tuple[str, str, str]]):
    """`schema:sameAs` triples from (subject IRI, identifier property IRI, value) rows."""
    from rdflib import URIRef

    triples = []
    for subject, prop, value in rows:
        dataset, _ = IDENTIFIER_PROPERTIES[prop]
        iri = identifier_iri(dataset, value)
        if iri is not None:
            triples.append((URIRef(subject), URIRef(SCHEMA_SAME_AS), URIRef(iri)))
    return triples


def check_subjects(mapping_sets: Iterable[MappingSet], is_described) -> None:
    """Every mapping's subject must be an entity the loaded data describes: a misspelt
    subject_id would otherwise make a link from nothing that no quality gate notices."""
    for mapping_set in mapping_sets:
        for mapping in mapping_set.mappings:
            if not is_described(mapping.subject):
                raise SourceParseError(
                    f"{mapping_set.path}:{mapping.line}: column 'subject_id': "
                    f"{mapping.subject_id!r} is not described by the data (misspelt, or its "
                    "data file is missing)"
                )


def add_links(graph, mapping_paths: Iterable[Path]) -> None:
    """Add the mapping sets' triples and the references' identifier links to an rdflib graph."""
    from rdflib import URIRef

    mapping_sets = [read_mapping_set(path) for path in mapping_paths]
    check_subjects(mapping_sets, lambda iri: (URIRef(iri), None, None) in graph)
    for mapping_set in mapping_sets:
        for triple in mapping_set_triples(mapping_set):
            graph.add(triple)
    rows = [
        (str(s), prop, str(o))
        for prop in IDENTIFIER_PROPERTIES
        for s, o in graph.subject_objects(URIRef(prop))
    ]
    for triple in identifier_triples(rows):
        graph.add(triple)


def add_links_to_oxigraph(store, mapping_paths: Iterable[Path]) -> None:
    """The same for a pyoxigraph Store already loaded with the graph's files."""
    import pyoxigraph

    from coprod_kg.graph.results import to_oxigraph

    mapping_sets = [read_mapping_set(path) for path in mapping_paths]
    check_subjects(mapping_sets, lambda iri: next(store.quads_for_pattern(
        pyoxigraph.NamedNode(iri), None, None, pyoxigraph.DefaultGraph()), None) is not None)
    triples = [t for mapping_set in mapping_sets for t in mapping_set_triples(mapping_set)]
    rows = [
        (quad.subject.value, prop, quad.object.value)
        for prop in IDENTIFIER_PROPERTIES
        for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(prop), None,
                                            pyoxigraph.DefaultGraph())
        if isinstance(quad.subject, pyoxigraph.NamedNode)
    ]
    triples += identifier_triples(rows)
    store.extend(
        pyoxigraph.Quad(*(to_oxigraph(term) for term in triple), pyoxigraph.DefaultGraph())
        for triple in triples
    )
