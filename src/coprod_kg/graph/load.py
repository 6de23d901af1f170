"""Load the knowledge graph from its sources into an rdflib graph, with precise errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from coprod_kg.errors import SourceParseError
from coprod_kg.graph import sources


def parse_file(graph, path: Path) -> None:
    """Parse one RDF file into `graph`; a syntax error names file, line and column."""
    from rdflib.plugins.parsers.notation3 import BadSyntax

    fmt = sources.RDF_SUFFIXES.get(path.suffix)
    if fmt is None:
        raise SourceParseError(
            f"{path}: not an RDF file (expected one of {sorted(sources.RDF_SUFFIXES)})"
        )
    from coprod_kg.graph.source_checks import check_source_file, no_remote_contexts

    try:
        with file_access_errors(path):
            check_source_file(path)
            with no_remote_contexts():
                graph.parse(path, format=fmt)
    except SourceParseError:
        raise
    except RecursionError:
        raise SourceParseError(f"{path}: nested too deeply to parse") from None
    except BadSyntax as error:
        line, column = _position_of(error)
        raise SourceParseError(
            f"{path}:{line}:{column}: Turtle syntax error: {error._why}"
        ) from None
    except UnicodeDecodeError as error:
        raise SourceParseError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    except Exception as error:  # other parsers raise their own types
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SourceParseError(f"{path}: cannot be parsed as {fmt}: {message}") from None


@contextmanager
def file_access_errors(path: Path) -> Iterator[None]:
    """Turn a missing, unreadable or folder path into a one-line SourceParseError."""
    try:
        yield
    except FileNotFoundError:
        raise SourceParseError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceParseError(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise SourceParseError(f"{path}: cannot be read (permission denied)") from None


def _position_of(error) -> tuple[int, int]:
    raw = error._str
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    offset = min(error._i, len(text))
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return error.lines + 1, column


def instance_files(source_paths: Iterable[Path] | None = None) -> list[Path]:
    """The instance-data files: the bundled data/, or those given with --source."""
    if source_paths:
        return sources.expand_sources(list(source_paths))
    return sources.data_files()


def load_graph(source_paths: Iterable[Path] | None = None, *, with_ontology: bool = True):
    """The ontology plus the instance data (bundled, or from `source_paths`) as one rdflib Graph."""
    from rdflib import Graph

    graph = Graph()
    files = (sources.ontology_files() if with_ontology else []) + instance_files(source_paths)
    from coprod_kg.progress import track

    for path in track(files, "reading the graph"):
        parse_file(graph, path)
    # SSSOM mapping sets as SKOS match triples, and resolvable IRIs of DOIs/PMIDs/PMCIDs
    from coprod_kg.graph.materialise import add_links
    from coprod_kg.graph.sssom import mapping_files

    add_links(graph, mapping_files(source_paths))
    return graph


def load_shapes():
    """The bundled SHACL shapes graph."""
    from rdflib import Graph

    graph = Graph()
    for path in sources.shape_files():
        parse_file(graph, path)
    return graph
