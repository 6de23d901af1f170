"""The scale benchmark runs end to end at a tiny size (so `make bench` does not rot), and
its synthetic case studies are in our model."""

from __future__ import annotations

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
         "20", "--validate-modes", "cached", "--output", str(output)],
        capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    text = output.read_text(encoding="utf-8")
    assert "## Machine" in text and "pyoxigraph 0.5" in text
    assert re.search(r"^\| 10 \| [\d,]+ \| memory \|", text, re.MULTILINE)
    rows = [line for line in text.splitlines() if line.startswith("| 10 |")]
    assert len(rows) == 4  # memory, oxigraph, the speed-ups, validation
    assert rows[2].endswith("| yes |")  # both backends gave the same rows
    assert "| 10 | cached |" in text and "| yes |" in rows[3]
    assert "| 20 |" in text  # the on-disk store
    assert "[10 oxigraph] gap-map GROUP BY:" in completed.stderr  # progress on stderr
