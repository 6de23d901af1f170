"""SSSOM files checked by the reference validator, sssom-py (slow to import: tests only)."""

from __future__ import annotations

from pathlib import Path

from coprod_kg.errors import SourceParseError


def validate_with_sssom_py(path: Path) -> None:
    """Run sssom-py's own parser and JSON-schema validator on a file (slow: ~1.5 s import).

    Raises SourceParseError with the file name and sssom-py's first message."""
    import logging

    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    logging.getLogger("sssom").setLevel(logging.ERROR)
    try:
        mapping_set = parse_sssom_table(str(path))
        validate(mapping_set)
    except Exception as error:  # sssom-py raises many kinds of error
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SourceParseError(f"{path}: sssom-py: {message}") from None
