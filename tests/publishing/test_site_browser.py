"""The static site in a real browser (issue 7): Debian's headless Chromium driven by
Playwright, against the built site served by a local http.server on 127.0.0.1.

One browser for the whole module; each test opens its own page. Screenshots go to
test-artifacts/ at the top of the repository. Nothing beyond 127.0.0.1 is contacted: the
browser runs with background networking off and every request to another host is aborted.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from rdflib import Literal, URIRef

from coprod_kg.cli import cli
from fixtures_browser import Watched, browser_fixture, build_site, new_context, server_fixture

ID = "https://w3id.org/coprod-kg/id/"

# --------------------------------------------------------------------------
# The built sites, a local server, one browser
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web_root(tmp_path_factory) -> Path:
    """A folder served over HTTP: site/ (bundled data) and changed/ (a figure edited)."""
    root = tmp_path_factory.mktemp("web")
    build_site(root / "site")
    return root


browser = browser_fixture()  # one Chromium for the module
server = server_fixture()  # web_root on 127.0.0.1


@pytest.fixture(scope="module")
def artifacts(repo_root) -> Path:
    folder = repo_root / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture()
def watched(browser):
    context = new_context(browser)
    watcher = Watched(context.new_page())
    yield watcher
    context.close()
    assert watcher.errors == []


def case_studies_behind(graph, intervention: str, category: str) -> set[str]:
    """The labels of the case studies behind a cell, by a query of the test's own."""
    rows = graph.query(
        """
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?number ?label WHERE {
          ?cs cpo:usesIntervention ?i ; cpo:hasOutcome/cpo:outcomeCategory ?c ;
              cpo:caseNumber ?number ; rdfs:label ?label .
        }""",
        initBindings={"i": URIRef(ID + "intervention/" + intervention),
                      "c": URIRef(ID + "outcome-category/" + category)},
    )
    return {f"Case study {int(n)}: {label}" for n, label in rows}


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


def test_home_page(server, watched, artifacts, bundled_graph):
    page = watched.page
    page.goto(f"{server}/site/index.html")
    assert page.title() == "Home · coprod-kg"
    definition = page.locator("blockquote.definition").inner_text()
    assert definition.startswith("Co-production means delivering public services")
    assert page.locator("ol.principles > li").count() == 6
    counts = " ".join(page.locator("ul.counts").inner_text().split())
    assert counts.startswith("6 case studies")
    page.screenshot(path=str(artifacts / "site-home.png"), full_page=True)

    page.emulate_media(media="print")  # the print stylesheet drops the navigation
    assert page.locator("nav.site-nav").is_hidden()
    assert page.locator("blockquote.definition").is_visible()


def test_click_a_gap_map_cell_lists_its_case_studies(server, watched, artifacts,
                                                      bundled_graph):
    page = watched.page
    page.goto(f"{server}/site/index.html")
    page.get_by_role("link", name="See the evidence gap map").click()
    page.wait_for_url("**/gap-map.html")
    panel = page.locator("#cell-panel")
    assert panel.is_hidden()

    cell = page.locator('a.cell[href="#cell-popp-preventive-services--health-and-care-costs"]')
    expected = case_studies_behind(bundled_graph, "popp-preventive-services",
                                   "health-and-care-costs")
    assert len(expected) == 1
    assert cell.locator(".count").inner_text() == "1"
    cell.click()
    assert panel.is_visible()
    listed = set(panel.locator("ul.case-list li").all_inner_texts())
    assert listed == expected
    assert page.url.endswith("#cell-popp-preventive-services--health-and-care-costs")
    page.screenshot(path=str(artifacts / "site-gap-map-cell.png"))

    # Esc closes the panel and gives the focus back to the cell; a click opens it again
    panel.get_by_role("link").first.focus()
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.getAttribute('href')") == (
        "#cell-popp-preventive-services--health-and-care-costs")
    cell.click()
    assert panel.is_visible()

    # follow a link from the panel to a case-study page
    panel.get_by_role("link", name="Case study 2: Partnerships for Older People Projects (POPP)") \
        .click()
    page.wait_for_url("**/case-studies/popp.html")
    assert page.locator("h1").inner_text() == (
        "Case study 2: Partnerships for Older People Projects (POPP)")
    rows = bundled_graph.query(
        """
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?o ?label ?quote WHERE {
          <https://w3id.org/coprod-kg/id/case-study/popp> cpo:hasOutcome ?o .
          ?o rdfs:label ?label ; cpo:quote ?quote }""")
    assert len(rows) == 9  # reach is a programme figure; two sub-outcomes without a figure
    for outcome, label, quote in rows:
        article = page.locator(f"article#{str(outcome).rsplit('/', 1)[-1]}")
        assert article.locator("h3").inner_text() == str(label)
        assert article.locator("blockquote").inner_text() == f"“{quote}”"
    overnight = page.locator("article#popp-overnight-stays")
    assert overnight.locator(".figure-value").inner_text() == "47%"
    assert "Overnight hospital stays were reduced by 47 per cent." in overnight.inner_text()
    page.screenshot(path=str(artifacts / "site-case-study-popp.png"), full_page=True)


