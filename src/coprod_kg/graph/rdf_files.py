"""RDF files into Oxigraph quads: the format by extension, one bulk load or one parse per
file, and every error as one line naming the file, line and column (graph.store uses these
to build its stores)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from coprod_kg.errors import SourceParseError
from coprod_kg.graph.results import first_line, to_oxigraph

OXIGRAPH_FORMATS = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".rdf": "RDF_XML", ".jsonld": "JSON_LD"}
# Files smaller than this are parsed one after the other into a single bulk load: an on-disk
# store pays each bulk load's file writes (the bundled data's 30 files: 0.5-1.7 s -> 0.06 s)
SMALL_FILE_BYTES = 1 << 20


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return SMALL_FILE_BYTES  # load_file_into_oxigraph reports the error in its words


def _oxigraph_format(path: Path):
    import pyoxigraph

    format_name = OXIGRAPH_FORMATS.get(path.suffix)
    if format_name is None or not hasattr(pyoxigraph.RdfFormat, format_name):
        return None, None
    return format_name, getattr(pyoxigraph.RdfFormat, format_name)


def load_file_into_oxigraph(store, path: Path) -> None:
    """Bulk-load one RDF file into the default graph; errors name file, line and column."""
    import pyoxigraph

    format_name, rdf_format = _oxigraph_format(path)
    if format_name is None:
        store.extend(_rdflib_quads(path))
        return
    with _load_errors(path, format_name):
        store.bulk_load(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri(),
                        to_graph=pyoxigraph.DefaultGraph())


def quads_of_files(files: list[Path]):
    """The triples of `files` as default-graph quads, file by file, with the errors of
    load_file_into_oxigraph (blank nodes stay apart: each file is parsed on its own)."""
    import pyoxigraph

    for path in files:
        format_name, rdf_format = _oxigraph_format(path)
        if format_name is None:
            yield from _rdflib_quads(path)
            continue
        with _load_errors(path, format_name):
            for triple in pyoxigraph.parse(path=str(path), format=rdf_format,
                                           base_iri=path.resolve().as_uri(),
                                           rename_blank_nodes=True):
                yield pyoxigraph.Quad(triple.subject, triple.predicate, triple.object)


@contextmanager
def _load_errors(path: Path, format_name: str):
    """The source checks first, then parse errors as one line naming file, line, column."""
    from coprod_kg.graph.load import file_access_errors
    from coprod_kg.graph.source_checks import check_source_file

    try:
        with file_access_errors(path):
            check_source_file(path)
            yield
    except SourceParseError:
        raise
    except SyntaxError as error:
        where = f"{path}:{error.lineno}:{error.offset}" if error.lineno else f"{path}"
        raise SourceParseError(f"{where}: {format_name.replace('_', '-').title()} syntax error: "
                               f"{_syntax_message(error)}") from None
    except (OSError, ValueError) as error:
        raise SourceParseError(f"{path}: cannot be loaded: {first_line(error)}") from None


def _rdflib_quads(path: Path):
    """Formats Oxigraph does not read (e.g. .json JSON-LD): parsed with rdflib."""
    from rdflib import Graph

    from coprod_kg.graph.load import parse_file

    graph = Graph()
    parse_file(graph, path)
    return quads_of_graph(graph)


def quads_of_graph(graph) -> list:
    """An rdflib graph's triples as pyoxigraph quads of the default graph."""
    import pyoxigraph

    return [pyoxigraph.Quad(*(to_oxigraph(t) for t in triple)) for triple in graph]


def _syntax_message(error: SyntaxError) -> str:
    message = error.msg or str(error)
    # pyoxigraph prefixes the position, which the caller already gives as file:line:col
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    return message.splitlines()[0] if message else "invalid syntax"
