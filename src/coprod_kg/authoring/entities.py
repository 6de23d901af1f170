"""Naming what the graph already has: a sheet's cell may give a slug, a label, or an
identifier (a MeSH or Wikidata ID linked by an SSSOM skos:exactMatch, a DOI or PMID of a
reference); each resolves to the one existing node. Unknown populations, settings, places and
organisations are created only when asked (--create-new)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from coprod_kg.authoring import schema as t

if TYPE_CHECKING:
    from rdflib import Graph

LABEL_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
    t.DCTERMS + "title",
)
BIBO = "http://purl.org/ontology/bibo/"
FABIO = "http://purl.org/spar/fabio/"
IDENTIFIER_PREDICATES = {BIBO + "doi": "doi", BIBO + "pmid": "pmid",
                         FABIO + "hasPubMedCentralId": "pmcid"}
EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
# The kinds of thing --create-new may add, and the class each new node gets.
CREATABLE = {ref.noun: ref for ref in (t.POPULATION, t.SETTING, t.PLACE, t.ORGANISATION)}

DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
PMCID = re.compile(r"^PMC\d+$")


def bare_doi(text: str) -> str:
    """The DOI without a resolver prefix, as written otherwise (case kept)."""
    return DOI_PREFIX.sub("", text.strip())


def identifier_key(text: str) -> str:
    """How identifiers are compared: DOIs without prefix and in lower case, others as written
    without surrounding spaces, upper-cased (MESH:D000..., PMC123)."""
    text = text.strip()
    if DOI.match(bare_doi(text)):
        return "doi:" + bare_doi(text).lower()
    if re.fullmatch(r"Q\d+", text):  # a bare Wikidata or MeSH ID
        return "WIKIDATA:" + text
    if re.fullmatch(r"D\d{6,9}", text):
        return "MESH:" + text
    return text.upper()


def label_key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class NewEntity:
    noun: str
    slug: str
    label: str
    where: str  # the cell that named it first


@dataclass
class Resolver:
    labels: dict[str, dict[str, str]]  # noun -> label key -> slug
    identifiers: dict[str, dict[str, str]]  # noun -> identifier key -> slug
    shown: dict[str, dict[str, str]]  # noun -> slug -> a label
    schemes: dict[str, str]  # noun -> the skos:inScheme its members share
    created: dict[tuple[str, str], NewEntity] = field(default_factory=dict)

    def resolve(self, noun: str, text: str, allowed: list[str]) -> str | None:
        if text in allowed:
            return text
        slug = self.labels.get(noun, {}).get(label_key(text)) or \
            self.identifiers.get(noun, {}).get(identifier_key(text))
        if slug is None:
            new = self.created.get((noun, label_key(text)))
            slug = new.slug if new else None
        return slug

    def closest(self, noun: str, text: str) -> list[str]:
        names = {label: slug for slug, label in self.shown.get(noun, {}).items()}
        found = difflib.get_close_matches(text, list(names), n=3, cutoff=0.4)
        found += difflib.get_close_matches(text, list(names.values()), n=3, cutoff=0.4)
        result = []
        for name in found:
            slug = names.get(name, name)
            entry = f"{slug} ({self.shown[noun][slug]})"
            if entry not in result:
                result.append(entry)
        return result[:3]

    def create(self, noun: str, text: str, taken: list[str], where: str) -> NewEntity:
        key = (noun, label_key(text))
        if key not in self.created:
            base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or noun
            slug, number = base, 2
            used = set(taken) | {e.slug for e in self.created.values() if e.noun == noun}
            while slug in used:
                slug, number = f"{base}-{number}", number + 1
            self.created[key] = NewEntity(noun, slug, " ".join(text.split()), where)
        return self.created[key]


def resolver_of(graph: Graph, allowed: dict[str, list[str]], data_dir: Path) -> Resolver:
    from rdflib import Literal, URIRef

    nouns = {spec.ref.noun: spec.ref for spec in _ref_fields()}
    labels: dict[str, dict[str, str]] = {}
    identifiers: dict[str, dict[str, str]] = {}
    shown: dict[str, dict[str, str]] = {}
    schemes: dict[str, str] = {}
    for noun, ref in nouns.items():
        labels[noun], identifiers[noun], shown[noun] = {}, {}, {}
        for slug in allowed.get(noun, []):
            subject = URIRef(ref.namespace + slug)
            for predicate in LABEL_PREDICATES:
                for label in graph.objects(subject, URIRef(predicate)):
                    if isinstance(label, Literal):
                        labels[noun].setdefault(label_key(str(label)), slug)
                        shown[noun].setdefault(slug, str(label))
            shown[noun].setdefault(slug, slug)
            for predicate in IDENTIFIER_PREDICATES:
                for value in graph.objects(subject, URIRef(predicate)):
                    identifiers[noun].setdefault(identifier_key(str(value)), slug)
            scheme = graph.value(subject, URIRef("http://www.w3.org/2004/02/skos/core#inScheme"))
            if scheme is not None:
                schemes.setdefault(noun, str(scheme))
    _add_sssom(identifiers, nouns, data_dir)
    return Resolver(labels, identifiers, shown, schemes)


def _ref_fields():
    yield from (spec for spec in t.CASE_STUDY_FIELDS if spec.ref is not None)
    for _, fields, _ in t.NODE_LISTS.values():
        yield from (spec for spec in fields if spec.ref is not None)


def _add_sssom(identifiers: dict[str, dict[str, str]], nouns: dict, data_dir: Path) -> None:
    """MeSH and Wikidata IDs linked to our nodes by a skos:exactMatch (only exact matches
    name the same thing)."""
    from coprod_kg.graph.sssom import MAPPINGS_FOLDER, SSSOM_SUFFIX, read_mapping_set

    for path in sorted((data_dir / MAPPINGS_FOLDER).glob(f"*{SSSOM_SUFFIX}")):
        for mapping in read_mapping_set(path).mappings:
            if mapping.predicate != EXACT_MATCH:
                continue
            for noun, ref in nouns.items():
                if mapping.subject.startswith(ref.namespace):
                    slug = mapping.subject[len(ref.namespace):]
                    identifiers[noun].setdefault(identifier_key(mapping.object_id), slug)


def entity_turtle(entities: list[NewEntity], schemes: dict[str, str]) -> str:
    """Turtle for new entities: the type, the label as the sheet gives it, the scheme."""
    from coprod_kg.authoring.model import PREFIXES, curie_of
    from coprod_kg.authoring.turtle import turtle_string

    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES]
    lines += ["", "# Created by `coprod-kg import --create-new` from the labels a sheet gives.",
              ""]
    for entity in sorted(entities, key=lambda e: (e.noun, e.slug)):
        ref = CREATABLE[entity.noun]
        statements = [f"a {curie_of(ref.cls)}"]
        if entity.noun == t.ORGANISATION.noun:
            statements.append(f"rdfs:label {turtle_string(entity.label)}@en")
        else:
            statements.append(f"skos:prefLabel {turtle_string(entity.label)}@en")
            if entity.noun in schemes:
                statements.append(f"skos:inScheme {curie_of(schemes[entity.noun])}")
        lines.append(f"{ref.prefix}:{entity.slug} " + " ;\n    ".join(statements) + " .\n")
    return "\n".join(lines)
