"""The `#+` header of a stored query: read without PyYAML when it keeps to the plain part of
YAML (queries.header), and then exactly as PyYAML reads it."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coprod_kg.errors import InputError
from coprod_kg.graph.safe_yaml import safe_loader
from coprod_kg.queries.catalogue import query_files
from coprod_kg.queries.header import header_lines, parse_header, plain_header


def by_pyyaml(lines: list[str]):
    return yaml.load("\n".join(lines), Loader=safe_loader())  # noqa: S506


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_every_bundled_header_is_read_without_pyyaml_as_pyyaml_reads_it(path):
    lines = header_lines(path.read_text(encoding="utf-8"))
    assert lines
    assert plain_header(lines) is not None  # the fast path serves the bundled queries
    assert plain_header(lines) == by_pyyaml(lines)


# pieces of headers, plain and not: words YAML reads as booleans, numbers of every kind,
# quotes, comments, indicators, odd spacing, control and non-Latin characters
WORDS = ["outcomes", "Gap map", "https://w3id.org/coprod-kg/id/x", "yes", "No", "on", "OFF",
         "null", "~", "25", "025", "0", "1.5", "1e3", "0x1F", "1_000", "2019-05-01", "12:30",
         '"quoted"', '"a # b: c"', "'single'", '"esc\\n"', "a # comment", "a: b", "a:b",
         "trailing:", "[list]", "{map}", "-dash", "?q", "&anchor", "*alias", "!tag", "|",
         ">", ">-", "%x", "@x", "`x`", "a\tb", "é ünïcode", "x\u2028y", "x\x85y", "", " ",
         "text ", "CQ 4. Outcomes, largest first", "-p caseStudy=cs:oxleas-ebcd."]
KEYS = ["summary", "description", "tags", "defaults", "on", "y", "_x", "minPercent"]


@st.composite
def headers(draw) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(KEYS))
        form = draw(st.sampled_from(["scalar", "folded", "list", "pairs", "raw"]))
        indent = " " * draw(st.sampled_from([2, 2, 3, 0]))
        if form == "scalar":
            lines.append(f"{key}: {draw(st.sampled_from(WORDS))}")
        elif form == "folded":
            lines.append(f"{key}: >")
            lines += [indent + draw(st.sampled_from(WORDS))
                      for _ in range(draw(st.integers(1, 3)))]
        elif form == "list":
            lines.append(f"{key}:")
            lines += [f"{indent}- {draw(st.sampled_from(WORDS))}"
                      for _ in range(draw(st.integers(1, 3)))]
        elif form == "pairs":
            lines.append(f"{key}:")
            lines += [f"{indent}- {draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(WORDS))}"
                      for _ in range(draw(st.integers(1, 3)))]
        else:
            lines.append(draw(st.sampled_from(WORDS)))
    return lines


@settings(max_examples=400)
@given(headers())
def test_the_plain_reader_answers_as_pyyaml_or_leaves_it_to_pyyaml(lines):
    fast = plain_header(lines)
    if fast is None:
        return
    assert fast == by_pyyaml(lines)


def test_a_header_beyond_the_plain_part_is_read_by_pyyaml():
    text = "#+ summary: 'single quotes'\n#+ defaults:\n#+   - ratio: 0.5\nSELECT * {}\n"
    assert plain_header(header_lines(text)) is None
    assert parse_header(text) == {"summary": "single quotes", "defaults": [{"ratio": 0.5}]}
    with pytest.raises(InputError, match=r"q.rq:1:\d+: the #\+ header is not valid YAML"):
        parse_header("#+ summary: [unclosed\nSELECT * {}\n", "q.rq")
