"""The evidence map: outcome categories (grouped into domains) x the case studies'
interventions (grouped into families), counting studies.

Rows and columns, and the groupings, come from `queries/site-outcome-domains.rq` and
`queries/site-intervention-families.rq`; the entries of the cells from
`queries/evidence-map.rq` (also `coprod-kg query evidence-map`). An entry is an outcome the
review reports, or a piece of later evidence about one of them (in the cell of the claim it
addresses). A cell counts distinct *studies* (data/curation/studies.ttl: the reports of
one study - a case study and the publications of the same study - count once), never the
same outcome twice; totals per row, column, domain and family count distinct studies too.
Each entry carries its direction, whether that favours the intervention, the claim's
status and the design level (evidence grade) - the groupings and readings are our
curation (data/curation/). Drawn as SVG and PNG by `publishing.gapmap_image`, as HTML
through the site's templates (`publishing.sitepages`); the answer pages' key messages come
from `publishing.keymessages`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from coprod_kg.publishing.sitedata import case_name, merge_rows, select, slug_of

WEAK = "https://w3id.org/coprod-kg/id/alignment-strength/weak"

# How each direction is drawn; labels and definitions come from the graph.
DIRECTION_GLYPHS = {
    "decrease": "▼",
    "increase": "▲",
    "no-change": "=",
    "unclear": "?",
    "not-applicable": "•",
}
# Our reading of a direction (queries/evidence-map.rq): text and an icon that reads in
# greyscale. The icon is decoration: the text is always beside it.
FAVOURS = {
    "favours": ("+", "favours the intervention"),
    "does not favour": ("−", "does not favour the intervention"),
    "no difference": ("=", "no difference"),
    "unclear": ("?", "unclear"),
    "not a change": ("•", "not a change (a level, share or count)"),
    "described, not measured": ("✎", "described, not measured (a qualitative outcome with "
                                "no figure or direction)"),
    "planned": ("◌", "planned: an expected outcome, no result in the review"),
    "not judged": ("·", "not judged"),
}
# The claim's status (queries/claim-status.rq, our reading of the later evidence).
STATUSES = {
    "contradicted": ("✗", "contradicted by later evidence"),
    "qualified": ("≈", "qualified by later evidence"),
    "supported": ("✓", "supported by later evidence"),
    "result now reported": ("↻", "result now reported"),
    "planned": ("◌", "planned, no result yet"),
    "no later evidence": ("○", "no later evidence"),
}
STATUS_ORDER = tuple(STATUSES)
# What the report of a later-evidence entry is (queries/evidence-map.rq, ?reportRole):
# "later" only when it is dated after the review.
REPORT_ROLES = {
    "later publication": "Later publication",
    "cited by the review": "The evaluation the review cites",
    "earlier publication": "Earlier publication, not cited by the review",
}
LEVEL_FILLS = ("#f4f4f4", "#deebf7", "#9ecae1", "#6baed6", "#08519c")
LEVEL_INKS = ("#595959", "#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff")


def design_icon(level: int | None) -> str:
    """Filled squares for the strength of a design level: 5 for level 1 (randomised trial)
    down to 1 for level 5 (no result yet); empty when the entry is not graded."""
    if level is None:
        return ""
    filled = max(0, min(5, 6 - level))
    return "■" * filled + "□" * (5 - filled)


@dataclass(frozen=True)
class AxisItem:
    """An outcome category (row) or an intervention (column) of the map."""

    iri: str
    label: str
    definition: str = ""
    note: str = ""  # a column's case study, such as "Case study 4"

    @property
    def slug(self) -> str:
        return slug_of(self.iri)


@dataclass
class Group:
    """An outcome domain (rows) or an intervention family (columns)."""

    iri: str
    label: str
    definition: str = ""
    members: list[AxisItem] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug_of(self.iri)


@dataclass(frozen=True)
class Direction:
    iri: str
    label: str
    definition: str = ""

    @property
    def glyph(self) -> str:
        return DIRECTION_GLYPHS.get(slug_of(self.iri), "·")


@dataclass(frozen=True)
class Entry:
    """One row of queries/evidence-map.rq: an outcome of the review or a later finding."""

    iri: str
    label: str
    kind: str  # "review" or "later evidence"
    study: str  # what the map counts: the study the report belongs to
    study_label: str
    report: str  # the case study, or the publication of a later finding
    report_label: str
    report_role: str  # "review", or a key of REPORT_ROLES
    case_study: str
    case_number: int | None
    claim: str
    direction: str | None
    favours: str | None
    status: str
    design_level: int | None
    design_label: str | None

    @property
    def is_later(self) -> bool:
        return self.kind == "later evidence"

    @property
    def source_heading(self) -> str:
        """'Case study 6: CORE study protocol', 'Later publication, Palmer VJ et al. 2021',
        'The evaluation the review cites, Windle K ... 2009'."""
        if not self.is_later:
            return case_name(self.case_number, self.report_label)
        role = REPORT_ROLES.get(self.report_role, self.report_role.capitalize())
        return f"{role}, {self.report_label}"

    @property
    def favours_icon(self) -> str:
        return FAVOURS.get(self.favours or "", ("", ""))[0]

    @property
    def favours_text(self) -> str:
        return FAVOURS.get(self.favours or "", ("", self.favours or ""))[1]

    @property
    def status_icon(self) -> str:
        return STATUSES.get(self.status, ("", ""))[0]

    @property
    def status_text(self) -> str:
        return STATUSES.get(self.status, ("", self.status))[1]

    @property
    def design_icon(self) -> str:
        return design_icon(self.design_level)


@dataclass
class Cell:
    category: AxisItem
    intervention: AxisItem
    entries: list[Entry] = field(default_factory=list)
    level: int = 0  # 0 (empty) .. 4 (as many studies as the fullest cell)

    @property
    def studies(self) -> list[str]:
        return distinct_studies(self.entries)

    @property
    def count(self) -> int:
        return len(self.studies)

    @property
    def anchor(self) -> str:
        return f"cell-{self.intervention.slug}--{self.category.slug}"

    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, icon, number of the cell's review outcomes with it) for the statuses
        that later evidence gives or that mark a plan, in legend order."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            if not entry.is_later and entry.status != "no later evidence":
                counts[entry.status] = counts.get(entry.status, 0) + 1
        return [(status, STATUSES[status][0], counts[status])
                for status in STATUS_ORDER if status in counts]

    def strongest_level(self) -> int | None:
        return min((e.design_level for e in self.entries if e.design_level is not None),
                   default=None)


def distinct_studies(entries: list[Entry]) -> list[str]:
    seen: dict[str, None] = {}
    for entry in entries:
        seen.setdefault(entry.study)
    return list(seen)


@dataclass
class GapMap:
    domains: list[Group]
    families: list[Group]
    directions: list[Direction]
    cells: dict[tuple[str, str], Cell]
    grades: dict[str, dict] = field(default_factory=dict)  # entity IRI -> its strongest grade

    @property
    def categories(self) -> list[AxisItem]:
        return [category for domain in self.domains for category in domain.members]

    @property
    def interventions(self) -> list[AxisItem]:
        return [item for family in self.families for item in family.members]

    def cell(self, category: AxisItem, intervention: AxisItem) -> Cell:
        return self.cells[(category.iri, intervention.iri)]

    def row(self, category: AxisItem) -> list[Cell]:
        return [self.cell(category, intervention) for intervention in self.interventions]

    def column(self, intervention: AxisItem) -> list[Cell]:
        return [self.cell(category, intervention) for category in self.categories]

    def domain_cells(self, domain: Group) -> list[Cell]:
        return [cell for category in domain.members for cell in self.row(category)]

    def family_cells(self, family: Group) -> list[Cell]:
        return [cell for item in family.members for cell in self.column(item)]

    @staticmethod
    def total(cells: list[Cell]) -> int:
        """Distinct studies behind a set of cells (a row, column, domain or the whole map)."""
        return len(distinct_studies([entry for cell in cells for entry in cell.entries]))

    @property
    def all_cells(self) -> list[Cell]:
        return [cell for category in self.categories for cell in self.row(category)]

    @property
    def non_empty_cells(self) -> list[Cell]:
        return [cell for cell in self.all_cells if cell.count]

    @property
    def entries(self) -> list[Entry]:
        return [entry for cell in self.all_cells for entry in cell.entries]

    @property
    def max_count(self) -> int:
        return max((cell.count for cell in self.cells.values()), default=0)

    def grade_of(self, entity: str, case_study: str | None = None) -> dict | None:
        """An outcome's own grade, else its case study's; None when ungraded."""
        return self.grades.get(entity) or (self.grades.get(case_study) if case_study else None)

    def direction_label(self, entry: Entry) -> str:
        """'Decrease', 'Increase' ...; 'Planned' for an expected outcome (never a direction),
        '' for later evidence (its finding says it in words)."""
        if entry.favours == "planned":
            return "Planned"
        return next((d.label for d in self.directions if d.iri == entry.direction), "")

    def direction_glyph(self, entry: Entry) -> str:
        if entry.favours == "planned":
            return FAVOURS["planned"][0]
        return next((d.glyph for d in self.directions if d.iri == entry.direction), "")


def build_gap_map(store) -> GapMap:
    """The evidence map of the graph in `store`, from the stored queries."""
    domains = _groups(select(store, "site-outcome-domains"), "domain", "category")
    families = _groups(select(store, "site-intervention-families"), "family", "intervention")
    directions = _ordered_directions(
        [Direction(row["direction"], row["label"], row["definition"] or "")
         for row in merge_rows(select(store, "site-directions"), "direction")]
    )
    cells = {(c.iri, i.iri): Cell(c, i)
             for domain in domains for c in domain.members
             for family in families for i in family.members}
    for row in select(store, "evidence-map"):
        cell = cells.get((row["category"], row["intervention"]))
        if cell is not None:
            cell.entries.append(entry_of(row))
    gap_map = GapMap(domains, families, directions, cells,
                     strongest_grades(select(store, "site-evidence-grades")))
    top = gap_map.max_count
    for cell in cells.values():
        cell.level = level_of(cell.count, top)
    return gap_map


def entry_of(row: dict) -> Entry:
    return Entry(
        iri=row["entry"], label=row["entryLabel"] or slug_of(row["entry"]),
        kind=row["entryKind"], study=row["study"], study_label=row["studyLabel"] or "",
        report=row["report"], report_label=row["reportLabel"] or "",
        report_role=row["reportRole"] or "",
        case_study=row["caseStudy"], case_number=row["caseNumber"], claim=row["claim"],
        direction=row["direction"], favours=row["favours"], status=row["status"],
        design_level=row["designLevel"], design_label=row["designLabel"],
    )


def _groups(rows: list[dict], group: str, member: str) -> list[Group]:
    """Groups (domains or families) with their members, in the query's order."""
    groups: dict[str, Group] = {}
    for row in rows:
        item = groups.setdefault(row[group], Group(
            row[group], row[f"{group}Label"], row.get(f"{group}Definition") or ""))
        if all(m.iri != row[member] for m in item.members):
            note = f"Case study {row['caseNumber']}" if row.get("caseNumber") else ""
            item.members.append(AxisItem(row[member], row[f"{member}Label"],
                                         row.get(f"{member}Definition") or "", note))
    return list(groups.values())


