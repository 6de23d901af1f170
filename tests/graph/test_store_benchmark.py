"""The scale benchmark runs end to end at a tiny size (so `make bench` does not rot), and
its synthetic case studies are in our model."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))


def test_synthetic_case_studies_follow_the_model(tmp_path: Path) -> None:
    from synthetic import read_vocabulary, write_synthetic

    from coprod_kg.graph.store import OxigraphStore, open_store
    from coprod_kg.settings import Settings

    vocab = read_vocabulary(open_store(Settings()))
    files = write_synthetic(25, tmp_path, vocab, batch=10)
    assert [f.name for f in files] == ["synthetic-00000.ttl", "synthetic-00001.ttl",
                                       "synthetic-00002.ttl"]
    store = OxigraphStore.from_files(files)
    assert len(store) == 25 * 98
    counts = store.query(
        "PREFIX cpo: <https://w3id.org/coprod-kg/ontology#> SELECT "
        "(COUNT(DISTINCT ?cs) AS ?cases) (COUNT(DISTINCT ?o) AS ?outcomes) "
        "(COUNT(DISTINCT ?a) AS ?alignments) WHERE { ?cs a cpo:CaseStudy ; cpo:hasOutcome ?o ; "
        "cpo:hasPrincipleAlignment ?a . ?a cpo:principle ?p }").rows[0]
    assert [int(value) for value in counts] == [25, 75, 75]
    # every synthetic node says it is synthetic: nothing here can pass for a fact
    assert all("/synthetic/" in str(row[0]) for row in store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o }").rows)


def test_the_benchmark_runs_and_writes_its_tables(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--sizes", "10", "--disk-size",
         "20", "--validate-modes", "cached", "--process-runs", "2", "--process-sizes", "10",
         "--output", str(output)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    text = output.read_text(encoding="utf-8")
    assert "## Machine" in text and "pyoxigraph 0.5" in text
    assert re.search(r"^\| 10 \| [\d,]+ \| memory \|", text, re.MULTILINE)
    rows = [line for line in text.splitlines() if line.startswith("| 10 |")]
    # whole processes on that data folder (first), memory, oxigraph, the speed-ups, validation
    assert len(rows) == 5
    rows = rows[1:]
    assert rows[2].endswith("| yes |")  # both backends gave the same rows
    assert "| 10 | cached |" in text and "| yes |" in rows[3]
    assert "| 20 |" in text  # the on-disk store
    assert "[10 oxigraph] gap-map GROUP BY:" in completed.stderr  # progress on stderr
    check_whole_processes(text, completed.stderr)


def table_row(text: str, label: str) -> list[str]:
    [line] = [line for line in text.splitlines() if line.startswith(f"| {label} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def same_ratio(cell: str, slow: str, fast: str) -> bool:
    """The ratio printed in `cell`, against the one of the printed (rounded) seconds."""
    assert cell.endswith("x"), cell
    return math.isclose(float(cell[:-1]), float(slow) / float(fast), rel_tol=0.1, abs_tol=0.02)


def check_whole_processes(text: str, progress: str) -> None:
    """Cold and warm `coprod-kg query` against `python -c pass` and `import rdflib`, on the
    bundled data and on data folders, with their ratios (at a tiny size the figures mean
    nothing: the table, the row counts and the ratios' arithmetic are checked)."""
    from coprod_kg.graph.sources import queries_dir
    from coprod_kg.graph.store import open_store
    from coprod_kg.queries.catalogue import bound_text, read_query
    from coprod_kg.settings import Settings

    assert "## Whole process, the way users feel it" in text and "median of 2 rounds" in text
    text = text.split("## Whole process", 1)[1].split("\n## ", 1)[0]  # that section only
    rows = len(open_store(Settings()).query(
        bound_text(read_query(queries_dir() / "outcomes-by-reduction.rq"), {})).rows)
    assert f"`coprod-kg query outcomes-by-reduction` ({rows} rows)" in text
    floor = table_row(text, "`python -c pass`")[1]
    rdflib = table_row(text, '`python -c "import rdflib"`')
    assert rdflib[4] == "1.00x"
    assert same_ratio(rdflib[5], rdflib[1], floor)
    for state in ("cold", "warm"):
        row = table_row(text, f"`coprod-kg query outcomes-by-reduction`, {state}")
        assert same_ratio(row[4], row[1], rdflib[1])
    ten, twenty = table_row(text, "10"), table_row(text, "20")  # data folder, on-disk size
    assert rows < int(ten[1]) < int(twenty[1].replace(",", ""))
    for row in (ten, twenty):
        assert same_ratio(row[6], row[3], row[5])
    assert "whole processes on 20 synthetic case studies" in progress


def test_the_engine_comparison_runs_and_checks_the_rows(tmp_path: Path) -> None:
    output = tmp_path / "against.md"
    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "against_rdflib.py"), "--size", "10",
         "--only", "principles,outcomes-by-reduction", "--floor", "60",
         "--markdown-out", str(output)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    rows = [line.split(" | ") for line in output.read_text(encoding="utf-8").splitlines()
            if line.startswith(("| principles |", "| outcomes-by-reduction |"))]
    # rdflib had a minute: it answered both, with the same rows as Oxigraph
    assert [(row[0], row[5], row[6]) for row in rows] == [
        ("| outcomes-by-reduction", "15", "yes |"), ("| principles", "6", "yes |")]
