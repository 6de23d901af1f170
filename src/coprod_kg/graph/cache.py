"""A persistent Oxigraph store per set of sources, always current (issue 16).

The first command on a set of sources builds an on-disk store in the cache folder; later
commands open it read-only in milliseconds. Layout of the cache folder:

    CACHEDIR.TAG                         marks a cache: backup tools and --source skip it
    stores/<content key>/oxigraph/       the store (RocksDB files; none for a small one)
    stores/<content key>/manifest.json   the sources it was built from, its size
    stores/<content key>/snapshot.nq     a small store, as N-Quads and their checksum
    stores/<content key>/answers/        heavy queries' answers (graph.precomputed)
    keys/<stat key>                      the content key of a stat key (one line)
    tmp/                                 stores being built

The content key hashes the code's version and each source file's resolved path and bytes;
the stat key hashes the same paths with inodes, sizes, modification and change times (an
edit can keep size and modification time: `cp -p`, `rsync -t`, `touch -r`; the change
time no user sets). A command hashes the stats (cheap); when that key is unknown it hashes
the contents, which reuses a store after a `touch` or a checkout and builds one after any
real change. A stat key is recorded only for files changed more than RACY_SECONDS ago (an
edit within the clock's granularity could keep every stat). Builders work in tmp/ and
rename the finished folder into stores/: two processes building at once end with one
complete store, the loser opens the winner's.

Stores are pruned after each build (and by `coprod-kg cache prune`): the stores of sources
that no longer exist go, and of the others the KEEP_STORES most recently used stay (a
command marks its store used by touching its manifest). A command holds a shared lock on
the manifest of the store it has open, and a store in use is never removed.
"""

from __future__ import annotations

import errno
import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: stores are pruned without locks
    fcntl = None  # type: ignore[assignment]

from coprod_kg.errors import InputError, SourceParseError
from coprod_kg.graph.digest import digest, hasher
from coprod_kg.records import Record

ENV_VAR = "COPROD_KG_STORE_DIR"
RACY_SECONDS = 2.0
MANIFEST = "manifest.json"
KEEP_STORES = 5  # stores of existing sources kept when pruning, most recently used first
STALE_BUILD_SECONDS = 24 * 3600  # a build folder in tmp/ this old was left by a dead process
# the modules whose code decides what a built store holds (paths from graph/)
BUILD_MODULES = ("cache.py", "load.py", "materialise.py", "sssom.py", "datasets.py", "store.py",
                 "rdf_files.py", "sources.py", "precomputed.py", "digest.py", "results.py",
                 "safe_yaml.py", "../namespaces.py")


def cache_root(store_dir: Path | str | None = None) -> Path:
    """--store-dir, else $COPROD_KG_STORE_DIR, else $XDG_CACHE_HOME/coprod-kg, else
    ~/.cache/coprod-kg."""
    if store_dir:
        return Path(store_dir)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "coprod-kg"
    try:
        home = Path.home()
    except RuntimeError:  # no $HOME and no passwd entry (`docker run --user 1234`)
        raise CacheUnwritable(Path("~/.cache/coprod-kg"), "no home folder", (
            f"no folder for the store cache: no home folder; choose one with --store-dir or "
            f"${ENV_VAR}")) from None
    return home / ".cache" / "coprod-kg"


def chosen_by_user(store_dir: Path | str | None = None) -> bool:
    """Whether the cache folder was chosen (--store-dir, $COPROD_KG_STORE_DIR), not the
    default one: a default that cannot be written is done without, a chosen one is an
    error."""
    return bool(store_dir or os.environ.get(ENV_VAR))


class CacheUnwritable(InputError):
    """The cache folder cannot be made or written: no store can be built there."""

    def __init__(self, folder: Path, reason: str, message: str | None = None) -> None:
        self.folder, self.reason = folder, reason
        super().__init__(message or f"{folder}: cannot create the store cache there "
                                    f"({reason}); choose another with --store-dir or ${ENV_VAR}")


