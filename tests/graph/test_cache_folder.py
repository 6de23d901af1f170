"""The store cache's folder in the user's world (issue 16, after review): tagged as a cache
(CACHEDIR.TAG) so that no --source folder reads it, unwritable by default or by choice,
and emptied by `coprod-kg cache clear` while a command builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coprod_kg.cli import cli
from coprod_kg.errors import InputError
from coprod_kg.graph import cache, cache_admin, sources
from coprod_kg.graph.workspace import Workspace

QUERY = ["query", "outcomes-by-reduction", "--format", "csv"]
SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TRIPLE = "<https://example.org/{0}> <https://example.org/p> 1 .\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def stores_in(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "stores").iterdir() if p.is_dir())


def test_a_cache_folder_inside_a_source_folder_is_not_read_as_a_source(runner, tmp_path):
    """--store-dir inside the --source folder: the cache's manifest.json (JSON-LD by its
    suffix), snapshot and answers must not become sources of the next command."""
    data = tmp_path / "data"
    shutil.copytree(sources.data_dir(), data)
    inside = data / "cache"
    command = ["--store-dir", str(inside), "--source", str(data), *QUERY]
    first = runner.invoke(cli, command)
    assert first.exit_code == 0, first.output
    assert "oxleas-complaints" in first.stdout
    tag = (inside / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.splitlines()[0] == SIGNATURE
    again = runner.invoke(cli, command)
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout
    assert len(stores_in(inside)) == 1  # the same sources: the first command's store
    expected = sorted(data / p.relative_to(sources.data_dir())
                      for p in sources.expand_sources([sources.data_dir()]))
    assert sources.expand_sources([data]) == expected


def test_source_expansion_skips_folders_tagged_as_caches(tmp_path):
    """The user's files, in sorted order as before; nothing below a folder holding a
    CACHEDIR.TAG with the signature (a tag without it is an ordinary file)."""
    user = tmp_path / "user"
    a = write(user / "a.ttl", TRIPLE.format("a"))
    b = write(user / "sub" / "b.nt", TRIPLE.format("b"))
    write(user / "z-cache" / "CACHEDIR.TAG", SIGNATURE + "\n# a cache\n")
    write(user / "z-cache" / "c.ttl", TRIPLE.format("c"))
    write(user / "z-cache" / "inner" / "d.jsonld", "{}")
    write(user / "z-cache" / "set.sssom.tsv", "")
    fake = write(user / "fake" / "CACHEDIR.TAG", "Signature: not the one\n")
    e = write(user / "fake" / "e.ttl", TRIPLE.format("e"))
    mapped = write(user / "sub" / "m.sssom.tsv", "")
    assert sources.expand_sources([user]) == [a, e, b]
    assert fake not in sources.expand_sources([user])
    assert sources.mapping_files([user]) == [mapped]


def test_a_source_folder_that_is_a_cache_is_refused_in_one_line(tmp_path):
    folder = tmp_path / "cache"
    write(folder / "CACHEDIR.TAG", SIGNATURE + "\n")
    write(folder / "c.ttl", TRIPLE.format("c"))
    with pytest.raises(InputError, match=rf"^{folder}: a cache folder \(it holds CACHEDIR.TAG"):
        sources.expand_sources([folder])


def test_a_workspace_folder_holding_only_a_cache_holds_no_data(tmp_path):
    root = tmp_path / "ws"
    write(root / "data" / "cache" / "CACHEDIR.TAG", SIGNATURE + "\n")
    write(root / "data" / "cache" / "stores" / "k" / "manifest.json", "{}")
    write(root / "mappings" / "m.sssom.tsv", "")
    assert Workspace(root, include_bundled=False).sources() == (root / "mappings",)


def stub_build(location: Path) -> int:
    location.mkdir(parents=True)
    return 1


def test_the_cache_root_is_tagged_when_made_and_a_folder_of_other_files_is_not(tmp_path):
    source = write(tmp_path / "a.ttl", TRIPLE.format("a"))
    made = tmp_path / "made"
    cache.current_store([source], stub_build, made).lock.close()
    assert (made / "CACHEDIR.TAG").read_text(encoding="utf-8").splitlines()[0] == SIGNATURE
    # a cache made before the tag existed (only the cache's own folders): tagged now
    old = tmp_path / "old"
    (old / "stores").mkdir(parents=True)
    cache.current_store([source], stub_build, old).lock.close()
    assert (old / "CACHEDIR.TAG").is_file()
    # --store-dir ~ (say): backup tools would skip the user's own files; not tagged
    home = tmp_path / "home"
    write(home / "notes.txt", "mine\n")
    cache.current_store([source], stub_build, home).lock.close()
    assert not (home / "CACHEDIR.TAG").exists()


def unwritable(tmp_path: Path) -> Path:
    """A folder that cannot be made, even by root: its parent is a regular file."""
    blocker = write(tmp_path / "a-file", "not a folder\n")
    return blocker / "cache"


def test_an_unwritable_default_cache_reads_the_sources_without_one(runner, tmp_path,
                                                                 monkeypatch):
    """The cache folder nobody chose (XDG, ~/.cache) cannot be made: the command still
    answers, from the sources in memory, saying so in one line on stderr."""
    expected = runner.invoke(cli, QUERY)
    assert expected.exit_code == 0, expected.output
    monkeypatch.delenv(cache.ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(unwritable(tmp_path)))
    root = unwritable(tmp_path) / "coprod-kg"
    done = runner.invoke(cli, QUERY)
    assert done.exit_code == 0, done.output
    assert done.stdout == expected.stdout
    assert done.stderr == (f"coprod-kg: warning: {root}: cannot create the store cache there "
                           "(Not a directory); reading the sources without a cache (choose "
                           "a cache folder with --store-dir or $COPROD_KG_STORE_DIR)\n")


def test_an_unwritable_cache_the_user_chose_is_one_line_exit_2(runner, tmp_path,
                                                              monkeypatch):
    chosen = unwritable(tmp_path)
    said = (f"coprod-kg: error: {chosen}: cannot create the store cache there (Not a "
            "directory); choose another with --store-dir or $COPROD_KG_STORE_DIR\n")
    by_option = runner.invoke(cli, ["--store-dir", str(chosen), *QUERY])
    assert (by_option.exit_code, by_option.stdout, by_option.stderr) == (2, "", said)
    monkeypatch.setenv(cache.ENV_VAR, str(chosen))
    by_variable = runner.invoke(cli, QUERY)
    assert (by_variable.exit_code, by_variable.stdout, by_variable.stderr) == (2, "", said)


def clear_after_the_first_rename(monkeypatch) -> list[int]:
    """`coprod-kg cache clear` in another terminal just after the build's rename into
    stores/, before the building command opens what it built (the seam: cache._install).
    Returns the counts of stores each clear removed."""
    cleared: list[int] = []
    install = cache._install

    def install_then_clear(root: Path, key: str, staging: Path) -> None:
        install(root, key, staging)
        if not cleared:
            cleared.append(cache_admin.clear_cache(root))

    monkeypatch.setattr(cache, "_install", install_then_clear)
    return cleared


def test_cache_clear_between_the_rename_and_the_reopen_still_answers(runner, store_dir,
                                                                     monkeypatch):
    expected = runner.invoke(cli, QUERY, env={cache.ENV_VAR: str(store_dir.parent / "other")})
    assert expected.exit_code == 0, expected.output
    cleared = clear_after_the_first_rename(monkeypatch)
    done = runner.invoke(cli, QUERY)
    assert done.exit_code == 0, done.output
    assert done.stdout == expected.stdout and done.stderr == ""
    assert cleared == [1]
    assert len(stores_in(store_dir)) == 1  # built once more, and kept


def test_cache_clear_between_the_rename_and_the_reopen_of_an_on_disk_store(store_dir,
                                                                           monkeypatch):
    from coprod_kg.graph import store as store_module

    monkeypatch.setattr(store_module, "SMALL_SOURCES_BYTES", 1000)  # RocksDB, no snapshot
    cleared = clear_after_the_first_rename(monkeypatch)
    built = store_module.open_cached_oxigraph()
    assert cleared == [1]
    assert len(built) == len(store_module.load_oxigraph()) > 4000
    [folder] = [p for p in (store_dir / "stores").iterdir() if p.is_dir()]
    assert sorted(p.name for p in folder.iterdir()) == ["answers", "manifest.json", "oxigraph"]


def test_the_source_folder_as_its_own_cache_keeps_one_store(runner, tmp_path):
    """--store-dir and --source the same folder of the user's files: the cache folder is not
    tagged (it holds other files), but its own stores/ is, so the next command reads the
    same sources and finds the first command's store."""
    data = tmp_path / "data"
    shutil.copytree(sources.data_dir(), data)
    command = ["--store-dir", str(data), "--source", str(data), *QUERY]
    outputs = [runner.invoke(cli, command) for _ in range(3)]
    assert [done.exit_code for done in outputs] == [0, 0, 0]
    assert outputs[0].stdout == outputs[2].stdout
    assert not (data / "CACHEDIR.TAG").exists()
    assert len(stores_in(data)) == 1


