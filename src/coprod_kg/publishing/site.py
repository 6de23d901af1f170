"""The static site: the graph as browsable HTML, from stored `site-*` queries and Jinja2.

`build_site(store, folder)` writes a site that opens from file:// or any static host: a
home page, the evidence gap map (with a plain-table view), one page per case study and per
principle, the references, the ontology's documentation, the stored queries and the graph
as Turtle and JSON-LD. Every figure on a page comes from a query over the graph.

The site is built in a temporary folder beside the target and then moved into place, so a
failed build leaves the previous site untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coprod_kg import __version__
from coprod_kg.errors import InputError
from coprod_kg.graph import sources
from coprod_kg.namespaces import compact_iri
from coprod_kg.publishing.downloads import outcome_rows, write_csv, write_xlsx
from coprod_kg.publishing.facets import (
    Facet,
    case_study_facets,
    outcome_facets,
    reference_facets,
)
from coprod_kg.publishing.gapmap import (
    LEVEL_FILLS,
    STATUSES,
    GapMap,
    PrincipleRow,
    build_gap_map,
    design_icon,
    domain_messages,
    gap_map_svg,
    level_labels,
    principle_view,
)
from coprod_kg.publishing.resources import (
    Resource,
    TripleVoices,
    later_source_citation,
    rows_of,
    sections_of,
    write_resources,
)
from coprod_kg.publishing.search import search_documents, search_index_script
from coprod_kg.publishing.sitedata import (
    case_name,
    check_figures,
    duration_text,
    figure_text,
    merge_rows,
    number_text,
    select,
    select_one,
    slug_of,
    with_unit,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
MARKER = ".coprod-kg-site"  # a folder holding this file may be replaced by a new build
GRAPH_DOWNLOADS = {"turtle": "coprod-kg.ttl", "json-ld": "coprod-kg.jsonld"}


@dataclass
class SiteContent:
    """Everything the templates show, gathered by queries."""

    definition: dict[str, Any]
    counts: dict[str, Any]
    principles: list[dict]
    case_studies: list[dict]
    references: list[dict]
    further_resources: list[dict]
    ontology: dict[str, Any]
    ontology_terms: list[dict]
    gap_map: GapMap
    grade_scale: list[dict]
    grades: dict[str, dict]
    stored_queries: list[dict] = field(default_factory=list)
    principle_rows: list[PrincipleRow] = field(default_factory=list)
    alignments_by_principle: dict[str, dict[str, str]] = field(default_factory=dict)
    claim_labels: dict[str, str] = field(default_factory=dict)
    outcome_details: dict[str, dict] = field(default_factory=dict)  # outcome IRI -> row
    later_details: dict[str, dict] = field(default_factory=dict)  # later evidence IRI -> item
    case_study_facets: list[Facet] = field(default_factory=list)  # the filters of the lists
    reference_facets: list[Facet] = field(default_factory=list)
    outcome_facets: list[Facet] = field(default_factory=list)


@dataclass
class SiteReport:
    folder: Path
    pages: list[str]


# --------------------------------------------------------------------------
# Gathering the content
# --------------------------------------------------------------------------


def collect(store) -> SiteContent:
    """Run the site's stored queries and arrange their rows for the templates."""
    check_figures(store)
    principles = merge_rows(select(store, "site-principles"), "principle")
    for principle in principles:
        principle["slug"] = slug_of(principle["principle"])
    gap_map = build_gap_map(store)
    grades = gap_map.grades
    case_studies = _case_studies(store, grades)
    alignments = select(store, "site-alignments")
    _attach_alignments(alignments, case_studies, principles)
    references = _references(store, case_studies)
    return SiteContent(
        definition=select_one(store, "site-definition"),
        counts=select_one(store, "site-counts"),
        principles=principles,
        case_studies=case_studies,
        references=references,
        further_resources=merge_rows(select(store, "site-further-resources"), "resource"),
        ontology=select_one(store, "site-ontology-header"),
        ontology_terms=_ontology_terms(store),
        gap_map=gap_map,
        grade_scale=merge_rows(select(store, "site-evidence-grade-scale"), "grade"),
        grades=grades,
        stored_queries=_stored_queries(),
        principle_rows=principle_view(gap_map, principles, alignments),
        alignments_by_principle=_alignments_by_principle(alignments),
        claim_labels={o["outcome"]: o["label"] or slug_of(o["outcome"])
                      for study in case_studies for o in study["outcomes"]},
        outcome_details={o["outcome"]: o for study in case_studies for o in study["outcomes"]},
        later_details={item["evidence"]: item for study in case_studies
                       for item in study["later_evidence"]},
        case_study_facets=case_study_facets(case_studies, gap_map),
        reference_facets=reference_facets(references),
        outcome_facets=outcome_facets(case_studies, gap_map),
    )


