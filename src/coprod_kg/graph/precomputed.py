"""Answers of inherently heavy stored queries, computed once when a persistent store is built.

The reference query stays the definition: when graph.cache builds a store, each query of
PRECOMPUTED (SELECT queries without parameters) runs once on it, in the text that
`coprod-kg query NAME`, `validate`'s gates and gap reports and the site give the store,
and its rows are written beside the store as SPARQL 1.1 Query Results JSON, in
`answers/<hash of the query text>.srj`, and the file's digest goes into the store's
manifest. A later query on that store whose text is exactly that text is answered from
the file, if its bytes are still those the manifest records (not another store's answer
copied over, nor an edited one): the same variables, rows, order and terms
(datatypes and language tags kept by the format), so every output format gives the same
bytes. Any other text (a workspace's own version, an edited copy, a parameter) runs as a
query, and so does every query on the memory store, an endpoint, or a store without
the file.

The answers are kept out of the RDF store on purpose: a named graph inside it would be
counted by `len(store)` (which `load --endpoint` checks the server's count against), seen
by `GRAPH ?g` and `FROM NAMED` in users' queries, and copied by anything that reads the
whole dataset; a file beside it is seen by none of these, and is built in the same
temporary folder as the store, so both appear together in one rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from coprod_kg.graph.results import QueryResult

# The stored queries whose answers a persistent store carries, each with why: a pass over
# every case study (or every triple), no parameter, a SELECT whose answer stays small as
# the data grows (wall seconds at 10,000 case studies below; milliseconds from the file).
# Listed here rather than as a `#+` header key of the query files: every command's store
# key stats exactly these files (graph.cache), without reading every query's header first.
# Not here: a query with a parameter, even with a default (without -p its text is fixed, but
# only the example's answer would be stored: case-study-outcomes, outcomes-by-category), a
# CONSTRUCT (the answer file is SPARQL results JSON), an answer that grows with the data.
PRECOMPUTED: dict[str, str] = {
    "evidence-gap-map": "counts every outcome of every aligned case study (0.7 s; 162 rows)",
    "dangling-link-violation": "validate's gate: looks up the subject of every instance "
                               "link of the graph (5.2 s; no rows when the data is good)",
    "site-counts": "the site's home page: counts every triple, case study and outcome "
                   "(0.7 s; one row)",
    "case-study-without-principle-gap": "validate's gap report: every case study against "
                                        "every alignment (0.6 s; a row per gap)",
    "case-studies-without-quantified-outcome": "competency question 9: every case study "
                                               "against its outcomes (0.35 s; a row per gap)",
    "site-ontology-terms": "the site's ontology page: scans every typed resource for the "
                           "ontology's terms (0.25 s; 155 rows)",
    "empty-quote-violation": "validate's gate: a regular expression over every quote "
                             "(0.2 s; no rows when the data is good)",
    "outcome-case-study-violation": "validate's gate: groups every outcome by case study "
                                    "(0.2 s; no rows when the data is good)",
}
ANSWERS = "answers"


def reference_file(name: str) -> Path:
    from coprod_kg.graph.sources import queries_dir

    return queries_dir() / f"{name}.rq"


def reference_files() -> list[Path]:
    """The .rq files of the precomputed queries (their edits count as the code's)."""
    return [reference_file(name) for name in PRECOMPUTED]


def reference_text(name: str) -> str:
    """The query file's text: what `coprod-kg query NAME` (no parameter, every prefix
    declared), the site and the library give the store."""
    return reference_file(name).read_text(encoding="utf-8")


def answer_path(folder: Path, text: str) -> Path:
    from coprod_kg.graph.digest import digest

    return folder / ANSWERS / f"{digest([text])}.srj"


def write_answers(store, folder: Path) -> list[Path]:
    """Run each precomputed query on `store` (a pyoxigraph Store) and write its answer into
    `folder`/answers; the files written."""
    import pyoxigraph

    written = []
    for name in PRECOMPUTED:
        text = reference_text(name)
        path = answer_path(folder, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        store.query(text).serialize(output=str(path), format=pyoxigraph.QueryResultsFormat.JSON)
        written.append(path)
    return written


def answer_digest(data: bytes) -> str:
    from coprod_kg.graph.digest import hasher

    return hasher(data).hexdigest()


def answer_digests(folder: Path) -> dict[str, str]:
    """The digest of each answer file the build wrote into `folder` (for its manifest: a
    store trusts only these bytes, not a file copied from another store or edited)."""
    return {path.name: answer_digest(path.read_bytes())
            for path in sorted((folder / ANSWERS).glob("*.srj"))}


def read_answer(folder: Path | None, text: str,
                digests: Mapping[str, str]) -> QueryResult | None:
    """The stored answer of exactly this query text, or None (no such file, one whose bytes
    are not those `digests` recorded when the store was built, or one that does not
    parse: the query then runs)."""
    if folder is None or not isinstance(digests, Mapping):
        return None
    path = answer_path(folder, text)
    expected = digests.get(path.name)
    if not isinstance(expected, str) or not path.is_file():
        return None
    import pyoxigraph

    try:
        data = path.read_bytes()
        if answer_digest(data) != expected:
            return None
        answer = pyoxigraph.parse_query_results(data, format=pyoxigraph.QueryResultsFormat.JSON)
        if not isinstance(answer, pyoxigraph.QuerySolutions):
            return None
        variables = [v.value for v in answer.variables]
        return QueryResult("SELECT", variables, native_rows=[tuple(s) for s in answer])
    except (OSError, SyntaxError, ValueError):
        return None
