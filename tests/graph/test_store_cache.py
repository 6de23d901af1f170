"""The persistent store (issue 16): built once per set of sources, always current, safe
when several processes build it at once, and managed with `coprod-kg cache`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from coprod_kg.cli import cli
from coprod_kg.graph import cache, cache_admin, precomputed, sources

OXLEAS = Path("case-studies") / "01-oxleas-ebcd.ttl"
QUERY = ["query", "outcomes-by-reduction", "--format", "csv"]


def copy_of_the_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(sources.data_dir(), folder)
    return folder


def entries(folder: Path) -> list[Path]:
    """A cache subfolder's entries, without its cache directory tag."""
    return sorted(p for p in folder.iterdir() if p.name != "CACHEDIR.TAG")


def stores_in(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "stores").iterdir() if p.is_dir())


def test_an_edited_figure_shows_in_the_next_query(runner, store_dir, tmp_path):
    data = copy_of_the_data(tmp_path)
    first = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert first.exit_code == 0, first.output
    assert "oxleas-complaints" in first.output and ",80.0," in first.output
    again = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert again.output == first.output
    assert len(stores_in(store_dir)) == 1  # the second command opened the first's store

    path = data / OXLEAS
    path.write_text(path.read_text(encoding="utf-8").replace(
        "qudt:numericValue 80.0 ;", "qudt:numericValue 81.0 ;"), encoding="utf-8")
    edited = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert edited.exit_code == 0, edited.output
    assert ",81.0," in edited.output and ",80.0," not in edited.output
    assert len(stores_in(store_dir)) == 2


def test_a_touched_file_reuses_the_store_and_a_new_file_builds_one(runner, store_dir, tmp_path):
    data = copy_of_the_data(tmp_path)
    assert runner.invoke(cli, ["--source", str(data), "stats"]).exit_code == 0
    os.utime(data / OXLEAS)  # same bytes, new time: the content key finds the store
    assert runner.invoke(cli, ["--source", str(data), "stats"]).exit_code == 0
    assert len(stores_in(store_dir)) == 1
    (data / "extra.ttl").write_text(
        "<https://example.org/a> <https://example.org/b> 1 .\n", encoding="utf-8")
    triples = runner.invoke(cli, ["--source", str(data), "stats", "--format", "json"])
    assert len(stores_in(store_dir)) == 2
    before = runner.invoke(cli, ["stats", "--format", "json"])
    assert json.loads(triples.output)["triples"] == json.loads(before.output)["triples"] + 1


def test_the_store_dir_option_wins_over_the_environment(runner, store_dir, tmp_path):
    chosen = tmp_path / "chosen"
    done = runner.invoke(cli, ["--store-dir", str(chosen), *QUERY])
    assert done.exit_code == 0, done.output
    assert len(stores_in(chosen)) == 1 and not store_dir.exists()


def test_the_default_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("COPROD_KG_STORE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_root() == tmp_path / "xdg" / "coprod-kg"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_root() == tmp_path / "home" / ".cache" / "coprod-kg"
    monkeypatch.setenv("COPROD_KG_STORE_DIR", str(tmp_path / "env"))
    assert cache.cache_root() == tmp_path / "env"
    assert cache.cache_root(tmp_path / "option") == tmp_path / "option"


def test_two_processes_building_at_once_end_with_one_complete_store(store_dir, tmp_path):
    data = copy_of_the_data(tmp_path)
    command = [sys.executable, "-m", "coprod_kg", "--source", str(data), *QUERY]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=600) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert err == ""
        assert "oxleas-complaints" in out
    assert outputs[0][0] == outputs[1][0]
    assert len(stores_in(store_dir)) == 1
    assert entries(store_dir / "tmp") == []  # the loser's build was removed
    # the precomputed answers came with the store, in the same rename (graph.precomputed)
    assert len(list((store_dir / "stores").glob("*/answers/*.srj"))) == len(
        precomputed.PRECOMPUTED)
    info = cache_admin.cache_info()
    assert info["stores"][0]["triples"] > 1000