def _alignments_by_principle(rows: list[dict]) -> dict[str, dict[str, str]]:
    """principle slug -> {case-study slug: strength label}, for the map's principle filter
    (strong and moderate alignments only: weak ones are not evidence)."""
    result: dict[str, dict[str, str]] = {}
    for row in rows:
        if str(row.get("strength") or "") != WEAK:
            strength = (row.get("strengthLabel") or "").lower()
            result.setdefault(slug_of(row["principle"]), {})[slug_of(row["caseStudy"])] = (
                f"{row['caseLabel']} ({strength})" if strength else row["caseLabel"])
    return result


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _case_studies(store, grades: dict[str, dict]) -> list[dict]:
    studies = merge_rows(select(store, "site-case-studies"), "caseStudy")
    facets = _by(select(store, "site-case-study-facets"), "caseStudy")
    outcomes = _by(merge_rows(select(store, "site-outcomes"), "outcome",
                              multi=("note", "populationLabel")), "caseStudy")
    figures = _by(merge_rows(select(store, "site-programme-figures"), "figure"), "caseStudy")
    points = _by(merge_rows(select(store, "site-learning-points"), "point"), "caseStudy")
    later = _by(select(store, "site-later-evidence"), "caseStudy")
    structure = _by(merge_rows(select(store, "site-review-structure"), "item", multi=("who",)),
                    "caseStudy")
    evaluation = {row["figure"]: row for row in select(store, "evaluation-layer")}
    for study in studies:
        iri = study["caseStudy"]
        study["slug"] = slug_of(iri)
        study["name"] = study["label"] or study["title"] or study["slug"]
        study["grade"] = grades.get(iri)
        study["facets"] = _facets(facets.get(iri, []))
        study["approach_lines"] = [
            line.strip() for line in (study["approach"] or "").splitlines() if line.strip()
        ]
        study["outcomes"] = [_with_figure(o, grades) for o in outcomes.get(iri, [])]
        for outcome in study["outcomes"]:  # the evaluation layer (queries/evaluation-layer.rq)
            outcome["evaluation"] = evaluation.get(outcome["outcome"])
        study["figures"] = [_with_figure(f, {}) for f in figures.get(iri, [])]
        study["learning_points"] = points.get(iri, [])
        study["later_evidence"] = _later_evidence(later.get(iri, []), grades)
        study["structure"] = _by(structure.get(iri, []), "kind")
    return studies


