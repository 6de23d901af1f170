"""Precomputed answers (issue 16, graph.precomputed): a persistent store carries the answer
of each query of PRECOMPUTED, computed by the reference query when the store is built; a
query of exactly that text is answered from it, row for row and byte for byte what the
reference query gives (the command, `validate`'s gates and gap reports, the site), and the
answer is nowhere else (not in the store's triples, stats, exports).

The reference runs on the same store through a copy of the query with one comment more:
any other text than the stored one is run as a query."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from coprod_kg.cli import cli
from coprod_kg.graph import precomputed, sources
from coprod_kg.graph.store import open_cached_oxigraph

REPO = Path(__file__).resolve().parents[2]
FORMATS = ("csv", "tsv", "json", "table")
OXLEAS = Path("case-studies") / "01-oxleas-ebcd.ttl"
COMMENT = "\n# run as a query, not looked up\n"

# A workspace's faults, so that the quality gates' answers have rows to compare
FAULTS = """\
@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:blank-quote rdfs:label "a quote of white space"@en ; cpo:quote "  \\t " .
ex:orphan a cpo:QuantifiedOutcome ; rdfs:label "an outcome of no case study"@en ;
    cpo:hasOutcome <https://w3id.org/coprod-kg/id/outcome/no-such-outcome> .
"""


def reference_copy(folder: Path, name: str = "evidence-gap-map") -> Path:
    """The stored query with one comment more: the same question, run as a query."""
    path = folder / f"{name}-reference.rq"
    path.write_text(precomputed.reference_text(name) + COMMENT, encoding="utf-8")
    return path


def assert_answers_are_the_references(store) -> dict[str, list[tuple]]:
    """Every precomputed query: the build wrote its answer, this store finds it, and it
    has the reference query's variables and terms in the same order; name -> the rows."""
    rows = {}
    for name in precomputed.PRECOMPUTED:
        text = precomputed.reference_text(name)
        stored = precomputed.read_answer(store.answers_folder, text, store.answer_digests)
        assert stored is not None, name
        answered = store.query(text)
        reference = store.query(text + COMMENT)
        assert answered.variables == reference.variables == stored.variables, name
        assert answered.terms == reference.terms == stored.terms, name
        rows[name] = reference.terms
    assert rows["evidence-gap-map"] and len(rows["evidence-gap-map"][0]) == 4
    return rows


def cli_outputs(runner, sources_args: list[str], folder: Path,
                names=tuple(precomputed.PRECOMPUTED)) -> None:
    """Every output format: the stored query's bytes equal the reference query's."""
    for name in names:
        reference = reference_copy(folder, name)
        for fmt in FORMATS:
            answered = runner.invoke(cli, [*sources_args, "query", name, "--format", fmt])
            ran = runner.invoke(cli, [*sources_args, "query", "--file", str(reference),
                                      "--format", fmt])
            assert answered.exit_code == 0 == ran.exit_code, answered.output + ran.output
            assert answered.stdout == ran.stdout, (name, fmt)


def answer_file(store_folder: Path, name: str = "evidence-gap-map") -> Path:
    return precomputed.answer_path(store_folder, precomputed.reference_text(name))


def trust(answer: Path) -> None:
    """Record an edited answer's digest in its store's manifest, as its build would."""
    manifest = answer.parent.parent / "manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))
    entries["answers"][answer.name] = precomputed.answer_digest(answer.read_bytes())
    manifest.write_text(json.dumps(entries), encoding="utf-8")


def counts(csv_text: str) -> dict[tuple[str, str], int]:
    rows = [line.split(",") for line in csv_text.splitlines()[1:]]
    return {(row[0], row[-2]): int(row[-1]) for row in rows}


@pytest.mark.parametrize("name", precomputed.PRECOMPUTED)
def test_each_precomputed_query_is_a_select_without_parameters(name):
    """What the build can store and the lookup can read: a SELECT (an answer in SPARQL
    results JSON) whose text is fixed (no parameter, not even one with a default)."""
    from coprod_kg.graph.guard import check_read_only_query
    from coprod_kg.queries import catalogue

    stored = catalogue.get_query(name)
    assert stored.parameters == ()
    assert check_read_only_query(stored.text, allow_federation=False,
                                 engine="oxigraph") == "SELECT"
    assert precomputed.PRECOMPUTED[name]  # its reason


def test_the_bundled_data_answers_are_the_reference_queries(runner, store_dir, tmp_path):
    store = open_cached_oxigraph()
    rows = assert_answers_are_the_references(store)
    assert len(rows["evidence-gap-map"]) == 6 * 27
    assert rows["dangling-link-violation"] == []
    assert len(rows["site-counts"]) == 1
    assert len(list((store.answers_folder / "answers").glob("*.srj"))) == len(
        precomputed.PRECOMPUTED)
    cli_outputs(runner, [], tmp_path)
    # and the memory store (rdflib's engine, no precomputed answer) prints the same bytes
    memory = runner.invoke(cli, ["--store", "memory", "query", "evidence-gap-map",
                                 "--format", "csv"])
    assert memory.stdout == runner.invoke(cli, ["query", "evidence-gap-map", "--format",
                                                "csv"]).stdout


