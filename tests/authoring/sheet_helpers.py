"""Helpers shared by the tests of extraction sheets and reference files (issue 18)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

from rdflib import Graph

from coprod_kg.cli import cli
from coprod_kg.graph import sources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sheets"
SHEET = FIXTURES / "three-case-studies.csv"
RIS = FIXTURES / "three-case-studies.ris"


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(sources.data_dir(), target)
    return target


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def folder_graph(folder: Path) -> Graph:
    graph = Graph()
    for path in sources.turtle_files(folder):
        graph.parse(path, format="turtle")
    return graph


def import_(runner, *args):
    return runner.invoke(cli, ["import", *map(str, args)])


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def to_xlsx(rows: list[list], path: Path, title: str = "Outcomes") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    book.save(path)
    return path


def gap_map(runner, folder: Path) -> dict[tuple[str, str], int]:
    result = runner.invoke(cli, ["--source", str(folder), "--store", "memory", "query",
                                 "evidence-gap-map", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    return {(r["principleLabel"]["value"], r["categoryLabel"]["value"]): int(r["outcomes"]["value"])
            for r in rows}
