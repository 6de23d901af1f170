"""Query backends behind one interface.

A store answers SPARQL text (parameters are already bound as VALUES by the
catalogue) with a QueryResult of rdflib terms, whatever engine sits behind it:

- MemoryStore: rdflib's own graph and SPARQL engine (`--store memory`);
- OxigraphStore: embedded Oxigraph through pyoxigraph, in memory or on disk
  (`--store oxigraph`, the default);
- RemoteStore (coprod_kg.graph.remote): any SPARQL 1.1 Protocol server (`--endpoint URL`).

Every store refuses SPARQL Update text in `.query`, and the embedded engines refuse
SERVICE and LOAD unless `--allow-federation` was given (see coprod_kg.graph.guard).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from coprod_kg.errors import InputError
from coprod_kg.graph import rdf_files
from coprod_kg.graph.guard import check_read_only_query
from coprod_kg.graph.results import (
    QueryResult,
    default_graph,
    first_line,
    then_applied,
    to_rdflib,
    triples_to_graph,
)
from coprod_kg.settings import Settings

TYPE_CHECKING = False  # typing's own costs a warm query ~2 ms to import (issue 16)
if TYPE_CHECKING:
    from typing import Any

    from coprod_kg.graph.cache import CacheUnwritable


class MemoryStore:
    """rdflib's own in-memory graph and SPARQL engine."""

    engine = "memory"

    def __init__(self, graph, *, allow_federation: bool = False,
                 timeout: float | None = None) -> None:
        self._graph = graph
        self.allow_federation = allow_federation
        self.timeout = timeout  # seconds; None: no worker, no limit (library use)

    def graph(self):
        return self._graph

    def __len__(self) -> int:
        return len(self._graph)

    def ntriples(self) -> bytes:
        """The whole graph as N-Triples (for publishing)."""
        return self._graph.serialize(format="nt", encoding="utf-8")

    def query(self, text: str, then: Callable[[QueryResult], Any] | None = None) -> Any:
        """The answer; with `then`, `then(answer)`, computed in the query's worker, so that
        only its value comes back (10,000 rows as a table: ~0.05 s CPU less)."""
        check_read_only_query(text, allow_federation=self.allow_federation, engine=self.engine)
        return _bounded(self, lambda: then_applied(self._run(text), then))

    def _run(self, text: str) -> QueryResult:
        try:
            result = self._graph.query(text)
            if result.type == "SELECT":  # rows are computed lazily: read them in the try
                variables = [str(v) for v in result.vars]
                return QueryResult("SELECT", variables, [tuple(row) for row in result])
        except Exception as error:  # pyparsing and evaluation errors have many types
            raise InputError(f"the query cannot be run: {first_line(error)}") from None
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        return QueryResult(result.type, graph=result.graph)


