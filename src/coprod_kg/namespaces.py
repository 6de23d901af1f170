"""THE prefix map of coprod-kg: one place for every prefix -> namespace.

Used for the prefixes of the Turtle export, the JSON-LD context
(`ontology/context.jsonld`), CURIEs in tables and parameters, and the SSSOM
curie_map. A test checks that the data files declare the same prefixes.
"""

from __future__ import annotations

import json
import re

ONTOLOGY = "https://w3id.org/coprod-kg/ontology#"
INSTANCES = "https://w3id.org/coprod-kg/id/"

# Order matters only for display; every lookup goes through the dict.
PREFIXES: dict[str, str] = {
    "cpo": ONTOLOGY,
    "cpr": INSTANCES,
    "cs": INSTANCES + "case-study/",
    "out": INSTANCES + "outcome/",
    "fig": INSTANCES + "figure/",
    "al": INSTANCES + "alignment/",
    "lp": INSTANCES + "learning-point/",
    "pr": INSTANCES + "principle/",
    "ref": INSTANCES + "reference/",
    "agent": INSTANCES + "agent/",
    "prog": INSTANCES + "programme/",
    "iv": INSTANCES + "intervention/",
    "pop": INSTANCES + "population/",
    "setting": INSTANCES + "setting/",
    "place": INSTANCES + "place/",
    "cat": INSTANCES + "outcome-category/",
    "dir": INSTANCES + "direction/",
    "design": INSTANCES + "study-design/",
    "status": INSTANCES + "evidence-status/",
    # later evidence and its grading (data/later-evidence/, data/evidence-grades.ttl)
    "le": INSTANCES + "later-evidence/",
    "lef": INSTANCES + "later-evidence-figure/",
    "rel": INSTANCES + "evidence-relation/",
    "grade": INSTANCES + "evidence-grade/",
    "grading": INSTANCES + "grading/",
    # our curation (data/curation/): alignment strengths, design assessments, evidence links
    "strength": INSTANCES + "alignment-strength/",
    "assessment": INSTANCES + "design-assessment/",
    "link": INSTANCES + "evidence-link/",
    # groupings of the evidence map (data/curation/map-groupings.ttl)
    "domain": INSTANCES + "outcome-domain/",
    "family": INSTANCES + "intervention-family/",
    # studies: the reports of one study grouped (data/curation/studies.ttl)
    "study": INSTANCES + "study/",
    # the evaluation layer (schemes: data/evaluation-schemes.ttl; our records of risk of
    # bias and certainty: data/curation/risk-of-bias.ttl, certainty.ttl)
    "comparator": INSTANCES + "comparator/",
    "measure": INSTANCES + "effect-measure/",
    "item": INSTANCES + "reporting-item/",
    "rob": INSTANCES + "risk-of-bias/",
    "instrument": INSTANCES + "instrument/",
    "certainty": INSTANCES + "certainty/",
    "robrecord": INSTANCES + "risk-of-bias-record/",
    "judgement": INSTANCES + "certainty-judgement/",
    # the review's own hedges on a figure (data/schemes.ttl)
    "qualifier": INSTANCES + "value-qualifier/",
    # the review's text-only facts in structured form (data/review-structure/)
    "comp": INSTANCES + "approach-component/",
    "actor": INSTANCES + "actor/",
    "event": INSTANCES + "event/",
    "orgrole": INSTANCES + "organisation-role/",
    "roletype": INSTANCES + "organisation-role-type/",
    "step": INSTANCES + "methodology-step/",
    "scope": INSTANCES + "evidence-scope/",
    "extent": INSTANCES + "scope-extent/",
    "rfig": INSTANCES + "resource-figure/",
    "stmt": INSTANCES + "statement/",
    # the SHACL shapes (shapes/)
    "cpsh": "https://w3id.org/coprod-kg/shapes#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "pav": "http://purl.org/pav/",
    "bibo": "http://purl.org/ontology/bibo/",
    "fabio": "http://purl.org/spar/fabio/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "cur": "http://qudt.org/vocab/currency/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "vs": "http://www.w3.org/2003/06/sw-vocab-status/ns#",
    # Linking to external datasets (SSSOM curie_map, VoID): see coprod_kg.graph.datasets
    "void": "http://rdfs.org/ns/void#",
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "meshv": "http://id.nlm.nih.gov/mesh/vocab#",
    "wikidata": "http://www.wikidata.org/entity/",
    "schema": "http://schema.org/",
    "cito": "http://purl.org/spar/cito/",
    "OBI": "http://purl.obolibrary.org/obo/OBI_",
    "STATO": "http://purl.obolibrary.org/obo/STATO_",
    "doi": "https://doi.org/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/",
    "pmc": "https://www.ncbi.nlm.nih.gov/pmc/articles/",
}

# Where the published context will be served (the file itself is ontology/context.jsonld).
# Characters an IRI may not contain (RFC 3987): what makes a parameter or endpoint IRI unsafe.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')

CONTEXT_URL = "https://w3id.org/coprod-kg/context.jsonld"


def jsonld_context() -> dict:
    """The JSON-LD context document: every prefix of PREFIXES, nothing else."""
    return {"@context": dict(PREFIXES)}


def jsonld_context_text() -> str:
    """The context file's exact text (what `ontology/context.jsonld` must contain)."""
    return json.dumps(jsonld_context(), indent=2, ensure_ascii=False) + "\n"


def expand_curie(text: str) -> str | None:
    """`pr:asset-based` -> its full IRI when the prefix is ours; otherwise None."""
    prefix, colon, local = text.partition(":")
    if not colon or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local


def compact_iri(iri: str) -> str:
    """The shortest CURIE for an IRI under PREFIXES (its longest namespace leaving a local
    part without `/` or `#`; the first prefix of equal namespaces), or the IRI itself."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    # a namespace leaves a local part without `/` or `#` only if it reaches past `cut`, so
    # it shares the IRI's text up to there: only those namespaces are tried
    for prefix, namespace in _namespaces_by_base().get(iri[:cut], ()):
        if len(iri) > len(namespace) and iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


_BY_BASE: dict[str, list[tuple[str, str]]] = {}


def _namespaces_by_base() -> dict[str, list[tuple[str, str]]]:
    """PREFIXES grouped by the text of each namespace up to its last `/` or `#`, longest
    namespace first (PREFIXES' order among equals)."""
    if not _BY_BASE:
        for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
            base = namespace[:max(namespace.rfind("/"), namespace.rfind("#")) + 1]
            _BY_BASE.setdefault(base, []).append((prefix, namespace))
    return _BY_BASE


def bind_all(graph) -> None:
    """Bind exactly the project's prefixes on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def main() -> None:
    """`python -m coprod_kg.namespaces` prints the JSON-LD context file's text."""
    print(jsonld_context_text(), end="")


if __name__ == "__main__":
    main()