def test_the_commissioner_finds_age_uks_admissions_with_status_and_design(server, watched,
                                                                          artifacts):
    """'Which approaches reduced hospital admissions, and how strong is that evidence?': from
    the home page, one click to the hospital-use answer page, where Age UK's admissions
    figures carry their status (contradicted, qualified) and their design level."""
    page = watched.page
    page.goto(f"{server}/site/index.html")
    page.get_by_role("link", name="Hospital use: what the evidence says").click()
    page.wait_for_url("**/evidence/hospital-use.html")
    assert page.locator("h1").inner_text() == "Hospital use: what the evidence says"
    messages = page.locator("ul.key-messages li").all_inner_texts()
    assert any(m.startswith("Contradicted by later evidence (our reading): 26% reduction in "
                            "non-elective hospital admissions") for m in messages)
    age_uk = "age-uk-personalised-integrated-care"
    for outcome, figure, status in (
            ("age-uk-non-elective-admissions", "26%", "✗ Contradicted by later evidence"),
            ("age-uk-all-admissions", "31%", "≈ Qualified by later evidence")):
        card = page.locator(f"article#{outcome}--{outcome}")
        assert card.locator(".figure-value").inner_text() == figure
        assert card.locator(".badge.status").inner_text() == status
        assert card.locator(".badge.design").inner_text() == (
            "■■□□□ Design level G4: Descriptive or reported figure")
        assert card.get_by_role("link").first.get_attribute("href") == (
            f"../case-studies/{age_uk}.html#{outcome}")
    page.screenshot(path=str(artifacts / "site-evidence-hospital-use.png"), full_page=True)

    # the same figures from the map: home -> map -> the cell (two clicks)
    page.goto(f"{server}/site/index.html")
    page.get_by_role("link", name="See the evidence gap map").click()
    page.locator('a.cell[href="#cell-personalised-integrated-care--non-elective-admissions"]'
                 ).click()
    panel = page.locator("#cell-panel")
    text = " ".join(panel.inner_text().split())
    assert ("26% reduction in non-elective hospital admissions ▼ Decrease: + favours the "
            "intervention ✗ Contradicted by later evidence ■■□□□ Design level G4: "
            "Descriptive or reported figure") in text


def test_the_principle_filter_recounts_cells_and_totals(server, watched):
    """Only the case studies aligned with the principle (strong or moderate) count; a column
    of a case study not aligned with it drops to 0, totals follow."""
    page = watched.page
    page.goto(f"{server}/site/gap-map.html")
    cell = page.locator(
        'a.cell[href="#cell-personalised-integrated-care--non-elective-admissions"]')
    total = page.locator("table.gap-map tfoot td.total").last
    # 8 studies: the POPP case study and R3, the CORE protocol and its trial, are one each
    assert (cell.locator(".count").inner_text(), total.inner_text()) == ("2", "8")
    page.select_option("#gap-map-principle", "asset-based")
    assert page.locator("#filter-status").inner_text() == (
        "Counting only the case studies aligned with this principle: Accelerated EBCD "
        "(moderate), Age UK Personalised Integrated Care Programme (moderate), Local Area "
        "Coordination (LAC) (moderate), Oxleas EBCD (moderate), Partnerships for Older People "
        "Projects (POPP) (moderate).")
    assert cell.locator(".count").inner_text() == "2"
    complaints = page.locator('a.cell[href="#cell-experience-based-co-design--complaints"]')
    assert complaints.locator(".count").inner_text() == "2"
    core = page.locator('a.cell[href="#cell-core-co-design--psychosocial-recovery"]')
    assert core.locator(".count").inner_text() == "0"  # CORE is not aligned with it
    assert total.inner_text() == "7"  # not the CORE trial (protocol and results)
    page.select_option("#gap-map-principle", "")
    assert (complaints.locator(".count").inner_text(), total.inner_text()) == ("2", "8")


