"""Where the bundled ontology, data, shapes and queries live: a checkout or the wheel."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

FOLDERS = ("ontology", "data", "shapes", "queries")
MAPPINGS_FOLDER = "mappings"
SSSOM_SUFFIX = ".sssom.tsv"


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


def turtle_files(folder: Path) -> list[Path]:
    """Every .ttl file below a folder, in a stable order."""
    return sorted(p for p in folder.rglob("*.ttl") if p.is_file())


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
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in RDF_SUFFIXES)
            if not found and not any(path.rglob("*.sssom.tsv")):
                raise InputError(
                    f"{path}: no RDF files in this folder "
                    f"(expected {', '.join(sorted(RDF_SUFFIXES))} or *.sssom.tsv)"
                )
            files.extend(found)
        else:
            files.append(path)
    return files


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
        return sorted(f for folder in folders for f in folder.rglob(f"*{SSSOM_SUFFIX}"))
    return sorted((data_dir() / MAPPINGS_FOLDER).glob(f"*{SSSOM_SUFFIX}"))
