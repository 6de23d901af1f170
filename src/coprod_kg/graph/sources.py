"""Where the bundled ontology, data, shapes and queries live: a checkout or the wheel."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

FOLDERS = ("ontology", "data", "shapes", "queries")
MAPPINGS_FOLDER = "mappings"
SSSOM_SUFFIX = ".sssom.tsv"


@functools.cache  # a warm query asks 13 times (~0.05 ms each: a resolve and three stats)
def bundled_root() -> Path:
    """The folder holding ontology/, data/, shapes/ and queries/.

    In a checkout (or an editable install) that is the repository's top level;
    in an installed wheel it is the package's `bundled/` folder.
    """
    package = Path(__file__).resolve().parent.parent  # coprod_kg/, above graph/
    checkout = package.parent.parent
    if all((checkout / name).is_dir() for name in ("ontology", "shapes", "queries")):
        return checkout
    return package / "bundled"


def ontology_dir() -> Path:
    return bundled_root() / "ontology"


def data_dir() -> Path:
    return bundled_root() / "data"


def shapes_dir() -> Path:
    return bundled_root() / "shapes"


def queries_dir() -> Path:
    return bundled_root() / "queries"


# A cache directory tag (https://bford.info/cachedir/): a folder holding a file of this name
# that begins with this signature is a cache (graph.cache tags its own), which backup tools
# skip and so does every search for sources here.
CACHEDIR_TAG = "CACHEDIR.TAG"
CACHEDIR_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"


def is_cache_folder(folder: Path) -> bool:
    try:
        with (folder / CACHEDIR_TAG).open("rb") as handle:
            return handle.read(len(CACHEDIR_SIGNATURE)) == CACHEDIR_SIGNATURE
    except OSError:
        return False


def _walk_outside_caches(folder: Path) -> Iterator[tuple[Path, list[str], list[str], list[Path]]]:
    """os.walk below `folder` (links not followed) that does not enter cache folders: each
    folder, its subfolders and files, and the cache folders it skipped there."""
    for parent, folders, names in os.walk(folder):
        here = Path(parent)
        caches = [here / name for name in folders if is_cache_folder(here / name)]
        folders[:] = [name for name in folders if here / name not in caches]
        yield here, folders, names, caches


def files_below(folder: Path, wanted: Callable[[Path], bool]) -> list[Path]:
    """The paths below a folder (files and folders, as rglob("*") finds them, links not
    followed) that `wanted` accepts, sorted; none in or below a cache folder."""
    if is_cache_folder(folder):
        return []
    return sorted(path for here, folders, names, _ in _walk_outside_caches(folder)
                  for path in (here / name for name in folders + names) if wanted(path))


def turtle_files(folder: Path) -> list[Path]:
    """Every .ttl file below a folder, in a stable order."""
    return files_below(folder, lambda p: p.name.endswith(".ttl") and p.is_file())


RELEASES = "releases"  # ontology/releases/<version>/: earlier versions, kept, not loaded


def ontology_files() -> list[Path]:
    """The current ontology documents (not the released earlier versions)."""
    releases = ontology_dir() / RELEASES
    return [p for p in turtle_files(ontology_dir()) if releases not in p.parents]


def data_files() -> list[Path]:
    return turtle_files(data_dir())


def shape_files() -> list[Path]:
    return turtle_files(shapes_dir())


def expand_sources(paths: list[Path]) -> list[Path]:
    """Files and folders given with --source, as a sorted list of RDF files."""
    from coprod_kg.errors import InputError

    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder (--source)")
        cache = next((folder for folder in (path, *path.resolve().parents)
                      if is_cache_folder(folder)), None)
        if cache is not None:
            what = "a cache folder" if cache == path else f"inside the cache folder {cache}"
            raise InputError(f"{path}: {what} (it holds {CACHEDIR_TAG}), not sources "
                             "(--source)")
        if path.is_dir():
            found = files_below(path, lambda p: p.suffix in RDF_SUFFIXES)
            if not found and not files_below(path, lambda p: p.name.endswith(SSSOM_SUFFIX)):
                raise InputError(
                    f"{path}: no RDF files in this folder "
                    f"(expected {', '.join(sorted(RDF_SUFFIXES))} or *.sssom.tsv"
                    f"{_skipped_caches(path)})"
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def _skipped_caches(folder: Path) -> str:
    """Where a folder seems empty of sources: the cache folders below it, which are skipped."""
    skipped = [cache for *_, caches in _walk_outside_caches(folder) for cache in caches]
    return f"; skipped as cache folders: {', '.join(map(str, skipped))}" if skipped else ""


RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
}


def term_mapping_files() -> list[Path]:
    """The SSSOM sets that map the ontology's own terms to other vocabularies
    (ontology/mappings/): not loaded by default; `export --with-term-mappings` adds them."""
    return sorted((ontology_dir() / MAPPINGS_FOLDER).glob(f"*{SSSOM_SUFFIX}"))


def mapping_files(source_paths: Iterable[Path] | None = None) -> list[Path]:
    """The SSSOM files to load: data/mappings/ of the bundled data, or every *.sssom.tsv
    below a --source folder (files given directly are RDF files, not mapping sets)."""
    if source_paths:
        folders = [Path(p) for p in source_paths if Path(p).is_dir()]
        return sorted(f for folder in folders
                      for f in files_below(folder, lambda p: p.name.endswith(SSSOM_SUFFIX)))
    return sorted((data_dir() / MAPPINGS_FOLDER).glob(f"*{SSSOM_SUFFIX}"))