def map_counts(page) -> dict:
    """The map as shown: non-zero cells, the totals per column (by column id, and "all"),
    per domain, and the filters' status line."""
    cells = page.evaluate("""Object.fromEntries(Array.from(document.querySelectorAll('a.cell'))
        .map(a => [a.getAttribute('href').slice(6), a.querySelector('.count').textContent])
        .filter(pair => pair[1] !== '0'))""")
    columns = [*page.locator("table.gap-map thead th[id^=col-]").evaluate_all(
        "heads => heads.map(h => h.id.slice(4))"), "all"]
    totals = page.locator("table.gap-map tfoot td.total").all_inner_texts()
    domains = page.locator("tbody.domain").evaluate_all(
        "groups => groups.map(g => [g.id.slice(7), g.querySelector('.domain-total').textContent])")
    return {"cells": cells, "columns": {c: t for c, t in zip(columns, totals, strict=True)
                                        if t != "0"},
            "domains": {d: t for d, t in domains if t != "0 studies"},
            "status": page.locator("form.facet-filters .facet-status").inner_text()}


def test_the_map_filters_recount_cells_and_totals(server, watched, artifacts):
    """Claim status and design level, each with a principle: a cell counts the distinct
    studies among its entries that pass every filter; totals follow."""
    page = watched.page
    page.goto(f"{server}/site/gap-map.html")
    assert [page.locator(f"#gap-map-{name}").evaluate("s => s.labels[0].textContent")
            for name in ("domain", "intervention", "design", "status", "population",
                         "setting", "principle")] == [
        "Outcome domain", "Intervention", "Design level", "Claim status (our reading)",
        "Population", "Setting", "Principle (strong or moderate)"]
    assert map_counts(page)["status"] == "Counting 8 of 8 studies."

    page.get_by_label("Claim status (our reading)").select_option(
        label="Contradicted by later evidence")
    # Age UK's non-elective admissions (the case study and the later evaluation: 2 studies)
    # and CORE's expected recovery outcome (the protocol, contradicted by its trial)
    assert map_counts(page) == {
        "cells": {"personalised-integrated-care--non-elective-admissions": "2",
                  "core-co-design--psychosocial-recovery": "1"},
        "columns": {"personalised-integrated-care": "2", "core-co-design": "1", "all": "3"},
        "domains": {"hospital-use": "2 studies", "wellbeing-and-recovery": "1 study"},
        "status": "Counting 3 of 8 studies."}
    page.get_by_label("Principle (strong or moderate)").select_option("asset-based")
    assert map_counts(page) == {  # CORE is not aligned with it
        "cells": {"personalised-integrated-care--non-elective-admissions": "2"},
        "columns": {"personalised-integrated-care": "2", "all": "2"},
        "domains": {"hospital-use": "2 studies"},
        "status": "Counting 2 of 8 studies."}
    row = page.locator("#row-non-elective-admissions td.total")
    assert row.inner_text() == "2"

    page.get_by_role("button", name="Show all").click()
    page.wait_for_function("document.querySelector('table.gap-map tfoot td.total:last-child')"
                           ".textContent === '8'")
    page.get_by_label("Design level").select_option(label="G1 Randomised trial")
    assert map_counts(page)["cells"] == {"core-co-design--psychosocial-recovery": "1"}
    page.get_by_label("Design level").select_option(label="G4 Descriptive or reported figure")
    page.get_by_label("Principle (strong or moderate)").select_option("peer-support-networks")
    assert page.locator("#filter-status").inner_text() == (
        "Counting only the case studies aligned with this principle: Local Area Coordination "
        "(LAC) (moderate), Oxleas EBCD (moderate).")
    page.screenshot(path=str(artifacts / "site-gap-map-filtered.png"), full_page=True)
    assert map_counts(page) == {
        "cells": {"local-area-coordination--acute-interventions": "1",
                  "local-area-coordination--reliance-on-formal-services": "1",
                  "local-area-coordination--health-and-care-costs": "1",
                  "experience-based-co-design--complaints": "2",
                  "experience-based-co-design--patient-experience": "1",
                  "local-area-coordination--service-responsiveness": "1",
                  "local-area-coordination--user-satisfaction": "1",
                  "local-area-coordination--participation": "1",
                  "experience-based-co-design--staff-practice": "1"},
        "columns": {"experience-based-co-design": "2", "local-area-coordination": "1",
                    "all": "3"},
        "domains": {"hospital-use": "1 study", "costs-and-value": "1 study",
                    "experience": "3 studies", "wellbeing-and-recovery": "1 study",
                    "staff": "1 study"},
        "status": "Counting 3 of 8 studies."}


