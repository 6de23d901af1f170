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
from coprod_kg.graph import cache, sources

OXLEAS = Path("case-studies") / "01-oxleas-ebcd.ttl"
QUERY = ["query", "outcomes-by-reduction", "--format", "csv"]


def copy_of_the_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(sources.data_dir(), folder)
    return folder


def stores_in(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "stores").iterdir())


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
    assert list((store_dir / "tmp").iterdir()) == []  # the loser's build was removed
    info = cache.cache_info()
    assert info["stores"][0]["triples"] > 1000


def test_a_source_that_does_not_parse_leaves_no_store(runner, store_dir, tmp_path):
    data = copy_of_the_data(tmp_path)
    (data / "broken.ttl").write_text("<a> <b> .\n", encoding="utf-8")
    done = runner.invoke(cli, ["--source", str(data), *QUERY])
    assert done.exit_code != 0
    assert "broken.ttl:1:" in done.output
    assert stores_in(store_dir) == [] and list((store_dir / "tmp").iterdir()) == []


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
    assert not (store_dir / "stores").exists()
    assert json.loads(runner.invoke(cli, ["cache", "info", "--format", "json"]).output
                      )["stores"] == []