def _code_fingerprint() -> list[str]:
    import pyoxigraph

    from coprod_kg import __version__
    from coprod_kg.graph.precomputed import reference_files

    here = Path(__file__).resolve().parent
    parts = [__version__, getattr(pyoxigraph, "__version__", "?")]
    # a checkout's edits count, not just the version number; so do those of the queries
    # whose answers a store carries (graph.precomputed)
    for path in [here / name for name in BUILD_MODULES] + reference_files():
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return parts


def _file_stats(files: list[Path]) -> list[os.stat_result]:
    """The sources' stats, each one checked as the parsers check it before content_key
    reads it: a pipe or a device (read for ever), a folder or a loop of links is refused
    in one line naming the path as given."""
    from coprod_kg.graph.load import file_access_errors
    from coprod_kg.graph.source_checks import check_source_is_regular

    stats = []
    for path in files:
        try:
            with file_access_errors(path):
                check_source_is_regular(path)
                stats.append(path.stat())
        except OSError as error:
            if error.errno != errno.ELOOP:
                raise
            raise SourceParseError(f"{path}: a loop of symbolic links") from None
    return stats


def stat_key(files: list[Path], stats: list[os.stat_result]) -> str:
    return digest(_code_fingerprint() + [
        "\0".join(map(str, (path, *_identity(stat))))
        for path, stat in zip(files, stats, strict=True)])


def content_key(files: list[Path]) -> str:
    from coprod_kg.graph.load import file_access_errors

    parts = _code_fingerprint()
    for path in files:
        hashed = hasher()
        with file_access_errors(path), path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hashed.update(block)
        parts.append(f"{path}\0{hashed.hexdigest()}")
    return digest(parts)


class CachedStore(Record):
    key: str
    folder: Path
    manifest: dict
    # the open manifest with a shared lock: keep it while the store is in use (see prune)
    lock: io.BufferedReader | None
    _hidden = frozenset({"lock"})

    def __init__(self, key: str, folder: Path, manifest: dict,
                 lock: io.BufferedReader | None = None) -> None:
        self._set(key=key, folder=folder, manifest=manifest, lock=lock)

    @property
    def location(self) -> Path:
        return self.folder / "oxigraph"


def current_store(files: list[Path], build: Callable[[Path], int],
                  store_dir: Path | str | None = None) -> CachedStore:
    """The cached store of these source files as they are now: found, or built first with
    `build(location)` (which fills an Oxigraph store there and returns its triple count)."""
    root = cache_root(store_dir)
    stats = _file_stats(files)
    files = [path.resolve() for path in files]
    fast_key = stat_key(files, stats)
    known = _read_alias(root, fast_key)
    if known is not None and (found := _complete(root, known, hold=True)) is not None:
        return found
    key = content_key(files)
    found = _complete(root, key, hold=True)
    if found is None:
        # built once more if `cache clear` removed the new store before it was reopened
        found = _build(root, key, build, files, stats) or _build(root, key, build, files, stats)
        if found is None:
            raise InputError(f"{root / 'stores' / key}: the store was built but cannot be read")
        try:
            prune_stores(root)
        except OSError:
            pass  # a cache others share may refuse: the stores stay, nothing breaks
    if time.time() - max((max(s.st_mtime, s.st_ctime) for s in stats), default=0) > RACY_SECONDS:
        _write_alias(root, fast_key, key)
    return found


def _complete(root: Path, key: str, *, hold: bool = False) -> CachedStore | None:
    """The complete store of `key`, or None. With `hold`, the store is marked used and its
    manifest stays open with a shared lock (prune leaves it alone until it is closed)."""
    folder = root / "stores" / key
    path = folder / MANIFEST
    try:
        handle = path.open("rb")
    except OSError:
        return None
    try:
        if hold and fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_SH)
            if not path.exists():  # pruned between open and lock
                handle.close()
                return None
        manifest = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        handle.close()
        return None
    if not isinstance(manifest, dict):
        handle.close()
        return None
    if not hold:
        handle.close()
        return CachedStore(key, folder, manifest)
    try:
        os.utime(path)  # most recently used: pruned last
    except OSError:
        pass  # a read-only cache: the store is still usable
    return CachedStore(key, folder, manifest, lock=handle)


