"""Start-up benchmark of the CLI: whole-process wall time, median of several runs.

Measures, in the same run and on the same machine:
  - `python -c "import rdflib"` (the baseline: any rdflib tool pays it),
  - `coprod-kg --help` (must import neither rdflib nor pyshacl),
  - `coprod-kg query <stored query>` on the bundled graph,
  - `coprod-kg validate` on the bundled graph (shapes + quality gates).

Usage: python benchmarks/bench_cli.py [--runs N] [--query NAME]
Prints a Markdown table on stdout. The target (issue 3): a query within 2x the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CLI = [sys.executable, "-m", "coprod_kg"]


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def median_time(command: list[str], runs: int) -> tuple[float, float, float]:
    wall_time(command)  # warm the file cache once
    samples = [wall_time(command) for _ in range(runs)]
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", default="outcomes-by-reduction")
    args = parser.parse_args()

    cases = [
        ('python -c "import rdflib"', [sys.executable, "-c", "import rdflib"]),
        ("coprod-kg --help", [*CLI, "--help"]),
        (f"coprod-kg query {args.query}", [*CLI, "query", args.query]),
        (f"coprod-kg --store memory query {args.query}",
         [*CLI, "--store", "memory", "query", args.query]),
        ("coprod-kg validate", [*CLI, "validate"]),
    ]
    results = [(label, *median_time(command, args.runs)) for label, command in cases]
    baseline = results[0][1]
    print(f"CLI start-up, whole process, median of {args.runs} runs "
          f"(Python {sys.version.split()[0]}, {Path.cwd().name})\n")
    print("| command | median s | min s | max s | x import rdflib |")
    print("|---|---:|---:|---:|---:|")
    for label, median, low, high in results:
        print(f"| `{label}` | {median:.3f} | {low:.3f} | {high:.3f} | {median / baseline:.2f} |")


if __name__ == "__main__":
    main()
