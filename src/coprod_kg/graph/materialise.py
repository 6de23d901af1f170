"""Links materialised when the graph is loaded: SSSOM mappings and identifier IRIs as triples.

- SSSOM mapping sets (`data/mappings/*.sssom.tsv`, or `mappings/` in a --source folder):
  each row becomes one SKOS mapping triple (`pop:older-people skos:closeMatch MESH:D000368`)
  plus an `owl:Axiom` node that records who made it, why, how confident, with which labels
  and comment, and in which mapping set (`sssom:mappings`, as sssom-py writes it); the
  set is a node with its
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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from coprod_kg import namespaces
from coprod_kg.errors import SourceParseError
from coprod_kg.graph.datasets import DATASETS, IDENTIFIER_PROPERTIES, SCHEMA_SAME_AS
from coprod_kg.graph.sssom import Mapping, MappingSet, read_mapping_set

XSD = "http://www.w3.org/2001/XMLSchema#"
PAV = namespaces.PREFIXES["pav"]


class Iri(str):
    """An IRI in a materialised triple (a Lit is a literal)."""


@dataclass(frozen=True)
class Lit:
    """A literal in a materialised triple: lexical form and datatype (None: a simple one)."""

    value: str
    datatype: str | None = None


Triple = tuple[Iri, Iri, "Iri | Lit"]  # no library's terms: rdflib's and pyoxigraph's both


def mapping_set_triples(mapping_set: MappingSet) -> list[Triple]:
    """The triples of one mapping set: the links, one axiom node each, the set node."""
    ns = namespaces.PREFIXES
    rdf_type = Iri(ns["rdf"] + "type")
    owl, dcterms, sssom = ns["owl"], ns["dcterms"], ns["sssom"]
    rdfs_label = Iri(ns["rdfs"] + "label")
    set_node = Iri(mapping_set.set_id)
    triples = [
        (set_node, rdf_type, Iri(sssom + "MappingSet")),
        (set_node, Iri(dcterms + "license"), Iri(mapping_set.license)),
    ]
    optional = [
        ("title", mapping_set.title, None), ("description", mapping_set.description, None),
        ("created", mapping_set.mapping_date, XSD + "date"),
    ]
    triples += [(set_node, Iri(dcterms + name), Lit(str(value), datatype))
                for name, value, datatype in optional if value]
    if mapping_set.version:
        triples.append((set_node, Iri(owl + "versionInfo"), Lit(str(mapping_set.version))))
    for creator, label in zip(mapping_set.creators, _padded(mapping_set.creator_labels,
                                                            len(mapping_set.creators)),
                              strict=True):
        triples.append((set_node, Iri(dcterms + "creator"), Iri(creator)))
        if label:
            triples.append((set_node, Iri(sssom + "creator_label"), Lit(label)))
        triples += _agent_triples(creator, label)
    for mapping in mapping_set.mappings:
        subject, predicate, target = Iri(mapping.subject), Iri(mapping.predicate), Iri(
            mapping.object)
        axiom = Iri(axiom_iri(mapping_set.set_id, mapping))
        triples += [
            (subject, predicate, target),
            (axiom, rdf_type, Iri(owl + "Axiom")),
            (axiom, Iri(owl + "annotatedSource"), subject),
            (axiom, Iri(owl + "annotatedProperty"), predicate),
            (axiom, Iri(owl + "annotatedTarget"), target),
            (axiom, Iri(sssom + "mapping_justification"), Iri(mapping.justification)),
            # an xsd:double, as sssom-py writes and reads it; spelled as the TSV has it
            (axiom, Iri(sssom + "confidence"), Lit(f"{mapping.confidence:f}", XSD + "double")),
            (axiom, Iri(sssom + "subject_label"), Lit(mapping.subject_label)),
            (axiom, Iri(sssom + "object_label"), Lit(mapping.object_label)),
            (axiom, Iri(PAV + "authoredBy"), Iri(mapping.author)),
            (set_node, Iri(sssom + "mappings"), axiom),
        ]
        if mapping.comment:
            triples.append((axiom, Iri(ns["rdfs"] + "comment"), Lit(mapping.comment)))
        if mapping.author_label:
            triples.append((axiom, Iri(sssom + "author_label"), Lit(mapping.author_label)))
            triples.append((Iri(mapping.author), rdfs_label, Lit(mapping.author_label)))
        triples.append((Iri(mapping.author), rdf_type, Iri(ns["prov"] + "Agent")))
    return triples


def _agent_triples(agent: str, label: str | None) -> list[Triple]:
    ns = namespaces.PREFIXES
    triples = [(Iri(agent), Iri(ns["rdf"] + "type"), Iri(ns["prov"] + "Agent"))]
    if label:
        triples.append((Iri(agent), Iri(ns["rdfs"] + "label"), Lit(label)))
    return triples


def as_rdflib(term: Iri | Lit):
    from rdflib import Literal, URIRef

    if isinstance(term, Lit):
        return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)
    return URIRef(term)


def as_oxigraph(term: Iri | Lit):
    import pyoxigraph

    if isinstance(term, Lit):
        if term.datatype is None:
            return pyoxigraph.Literal(term.value)
        return pyoxigraph.Literal(term.value, datatype=pyoxigraph.NamedNode(term.datatype))
    return pyoxigraph.NamedNode(term)


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


def identifier_triples(rows: Iterable[tuple[str, str, str]]) -> list[Triple]:
    """`schema:sameAs` triples from (subject IRI, identifier property IRI, value) rows."""
    triples = []
    for subject, prop, value in rows:
        dataset, _ = IDENTIFIER_PROPERTIES[prop]
        iri = identifier_iri(dataset, value)
        if iri is not None:
            triples.append((Iri(subject), Iri(SCHEMA_SAME_AS), Iri(iri)))
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
            graph.add(tuple(as_rdflib(term) for term in triple))
    rows = [
        (str(s), prop, str(o))
        for prop in IDENTIFIER_PROPERTIES
        for s, o in graph.subject_objects(URIRef(prop))
    ]
    for triple in identifier_triples(rows):
        graph.add(tuple(as_rdflib(term) for term in triple))


def add_links_to_oxigraph(store, mapping_paths: Iterable[Path]) -> None:
    """The same for a pyoxigraph Store already loaded with the graph's files."""
    import pyoxigraph

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
        pyoxigraph.Quad(*(as_oxigraph(term) for term in triple), pyoxigraph.DefaultGraph())
        for triple in triples
    )
