"""queries.prefixes.scan steps over runs of name characters at once (issue 16): it finds
what the scan one character at a time finds, on every bundled query and on any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coprod_kg.graph.sources import queries_dir
from coprod_kg.queries import prefixes

TOKENS = ["PREFIX ", "prefix", "ex:", ":", "a", "Z9", "_", "-", ".", "?", "$", "#", "\n", " ",
          '"', "'", '"""', "<", ">", "<http://e/x#y>", "\\", "{", "}", "(", ")", ";", ",",
          "a#", 'a"', "a'", "a<", "a:", "_:"]  # a name character before a comment, string...


def one_character_at_a_time(text: str, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patched:
        patched.setattr(prefixes, "NAME_RUN", re.compile(r"(?!)"))  # never matches
        return prefixes.scan(text)


@pytest.mark.parametrize("path", sorted(queries_dir().glob("*.rq")), ids=lambda p: p.stem)
def test_the_bundled_queries_scan_alike(path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    assert prefixes.scan(text) == one_character_at_a_time(text, monkeypatch)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
@example("_:ex:a a#ex:b a<ex:c> a'ex:d' a\"ex:e\"")
def test_any_text_scans_alike(text):
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert prefixes.scan(text) == one_character_at_a_time(text, monkeypatch)
