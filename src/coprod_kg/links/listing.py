"""Listing the links of the graph (competency question 12, the stored query links.rq)."""

from __future__ import annotations

LINKS_QUERY = "links"


def list_links(store, dataset: str | None = None):
    """The QueryResult of the stored query links.rq, optionally for one dataset."""
    from coprod_kg.queries import catalogue

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
