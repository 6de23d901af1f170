"""Checking our links against the SPARQL endpoint of the dataset they point into."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coprod_kg.errors import EndpointError, InputError
from coprod_kg.graph.datasets import CHECKABLE_DATASETS, DATASETS

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
    import json
    from urllib.parse import urlencode

    from coprod_kg import __version__
    from coprod_kg.graph import http

    if not re.match(r"^https?://[^\s<>\"]+$", endpoint):
        raise InputError(f"--endpoint {endpoint!r}: expected an http(s) URL")
    headers = {
        "Accept": "application/sparql-results+json",
        "User-Agent": USER_AGENT_TEMPLATE.format(version=__version__),
    }
    encoded = urlencode({"query": query, **(parameters or {})})
    separator = "&" if "?" in endpoint else "?"
    try:
        if len(endpoint) + len(encoded) < MAX_GET_URL:  # GET: cacheable, what services prefer
            answer = http.request(f"{endpoint}{separator}{encoded}", headers=headers,
                                  timeout=timeout)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            answer = http.request(endpoint, method="POST", data=encoded.encode("utf-8"),
                                  headers=headers, timeout=timeout)
    except http.HttpFailure as failure:
        if failure.reason.startswith("broken HTTP answer"):
            detail = failure.reason.removeprefix("broken HTTP answer (").rstrip(")")
            raise EndpointError(f"SPARQL endpoint {endpoint} answered with broken HTTP: "
                                f"{detail}") from None
        raise EndpointError(f"cannot reach SPARQL endpoint {endpoint}: {failure.reason}") \
            from None
    if answer.status >= 400:
        raise EndpointError(f"SPARQL endpoint {endpoint} answered HTTP {answer.status} "
                            f"{answer.reason}")
    body = answer.body
    try:
        return json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise EndpointError(
            f"SPARQL endpoint {endpoint} did not answer with SPARQL JSON results") from None