class OxigraphStore:
    """Embedded Oxigraph (pyoxigraph): its own SPARQL engine; SELECT rows as pyoxigraph terms
    (QueryResult.rows converts them to rdflib terms on first use)."""

    engine = "oxigraph"

    def __init__(self, store, *, allow_federation: bool = False,
                 graph_builder: Callable[[], Any] | None = None) -> None:
        self._store = store
        # when the sources are known, .graph() re-reads them with rdflib (exact lexical forms)
        self._graph_builder = graph_builder
        self._rdflib_graph = None
        self._cache_lock: Any = None  # see graph.cache: the open store's shared lock
        # a cached store's folder: the answers precomputed when it was built (graph.precomputed)
        self.answers_folder: Path | None = None
        self.answer_digests: dict[str, str] = {}  # the answers' digests, from its manifest
        self.allow_federation = allow_federation
        self.timeout: float | None = None  # seconds; None: no worker, no limit (library use)

    @classmethod
    def from_files(cls, files: Iterable[Path], *, location: Path | None = None,
                   allow_federation: bool = False) -> OxigraphStore:
        """A store (in memory, or on disk at `location`) holding the triples of `files`."""
        import pyoxigraph

        from coprod_kg.progress import track

        files = [Path(path) for path in files]
        store = pyoxigraph.Store(str(location)) if location is not None else pyoxigraph.Store()
        small = []
        for path in track(files, "loading the store"):
            if rdf_files.file_size(path) < rdf_files.SMALL_FILE_BYTES:
                small.append(path)
            else:
                rdf_files.load_file_into_oxigraph(store, path)
        if small:  # one bulk load for them all (on disk, each bulk load writes its own files)
            store.bulk_extend(rdf_files.quads_of_files(small))
        return cls(store, allow_federation=allow_federation,
                   graph_builder=lambda: _parse_with_rdflib(files))

    @classmethod
    def from_graph(cls, graph) -> OxigraphStore:
        """An in-memory store holding an rdflib graph's triples (its SPARQL engine is far
        faster than rdflib's on large graphs); .graph() gives back the same rdflib graph."""
        import pyoxigraph

        store = pyoxigraph.Store()
        store.extend(rdf_files.quads_of_graph(graph))
        return cls(store, graph_builder=lambda: graph)

    @classmethod
    def open_directory(cls, location: Path, *, allow_federation: bool = False) -> OxigraphStore:
        """An on-disk store opened read-only (opens in milliseconds whatever its size)."""
        import pyoxigraph

        if not Path(location).is_dir():
            raise InputError(f"{location}: no Oxigraph store folder there")
        try:
            store = pyoxigraph.Store.read_only(str(location))
        except OSError as error:
            raise InputError(f"{location}: cannot open the Oxigraph store: {error}") from None
        return cls(store, allow_federation=allow_federation)

    @property
    def pyoxigraph_store(self):
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def ntriples(self) -> bytes:
        """The default graph as N-Triples (for publishing)."""
        import pyoxigraph

        return self._store.dump(
            format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()
        )

    def graph(self):
        """The graph as an rdflib Graph (built once, for pyshacl, exports and renderers).

        Oxigraph keeps decimals by value (`80.0` comes back as `80`), so when the source
        files are known they are parsed again with rdflib, keeping every lexical form as
        written; a store opened from a folder is copied out of Oxigraph instead.
        """
        if self._rdflib_graph is None and self._graph_builder is not None:
            self._rdflib_graph = self._graph_builder()
        if self._rdflib_graph is None:
            from rdflib import Graph

            graph = Graph()
            graph.addN((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), graph)
                       for q in self._store.quads_for_pattern(None, None, None, default_graph()))
            self._rdflib_graph = graph
        return self._rdflib_graph

    def query(self, text: str, then: Callable[[QueryResult], Any] | None = None) -> Any:
        """The answer; with `then`, `then(answer)`, computed in the query's worker, so that
        only its value comes back (10,000 rows as a table: ~0.05 s CPU less)."""
        kind = check_read_only_query(
            text, allow_federation=self.allow_federation, engine=self.engine
        )
        if self.answers_folder is not None:
            from coprod_kg.graph.precomputed import read_answer

            answer = read_answer(self.answers_folder, text, self.answer_digests)
            if answer is not None:
                return then_applied(answer, then)
        return _bounded(self, lambda: then_applied(self._run(text, kind), then))

    def _run(self, text: str, kind: str) -> QueryResult:
        import pyoxigraph

        try:
            answer = self._store.query(text)
            # solutions and triples are computed lazily (SERVICE, evaluation errors): read
            # them in the try
            if isinstance(answer, pyoxigraph.QueryBoolean):
                return QueryResult("ASK", boolean=bool(answer))
            if isinstance(answer, pyoxigraph.QuerySolutions):
                variables = [v.value for v in answer.variables]
                # pyoxigraph terms as they come: rdflib terms only if someone asks for them
                return QueryResult("SELECT", variables, native_rows=[tuple(s) for s in answer])
            return QueryResult(kind, graph=triples_to_graph(answer))
        except SyntaxError as error:
            raise InputError(f"the query is not valid SPARQL: {first_line(error)}") from None
        except OSError as error:
            raise InputError(f"the query failed in Oxigraph: {first_line(error)}") from None


def _bounded(store, action: Callable[[], Any]) -> Any:
    """Run the query in a worker that --timeout and Ctrl-C can stop (see graph.worker)."""
    if store.timeout is None:
        return action()
    from coprod_kg.graph.worker import run_bounded

    return run_bounded(action, timeout=store.timeout, offline=not store.allow_federation)


def _parse_with_rdflib(files: list[Path]):
    from rdflib import Graph

    from coprod_kg.graph.load import parse_file

    graph = Graph()
    for path in files:
        parse_file(graph, path)
    return graph


