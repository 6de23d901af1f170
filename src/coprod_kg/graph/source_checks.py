"""Checks on an input file before any parser reads it: nothing fetched, nothing exploded.

- Only regular files, up to MAX_SOURCE_BYTES (COPROD_KG_MAX_INPUT_BYTES): `/dev/zero` or
  a FIFO would be read until memory runs out.
- XML (RDF/XML): no entity declarations. Expanding them is how a 1 KB file becomes
  gigabytes (Oxigraph aborts, rdflib runs for minutes), and an external entity is a
  request to another host; RDF/XML needs neither.
- JSON-LD: every @context inline. A context given by reference (`"@context": "http://..."`,
  in a list, nested, or an `@import`) is fetched by the parsers; we never fetch one, and
  the error names it. `no_remote_contexts()` also refuses at rdflib's loader, in case a
  context reached it another way.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from coprod_kg.errors import SourceParseError

MAX_SOURCE_BYTES = 2 * 1024**3
XML_SUFFIXES = {".rdf", ".owl", ".xml"}
JSONLD_SUFFIXES = {".jsonld", ".json"}
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def max_source_bytes() -> int:
    raw = os.environ.get("COPROD_KG_MAX_INPUT_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else MAX_SOURCE_BYTES


def check_regular_file(path: Path, limit: int, what: str = "input") -> None:
    """A regular file of at most `limit` bytes (FileNotFoundError etc. pass through)."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        raise SourceParseError(f"{path}: not a regular file (a device or a pipe): refused as "
                               f"{what}")
    if info.st_size > limit:
        raise SourceParseError(f"{path}: {info.st_size:,} bytes, over the limit of {limit:,} "
                               f"bytes for {what}")


def check_source_is_regular(path: Path) -> None:
    check_regular_file(path, max_source_bytes(), "an RDF source (COPROD_KG_MAX_INPUT_BYTES)")


def check_source_file(path: Path) -> None:
    check_source_is_regular(path)
    if path.suffix in XML_SUFFIXES:
        _check_xml_prolog(path)
    elif path.suffix in JSONLD_SUFFIXES:
        _check_jsonld_contexts(path)


def _check_xml_prolog(path: Path) -> None:
    """No `<!ENTITY` anywhere (in well-formed XML it can only be a declaration, a comment
    or CDATA; the file is refused in all three cases rather than parsed twice)."""
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            if _ENTITY_DECLARATION.search(tail + chunk):
                raise SourceParseError(f"{path}: XML entity declarations (<!ENTITY>) are "
                                       "refused: they expand without bound or fetch files")
            tail = chunk[-8:]


def _check_jsonld_contexts(path: Path) -> None:
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, RecursionError):
        return  # not JSON: the parser says where
    for reference in _context_references(document, 0):
        raise SourceParseError(f"{path}: the JSON-LD @context {reference!r} is not inline: "
                               "remote contexts are never fetched (inline it in the file)")


def _context_references(node, depth: int) -> Iterator[str]:
    if depth > 200:
        raise SourceParseError("JSON-LD nested over 200 levels deep: refused")
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        yield item
            yield from _context_references(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _context_references(item, depth + 1)


@contextmanager
def no_remote_contexts() -> Iterator[None]:
    """rdflib's JSON-LD context loader replaced, for the parse, by one that refuses."""
    from rdflib.plugins.shared.jsonld import context as jsonld_context

    original = jsonld_context.source_to_json

    def refuse(source, *args, **kwargs):
        raise SourceParseError(f"the JSON-LD @context {str(source)!r} is not inline: "
                               "remote contexts are never fetched")

    jsonld_context.source_to_json = refuse
    try:
        yield
    finally:
        jsonld_context.source_to_json = original
