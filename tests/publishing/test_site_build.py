"""The static site (issue 7), checked as files: every page is there, every link inside the
site resolves (pages, files and #fragments), each case study shows every outcome's quote and
page, the figures come from the graph (none is typed into a template), the downloads hold
the graph, and the output folder is written safely.

The same site in a real browser: tests/publishing/test_site_browser.py.
"""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from coprod_kg.cli import cli
from coprod_kg.publishing.site import MARKER
from coprod_kg.publishing.sitepages import TEMPLATES

CPO = "https://w3id.org/coprod-kg/ontology#"


class PageParser(HTMLParser):
    """Collects hrefs/srcs, element ids, image alt texts and visible text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.duplicate_ids: list[str] = []
        self.images: list[dict] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            if attributes["id"] in self.ids:
                self.duplicate_ids.append(attributes["id"])
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])
        if tag == "img":
            self.images.append(attributes)
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def plain_text(self) -> str:
        return " ".join("".join(self.text).split())


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(cli, ["site", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(folder / "index.html")
    return folder


@pytest.fixture(scope="module")
def pages(site) -> dict[str, PageParser]:
    return {str(p.relative_to(site)): parse_page(p) for p in sorted(site.rglob("*.html"))}


def select(graph, text: str) -> list[tuple]:
    prefixes = """
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX bibo: <http://purl.org/ontology/bibo/>
    """
    return [tuple(row) for row in graph.query(prefixes + text)]


def slug(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_every_page_is_written(site, bundled_graph):
    case_studies = select(bundled_graph, "SELECT ?cs WHERE { ?cs a cpo:CaseStudy }")
    principles = select(bundled_graph, "SELECT ?p WHERE { ?p a cpo:Principle }")
    assert len(case_studies) == 6 and len(principles) == 6
    expected = {
        "index.html", "gap-map.html", "gap-map-table.html", "references.html", "ontology.html",
        "case-studies/index.html", "principles/index.html", "queries/index.html", "search.html",
        "outcomes.html",
        *(f"case-studies/{slug(cs)}.html" for (cs,) in case_studies),
        *(f"principles/{slug(p)}.html" for (p,) in principles),
        *(f"evidence/{domain}.html" for domain in (
            "hospital-use", "costs-and-value", "experience", "wellbeing-and-recovery",
            "staff", "process")),
    }
    written = {str(p.relative_to(site)) for p in site.rglob("*.html")}
    at_iri_paths = ("id/", "mappings/", "ontology/")  # resources at their IRI paths
    assert {p for p in written if not p.startswith(at_iri_paths)} == expected
    resources = select(bundled_graph, """SELECT DISTINCT ?r WHERE {
        ?r a ?kind . VALUES ?kind { cpo:CaseStudy cpo:QuantifiedOutcome cpo:QualitativeOutcome
            cpo:ExpectedOutcome cpo:Principle bibo:AcademicArticle bibo:Report bibo:Webpage
            cpo:LearningPoint cpo:LaterEvidence cpo:PrincipleAlignment }
        FILTER(STRSTARTS(STR(?r), "https://w3id.org/coprod-kg/id/")) }""")
    assert len(resources) > 80
    for (resource,) in resources:
        path = str(resource)[len("https://w3id.org/coprod-kg/"):]
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            assert (site / (path + suffix)).is_file(), path + suffix
    for name in ("ontology.ttl", "ontology/0.2.0.ttl", "ontology/0.1.0.ttl",
                 "ontology/living-evidence.ttl", "context.jsonld", ".htaccess"):
        assert (site / name).is_file(), name
    for name in ("assets/site.css", "assets/gapmap.js", "gap-map.svg", MARKER,
                 "downloads/coprod-kg.ttl", "downloads/coprod-kg.jsonld", "downloads/outcomes.csv",
                 "downloads/outcomes.xlsx"):
        assert (site / name).is_file(), name
    assert not [p for p in site.parent.iterdir() if p.name != "site"]  # no staging left


def broken_links(site: Path) -> tuple[list[str], int]:
    """Links inside the site whose file or #fragment is missing; and how many were checked."""
    pages = {str(p.relative_to(site)): parse_page(p) for p in sorted(site.rglob("*.html"))}
    broken, checked = [], 0
    for name, page in pages.items():
        for link in page.links:
            if re.match(r"^[a-z]+:", link) or link.startswith("//"):
                continue  # http(s):, mailto: ... lead outside the site
            target, fragment = urldefrag(link)
            path = ((site / name).parent / unquote(target) if target else site / name).resolve()
            checked += 1
            if site.resolve() not in path.parents or not path.is_file():
                broken.append(f"{name}: {link}")
            elif fragment and fragment not in pages[str(path.relative_to(site.resolve()))].ids:
                broken.append(f"{name}: {link} (no such id)")
    return broken, checked


def test_every_link_inside_the_site_resolves(site):
    broken, checked = broken_links(site)
    assert broken == []
    assert checked > 500