def load_oxigraph(source_paths: Iterable[Path] | None = None, *, location: Path | None = None,
                  allow_federation: bool = False) -> OxigraphStore:
    """The ontology, the instance data (bundled, or --source) and the links of the SSSOM
    mapping sets in an Oxigraph store: the same triples as load.load_graph gives rdflib.
    With `location`, the store is on disk (compacted after loading) and can be reopened
    read-only in milliseconds with OxigraphStore.open_directory."""
    from coprod_kg.graph.load import load_graph
    from coprod_kg.graph.materialise import add_links_to_oxigraph
    from coprod_kg.graph.sources import mapping_files

    paths = list(source_paths) if source_paths else None
    store = OxigraphStore.from_files(source_files(paths), location=location,
                                     allow_federation=allow_federation)
    add_links_to_oxigraph(store.pyoxigraph_store, mapping_files(paths))
    if location is not None:
        # one bulk load per file leaves many small sorted tables; compacting them makes
        # queries on a large on-disk store ~7x faster (10M triples: 7 s, once)
        store.pyoxigraph_store.optimize()
    store._graph_builder = lambda: load_graph(paths)
    return store


def open_store(settings: Settings):
    """The store the global options ask for: a remote endpoint, or an embedded one loaded
    with the ontology and the instance data (bundled, or given with --source)."""
    if settings.endpoint:
        if settings.sources:  # the server's graph would be used, the files silently ignored
            raise InputError(
                "--source and --endpoint: the files would be ignored, the server answers; "
                "to publish them: coprod-kg --source PATH load --endpoint URL"
            )
        from coprod_kg.graph.remote import RemoteStore

        return RemoteStore.from_settings(settings)
    if settings.store == "memory":
        from coprod_kg.graph.load import load_graph

        return MemoryStore(load_graph(settings.sources), allow_federation=settings.allow_federation,
                           timeout=settings.timeout)
    if settings.store == "oxigraph":  # the persistent store of these sources, built if needed
        store = open_cached_oxigraph(settings.sources, store_dir=settings.store_dir,
                                     allow_federation=settings.allow_federation)
        store.timeout = settings.timeout
        return store
    raise InputError(f"--store {settings.store!r}: expected memory or oxigraph")


def open_cached_oxigraph(source_paths: Iterable[Path] | None = None, *,
                         store_dir: Path | None = None,
                         allow_federation: bool = False) -> OxigraphStore:
    """The persistent store of these sources (see graph.cache), opened read-only (a small
    one read into memory from its snapshot): built first when no store holds the sources
    as they are now."""
    from coprod_kg.graph.cache import CacheUnwritable, chosen_by_user, current_store
    from coprod_kg.graph.load import load_graph
    from coprod_kg.graph.sources import mapping_files

    paths = list(source_paths) if source_paths else None
    files = source_files(paths) + list(mapping_files(paths))

    just_built: list[OxigraphStore] = []

    def build(location: Path) -> int:
        from coprod_kg.graph.precomputed import write_answers

        small = sum(rdf_files.file_size(path) for path in files) <= SMALL_SOURCES_BYTES
        built = load_oxigraph(paths, location=None if small else location)
        triples = len(built)
        snapshot = small and triples <= SNAPSHOT_TRIPLES
        if small and not snapshot:  # more triples than its bytes suggested: on disk
            _copy_to_disk(built.pyoxigraph_store, location)
        write_answers(built.pyoxigraph_store, location.parent)
        if snapshot:
            _write_snapshot(built.pyoxigraph_store, location.parent / SNAPSHOT)
            just_built.append(built)
        elif not small:
            built.pyoxigraph_store.flush()
        return triples  # an on-disk `built` goes out of scope: RocksDB closes before the move

    try:
        cached = current_store(files, build, store_dir)
    except CacheUnwritable as error:
        if chosen_by_user(store_dir):
            raise
        return _without_cache(paths, allow_federation, error)
    store = just_built[-1] if just_built else _open_cached(cached, paths, allow_federation)
    store.allow_federation = allow_federation
    store._cache_lock = cached.lock  # held while the store is open: pruning leaves it alone
    store.answers_folder = cached.folder
    store.answer_digests = cached.manifest.get("answers", {})
    store._graph_builder = lambda: load_graph(paths)  # exact lexical forms for rdflib users
    return store


def _without_cache(paths: list[Path] | None, allow_federation: bool,
                   error: CacheUnwritable) -> OxigraphStore:
    """The default cache folder cannot be written (a read-only home, a full disk): this
    command reads the sources into memory, and says so in one line on stderr."""
    import sys

    from coprod_kg.graph.cache import ENV_VAR

    sys.stderr.write(f"coprod-kg: warning: {error.folder}: cannot create the store cache "
                     f"there ({error.reason}); reading the sources without a cache (choose a "
                     f"cache folder with --store-dir or ${ENV_VAR})\n")
    return load_oxigraph(paths, allow_federation=allow_federation)


