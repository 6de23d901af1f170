"""A VoID + DCAT description of the knowledge graph, with counts taken from the graph.

The description is one small graph: the dataset (`void:Dataset`, `dcat:Dataset`) with
its title, description, licence, source (the review), publisher, contact point and
creation date; its distributions (Turtle and JSON-LD dumps, and the SPARQL endpoint
when one is given); its statistics (`void:triples`, `void:classes`, `void:entities`,
`void:properties`, `void:distinctSubjects`, `void:distinctObjects`); the vocabularies
it uses; and one `void:Linkset` per external dataset with the number of links.

Every count is a SPARQL query on the store, so the description is right for whichever
store (memory, Oxigraph, a remote endpoint) holds the graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from coprod_kg import namespaces
from coprod_kg.graph.datasets import DATASETS, dataset_of
from coprod_kg.links.listing import link_counts, list_links

DEFAULT_BASE_URL = "https://w3id.org/coprod-kg/"
REVIEW_IRI = namespaces.INSTANCES + "review"
LICENSE_IRI = "https://creativecommons.org/licenses/by/4.0/"
TITLE = "coprod-kg: the evidence base for co-production in health and social care"
DESCRIPTION = (
    "A linked-data knowledge graph of the rapid review 'Approaches and methodologies of "
    "patient co-production/design: A rapid review of existing evidence' (Healthy London "
    "Partnership, December 2016): the principles of co-production, the six case studies "
    "with their populations, settings, study designs, reported outcomes (each with its "
    "quote, page and reference), learning points and references, later published "
    "evidence about the same claims, and links to MeSH, Wikidata, DOI, PubMed and PMC."
)
DUMP_FILES = (
    ("turtle", "coprod-kg.ttl", "text/turtle"),
    ("json-ld", "coprod-kg.jsonld", "application/ld+json"),
)
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

COUNT_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "entities": (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o . "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{namespaces.INSTANCES}")) }}'
    ),
}
TERMS_QUERY = "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }"
OUR_NAMESPACES = (namespaces.INSTANCES,)


@dataclass(frozen=True)
class DescribeOptions:
    base_url: str = DEFAULT_BASE_URL
    sparql_endpoint: str | None = None
    created: str | None = None  # xsd:date; default: the ontology's dcterms:created
    publisher: str = "coprod-kg developers"
    contact_url: str = DEFAULT_BASE_URL
    contact_email: str | None = None


def graph_counts(store) -> dict[str, int]:
    """The VoID statistics of the graph held by `store`."""
    return {name: int(store.query(text).rows[0][0]) for name, text in COUNT_QUERIES.items()}


def vocabularies(store) -> list[str]:
    """Namespaces of the properties and classes the graph uses (not our instance namespace)."""
    known = sorted(set(namespaces.PREFIXES.values()), key=len, reverse=True)
    found = set()
    for (term,) in store.query(TERMS_QUERY).rows:
        iri = str(term)
        namespace = next((ns for ns in known if iri.startswith(ns)), None) or _split(iri)
        if namespace and not namespace.startswith(OUR_NAMESPACES):
            found.add(namespace)
    return sorted(found)


def _split(iri: str) -> str | None:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else None


def ontology_created(store) -> str | None:
    """The ontology header's dcterms:created, if the graph has one."""
    result = store.query(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?created WHERE { ?o a owl:Ontology ; dcterms:created ?created } "
        "ORDER BY ?created LIMIT 1"
    )
    return str(result.rows[0][0]) if result.rows else None


def linkset_sources(store) -> dict[str, list[str]]:
    """For each target dataset, the IRIs of the SSSOM mapping sets its links come from."""
    result = store.query(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "PREFIX sssom: <https://w3id.org/sssom/> "
        "SELECT DISTINCT ?target ?set WHERE { ?axiom owl:annotatedTarget ?target . "
        "?set sssom:mappings ?axiom } ORDER BY ?set"
    )
    sources: dict[str, set[str]] = {}
    for target, mapping_set in result.rows:
        dataset = dataset_of(str(target))
        if dataset:
            sources.setdefault(dataset, set()).add(str(mapping_set))
    return {key: sorted(values) for key, values in sources.items()}


def link_predicates(store) -> dict[str, list[str]]:
    result = list_links(store)
    dataset_column = result.variables.index("dataset")
    predicate_column = result.variables.index("matchType")
    predicates: dict[str, set[str]] = {}
    for row in result.rows:
        predicates.setdefault(str(row[dataset_column]), set()).add(str(row[predicate_column]))
    return {key: sorted(values) for key, values in predicates.items()}


def describe(store, options: DescribeOptions | None = None):
    """The VoID + DCAT description of the graph in `store`, as an rdflib Graph."""
    from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

    options = options or DescribeOptions()
    ns = namespaces.PREFIXES
    void, dcat, dcterms = Namespace(ns["void"]), Namespace(ns["dcat"]), Namespace(ns["dcterms"])
    foaf, vcard = Namespace(ns["foaf"]), Namespace(ns["vcard"])
    base = options.base_url if options.base_url.endswith("/") else options.base_url + "/"
    here = Namespace(base + "void#")
    dataset = here.dataset

    graph = Graph()
    add = graph.add
    add((dataset, RDF.type, void.Dataset))
    add((dataset, RDF.type, dcat.Dataset))
    add((dataset, dcterms.title, Literal(TITLE, lang="en")))
    add((dataset, dcterms.description, Literal(DESCRIPTION, lang="en")))
    add((dataset, dcterms.license, URIRef(LICENSE_IRI)))
    add((dataset, dcterms.source, URIRef(REVIEW_IRI)))
    add((dataset, foaf.homepage, URIRef(base)))
    add((dataset, void.uriSpace, Literal(namespaces.INSTANCES)))
    created = options.created or ontology_created(store)
    if created:
        add((dataset, dcterms.created, Literal(created, datatype=XSD.date)))

    publisher = here.publisher
    add((dataset, dcterms.publisher, publisher))
    add((publisher, RDF.type, foaf.Agent))
    add((publisher, foaf.name, Literal(options.publisher)))
    contact = here.contact
    add((dataset, dcat.contactPoint, contact))
    add((contact, RDF.type, vcard.Kind))
    add((contact, vcard.fn, Literal(options.publisher)))
    add((contact, vcard.hasURL, URIRef(options.contact_url)))
    if options.contact_email:
        add((contact, vcard.hasEmail, URIRef(f"mailto:{options.contact_email}")))

    for fmt, filename, media_type in DUMP_FILES:
        distribution = here[f"dump-{fmt}"]
        url = URIRef(base + filename)
        add((dataset, dcat.distribution, distribution))
        add((dataset, void.dataDump, url))
        add((distribution, RDF.type, dcat.Distribution))
        add((distribution, dcterms.title, Literal(f"{fmt} dump")))
        add((distribution, dcat.downloadURL, url))
        add((distribution, dcat.mediaType, URIRef(IANA_MEDIA_TYPES + media_type)))
        add((distribution, dcterms.license, URIRef(LICENSE_IRI)))

    if options.sparql_endpoint:
        endpoint, service = URIRef(options.sparql_endpoint), here["sparql-service"]
        add((dataset, void.sparqlEndpoint, endpoint))
        add((service, RDF.type, dcat.DataService))
        add((service, dcat.endpointURL, endpoint))
        add((service, dcat.servesDataset, dataset))
        add((service, dcterms.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        distribution = here["sparql-distribution"]
        add((dataset, dcat.distribution, distribution))
        add((distribution, RDF.type, dcat.Distribution))
        add((distribution, dcat.accessURL, endpoint))
        add((distribution, dcat.accessService, service))

    for name, value in graph_counts(store).items():
        add((dataset, void[name], Literal(value, datatype=XSD.integer)))
    for namespace in vocabularies(store):
        add((dataset, void.vocabulary, URIRef(namespace)))

    counts = link_counts(store)
    predicates = link_predicates(store)
    sources = linkset_sources(store)
    for key, count in counts.items():
        target = DATASETS.get(key)
        if target is None:
            continue
        linkset, target_node = here[f"linkset-{key}"], here[key]
        add((dataset, void.subset, linkset))
        add((linkset, RDF.type, void.Linkset))
        add((linkset, void.subjectsTarget, dataset))
        add((linkset, void.objectsTarget, target_node))
        add((linkset, void.triples, Literal(count, datatype=XSD.integer)))
        for predicate in predicates.get(key, []):
            add((linkset, void.linkPredicate, URIRef(predicate)))
        for mapping_set in sources.get(key, []):
            add((linkset, dcterms.source, URIRef(mapping_set)))
        add((target_node, RDF.type, void.Dataset))
        add((target_node, dcterms.title, Literal(target.title)))
        add((target_node, foaf.homepage, URIRef(target.homepage)))
        add((target_node, void.uriSpace, Literal(target.namespace)))
        if target.sparql_endpoint:
            add((target_node, void.sparqlEndpoint, URIRef(target.sparql_endpoint)))
    return graph