def test_a_domain_folds_away_by_keyboard(server, watched):
    """Each domain's button hides its category rows and keeps the domain's total row."""
    page = watched.page
    page.goto(f"{server}/site/gap-map.html")
    group = page.locator("tbody#domain-hospital-use")
    button = group.get_by_role("button", name="Categories of Hospital use")
    rows = group.locator("tr.category-row")
    assert button.get_attribute("aria-expanded") == "true"
    assert rows.count() > 0 and all(row.is_visible() for row in rows.all())
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "false"
    assert all(row.is_hidden() for row in rows.all())
    assert group.locator("tr.domain-row").is_visible()
    assert group.locator(".domain-total").inner_text() == "4 studies"
    assert page.locator("tbody#domain-experience tr.category-row").first.is_visible()
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    assert all(row.is_visible() for row in rows.all())


@pytest.mark.parametrize("width", [375, 1280])
def test_the_map_page_is_short_and_a_list_on_a_phone(browser, server, width):
    """The map page stays short at 1280 px; below 600 px the map is a list per domain whose
    links open the cell's entries (every page's width: test_site_a11y.py)."""
    context = new_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    try:
        page.goto(f"{server}/site/gap-map.html")
        assert page.locator("table.gap-map").is_visible() is (width > 600)
        assert page.locator(".map-list").is_visible() is (width <= 600)
        if width > 600:
            assert page.evaluate("document.documentElement.scrollHeight") < 6000
        else:
            page.locator(".map-list").get_by_role(
                "link", name="Non-elective hospital admissions × Personalised integrated care "
                "with a guided conversation").click()
            detail = page.locator("section#cell-personalised-integrated-care--non-elective-"
                                  "admissions")
            assert detail.is_visible()
            assert "Contradicted by later evidence" in detail.inner_text()
    finally:
        context.close()


def test_gap_map_cell_works_without_javascript(browser, server):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}/site/gap-map.html")
        page.locator('a.cell[href="#cell-experience-based-co-design--complaints"]').click()
        assert page.url.endswith("#cell-experience-based-co-design--complaints")
        section = page.locator("section#cell-experience-based-co-design--complaints")
        assert section.is_visible()  # the browser opens the <details> around the target
        assert section.locator("ul.case-list li").all_inner_texts() == [
            "Case study 1: Oxleas EBCD"]
        assert page.locator("#cell-panel").is_hidden()
        # the whole map shows: no filters, no fold buttons, every row
        assert page.locator("form.facet-filters").is_hidden()
        assert page.locator("button.domain-toggle").first.is_hidden()
        assert all(row.is_visible() for row in page.locator("tr.category-row").all())
        assert page.locator("table.gap-map tfoot td.total").last.inner_text() == "8"
    finally:
        context.close()


def test_site_opens_from_file_urls(browser, web_root):
    context = new_context(browser)
    page = Watched(context.new_page())
    try:
        page.page.goto((web_root / "site" / "gap-map.html").as_uri())
        page.page.locator('a.cell[href="#cell-experience-based-co-design--complaints"]').click()
        assert page.page.locator("#cell-panel").is_visible()
        page.page.locator("#cell-panel").get_by_role("link", name="Case study 1: Oxleas EBCD") \
            .click()
        assert page.page.locator("article#oxleas-complaints .figure-value").inner_text() == "80%"
        assert page.errors == []
    finally:
        context.close()