def _facets(rows: list[dict]) -> dict[str, list[dict]]:
    """role -> [{'item': IRI or None, 'label': text, 'slug': ...}], in a stable order."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        entry = {"item": row["item"], "label": row["label"],
                 "slug": slug_of(row["item"]) if row["item"] else None}
        if entry not in grouped[row["role"]]:
            grouped[row["role"]].append(entry)
    return dict(grouped)


def _with_figure(item: dict, grades: dict[str, dict]) -> dict:
    key = item.get("outcome") or item.get("figure")
    item["figure_text"] = figure_text(item)
    item["time_frame_text"] = duration_text(item.get("timeFrame"))
    item["grade"] = grades.get(key) or grades.get(item.get("caseStudy"))
    item["own_grade"] = key in grades
    item["anchor"] = slug_of(key)
    return item


def _later_evidence(rows: list[dict], grades: dict[str, dict]) -> list[dict]:
    """One entry per piece of later evidence, with the claims it bears on and its figures
    in lists (one finding may speak to several outcomes of a case study)."""
    items = merge_rows(rows, "evidence", multi=("claimLabel",))
    figures = _by([row for row in rows if row["figure"]], "evidence")
    links = _by(merge_rows(rows, "claim"), "evidence")  # our reading: one per claim
    for item in items:
        item["grade"] = grades.get(item["evidence"])
        item["links"] = sorted(links.get(item["evidence"], []), key=lambda r: str(r["claim"]))
        item["figures"] = []
        for row in merge_rows(figures.get(item["evidence"], []), "figure"):
            row["figure_text"] = _later_figure_text(row)
            item["figures"].append(row)
    return items


def _later_figure_text(row: dict) -> str:
    """The figure in words and numbers; as its source writes it where recorded
    (cpo:reportedAs keeps the reported precision: -1.70, not -1.7)."""
    if row.get("reportedAs"):
        return str(row["reportedAs"])
    text = figure_text(row)
    if row.get("ciLower") is not None and row.get("ciUpper") is not None:
        level = f"{number_text(row['confidenceLevel'])}% " if row.get("confidenceLevel") else ""
        text += (f" ({level}CI {with_unit(row['ciLower'], row.get('unit'))} to "
                 f"{with_unit(row['ciUpper'], row.get('unit'))})")
    return text


WEAK = "https://w3id.org/coprod-kg/id/alignment-strength/weak"


def _split_weak(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Strong and moderate (or ungraded) alignments, then the weak ones, which by the
    rubric (docs/curation.md) are shown but do not count as evidence."""
    weak = [row for row in rows if str(row.get("strength") or "") == WEAK]
    return [row for row in rows if str(row.get("strength") or "") != WEAK], weak


def _attach_alignments(rows: list[dict], case_studies: list[dict],
                       principles: list[dict]) -> None:
    by_study = _by(rows, "caseStudy")
    by_principle = _by(rows, "principle")
    slugs = {study["caseStudy"]: study["slug"] for study in case_studies}
    for study in case_studies:
        study["alignments"], study["weak_alignments"] = _split_weak(
            by_study.get(study["caseStudy"], []))
        for alignment in by_study.get(study["caseStudy"], []):
            alignment["principle_slug"] = slug_of(alignment["principle"])
    for principle in principles:
        principle["alignments"], principle["weak_alignments"] = _split_weak(
            by_principle.get(principle["principle"], []))
        for alignment in by_principle.get(principle["principle"], []):
            alignment["case_slug"] = slugs.get(alignment["caseStudy"], slug_of(
                alignment["caseStudy"]))


def _references(store, case_studies: list[dict]) -> list[dict]:
    references = merge_rows(select(store, "site-references"), "reference",
                            multi=("type", "creator", "note"))
    citations = _by(select(store, "site-reference-citations"), "reference")
    slugs = {study["caseStudy"]: study["slug"] for study in case_studies}
    for reference in references:
        reference["slug"] = slug_of(reference["reference"])
        reference["type_names"] = [slug_of(t) for t in reference["type"]]
        reference["cited_by"] = [
            {"name": row["caseLabel"] or slug_of(row["caseStudy"]),
             "slug": slugs.get(row["caseStudy"], slug_of(row["caseStudy"]))}
            for row in citations.get(reference["reference"], [])
        ]
    return sorted(references, key=_reference_order)


def _reference_order(reference: dict) -> tuple:
    """R1, R2 ... R12 in number order, then the references without a key by title."""
    key = reference["key"] or ""
    number = int(key[1:]) if key[:1] == "R" and key[1:].isdigit() else None
    return (not key, number is None, number or 0, key,
            reference["title"] or reference["suppliedDescription"] or "")


def _ontology_terms(store) -> list[dict]:
    terms = merge_rows(select(store, "site-ontology-terms"), "term",
                       multi=("kind", "parent", "domain", "range"))
    for term in terms:
        term["name"] = term["term"].rsplit("#", 1)[-1]
        term["kind_name"] = _kind_name(term["kind"])
    order = {"class": 0, "object property": 1, "datatype property": 2,
             "annotation property": 3, "datatype": 4}
    return sorted(terms, key=lambda t: (order.get(t["kind_name"], 3), t["name"].lower()))


def _kind_name(kinds: list[str]) -> str:
    names = {"Class": "class", "ObjectProperty": "object property",
             "DatatypeProperty": "datatype property", "AnnotationProperty": "annotation property",
             "Datatype": "datatype"}
    for kind in kinds:
        name = names.get(kind.rsplit("#", 1)[-1])
        if name:
            return name
    return "term"


def _stored_queries() -> list[dict]:
    """Name, summary and parameters of every stored query (from the catalogue)."""
    from coprod_kg.queries.catalogue import load_catalogue

    return [
        {"name": query.name, "summary": query.summary, "file": query.path.name,
         "parameters": [p.name for p in query.parameters]}
        for query in load_catalogue().values()
    ]


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number_text
    env.globals["case_name"] = case_name
    env.filters["duration"] = duration_text
    env.filters["slug"] = slug_of
    env.filters["curie"] = compact_iri
    env.globals["version"] = __version__
    env.globals["level_fills"] = LEVEL_FILLS
    env.globals["statuses"] = STATUSES
    env.globals["design_icon"] = design_icon
    env.globals["build_date"] = build_date()
    return env


def build_date() -> str:
    """The date of the build (UTC), or of SOURCE_DATE_EPOCH when it is set (reproducible
    builds)."""
    import os
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.date().isoformat()


def render_gap_map_page(content: SiteContent, *, standalone: bool) -> str:
    """The gap map as HTML: a page of the site, or a self-contained page (`map --format html`)."""
    env = environment()
    css = (TEMPLATES / "assets" / "site.css").read_text(encoding="utf-8") if standalone else ""
    script = (TEMPLATES / "assets" / "gapmap.js").read_text(encoding="utf-8") if standalone else ""
    return env.get_template("gap-map.html").render(
        **_common(content, root=""), standalone=standalone, inline_css=css, inline_js=script,
        level_labels=level_labels(content.gap_map.max_count),
    )


def _common(content: SiteContent, root: str) -> dict:
    import json

    return {"site": content, "root": root, "map": content.gap_map,
            "title_of_map": map_title(), "grade_of": content.gap_map.grade_of,
            "principle_rows": content.principle_rows, "claim_labels": content.claim_labels,
            "outcome_details": content.outcome_details, "later_details": content.later_details,
            "review_entries": {e.iri: e for e in content.gap_map.entries if not e.is_later},
            "alignments_json": json.dumps(content.alignments_by_principle, sort_keys=True
                                          ).replace("</", "<\\/")}


def map_title() -> str:
    return "Evidence gap map: studies by outcome and intervention"


def source_note(content: SiteContent) -> str:
    review = content.definition
    if not review.get("reviewTitle"):
        return "Data: coprod-kg"
    return (f"Data: coprod-kg, from {review.get('reviewCreator') or ''}, "
            f"\u201c{review['reviewTitle']}\u201d ({review.get('reviewDate') or 'n.d.'})")


def render_pages(content: SiteContent) -> dict[str, str]:
    """Relative path -> HTML text of every page of the site."""
    env = environment()
    labels = level_labels(content.gap_map.max_count)
    pages: dict[str, str] = {}

    def page(path: str, template: str, **extra) -> None:
        root = "../" * path.count("/")
        pages[path] = env.get_template(template).render(
            **_common(content, root), page_path=path, level_labels=labels, **extra
        )

    page("index.html", "index.html")
    page("gap-map.html", "gap-map.html", standalone=False, inline_css="")
    page("gap-map-table.html", "gap-map-table.html")
    for domain in content.gap_map.domains:
        page(f"evidence/{domain.slug}.html", "evidence-domain.html", domain=domain,
             messages=domain_messages(content.gap_map, domain))
    page("case-studies/index.html", "case-studies.html")
    page("outcomes.html", "outcomes.html")
    for study in content.case_studies:
        page(f"case-studies/{study['slug']}.html", "case-study.html", study=study)
    page("principles/index.html", "principles.html")
    for principle in content.principles:
        page(f"principles/{principle['slug']}.html", "principle.html", principle=principle)
    page("references.html", "references.html")
    page("ontology.html", "ontology.html")
    page("queries/index.html", "queries.html")
    page("search.html", "search.html")
    from coprod_kg.publishing.site_output import live_links_only

    return {path: live_links_only(text) for path, text in pages.items()}


