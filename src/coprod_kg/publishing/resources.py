"""IRIs that dereference: the site holds each resource at its IRI's path.

`https://w3id.org/coprod-kg/id/case-study/popp` is written as `id/case-study/popp.html`,
`.ttl`, `.jsonld` and `.nt` under the site's root: the resource's concise bounded
description plus the labels of what it links to. The ontology documents are written at their
IRIs (`ontology`, `ontology/living-evidence`) and at their version IRIs (`ontology/0.2.0`,
released versions from `ontology/releases/`), and the JSON-LD context at the path of
`CONTEXT_URL`. The `.htaccess` written beside them picks the file that a request's Accept
header asks for (see `publish/README.md`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coprod_kg.graph import sources
from coprod_kg.namespaces import CONTEXT_URL, compact_iri, jsonld_context_text

BASE = "https://w3id.org/coprod-kg/"
SERVED = (BASE + "id/", BASE + "mappings/")
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "ntriples"}
HTACCESS = Path(__file__).resolve().parent / "templates" / "htaccess"


@dataclass
class Resource:
    """One resource and the site path (without suffix) it is served at."""

    iri: str
    path: str
    graph: object = field(repr=False)  # what its files say (an rdflib Graph)
    page: str | None = None  # a richer page of the site about it, if there is one


def path_of(iri: str) -> str | None:
    """The site path of an IRI that the site serves, or None."""
    if not iri.startswith(BASE) or "#" in iri or "?" in iri or iri.endswith("/"):
        return None
    path = iri[len(BASE):]
    if any(part in ("", ".", "..") or not _safe(part) for part in path.split("/")):
        return None
    return path


def _safe(part: str) -> bool:
    return all(c.isalnum() or c in "-_.~" for c in part)


def description(graph, iri: str):
    """The concise bounded description of `iri` in `graph`, plus the labels of its objects."""
    from rdflib import RDFS, BNode, Graph, URIRef
    from rdflib.namespace import SKOS

    out = Graph()
    todo, seen = [URIRef(iri)], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in graph.triples((node, None, None)):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    for o in {o for o in out.objects() if isinstance(o, URIRef) and o != URIRef(iri)}:
        for p in (RDFS.label, SKOS.prefLabel):
            for label in graph.objects(o, p):
                out.add((o, p, label))
    return out


def instance_resources(graph) -> list[Resource]:
    """Every subject of the graph under the served namespaces, in path order."""
    from rdflib import URIRef

    iris = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    found = [(iri, path) for iri in iris if (path := path_of(iri)) and iri.startswith(SERVED)]
    return [Resource(iri, path, description(graph, iri), _rich_page(path))
            for iri, path in sorted(found, key=lambda pair: pair[1])]


def _rich_page(path: str) -> str | None:
    for prefix, folder in (("id/case-study/", "case-studies"), ("id/principle/", "principles")):
        if path.startswith(prefix):
            return f"{folder}/{path[len(prefix):]}.html"
    return None


def ontology_resources() -> list[Resource]:
    """The ontology documents at their IRIs and version IRIs, and each released version."""
    from rdflib import OWL, RDF, Graph

    resources = []
    for path in sources.ontology_files():
        document = Graph().parse(path)
        for ontology in document.subjects(RDF.type, OWL.Ontology):
            names = [str(ontology), *(str(v) for v in document.objects(ontology, OWL.versionIRI))]
            resources += [Resource(name, p, document, "ontology.html")
                          for name in names if (p := path_of(name))]
    releases = sources.ontology_dir() / sources.RELEASES
    for folder in sorted(p for p in releases.glob("*") if p.is_dir()) if releases.is_dir() else []:
        released = Graph()
        for path in sources.turtle_files(folder):
            released.parse(path)
        iri = BASE + "ontology/" + folder.name
        if path_of(iri):
            resources.append(Resource(iri, path_of(iri), released, "ontology.html"))
    return _unique(resources)


def _unique(resources: list[Resource]) -> list[Resource]:
    by_path: dict[str, Resource] = {}
    for resource in resources:
        by_path.setdefault(resource.path, resource)
    return [by_path[path] for path in sorted(by_path)]


def resource_files(resource: Resource) -> Iterator[tuple[str, str]]:
    """(relative path, text) of the RDF files of one resource."""
    from coprod_kg.graph.serialise import serialise

    for suffix, fmt in RDF_SUFFIXES.items():
        yield resource.path + suffix, serialise(resource.graph, fmt)


def later_source_citation(graph, iri: str) -> str | None:
    """How to cite the publication behind a piece of later evidence or one of its figures
    ('Palmer VJ et al. (2021). Health Expectations. doi:10.1111/hex.13334'); None for any
    other resource, whose figures are the review's."""
    from rdflib import Namespace, URIRef
    from rdflib.namespace import DC, DCTERMS, RDF

    cpo = Namespace("https://w3id.org/coprod-kg/ontology#")
    node = URIRef(iri)
    if (node, RDF.type, cpo.LaterEvidenceFigure) in graph:
        node = graph.value(None, cpo.hasEvidenceFigure, node)
    if node is None or (node, RDF.type, cpo.LaterEvidence) not in graph:
        return None
    source = graph.value(node, DCTERMS.source)
    if source is None:
        return None
    bibo = Namespace("http://purl.org/ontology/bibo/")
    issued = graph.value(source, DCTERMS.issued)
    title = graph.value(source, DCTERMS.title) or graph.value(source, cpo.suppliedDescription)
    parts = [f"{graph.value(source, DC.creator) or compact_iri(str(source))}"
             + (f" ({str(issued)[:4]})" if issued else ""),
             str(title or "")]
    venue = str(graph.value(source, cpo.venue) or "")
    if venue not in parts[1]:
        parts.append(venue)
    doi = graph.value(source, bibo.doi)
    if doi:
        parts.append(f"doi:{doi}")
    return ". ".join(part for part in parts if part)


# The sections of a resource page, one per voice (publishing.voices), in reading order.
VOICE_SECTIONS = (
    ("review", "What the review says"),
    ("later-evidence", "What later publications say"),
    ("curation", "Our curation (our reading, not the review's)"),
    ("vocabulary", "The vocabulary it is written in"),
)


class TripleVoices:
    """The voice of each statement about a resource, by the one rule of publishing.voices
    run once on the whole graph. A resource whose statements the graph does not hold (a
    released ontology version) is classified on its own graph. A blank node object is keyed
    by its subject and property alone (the rule gives a blank node its IRI's voice)."""

    def __init__(self, graph) -> None:
        self._index = self._classify(graph)

    @staticmethod
    def _classify(graph) -> dict[tuple, str]:
        from rdflib import BNode

        from coprod_kg.publishing.voices import voice_graphs

        return {(s, p, None if isinstance(o, BNode) else o): name
                for name, part in voice_graphs(graph).items() for s, p, o in part}

    def of(self, resource: Resource, predicate, value) -> str:
        from rdflib import BNode, URIRef

        key = (URIRef(resource.iri), predicate, None if isinstance(value, BNode) else value)
        if key not in self._index:
            self._index.update(self._classify(resource.graph))
        return self._index[key]


def sections_of(rows: list[dict]) -> list[dict]:
    """The rows of a resource page grouped by voice: [{voice, heading, rows}], in the order
    of VOICE_SECTIONS, empty voices left out."""
    return [{"voice": voice, "heading": heading,
             "rows": [row for row in rows if row["voice"] == voice]}
            for voice, heading in VOICE_SECTIONS if any(row["voice"] == voice for row in rows)]


def rows_of(resource: Resource, root: str, served: set[str],
            voices: TripleVoices) -> list[dict]:
    """Property and value rows of a resource for its HTML page, each with its voice: a value
    that the site serves links to its page (relative to `root`), another IRI links to
    itself."""
    from rdflib import RDFS, BNode, Literal, URIRef
    from rdflib.namespace import SKOS

    graph = resource.graph

    def label(node) -> str | None:
        value = graph.value(node, RDFS.label) or graph.value(node, SKOS.prefLabel)
        return str(value) if value is not None else None

    rows = []
    for p, o in sorted(graph.predicate_objects(URIRef(resource.iri)), key=lambda po: (
            compact_iri(str(po[0])), str(po[1]))):
        row = {"property": compact_iri(str(p)), "href": None,
               "voice": voices.of(resource, p, o)}
        if isinstance(o, Literal):
            row["text"] = str(o)
        elif isinstance(o, BNode):
            row["text"] = "; ".join(f"{compact_iri(str(q))} {compact_iri(str(v))}"
                                    for q, v in sorted(graph.predicate_objects(o)))
        else:
            target = path_of(str(o))
            row["text"] = label(o) or compact_iri(str(o))
            if target in served:
                row["href"] = f"{root}{target}.html"
            elif not str(o).startswith(BASE):
                row["href"] = str(o)
        rows.append(row)
    return rows


def write_resources(graph, root: Path,
                    render_page: Callable[[Resource, set[str]], str]) -> list[str]:
    """Write the instance resources, the ontology documents and the JSON-LD context under
    `root`, with the `.htaccess` that negotiates between them. Returns the paths written."""
    written: list[str] = []
    resources = instance_resources(graph) + ontology_resources()
    served = {resource.path for resource in resources}
    for resource in resources:
        files = dict(resource_files(resource))
        if not (resource.path == "ontology" and (root / "ontology.html").exists()):
            files[resource.path + ".html"] = render_page(resource, served)
        for path, text in files.items():
            _write(root, path, text)
            written.append(path)
    context = CONTEXT_URL[len(BASE):]
    _write(root, context, jsonld_context_text())
    _write(root, ".htaccess", HTACCESS.read_text(encoding="utf-8"))
    return written + [context, ".htaccess"]


def _write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