def search_from(page, text: str) -> list[tuple[str, str, str]]:
    """Type `text` into the search box of the open page and submit it; the results as
    (kind line, title, href), in the order shown."""
    page.get_by_role("search").get_by_label("Search").fill(text)
    page.get_by_role("search").get_by_role("button", name="Go").click()
    page.wait_for_url("**/search.html?q=*")
    page.locator("#search-status").filter(has_text="“").wait_for()
    results = page.locator("#search-results > li")
    return [(item.locator(".search-kind").inner_text(), item.locator("a").inner_text(),
             item.locator("a").get_attribute("href")) for item in results.all()]


def outcomes_mentioning(graph, word: str) -> set[str]:
    """The outcome pages (case study page#outcome) whose label or quote has a word that starts
    with `word`, by a query of the test's own."""
    rows = graph.query(
        """
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?cs ?o WHERE {
          ?cs cpo:hasOutcome ?o . ?o rdfs:label ?label . OPTIONAL { ?o cpo:quote ?quote }
          FILTER(REGEX(CONCAT(STR(?label), " ", COALESCE(STR(?quote), "")), ?pattern, "i"))
        }""",
        initBindings={"pattern": Literal(f"\\b{word}")},
    )
    return {f"case-studies/{str(cs).rsplit('/', 1)[1]}.html#{str(o).rsplit('/', 1)[1]}"
            for cs, o in rows}


def test_search_from_file_urls_finds_age_uks_admissions(browser, web_root, bundled_graph,
                                                         artifacts):
    """The index is built with the site and loaded as a script: search works from file://.
    "admissions" finds Age UK's two admissions outcomes (and no other outcome), the later
    evidence about them, the hospital-use answer page and the case study; the outcome that
    later evidence contradicts says so."""
    context = new_context(browser, viewport={"width": 375, "height": 800})
    watcher = Watched(context.new_page())
    page = watcher.page
    try:
        page.goto((web_root / "site" / "case-studies" / "popp.html").as_uri())
        results = search_from(page, "admissions")
        assert page.locator("#search-status").inner_text() == "5 results for “admissions”."
        age_uk = "Case study 4: Age UK Personalised Integrated Care Programme"
        assert set(results) == {
            (f"Outcome · {age_uk}", "31% reduction in all hospital admissions",
             "case-studies/age-uk-personalised-integrated-care.html#age-uk-all-admissions"),
            (f"Outcome · {age_uk}", "26% reduction in non-elective hospital admissions",
             "case-studies/age-uk-personalised-integrated-care.html"
             "#age-uk-non-elective-admissions"),
            (f"Later evidence · {age_uk}", "26% reduction in non-elective hospital admissions; "
             "31% reduction in all hospital admissions",
             "case-studies/age-uk-personalised-integrated-care.html#nuffield-trust-2019-admissions"),
            ("Outcome domain", "Hospital use: what the evidence says",
             "evidence/hospital-use.html"),
            ("Case study", age_uk, "case-studies/age-uk-personalised-integrated-care.html"),
        }
        assert {href for kind, _, href in results if kind.startswith("Outcome ·")} == (
            outcomes_mentioning(bundled_graph, "admission"))
        contradicted = page.locator(
            '#search-results > li:has(a[href$="#age-uk-non-elective-admissions"])')
        assert contradicted.locator(".search-note").inner_text() == (
            "Later evidence (our reading): contradicted")
        page.screenshot(path=str(artifacts / "site-search-admissions.png"), full_page=True)

        page.get_by_role("link", name="31% reduction in all hospital admissions",
                         exact=True).click()
        page.wait_for_url("**/age-uk-personalised-integrated-care.html#age-uk-all-admissions")
        assert page.locator("article#age-uk-all-admissions .figure-value").inner_text() == "31%"

        # a word of a quote, not of the outcome's label: POPP's A&E outcome
        assert "Emergency" not in "Use of A&E departments reduced by 29 per cent"
        results = search_from(page, "emergency departments")
        assert [(title, href) for kind, title, href in results if kind.startswith("Outcome ·")] \
            == [("Use of A&E departments reduced by 29 per cent",
                 "case-studies/popp.html#popp-ae-use")]
        assert outcomes_mentioning(bundled_graph, "emergency departments") == {
            "case-studies/popp.html#popp-ae-use"}
        assert search_from(page, "the") == []
        assert page.locator("#search-status").inner_text() == (
            "“the” has only common words, which the search skips.")
        assert search_from(page, "zzzz") == []
        assert page.locator("#search-status").inner_text() == "Nothing found for “zzzz”."
        assert search_from(page, "?!") == []
        assert page.locator("#search-status").inner_text() == (
            "Type a word to search for: “?!” has none.")
        # money figures: lunr.js trims "£" as the index was built (publishing/search.py)
        for text in ("£2,166", "2,166", "£1.20", "1.20"):
            hrefs = {href for kind, _, href in search_from(page, text)
                     if kind.startswith("Outcome ·")}
            assert hrefs, text
        assert {href for kind, _, href in search_from(page, "£2,166")
                if kind.startswith("Outcome ·")} == {"case-studies/popp.html#popp-cost-reduction"}
        assert "case-studies/popp.html#popp-value-for-money" in {
            href for _, _, href in search_from(page, "1.20")}
        # -word leaves out what matches it: admissions with costs and without split the lot
        admissions = set(search_from(page, "admissions"))
        with_costs = set(search_from(page, "+admissions +costs"))
        without_costs = set(search_from(page, "+admissions -costs"))
        assert with_costs and without_costs
        assert with_costs & without_costs == set()
        assert with_costs | without_costs == admissions
        assert watcher.errors == []
    finally:
        context.close()


