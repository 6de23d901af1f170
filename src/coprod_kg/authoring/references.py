"""Reference-manager files in (RIS with rispy, BibTeX with bibtexparser, CSL-JSON with json):
one reference node per DOI/PMID/PMCID, merged with the graph's, never looked up anywhere.

A reference the graph already has (same normalised DOI, PMID or PMCID) is the same node.
Curated references (outside `imported/`) are never rewritten: what the file says differently
is reported as a warning, field by field. Imported references get the fields they lack; a
field that differs is reported and kept as it was, unless --replace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t
from coprod_kg.authoring.entities import DOI, PMCID, PMID, bare_doi, identifier_key
from coprod_kg.authoring.model import TemplateError, Vocabulary, curie_of
from coprod_kg.authoring.reference_formats import RawReference, read_reference_file

if TYPE_CHECKING:
    from rdflib import Graph

BIBO = "http://purl.org/ontology/bibo/"
# field -> (predicate, kind): kind "en" (English text), "text", "year", "iri"
PREDICATES: dict[str, tuple[str, str]] = {
    "title": (t.DCTERMS + "title", "en"),
    # the author list as written (DC elements: a literal); dcterms:creator holds agents
    "authors": ("http://purl.org/dc/elements/1.1/creator", "text"),
    "year": (t.DCTERMS + "issued", "year"),
    "venue": (t.CPO + "venue", "text"),
    "volume": (BIBO + "volume", "text"),
    "issue": (BIBO + "issue", "text"),
    "pages": (BIBO + "pages", "text"),
    "doi": (BIBO + "doi", "text"),
    "pmid": (BIBO + "pmid", "text"),
    "pmcid": ("http://purl.org/spar/fabio/hasPubMedCentralId", "text"),
    "url": ("http://xmlns.com/foaf/0.1/page", "iri"),
}
IDENTIFIERS = ("doi", "pmid", "pmcid")


@dataclass
class Merged:
    file: tuple[Path, str]  # imported/references.ttl: target and its new Turtle
    warnings: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # identifier key or title -> slug


def merge_references(paths: list[Path], graph: Graph, vocabulary: Vocabulary, target: Path,
                     replace: bool) -> Merged:
    from rdflib import Graph as RdfGraph

    errors: list[str] = []
    entries: list[RawReference] = []
    for path in paths:
        try:
            entries.extend(read_reference_file(path))
        except TemplateError as error:
            errors.extend(error.errors)
    for entry in entries:
        errors.extend(_form_errors(entry))
    if errors:
        raise TemplateError(errors)
    own = RdfGraph()
    if target.exists():
        own.parse(target, format="turtle")
    merger = _Merger(graph, own, vocabulary, replace)
    for entry in entries:
        merger.add(entry)
    if merger.errors:
        raise TemplateError(merger.errors)
    for slug in merger.new_slugs:
        vocabulary.allowed.setdefault(t.DOCUMENT.noun, []).append(slug)
    return Merged((target, _turtle(own)), merger.warnings, merger.aliases)


def _form_errors(entry: RawReference) -> list[str]:
    errors = []
    checks = {"doi": (DOI, "a DOI such as 10.1136/bmjopen-2014-006688"),
              "pmid": (PMID, "a PubMed ID: digits only, such as 25805530"),
              "pmcid": (PMCID, "a PubMed Central ID such as PMC4386225")}
    for key, (pattern, expected) in checks.items():
        value = entry.fields.get(key)
        if value and not pattern.match(bare_doi(value) if key == "doi" else value):
            errors.append(f"{entry.where}: {key}: {value!r} is not {expected}")
    url = entry.fields.get("url")
    if url and not re.match(r"^https?://\S+$", url):
        errors.append(f"{entry.where}: url: {url!r} is not an http(s) address")
    year = entry.fields.get("year")
    if year and not re.match(r"^\d{4}$", year):
        errors.append(f"{entry.where}: year: {year!r} is not a year (YYYY)")
    if not entry.fields.get("title"):
        errors.append(f"{entry.where}: title: missing (every reference needs its title)")
    return errors


class _Merger:
    def __init__(self, graph: Graph, own: Graph, vocabulary: Vocabulary, replace: bool) -> None:
        from rdflib import URIRef

        self.graph, self.own, self.replace = graph, own, replace
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.aliases: dict[str, str] = {}
        self.new_slugs: list[str] = []
        self.owned = {str(s) for s in own.subjects()}
        self.taken = set(vocabulary.allowed.get(t.DOCUMENT.noun, []))
        for slug in self.taken:
            for key in IDENTIFIERS:
                for value in graph.objects(URIRef(t.DOCUMENT.namespace + slug),
                                           URIRef(PREDICATES[key][0])):
                    self.aliases.setdefault(identifier_key(str(value)), slug)

    def add(self, entry: RawReference) -> None:
        from rdflib import RDF, URIRef

        keys = [identifier_key(entry.fields[k]) for k in IDENTIFIERS if entry.fields.get(k)]
        slug = next((self.aliases[k] for k in keys if k in self.aliases), None)
        if slug is None:
            slug = self._mint(entry)
            self.new_slugs.append(slug)
            self.own.add((URIRef(t.DOCUMENT.namespace + slug), RDF.type, URIRef(entry.cls)))
            self.owned.add(t.DOCUMENT.namespace + slug)
        for key in keys:
            self.aliases.setdefault(key, slug)
        self.aliases.setdefault("title:" + " ".join(entry.fields["title"].casefold().split()),
                                slug)
        self._merge_fields(entry, slug)

    def _merge_fields(self, entry: RawReference, slug: str) -> None:
        from rdflib import URIRef

        subject = URIRef(t.DOCUMENT.namespace + slug)
        curated = str(subject) not in self.owned
        for key, value in entry.fields.items():
            predicate, kind = PREDICATES[key]
            term = _term(kind, bare_doi(value) if key == "doi" else value)
            present = list(self.graph.objects(subject, URIRef(predicate))) + \
                list(self.own.objects(subject, URIRef(predicate)))
            if any(_same(key, old, term) for old in present):
                continue
            where = f"{entry.where}: {key}: {value!r}"
            if present and (curated or not self.replace):
                shown = ", ".join(repr(str(old)) for old in present)
                hint = "a curated reference is not rewritten by an import" if curated else \
                    "kept; --replace to overwrite"
                self.warnings.append(f"{where} differs from {curie_of(str(subject))}'s {shown} "
                                     f"({hint})")
            elif curated:
                self.warnings.append(f"{where}: {curie_of(str(subject))} has no {key}; not "
                                     "added to a curated reference (add it by hand once "
                                     "confirmed)")
            else:
                self.own.remove((subject, URIRef(predicate), None))
                self.own.add((subject, URIRef(predicate), term))

    def _mint(self, entry: RawReference) -> str:
        authors = entry.fields.get("authors", "")
        surname = re.split(r"[,;\s]", authors.strip())[0] if authors.strip() else ""
        words = [w for w in re.findall(r"[a-z0-9]+", entry.fields["title"].casefold())
                 if len(w) > 3][:2]
        parts = [surname.casefold(), entry.fields.get("year", ""), *words]
        base = re.sub(r"[^a-z0-9]+", "-", "-".join(p for p in parts if p)).strip("-") or "ref"
        slug, number = base, 2
        while slug in self.taken:
            slug, number = f"{base}-{number}", number + 1
        self.taken.add(slug)
        return slug


def _term(kind: str, value: str):
    from rdflib import XSD, Literal, URIRef

    if kind == "en":
        return Literal(value, lang="en")
    if kind == "year":
        return Literal(value, datatype=XSD.gYear)
    if kind == "iri":
        return URIRef(value)
    return Literal(value)


def _same(key: str, old, new) -> bool:
    if key in IDENTIFIERS:
        return identifier_key(str(old)) == identifier_key(str(new))
    return str(old) == str(new)


def _turtle(graph: Graph) -> str:
    from coprod_kg.authoring.model import PREFIXES
    from coprod_kg.namespaces import PREFIXES as ALL

    for prefix, namespace in [*PREFIXES, ("dc", ALL["dc"])]:
        graph.bind(prefix, namespace, override=True)
    text = graph.serialize(format="turtle")
    return ("# References imported by `coprod-kg import` from reference-manager files.\n"
            "# Curated references live in ../references.ttl; these are the importer's.\n\n"
            + text)
