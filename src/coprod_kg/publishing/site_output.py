"""Put a freshly built site into its folder without touching what the user keeps there.

The folder may be a git checkout (`.git`, a gh-pages branch), hold a CNAME or notes of
its own: a build replaces only the files it wrote, each with a rename, removes the files
the previous build wrote and this one did not (both listed in MANIFEST), and leaves
every other file in place. A non-empty folder that no build wrote into is refused.

Links are live only for http(s) and mailto (and the site's own relative links): an
`href`/`src` with any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`) loses
the attribute, so the text stays and nothing runs.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

MANIFEST = ".coprod-kg-site.json"
LIVE_SCHEMES = ("http", "https", "mailto")
_LINK_ATTRIBUTE = re.compile(r"""\s(href|src|action|formaction)\s*=\s*("[^"]*"|'[^']*')""",
                             re.IGNORECASE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def is_live_url(value: str) -> bool:
    """An absolute http(s)/mailto URL, or a relative one (no scheme)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value))
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in LIVE_SCHEMES


def live_links_only(page: str) -> str:
    """The page with every link attribute whose scheme is not allowed removed."""

    def keep_or_drop(match: re.Match[str]) -> str:
        return match.group(0) if is_live_url(match.group(2)[1:-1]) else ""

    return _LINK_ATTRIBUTE.sub(keep_or_drop, page)


def written_before(folder: Path, legacy_marker: str) -> list[str] | None:
    """The files an earlier build wrote into `folder` (relative paths); None if no build did."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            return [str(name) for name in files if _inside(folder, name)]
        except (ValueError, KeyError, TypeError, OSError):
            return []
    if (folder / legacy_marker).is_file():  # a build before manifests: its own files only
        return []
    return None


def _inside(folder: Path, name: str) -> bool:
    target = (folder / name).resolve()
    return target.is_relative_to(folder.resolve()) and ".git" not in Path(name).parts


def install(staging: Path, folder: Path, previous: list[str]) -> list[str]:
    """Move every file of `staging` into `folder` (one rename each), remove the files of
    `previous` that this build does not write, write the manifest; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
    for name in written:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(f"{target} is a folder of yours where the site writes a file")
        os.replace(staging / name, target)
    for name in set(previous) - set(written) - {MANIFEST}:
        stale = folder / name
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            _remove_empty_parents(stale.parent, folder)
    manifest = folder / f".{MANIFEST}.tmp"
    manifest.write_text(json.dumps({"files": written}, indent=1) + "\n", encoding="utf-8")
    os.replace(manifest, folder / MANIFEST)
    return written


def _remove_empty_parents(path: Path, stop: Path) -> None:
    while path != stop and path.is_relative_to(stop):
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent
