"""An evidence workspace: a folder with `coprod-kg.toml`, the user's own `data/`, `queries/`
and `mappings/`, over the bundled review (a base layer that can be switched off).

Commands find it from the current folder upwards, as git finds a repository, or from
`--workspace DIR`. The installed package's own folder is never written to.
"""

from __future__ import annotations

from pathlib import Path

from coprod_kg.errors import InputError
from coprod_kg.records import Record

CONFIG_NAME = "coprod-kg.toml"
FOLDERS = ("data", "queries", "mappings")
CONFIG_TEXT = """\
# A coprod-kg evidence workspace (see `coprod-kg init --help`).
# Your case studies go in data/ (`coprod-kg import` writes them there), your own stored
# queries in queries/*.rq (listed by `coprod-kg queries`), SSSOM mapping sets in mappings/.

[workspace]
# Load the bundled review (its principles, case studies, outcome categories ...) under your
# data. false: only this workspace's data/ and mappings/.
include-bundled = true
"""


class Workspace(Record):
    root: Path
    include_bundled: bool

    def __init__(self, root: Path, include_bundled: bool = True) -> None:
        self._set(root=root, include_bundled=include_bundled)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def mappings(self) -> Path:
        return self.root / "mappings"

    def sources(self) -> tuple[Path, ...]:
        """The instance-data folders to load: the bundled data (unless switched off), then
        the workspace's data/ and mappings/ when they hold anything."""
        from coprod_kg.graph.sources import RDF_SUFFIXES, SSSOM_SUFFIX, data_dir, files_below

        folders = [data_dir()] if self.include_bundled else []
        for folder in (self.data, self.mappings):
            if folder.is_dir() and files_below(
                folder, lambda p: p.suffix in RDF_SUFFIXES or p.name.endswith(SSSOM_SUFFIX)):
                folders.append(folder)
        return tuple(folders) or (self.data,)  # empty: loading it says "no RDF files"


def read_workspace(root: Path) -> Workspace:
    import tomllib

    config = root / CONFIG_NAME
    try:
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{config}: cannot be read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{config}: not valid TOML: {error}") from None
    table = settings.get("workspace", {})
    include = table.get("include-bundled", True) if isinstance(table, dict) else True
    if not isinstance(include, bool):
        raise InputError(f"{config}: include-bundled must be true or false, not {include!r}")
    return Workspace(root.resolve(), include)


def find_workspace(start: Path) -> Workspace | None:
    """The workspace holding `start` (the nearest folder upwards with coprod-kg.toml)."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / CONFIG_NAME).is_file():
            return read_workspace(folder)
    return None


def open_workspace(option: Path | None, start: Path | None = None) -> Workspace | None:
    """`--workspace DIR` (which must be one), else the workspace around `start` (cwd)."""
    if option is not None:
        if not (option / CONFIG_NAME).is_file():
            raise InputError(
                f"--workspace {option}: no {CONFIG_NAME} there (run `coprod-kg init {option}`)"
            )
        return read_workspace(option)
    return find_workspace(start or Path.cwd())


def workspace_sources(option: Path | None, sources: tuple[Path, ...]):
    """(the workspace, the sources to load): --source wins; else the workspace's layers."""
    found = open_workspace(option)
    if not sources and found is not None:
        sources = found.sources()
    return found, sources


def create_workspace(root: Path, include_bundled: bool = True) -> Workspace:
    """Make `root` a workspace: the config file and the three folders; refuses an existing one."""
    from coprod_kg.graph.serialise import write_atomically

    config = root.resolve() / CONFIG_NAME
    if config.exists():
        raise InputError(f"{config}: already a workspace")
    try:
        for name in FOLDERS:
            (root / name).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{root}: cannot create the workspace: {error.strerror}") from None
    text = CONFIG_TEXT if include_bundled else CONFIG_TEXT.replace(
        "include-bundled = true", "include-bundled = false")
    write_atomically(text, config)
    return Workspace(root.resolve(), include_bundled)


def package_folder() -> Path:
    return Path(__file__).resolve().parent.parent


def refuse_package_folder(target: Path, what: str) -> None:
    """One line, exit 2, if `target` is inside the installed package (lost on upgrade)."""
    package = package_folder()
    if target.resolve() == package or package in target.resolve().parents:
        raise InputError(
            f"{what} {target}: that is inside the installed coprod-kg package, where your "
            "evidence would be lost on upgrade; run `coprod-kg init` to make a workspace"
        )
