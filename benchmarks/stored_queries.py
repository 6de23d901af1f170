"""Every stored query on an on-disk Oxigraph store of N synthetic case studies (issue 16).

    python benchmarks/stored_queries.py --size 10000 [--queries DIR] [--store DIR]

Builds (or reuses, with --store) an on-disk store of the ontology, the bundled data and N
synthetic case studies (benchmarks/synthetic.py), then runs each stored query of
`--queries` (default: queries/) in a process of its own, which opens the store read-only
and runs the query up to 3 times (best kept; once if it took over 2 s). A query still
running after --limit seconds is stopped. Prints a Markdown table: wall and CPU seconds,
rows, and a digest of the sorted rows (to compare two versions of the queries: the same
digest means the same answer at this size). --markdown-out also writes it to a file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
EXAMPLE_VALUES = {"quote-search": {"text": "complaints"}}  # as tests/graph/test_store_backends


def worker(store_path: str, query_path: str) -> None:
    from coprod_kg.graph.store import OxigraphStore
    from coprod_kg.queries.catalogue import bound_text, read_query

    stored = read_query(Path(query_path))
    text = bound_text(stored, EXAMPLE_VALUES.get(Path(query_path).stem))
    store = OxigraphStore.open_directory(Path(store_path))
    timings = []
    while True:
        wall, cpu = time.perf_counter(), time.process_time()
        answer = store.query(text)
        rows = answer.terms if answer.kind == "SELECT" else list(answer.graph or [])
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
        if len(timings) == 3 or timings[-1][0] > 2.0:
            break
    lines = sorted("\t".join("-" if t is None else str(t) for t in row) for row in rows)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]
    best = min(timings)
    print(json.dumps({"seconds": best[0], "cpu": best[1], "rows": len(rows), "digest": digest,
                      "runs": len(timings)}))


def build(size: int, location: Path) -> None:
    from synthetic import read_vocabulary, write_synthetic

    from coprod_kg.graph.sources import data_dir
    from coprod_kg.graph.store import load_oxigraph, open_store
    from coprod_kg.settings import Settings

    vocab = read_vocabulary(open_store(Settings(store="oxigraph")))
    with tempfile.TemporaryDirectory(prefix="coprod-kg-synthetic-") as folder:
        files = write_synthetic(size, Path(folder), vocab)
        store = load_oxigraph([data_dir(), *files], location=location)
        print(f"built {location}: {len(store):,} triples", file=sys.stderr)


def runnable(path: Path) -> bool:
    from coprod_kg.graph.guard import blank_out

    return "SERVICE" not in blank_out(path.read_text(encoding="utf-8")).upper()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--store", type=Path, help="store folder (built there if absent)")
    parser.add_argument("--queries", type=Path, default=None, help="folder of .rq files")
    parser.add_argument("--only", default="", help="comma-separated query names")
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--markdown-out", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from coprod_kg.graph.sources import queries_dir

    folder = args.queries or queries_dir()
    only = {name for name in args.only.split(",") if name}
    store = args.store or Path(tempfile.mkdtemp(prefix="coprod-kg-stored-")) / "store"
    if not store.exists():
        build(args.size, store)
    lines = [f"Stored queries of `{folder.name}/` on an on-disk Oxigraph store of "
             f"{args.size:,} synthetic case studies (best of up to 3 runs, each query in a "
             "process of its own).", "",
             "| query | wall (s) | CPU (s) | rows | digest |", "|---|---:|---:|---:|---|"]
    for path in sorted(folder.glob("*.rq")):
        if (only and path.stem not in only) or not runnable(path):
            continue
        try:
            done = subprocess.run([sys.executable, __file__, "--worker", str(store), str(path)],
                                  capture_output=True, text=True, timeout=args.limit,
                                  check=False)
        except subprocess.TimeoutExpired:
            lines.append(f"| {path.stem} | > {args.limit:.0f} (stopped) | | | |")
        else:
            if done.returncode != 0:
                lines.append(f"| {path.stem} | error: {done.stderr.strip()[-120:]} | | | |")
            else:
                result = json.loads(done.stdout)
                lines.append(f"| {path.stem} | {result['seconds']:.3f} | {result['cpu']:.3f} | "
                             f"{result['rows']:,} | {result['digest']} |")
        print(lines[-1], file=sys.stderr, flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown_out:
        args.markdown_out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
