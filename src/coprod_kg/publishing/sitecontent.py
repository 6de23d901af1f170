"""The site's content: the stored `site-*` queries run over the graph and their rows
arranged for the templates (case studies with their outcomes, figures and later evidence,
principles with their alignments, references, ontology terms, the evidence map). Every
figure on a page comes from here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from coprod_kg.publishing.facets import (
    Facet,
    case_study_facets,
    map_facets,
    outcome_facets,
    reference_facets,
)
from coprod_kg.publishing.gapmap import (
    WEAK,
    GapMap,
    PrincipleRow,
    build_gap_map,
    principle_view,
)
from coprod_kg.publishing.sitedata import (
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
    map_facets: list[Facet] = field(default_factory=list)  # the map's filters
    map_cells: dict[str, str] = field(default_factory=dict)  # cell anchor -> entries (JSON)


# --------------------------------------------------------------------------
# Gathering the content
# --------------------------------------------------------------------------


def collect(store) -> SiteContent:
    """Run the site's stored queries and arrange their rows for the templates."""
    check_figures(store)
    principles = merge_rows(select(store, "site-principles"), "principle", multi=("note",))
    for principle in principles:
        principle["slug"] = slug_of(principle["principle"])
    gap_map = build_gap_map(store)
    grades = gap_map.grades
    case_studies = _case_studies(store, grades)
    alignments = select(store, "site-alignments")
    _attach_alignments(alignments, case_studies, principles)
    references = _references(store, case_studies)
    facets_of_map, map_cells = map_facets(case_studies, gap_map)
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
        map_facets=facets_of_map,
        map_cells=map_cells,
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
    figures = _by(merge_rows(select(store, "site-programme-figures"), "figure", multi=("note",)),
                  "caseStudy")
    points = _by(merge_rows(select(store, "site-learning-points"), "point", multi=("note",)),
                 "caseStudy")
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