def test_a_synthetic_data_folder_answers_are_the_reference_queries(runner, store_dir,
                                                                    tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import read_vocabulary, write_synthetic

    synthetic = tmp_path / "synthetic"
    write_synthetic(300, synthetic, read_vocabulary(open_cached_oxigraph()), batch=100)
    faults = tmp_path / "faults"
    faults.mkdir()
    (faults / "faults.ttl").write_text(FAULTS, encoding="utf-8")
    folders = [sources.data_dir(), synthetic, faults]
    rows = assert_answers_are_the_references(open_cached_oxigraph(folders))
    assert sum(int(row[3].value) for row in rows["evidence-gap-map"]) > 300
    assert int(rows["site-counts"][0][1].value) > 300  # the synthetic case studies
    for gate in ("dangling-link-violation", "empty-quote-violation",
                 "outcome-case-study-violation"):
        assert rows[gate], gate  # each fault found, from the file as by the query
    cli_outputs(runner, [arg for folder in folders for arg in ("--source", str(folder))],
                tmp_path)


TIES = """\
@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:p1 a cpo:Principle ; cpo:position 1 ;
    skos:prefLabel "Building on people's existing capabilities"@en .
ex:c1 a cpo:OutcomeCategory ; skos:prefLabel "Acute interventions"@en .
ex:c2 a cpo:OutcomeCategory ; skos:prefLabel "Acute interventions"@en .
ex:cs1 a cpo:CaseStudy ; cpo:caseNumber 99 ;
    rdfs:label "A tied case study"@en , "A tied case study, again"@en .
ex:cs2 a cpo:CaseStudy ; cpo:caseNumber 99 ; rdfs:label "A tied case study, too"@en .
ex:q1 cpo:quote " " , "  " .
"""


def test_rows_tied_on_every_sort_key_come_in_one_order(runner, store_dir, tmp_path):
    """A workspace's principle of the same position and label as one of the review's,
    categories of the same label, case studies of one number, a case study of two labels,
    a node of two blank quotes: the answer computed at build time (in memory),
    the query run on the cached store and rdflib's engine must still print the same bytes,
    so every precomputed query orders its rows totally."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ties.ttl").write_text(TIES, encoding="utf-8")
    given = ["--source", str(sources.data_dir()), "--source", str(extra)]
    cli_outputs(runner, given, tmp_path)
    memory = runner.invoke(cli, [*given, "--store", "memory", "query", "evidence-gap-map",
                                 "--format", "csv"])
    answered = runner.invoke(cli, [*given, "query", "evidence-gap-map", "--format", "csv"])
    assert memory.exit_code == 0 and memory.stdout == answered.stdout
    assert len(answered.stdout.splitlines()) == 1 + 7 * 29


def test_the_command_answers_from_the_file_and_an_edit_rebuilds_it(runner, store_dir,
                                                                    tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sources.data_dir(), data)
    query = ["--source", str(data), "query", "evidence-gap-map", "--format", "csv"]
    before = runner.invoke(cli, query)
    assert before.exit_code == 0, before.output
    assert counts(before.stdout)[("6", "Complaints")] == 1
    assert counts(before.stdout)[("6", "Patient experience")] == 2

    # the command reads the file: a changed file shows (nothing else could give this row)
    # once the manifest records its digest; without that, the file is not trusted
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    answer = answer_file(folder)
    original = answer.read_text(encoding="utf-8")
    answer.write_text(original.replace('"value":"Complaints"', '"value":"Grumbles"'),
                      encoding="utf-8")
    assert runner.invoke(cli, query).stdout == before.stdout
    manifest = folder / "manifest.json"
    recorded = manifest.read_text(encoding="utf-8")
    trust(answer)
    assert "Grumbles" in runner.invoke(cli, query).stdout
    answer.write_text(original, encoding="utf-8")
    manifest.write_text(recorded, encoding="utf-8")

    # an edited source builds a new store, whose answer has the new counts
    path = data / OXLEAS
    path.write_text(path.read_text(encoding="utf-8").replace(
        "cpo:outcomeCategory cat:complaints ;", "cpo:outcomeCategory cat:patient-experience ;"),
        encoding="utf-8")
    after = runner.invoke(cli, query)
    assert after.exit_code == 0, after.output
    assert counts(after.stdout)[("6", "Complaints")] == 0
    assert counts(after.stdout)[("6", "Patient experience")] == 3
    assert len(list((store_dir / "stores").glob("*/answers/*.srj"))) == 2 * len(
        precomputed.PRECOMPUTED)
    ran = runner.invoke(cli, ["--source", str(data), "query", "--file",
                              str(reference_copy(tmp_path)), "--format", "csv"])
    assert after.stdout == ran.stdout


def test_an_unreadable_answer_leaves_the_query_to_run(runner, store_dir, tmp_path):
    first = runner.invoke(cli, ["query", "evidence-gap-map", "--format", "csv"])
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    answer_file(folder).write_text('{"head":{"vars":["position"]},"results":{"bindings":[{"pos',
                      encoding="utf-8")
    again = runner.invoke(cli, ["query", "evidence-gap-map", "--format", "csv"])
    assert again.exit_code == 0 and again.stdout == first.stdout


def test_an_answer_copied_from_another_store_is_not_used(runner, store_dir, tmp_path):
    """Each store trusts only the answers its build wrote (their digests are in its
    manifest): another store's answer file of the same query text, copied over, or a file
    edited into another valid answer, is not read; the query runs."""
    data = tmp_path / "data"
    shutil.copytree(sources.data_dir(), data)
    path = data / OXLEAS
    path.write_text(path.read_text(encoding="utf-8").replace(
        "cpo:outcomeCategory cat:complaints ;", "cpo:outcomeCategory cat:patient-experience ;"),
        encoding="utf-8")
    query = ["query", "evidence-gap-map", "--format", "csv"]
    bundled = runner.invoke(cli, query)
    edited = runner.invoke(cli, ["--source", str(data), *query])
    assert bundled.exit_code == 0 == edited.exit_code
    assert bundled.stdout != edited.stdout
    mine = answer_file(open_cached_oxigraph().answers_folder)
    theirs = answer_file(open_cached_oxigraph([data]).answers_folder)
    assert mine.name == theirs.name and theirs.is_file()  # the same query text
    shutil.copyfile(theirs, mine)
    assert runner.invoke(cli, query).stdout == bundled.stdout
    ran = runner.invoke(cli, ["query", "--file", str(reference_copy(tmp_path)), "--format",
                              "csv"])
    assert ran.stdout == bundled.stdout


def test_the_answer_stays_out_of_the_graph(runner, store_dir):
    """Not a triple of the store: its dataset has no named graph, its size is the memory
    store's, stats and N-Quads exports are the memory store's, the answer file aside."""
    store = open_cached_oxigraph()
    assert list(store.pyoxigraph_store.named_graphs()) == []
    assert store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").terms == []
    stats = {backend: json.loads(runner.invoke(cli, ["--store", backend, "stats", "--format",
                                                     "json"]).stdout)
             for backend in ("oxigraph", "memory")}
    assert stats["oxigraph"] == stats["memory"]
    assert len(store) == stats["memory"]["triples"]
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    assert (folder / "answers").is_dir()
    exports = [runner.invoke(cli, [*backend, "export", "--format", "nquads"])
               for backend in ([], ["--store", "memory"])]
    assert exports[0].exit_code == 0 and exports[0].stdout == exports[1].stdout


@pytest.mark.parametrize("name", precomputed.PRECOMPUTED)
def test_the_looked_up_text_is_what_the_command_and_the_site_run(name):
    """The answer is found by the exact text: the one `coprod-kg query NAME`, `validate`
    (a gate or gap report) and the site's `select` give the store; and an edit of the query
    file builds new stores."""
    from coprod_kg.graph.cache import _code_fingerprint
    from coprod_kg.publishing.sitedata import query_text
    from coprod_kg.queries import catalogue
    from coprod_kg.queries.prefixes import declare_project_prefixes

    command = declare_project_prefixes(catalogue.bound_text(catalogue.get_query(name), {}), name)
    validate = catalogue.bound_text(catalogue.read_query(sources.queries_dir() / f"{name}.rq"))
    assert command == query_text(name) == validate == precomputed.reference_text(name)
    assert any(part.startswith(f"{name}.rq:") for part in _code_fingerprint())


def test_validate_and_the_site_read_the_answers(runner, store_dir):
    """`validate` runs its gates and gap reports, and the site its queries, through the
    store's query() in the stored text: their rows are the reference queries', and a
    changed answer (its digest recorded) shows in both, so they are read from the file."""
    from coprod_kg.publishing.sitedata import select
    from coprod_kg.validation.gates import run_gap_reports, run_gates

    store = open_cached_oxigraph()
    reports = [gate for gate in run_gates(store) + run_gap_reports(store)
               if gate.name in precomputed.PRECOMPUTED]
    assert {gate.name for gate in reports} == {
        "dangling-link-violation", "empty-quote-violation", "outcome-case-study-violation",
        "case-study-without-principle-gap"}
    for gate in reports:
        reference = store.query(precomputed.reference_text(gate.name) + COMMENT)
        assert gate.rows == tuple(reference.rows), gate.name

    dangling = answer_file(store.answers_folder, "dangling-link-violation")
    answer = json.loads(dangling.read_text(encoding="utf-8"))
    answer["results"]["bindings"].append({
        "subject": {"type": "uri", "value": "https://example.org/s"},
        "property": {"type": "uri", "value": "https://example.org/p"},
        "target": {"type": "uri", "value": "https://w3id.org/coprod-kg/id/from-the-file"}})
    dangling.write_text(json.dumps(answer), encoding="utf-8")
    trust(dangling)
    counted = answer_file(store.answers_folder, "site-counts")
    answer = json.loads(counted.read_text(encoding="utf-8"))
    answer["results"]["bindings"][0]["caseStudies"]["value"] = "99999"
    counted.write_text(json.dumps(answer), encoding="utf-8")
    trust(counted)

    validated = runner.invoke(cli, ["validate", "--format", "json"])
    assert validated.exit_code == 1
    [gate] = [gate for gate in json.loads(validated.stdout)["gates"] if not gate["passed"]]
    assert gate["name"] == "dangling-link-violation" and len(gate["rows"]) == 1
    assert "from-the-file" in gate["rows"][0]["target"]
    assert select(open_cached_oxigraph(), "site-counts")[0]["caseStudies"] == 99999