def _read_alias(root: Path, fast_key: str) -> str | None:
    try:
        return (root / "keys" / fast_key).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _write_alias(root: Path, fast_key: str, key: str) -> None:
    folder = root / "keys"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # made with the umask's mode (mkstemp's 0600 would hide it from other users)
        temporary = folder / f".key-{os.getpid()}-{os.urandom(6).hex()}"
        temporary.write_text(key + "\n", encoding="utf-8")
        os.replace(temporary, folder / fast_key)
    except OSError:
        pass  # a read-only cache still works: the next command hashes the contents again


def _build(root: Path, key: str, build: Callable[[Path], int], files: list[Path],
           stats: list[os.stat_result]) -> CachedStore | None:
    import shutil

    from coprod_kg.graph.precomputed import answer_digests

    try:
        _tag_cache_root(root)
        for name in ("tmp", "stores", "keys"):
            _tag_cache_folder(root / name)
        staging = _new_folder(root / "tmp", f"{key}-")
    except OSError as error:
        raise CacheUnwritable(root, error.strerror or str(error)) from None
    held = _hold_build(staging)
    try:
        manifest = {
            "key": key,
            "sources": [str(path) for path in files],
            "triples": build(staging / "oxigraph"),
            "answers": answer_digests(staging),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "version": _code_fingerprint()[0],
        }
        _check_unchanged(files, stats)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _tag_cache_folder(root / "stores")  # `cache clear` meanwhile
        _install(root, key, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(held)
    return _complete(root, key, hold=True)  # None: gone since the rename (`cache clear`)


TAG_TEXT = (b"%s\n# This file is a cache directory tag created by coprod-kg (its store cache).\n"
            b"# For information about cache directory tags, see https://bford.info/cachedir/\n")


def _tag_cache_root(root: Path) -> None:
    """Make the cache folder and tag it as a cache (CACHEDIR.TAG): backup tools skip it, and
    so does any --source folder around it (graph.sources). A folder holding anything but
    the cache's own (`--store-dir ~`) is not tagged: its other files would be skipped."""
    from coprod_kg.graph.sources import CACHEDIR_TAG

    root.mkdir(parents=True, exist_ok=True)
    names = {name for name in os.listdir(root) if not name.startswith(f".{CACHEDIR_TAG}-")}
    if names <= {CACHEDIR_TAG, "stores", "keys", "tmp"}:
        _tag_cache_folder(root)


def _tag_cache_folder(folder: Path) -> None:
    """Make `folder` (the cache's own) and tag it: stores/, keys/ and tmp/ are always tagged,
    so a --source that is or holds one skips it even where the cache folder holds other
    files and is not tagged itself."""
    from coprod_kg.graph.sources import CACHEDIR_SIGNATURE, CACHEDIR_TAG

    folder.mkdir(parents=True, exist_ok=True)
    tag = folder / CACHEDIR_TAG
    if tag.exists():
        return
    temporary = folder / f".{CACHEDIR_TAG}-{os.getpid()}-{os.urandom(6).hex()}"
    try:
        temporary.write_bytes(TAG_TEXT % CACHEDIR_SIGNATURE)
        os.replace(temporary, tag)
    finally:
        temporary.unlink(missing_ok=True)


def _install(root: Path, key: str, staging: Path) -> None:
    """Rename the finished build into stores/. When a folder of that key is there: another
    process finished the same store first (use theirs), or, without a readable manifest
    (which every build writes before its rename), a broken one: it is replaced."""
    target = root / "stores" / key
    try:
        os.rename(staging, target)
        return
    except OSError:
        if _complete(root, key) is not None:
            return
    try:
        _discard(root, target, "broken")
        os.rename(staging, target)
    except OSError as error:
        if _complete(root, key) is None:
            raise InputError(f"{target}: a broken store that cannot be replaced "
                             f"({error.strerror}); remove it, or run `coprod-kg cache clear`"
                             ) from None


def _discard(root: Path, folder: Path, label: str) -> None:
    """Take a store folder out of stores/ in one rename (into tmp/), then delete it."""
    import shutil

    (root / "tmp").mkdir(parents=True, exist_ok=True)
    doomed = _new_folder(root / "tmp", f"{folder.name}-{label}-")
    os.rename(folder, doomed / "store")
    shutil.rmtree(doomed, ignore_errors=True)


def _check_unchanged(files: list[Path], stats: list[os.stat_result]) -> None:
    """The sources are as they were when the key was made: an edit while the store was
    built would file the edited data under the unedited contents' key (wrong answers
    once the edit is undone), so the store is not kept."""
    for path, before, now in zip(files, stats, _file_stats(files), strict=True):
        if _identity(before) != _identity(now):
            raise InputError(f"{path}: changed while the store was built from it; run the "
                             "command again")


def _identity(stat: os.stat_result) -> tuple[int, ...]:
    """What a change to a file's bytes changes (with the path: the stat key)."""
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder of a unique name, made with the umask's mode (mkdtemp's 0700 would
    keep a store one user built from the others who share or only read the cache)."""
    while True:
        path = parent / f"{prefix}{os.urandom(6).hex()}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _hold_build(staging: Path) -> int:
    """An exclusive lock on a build's folder while it is built: `cache clear` and pruning
    leave it alone (see _building). The descriptor to close when done."""
    held = os.open(staging, os.O_RDONLY)
    if fcntl is not None:
        try:
            fcntl.flock(held, fcntl.LOCK_EX)
        except OSError:
            pass  # a file system without locks: the build goes on, unprotected
    return held


def _building(path: Path) -> bool:
    """Whether a live process is building in this folder of tmp/ (it holds the lock)."""
    if fcntl is None:
        return False
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(handle)


# --------------------------------------------------------------------------
# Pruning
# --------------------------------------------------------------------------


def _stores(root: Path) -> list[CachedStore]:
    folder = root / "stores"
    try:
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
    except OSError as error:
        raise InputError(f"{folder}: cannot read the store cache "
                         f"({error.strerror or error})") from None
    found = (_complete(root, name) for name in names)
    return [store for store in found if store is not None]


def _last_used(store: CachedStore) -> int:
    try:
        return (store.folder / MANIFEST).stat().st_mtime_ns
    except OSError:
        return 0


def _sources_exist(store: CachedStore) -> bool:
    return all(Path(source).exists() for source in store.manifest.get("sources", []))


def prune_stores(store_dir: Path | str | None = None, *, keep: int | None = None
                 ) -> list[str]:
    """Remove the stores of sources that no longer exist, and all but the `keep` most
    recently used of the others; a store some process has open stays. Also removes the
    keys of removed stores and builds a dead process left in tmp/. Returns the removed
    stores' keys."""
    root = cache_root(store_dir)
    keep = KEEP_STORES if keep is None else keep
    ranked = sorted(_stores(root), key=_last_used, reverse=True)
    alive = [store for store in ranked if _sources_exist(store)]
    doomed = [store for store in ranked if store not in alive] + alive[max(keep, 0):]
    removed = [store.key for store in doomed if _remove_unused(root, store)]
    _prune_keys(root)
    _remove_builds(root, STALE_BUILD_SECONDS)
    return removed


def _remove_unused(root: Path, store: CachedStore, *, strict: bool = False) -> bool:
    """Remove a store unless a process holds it: it leaves stores/ in one rename. A store
    that cannot be removed (no write permission) stays too, or, `strict`, is an InputError."""
    try:
        with (store.folder / MANIFEST).open("rb") as handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return False  # in use
            _discard(root, store.folder, "pruned")
    except OSError as error:
        if strict:
            raise InputError(f"{store.folder}: cannot remove this store "
                             f"({error.strerror or error})") from None
        return False
    return True


def _prune_keys(root: Path) -> None:
    folder = root / "keys"
    for path in folder.glob("*") if folder.is_dir() else ():
        key = _read_alias(root, path.name)
        if key is None or not (root / "stores" / key).is_dir():
            path.unlink(missing_ok=True)


def _remove_builds(root: Path, older_than: float) -> None:
    """Remove the folders of tmp/ at least `older_than` seconds old that no live build
    holds (a dead process's build, a pruned store's remains)."""
    import shutil

    folder = root / "tmp"
    now = time.time()
    for path in folder.glob("*") if folder.is_dir() else ():
        try:
            if path.is_dir() and now - path.stat().st_mtime >= older_than \
                    and not _building(path):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue
