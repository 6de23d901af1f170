"""Facet filters for the site's lists (issue 13, part 4).

Each item of a list carries its values as data attributes (`data-facet-NAME="v1 v2"`); a
form with one select per facet, hidden until assets/facets.js shows it, keeps the items
that match every chosen value. Without JavaScript the form stays hidden and the whole list
shows. The values come from the site's content (so from the stored queries): nothing here
reads the graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from coprod_kg.publishing.gapmap import STATUS_ORDER, STATUSES, GapMap
from coprod_kg.publishing.sitedata import slug_of

Values = dict[str, list[tuple[str, str]]]  # facet name -> [(value, label)]


@dataclass
class Facet:
    name: str  # data-facet-NAME on the items
    label: str  # the select's label
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)


def _add(values: Values, name: str, value: str, label: str) -> None:
    entry = (value, label)
    if entry not in values.setdefault(name, []):
        values[name].append(entry)


def _facets(items: list[Values], names: list[tuple[str, str]], order=None) -> list[Facet]:
    """One facet per (name, label) that some item has a value for; its options sorted by
    `order(name, option)` (default: the label)."""
    facets = []
    for name, label in names:
        options = {option for values in items for option in values.get(name, [])}
        if options:
            key = (lambda o, n=name: order(n, o)) if order else (lambda o: o[1].lower())
            facets.append(Facet(name, label, sorted(options, key=key)))
    return facets


CASE_STUDY_FACETS = [
    ("domain", "Outcome domain"), ("intervention", "Intervention"),
    ("design", "Design level"), ("status", "Claim status (our reading)"),
    ("population", "Population"), ("setting", "Setting"),
    ("principle", "Principle (strong or moderate)"),
]


def _entry_values(gap_map: GapMap) -> dict[str, Values]:
    """Entry IRI (an outcome or later finding) -> its domain, design level and claim status."""
    result: dict[str, Values] = {}
    for domain in gap_map.domains:
        for cell in gap_map.domain_cells(domain):
            for entry in cell.entries:
                values = result.setdefault(entry.iri, {})
                _add(values, "domain", domain.slug, domain.label)
                if entry.design_level is not None:
                    _add(values, "design", f"g{entry.design_level}",
                         f"G{entry.design_level} {entry.design_label or ''}".strip())
                _add(values, "status", slug_of(entry.status),
                     STATUSES.get(entry.status, ("", entry.status))[1].capitalize())
    return result


def _study_values(study: dict) -> Values:
    """A case study's interventions, populations, settings and principles (strong or
    moderate alignments)."""
    values: Values = {}
    for role in ("intervention", "population", "setting"):
        for item in study["facets"].get(role, []):
            _add(values, role, item["slug"] or slug_of(item["label"]), item["label"])
    for alignment in study.get("alignments", []):
        _add(values, "principle", alignment["principle_slug"], alignment["principleLabel"])
    return values


def _merge(target: Values, source: Values) -> None:
    for name, pairs in source.items():
        for value, label in pairs:
            _add(target, name, value, label)


def case_study_facets(case_studies: list[dict], gap_map: GapMap) -> list[Facet]:
    """Set `facet_values` on each case study (the domains, design levels and claim statuses
    of its outcomes and of the later evidence about it, from the gap map's entries; its
    interventions, populations, settings and principles) and return the list's facets."""
    by_entry = _entry_values(gap_map)
    by_study: dict[str, Values] = {study["caseStudy"]: {} for study in case_studies}
    for entry in gap_map.entries:
        if entry.case_study in by_study:
            _merge(by_study[entry.case_study], by_entry.get(entry.iri, {}))
    for study in case_studies:
        _merge(by_study[study["caseStudy"]], _study_values(study))
        study["facet_values"] = by_study[study["caseStudy"]]
    return _facets(list(by_study.values()), CASE_STUDY_FACETS, _case_study_order)


def outcome_facets(case_studies: list[dict], gap_map: GapMap) -> list[Facet]:
    """Set `facet_values` on each outcome of each case study (its domain, design level and
    claim status; its case study's intervention, population, setting and principles) and
    return the facets of the outcome list."""
    by_entry = _entry_values(gap_map)
    outcomes = []
    for study in case_studies:
        shared = _study_values(study)
        for outcome in study["outcomes"]:
            values: Values = {}
            _merge(values, by_entry.get(outcome["outcome"], {}))
            _merge(values, shared)
            outcome["facet_values"] = values
            outcomes.append(values)
    return _facets(outcomes, CASE_STUDY_FACETS, _case_study_order)


def map_facets(case_studies: list[dict], gap_map: GapMap) -> tuple[list[Facet], dict[str, str]]:
    """The map's filters and, per cell anchor, its entries as JSON for assets/gapmap.js:
    `[[study slug, {facet: [values]}], ...]`. An entry's domain and intervention are its
    cell's; its design level and claim status its own; population, setting and principles
    its case study's. A cell then counts the distinct studies among the entries that pass."""
    shared = {study["caseStudy"]: _study_values(study) for study in case_studies}
    everything: list[Values] = []
    cells: dict[str, str] = {}
    for domain in gap_map.domains:
        for cell in gap_map.domain_cells(domain):
            entries = []
            for entry in cell.entries:
                values = _entry_facets(entry, domain, cell, shared.get(entry.case_study, {}))
                everything.append(values)
                entries.append([slug_of(entry.study),
                                {name: [v for v, _ in pairs] for name, pairs in values.items()}])
            if entries:
                cells[cell.anchor] = json.dumps(entries, sort_keys=True)
    return _facets(everything, CASE_STUDY_FACETS, _case_study_order), cells


def _entry_facets(entry, domain, cell, study: Values) -> Values:
    values: Values = {}
    _add(values, "domain", domain.slug, domain.label)
    _add(values, "intervention", cell.intervention.slug, cell.intervention.label)
    if entry.design_level is not None:
        _add(values, "design", f"g{entry.design_level}",
             f"G{entry.design_level} {entry.design_label or ''}".strip())
    _add(values, "status", slug_of(entry.status),
         STATUSES.get(entry.status, ("", entry.status))[1].capitalize())
    for name in ("population", "setting", "principle"):
        for value, label in study.get(name, []):
            _add(values, name, value, label)
    return values


def _case_study_order(name: str, option: tuple[str, str]):
    if name == "design":
        return option[0]
    if name == "status":
        slugs = [slug_of(status) for status in STATUS_ORDER]
        return slugs.index(option[0]) if option[0] in slugs else len(slugs)
    return option[1].lower()


def reference_facets(references: list[dict]) -> list[Facet]:
    """Set `facet_values` on each reference (the case studies it is cited for, its kind of
    work) and return the facets of the reference list."""
    for reference in references:
        values: Values = {}
        for citer in reference.get("cited_by", []):
            _add(values, "case-study", citer["slug"], citer["name"])
        for name in reference.get("type_names", []):
            _add(values, "type", slug_of(name).lower(), _words(name))
        reference["facet_values"] = values
    return _facets([r["facet_values"] for r in references],
                   [("case-study", "Cited for the case study"), ("type", "Kind of work")])


def _words(name: str) -> str:
    """'AcademicArticle' -> 'Academic article'."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).capitalize()
