"""Every stored query at N case studies: Oxigraph against rdflib's engine, same run (issue 16).

    python benchmarks/against_rdflib.py --size 10000 [--target 30] [--cap 120] [--only a,b]

Writes N synthetic case studies (benchmarks/synthetic.py), loads the ontology, the bundled
data and them with the project's own loaders into an on-disk Oxigraph store, opened
read-only as `coprod-kg` opens its cached store of that size (pyoxigraph's in-memory store
is up to 10x slower on some of these queries), and into an rdflib Graph (the same
triples), then for every stored query without SERVICE:

- Oxigraph: best of up to 3 runs (one if a run took over 2 s);
- rdflib: one run in a child forked from the loaded process, stopped after
  max(target x Oxigraph's time, --floor) seconds, never more than --cap. An answer rdflib
  has not given by then is at least `limit / Oxigraph` times slower; measuring it to the
  end could take hours (the gap map: > 120 s at 10,000), and says nothing more about the
  target.

Prints (and with --markdown-out writes) a Markdown table: both times, the speed-up (">="
when rdflib was stopped), whether the target is met, and for every query rdflib answered
whether both engines gave the same rows (normalised as in run.py: numbers by value).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import select
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import normalised_digest  # noqa: E402
from stored_queries import EXAMPLE_VALUES, runnable  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stored_texts(only: set[str]) -> dict[str, str]:
    from coprod_kg.graph.sources import queries_dir
    from coprod_kg.queries.catalogue import bound_text, read_query

    texts = {}
    for path in sorted(queries_dir().glob("*.rq")):
        if (only and path.stem not in only) or not runnable(path):
            continue
        texts[path.stem] = bound_text(read_query(path), EXAMPLE_VALUES.get(path.stem))
    return texts


def answer_digest(answer) -> tuple[int, str]:
    """(rows or triples, digest of them normalised) of a QueryResult of either engine."""
    if answer.kind == "SELECT":
        return len(answer.rows), normalised_digest(answer.rows)
    if answer.kind == "ASK":
        return 1, str(answer.boolean)
    triples = [tuple(t) for t in answer.graph]
    return len(triples), normalised_digest(triples)


def time_oxigraph(store, text: str) -> tuple[float, int, str]:
    timings = []
    while True:
        started = time.perf_counter()
        answer = store.query(text)
        timings.append(time.perf_counter() - started)
        if len(timings) == 3 or timings[-1] > 2.0:
            break
    return (min(timings), *answer_digest(answer))


def time_rdflib(store, text: str, limit: float) -> dict | None:
    """rdflib's time, rows and digest in a forked child; None if stopped at `limit`."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            started = time.perf_counter()
            answer = store.query(text)
            seconds = time.perf_counter() - started
            rows, digest = answer_digest(answer)
            os.write(write_end, json.dumps({"seconds": seconds, "rows": rows,
                                            "digest": digest}).encode())
        except BaseException as error:  # noqa: BLE001 - reported, never run the parent's code
            os.write(write_end, json.dumps({"error": str(error)[:200]}).encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], limit)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        return None
    chunks = []
    while chunk := os.read(read_end, 1 << 16):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def load_both(size: int, folder: Path):
    from synthetic import read_vocabulary, write_synthetic

    from coprod_kg.graph.load import load_graph
    from coprod_kg.graph.sources import data_dir
    from coprod_kg.graph.store import MemoryStore, OxigraphStore, load_oxigraph, open_store
    from coprod_kg.settings import Settings

    vocab = read_vocabulary(open_store(Settings(store="oxigraph")))
    files = write_synthetic(size, folder, vocab) if size else []
    sources = [data_dir(), *files]
    started = time.perf_counter()
    location = folder / "oxigraph"
    load_oxigraph(sources, location=location)  # closed once loaded: reopened read-only,
    oxigraph = OxigraphStore.open_directory(location)  # as a command opens its cached store
    log(f"Oxigraph: {len(oxigraph):,} triples in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    memory = MemoryStore(load_graph(sources))
    log(f"rdflib: {len(memory):,} triples in {time.perf_counter() - started:.1f} s")
    gc.collect()
    gc.freeze()  # forked children then share the graph's pages instead of copying them
    return oxigraph, memory


def compare(args) -> list[str]:
    texts = stored_texts({name for name in args.only.split(",") if name})
    lines = [f"Every stored query at {args.size:,} synthetic case studies: Oxigraph on "
             f"disk, read-only (best of up to 3 runs) against rdflib's engine in memory "
             f"(one run, stopped "
             f"after max({args.target:g} x Oxigraph, {args.floor:g} s), at most "
             f"{args.cap:g} s). Target of issue 16: >= {args.target:g}x for every query.",
             "", "| query | Oxigraph (s) | rdflib (s) | speed-up | target met | rows | "
             "same rows |", "|---|---:|---:|---:|---|---:|---|"]
    with tempfile.TemporaryDirectory(prefix="coprod-kg-against-") as folder:
        oxigraph, memory = load_both(args.size, Path(folder))
        for name, text in texts.items():
            ox_seconds, rows, digest = time_oxigraph(oxigraph, text)
            limit = min(max(args.target * ox_seconds, args.floor), args.cap)
            found = time_rdflib(memory, text, limit)
            lines.append(row_line(name, ox_seconds, rows, digest, found, limit, args.target))
            log(lines[-1])
    return lines


def row_line(name: str, ox_seconds: float, rows: int, digest: str, found: dict | None,
             limit: float, target: float) -> str:
    if found is None:
        ratio = limit / ox_seconds if ox_seconds else float("inf")
        return (f"| {name} | {ox_seconds:.4f} | > {limit:.1f} (stopped) | >= {ratio:,.0f}x | "
                f"{'yes' if ratio >= target else 'not shown'} | {rows:,} | - |")
    if "error" in found:
        return f"| {name} | {ox_seconds:.4f} | error: {found['error']} | | | {rows:,} | |"
    ratio = found["seconds"] / ox_seconds if ox_seconds else float("inf")
    same = "yes" if (found["rows"], found["digest"]) == (rows, digest) else \
        f"NO ({found['rows']:,} rows)"
    return (f"| {name} | {ox_seconds:.4f} | {found['seconds']:.3f} | {ratio:,.0f}x | "
            f"{'yes' if ratio >= target else 'NO'} | {rows:,} | {same} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="synthetic case studies")
    parser.add_argument("--target", type=float, default=30.0, help="speed-up to show")
    parser.add_argument("--floor", type=float, default=2.0,
                        help="seconds rdflib always gets, however fast Oxigraph was")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds rdflib gets at most")
    parser.add_argument("--only", default="", help="comma-separated query names")
    parser.add_argument("--markdown-out", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    lines = compare(args)
    lines += ["", f"The run took {time.perf_counter() - started:.0f} s "
              f"(`python benchmarks/against_rdflib.py --size {args.size}`)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown_out:
        temporary = args.markdown_out.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(args.markdown_out)


if __name__ == "__main__":
    main()