def test_a_source_in_the_cache_is_one_line(runner, tmp_path):
    store_dir = tmp_path / "cache"
    assert runner.invoke(cli, ["--store-dir", str(store_dir), *QUERY]).exit_code == 0
    [store] = stores_in(store_dir)
    for source, said in [
        (store_dir / "stores", f"{store_dir / 'stores'}: a cache folder"),
        (store_dir / "stores" / store,
         f"{store_dir / 'stores' / store}: inside the cache folder {store_dir / 'stores'}"),
    ]:
        done = runner.invoke(cli, ["--store-dir", str(tmp_path / "other"), "--source",
                                   str(source), *QUERY])
        assert (done.exit_code, done.stdout) == (2, "")
        assert done.stderr == (f"coprod-kg: error: {said} (it holds CACHEDIR.TAG), not "
                               "sources (--source)\n")


def test_a_folder_whose_only_sources_are_in_a_cache_says_so(runner, tmp_path):
    user = tmp_path / "user"
    write(user / "sub" / "CACHEDIR.TAG", SIGNATURE + "\n")
    write(user / "sub" / "a.ttl", TRIPLE.format("a"))
    done = runner.invoke(cli, ["--source", str(user), *QUERY])
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == (
        f"coprod-kg: error: {user}: no RDF files in this folder (expected .json, .jsonld, "
        f".nt, .rdf, .ttl or *.sssom.tsv; skipped as cache folders: {user / 'sub'})\n")


def test_cache_clear_that_cannot_remove_a_store_says_so(runner, store_dir, monkeypatch):
    """A cache others share (read-only for this user): clear must not say it removed a store
    that is still there."""
    assert runner.invoke(cli, QUERY).exit_code == 0
    [store] = stores_in(store_dir)

    def refused(root: Path, folder: Path, label: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache, "_discard", refused)
    done = runner.invoke(cli, ["cache", "clear"])
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == (f"coprod-kg: error: {store_dir / 'stores' / store}: cannot remove "
                           "this store (Permission denied)\n")
    assert stores_in(store_dir) == [store]


@pytest.mark.parametrize("command", [["cache", "info"], ["cache", "clear"], ["cache", "prune"]])
def test_an_unreadable_cache_is_one_line(runner, store_dir, monkeypatch, command):
    assert runner.invoke(cli, QUERY).exit_code == 0
    listdir = cache.os.listdir

    def refused(path):
        if Path(path) == store_dir / "stores":
            raise PermissionError(13, "Permission denied")
        return listdir(path)

    monkeypatch.setattr(cache.os, "listdir", refused)
    done = runner.invoke(cli, command)
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == (f"coprod-kg: error: {store_dir / 'stores'}: cannot read the store "
                           "cache (Permission denied)\n")
