"""Text helpers: normalising quotes for comparison with the review's extracted text, and
making text from outside safe to print."""

from __future__ import annotations

import re

# Patterns as text: re compiles (and keeps) them when first used, which a warm query does
# not do (issue 16). A word broken at a hyphen across a line of the PDF extraction
# ("co-\n\ndesign"):
_HYPHEN_AT_LINE_BREAK = r"(?<=\w)-[ \t]*\n\s*(?=\w)"
_WHITE_SPACE = r"\s+"


def normalise_quote(text: str) -> str:
    """Join words hyphenated across line breaks and collapse white space to single spaces."""
    return re.sub(_WHITE_SPACE, " ", re.sub(_HYPHEN_AT_LINE_BREAK, "-", text)).strip()



_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def printable(text: str) -> str:
    """`text` safe for a terminal: control characters (escape sequences that retitle the
    window or move the cursor, bidirectional overrides) shown as `\\xNN` / `\\uNNNN`."""
    if text.isprintable():  # no character _CONTROL matches is printable (a test checks it)
        return text
    return re.sub(_CONTROL, lambda m: ascii(m.group(0))[1:-1], text)