def _rank(grade: dict) -> int:
    return grade["rank"] if grade.get("rank") is not None else 99


def strongest_grades(rows: list[dict]) -> dict[str, dict]:
    """The strongest grade (lowest rank) of each graded entity; empty while nothing is graded."""
    best: dict[str, dict] = {}
    for row in rows:
        if row["entity"] not in best or _rank(row) < _rank(best[row["entity"]]):
            best[row["entity"]] = row
    return best


def _ordered_directions(directions: list[Direction]) -> list[Direction]:
    order = list(DIRECTION_GLYPHS)
    return sorted(
        directions,
        key=lambda d: (order.index(slug_of(d.iri)) if slug_of(d.iri) in order else len(order),
                       d.label),
    )


def level_of(count: int, top: int) -> int:
    if count == 0:
        return 0
    if top <= len(LEVEL_FILLS) - 1:
        return count
    return max(1, math.ceil((len(LEVEL_FILLS) - 1) * count / top))


def level_labels(top: int) -> list[str]:
    """What each shade stands for, such as ['0', '1', '2', '', ''] or ['0', '1-3', ...]."""
    labels = []
    for level in range(len(LEVEL_FILLS)):
        counts = [n for n in range(top + 1) if level_of(n, top) == level]
        if not counts:
            labels.append("")
        elif counts[0] == counts[-1]:
            labels.append(str(counts[0]))
        else:
            labels.append(f"{counts[0]}-{counts[-1]}")
    return labels


