"""The site's pages: its content (`publishing.sitecontent`) rendered to HTML through
the Jinja2 templates - the home page, the evidence map and its answer pages, case studies,
principles, references, ontology, queries, search, and the page of each resource served at
its IRI's path."""

from __future__ import annotations

from pathlib import Path

from coprod_kg import __version__
from coprod_kg.namespaces import compact_iri
from coprod_kg.publishing.gapmap import LEVEL_FILLS, STATUSES, design_icon, level_labels
from coprod_kg.publishing.keymessages import domain_messages
from coprod_kg.publishing.resources import (
    Resource,
    TripleVoices,
    later_source_citation,
    rows_of,
    sections_of,
)
from coprod_kg.publishing.sitecontent import SiteContent
from coprod_kg.publishing.sitedata import case_name, duration_text, number_text, slug_of

TEMPLATES = Path(__file__).resolve().parent / "templates"


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
    script = "\n".join((TEMPLATES / "assets" / name).read_text(encoding="utf-8")
                       for name in ("facets.js", "gapmap.js")) if standalone else ""
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


def resource_renderer(content: SiteContent, graph):
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
