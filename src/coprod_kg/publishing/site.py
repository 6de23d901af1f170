"""The static site: the graph as browsable HTML, from stored `site-*` queries and Jinja2.

`build_site(store, folder)` writes a site that opens from file:// or any static host: a
home page, the evidence gap map (with a plain-table view), one page per case study and per
principle, the references, the ontology's documentation, the stored queries and the graph
as Turtle and JSON-LD. Every figure on a page comes from a query over the graph.

The content comes from `publishing.sitecontent`, the pages from `publishing.sitepages`.
The site is built in a temporary folder beside the target and then moved into place, so a
failed build leaves the previous site untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from coprod_kg import __version__
from coprod_kg.errors import InputError
from coprod_kg.graph import sources
from coprod_kg.publishing.downloads import outcome_rows, write_csv, write_xlsx
from coprod_kg.publishing.gapmap_image import gap_map_svg
from coprod_kg.publishing.resources import write_resources
from coprod_kg.publishing.search import search_documents, search_index_script
from coprod_kg.publishing.sitecontent import SiteContent, collect
from coprod_kg.publishing.sitepages import (
    TEMPLATES,
    map_title,
    render_pages,
    resource_renderer,
    source_note,
)

MARKER = ".coprod-kg-site"  # a folder holding this file may be replaced by a new build
GRAPH_DOWNLOADS = {"turtle": "coprod-kg.ttl", "json-ld": "coprod-kg.jsonld"}


@dataclass
class SiteReport:
    folder: Path
    pages: list[str]


def build_site(store, folder: Path) -> SiteReport:
    """Write the whole site into `folder` (created, or updated if it holds an earlier site:
    only the files a build wrote are replaced or removed; `.git` and the user's files stay)."""
    from coprod_kg.publishing.site_output import install, written_before

    folder = Path(folder)
    previous = _check_target(folder, written_before)
    parent = folder.resolve().parent
    try:  # before any work: a folder that cannot be written is said at once
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise InputError(f"-o {folder}: cannot write: {error.strerror}") from None
    try:
        content = collect(store)
        pages = render_pages(content)
        try:
            _write_site(staging, content, pages, store)
            install(staging, folder.resolve(), previous)
        except OSError as error:
            raise InputError(f"-o {folder}: cannot write: {error.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteReport(folder, sorted(pages))


def _check_target(folder: Path, written_before) -> list[str]:
    """The files an earlier build wrote into `folder` (none for a new or empty folder)."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"-o {folder}: exists and is not a folder")
    if not folder.is_dir() or not any(folder.iterdir()):
        return []
    previous = written_before(folder, MARKER)
    if previous is None:
        raise InputError(
            f"-o {folder}: the folder is not empty and holds no earlier coprod-kg site; "
            "choose a new or empty folder"
        )
    return previous


def _write_site(staging: Path, content: SiteContent, pages: dict[str, str], store) -> None:
    from coprod_kg.progress import track

    for path, text in track(list(pages.items()), "writing the site", unit="pages"):
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shutil.copytree(TEMPLATES / "assets", staging / "assets")
    (staging / "assets" / "search-index.js").write_text(
        search_index_script(search_documents(content)), encoding="utf-8")
    svg = gap_map_svg(content.gap_map, title=map_title(), source_note=source_note(content))
    (staging / "gap-map.svg").write_text(svg, encoding="utf-8")
    for query in content.stored_queries:
        shutil.copyfile(sources.queries_dir() / query["file"], staging / "queries" / query["file"])
    downloads = staging / "downloads"
    downloads.mkdir()
    graph = store.graph()
    for fmt, name in GRAPH_DOWNLOADS.items():
        (downloads / name).write_text(serialise_graph(graph, fmt), encoding="utf-8")
    rows = outcome_rows(store)
    write_csv(rows, downloads / "outcomes.csv")
    write_xlsx(rows, downloads / "outcomes.xlsx")
    write_resources(graph, staging, resource_renderer(content, graph))
    (staging / MARKER).write_text(f"built by coprod-kg {__version__}\n", encoding="utf-8")
    for path in staging.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    staging.chmod(0o755)


def serialise_graph(graph, fmt: str) -> str:
    """The graph as Turtle or JSON-LD through the export module (deterministic)."""
    from coprod_kg.graph.serialise import serialise

    return serialise(graph, fmt)
