"""The external datasets we link to, and the predicates and identifier properties of links."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coprod_kg import namespaces

SKOS = namespaces.PREFIXES["skos"]
SCHEMA_SAME_AS = namespaces.PREFIXES["schema"] + "sameAs"
MATCH_PREDICATES = tuple(
    f"skos:{name}" for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                                "relatedMatch")
)
LINK_PREDICATES = tuple(SKOS + p.split(":")[1] for p in MATCH_PREDICATES) + (SCHEMA_SAME_AS,)


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