# A cached store this small is kept as N-Quads and read from there into memory: faster than
# opening RocksDB (the bundled data: 7-12 ms against 9-50 ms on a busy machine). Sources of
# at most SMALL_SOURCES_BYTES are loaded in memory first, and when they hold at most
# SNAPSHOT_TRIPLES triples no RocksDB folder is written at all (a cold command on the
# bundled data: no on-disk bulk load, compaction or flush).
SNAPSHOT = "snapshot.nq"
SNAPSHOT_TRIPLES = 10_000
SMALL_SOURCES_BYTES = 4 << 20


def _copy_to_disk(store, location: Path) -> None:
    import pyoxigraph

    disk = pyoxigraph.Store(str(location))
    disk.bulk_extend(iter(store))
    disk.optimize()
    disk.flush()


def _write_snapshot(store, path: Path) -> None:
    """The store's quads as N-Quads at `path`, sealed with their checksum (see _sealed),
    through a temporary file and a rename."""
    import pyoxigraph

    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    quads = store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
    try:
        temporary.write_bytes(quads + SEAL + _checksum(quads) + b"\n")
        os.replace(temporary, path)
    finally:  # not left behind by a failed rename or Ctrl-C (after the rename: no-op)
        temporary.unlink(missing_ok=True)


# The snapshot's last line: `# crc32 <its 8 hex digits>` of the lines above it (an N-Quads
# comment). It catches a snapshot changed in place (a disk fault, an edit) whose count of
# triples is still right: a changed figure would otherwise be read as the review's.
SEAL = b"# crc32 "


def _checksum(data: bytes | memoryview) -> bytes:
    import zlib

    return b"%08x" % zlib.crc32(data)


def _sealed(data: bytes) -> bool:
    """Whether a snapshot's quads are those it was sealed with (checked in place: the seal
    line is a comment, so the snapshot parses as it is, without a copy of its quads)."""
    cut = data.rfind(SEAL)
    if cut < 0 or (cut and data[cut - 1:cut] != b"\n"):
        return False
    return data[cut + len(SEAL):].rstrip(b"\n") == _checksum(memoryview(data)[:cut])


def _open_cached(cached, paths: list[Path] | None, allow_federation: bool) -> OxigraphStore:
    """A cached store: its snapshot, else its RocksDB folder; a small store whose snapshot
    is unreadable or cut short is loaded again from its sources (which the cache key says
    are unchanged) and its snapshot written anew."""
    store = _from_snapshot(cached.folder / SNAPSHOT, cached.manifest.get("triples"),
                           allow_federation)
    if store is not None:
        return store
    if cached.location.is_dir():
        return OxigraphStore.open_directory(cached.location, allow_federation=allow_federation)
    store = load_oxigraph(paths, allow_federation=allow_federation)
    try:
        _write_snapshot(store.pyoxigraph_store, cached.folder / SNAPSHOT)
    except OSError:
        pass  # a read-only cache: this command answers from the sources all the same
    return store


def _from_snapshot(path: Path, triples: int | None,
                   allow_federation: bool) -> OxigraphStore | None:
    """The store of a cached snapshot, in memory; None without one, or if it is unreadable,
    not the bytes it was sealed with, or holds another number of triples than the manifest
    records."""
    import pyoxigraph

    if not path.is_file():
        return None
    try:
        snapshot = path.read_bytes()
    except OSError:
        return None
    if not _sealed(snapshot):
        return None
    store = pyoxigraph.Store()
    try:  # parsed, not loaded: Store.load would give the blank nodes new labels
        # lenient: the snapshot is Oxigraph's own dump, so its IRIs need no checking again
        store.extend(pyoxigraph.parse(snapshot, format=pyoxigraph.RdfFormat.N_QUADS,
                                      lenient=True))
    except (SyntaxError, ValueError):
        return None
    if len(store) != triples:
        return None
    return OxigraphStore(store, allow_federation=allow_federation)


def source_files(source_paths: Iterable[Path] | None = None) -> list[Path]:
    """The ontology files and the instance files (bundled, or from --source), in load order."""
    from coprod_kg.graph import sources
    from coprod_kg.graph.load import instance_files

    return sources.ontology_files() + instance_files(source_paths)