def build_site(store, folder: Path) -> SiteReport:
    """Write the whole site into `folder` (created, or updated if it holds an earlier site:
    only the files a build wrote are replaced or removed; `.git` and the user's files stay)."""
    from coprod_kg.publishing.site_output import install, written_before

    folder = Path(folder)
    previous = _check_target(folder, written_before)
    parent = folder.resolve().parent
    try:  # before any work: a folder that cannot be written is said at once
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise InputError(f"-o {folder}: cannot write: {error.strerror}") from None
    try:
        content = collect(store)
        pages = render_pages(content)
        try:
            _write_site(staging, content, pages, store)
            install(staging, folder.resolve(), previous)
        except OSError as error:
            raise InputError(f"-o {folder}: cannot write: {error.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SiteReport(folder, sorted(pages))


def _check_target(folder: Path, written_before) -> list[str]:
    """The files an earlier build wrote into `folder` (none for a new or empty folder)."""
    if folder.exists() and not folder.is_dir():
        raise InputError(f"-o {folder}: exists and is not a folder")
    if not folder.is_dir() or not any(folder.iterdir()):
        return []
    previous = written_before(folder, MARKER)
    if previous is None:
        raise InputError(
            f"-o {folder}: the folder is not empty and holds no earlier coprod-kg site; "
            "choose a new or empty folder"
        )
    return previous


def _write_site(staging: Path, content: SiteContent, pages: dict[str, str], store) -> None:
    from coprod_kg.progress import track

    for path, text in track(list(pages.items()), "writing the site", unit="pages"):
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shutil.copytree(TEMPLATES / "assets", staging / "assets")
    (staging / "assets" / "search-index.js").write_text(
        search_index_script(search_documents(content)), encoding="utf-8")
    svg = gap_map_svg(content.gap_map, title=map_title(), source_note=source_note(content))
    (staging / "gap-map.svg").write_text(svg, encoding="utf-8")
    for query in content.stored_queries:
        shutil.copyfile(sources.queries_dir() / query["file"], staging / "queries" / query["file"])
    downloads = staging / "downloads"
    downloads.mkdir()
    graph = store.graph()
    for fmt, name in GRAPH_DOWNLOADS.items():
        (downloads / name).write_text(serialise_graph(graph, fmt), encoding="utf-8")
    rows = outcome_rows(store)
    write_csv(rows, downloads / "outcomes.csv")
    write_xlsx(rows, downloads / "outcomes.xlsx")
    write_resources(graph, staging, _resource_renderer(content, graph))
    (staging / MARKER).write_text(f"built by coprod-kg {__version__}\n", encoding="utf-8")
    for path in staging.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    staging.chmod(0o755)


def _resource_renderer(content: SiteContent, graph):
    """The HTML page of a resource served at its IRI's path (publishing.resources), its
    statements grouped by voice; a page of later evidence says to cite the later
    publication, not the review."""
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS, RDFS, SKOS

    env = environment()
    template = env.get_template("resource.html")
    voices = TripleVoices(graph)

    def render(resource: Resource, served: set[str]) -> str:
        root = "../" * resource.path.count("/")
        node = URIRef(resource.iri)
        title = next((resource.graph.value(node, p) for p in (RDFS.label, SKOS.prefLabel,
                      DCTERMS.title) if resource.graph.value(node, p) is not None), None)
        from coprod_kg.publishing.site_output import live_links_only

        return live_links_only(template.render(
            **_common(content, root), page_path=resource.path + ".html", resource=resource,
            sections=sections_of(rows_of(resource, root, served, voices)),
            heading=str(title or compact_iri(resource.iri)),
            name=resource.path.rsplit("/", 1)[-1],
            cite_source=later_source_citation(graph, resource.iri),
        ))

    return render


def serialise_graph(graph, fmt: str) -> str:
    """The graph as Turtle or JSON-LD through the export module (deterministic)."""
    from coprod_kg.graph.serialise import serialise

    return serialise(graph, fmt)