def test_a_partial_graph_still_gives_a_whole_site(runner, tmp_path, repo_root):
    """One case-study file alone: no review, principles or categories; still no broken link."""
    out = tmp_path / "partial"
    source = repo_root / "data" / "case-studies" / "01-oxleas-ebcd.ttl"
    result = runner.invoke(cli, ["--source", str(source), "site", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert broken_links(out)[0] == []
    assert "The graph holds no definition of co-production." in parse_page(
        out / "index.html").plain_text
    oxleas = parse_page(out / "case-studies" / "oxleas-ebcd.html").plain_text
    assert "The results were impressive, with complaints reduced by 80 per cent" in oxleas


def test_pages_are_semantic_html_with_alt_text(site):
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">"), path.name
        for landmark in ("<main", "<header", "<nav", "<footer", "<h1"):
            assert html.count(landmark) == 1, (path.name, landmark)
        assert parse_page(path).duplicate_ids == [], path.name
        for image in parse_page(path).images:
            assert len(image.get("alt", "")) > 20, (path.name, image)
    images = parse_page(site / "index.html").images
    assert [image["src"] for image in images] == ["gap-map.svg"]
    assert images[0]["alt"].startswith(
        "The evidence gap map: 27 outcome categories in 6 domains by 6 interventions")


def test_home_page_has_definition_principles_counts_and_downloads(site, pages, bundled_graph):
    text = pages["index.html"].plain_text
    ((definition, source_title),) = select(bundled_graph, """
        SELECT ?d ?t WHERE { ?c skos:definition ?d ; dcterms:source/dcterms:title ?t .
                             FILTER(STRENDS(STR(?c), "/co-production")) }""")
    assert str(definition) in text and f"from {source_title}, pg 5." in text
    principles = "SELECT ?d WHERE { ?p a cpo:Principle ; skos:definition ?d }"
    for (label,) in select(bundled_graph, principles):
        assert str(label) in text
    outcomes = """SELECT (COUNT(DISTINCT ?o) AS ?n) (COUNT(DISTINCT ?e) AS ?expected) WHERE {
        ?cs cpo:hasOutcome ?o . OPTIONAL { ?o a cpo:ExpectedOutcome . BIND(?o AS ?e) } }"""
    ((n, expected),) = select(bundled_graph, outcomes)
    assert int(expected) > 0  # CORE's protocol: counted apart, not as reported outcomes
    assert f"{int(n) - int(expected)} reported outcomes" in " ".join(text.split())
    assert f"{int(expected)} expected outcomes of a study protocol" in " ".join(text.split())
    assert "6 case studies" in text and "6 principles" in text
    assert "downloads/coprod-kg.ttl" in pages["index.html"].links


def test_downloads_hold_the_graph(site):
    from rdflib import Graph

    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    expected = len(open_store(Settings()).graph())
    turtle = Graph().parse(site / "downloads" / "coprod-kg.ttl", format="turtle")
    document = json.loads((site / "downloads" / "coprod-kg.jsonld").read_text(encoding="utf-8"))
    jsonld = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(turtle) == len(jsonld) == expected


def test_each_case_study_page_shows_every_outcome_with_quote_and_page(site, pages, bundled_graph):
    rows = select(bundled_graph, """
        SELECT ?cs ?o ?label ?quote ?page WHERE {
          ?cs cpo:hasOutcome ?o . ?o rdfs:label ?label ; cpo:quote ?quote ; cpo:page ?page }""")
    assert len(rows) >= 25
    for cs, outcome, label, quote, page in rows:
        page_html = pages[f"case-studies/{slug(cs)}.html"]
        assert slug(outcome) in page_html.ids
        text = page_html.plain_text
        assert str(label) in text
        assert f"“{' '.join(str(quote).split())}”" in text
        assert f"The review, page {int(page)}" in text


def test_case_study_pages_show_learning_points_principles_and_references(pages, bundled_graph):
    oxleas = pages["case-studies/oxleas-ebcd.html"].plain_text
    assert "80%" in oxleas and "14 months" in oxleas
    assert "Recruit patients from existing, well-established support groups" in oxleas
    for (rationale,) in select(bundled_graph, """
            SELECT ?r WHERE { ?al cpo:principleAlignmentOf ?cs ; cpo:rationale ?r .
                              FILTER(STRENDS(STR(?cs), "/oxleas-ebcd")) }"""):
        assert str(rationale) in oxleas
    core = pages["case-studies/core-study.html"]
    assert "https://doi.org/10.1136/bmjopen-2014-006688" in core.links
    assert "The review states no learning points" in pages["case-studies/popp.html"].plain_text


def test_later_evidence_is_shown_where_recorded(pages, bundled_graph):
    rows = select(bundled_graph, """
        SELECT ?cs ?finding WHERE {
          ?le a cpo:LaterEvidence ; cpo:finding ?finding .
          ?link cpo:linksLaterEvidence ?le .
          { ?link cpo:aboutClaim ?claim . ?cs cpo:hasOutcome|cpo:hasProgrammeFigure ?claim }
          UNION { ?link cpo:aboutClaim ?cs . ?cs a cpo:CaseStudy }
        }""")
    assert len(rows) >= 8
    for cs, finding in rows:
        assert " ".join(str(finding).split()) in pages[f"case-studies/{slug(cs)}.html"].plain_text


def test_later_evidence_names_every_claim_it_bears_on(site, bundled_graph):
    # the Nuffield Trust finding speaks to both Age UK admissions figures, not only the first
    import html

    rows = select(bundled_graph, """
        SELECT ?cs ?le ?claimLabel WHERE {
          ?le a cpo:LaterEvidence . ?link cpo:linksLaterEvidence ?le ; cpo:aboutClaim ?claim .
          ?cs cpo:hasOutcome|cpo:hasProgrammeFigure ?claim . ?claim rdfs:label ?claimLabel }""")
    assert len({(str(cs), str(le)) for cs, le, _ in rows}) < len(rows)  # one bears on two
    for cs, evidence, claim_label in rows:
        text = (site / "case-studies" / f"{slug(cs)}.html").read_text(encoding="utf-8")
        article = re.search(rf'<article[^>]* id="{re.escape(slug(evidence))}">(.*?)</article>',
                            text, re.S)
        assert article, slug(evidence)
        heading = re.search(r"<h3>(.*?)</h3>", article.group(1), re.S).group(1)
        assert str(claim_label) in html.unescape(re.sub(r"<[^>]+>", "", heading))


def test_references_page_lists_every_reference_with_doi_links(pages, bundled_graph):
    page = pages["references.html"]
    rows = select(bundled_graph, """
        SELECT DISTINCT ?r ?key ?title ?doi WHERE {
          { ?r cpo:citationKey ?anyKey } UNION { ?le a cpo:LaterEvidence ; dcterms:source ?r }
          ?r dcterms:title ?title .
          OPTIONAL { ?r cpo:citationKey ?key } OPTIONAL { ?r bibo:doi ?doi } }""")
    assert len(rows) >= 12
    for reference, key, title, doi in rows:
        assert f"ref-{slug(reference)}" in page.ids
        assert str(title) in page.plain_text
        if key:
            assert f"[{key}] " in page.plain_text
        if doi:
            assert f"https://doi.org/{doi}" in page.links
    keys = re.findall(r"\[(R\d+)\]", page.plain_text)
    assert keys == [f"R{n}" for n in range(1, len(keys) + 1)]  # in number order


def test_a_supplied_description_is_shown_as_ours_never_as_a_title(site, pages, bundled_graph):
    import html

    page = pages["references.html"]
    rows = select(bundled_graph, """
        SELECT ?r ?description WHERE { ?r cpo:suppliedDescription ?description }""")
    assert len(rows) == 3
    text = (site / "references.html").read_text(encoding="utf-8")
    for reference, description in rows:
        assert f"ref-{slug(reference)}" in page.ids
        entry = re.search(rf'id="ref-{re.escape(slug(reference))}">(.*?)</li>', text, re.S)
        assert entry, slug(reference)
        assert "<cite>" not in entry.group(1)
        shown = html.unescape(re.sub(r"<[^>]+>", " ", entry.group(1)))
        assert str(description) in " ".join(shown.split())
        assert "our description: the title is not recorded" in entry.group(1)


def test_case_study_pages_show_who_did_what_in_the_reviews_words(pages, bundled_graph):
    rows = select(bundled_graph, """
        SELECT ?cs ?quote WHERE {
          ?item cpo:caseStudy ?cs ; cpo:quote ?quote .
          { ?item a cpo:OrganisationRole } UNION { ?item a cpo:ApproachComponent }
          UNION { ?item a cpo:ReviewStatement } UNION { ?item a cpo:DatedEvent } }""")
    assert len(rows) == 33  # 25 components, 5 organisation roles, 2 statements, 1 event
    for cs, quote in rows:
        assert f"“{quote}”" in pages[f"case-studies/{slug(cs)}.html"].plain_text
    popp = pages["case-studies/popp.html"].plain_text
    assert "Department of Health" in popp and "Designated" in popp and "Set up" in popp
    oxleas = pages["case-studies/oxleas-ebcd.html"].plain_text
    assert "2012: Senior management and staff decided to make improvements to the ward" in oxleas


def test_principle_pages_list_their_case_studies(pages, bundled_graph):
    for principle, case_label in select(bundled_graph, """
            SELECT ?p ?label WHERE { ?al cpo:principleAlignmentOf ?cs ; cpo:principle ?p .
                                     ?cs rdfs:label ?label }"""):
        assert str(case_label) in pages[f"principles/{slug(principle)}.html"].plain_text


WEAK = "https://w3id.org/coprod-kg/id/alignment-strength/weak"
ALIGNMENTS = f"""
    SELECT ?p ?cs ?label ?weak WHERE {{
      ?al cpo:principleAlignmentOf ?cs ; cpo:principle ?p . ?cs rdfs:label ?label .
      BIND(EXISTS {{ ?al cpo:alignmentStrength <{WEAK}> }} AS ?weak) }}"""


def test_weak_links_are_listed_apart_and_not_counted(site, pages, bundled_graph):
    """By the rubric (docs/curation.md) a weak alignment is shown but is not evidence: on a
    principle page it is under its own heading, after the case studies that embody it."""
    rows = select(bundled_graph, ALIGNMENTS)
    assert any(weak for *_, weak in rows) and not all(weak for *_, weak in rows)
    for principle, _, label, weak in rows:
        html = (site / "principles" / f"{slug(principle)}.html").read_text(encoding="utf-8")
        embody = html.split("<h2>Case studies that embody it</h2>")[1].split("<h2>")[0]
        weak_part = html.split("<h2>Weak links (our reading; not counted as evidence)</h2>")
        assert (str(label) in embody) is not bool(weak), (principle, label)
        assert bool(weak) is (len(weak_part) == 2 and str(label) in weak_part[1].split("<h2>")[0]
                              ), label
    counted = sum(1 for *_, weak in rows if not weak)
    text = pages["index.html"].plain_text
    assert (f"{counted} links from case studies to principles counted as evidence" in text
            and f"{len(rows) - counted} weak links not counted" in text)
    index = " ".join(pages["case-studies/index.html"].plain_text.split())
    for study in {cs for _, cs, *_ in rows}:
        strong = sum(1 for _, cs, _, weak in rows if cs == study and not weak)
        weak = sum(1 for _, cs, _, w in rows if cs == study and w)
        noun = "principle" if strong == 1 else "principles"
        links = f" (and {weak} weak link{'' if weak == 1 else 's'}, not counted)" if weak else ""
        assert f"{strong} {noun}{links};" in index, study
    assert "1 principles" not in index


def test_case_study_index_counts_reported_and_expected_outcomes_apart(pages, bundled_graph):
    index = " ".join(pages["case-studies/index.html"].plain_text.split())
    rows = select(bundled_graph, """
        SELECT ?number (COUNT(DISTINCT ?o) AS ?n) (COUNT(DISTINCT ?e) AS ?expected) WHERE {
          ?cs cpo:caseNumber ?number ; cpo:hasOutcome ?o .
          OPTIONAL { ?o a cpo:ExpectedOutcome . BIND(?o AS ?e) } } GROUP BY ?number""")
    for number, n, expected in rows:
        part = index.split(f"Case study {number}:")[1].split("Case study ")[0]
        reported = int(n) - int(expected)
        if reported:
            assert f"{reported} reported outcome{'' if reported == 1 else 's'};" in part
        if int(expected):
            assert f"{int(expected)} expected outcomes (study protocol);" in part
            assert "reported outcome" not in part


def test_gap_map_page_works_without_javascript(pages):
    page = pages["gap-map.html"]
    anchors = [link[1:] for link in page.links if link.startswith("#cell-")]
    assert anchors and all(anchor in page.ids for anchor in anchors)
    assert "Oxleas EBCD" in page.plain_text
    table = pages["gap-map-table.html"].plain_text
    assert ("Experience Complaints Experience-based co-design (EBCD) 2 Case study 1: Oxleas "
            "EBCD: Complaints reduced by 80 per cent over 14 months (qualified; G4 descriptive "
            "or reported figure) Earlier publication, not cited by the review, Springham N, "
            "Robert G 2015: Formal complaints on the ward eradicated for 23 months after EBCD "
            "(qualified; G4 descriptive or reported figure)") in " ".join(table.split())


def test_ontology_page_documents_every_term(pages, bundled_graph):
    text = pages["ontology.html"].plain_text
    for (name, label) in select(bundled_graph, """
            SELECT ?t ?l WHERE { ?t rdfs:label ?l . FILTER(STRSTARTS(STR(?t), STR(cpo:))) }"""):
        assert f"cpo:{str(name).rsplit('#', 1)[-1]}: {label}" in text


def test_stored_queries_are_listed_and_copied(site, pages, repo_root):
    names = sorted(p.name for p in (repo_root / "queries").glob("*.rq"))
    assert sorted(p.name for p in (site / "queries").glob("*.rq")) == names
    for name in names:
        assert f"../queries/{name}" in pages["queries/index.html"].links


def test_no_figure_is_typed_into_a_template():
    """Digits in a template's visible text would be figures not taken from the graph."""
    for template in sorted(TEMPLATES.glob("*.html")):
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", template.read_text(), flags=re.S)
        text = re.sub(r"<style>.*?</style>|<script>.*?</script>|<[^>]+>", " ", text, flags=re.S)
        found = re.search(r".{0,30}\d.{0,30}", text)
        assert found is None, f"{template.name}: a figure in the template: {found.group(0)!r}"


def test_print_stylesheet_exists():
    css = (TEMPLATES / "assets" / "site.css").read_text(encoding="utf-8")
    assert "@media print" in css


def test_rebuilding_replaces_an_earlier_site_and_keeps_other_files(site, runner):
    # only the files a build wrote are replaced (issue 12, I1): the user's stay
    (site / "index.html").write_text("old", encoding="utf-8")
    (site / "stale.html").write_text("mine", encoding="utf-8")
    result = runner.invoke(cli, ["site", "-o", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "stale.html").read_text(encoding="utf-8") == "mine"
    assert (site / "index.html").read_text(encoding="utf-8") != "old"


def test_refuses_a_folder_that_is_not_a_site(runner, tmp_path):
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(cli, ["site", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"coprod-kg: error: -o {tmp_path}: the folder is not empty and holds no earlier "
        "coprod-kg site; choose a new or empty folder\n")
    assert [p.name for p in tmp_path.iterdir()] == ["precious.txt"]


def test_an_output_folder_that_cannot_be_made_is_one_line(runner, tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    target = tmp_path / "a-file" / "site"
    result = runner.invoke(cli, ["site", "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"coprod-kg: error: -o {target}: cannot write: ")
    assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_malformed_source_leaves_no_site(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix cpo: <https://w3id.org/coprod-kg/ontology#> .\ncpo:x cpo:y\n",
                   encoding="utf-8")
    result = runner.invoke(cli, ["--source", str(bad), "site", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"coprod-kg: error: {bad}")
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl"]


def test_both_embedded_engines_render_the_same_pages(tmp_path, runner, site):
    out = tmp_path / "memory-site"
    # rdflib's engine takes seconds over the evidence map; a busy machine must not fail a test
    # of equal pages on the 30 s default
    result = runner.invoke(cli, ["--store", "memory", "--timeout", "600", "site", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for page in ["gap-map.html", "gap-map-table.html", "references.html",
                 *(f"case-studies/{p.name}" for p in (site / "case-studies").glob("*.html"))]:
        assert (out / page).read_text() == (site / page).read_text(), page


def test_a_site_from_a_sparql_server_matches_the_embedded_one(tmp_path_factory, runner, site):
    """The same pages from a real Oxigraph server on 127.0.0.1 reached with --endpoint."""
    from coprod_kg.graph.publish import publish_store
    from coprod_kg.graph.remote import sibling_endpoints
    from coprod_kg.graph.server import OxigraphServer
    from coprod_kg.graph.store import open_store
    from coprod_kg.settings import Settings

    out = tmp_path_factory.mktemp("remote") / "site"
    with OxigraphServer(tmp_path_factory.mktemp("remote-store")) as server:
        publish_store(open_store(Settings()), sibling_endpoints(server.query_url), graph=None,
                      timeout=30, credentials=None)
        result = runner.invoke(cli, ["--endpoint", server.query_url, "site", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for page in ["gap-map.html", *(f"case-studies/{p.name}" for p in
                                   (site / "case-studies").glob("*.html"))]:
        assert (out / page).read_text() == (site / page).read_text(), page


# --------------------------------------------------------------------------
# Our reading: curated content is labelled as ours, with its rationale, never in the
# review's typography (the blockquote of its quotes)
# --------------------------------------------------------------------------

def _plain(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _blockquotes(text: str) -> str:
    return " ".join(_plain(q) for q in re.findall(r"<blockquote.*?</blockquote>", text, re.S))


CURATED_ON_PAGES = [
    # what, the query that finds it (?cs ?text ?label), the label the page puts before it
    ("alignment", """SELECT ?cs ?text ?label WHERE {
         ?al cpo:principleAlignmentOf ?cs ; cpo:rationale ?text .
         OPTIONAL { ?al cpo:alignmentStrength/skos:prefLabel ?strength }
         BIND(IF(BOUND(?strength), CONCAT("Our reading (", LCASE(STR(?strength)), "):"),
                 "Our reading:") AS ?label) }"""),
    ("evidence link", """SELECT ?cs ?text ("Our reading:" AS ?label) WHERE {
         ?link cpo:aboutClaim ?claim ; cpo:rationale ?text .
         { ?cs cpo:hasOutcome|cpo:hasProgrammeFigure ?claim }
         UNION { ?claim a cpo:CaseStudy . BIND(?claim AS ?cs) } }"""),
    ("case study grade", """SELECT ?cs ?text ("Study design level (our reading)" AS ?label) WHERE {
         ?g cpo:gradedEntity ?cs ; cpo:rationale ?text . ?cs a cpo:CaseStudy }"""),
    ("outcome note", """SELECT ?cs ?text ("Our note:" AS ?label) WHERE {
         ?cs cpo:hasOutcome ?outcome . ?outcome cpo:ambiguityNote ?text }"""),
    ("case study note", """SELECT ?cs ?text ("Curator's notes (our reading)" AS ?label) WHERE {
         ?cs a cpo:CaseStudy ; cpo:ambiguityNote ?text }"""),
    ("learning point note", """SELECT ?cs ?text ("Our note:" AS ?label) WHERE {
         ?cs cpo:hasLearningPoint ?point . ?point cpo:ambiguityNote ?text }"""),
]


@pytest.mark.parametrize("what, query", CURATED_ON_PAGES, ids=[c[0] for c in CURATED_ON_PAGES])
def test_curated_content_is_labelled_our_reading(site, bundled_graph, what, query):
    rows = select(bundled_graph, query)
    assert rows, what
    for cs, text, label in rows:
        page = (site / "case-studies" / f"{slug(cs)}.html").read_text(encoding="utf-8")
        plain = _plain(page)
        rationale = " ".join(str(text).split())
        assert f"{label} " in plain and rationale in plain, (what, slug(cs), str(label))
        assert rationale not in _blockquotes(page), (what, rationale)
        before = plain[: plain.index(rationale)]
        assert str(label) in before[-400:], (what, rationale)


STATUS_ON_PAGES = [
    # case study, outcome anchor, the status row's text
    ("age-uk-personalised-integrated-care", "age-uk-non-elective-admissions", "Contradicted"),
    ("age-uk-personalised-integrated-care", "age-uk-all-admissions", "Qualified"),
    ("core-study", "core-psychosocial-recovery", "Contradicted"),
    ("oxleas-ebcd", "oxleas-complaints", "Qualified"),
    ("popp", "popp-value-for-money", "Qualified"),
    ("popp", "popp-overnight-stays", "Qualified"),
]


@pytest.mark.parametrize("case, outcome, status", STATUS_ON_PAGES)
def test_each_outcome_shows_its_status_as_our_reading(site, case, outcome, status):
    page = (site / "case-studies" / f"{case}.html").read_text(encoding="utf-8")
    article = re.search(rf'<article class="outcome" id="{outcome}">(.*?)</article>', page, re.S)
    assert article, outcome
    assert f"Later evidence (our reading) {status}" in _plain(article.group(1))


def test_a_programme_figure_shows_its_status_as_our_reading(site):
    """fig:popp-reach ("Over 260,000 people...") is supported by the national evaluation."""
    page = (site / "case-studies" / "popp.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="data">\s*<caption id="figures-caption".*?</table>', page,
                      re.S).group(0)
    assert "Later evidence (our reading)" in _plain(table.split("</thead>")[0])
    def last_cell(anchor: str) -> str:
        row = re.search(rf'<tr id="{anchor}">(.*?)</tr>', table, re.S).group(1)
        return re.findall(r"<td>(.*?)</td>", row, re.S)[-1]

    cell = last_cell("popp-reach")
    assert cell == ('<a href="#popp-evaluation-users">Supported</a>; the later evidence\'s '
                    "grade: Descriptive or reported figure")
    assert last_cell("popp-pilot-sites") == "No later evidence"


def test_the_source_of_a_figure_is_labelled_our_attribution(site):
    """The per-figure source is our attribution, not a citation the review makes for the
    figure (audit items 1 and 3)."""
    page = (site / "case-studies" / "popp.html").read_text(encoding="utf-8")
    article = re.search(r'<article class="outcome" id="popp-overnight-stays">(.*?)</article>',
                        page, re.S).group(1)
    assert ("Source (our attribution: the review cites its references for the whole case "
            "study) R3: ") in _plain(article)
    assert "Source cited" not in page


# an outcome's note (our curation) wherever the outcome is shown: its case-study page, the
# outcome list, its domain's answer page, the gap map's cell list and its table
NOTE_PAGES = ["case-studies/age-uk-personalised-integrated-care.html", "outcomes.html",
              "evidence/costs-and-value.html", "gap-map.html", "gap-map-table.html"]


@pytest.mark.parametrize("path", NOTE_PAGES)
def test_an_outcomes_note_is_shown_wherever_the_outcome_is(site, path):
    plain = _plain((site / path).read_text(encoding="utf-8"))
    assert f"Our note: {SOCIAL_CARE_NOTE}" in plain
    label = "8% reduction in social care costs"
    assert plain.index(label) < plain.index(f"Our note: {SOCIAL_CARE_NOTE}")


@pytest.mark.parametrize("path", ["index.html", "principles/index.html",
                                  "principles/asset-based.html"])
def test_the_note_on_the_list_of_principles_is_shown_with_them(site, path):
    plain = _plain((site / path).read_text(encoding="utf-8"))
    note = ("Our note: The review cites coproductionnetwork.com for the six elements; elsewhere "
            "they are attributed to Nesta (2012).")
    assert plain.count(note) == 1


def test_a_programme_figures_note_is_in_its_row(site):
    page = (site / "case-studies" / "local-area-coordination.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="lac-caseload">(.*?)</tr>', page, re.S).group(1)
    assert ("Our note: The bullet follows 'Local Area Coordinators act as single points of "
            "contact in a defined local area.'") in _plain(row)


def test_the_gap_map_shows_the_contradicted_outcome(pages):
    text = " ".join(pages["gap-map.html"].plain_text.split())
    assert ("Case study 4, Age UK Personalised Integrated Care Programme: 26% reduction in "
            "non-elective hospital admissions ▼ Decrease: + favours the intervention ✗ "
            "Contradicted by later evidence") in text
    assert "2 studies ✗1 contradicted G4" in text
    table = " ".join(pages["gap-map-table.html"].plain_text.split())
    assert ("Age UK Personalised Integrated Care Programme: 26% reduction in non-elective "
            "hospital admissions (contradicted; G4 descriptive or reported figure)") in table


def test_cores_status_names_its_later_result(site):
    """CORE is a protocol in the review; its result, reported later, is named beside it on
    its page and in the case-study index (the status is our reading)."""
    status = "Protocol in the review; result reported later (Palmer VJ et al. 2021)"
    page = _plain((site / "case-studies" / "core-study.html").read_text(encoding="utf-8"))
    assert f"Evidence status (our reading) {status}" in page
    index = _plain((site / "case-studies" / "index.html").read_text(encoding="utf-8"))
    assert f"evidence status (our reading): {status}" in index


AGE_UK = "Case study 4: Age UK Personalised Integrated Care Programme"
PIC = "Personalised integrated care with a guided conversation"
NUFFIELD = ("Georghiou T, Keeble E 2019, Almost certainly no reduction in emergency admissions or "
            "costs, among 1,996 people in eight areas")
G4 = "G4 Descriptive or reported figure"
SOURCE = "R4 Personalised Integrated Care Programme"
SOCIAL_CARE_NOTE = (
    "The later evaluation (Georghiou and Keeble 2019, Nuffield Trust) found the programme had "
    "almost certainly not reduced 'emergency admissions or costs'; the reference file does not "
    "say whether these costs include social care, so we do not link it to this figure, which "
    "shows no later evidence.")
AGE_UK_ROWS = [
    (AGE_UK, PIC, "All hospital admissions", "Hospital use",
     "31% reduction in all hospital admissions", "31%", "PERCENT", "Decrease", "", G4,
     "qualified", f"Qualifies: {NUFFIELD}", "31% reduction in all hospital admissions", "8",
     SOURCE, ""),
    (AGE_UK, PIC, "Non-elective hospital admissions", "Hospital use",
     "26% reduction in non-elective hospital admissions", "26%", "PERCENT", "Decrease", "", G4,
     "contradicted", f"Contradicts: {NUFFIELD}",
     "26% reduction in non-elective hospital admissions", "8", SOURCE, ""),
    (AGE_UK, PIC, "Social care costs", "Costs and value", "8% reduction in social care costs",
     "8%", "PERCENT", "Decrease", "", G4, "no later evidence", "",
     "8% reduction in social care costs", "8", SOURCE, SOCIAL_CARE_NOTE),
    (AGE_UK, PIC, "Volunteering", "Wellbeing and recovery",
     "20% of people supported go on to become volunteers themselves", "20%", "PERCENT",
     "Not a change", "", G4, "no later evidence", "",
     "20% of people supported go on to become volunteers themselves", "8", SOURCE, ""),
    (AGE_UK, PIC, "Wellbeing", "Wellbeing and recovery", "20% average improvement in wellbeing",
     "20% on average", "PERCENT", "Increase", "", G4, "no later evidence", "",
     "20% average improvement in wellbeing", "8", SOURCE, ""),
]
HEADER = ("case study", "intervention", "category", "domain (our curation)", "outcome", "figure",
          "unit", "direction", "time frame", "design level (our curation)",
          "status (our curation)", "later evidence", "quote", "page",
          "attributed source (our curation)", "notes (our curation)")


def test_outcomes_csv_has_one_row_per_outcome(site, bundled_graph):
    import csv

    with (site / "downloads" / "outcomes.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    outcomes = select(bundled_graph, """SELECT DISTINCT ?o WHERE { ?cs cpo:hasOutcome ?o .
        ?o a ?k . FILTER(?k IN (cpo:QuantifiedOutcome, cpo:QualitativeOutcome,
                                cpo:ExpectedOutcome)) }""")
    assert len(rows) - 1 == len(outcomes) == 31
    assert [tuple(r) for r in rows[1:] if r[0] == AGE_UK] == AGE_UK_ROWS
    core = [r for r in rows[1:] if r[0].startswith("Case study 6:")]
    assert {(r[7], r[9]) for r in core} == {("Planned", "G5 No result yet")}
    assert sorted(r[10] for r in core) == ["contradicted", "planned", "planned"]


def test_outcomes_xlsx_holds_the_same_rows(site):
    import csv

    from openpyxl import load_workbook

    sheet = load_workbook(site / "downloads" / "outcomes.xlsx", read_only=True)["Outcomes"]
    rows = [tuple("" if v is None else str(v) for v in row) for row in sheet.iter_rows(
        values_only=True)]
    with (site / "downloads" / "outcomes.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert rows == [tuple(r) for r in csv.reader(handle)]
    assert [r for r in rows if r[0] == AGE_UK] == AGE_UK_ROWS


def test_outcomes_xlsx_says_whose_each_column_is(site):
    from openpyxl import load_workbook

    book = load_workbook(site / "downloads" / "outcomes.xlsx", read_only=True)
    assert book.sheetnames == ["Outcomes", "Notes"]
    notes = list(book["Notes"].iter_rows(values_only=True))
    assert notes[0] == ("column", "whose")
    assert [row[0] for row in notes[1:]] == list(HEADER)
    whose = dict(notes[1:])
    assert whose["domain (our curation)"] == (
        "Our curation: the outcome domain we group the category into "
        "(data/curation/map-groupings.ttl).")
    assert whose["status (our curation)"].startswith("Our curation: our reading of the later")
    assert whose["later evidence"] == ("The relation (supports, qualifies, contradicts) is our "
                                       "curation; the finding is the later publication's.")
    assert whose["quote"] == ("The review's: its words, figures and pages as the review "
                              "gives them.")


# Our curation marked wherever the site shows it (the domain grouping, the claim status, the
# design level; the evaluation layer of a figure on its resource page)
# --------------------------------------------------------------------------


def test_home_page_marks_the_domains_and_the_download_columns_as_ours(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    plain = _plain(page)
    assert ("What the evidence says, by outcome The outcome domains, our grouping of the "
            "review's outcome categories, are our curation (data/curation/map-groupings.ttl). "
            "Hospital use: what the evidence says") in plain
    assert ("page, attributed source and notes ( coprod-kg query outcomes-table ); the domain, "
            "design level, status, attributed source (the review cites its references for a "
            "whole case study, not for each figure) and notes are our curation , marked so in "
            "their column headers") in plain
    assert page.count('<span class="voice">our curation</span>') == 2


def test_gap_map_table_marks_our_curation_as_the_map_does(site):
    page = (site / "gap-map-table.html").read_text(encoding="utf-8")
    assert ("The grouping into outcome domains, the claim status and the design level are "
            "our curation (data/curation/); the entries' labels are the review's or the later "
            "publication's.") in _plain(page)
    assert '<th scope="col">Outcome domain <span class="voice">(our curation)</span></th>' in page
    assert ('<th scope="col">Entries: status and design level <span class="voice">(our '
            'curation)</span></th>') in page


def test_outcome_list_marks_our_curation(site):
    page = (site / "outcomes.html").read_text(encoding="utf-8")
    assert ("The outcome domain, whether a direction favours the intervention, the claim status "
            "and the design level are our curation ; the figures and the outcomes' labels are "
            "the review's.") in _plain(page)
    assert page.count('<span class="voice">our curation</span>') == 1


def _resource_sections(path: Path) -> dict[str, list[tuple[str, str]]]:
    """voice -> [(property, value text)] of a resource page's tables."""
    text = path.read_text(encoding="utf-8")
    return {voice: [(prop, _plain(value)) for prop, value in re.findall(
                r"<tr><td><code>(.*?)</code></td><td>(.*?)</td></tr>", body)]
            for voice, body in re.findall(
                r'<table class="resource voice-([\w-]+)">(.*?)</table>', text, re.S)}


def test_a_figure_s_evaluation_layer_is_our_curation_on_its_resource_page(site):
    page = site / "id" / "outcome" / "oxleas-complaints.html"
    sections = _resource_sections(page)
    assert list(sections) == ["review", "curation"]
    assert sections["curation"] == [
        ("cpo:comparator", "No comparison stated"), ("cpo:effectMeasureType", "Relative change"),
        ("cpo:notReported", "Confidence interval"), ("cpo:notReported", "Sample size"),
        ("dcterms:source", "Case study 1: running EBCD in a mental health inpatient service")]
    assert ("cpo:quote", "The results were impressive, with complaints reduced by 80 per cent "
            "over 14 months.") in sections["review"]
    text = page.read_text(encoding="utf-8")
    assert ("<caption>What the review says</caption>" in text
            and '<caption><span class="voice">Our curation (our reading, not the review&#39;s)'
                '</span></caption>' in text)
    later = _resource_sections(site / "id" / "later-evidence-figure"
                               / "palmer-2021-ras-r-difference.html")
    assert list(later) == ["later-evidence", "curation"]
    assert ("qudt:numericValue", "-1.7") in later["later-evidence"]
    assert [prop for prop, _ in later["curation"]] == [
        "cpo:comparator", "cpo:effectMeasureType", "cpo:instrument", "cpo:notReported",
        "cpo:notReported", "cpo:notReported"]


def test_every_outcome_page_puts_the_curated_predicates_under_our_curation(site):
    from coprod_kg.publishing.voices import CURATED_PREDICATES

    pages = sorted((site / "id" / "outcome").glob("*.html"))
    assert len(pages) == 31
    for page in pages:
        sections = _resource_sections(page)
        for voice, rows in sections.items():
            for prop, _ in rows:
                assert (voice == "curation") == (prop in CURATED_PREDICATES
                                                 or prop == "dcterms:source"), (page.name, prop)


def test_every_page_says_how_to_cite_it_and_when_it_was_built(site):
    built = [p for p in sorted(site.rglob("*.html"))
             if '<meta name="generator" content="coprod-kg' in p.read_text(encoding="utf-8")]
    assert len(built) > 100
    for path in built:
        footer = parse_page(path).plain_text.split("Cite this page:")
        assert len(footer) == 2, path
        assert re.search(r"coprod-kg \S+, built on \d{4}-\d{2}-\d{2}", footer[1]), path


@pytest.mark.parametrize(("page", "citation"), [
    ("id/later-evidence-figure/palmer-2021-ras-r-difference.html",
     "Palmer VJ et al. (2021). Results of the CORE trial, Health Expectations "
     "2021;24(6):1948-1961. doi:10.1111/hex.13334"),
    ("id/later-evidence/palmer-2021-core-recovery.html",
     "Palmer VJ et al. (2021). Results of the CORE trial, Health Expectations "
     "2021;24(6):1948-1961. doi:10.1111/hex.13334"),
    ("id/later-evidence/springham-robert-2015-complaints.html",
     "Springham N, Robert G (2015). Experience based co-design reduces formal complaints on "
     "an acute mental health ward. BMJ Quality Improvement Reports. "
     "doi:10.1136/bmjquality.u209153.w3970"),
])
def test_a_later_evidence_page_says_to_cite_the_later_publication(site, page, citation):
    footer = parse_page(site / page).plain_text.split("Cite this page:")[1]
    assert ("For this finding and its figures, cite the publication they come from, not the "
            f"review: {citation}.") in " ".join(footer.split())
    assert "cite the review" not in footer


@pytest.mark.parametrize(("case_study", "evidence", "voice"), [
    ("popp", "popp-evaluation-overnight-stays-hedge", "The evaluation the review cites:"),
    ("oxleas-ebcd", "springham-robert-2015-complaints",
     "A publication the review does not cite:"),
    ("core-study", "palmer-2021-core-recovery", "The later source:"),
])
def test_a_source_is_called_later_only_when_dated_after_the_review(site, case_study, evidence,
                                                                   voice):
    page = (site / "case-studies" / f"{case_study}.html").read_text(encoding="utf-8")
    article = re.search(rf'<article class="outcome later-evidence" id="{evidence}">(.*?)'
                        r'</article>', page, re.S)
    text = _plain(article.group(1))
    assert voice in text, text
    assert (voice == "The later source:") == ("The later source:" in text)


def test_a_review_figure_page_still_says_to_cite_the_review(site):
    footer = parse_page(site / "id/figure/popp-pilot-sites.html").plain_text
    assert "For a figure, cite the review (Charlotte Owen, 2016-12)" in " ".join(
        footer.split())


def test_each_outcome_card_carries_its_badges_at_the_top(site):
    page = (site / "case-studies" / "age-uk-personalised-integrated-care.html").read_text(
        encoding="utf-8")
    for outcome, status in (("age-uk-non-elective-admissions", "Contradicted by later evidence"),
                            ("age-uk-all-admissions", "Qualified by later evidence"),
                            ("age-uk-wellbeing", "No later evidence")):
        article = re.search(rf'<article class="outcome" id="{outcome}">\s*<h3>[^<]*</h3>\s*'
                            r'<ul class="badges">(.*?)</ul>', page, re.S)
        assert article, outcome
        badges = _plain(article.group(1))
        assert f"{status} ■■□□□ Design level G4: Descriptive or reported figure" in badges, \
            badges
    core = (site / "case-studies" / "core-study.html").read_text(encoding="utf-8")
    article = re.search(r'<article class="outcome" id="core-staff-attitudes">\s*<h3>[^<]*</h3>'
                        r'\s*<ul class="badges">(.*?)</ul>', core, re.S)
    assert _plain(article.group(1)).startswith(
        "◌ Planned (expected, no result in the review) ◌ Planned, no result yet")


def search_data(site: Path) -> dict:
    script = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    prefix, _, data = script.partition("window.COPROD_KG_SEARCH = ")
    assert prefix.startswith("//") and data.endswith(";\n")
    return json.loads(data[:-2])


def test_the_search_index_finds_outcomes_by_label_quote_and_category(site, bundled_graph):
    """The prebuilt index (lunr.js format, built by lunr.py): one document per case study,
    outcome, later finding, learning point, principle, outcome domain and reference; each
    links to a page of the site. Searched here with lunr.py itself."""
    from lunr.index import Index

    data = search_data(site)
    documents = data["documents"]
    kinds = {}
    for doc in documents:
        kinds[doc["kind"]] = kinds.get(doc["kind"], 0) + 1
        page, _, anchor = doc["url"].partition("#")
        assert (site / page).is_file(), doc["url"]
        if anchor:
            assert f'id="{anchor}"' in (site / page).read_text(encoding="utf-8"), doc["url"]
    counts = {name: len(list(bundled_graph.query(f"""
        PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
        SELECT DISTINCT ?x WHERE {{ {pattern} }}"""))) for name, pattern in {
        "Case study": "?x a cpo:CaseStudy", "Outcome": "?cs cpo:hasOutcome ?x",
        "Later evidence": "?x a cpo:LaterEvidence", "Principle": "?x a cpo:Principle",
        "Learning point": "?cs cpo:hasLearningPoint ?x"}.items()}
    assert {k: kinds[k] for k in counts} == counts
    assert counts["Outcome"] == 31 and kinds["Outcome domain"] == 6

    index = Index.load(data["index"])

    def found(text: str) -> set[str]:
        return {documents[int(hit["ref"])]["url"] for hit in index.search(text)
                if documents[int(hit["ref"])]["kind"] == "Outcome"}

    age_uk = "case-studies/age-uk-personalised-integrated-care.html"
    assert found("admissions") == {f"{age_uk}#age-uk-all-admissions",
                                   f"{age_uk}#age-uk-non-elective-admissions"}
    # "A&E" in the label, "Accident and Emergency" in the quote and the category definition
    assert found("A&E") == found("+accident +emergency") == {"case-studies/popp.html#popp-ae-use"}
    assert found("volunteers") == {f"{age_uk}#age-uk-volunteering"}


def test_lunr_js_is_the_npm_package_s_own_file(repo_root):
    """The site's lunr.min.js is lunr 2.3.9 from npm (MIT; its licence ships beside it)."""
    vendored = TEMPLATES / "assets" / "vendor"
    package = repo_root / "tests" / "node" / "node_modules" / "lunr"
    if not package.is_dir():
        pytest.skip("tests/node/node_modules is not installed (make node-deps installs it)")
    assert json.loads((package / "package.json").read_text())["version"] == "2.3.9"
    assert (vendored / "lunr.min.js").read_bytes() == (package / "lunr.min.js").read_bytes()
    assert (vendored / "lunr.LICENSE.txt").read_bytes() == (package / "LICENSE").read_bytes()


def test_without_lunr_the_build_says_what_is_missing_in_one_line(monkeypatch):
    from coprod_kg.errors import CoprodError
    from coprod_kg.publishing.search import build_index

    monkeypatch.setitem(sys.modules, "lunr", None)  # as if it were not installed
    with pytest.raises(CoprodError, match=r"^site: the search index needs the Python package "
                                          r"lunr, a dependency of coprod-kg"):
        build_index([])


CORE_AS_REPORTED = "-1.70, 95% CI -3.81 to 0.40"  # the reference file's own digits


def test_the_core_result_is_shown_with_its_reported_precision(site):
    """The decimals of the graph are -1.7 and 0.4 in canonical form; the pages show the
    figure as the source reports it (cpo:reportedAs)."""
    measure = "RAS-R adjusted difference between intervention and control"
    for page in ("evidence/wellbeing-and-recovery.html", "case-studies/core-study.html"):
        text = _plain((site / page).read_text(encoding="utf-8"))
        assert f"{measure}: {CORE_AS_REPORTED}" in text, page
        assert "-1.7 (95% CI" not in text, page
    figure_page = site / "id" / "later-evidence-figure" / "palmer-2021-ras-r-difference.html"
    assert CORE_AS_REPORTED in _plain(figure_page.read_text(encoding="utf-8"))


def test_an_outcome_card_shows_its_evaluation_layer(site):
    page = (site / "case-studies" / "age-uk-personalised-integrated-care.html").read_text(
        encoding="utf-8")
    card = re.search(r'<article class="outcome" id="age-uk-all-admissions">(.*?)</article>',
                     page, re.S)
    assert card
    text = _plain(card.group(1))
    for shown in ("Sample size 325", "Compared with (our reading) No comparison stated",
                  "Kind of figure (our reading) Relative change",
                  "Confidence interval not reported", "Time frame not reported",
                  "Certainty, GRADE (our reading) Very low"):
        assert shown in text, shown
    popp = _plain((site / "case-studies" / "popp.html").read_text(encoding="utf-8"))
    assert "Compared with (our reading) Before and after (group not stated)" in popp
