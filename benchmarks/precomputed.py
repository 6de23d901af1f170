"""The precomputed answers (graph.precomputed) on a cached store: what they cost and save.

    python benchmarks/precomputed.py --store-dir D --source data --source SYNTH [--rounds 3]

The first command builds the store in D if it is not there (its answers included). Then,
for each query of PRECOMPUTED: the seconds its reference query takes on the built store
(what the build pays for its answer: the store opened read-only, the query run in this
process), and warm whole-process `coprod-kg ... query NAME --format csv` (answered from the
file) interleaved with `query --file` of the same text plus a comment (run as a query):
median wall and CPU seconds, and whether every output had the same bytes. Prints Markdown.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(command: list[str]) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one process, and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    output = subprocess.run(command, capture_output=True, check=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), output


def build_cost(folder: Path, text: str) -> float:
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str(folder / "oxigraph"))
    start = time.perf_counter()
    list(store.query(text))
    return time.perf_counter() - start


def main() -> None:
    from coprod_kg.graph import precomputed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store-dir", type=Path, required=True)
    parser.add_argument("--source", action="append", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = [str(Path(sys.executable).with_name("coprod-kg")), "--store-dir", str(args.store_dir)]
    base += [part for source in args.source for part in ("--source", source)]
    run([*base, "stats"])  # builds the store if needed
    on_disk = sorted((path.parent for path in (args.store_dir / "stores").glob("*/oxigraph")),
                     key=lambda path: (path / "manifest.json").stat().st_mtime)
    folder = on_disk[-1] if on_disk else None  # the newest; None: a snapshot, read in memory
    print("| query | at build (s) | answered wall (CPU) s | run wall (CPU) s | same bytes |")
    print("|---|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for name in precomputed.PRECOMPUTED:
            text = precomputed.reference_text(name)
            copy = Path(scratch) / f"{name}.rq"
            copy.write_text(text + "\n# run as a query\n", encoding="utf-8")
            answered, ran = [], []
            for _ in range(args.rounds):
                answered.append(run([*base, "query", name, "--format", "csv"]))
                ran.append(run([*base, "query", "--file", str(copy), "--format", "csv"]))
            cost = f"{build_cost(folder, text):.2f}" if folder else "in memory"
            same = len({output for _, _, output in answered + ran}) == 1
            print(f"| {name} | {cost} | {median(answered)} | {median(ran)} | {same} |",
                  flush=True)


def median(runs: list[tuple[float, float, bytes]]) -> str:
    return (f"{statistics.median(wall for wall, _, _ in runs):.2f} "
            f"({statistics.median(cpu for _, cpu, _ in runs):.2f})")


if __name__ == "__main__":
    main()