def test_a_source_that_does_not_parse_leaves_no_store(runner, store_dir, tmp_path):
    data = copy_of_the_data(tmp_path)
    (data / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    done = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert done.exit_code != 0
    assert "broken.ttl:1:" in done.output
    assert stores_in(store_dir) == [] and entries(store_dir / "tmp") == []


def test_cache_info_and_clear(runner, store_dir):
    assert runner.invoke(cli, QUERY).exit_code == 0
    info = runner.invoke(cli, ["cache", "info", "--format", "json"])
    listed = json.loads(info.output)
    assert listed["folder"] == str(store_dir) and len(listed["stores"]) == 1
    assert listed["stores"][0]["sources"] == len(sources.ontology_files()) + len(
        sources.data_files()) + len(list((sources.data_dir() / "mappings").glob("*.sssom.tsv")))
    text = runner.invoke(cli, ["cache", "info"])
    assert f"folder: {store_dir}" in text.output and "stores: 1" in text.output
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 1 store" in cleared.output
    assert stores_in(store_dir) == []
    assert json.loads(runner.invoke(cli, ["cache", "info", "--format", "json"]).output
                      )["stores"] == []


def stub_build(location: Path) -> int:
    """Stands for an Oxigraph build: pruning looks at folders and manifests only."""
    location.mkdir(parents=True)
    return 1


def cached_store_of(folder: Path, name: str, used: int) -> str:
    """The key of a store built (by stub_build) from one file `name` in `folder`, its last
    use set `used` seconds after the epoch of this test."""
    source = folder / name
    source.write_text(f"<https://example.org/{name}> <https://example.org/p> 1 .\n",
                      encoding="utf-8")
    os.utime(source, (1_600_000_000, 1_600_000_000))
    found = cache.current_store([source], stub_build)
    found.lock.close()  # the command that used it has ended
    os.utime(found.folder / cache.MANIFEST, (1_700_000_000 + used, 1_700_000_000 + used))
    return found.key


def test_prune_drops_vanished_sources_then_all_but_the_most_recently_used(store_dir, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(cache, "RACY_SECONDS", -1e9)  # stat keys recorded at once
    keys = {name: cached_store_of(tmp_path, name, used)
            for name, used in [("a.ttl", 4), ("b.ttl", 1), ("c.ttl", 3), ("d.ttl", 2)]}
    assert stores_in(store_dir) == sorted(keys.values())  # 4 < KEEP_STORES: none pruned
    assert len(entries(store_dir / "keys")) == 4
    (tmp_path / "c.ttl").unlink()
    removed = cache.prune_stores(keep=2)
    # c's sources are gone; of a (newest), d, b (oldest) the two most recently used stay
    assert sorted(removed) == sorted([keys["c.ttl"], keys["b.ttl"]])
    assert stores_in(store_dir) == sorted([keys["a.ttl"], keys["d.ttl"]])
    assert entries(store_dir / "tmp") == []
    assert sorted(key.read_text().strip() for key in entries(store_dir / "keys")) == \
        stores_in(store_dir)  # the keys of removed stores went with them
    assert cache.prune_stores(keep=2) == []


def test_a_build_prunes_but_never_a_store_in_use(store_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEEP_STORES", 1)
    old = cached_store_of(tmp_path, "old.ttl", 1)
    (tmp_path / "held.ttl").write_text("<https://example.org/h> <https://example.org/p> 2 .\n",
                                       encoding="utf-8")
    held = cache.current_store([tmp_path / "held.ttl"], stub_build)  # still open
    assert stores_in(store_dir) == sorted([held.key])  # its build pruned the old store
    assert old not in stores_in(store_dir)
    os.utime(held.folder / cache.MANIFEST, (1_600_000_000, 1_600_000_000))  # the oldest
    newer = cached_store_of(tmp_path, "new.ttl", 5)
    assert stores_in(store_dir) == sorted([held.key, newer])  # in use: kept
    assert cache.prune_stores(keep=0) == [newer]
    held.lock.close()
    assert cache.prune_stores(keep=0) == [held.key]
    assert stores_in(store_dir) == []


def test_cache_prune_command(runner, store_dir, tmp_path):
    data = copy_of_the_data(tmp_path)
    assert runner.invoke(cli, ["--source", str(data), *QUERY]).exit_code == 0
    assert runner.invoke(cli, QUERY).exit_code == 0
    assert len(stores_in(store_dir)) == 2
    kept = runner.invoke(cli, ["cache", "prune"])
    assert kept.exit_code == 0 and kept.output == f"removed 0 stores from {store_dir}\n"
    shutil.rmtree(data)
    pruned = runner.invoke(cli, ["cache", "prune", "--keep", "5"])
    assert pruned.output == f"removed 1 store from {store_dir}\n"
    assert len(stores_in(store_dir)) == 1
    refused = runner.invoke(cli, ["cache", "prune", "--keep", "-1"])
    assert refused.exit_code == 2 and "-1" in refused.output


def test_a_small_store_is_read_from_its_snapshot_with_the_same_quads(store_dir):
    """Sources of up to SNAPSHOT_TRIPLES triples are cached as N-Quads alone (no RocksDB
    folder) and read into memory from there: the very same quads as the store the build
    made, blank node labels included. A snapshot cut short at a line boundary, or
    unreadable, is loaded again from the sources and written anew."""
    from coprod_kg.graph.store import SNAPSHOT, load_oxigraph, open_cached_oxigraph

    built = open_cached_oxigraph()
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    assert sorted(p.name for p in folder.iterdir()) == ["answers", "manifest.json", SNAPSHOT]
    assert len(built) > 4000
    warm = open_cached_oxigraph()
    assert set(warm.pyoxigraph_store) == set(built.pyoxigraph_store)  # labels too
    fresh = load_oxigraph()
    whole = (folder / SNAPSHOT).read_text(encoding="utf-8")
    for broken in ("".join(whole.splitlines(keepends=True)[:100]), "not N-Quads <\n"):
        (folder / SNAPSHOT).write_text(broken, encoding="utf-8")
        again = open_cached_oxigraph()
        assert len(again) == len(fresh)
        assert isomorphic(again, fresh)
        healed = (folder / SNAPSHOT).read_text(encoding="utf-8")
        assert len(healed.splitlines()) == len(fresh) + 1  # and its checksum
        assert set(open_cached_oxigraph().pyoxigraph_store) == set(again.pyoxigraph_store)


def isomorphic(one, other) -> bool:
    """The two stores' triples are the same up to blank node labels."""
    from rdflib import Graph
    from rdflib.compare import isomorphic as same_graph

    from coprod_kg.graph.results import to_rdflib

    def graph_of(store) -> Graph:
        graph = Graph()
        for quad in store.pyoxigraph_store:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
        return graph

    return same_graph(graph_of(one), graph_of(other))


def test_small_sources_with_many_triples_are_kept_on_disk(store_dir, tmp_path, monkeypatch):
    """Sources small in bytes but over SNAPSHOT_TRIPLES triples: loaded in memory, then
    copied into a RocksDB folder (no snapshot), which later commands open read-only."""
    from coprod_kg.graph import store as store_module

    monkeypatch.setattr(store_module, "SNAPSHOT_TRIPLES", 1000)
    built = store_module.open_cached_oxigraph()
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    assert sorted(p.name for p in folder.iterdir()) == ["answers", "manifest.json", "oxigraph"]
    del built
    reopened = store_module.open_cached_oxigraph()
    assert len(reopened) == len(store_module.load_oxigraph())


def test_a_pipe_or_a_link_loop_among_the_sources_is_refused_not_read(tmp_path):
    """The cache key hashes the sources' bytes before any parser sees them: a FIFO (or
    /dev/zero behind a link) must be refused there too, not read for ever; a loop of
    links is one line naming the file, not a traceback."""
    piped = tmp_path / "piped"
    piped.mkdir()
    shutil.copy(sources.data_dir() / "agents.ttl", piped)
    os.mkfifo(piped / "pipe.ttl")
    looped = tmp_path / "looped"
    looped.mkdir()
    shutil.copy(sources.data_dir() / "agents.ttl", looped)
    (looped / "a.ttl").symlink_to(looped / "b.ttl")
    (looped / "b.ttl").symlink_to(looped / "a.ttl")
    env = dict(os.environ, COPROD_KG_STORE_DIR=str(tmp_path / "cache"))
    for folder, said in [(piped, f"{piped / 'pipe.ttl'}: not a regular file"),
                         (looped, f"{looped / 'a.ttl'}: a loop of symbolic links")]:
        done = subprocess.run([sys.executable, "-m", "coprod_kg", "--source", str(folder),
                               "query", "principles"], capture_output=True, text=True,
                              timeout=60, env=env)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(f"coprod-kg: error: {said}"), done.stderr
        assert len(done.stderr.splitlines()) == 1


def test_a_store_is_as_readable_as_a_folder_made_under_the_umask(store_dir, tmp_path,
                                                                 monkeypatch):
    """Stores and keys are made with the umask's modes (not mkdtemp's 0700, mkstemp's
    0600): a cache one user built can be read by the others (a shared or read-only one)."""
    source = tmp_path / "a.ttl"
    source.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    monkeypatch.setattr(cache, "RACY_SECONDS", -1e9)  # the stat key recorded at once
    previous = os.umask(0o022)
    try:
        found = cache.current_store([source], stub_build)
    finally:
        os.umask(previous)
    found.lock.close()
    [key] = entries(store_dir / "keys")
    assert found.folder.stat().st_mode & 0o777 == 0o755
    assert key.stat().st_mode & 0o777 == 0o644


def test_cache_clear_during_a_build_leaves_the_build_alone(store_dir, tmp_path):
    """`coprod-kg cache clear` in another terminal while a command builds its store: the
    build is not a leftover; it ends with its store, and clear removes what it can."""
    source = tmp_path / "a.ttl"
    source.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    cleared = []

    def build_while_cleared(location: Path) -> int:
        location.mkdir(parents=True)
        cleared.append(cache_admin.clear_cache())
        (location / "data").write_text("built\n", encoding="utf-8")
        return 1

    found = cache.current_store([source], build_while_cleared)
    found.lock.close()
    assert cleared == [0]
    assert stores_in(store_dir) == [found.key]
    assert (found.location / "data").read_text(encoding="utf-8") == "built\n"
    assert entries(store_dir / "tmp") == []


def test_a_source_edited_during_the_build_leaves_no_store_under_its_old_contents(store_dir,
                                                                                tmp_path):
    """A build hashes the sources, then reads them (minutes at 100,000 case studies): an
    edit in between would file the edited data under the unedited contents' key, and
    after the edit is undone every command would answer from it. The build checks that
    its sources did not change, and says so in one line; the next command builds."""
    import pytest

    from coprod_kg.errors import InputError

    source = tmp_path / "a.ttl"
    source.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")

    def build_while_edited(location: Path) -> int:
        location.mkdir(parents=True)
        source.write_text("<https://example.org/a> <https://example.org/p> 2 .\n",
                          encoding="utf-8")
        return 1

    with pytest.raises(InputError, match=f"^{source}: changed while the store was built"):
        cache.current_store([source], build_while_edited)
    assert stores_in(store_dir) == [] and entries(store_dir / "tmp") == []
    found = cache.current_store([source], stub_build)
    found.lock.close()
    assert stores_in(store_dir) == [found.key]


def test_an_edit_that_keeps_size_and_time_shows_in_the_next_query(runner, store_dir, tmp_path,
                                                                  monkeypatch):
    """`cp -p`, `rsync -t`, `touch -r` or an archive can give an edited file its old size and
    modification time; the change time (which no user can set) still tells."""
    monkeypatch.setattr(cache, "RACY_SECONDS", -1e9)  # the stat key recorded at once
    data = copy_of_the_data(tmp_path)
    path = data / OXLEAS
    os.utime(path, (1_600_000_000, 1_600_000_000))  # old enough for a stat key
    first = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert ",80.0," in first.output
    path.write_text(path.read_text(encoding="utf-8").replace(
        "qudt:numericValue 80.0 ;", "qudt:numericValue 81.0 ;"), encoding="utf-8")
    os.utime(path, (1_600_000_000, 1_600_000_000))  # same size, same time
    assert len(entries(store_dir / "keys")) == 1
    edited = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert ",81.0," in edited.output and ",80.0," not in edited.output


def test_a_store_folder_without_a_readable_manifest_is_built_again(runner, store_dir):
    """No build leaves a store without its manifest (it is written before the rename), so
    such a folder is broken (deleted by hand, a disk fault): it is replaced, not left to
    make every later command fail."""
    first = runner.invoke(cli, QUERY)
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    for broken in (None, '{"key": ', "[1, 2]\n"):
        if broken is None:
            (folder / cache.MANIFEST).unlink()
        else:
            (folder / cache.MANIFEST).write_text(broken, encoding="utf-8")
        again = runner.invoke(cli, QUERY)
        assert again.exit_code == 0, again.output
        assert again.stdout == first.stdout
        assert stores_in(store_dir) == [folder.name]
        assert json.loads((folder / cache.MANIFEST).read_text(encoding="utf-8"))["key"] == \
            folder.name
    assert entries(store_dir / "tmp") == []


def test_a_snapshot_changed_in_place_is_not_believed(runner, store_dir):
    """A snapshot of the right number of triples but other bytes (a disk fault, an edit):
    a figure of the review must never come out of it changed; it is loaded again from the
    sources and written anew."""
    from coprod_kg.graph.store import SNAPSHOT

    first = runner.invoke(cli, QUERY)
    assert ",80.0," in first.stdout
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    snapshot = folder / SNAPSHOT
    whole = snapshot.read_text(encoding="utf-8")
    assert whole.count('"80"^^') == 1
    snapshot.write_text(whole.replace('"80"^^', '"99"^^'), encoding="utf-8")
    again = runner.invoke(cli, QUERY)
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert '"99"^^' not in snapshot.read_text(encoding="utf-8")  # healed


def test_no_home_folder_answers_without_a_cache():
    """`docker run --user 1234`: no $HOME and no passwd entry, so no default cache folder;
    as for any default cache that cannot be made, the command answers from the sources read
    into memory and says so in one line (it was RuntimeError, "unexpected error", then an
    exit 2 that stopped every command)."""
    import pwd

    import pytest

    if os.geteuid() != 0:
        pytest.skip("running as a user without a passwd entry needs root")
    uid = 54321
    with pytest.raises(KeyError):
        pwd.getpwuid(uid)
    env = {k: v for k, v in os.environ.items()
           if k not in ("HOME", "XDG_CACHE_HOME", cache.ENV_VAR)}
    try:
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env, user=uid,
                       group=uid, cwd="/", capture_output=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("this interpreter cannot be run by another user here (say, under /root); "
                    "test_no_home_folder_in_process covers the message")
    done = subprocess.run([sys.executable, "-m", "coprod_kg", *QUERY], capture_output=True,
                          text=True, timeout=120, env=env, user=uid, group=uid, cwd="/")
    assert (done.returncode, done.stderr) == (0, NO_HOME_WARNING)
    assert done.stdout == subprocess.run([sys.executable, "-m", "coprod_kg", "--store",
                                          "oxigraph", *QUERY], capture_output=True, text=True,
                                         timeout=120, check=True).stdout


NO_HOME_WARNING = (
    "coprod-kg: warning: ~/.cache/coprod-kg: cannot create the store cache there (no home "
    "folder); reading the sources without a cache (choose a cache folder with --store-dir or "
    "$COPROD_KG_STORE_DIR)\n")


def test_no_home_folder_in_process(runner, monkeypatch):
    """The same case without another user: no $HOME and no passwd entry make Path.home()
    raise RuntimeError; the command answers without a cache and says so; `cache info`, which
    has no cache to show, says how to choose one, exit 2."""
    import pwd

    for name in ("HOME", "XDG_CACHE_HOME", cache.ENV_VAR):
        monkeypatch.delenv(name, raising=False)

    def no_entry(uid: int):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    done = runner.invoke(cli, QUERY)
    assert (done.exit_code, done.stderr) == (0, NO_HOME_WARNING)
    assert done.stdout == runner.invoke(cli, ["--store", "oxigraph", *QUERY]).stdout
    info = runner.invoke(cli, ["cache", "info"])
    assert (info.exit_code, info.stderr) == (2, (
        "coprod-kg: error: no folder for the store cache: no home folder; choose one with "
        "--store-dir or $COPROD_KG_STORE_DIR\n"))


def test_a_snapshot_that_cannot_be_rewritten_leaves_no_temporary_file(runner, store_dir):
    """A snapshot path taken by a folder (a broken cache): each command answers from the
    sources, and must not leave its temporary copy of the quads behind (~1 MB a command)."""
    from coprod_kg.graph.store import SNAPSHOT

    first = runner.invoke(cli, QUERY)
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    (folder / SNAPSHOT).unlink()
    (folder / SNAPSHOT).mkdir()
    for _ in range(2):
        again = runner.invoke(cli, QUERY)
        assert again.exit_code == 0 and again.stdout == first.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["answers", "manifest.json", SNAPSHOT]


def test_large_sources_with_few_triples_are_kept_on_disk_alone(store_dir, monkeypatch):
    """Sources over SMALL_SOURCES_BYTES (long literals, say) but of few triples: built on
    disk, and kept there alone; no snapshot beside it (which later commands would read
    instead, parsing every byte), and the building command does not query a RocksDB
    folder that its rename has moved."""
    from coprod_kg.graph import store as store_module

    monkeypatch.setattr(store_module, "SMALL_SOURCES_BYTES", 1000)
    built = store_module.open_cached_oxigraph()
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    assert sorted(p.name for p in folder.iterdir()) == ["answers", "manifest.json", "oxigraph"]
    assert len(built) == len(store_module.open_cached_oxigraph()) > 4000


# modules a build imports whose code does not decide what a store holds: errors, progress
# bars, settings, value classes, the query guard, the checks that refuse a source before it
# is read
NOT_BUILD_MODULES = {"__init__.py", "errors.py", "progress.py", "settings.py", "records.py",
                     "guard.py", "source_checks.py"}


def test_every_module_a_build_runs_is_in_the_code_fingerprint(tmp_path):
    """A checkout's edit to code a build runs (the namespaces of the materialised links,
    say) must build new stores, not leave the old ones answering."""
    script = ("import sys\n"
              "from coprod_kg.graph.store import open_cached_oxigraph\n"
              "open_cached_oxigraph()\n"
              "print('\\n'.join(sys.modules[m].__file__ for m in sorted(sys.modules)\n"
              "                 if m.startswith('coprod_kg')))\n")
    env = dict(os.environ, COPROD_KG_STORE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env, check=True)
    ran = {Path(line).name for line in done.stdout.split()}
    fingerprinted = {part.split(":")[0] for part in cache._code_fingerprint()[2:]}
    assert ran - NOT_BUILD_MODULES <= fingerprinted
    assert "namespaces.py" in ran


def test_cache_clear_leaves_a_store_a_command_holds(runner, store_dir, tmp_path):
    """A command that has found its store holds it until it has answered: `cache clear` in
    another terminal keeps that store (and says so) rather than pull it from under the
    command, and removes it once it is free."""
    source = tmp_path / "a.ttl"
    source.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    found = cache.current_store([source], stub_build)
    held = cache.current_store([source], stub_build)
    found.lock.close()
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert (cleared.exit_code, cleared.stdout) == (0, (
        f"removed 0 stores from {store_dir}\n"
        "kept 1 store in use by a running command; clear again when it has finished\n"))
    assert (held.location).is_dir() and stores_in(store_dir) == [held.key]
    held.lock.close()
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert (cleared.exit_code, cleared.stdout) == (0, f"removed 1 store from {store_dir}\n")
    assert stores_in(store_dir) == []
    assert not (store_dir / "keys").is_dir() or entries(store_dir / "keys") == []
