"""`coprod-kg map -o map.html` writes one self-contained page: every link in it points into
the page itself or to an absolute address, never to a site page that is not beside it."""

from __future__ import annotations

import re

from coprod_kg.cli import cli


def test_the_standalone_map_links_to_no_missing_file(runner, tmp_path):
    target = tmp_path / "a.html"
    outcome = runner.invoke(cli, ["map", "-o", str(target)])
    assert outcome.exit_code == 0, outcome.output
    page = target.read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert links, "the page has no links at all"
    relative = [link for link in links
                if not link.startswith(("#", "https://", "http://", "mailto:", "data:"))]
    assert relative == []
    assert [path.name for path in tmp_path.iterdir()] == ["a.html"]
