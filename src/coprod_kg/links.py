"""Links to external datasets: SSSOM mapping sets, identifiers of references, link checks.

Two kinds of link end up in the graph when it is loaded:

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

The SSSOM reader here is our own and small: sssom-py pulls in pandas and LinkML and takes
about 1.5 s to import, too slow for every command. It checks what loading needs (header,
prefixes, columns, values) and names file, line and column; `validate_with_sssom_py` runs
the reference validator (sssom-py) for the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

from coprod_kg import namespaces
from coprod_kg.errors import EndpointError, InputError, SourceParseError

MAPPINGS_FOLDER = "mappings"
SSSOM_SUFFIX = ".sssom.tsv"

SKOS = namespaces.PREFIXES["skos"]
SCHEMA_SAME_AS = namespaces.PREFIXES["schema"] + "sameAs"
MATCH_PREDICATES = tuple(
    f"skos:{name}" for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                                "relatedMatch")
)
LINK_PREDICATES = tuple(SKOS + p.split(":")[1] for p in MATCH_PREDICATES) + (SCHEMA_SAME_AS,)

REQUIRED_METADATA = ("curie_map", "mapping_set_id", "license")
REQUIRED_COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "author_id", "confidence",
)
ENTITY_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification", "author_id")
# The SSSOM slots we accept as columns (a bad header is one with anything else).
KNOWN_COLUMNS = REQUIRED_COLUMNS + (
    "subject_category", "subject_type", "subject_source", "subject_source_version",
    "predicate_label", "predicate_modifier", "object_category", "object_type",
    "object_source", "object_source_version", "author_label", "reviewer_id",
    "reviewer_label", "creator_id", "creator_label", "comment", "mapping_date",
    "see_also", "license", "similarity_score", "similarity_measure", "mapping_tool",
    "issue_tracker_item", "match_string", "other",
)
# The values SSSOM allows in mapping_justification (the sssom-schema's pattern).
JUSTIFICATIONS = tuple(f"semapv:{name}" for name in (
    "ManualMappingCuration", "MappingReview", "LogicalReasoning", "LexicalMatching",
    "CompositeMatching", "UnspecifiedMatching", "SemanticSimilarityThresholdMatching",
    "LexicalSimilarityThresholdMatching", "MappingChaining", "MappingInversion",
    "StructuralMatching", "InstanceBasedMatching", "BackgroundKnowledgeBasedMatching",
))
# Prefixes SSSOM defines itself; a file may use them without declaring them.
SSSOM_BUILTIN_PREFIXES = ("owl", "rdf", "rdfs", "skos", "semapv", "sssom", "xsd", "dcterms")
CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.\-]*):(\S+)$")


@dataclass(frozen=True)
class Dataset:
    """An external dataset we link to."""

    key: str
    title: str
    namespace: str
    homepage: str
    sparql_endpoint: str | None = None
    graph: str | None = None  # the named graph its endpoint keeps the data in (FROM)
    request_parameters: tuple[tuple[str, str], ...] = ()  # extra URL parameters it expects


DATASETS: dict[str, Dataset] = {
    # NLM's endpoint answers HTML unless format=JSON, and keeps MeSH in a named graph
    "mesh": Dataset("mesh", "Medical Subject Headings (MeSH), RDF", namespaces.PREFIXES["MESH"],
                    "https://id.nlm.nih.gov/mesh/", "https://id.nlm.nih.gov/mesh/sparql",
                    graph="http://id.nlm.nih.gov/mesh", request_parameters=(("format", "JSON"),)),
    "wikidata": Dataset("wikidata", "Wikidata", namespaces.PREFIXES["wikidata"],
                        "https://www.wikidata.org/", "https://query.wikidata.org/sparql",
                        request_parameters=(("format", "json"),)),
    "doi": Dataset("doi", "DOI", namespaces.PREFIXES["doi"], "https://www.doi.org/"),
    "pubmed": Dataset("pubmed", "PubMed", namespaces.PREFIXES["pubmed"],
                      "https://pubmed.ncbi.nlm.nih.gov/"),
    "pmc": Dataset("pmc", "PubMed Central", namespaces.PREFIXES["pmc"],
                   "https://www.ncbi.nlm.nih.gov/pmc/"),
}
CHECKABLE_DATASETS = ("mesh", "wikidata")

# Literal identifier properties of references -> (dataset, pattern of a valid value)
IDENTIFIER_PROPERTIES: dict[str, tuple[str, re.Pattern[str]]] = {
    namespaces.PREFIXES["bibo"] + "doi": ("doi", re.compile(r"^10\.\d{4,9}/\S+$")),
    namespaces.PREFIXES["bibo"] + "pmid": ("pubmed", re.compile(r"^\d{1,9}$")),
    namespaces.PREFIXES["fabio"] + "hasPubMedCentralId": ("pmc", re.compile(r"^PMC\d{1,9}$")),
}


def dataset_of(iri: str) -> str | None:
    """The key of the external dataset an IRI belongs to, or None."""
    for key, dataset in DATASETS.items():
        if iri.startswith(dataset.namespace):
            return key
    return None


# --------------------------------------------------------------------------
# Reading SSSOM mapping sets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    subject: str  # full IRIs
    predicate: str
    object: str
    subject_id: str  # CURIEs as written
    object_id: str
    subject_label: str
    object_label: str
    justification: str
    author: str
    author_label: str
    confidence: Decimal
    comment: str
    line: int


@dataclass(frozen=True)
class MappingSet:
    path: Path
    set_id: str
    license: str
    curie_map: dict[str, str]
    title: str = ""
    description: str = ""
    version: str = ""
    mapping_date: str = ""
    creators: tuple[str, ...] = ()
    creator_labels: tuple[str, ...] = ()
    mappings: tuple[Mapping, ...] = field(default_factory=tuple)


def mapping_files(source_paths: Iterable[Path] | None = None) -> list[Path]:
    """The SSSOM files to load: data/mappings/ of the bundled data, or every *.sssom.tsv
    below a --source folder (files given directly are RDF files, not mapping sets)."""
    from coprod_kg import sources

    if source_paths:
        folders = [Path(p) for p in source_paths if Path(p).is_dir()]
        return sorted(f for folder in folders for f in folder.rglob(f"*{SSSOM_SUFFIX}"))
    return sorted((sources.data_dir() / MAPPINGS_FOLDER).glob(f"*{SSSOM_SUFFIX}"))


def read_mapping_set(path: Path) -> MappingSet:
    """Parse and check one SSSOM/TSV file; any problem raises SourceParseError naming
    the file, the line and (for a cell) the column."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise SourceParseError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise SourceParseError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise SourceParseError(f"{path}: cannot be read: {error.strerror}") from None
    metadata_lines = [line[1:] for line in _leading_comments(lines)]
    metadata = _parse_metadata(path, metadata_lines)
    curie_map = _check_curie_map(path, metadata, metadata_lines)
    header_line = len(metadata_lines) + 1
    if header_line > len(lines) or not lines[header_line - 1].strip():
        raise SourceParseError(f"{path}:{header_line}: no header row (expected the column names)")
    columns = _check_header(path, header_line, lines[header_line - 1].split("\t"))
    prefixes = dict(curie_map)
    mappings = []
    seen: dict[tuple[str, str], int] = {}
    for number, text in enumerate(lines[header_line:], start=header_line + 1):
        if not text.strip():
            continue
        mapping = _read_row(path, number, columns, text.split("\t"), prefixes)
        key = (mapping.subject, mapping.object)
        if key in seen:
            raise SourceParseError(
                f"{path}:{number}: column 'object_id': {mapping.subject_id} -> "
                f"{mapping.object_id} is already mapped on line {seen[key]}"
            )
        seen[key] = number
        mappings.append(mapping)
    return MappingSet(
        path=Path(path),
        set_id=_metadata_iri(path, metadata, "mapping_set_id", prefixes),
        license=_metadata_iri(path, metadata, "license", prefixes),
        curie_map=curie_map,
        title=str(metadata.get("mapping_set_title") or ""),
        description=" ".join(str(metadata.get("mapping_set_description") or "").split()),
        version=str(metadata.get("mapping_set_version") or ""),
        mapping_date=str(metadata.get("mapping_date") or ""),
        creators=tuple(_expand(path, 1, "creator_id", c, prefixes)
                       for c in _as_list(metadata.get("creator_id"))),
        creator_labels=tuple(str(c) for c in _as_list(metadata.get("creator_label"))),
        mappings=tuple(mappings),
    )