# --------------------------------------------------------------------------
# The second view: principles x outcome domains (our curation)
# --------------------------------------------------------------------------


@dataclass
class PrincipleRow:
    principle: dict
    cells: list[list[tuple[str, str]]]  # per domain: (case study IRI, its label), distinct
    total: int


def principle_view(gap_map: GapMap, principles: list[dict],
                   alignments: list[dict]) -> list[PrincipleRow]:
    """Distinct case studies per principle and outcome domain: a case study counts once in a
    domain when a strong or moderate curated alignment links it to the principle and the
    review reports one of its outcomes in the domain (weak alignments are not evidence)."""
    aligned: dict[str, set[str]] = {}
    for row in alignments:
        if str(row.get("strength") or "") != WEAK:
            aligned.setdefault(row["principle"], set()).add(row["caseStudy"])
    rows = []
    for principle in principles:
        studies = aligned.get(principle["principle"], set())
        cells, everything = [], set()
        for domain in gap_map.domains:
            found = {e.case_study: e.report_label for cell in gap_map.domain_cells(domain)
                     for e in cell.entries if not e.is_later and e.case_study in studies}
            numbers = {e.case_study: e.case_number or 0 for e in gap_map.entries}
            cells.append(sorted(found.items(), key=lambda item: numbers[item[0]]))
            everything |= set(found)
        rows.append(PrincipleRow(principle, cells, len(everything)))
    return rows
