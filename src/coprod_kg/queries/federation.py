"""Federated stored queries: the endpoint written into `SERVICE ?_serviceEndpoint_iri`."""

from __future__ import annotations

import re

from coprod_kg.errors import InputError

SERVICE_PARAMETER = re.compile(r"(SERVICE\s+(?:SILENT\s+)?)\?_serviceEndpoint_iri\b", re.IGNORECASE)


def bind_service_endpoint(text: str, endpoint_iri: str) -> str:
    """Put a validated endpoint IRI in place of `SERVICE ?_serviceEndpoint_iri`.

    Neither rdflib nor Oxigraph evaluates SERVICE with a variable bound by VALUES, so
    this one parameter is written into the SERVICE clause as an IRI term (validated and
    serialised by pyoxigraph, never pasted as raw text)."""
    import pyoxigraph

    from coprod_kg.namespaces import IRI_FORBIDDEN

    if not re.match(r"^https?://", endpoint_iri) or IRI_FORBIDDEN.search(endpoint_iri):
        raise InputError(f"parameter 'serviceEndpoint' (iri): {endpoint_iri!r} "
                         "is not an http(s) IRI")
    if not SERVICE_PARAMETER.search(text):
        raise InputError("the query has no SERVICE ?_serviceEndpoint_iri clause")
    term = str(pyoxigraph.NamedNode(endpoint_iri))  # `<iri>`, as N-Triples writes it
    return SERVICE_PARAMETER.sub(lambda m: m.group(1) + term, text)