def test_search_without_javascript_says_how_to_browse(browser, server):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}/site/search.html?q=admissions")
        note = page.locator("main .note")
        assert note.inner_text().startswith("Search runs in your browser and needs JavaScript.")
        assert note.get_by_role("link", name="case study").get_attribute("href") == (
            "case-studies/index.html")
    finally:
        context.close()


def visible_titles(page, list_id: str) -> list[str]:
    return [item.locator("h2").inner_text()
            for item in page.locator(f"#{list_id} > li").all() if item.is_visible()]


def test_filters_narrow_the_case_study_list(watched, server, artifacts):
    """Claim status "contradicted" keeps Age UK (its non-elective admissions) and CORE (its
    expected recovery outcome); adding the population "Carers" keeps CORE alone."""
    page = watched.page
    page.goto(f"{server}/site/case-studies/index.html")
    every = [f"Case study {n}: {name}" for n, name in (
        (1, "Oxleas EBCD"), (2, "Partnerships for Older People Projects (POPP)"),
        (3, "Local Area Coordination (LAC)"),
        (4, "Age UK Personalised Integrated Care Programme"), (5, "Accelerated EBCD"),
        (6, "CORE study protocol"))]
    assert visible_titles(page, "case-study-list") == every
    status = page.locator("form.facet-filters .facet-status")
    assert status.inner_text() == "Showing 6 of 6 case studies."
    assert page.get_by_label("Outcome domain").locator("option").all_inner_texts() == [
        "Any", "Costs and value", "Experience", "Hospital use", "Process", "Staff",
        "Wellbeing and recovery"]

    page.get_by_label("Claim status (our reading)").select_option(
        label="Contradicted by later evidence")
    assert visible_titles(page, "case-study-list") == [every[3], every[5]]
    assert status.inner_text() == "Showing 2 of 6 case studies."
    page.get_by_label("Population").select_option(label="Carers")
    assert visible_titles(page, "case-study-list") == [every[5]]
    page.screenshot(path=str(artifacts / "site-case-studies-filtered.png"), full_page=True)

    page.get_by_role("button", name="Show all").click()
    page.wait_for_function("document.querySelectorAll('#case-study-list > li[hidden]')"
                           ".length === 0")
    assert visible_titles(page, "case-study-list") == every
    page.get_by_label("Outcome domain").select_option(label="Hospital use")
    assert visible_titles(page, "case-study-list") == [every[1], every[2], every[3]]

    page.goto(f"{server}/site/references.html")
    page.get_by_label("Cited for the case study").select_option(label="Accelerated EBCD")
    visible = [item.inner_text() for item in page.locator("#reference-list > li").all()
               if item.is_visible()]
    assert [text[:40] for text in visible] == ["[R5] Locock L, Robert G, Boaz A, Vougiou",
                                               "Locock L et al. (2014). Testing accelera"]


