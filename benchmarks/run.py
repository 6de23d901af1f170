"""The scale benchmark of coprod-kg: `make bench` (or `python benchmarks/run.py`).

For each size N of synthetic case studies (benchmarks/synthetic.py), on the rdflib
memory store and on embedded Oxigraph, in the same run:
  - load: parse the ontology, the bundled data and the synthetic files;
  - three stored queries from queries/: a join with a filter (outcomes-by-reduction),
    the gap-map GROUP BY (evidence-gap-map), a property path (outcomes-by-category);
    the rows of both backends are compared (normalised, sorted);
  - validate: the bundled shapes, batch by batch (one synthetic file of 1,000 case
    studies plus the bundled graph per batch), in parallel processes; at sizes up to
    --whole-up-to the whole graph is validated too and the two reports compared;
  - peak memory (max RSS) of each step, which runs in its own process.
The largest size (--disk-size, 100,000 by default) runs on an on-disk Oxigraph store
only. Then whole CLI processes (benchmarks/whole_process.py). Results go to
benchmarks/results.md with the machine's description.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import whole_process  # noqa: E402

QUERIES = {  # the slowest on rdflib last: it may be stopped at --query-limit
    "join+filter": ("outcomes-by-reduction", {}),
    "property path": ("outcomes-by-category",
                      {"category": "https://w3id.org/coprod-kg/id/outcome-category/complaints"}),
    "gap-map GROUP BY": ("evidence-gap-map", {}),
}
REPEAT_BUDGET_SECONDS = 5.0  # a query is repeated (up to 3 runs, best kept) while cheaper


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------
# Workers: each runs in its own process so that peak memory is its own
# --------------------------------------------------------------------------


def query_texts() -> dict[str, str]:
    from coprod_kg.graph.sources import queries_dir
    from coprod_kg.queries.catalogue import bound_text, read_query

    return {label: bound_text(read_query(queries_dir() / f"{name}.rq"), params)
            for label, (name, params) in QUERIES.items()}


def normalised_digest(rows) -> str:
    def norm(term):
        if term is None:
            return "-"
        text = str(term)
        datatype = getattr(term, "datatype", None)
        if datatype is not None and str(datatype).endswith(("#decimal", "#integer", "#double")):
            try:
                return str(Decimal(text).normalize())
            except InvalidOperation:
                return text
        return f"{type(term).__name__}:{text}:{getattr(term, 'language', None)}"

    lines = sorted("\t".join(norm(t) for t in row) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


def run_with_limit(store, text: str, limit: float):
    """(answer, seconds), or (None, None) if the query is still running after `limit` s.

    rdflib cannot be interrupted: a query over the limit is left running in a daemon
    thread, and the worker ends with os._exit once its report is written."""
    import threading

    outcome: dict = {}

    def target() -> None:
        started = time.perf_counter()
        outcome["answer"] = store.query(text)
        outcome["seconds"] = time.perf_counter() - started

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        return None, None
    return outcome["answer"], outcome["seconds"]


def time_queries(store, tag: str, limit: float) -> dict:
    results = {}
    for label, text in query_texts().items():
        timings = []
        answer = None
        while True:
            answer, seconds = run_with_limit(store, text, limit)
            if answer is None:
                break
            timings.append(seconds)
            if len(timings) == 3 or sum(timings) > REPEAT_BUDGET_SECONDS:
                break
        if not timings:
            log(f"  [{tag}] {label}: stopped after {limit:.0f} s")
            results[label] = {"seconds": None, "limit": limit}
            break  # the abandoned query still runs: later timings would be unfair
        log(f"  [{tag}] {label}: {min(timings):.3f} s, {len(answer.rows)} rows")
        results[label] = {"seconds": min(timings), "runs": len(timings),
                          "rows": len(answer.rows), "digest": normalised_digest(answer.rows)}
    return results


def worker_store(backend: str, files: list[str], tag: str, location: str | None,
                 limit: float) -> dict:
    from coprod_kg.graph.load import load_graph
    from coprod_kg.graph.sources import data_dir
    from coprod_kg.graph.store import MemoryStore, OxigraphStore, load_oxigraph

    # the bundled data folder (with its mapping sets) plus the synthetic files
    paths = [data_dir()] + [Path(f) for f in files]
    log(f"  [{tag}] loading {len(files)} synthetic files ...")
    started = time.perf_counter()
    if backend == "memory":
        store = MemoryStore(load_graph(paths))
    else:
        store = load_oxigraph(paths, location=Path(location) if location else None)
    load_seconds = time.perf_counter() - started
    triples = len(store)
    log(f"  [{tag}] loaded {triples} triples in {load_seconds:.1f} s")
    report = {"load_seconds": load_seconds, "triples": triples}
    if location:
        del store
        import gc

        gc.collect()
        started = time.perf_counter()
        store = OxigraphStore.open_directory(Path(location))
        report["reopen_seconds"] = time.perf_counter() - started
        log(f"  [{tag}] reopened read-only in {report['reopen_seconds'] * 1000:.0f} ms")
    report["queries"] = time_queries(store, tag, limit)
    report["peak_mib"] = peak_rss_mib()
    return report


_BASE = None
_SHAPES = None


def _init_validation(sparql_cache: bool) -> None:
    global _BASE, _SHAPES
    from coprod_kg.graph.load import load_graph, load_shapes

    if sparql_cache:
        install_sparql_cache()
    _BASE = load_graph()
    _SHAPES = load_shapes()


def _validate_batch(path: str):
    from rdflib import Graph

    from coprod_kg.validation.shapes import validate_graph

    graph = Graph()
    for triple in _BASE:
        graph.add(triple)
    graph.parse(path, format="turtle")
    report = validate_graph(graph, _SHAPES)
    return report.results, peak_rss_mib()


def install_sparql_cache() -> None:
    """Translate each SPARQL text once per process (pyshacl re-parses an sh:sparql
    constraint for every focus node; rdflib's parser is most of the cost)."""
    from functools import lru_cache

    from rdflib.plugins.sparql import processor

    @lru_cache(maxsize=256)
    def translated(text: str, base, namespaces):
        return processor.translateQuery(processor.parseQuery(text), base, dict(namespaces or ()))

    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = tuple(sorted((initNs or {}).items()))
            strOrQuery = translated(strOrQuery, base, key)
        return original(self, strOrQuery, initBindings or {}, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query


def worker_validate(files: list[str], tag: str, jobs: int, whole: bool,
                    sparql_cache: bool) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    log(f"  [{tag}] validating {len(files)} batches in {jobs} processes ...")
    started = time.perf_counter()
    results: set = set()
    peaks = []
    with ProcessPoolExecutor(jobs, initializer=_init_validation,
                             initargs=(sparql_cache,)) as pool:
        for done, (batch_results, peak) in enumerate(pool.map(_validate_batch, files), start=1):
            results.update(batch_results)
            peaks.append(peak)
            log(f"  [{tag}] batch {done}/{len(files)} validated "
                f"({time.perf_counter() - started:.1f} s)")
    seconds = time.perf_counter() - started
    ordered = sorted(results, key=lambda r: r.sort_key())
    report = {"seconds": seconds, "results": len(ordered),
              "violations": sum(r.severity == "Violation" for r in ordered),
              "peak_mib": max(peaks + [peak_rss_mib()]), "identical_to_whole": None}
    log(f"  [{tag}] validated in batches: {seconds:.1f} s, {len(ordered)} results")
    if whole:
        from coprod_kg.graph.load import load_graph
        from coprod_kg.validation.shapes import validate_graph

        if sparql_cache:
            install_sparql_cache()
        started = time.perf_counter()
        from coprod_kg.graph.sources import data_dir

        graph = load_graph([data_dir()] + [Path(f) for f in files])
        full = validate_graph(graph)
        report["whole_seconds"] = time.perf_counter() - started
        report["identical_to_whole"] = full.results == ordered
        log(f"  [{tag}] validated as one graph: {report['whole_seconds']:.1f} s; "
            f"identical report: {report['identical_to_whole']}")
    return report


def run_worker(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    if spec["kind"] == "store":
        report = worker_store(spec["backend"], spec["files"], spec["tag"], spec.get("location"),
                              spec["limit"])
    else:
        report = worker_validate(spec["files"], spec["tag"], spec["jobs"], spec["whole"],
                                 spec["sparql_cache"])
    Path(spec["output"]).write_text(json.dumps(report))
    sys.stderr.flush()
    os._exit(0)  # do not wait for a query abandoned at --query-limit


def in_subprocess(spec: dict, workdir: Path) -> dict:
    spec_file = workdir / f"spec-{time.monotonic_ns()}.json"
    spec["output"] = str(spec_file.with_suffix(".out.json"))
    spec_file.write_text(json.dumps(spec))
    subprocess.run([sys.executable, __file__, "--worker", str(spec_file)], check=True)
    return json.loads(Path(spec["output"]).read_text())


# --------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------


def generate(size: int, workdir: Path) -> tuple[list[str], float]:
    from synthetic import read_vocabulary, write_synthetic

    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    log(f"generating {size} synthetic case studies ...")
    started = time.perf_counter()
    vocab = read_vocabulary(open_store(Settings(store="oxigraph")))
    files = write_synthetic(size, workdir / f"synthetic-{size}", vocab)
    seconds = time.perf_counter() - started
    log(f"  generated {len(files)} files in {seconds:.1f} s")
    return [str(f) for f in files], seconds


def machine_description() -> list[str]:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores (`nproc`: "
        f"{len(os.sched_getaffinity(0))} usable); memory: {memory}",
        f"- OS: {platform.platform()}; Python {platform.python_version()}",
        f"- rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}, "
        f"pyshacl {pyshacl.__version__}",
        "- load average (1, 5, 15 min) at the end of the run: "
        + ", ".join(f"{value:.2f}" for value in os.getloadavg())
        + " (the machine is shared: other work slows the figures down)",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="10,1000,10000",
                        help="case-study counts for memory and oxigraph (comma-separated)")
    parser.add_argument("--disk-size", type=int, default=100_000,
                        help="case-study count for the on-disk Oxigraph store (0: skip)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for validation")
    parser.add_argument("--whole-up-to", type=int, default=1000,
                        help="also validate the whole graph up to this size, to compare")
    parser.add_argument("--validate-modes", default="plain,cached",
                        help="plain: validate_graph as shipped; cached: with a per-process "
                             "cache of translated SPARQL (comma-separated; empty: skip)")
    parser.add_argument("--query-limit", type=float, default=300.0,
                        help="seconds after which a query is stopped and reported as such")
    parser.add_argument("--process-runs", type=int, default=11,
                        help="rounds of the whole-process timings of the CLI (0: skip them)")
    parser.add_argument("--process-sizes", default="10000",
                        help="sizes (of --sizes) whose data folder is also queried by whole "
                             "`coprod-kg` processes; --disk-size always is, unless 0")
    parser.add_argument("--process-only", action="store_true",
                        help="only the whole-process timings (--process-sizes, --disk-size): "
                             "their section of --output is replaced, the rest kept")
    parser.add_argument("--output", default=str(HERE / "results.md"))
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.worker)
        return
    if args.process_only:
        process_only(args)
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    rows: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="coprod-kg-bench-") as folder:
        workdir = Path(folder)
        for size in sizes:
            files, generate_seconds = generate(size, workdir)
            row = {"generate_seconds": generate_seconds}
            for backend in ("memory", "oxigraph"):
                log(f"size {size}, {backend}:")
                row[backend] = in_subprocess({"kind": "store", "backend": backend,
                                              "files": files, "tag": f"{size} {backend}",
                                              "limit": args.query_limit}, workdir)
            row["validate"] = {}
            for mode in filter(None, args.validate_modes.split(",")):
                log(f"size {size}, validate ({mode}):")
                row["validate"][mode] = in_subprocess(
                    {"kind": "validate", "files": files, "tag": f"{size} validate {mode}",
                     "jobs": args.jobs, "whole": size <= args.whole_up_to,
                     "sparql_cache": mode == "cached"}, workdir)
            rows[size] = row
        disk = None
        if args.disk_size:
            files, generate_seconds = generate(args.disk_size, workdir)
            log(f"size {args.disk_size}, oxigraph on disk:")
            disk = in_subprocess({"kind": "store", "backend": "oxigraph", "files": files,
                                  "tag": f"{args.disk_size} disk", "limit": args.query_limit,
                                  "location": str(workdir / "disk-store")}, workdir)
            disk["generate_seconds"] = generate_seconds
            disk["size"] = args.disk_size
        process = whole_process.measure(args, sizes, workdir, log)
    total = time.perf_counter() - started
    text = render(rows, disk, process, total, args)
    output = Path(args.output)
    temporary = output.with_suffix(".md.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(output)
    log(f"wrote {output} ({total:.0f} s in all)")


def process_only(args) -> None:
    """Re-measure the whole-process section of an existing results file in place."""
    output = Path(args.output)
    text = output.read_text(encoding="utf-8")
    start = text.index(whole_process.HEADING)
    end = text.index("\n## ", start + len(whole_process.HEADING)) + 1
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="coprod-kg-bench-") as folder:
        workdir = Path(folder)
        sizes = [int(s) for s in args.process_sizes.split(",") if s.strip()]
        sizes += [args.disk_size] if args.disk_size else []
        for size in sizes:
            generate(size, workdir)
        process = whole_process.measure(args, [s for s in sizes if s != args.disk_size],
                                        workdir, log)
    total = time.perf_counter() - started
    note = (f"Measured again on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
            f"alone (`python benchmarks/run.py --process-only`, {total:.0f} s; load average "
            f"at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}); the other "
            "sections are from the run above.")
    section = whole_process.render(process, note)
    temporary = output.with_suffix(".md.tmp")
    temporary.write_text(text[:start] + "\n".join(section) + "\n" + text[end:],
                         encoding="utf-8")
    temporary.replace(output)
    log(f"wrote the whole-process section of {output} ({total:.0f} s)")


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


def _ratio(slow: float | None, fast: float | None, limit: float | None = None) -> str:
    if fast is None or fast <= 0:
        return "-"
    if slow is None:
        return f">= {limit / fast:,.0f}x" if limit else "-"
    return f"{slow / fast:,.0f}x"


def _seconds(query: dict) -> str:
    if query["seconds"] is None:
        return f"> {query['limit']:.0f} (stopped)" if "limit" in query else "not run"
    return f"{query['seconds']:.3f}"


def _query_cell(result: dict, label: str) -> str:
    query = result["queries"].get(label)
    return _seconds(query) if query else "not run"


def render(rows: dict[int, dict], disk: dict | None, process: dict | None, total: float,
           args) -> str:
    lines = [
        "# coprod-kg scale benchmark",
        "",
        f"Written by `make bench` (`python benchmarks/run.py`) on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; the whole run took "
        f"{total:.0f} s.",
        "",
        "## Machine",
        "",
        *machine_description(),
        "",
        *(whole_process.render(process) if process else []),
        "## Load and stored queries: rdflib memory store vs embedded Oxigraph",
        "",
        "Synthetic case studies (benchmarks/synthetic.py, ~98 triples each) plus the ontology",
        "and the bundled data. Queries are the stored ones (queries/*.rq): join+filter =",
        "`outcomes-by-reduction` (minPercent 25), gap-map GROUP BY = `evidence-gap-map`,",
        "property path = `outcomes-by-category` (category complaints). Query times are the",
        "best of up to 3 runs. \"Same rows\" compares the normalised, sorted rows of both",
        "backends. Peak = max RSS of the process that loaded and queried.",
        "",
        "| case studies | triples | backend | load (s) | s per M triples | "
        + " | ".join(f"{label} (s)" for label in QUERIES) + " | peak (MiB) |",
        "|---:|---:|---|---:|---:|" + "---:|" * len(QUERIES) + "---:|",
    ]
    for size, row in rows.items():
        for backend in ("memory", "oxigraph"):
            result = row[backend]
            per_million = result["load_seconds"] / (result["triples"] / 1e6)
            cells = " | ".join(_query_cell(result, label) for label in QUERIES)
            lines.append(f"| {size:,} | {result['triples']:,} | {backend} | "
                         f"{result['load_seconds']:.2f} | {per_million:.1f} | {cells} | "
                         f"{result['peak_mib']:,.0f} |")
    lines += ["", "### Oxigraph against rdflib, same run", "",
              "| case studies | load speed-up | "
              + " | ".join(f"{label} speed-up" for label in QUERIES) + " | same rows |",
              "|---:|---:|" + "---:|" * len(QUERIES) + "---|"]
    for size, row in rows.items():
        memory, oxigraph = row["memory"], row["oxigraph"]
        ratios = " | ".join(
            _ratio(memory["queries"].get(label, {}).get("seconds"),
                   oxigraph["queries"][label]["seconds"],
                   memory["queries"].get(label, {}).get("limit")) for label in QUERIES)
        compared = [label for label in QUERIES if memory["queries"].get(label, {}).get("digest")]
        same = all(memory["queries"][label]["digest"] == oxigraph["queries"][label]["digest"]
                   for label in compared)
        same_text = ("yes" if same else "NO") + (
            "" if len(compared) == len(QUERIES) else f" ({len(compared)} of {len(QUERIES)} "
                                                     "compared)")
        lines.append(f"| {size:,} | {_ratio(memory['load_seconds'], oxigraph['load_seconds'])} "
                     f"| {ratios} | {same_text} |")
    lines += ["", "## Validation (pyshacl, the bundled shapes)", "",
              f"Batches of 1,000 synthetic case studies, each with the bundled graph, in "
              f"{args.jobs} processes; results merged and de-duplicated. Up to "
              f"{args.whole_up_to:,} case studies the whole graph is validated too, and the two "
              f"reports compared result by result. Mode plain is `validate_graph` as shipped; "
              f"mode cached adds a per-process cache of translated SPARQL queries (pyshacl "
              f"hands rdflib the text of an sh:sparql constraint for every focus node, and "
              f"rdflib parses it again each time).",
              "",
              "| case studies | mode | batched (s) | results | violations | whole graph (s) | "
              "identical report | peak per process (MiB) |",
              "|---:|---|---:|---:|---:|---:|---|---:|"]
    for size, row in rows.items():
        for mode, result in row["validate"].items():
            whole = f"{result['whole_seconds']:.1f}" if "whole_seconds" in result else "-"
            identical = {None: "not compared", True: "yes",
                         False: "NO"}[result["identical_to_whole"]]
            lines.append(f"| {size:,} | {mode} | {result['seconds']:.1f} | {result['results']} | "
                         f"{result['violations']} | {whole} | {identical} | "
                         f"{result['peak_mib']:,.0f} |")
    if disk:
        per_million = disk["load_seconds"] / (disk["triples"] / 1e6)
        cells = " | ".join(_query_cell(disk, label) for label in QUERIES)
        lines += ["", "## On-disk Oxigraph store (no rdflib at this size)", "",
                  "Loaded file by file with bulk loads, then compacted (`Store.optimize`, "
                  "included in the load time), closed, and reopened read-only for the queries.",
                  "",
                  "| case studies | triples | load (s) | s per M triples | reopen read-only (ms) | "
                  + " | ".join(f"{label} (s)" for label in QUERIES) + " | peak (MiB) |",
                  "|---:|---:|---:|---:|---:|" + "---:|" * len(QUERIES) + "---:|",
                  f"| {disk['size']:,} | {disk['triples']:,} | {disk['load_seconds']:.1f} | "
                  f"{per_million:.1f} | {disk['reopen_seconds'] * 1000:.0f} | {cells} | "
                  f"{disk['peak_mib']:,.0f} |"]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