def _leading_comments(lines: list[str]) -> list[str]:
    result = []
    for line in lines:
        if not line.startswith("#"):
            break
        result.append(line)
    return result


def _parse_metadata(path: Path, metadata_lines: list[str]) -> dict:
    import yaml

    if not metadata_lines:
        raise SourceParseError(f"{path}:1: no metadata block (expected '#curie_map:' and the "
                               "mapping set's metadata in '#' lines before the header)")
    try:
        metadata = yaml.safe_load("\n".join(metadata_lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ":1"
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise SourceParseError(
            f"{path}{where}: metadata block is not valid YAML: {problem}") from None
    if not isinstance(metadata, dict):
        raise SourceParseError(f"{path}:1: metadata block must be a YAML mapping")
    for key in REQUIRED_METADATA:
        if not metadata.get(key):
            raise SourceParseError(f"{path}:1: metadata: '{key}' is missing")
    return metadata


def _check_curie_map(path: Path, metadata: dict, metadata_lines: list[str]) -> dict[str, str]:
    """Every prefix of the file's curie_map must be the project's, with the same namespace."""
    curie_map = metadata["curie_map"]
    if not isinstance(curie_map, dict):
        raise SourceParseError(f"{path}:1: metadata: 'curie_map' must map prefixes to namespaces")
    checked = {}
    for prefix, namespace in curie_map.items():
        line = _line_of_key(metadata_lines, str(prefix))
        expected = namespaces.PREFIXES.get(str(prefix))
        if expected is None:
            raise SourceParseError(
                f"{path}:{line}: curie_map: unknown prefix '{prefix}' (not in coprod_kg.namespaces)"
            )
        if str(namespace) != expected:
            raise SourceParseError(
                f"{path}:{line}: curie_map: prefix '{prefix}' is <{namespace}>, "
                f"but coprod_kg.namespaces has <{expected}>"
            )
        checked[str(prefix)] = expected
    return checked


def _line_of_key(metadata_lines: list[str], key: str) -> int:
    pattern = re.compile(rf"^\s+{re.escape(key)}\s*:")
    return next((i for i, text in enumerate(metadata_lines, start=1) if pattern.match(text)), 1)


def _check_header(path: Path, line: int, columns: list[str]) -> list[str]:
    columns = [c.strip() for c in columns]
    for position, name in enumerate(columns, start=1):
        if name not in KNOWN_COLUMNS:
            raise SourceParseError(
                f"{path}:{line}: column {position} '{name}': not an SSSOM column"
            )
        if columns.index(name) != position - 1:
            raise SourceParseError(f"{path}:{line}: column '{name}': appears twice in the header")
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise SourceParseError(f"{path}:{line}: column '{name}': missing from the header")
    return columns


def _read_row(path: Path, line: int, columns: list[str], cells: list[str],
              prefixes: dict[str, str]) -> Mapping:
    if len(cells) != len(columns):
        raise SourceParseError(
            f"{path}:{line}: expected {len(columns)} tab-separated columns, found {len(cells)}"
        )
    row = {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
    for name in REQUIRED_COLUMNS:
        if not row[name]:
            raise SourceParseError(f"{path}:{line}: column '{name}': empty")
    iris = {name: _expand(path, line, name, row[name], prefixes) for name in ENTITY_COLUMNS}
    if row["predicate_id"] not in MATCH_PREDICATES:
        raise SourceParseError(
            f"{path}:{line}: column 'predicate_id': {row['predicate_id']!r} is not one of "
            f"{', '.join(MATCH_PREDICATES)}"
        )
    if row["mapping_justification"] not in JUSTIFICATIONS:
        raise SourceParseError(
            f"{path}:{line}: column 'mapping_justification': "
            f"{row['mapping_justification']!r} is not a SSSOM justification (expected a "
            "semapv: term such as semapv:ManualMappingCuration)"
        )
    if row["predicate_id"] != "skos:exactMatch" and not row.get("comment"):
        raise SourceParseError(
            f"{path}:{line}: column 'comment': a {row['predicate_id']} needs a comment saying "
            "how the concepts differ"
        )
    return Mapping(
        subject=iris["subject_id"], predicate=iris["predicate_id"], object=iris["object_id"],
        subject_id=row["subject_id"], object_id=row["object_id"],
        subject_label=row["subject_label"], object_label=row["object_label"],
        justification=iris["mapping_justification"], author=iris["author_id"],
        author_label=row.get("author_label", ""),
        confidence=_confidence(path, line, row["confidence"]), comment=row.get("comment", ""),
        line=line,
    )


def _confidence(path: Path, line: int, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= 1:
        raise SourceParseError(
            f"{path}:{line}: column 'confidence': {text!r} is not a number from 0 to 1"
        )
    return value


def _expand(path: Path, line: int, column: str, curie: str, prefixes: dict[str, str]) -> str:
    match = CURIE.match(curie)
    if not match or match.group(2).startswith("//"):
        raise SourceParseError(f"{path}:{line}: column '{column}': {curie!r} is not a CURIE")
    prefix, local = match.groups()
    namespace = prefixes.get(prefix)
    if namespace is None and prefix in SSSOM_BUILTIN_PREFIXES:
        namespace = namespaces.PREFIXES.get(prefix)
    if namespace is None:
        raise SourceParseError(
            f"{path}:{line}: column '{column}': unknown prefix '{prefix}' in {curie!r} "
            "(declare it in the curie_map)"
        )
    return namespace + local


def _metadata_iri(path: Path, metadata: dict, key: str, prefixes: dict[str, str]) -> str:
    value = str(metadata[key]).strip()
    if re.match(r"^https?://\S+$", value):
        return value
    return _expand(path, 1, key, value, prefixes)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def validate_with_sssom_py(path: Path) -> None:
    """Run sssom-py's own parser and JSON-schema validator on a file (slow: ~1.5 s import).

    Raises SourceParseError with the file name and sssom-py's first message."""
    import logging

    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    logging.getLogger("sssom").setLevel(logging.ERROR)
    try:
        mapping_set = parse_sssom_table(str(path))
        validate(mapping_set)
    except Exception as error:  # sssom-py raises many kinds of error
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SourceParseError(f"{path}: sssom-py: {message}") from None


# --------------------------------------------------------------------------
# Links as triples
# --------------------------------------------------------------------------

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

    from coprod_kg.store import _to_oxigraph

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
        pyoxigraph.Quad(*(_to_oxigraph(term) for term in triple), pyoxigraph.DefaultGraph())
        for triple in triples
    )


# --------------------------------------------------------------------------
# Listing the links (competency question 12)
# --------------------------------------------------------------------------

LINKS_QUERY = "links"


def list_links(store, dataset: str | None = None):
    """The QueryResult of the stored query links.rq, optionally for one dataset."""
    from coprod_kg import catalogue

    query = catalogue.get_query(LINKS_QUERY)
    given = {"dataset": dataset} if dataset else {}
    return store.query(catalogue.bound_text(query, given))


def link_counts(store) -> dict[str, int]:
    """Number of links per dataset key (only datasets that have links)."""
    result = list_links(store)
    column = result.variables.index("dataset")
    counts: dict[str, int] = {}
    for row in result.rows:
        counts[str(row[column])] = counts.get(str(row[column]), 0) + 1
    return dict(sorted(counts.items()))


# --------------------------------------------------------------------------
# Checking links against a SPARQL endpoint
# --------------------------------------------------------------------------

EXPECTED_LABELS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX sssom: <https://w3id.org/sssom/>
SELECT ?entity ?predicate ?target ?label WHERE {
  ?entity ?predicate ?target .
  FILTER(STRSTARTS(STR(?target), NAMESPACE))
  FILTER(STRSTARTS(STR(?predicate), "http://www.w3.org/2004/02/skos/core#"))
  OPTIONAL {
    ?axiom owl:annotatedSource ?entity ; owl:annotatedProperty ?predicate ;
           owl:annotatedTarget ?target ; sssom:object_label ?label .
  }
}
ORDER BY ?target ?entity
"""


@dataclass(frozen=True)
class LinkStatus:
    entity: str
    predicate: str
    target: str
    expected_label: str | None
    status: str  # ok, missing, deprecated, relabelled
    found_label: str | None = None
    detail: str = ""

    @property
    def broken(self) -> bool:
        return self.status in ("missing", "deprecated")


def links_to_check(store, dataset: str) -> list[tuple[str, str, str, str | None]]:
    """(entity, predicate, target, expected label) for each SKOS link into a dataset."""
    from rdflib import Literal

    namespace = Literal(DATASETS[dataset].namespace).n3()
    result = store.query(EXPECTED_LABELS.replace("NAMESPACE", namespace))
    return [
        (str(e), str(p), str(t), str(label) if label is not None else None)
        for e, p, t, label in result.rows
    ]


# Deprecation: MeSH RDF marks withdrawn records with meshv:active false; Wikidata merges
# an item into another with owl:sameAs (a redirect); owl:deprecated is the generic form.
TARGET_STATE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <http://schema.org/>
PREFIX meshv: <http://id.nlm.nih.gov/mesh/vocab#>
SELECT ?target ?label ?name ?active ?deprecated ?redirect FROM_CLAUSE WHERE {
  VALUES ?target { TARGETS }
  FILTER EXISTS { ?target ?anyPredicate ?anyObject }
  OPTIONAL { ?target rdfs:label ?label .
             FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?target schema:name ?name .
             FILTER(LANG(?name) = "" || LANGMATCHES(LANG(?name), "en")) }
  OPTIONAL { ?target meshv:active ?active }
  OPTIONAL { ?target owl:deprecated ?deprecated }
  OPTIONAL { ?target owl:sameAs ?redirect . FILTER(?redirect != ?target) }
}
"""

USER_AGENT_TEMPLATE = "coprod-kg/{version} (https://w3id.org/coprod-kg; link check)"
MAX_GET_URL = 2000


def check_links(store, dataset: str, endpoint: str, timeout: float = 30.0) -> list[LinkStatus]:
    """Ask `endpoint` about every target of our links into `dataset`."""
    if dataset not in CHECKABLE_DATASETS:
        raise InputError(
            f"--dataset {dataset!r}: only {', '.join(CHECKABLE_DATASETS)} can be checked")
    links = links_to_check(store, dataset)
    if not links:
        return []
    targets = sorted({target for _, _, target, _ in links})
    from rdflib import URIRef

    target = DATASETS[dataset]
    from_clause = f"FROM {URIRef(target.graph).n3()}" if target.graph else ""
    query = TARGET_STATE.replace("TARGETS", " ".join(URIRef(t).n3() for t in targets))
    query = query.replace("FROM_CLAUSE", from_clause)
    bindings = sparql_select(endpoint, query, timeout, dict(target.request_parameters))
    states = _states_by_target(bindings)
    return [_status(entity, predicate, target, expected, states.get(target))
            for entity, predicate, target, expected in links]


def _states_by_target(bindings: list[dict]) -> dict[str, dict]:
    states: dict[str, dict] = {}
    for binding in bindings:
        target = binding["target"]["value"]
        state = states.setdefault(target, {"labels": set(), "inactive": False, "redirect": None})
        for key in ("label", "name"):
            if key in binding:
                state["labels"].add(binding[key]["value"])
        if binding.get("active", {}).get("value") in ("false", "0"):
            state["inactive"] = True
        if binding.get("deprecated", {}).get("value") in ("true", "1"):
            state["inactive"] = True
        if "redirect" in binding:
            state["redirect"] = binding["redirect"]["value"]
    return states


def _status(entity: str, predicate: str, target: str, expected: str | None,
            state: dict | None) -> LinkStatus:
    def make(status: str, found: str | None = None, detail: str = "") -> LinkStatus:
        return LinkStatus(entity, predicate, target, expected, status, found, detail)

    if state is None:
        return make("missing", detail="the endpoint knows nothing about this IRI")
    found = sorted(state["labels"])
    shown = found[0] if found else None
    if state["redirect"]:
        return make("deprecated", shown, f"merged into {state['redirect']}")
    if state["inactive"]:
        return make("deprecated", shown, "marked inactive or deprecated")
    if expected is not None and found and _normal(expected) not in {_normal(f) for f in found}:
        return make("relabelled", shown, f"label is now {shown!r}, the mapping says {expected!r}")
    return make("ok", shown)


def _normal(label: str) -> str:
    return " ".join(label.split()).casefold()


def sparql_select(endpoint: str, query: str, timeout: float,
                  parameters: dict[str, str] | None = None) -> list[dict]:
    """Send a SELECT to a SPARQL 1.1 endpoint (GET, or POST when the URL would be long,
    as the protocol allows); the JSON result's bindings.

    Any failure to reach or understand the endpoint raises EndpointError (one line)."""
    import http.client
    import json
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from coprod_kg import __version__

    if not re.match(r"^https?://[^\s<>\"]+$", endpoint):
        raise InputError(f"--endpoint {endpoint!r}: expected an http(s) URL")
    headers = {
        "Accept": "application/sparql-results+json",
        "User-Agent": USER_AGENT_TEMPLATE.format(version=__version__),
    }
    encoded = urlencode({"query": query, **(parameters or {})})
    separator = "&" if "?" in endpoint else "?"
    if len(endpoint) + len(encoded) < MAX_GET_URL:  # GET: cacheable, what public services prefer
        request = urllib.request.Request(f"{endpoint}{separator}{encoded}", headers=headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(endpoint, data=encoded.encode("utf-8"),
                                         headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise EndpointError(
            f"SPARQL endpoint {endpoint} answered HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise EndpointError(f"cannot reach SPARQL endpoint {endpoint}: {reason}") from None
    except http.client.HTTPException as error:  # a broken HTTP answer: bad status, cut short
        raise EndpointError(f"SPARQL endpoint {endpoint} answered with broken HTTP: "
                            f"{type(error).__name__}") from None
    try:
        return json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError):
        raise EndpointError(
            f"SPARQL endpoint {endpoint} did not answer with SPARQL JSON results") from None


# --------------------------------------------------------------------------
# Federated stored queries: SERVICE ?_endpoint_iri
# --------------------------------------------------------------------------

SERVICE_PARAMETER = re.compile(r"(SERVICE\s+(?:SILENT\s+)?)\?_endpoint_iri\b", re.IGNORECASE)


def bind_service_endpoint(text: str, endpoint_iri: str) -> str:
    """Put a validated endpoint IRI in place of `SERVICE ?_endpoint_iri`.

    Neither rdflib nor Oxigraph evaluates SERVICE with a variable bound by VALUES, so
    this one parameter is written into the SERVICE clause as an IRI term (validated and
    serialised by rdflib, never pasted as raw text)."""
    from rdflib import URIRef

    from coprod_kg.catalogue import IRI_FORBIDDEN

    if not re.match(r"^https?://", endpoint_iri) or IRI_FORBIDDEN.search(endpoint_iri):
        raise InputError(f"parameter 'endpoint' (iri): {endpoint_iri!r} is not an http(s) IRI")
    if not SERVICE_PARAMETER.search(text):
        raise InputError("the query has no SERVICE ?_endpoint_iri clause")
    term = URIRef(endpoint_iri).n3()
    return SERVICE_PARAMETER.sub(lambda m: m.group(1) + term, text)