def test_filters_narrow_the_outcome_list(watched, server):
    """Hospital use and later evidence that contradicts or qualifies: Age UK's two admissions
    figures and POPP's overnight stays, each with its badges."""
    page = watched.page
    page.goto(f"{server}/site/index.html")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Outcomes").click()
    page.wait_for_url("**/outcomes.html")
    titles = page.locator("#outcome-list > li h2")
    assert titles.count() == 31
    page.get_by_label("Outcome domain").select_option(label="Hospital use")
    page.get_by_label("Claim status (our reading)").select_option(
        label="Qualified by later evidence")
    shown = [item for item in page.locator("#outcome-list > li").all() if item.is_visible()]
    assert [item.locator("h2").inner_text() for item in shown] == [
        "Overnight hospital stays reduced by 47 per cent",
        "31% reduction in all hospital admissions"]
    assert " ".join(shown[1].locator(".badges").inner_text().split()) == (
        "▼ Decrease: + favours the intervention ≈ Qualified by later evidence "
        "■■□□□ Design level G4: Descriptive or reported figure")
    page.get_by_label("Claim status (our reading)").select_option(
        label="Contradicted by later evidence")
    assert [item.locator("h2").inner_text() for item in page.locator(
        "#outcome-list > li").all() if item.is_visible()] == [
        "26% reduction in non-elective hospital admissions"]
    assert page.locator("#outcome-list-filters ~ p .facet-status").inner_text() == (
        "Showing 1 of 31 outcomes.")


def test_without_javascript_the_lists_show_whole_and_no_filters(browser, server):
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        for path, list_id, count in (("case-studies/index.html", "case-study-list", 6),
                                     ("outcomes.html", "outcome-list", 31),
                                     ("references.html", "reference-list", 17)):
            page.goto(f"{server}/site/{path}")
            assert page.locator("form.facet-filters").is_hidden()
            items = page.locator(f"#{list_id} > li")
            assert items.count() == count
            assert all(item.is_visible() for item in items.all())
    finally:
        context.close()


def test_a_changed_figure_appears_on_the_rebuilt_site(server, web_root, watched, artifacts,
                                                       repo_root, runner):
    data = web_root / "changed-data"
    shutil.copytree(repo_root / "data", data)
    oxleas = data / "case-studies" / "01-oxleas-ebcd.ttl"
    text = oxleas.read_text(encoding="utf-8")
    assert text.count("qudt:numericValue 80.0 ;") == 1
    oxleas.write_text(text.replace("qudt:numericValue 80.0 ;", "qudt:numericValue 75.0 ;"),
                      encoding="utf-8")
    result = runner.invoke(cli, ["--source", str(data), "site", "-o", str(web_root / "changed")])
    assert result.exit_code == 0, result.output

    page = watched.page
    page.goto(f"{server}/changed/case-studies/oxleas-ebcd.html")
    assert page.locator("article#oxleas-complaints .figure-value").inner_text() == "75%"
    page.goto(f"{server}/site/case-studies/oxleas-ebcd.html")
    assert page.locator("article#oxleas-complaints .figure-value").inner_text() == "80%"


def test_the_watcher_sees_console_errors_and_missing_files(server, web_root, browser):
    """The no-error checks above can fail: a page with a script error and a missing image."""
    (web_root / "probe.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>probe</title></head><body>'
        '<img src="missing.png" alt="a file that is not there">'
        '<script>console.error("probe"); undefinedFunction();</script></body></html>',
        encoding="utf-8",
    )
    context = new_context(browser)
    page = Watched(context.new_page())
    try:
        page.page.goto(f"{server}/probe.html")
        page.page.wait_for_load_state("load")
    finally:
        context.close()
    assert "console error: probe" in page.errors
    assert any(e.startswith("page error:") and "undefinedFunction" in e for e in page.errors)
    assert f"HTTP 404: {server}/missing.png" in page.errors


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_page_loads_without_errors_and_every_link_resolves(server, browser):
    """Crawl the site from its home page: every same-site link answers 200, and every page
    loads in the browser with no console error and no failed request."""
    start = f"{server}/site/index.html"
    seen: set[str] = set()
    queue = [start]
    pages: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200, url
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            pytest.fail(f"{url}: HTTP {error.code}")
        if kind != "text/html":
            continue
        pages.append(url)
        parser = LinkParser()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urldefrag(urljoin(url, link))[0]
            if target.startswith(f"{server}/site/"):
                queue.append(target)
    assert len(pages) >= 20
    assert any(url.endswith("downloads/coprod-kg.ttl") for url in seen)

    context = new_context(browser)
    page = Watched(context.new_page())
    try:
        for url in sorted(pages):
            page.page.goto(url)
        assert page.errors == []
    finally:
        context.close()
