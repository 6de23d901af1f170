"""Short content hashes for cache keys and answer files (graph.cache, graph.precomputed)."""

from __future__ import annotations

from collections.abc import Iterable

try:  # blake2b without hashlib, whose OpenSSL binding costs a warm command ~2 ms to load
    from _blake2 import blake2b as hasher
except ImportError:  # an interpreter built without it
    from hashlib import blake2b as hasher


def digest(parts: Iterable[str]) -> str:
    """A hash of the strings in order (each one ended by a NUL), 32 hex digits."""
    hashed = hasher()
    for part in parts:
        hashed.update(part.encode("utf-8", "surrogateescape"))
        hashed.update(b"\0")
    return hashed.hexdigest()[:32]
