"""Text normalisation for comparing quotes with the review's extracted text."""

from __future__ import annotations

import re

# A word broken at a hyphen across a line of the PDF extraction ("co-\n\ndesign").
_HYPHEN_AT_LINE_BREAK = re.compile(r"(?<=\w)-[ \t]*\n\s*(?=\w)")
_WHITE_SPACE = re.compile(r"\s+")


def normalise_quote(text: str) -> str:
    """Join words hyphenated across line breaks and collapse white space to single spaces."""
    return _WHITE_SPACE.sub(" ", _HYPHEN_AT_LINE_BREAK.sub("-", text)).strip()

