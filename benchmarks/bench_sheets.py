"""Benchmark of `coprod-kg import` with an extraction sheet (issue 18): N generated rows
(synthetic, written to a temporary copy of data/, never to the bundled data), imported once
as CSV. Reports the time to read and check the sheet, and the whole import (SHACL shapes and
quality gates over the whole graph, then the write). Target: 10,000 rows in <= 30 s.

Usage: python benchmarks/bench_sheets.py [--rows N]
Prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path

ROWS_PER_CASE = 10  # 9 outcomes and 1 alignment


def generate(path: Path, rows: int) -> None:
    header = ["case_study", "record", "label", "category", "direction", "value", "unit",
              "quote", "page", "sources", "principle", "rationale", "title", "case_page",
              "approach", "interventions", "organisations", "case_populations", "references",
              "learning_points_stated"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for number in range(rows):
            case, index = divmod(number, ROWS_PER_CASE)
            row = dict.fromkeys(header, "")
            row["case_study"] = f"bench-{case}"
            if index == 0:
                row.update(title=f"Synthetic benchmark case {case}", case_page="5",
                           approach="Synthetic benchmark approach.",
                           interventions="experience-based-co-design", organisations="oxleas",
                           case_populations="carers", references="kings-fund-ebcd-oxleas",
                           learning_points_stated="false")
            if index == ROWS_PER_CASE - 1:
                row.update(record="alignment", principle="asset-based",
                           rationale="Synthetic rationale.", quote="Synthetic quote.", page="5")
            else:
                row.update(label=f"Synthetic outcome {number}", category="complaints",
                           direction="decrease", value=str(number % 100), unit="percent",
                           quote=f"Synthetic quote {number}.", page="5",
                           sources="kings-fund-ebcd-oxleas")
            writer.writerow([row[name] for name in header])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    from coprod_kg.authoring.entities import resolver_of
    from coprod_kg.authoring.model import vocabulary_of
    from coprod_kg.authoring.sheets import read_sheet
    from coprod_kg.authoring.transaction import _load_base, import_templates
    from coprod_kg.graph import sources

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        shutil.copytree(sources.data_dir(), data)
        sheet = Path(folder) / "bench.csv"
        generate(sheet, args.rows)
        start = time.perf_counter()
        graph, files = _load_base(sources.turtle_files(data))
        vocabulary = vocabulary_of(graph, files)
        templates = read_sheet(sheet, vocabulary, resolver_of(graph, vocabulary.allowed, data))
        read = time.perf_counter() - start
        start = time.perf_counter()
        result = import_templates([sheet], data)
        whole = time.perf_counter() - start
    print("| rows | case studies | read and check the sheet (s) | whole import (s) |")
    print("|---:|---:|---:|---:|")
    print(f"| {args.rows:,} | {len(templates):,} | {read:.1f} | {whole:.1f} |")
    assert len(result.written) == len(templates)


if __name__ == "__main__":
    main()
