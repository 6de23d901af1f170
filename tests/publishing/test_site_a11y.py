"""Every page of the built site on a phone and a laptop screen (issue 13, part 6).

- axe-core (the npm package pinned in tests/node/package.json, installed by `make test`),
  injected through Playwright, reports no WCAG 2.2 A/AA violation at 1280 and 375 px wide;
- no page is wider than a 375 px screen, nor a template page than 1280 px
  (`document.scrollingElement.scrollWidth`).

The site is built once and served on 127.0.0.1; one browser for the module. axe runs on
every page made from the site's own templates and, for the pages served at the graph's IRIs
(one template, hundreds of pages), on the largest page of each kind (folder). The width
check covers every page: the pages load side by side in 375 px frames of one tab.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixtures_browser import browser_fixture, build_site, new_context, server_fixture

AXE = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (1280, 375)
# Folders whose pages come from the site's own templates (every page is checked)
TEMPLATE_FOLDERS = {"", "case-studies", "evidence", "principles", "queries"}
# Pages in a state of their own: the search page with its results
STATES = ["search.html?q=admissions"]


@pytest.fixture(scope="module")
def web_root(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("a11y") / "site")


browser = browser_fixture()  # one Chromium for the module
server = server_fixture()  # web_root on 127.0.0.1


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make node-deps` (part of `make test`) installs it "
                    "with npm ci in tests/node", False)
    return AXE.read_text(encoding="utf-8")


def all_pages(site: Path) -> list[str]:
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def pages_for_axe(site: Path, width: int) -> list[str]:
    """Every page at 375 px, where a layout breaks first; at wider screens, every page made
    from the site's own templates (the pages at the graph's IRIs share one template, and their
    names, roles and colours do not change with the width). COPROD_KG_A11Y_ALL=1: every page
    at every width."""
    pages = [page for page in all_pages(site)]
    if os.environ.get("COPROD_KG_A11Y_ALL") == "1" or width == min(WIDTHS):
        return pages + STATES
    return [page for page in pages if page.rpartition("/")[0] in TEMPLATE_FOLDERS] + STATES


def axe_context(browser, axe_source: str, width: int):
    """A browser context at `width` px whose every page loads axe-core first."""
    context = new_context(browser, viewport={"width": width, "height": 800})
    context.add_init_script(script=axe_source)
    return context


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations on the open page, one line each."""
    violations = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                        resultTypes: ['violations']})
           .then(result => result.violations.map(v =>
             `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3)
               .map(n => n.target.join(' ')).join(', ')}`))""",
        WCAG_22_AA,
    )
    return list(violations)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_wcag_22_aa_violation(web_root, server, browser, axe_source, width):
    pages = pages_for_axe(web_root, width)
    assert len(pages) >= (50 if width == min(WIDTHS) else 15)
    context = axe_context(browser, axe_source, width)
    page = context.new_page()
    found: list[str] = []
    try:
        for path in pages:
            page.goto(f"{server}/{path}")
            found += [f"{path} at {width} px: {line}" for line in axe_violations(page)]
    finally:
        context.close()
    assert found == []


def test_axe_finds_no_violation_on_the_filtered_folded_map(server, browser, axe_source):
    """The gap map with its filters shown and set (recounted cells, zeros greyed) and a
    domain folded away."""
    context = axe_context(browser, axe_source, 1280)
    page = context.new_page()
    try:
        page.goto(f"{server}/gap-map.html")
        page.get_by_label("Claim status (our reading)").select_option("contradicted")
        page.get_by_label("Principle (strong or moderate)").select_option("asset-based")
        page.get_by_role("button", name="Categories of Hospital use").click()
        assert page.locator("tbody#domain-hospital-use tr.category-row").first.is_hidden()
        assert axe_violations(page) == []
    finally:
        context.close()


def test_axe_reports_a_violation_when_there_is_one(server, web_root, browser, axe_source):
    """The check above can fail: a page with an unlabelled field and grey-on-white text."""
    (web_root / "probe-a11y.htm").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>probe</title></head><body><main>'
        '<input type="text"><p style="color:#bbb">faint</p></main></body></html>',
        encoding="utf-8")
    context = axe_context(browser, axe_source, 1280)
    page = context.new_page()
    try:
        page.goto(f"{server}/probe-a11y.htm")
        rules = {line.split(" ", 1)[0] for line in axe_violations(page)}
    finally:
        context.close()
    assert rules == {"label", "color-contrast"}


WIDTH_OF_FRAMES = """async ([urls, width]) => {
  document.body.replaceChildren();
  const widths = {};
  for (let i = 0; i < urls.length; i += 12) {
    await Promise.all(urls.slice(i, i + 12).map(url => new Promise(done => {
      const frame = document.createElement('iframe');
      frame.style.cssText = `width: ${width}px; height: 600px; border: 0; display: block`;
      frame.onload = () => {
        widths[url] = frame.contentDocument.scrollingElement.scrollWidth;
        frame.remove();
        done();
      };
      frame.src = url;
      document.body.append(frame);
    })));
  }
  return widths;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(web_root, server, browser, width):
    """At 375 px every page; at 1280 px the template pages (the IRI pages' one template
    fits 375 px on every one of them)."""
    pages = all_pages(web_root) + STATES if width == 375 else pages_for_axe(web_root, width)
    assert len(pages) >= (300 if width == 375 else 25)
    context = new_context(browser, viewport={"width": width + 25, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{server}/index.html")
        widths = page.evaluate(WIDTH_OF_FRAMES, [[f"{server}/{p}" for p in pages], width])
        # the frames measure like a window of that width: a page at top level agrees
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{server}/references.html")
        top_level = page.evaluate("document.scrollingElement.scrollWidth")
    finally:
        context.close()
    assert len(widths) == len(pages)
    assert top_level == widths[f"{server}/references.html"] == width
    too_wide = {url.removeprefix(server + "/"): w for url, w in widths.items() if w > width}
    assert too_wide == {}
