"""Precomputed answers (issue 16, graph.precomputed): a persistent store carries the answer
of `evidence-gap-map`, computed by the reference query when the store is built; a query of
exactly that text is answered from it, row for row and byte for byte what the reference
query gives, and the answer is nowhere else (not in the store's triples, stats, exports).

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


def reference_copy(folder: Path) -> Path:
    """The stored query with one comment more: the same question, run as a query."""
    path = folder / "evidence-gap-map-reference.rq"
    path.write_text((sources.queries_dir() / "evidence-gap-map.rq").read_text(encoding="utf-8")
                    + "# run as a query, not looked up\n", encoding="utf-8")
    return path


def assert_answer_is_the_reference(store) -> list[tuple]:
    text = precomputed.reference_text("evidence-gap-map")
    stored = precomputed.read_answer(store.answers_folder, text, store.answer_digests)
    assert stored is not None  # the build wrote it, and this store finds it
    answered = store.query(text)
    reference = store.query(text + "\n# the reference\n")
    assert answered.variables == reference.variables == stored.variables == [
        "position", "principleLabel", "categoryLabel", "outcomes"]
    assert answered.terms == reference.terms == stored.terms  # same terms, same order
    return reference.terms


def cli_outputs(runner, sources_args: list[str], reference: Path) -> None:
    """Every output format: the stored query's bytes equal the reference query's."""
    for fmt in FORMATS:
        answered = runner.invoke(cli, [*sources_args, "query", "evidence-gap-map",
                                       "--format", fmt])
        ran = runner.invoke(cli, [*sources_args, "query", "--file", str(reference),
                                  "--format", fmt])
        assert answered.exit_code == 0 == ran.exit_code, answered.output + ran.output
        assert answered.stdout == ran.stdout


def counts(csv_text: str) -> dict[tuple[str, str], int]:
    rows = [line.split(",") for line in csv_text.splitlines()[1:]]
    return {(row[0], row[-2]): int(row[-1]) for row in rows}


def test_the_bundled_data_answer_is_the_reference_query(runner, store_dir, tmp_path):
    store = open_cached_oxigraph()
    rows = assert_answer_is_the_reference(store)
    assert len(rows) == 6 * 27
    cli_outputs(runner, [], reference_copy(tmp_path))
    # and the memory store (rdflib's engine, no precomputed answer) prints the same bytes
    memory = runner.invoke(cli, ["--store", "memory", "query", "evidence-gap-map",
                                 "--format", "csv"])
    assert memory.stdout == runner.invoke(cli, ["query", "evidence-gap-map", "--format",
                                                "csv"]).stdout


def test_a_synthetic_data_folder_answer_is_the_reference_query(runner, store_dir, tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import read_vocabulary, write_synthetic

    synthetic = tmp_path / "synthetic"
    write_synthetic(300, synthetic, read_vocabulary(open_cached_oxigraph()), batch=100)
    store = open_cached_oxigraph([sources.data_dir(), synthetic])
    rows = assert_answer_is_the_reference(store)
    assert sum(int(row[3].value) for row in rows) > 300  # the synthetic outcomes are counted
    cli_outputs(runner, ["--source", str(sources.data_dir()), "--source", str(synthetic)],
                reference_copy(tmp_path))


TIES = """\
@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/> .
ex:p1 a cpo:Principle ; cpo:position 1 ;
    skos:prefLabel "Building on people's existing capabilities"@en .
ex:c1 a cpo:OutcomeCategory ; skos:prefLabel "Acute interventions"@en .
ex:c2 a cpo:OutcomeCategory ; skos:prefLabel "Acute interventions"@en .
"""


def test_rows_tied_on_every_sort_key_come_in_one_order(runner, store_dir, tmp_path):
    """A workspace's principle of the same position and label as one of the review's, and
    categories of the same label: the answer computed at build time (in memory), the query
    run on the cached store and rdflib's engine must still print the same bytes."""
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "ties.ttl").write_text(TIES, encoding="utf-8")
    given = ["--source", str(sources.data_dir()), "--source", str(extra)]
    cli_outputs(runner, given, reference_copy(tmp_path))
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
    [answer] = (store_dir / "stores").glob("*/answers/*.srj")
    original = answer.read_text(encoding="utf-8")
    answer.write_text(original.replace('"value":"Complaints"', '"value":"Grumbles"'),
                      encoding="utf-8")
    assert runner.invoke(cli, query).stdout == before.stdout
    manifest = answer.parent.parent / "manifest.json"
    recorded = manifest.read_text(encoding="utf-8")
    entries = json.loads(recorded)
    entries["answers"][answer.name] = precomputed.answer_digest(answer.read_bytes())
    manifest.write_text(json.dumps(entries), encoding="utf-8")
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
    assert len(list((store_dir / "stores").glob("*/answers/*.srj"))) == 2
    ran = runner.invoke(cli, ["--source", str(data), "query", "--file",
                              str(reference_copy(tmp_path)), "--format", "csv"])
    assert after.stdout == ran.stdout


def test_an_unreadable_answer_leaves_the_query_to_run(runner, store_dir, tmp_path):
    first = runner.invoke(cli, ["query", "evidence-gap-map", "--format", "csv"])
    [answer] = (store_dir / "stores").glob("*/answers/*.srj")
    answer.write_text('{"head":{"vars":["position"]},"results":{"bindings":[{"pos',
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
    [mine] = (open_cached_oxigraph().answers_folder / "answers").glob("*.srj")
    [theirs] = (open_cached_oxigraph([data]).answers_folder / "answers").glob("*.srj")
    assert mine.name == theirs.name  # the same query text
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
    [folder] = (store_dir / "stores").iterdir()
    assert (folder / "answers").is_dir()
    exports = [runner.invoke(cli, [*backend, "export", "--format", "nquads"])
               for backend in ([], ["--store", "memory"])]
    assert exports[0].exit_code == 0 and exports[0].stdout == exports[1].stdout


@pytest.mark.parametrize("name", precomputed.PRECOMPUTED)
def test_the_looked_up_text_is_what_the_command_and_the_site_run(name):
    """The answer is found by the exact text: the one `coprod-kg query NAME` and the site's
    `select` give the store; and an edit of the query file builds new stores."""
    from coprod_kg.graph.cache import _code_fingerprint
    from coprod_kg.publishing.sitedata import query_text
    from coprod_kg.queries import catalogue
    from coprod_kg.queries.prefixes import declare_project_prefixes

    command = declare_project_prefixes(catalogue.bound_text(catalogue.get_query(name), {}), name)
    assert command == query_text(name) == precomputed.reference_text(name)
    assert any(part.startswith(f"{name}.rq:") for part in _code_fingerprint())
