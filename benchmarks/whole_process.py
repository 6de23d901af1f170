"""Whole-process timings of the CLI, the way a user feels them (issue 16, step 4).

In rounds, each round running every command once in turn (so that the machine's load
falls on all of them alike), the wall time of:
  - `python -c pass` and `python -c "import rdflib"` (the floors any Python tool pays);
  - `coprod-kg query NAME` on the bundled data, cold (a fresh store folder: the command
    builds the persistent store first) and warm (the store of the previous round);
  - `coprod-kg --source <bundled data> --source <synthetic folder> query NAME` on large
    synthetic data folders, warm (the first call, which builds the store, is timed once
    and reported as cold).
Every coprod-kg call must exit 0 and print the same bytes as the first one: a failing or
changing command is an error of the benchmark, not a figure.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

QUERY = "outcomes-by-reduction"
PASS = "python -c pass"
IMPORT_RDFLIB = 'python -c "import rdflib"'


def coprod_kg_command() -> list[str]:
    """The installed console script beside this Python (what users run), else -m."""
    script = Path(sys.executable).parent / "coprod-kg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "coprod_kg"]


def timed(command: list[str], expected: bytes | None = None,
          store_dir: Path | None = None) -> tuple[float, bytes]:
    """Wall time and stdout of `command` (with COPROD_KG_STORE_DIR=`store_dir` if given)."""
    env = None if store_dir is None else {**os.environ, "COPROD_KG_STORE_DIR": str(store_dir)}
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, check=False, env=env)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}: "
                           f"{completed.stderr.decode(errors='replace')[-500:]}")
    if expected is not None and completed.stdout != expected:
        raise RuntimeError(f"{' '.join(command)} printed other rows than its first call")
    return seconds, completed.stdout


def csv_rows(command: list[str], store_dir: Path | None = None) -> int:
    """The rows the query gives (one untimed call with --format csv, header not counted)."""
    return timed([*command, "--format", "csv"], None, store_dir)[1].count(b"\n") - 1


def summary(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "runs": len(samples)}


def bundled(runs: int, workdir: Path, query: str = QUERY) -> dict:
    """pass, import rdflib, cold and warm `coprod-kg query` on the bundled data (the store
    folder given by COPROD_KG_STORE_DIR: the command line is the one users type)."""
    cli = [*coprod_kg_command(), "query", query]
    warm_dir = workdir / "store-warm"
    floors = {PASS: [sys.executable, "-c", "pass"],
              IMPORT_RDFLIB: [sys.executable, "-c", "import rdflib"]}
    for command in floors.values():
        timed(command)  # the file cache holds the interpreter and the libraries
    _, expected = timed(cli, None, warm_dir)
    if not expected:
        raise RuntimeError(f"{' '.join(cli)} printed nothing")
    samples: dict[str, list[float]] = {PASS: [], IMPORT_RDFLIB: [], "cold": [], "warm": []}
    for _ in range(runs):
        for label, command in floors.items():
            samples[label].append(timed(command)[0])
        cold_dir = Path(tempfile.mkdtemp(dir=workdir, prefix="store-cold-"))
        samples["cold"].append(timed(cli, expected, cold_dir)[0])
        shutil.rmtree(cold_dir, ignore_errors=True)
        samples["warm"].append(timed(cli, expected, warm_dir)[0])
    rows = csv_rows(cli, warm_dir)
    return {"query": query, "rows": rows,
            **{label: summary(values) for label, values in samples.items()}}


def data_folder(size: int, synthetic_folder: Path, runs: int, workdir: Path,
                query: str = QUERY) -> dict:
    """Cold (once) and warm `coprod-kg query` on the bundled data plus `size` synthetic case
    studies, with `import rdflib` timed in the same rounds."""
    from coprod_kg.graph.sources import data_dir

    store_dir = workdir / f"store-{size}"
    command = [*coprod_kg_command(), "--store-dir", str(store_dir), "--source", str(data_dir()),
               "--source", str(synthetic_folder), "--timeout", "600", "query", query]
    rdflib_command = [sys.executable, "-c", "import rdflib"]
    timed(rdflib_command)
    cold, expected = timed(command)
    samples: dict[str, list[float]] = {IMPORT_RDFLIB: [], "warm": []}
    for _ in range(runs):
        samples[IMPORT_RDFLIB].append(timed(rdflib_command)[0])
        samples["warm"].append(timed(command, expected)[0])
    rows = csv_rows(command)
    shutil.rmtree(store_dir, ignore_errors=True)  # a 100,000 store is ~1 GB
    return {"size": size, "query": query, "rows": rows,
            "cold_seconds": cold, **{label: summary(values) for label, values in samples.items()}}


def compile_package() -> None:
    """Byte-compile coprod_kg first, as installing a wheel does: an editable install under
    PYTHONDONTWRITEBYTECODE would otherwise compile every module on every call (~60 ms)."""
    import compileall

    import coprod_kg

    compileall.compile_dir(Path(coprod_kg.__file__).parent, quiet=1)


def measure(args, sizes: list[int], workdir: Path, log: Callable[[str], None]) -> dict | None:
    """The whole-process timings `benchmarks/run.py` asks for (--process-runs, --process-sizes,
    --disk-size), with the synthetic folders it wrote in `workdir`."""
    if args.process_runs <= 0:
        return None
    compile_package()
    log(f"whole processes on the bundled data, {args.process_runs} rounds ...")
    process = {"bundled": bundled(args.process_runs, workdir), "folders": []}
    log(f"  warm query {process['bundled']['warm']['median']:.3f} s, import rdflib "
        f"{process['bundled'][IMPORT_RDFLIB]['median']:.3f} s")
    wanted = {int(s) for s in args.process_sizes.split(",") if s.strip()}
    folder_sizes = [size for size in sizes if size in wanted and size != args.disk_size]
    folder_sizes += [args.disk_size] if args.disk_size else []
    for size in folder_sizes:
        log(f"whole processes on {size} synthetic case studies ...")
        result = data_folder(size, workdir / f"synthetic-{size}", args.process_runs, workdir)
        log(f"  cold {result['cold_seconds']:.1f} s, warm {result['warm']['median']:.3f} s")
        process["folders"].append(result)
    return process


HEADING = "## Whole process, the way users feel it"


def render(process: dict, note: str | None = None) -> list[str]:
    """The whole-process section of benchmarks/results.md (`note`: a line under its
    heading)."""
    first = process["bundled"]
    base = first[IMPORT_RDFLIB]["median"]
    floor = first[PASS]["median"]
    lines = [
        HEADING,
        "",
        *([note, ""] if note else []),
        f"Wall time of whole processes, median of {first['warm']['runs']} rounds; each round "
        "runs every command of its table once in turn, so that the machine's load falls on "
        "all alike. `coprod-kg` is the installed console script; its output (the default table) is "
        "read through a pipe and must be byte-identical on every call; the package is "
        "byte-compiled first, as a wheel install leaves it. Cold: a fresh store folder "
        "(`COPROD_KG_STORE_DIR` on the bundled data, so that the command line is the one "
        "users type; `--store-dir` on the large folders), so the command first builds the "
        "persistent store from the sources; warm: the store is there and is opened read-only.",
        "",
        f"### Bundled data: `coprod-kg query {first['query']}` ({first['rows']} rows)",
        "",
        "| command | median (s) | min (s) | max (s) | x `import rdflib` | x `python -c pass` |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    labels = [(PASS, f"`{PASS}`"), (IMPORT_RDFLIB, f"`{IMPORT_RDFLIB}`"),
              ("cold", f"`coprod-kg query {first['query']}`, cold"),
              ("warm", f"`coprod-kg query {first['query']}`, warm")]
    for key, label in labels:
        result = first[key]
        lines.append(f"| {label} | {result['median']:.3f} | {result['min']:.3f} | "
                     f"{result['max']:.3f} | {result['median'] / base:.2f}x | "
                     f"{result['median'] / floor:.1f}x |")
    lines += ["", "Targets of issue 16: warm <= 0.6x `import rdflib`, cold <= 1.5x."]
    if process["folders"]:
        lines += [
            "", "### Large data folders, warm cache",
            "",
            "`coprod-kg --source <bundled data> --source <N synthetic case studies> query "
            f"{first['query']}`. Cold is the single first call (it hashes the sources, "
            "parses them and builds the on-disk store); warm is the median of the later "
            "calls, each against `import rdflib` timed in the same round.",
            "",
            "| case studies | rows | cold (s) | warm median (s) | warm min (s) | "
            "`import rdflib` median (s) | warm x `import rdflib` |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for result in process["folders"]:
            lines.append(
                f"| {result['size']:,} | {result['rows']:,} | {result['cold_seconds']:.1f} | "
                f"{result['warm']['median']:.3f} | {result['warm']['min']:.3f} | "
                f"{result[IMPORT_RDFLIB]['median']:.3f} | "
                f"{result['warm']['median'] / result[IMPORT_RDFLIB]['median']:.2f}x |")
        lines += ["", "Target of issue 16: warm on 10,000 case studies <= 3x `import rdflib`."]
    lines.append("")
    return lines
