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
curation (data/curation/). Rendered as an SVG of our own, a PNG of that SVG (CairoSVG), or
HTML through the site's templates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from coprod_kg.errors import CoprodError
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
# The same readings in a sentence: (one outcome ..., several outcomes ...).
READINGS = {
    "favours": ("favours the intervention", "favour the intervention"),
    "does not favour": ("does not favour the intervention", "do not favour the intervention"),
    "no difference": ("shows no difference", "show no difference"),
    "unclear": ("is unclear", "are unclear"),
    "not a change": ("is not a change (a level, share or count)",
                     "are not a change (levels, shares or counts)"),
    "described, not measured": ("is described, not measured (no figure or direction)",
                                "are described, not measured (no figure or direction)"),
    "planned": ("is planned (an expected outcome, no result in the review)",
                "are planned (expected outcomes, no result in the review)"),
    "not judged": ("is not judged", "are not judged"),
}
# What the report of a later-evidence entry is (queries/evidence-map.rq, ?reportRole):
# "later" only when it is dated after the review.
REPORT_ROLES = {
    "later publication": "Later publication",
    "cited by the review": "The evaluation the review cites",
    "earlier publication": "Earlier publication, not cited by the review",
}
# What a later finding does to the claim it addresses, by the status it gives the claim.
STATUS_VERBS = {
    "contradicted": "contradicts",
    "qualified": "qualifies",
    "supported": "supports",
    "result now reported": "reports the result of",
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


# --------------------------------------------------------------------------
# SVG, drawn by our own code
# --------------------------------------------------------------------------

MARGIN = 20
LABEL_WIDTH = 270
COLUMN_WIDTH = 112
ROW_HEIGHT = 34
DOMAIN_HEIGHT = 26
HEADER_HEIGHT = 118
TITLE_HEIGHT = 96
LEGEND_HEIGHT = 70
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


def wrap_words(text: str, width: int) -> list[str]:
    """Greedy word wrap to lines of at most `width` characters (long words kept whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def gap_map_svg(gap_map: GapMap, *, title: str, source_note: str = "") -> str:
    """The evidence map as a standalone SVG document (outcome categories grouped by domain
    as rows, interventions grouped by family as columns, studies counted in each cell)."""
    columns = gap_map.interventions
    width = MARGIN * 2 + LABEL_WIDTH + COLUMN_WIDTH * (len(columns) + 1)
    grid_top = MARGIN + TITLE_HEIGHT + HEADER_HEIGHT
    body = len(gap_map.categories) * ROW_HEIGHT + len(gap_map.domains) * DOMAIN_HEIGHT
    height = grid_top + body + ROW_HEIGHT + LEGEND_HEIGHT + MARGIN
    description = (
        f"{len(gap_map.categories)} outcome categories in {len(gap_map.domains)} domains (rows) "
        f"by {len(columns)} interventions in {len(gap_map.families)} families (columns); "
        f"{len(gap_map.non_empty_cells)} cells hold evidence from "
        f"{gap_map.total(gap_map.all_cells)} studies in all."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="map-title map-desc" '
        f'font-family="{FONT}">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 20}" font-size="19" font-weight="bold" '
        f'fill="#1a1a1a">{escape(title)}</text>',
    ]
    for number, line in enumerate(_legend_lines(gap_map)):
        parts.append(f'<text x="{MARGIN}" y="{MARGIN + 44 + 16 * number}" font-size="12" '
                     f'fill="#333333">{escape(line)}</text>')
    parts += _svg_header(gap_map)
    top = grid_top
    for domain in gap_map.domains:
        parts.append(
            f'<text class="domain" x="{MARGIN}" y="{top + DOMAIN_HEIGHT - 8}" font-size="13" '
            f'font-weight="bold" fill="#0b2e4f">{escape(domain.label)} '
            f'({gap_map.total(gap_map.domain_cells(domain))} studies)</text>')
        top += DOMAIN_HEIGHT
        for category in domain.members:
            parts += _svg_row(gap_map, category, top)
            top += ROW_HEIGHT
    parts += _svg_totals(gap_map, top)
    parts += _svg_legend(gap_map, top + ROW_HEIGHT + 22, source_note)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


CURATION_LINE = ("Our curation: the grouping of outcome categories into domains (rows) and of "
                 "interventions into families (columns), the claim status and the design level.")


def _legend_lines(gap_map: GapMap) -> list[str]:
    statuses = "  ".join(f"{icon} {status}" for status, (icon, _) in STATUSES.items()
                         if status != "no later evidence")
    return [
        "Number of distinct studies per cell (the reports of one study count once); "
        "empty cells are gaps.",
        f"Claim status (our reading of later evidence): {statuses}",
        "G: the strongest design level among the cell's entries (our curation; G1 randomised "
        "trial, G5 no result yet)",
        CURATION_LINE,
    ]


def _svg_header(gap_map: GapMap) -> list[str]:
    parts = []
    top = MARGIN + TITLE_HEIGHT
    left = MARGIN + LABEL_WIDTH
    for family in gap_map.families:
        span = COLUMN_WIDTH * len(family.members)
        lines = wrap_words(family.label, max(14, span // 8))[:2]
        for number, line in enumerate(lines):
            parts.append(
                f'<text class="family" x="{left + span / 2:.1f}" y="{top + 12 + 13 * number}" '
                f'font-size="11" font-weight="bold" text-anchor="middle" fill="#0b2e4f">'
                f'{escape(line)}</text>')
        parts.append(f'<line x1="{left + 4}" x2="{left + span - 4}" y1="{top + 34}" '
                     f'y2="{top + 34}" stroke="#0b2e4f" stroke-width="1"/>')
        left += span
    for index, item in enumerate(gap_map.interventions):
        centre = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * index + COLUMN_WIDTH / 2
        lines = [*wrap_words(item.label, 16)[:4], item.note]
        first = top + HEADER_HEIGHT - 10 - 13 * (len(lines) - 1)
        for number, line in enumerate(lines):
            parts.append(
                f'<text class="intervention" x="{centre:.1f}" y="{first + 13 * number:.1f}" '
                f'font-size="11" text-anchor="middle" fill="#1a1a1a">{escape(line)}</text>')
    total_x = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * len(gap_map.interventions) + COLUMN_WIDTH / 2
    parts.append(f'<text x="{total_x:.1f}" y="{top + HEADER_HEIGHT - 10}" font-size="11" '
                 f'font-weight="bold" text-anchor="middle" fill="#1a1a1a">Studies</text>')
    return parts


def _svg_row(gap_map: GapMap, category: AxisItem, top: float) -> list[str]:
    parts = [
        f'<text class="category" x="{MARGIN + 10}" y="{top + ROW_HEIGHT / 2 + 4:.1f}" '
        f'font-size="12" fill="#1a1a1a">{escape(category.label)}</text>'
    ]
    for index, cell in enumerate(gap_map.row(category)):
        left = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * index
        ink = LEVEL_INKS[cell.level]
        parts.append(f'<g class="cell"><title>{escape(cell_title(cell))}</title>')
        parts.append(
            f'<rect x="{left + 2}" y="{top + 2}" width="{COLUMN_WIDTH - 4}" '
            f'height="{ROW_HEIGHT - 4}" rx="3" fill="{LEVEL_FILLS[cell.level]}" '
            f'stroke="#c8c8c8" stroke-width="0.5"/>')
        parts.append(
            f'<text class="count" x="{left + 12}" y="{top + ROW_HEIGHT / 2 + 5:.1f}" '
            f'font-size="14" font-weight="bold" fill="{ink}">{cell.count}</text>')
        marks = cell_marks(cell)
        if marks:
            parts.append(
                f'<text class="marks" x="{left + COLUMN_WIDTH - 8}" '
                f'y="{top + ROW_HEIGHT / 2 + 4:.1f}" font-size="11" text-anchor="end" '
                f'fill="{ink}">{escape(marks)}</text>')
        parts.append("</g>")
    parts.append(_svg_total(gap_map.total(gap_map.row(category)), len(gap_map.interventions), top))
    return parts


def _svg_total(count: int, columns: int, top: float) -> str:
    """A row's total, in the column after the interventions."""
    x = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * columns + COLUMN_WIDTH / 2
    return (f'<text class="total" x="{x:.1f}" y="{top + ROW_HEIGHT / 2 + 5:.1f}" font-size="13" '
            f'font-weight="bold" text-anchor="middle" fill="#1a1a1a">{count}</text>')


def _svg_totals(gap_map: GapMap, top: float) -> list[str]:
    parts = [f'<text x="{MARGIN}" y="{top + ROW_HEIGHT / 2 + 5:.1f}" font-size="12" '
             f'font-weight="bold" fill="#1a1a1a">Studies per intervention</text>']
    for index, item in enumerate(gap_map.interventions):
        centre = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * index + COLUMN_WIDTH / 2
        parts.append(
            f'<text class="total" x="{centre:.1f}" y="{top + ROW_HEIGHT / 2 + 5:.1f}" '
            f'font-size="13" font-weight="bold" text-anchor="middle" fill="#1a1a1a">'
            f'{gap_map.total(gap_map.column(item))}</text>')
    parts.append(_svg_total(gap_map.total(gap_map.all_cells), len(gap_map.interventions), top))
    return parts


def cell_marks(cell: Cell) -> str:
    """The cell's visible marks: statuses with counts and the strongest design level, such as
    '✗1 ≈1 G4'; '' for an empty cell."""
    if not cell.count:
        return ""
    marks = [f"{icon}{n}" for _, icon, n in cell.status_counts()]
    level = cell.strongest_level()
    if level is not None:
        marks.append(f"G{level}")
    return " ".join(marks)


def cell_title(cell: Cell) -> str:
    """The cell's tooltip and accessible description, in words."""
    count = cell.count
    text = (f"{cell.intervention.label} × {cell.category.label}: {count} "
            f"{'study' if count == 1 else 'studies'}")
    statuses = ", ".join(f"{n} {status}" for status, _, n in cell.status_counts())
    if statuses:
        text += f"; {statuses}"
    level = cell.strongest_level()
    if level is not None:
        text += f"; strongest design level G{level}"
    return text


def _svg_legend(gap_map: GapMap, top: float, source_note: str) -> list[str]:
    parts = [
        f'<text x="{MARGIN}" y="{top}" font-size="12" fill="#333333">Studies per cell:</text>'
    ]
    for level, label in enumerate(level_labels(gap_map.max_count)):
        if not label:
            continue
        left = MARGIN + 120 + level * 44
        parts.append(
            f'<rect x="{left}" y="{top - 13}" width="40" height="18" rx="2" '
            f'fill="{LEVEL_FILLS[level]}" stroke="#c8c8c8" stroke-width="0.5"/>')
        parts.append(
            f'<text x="{left + 20}" y="{top}" font-size="11" text-anchor="middle" '
            f'fill="{LEVEL_INKS[level]}">{escape(label)}</text>')
    if source_note:
        parts.append(
            f'<text x="{MARGIN}" y="{top + 26}" font-size="11" fill="#555555">'
            f'{escape(source_note)}</text>')
    return parts


def svg_to_png(svg_text: str, *, scale: float = 2.0) -> bytes:
    """Rasterise an SVG with CairoSVG (needs the system's libcairo2)."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        raise CoprodError(
            "--format png needs CairoSVG and the cairo library (Debian: apt-get install "
            f"libcairo2): {str(error).splitlines()[0]}"
        ) from None
    return cairosvg.svg2png(bytestring=svg_text.encode("utf-8"), scale=scale)


# --------------------------------------------------------------------------
# Answer pages: what the evidence says in one outcome domain
# --------------------------------------------------------------------------


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def domain_messages(gap_map: GapMap, domain: Group) -> list[str]:
    """Key messages on one outcome domain, each generated from the map's entries: how many
    studies, the directions of the review's results (its expected outcomes counted apart),
    the strongest design with what it found, and what later evidence contradicts or
    qualifies (our reading)."""
    entries = [e for cell in gap_map.domain_cells(domain) for e in cell.entries]
    if not entries:
        return [f"No study in the graph reports an outcome on {domain.label.lower()}: "
                "a gap in the evidence."]
    review = [e for e in entries if not e.is_later]
    later = [e for e in entries if e.is_later]
    results = [e for e in review if e.favours != "planned"]
    messages = [_studies_message(entries, review, results)]
    if results:
        messages.append(f"Of the review's {_plural(len(results), 'reported result')} (our "
                        "reading of the direction): " + _readings(results) + ".")
    messages.append(_strongest_design(entries, {e.iri: e for e in review}))
    for status in ("contradicted", "qualified"):
        hit = [e for e in review if e.status == status]
        if hit:
            messages.append(
                f"{status.capitalize()} by later evidence (our reading): " + "; ".join(
                    f"{e.label} ({e.report_label}), by "
                    + ", ".join(sorted({_by_report(x) for x in later if x.claim == e.iri}))
                    for e in hit) + ".")
    return messages


def _by_report(entry: Entry) -> str:
    """'Palmer VJ et al. 2021'; a report that is not later says what it is instead."""
    if entry.report_role == "later publication":
        return entry.report_label
    return f"{entry.report_label} ({REPORT_ROLES.get(entry.report_role, '').lower()})"


def _studies_message(entries: list[Entry], review: list[Entry], results: list[Entry]) -> str:
    """'4 studies: 3 case studies of the review and 1 other study, with 8 results reported by
    the review.' - studies counted once however many reports they have; expected outcomes
    (planned, no result) counted apart from results."""
    studies = distinct_studies(entries)
    cases = distinct_studies(review)
    others = len(studies) - len(cases)
    planned = len(review) - len(results)
    text = (f"{_plural(len(studies), 'study', 'studies')}: "
            f"{_plural(len(cases), 'case study', 'case studies')} of the review")
    if others:
        text += (f" and {_plural(others, 'other study', 'other studies')} reported outside "
                 "the review")
    parts = [f"{_plural(len(results), 'result')} reported by the review"] if results else []
    if planned:
        parts.append(f"{_plural(planned, 'planned outcome')} (expected by a protocol, no "
                     "result in the review)")
    return text + ", with " + " and ".join(parts) + "."


def _readings(results: list[Entry]) -> str:
    readings: dict[str, int] = {}
    for entry in results:
        reading = entry.favours if entry.favours in READINGS else "not judged"
        readings[reading] = readings.get(reading, 0) + 1
    order = list(FAVOURS)
    return ", ".join(f"{n} {READINGS[reading][0 if n == 1 else 1]}"
                     for reading, n in sorted(readings.items(),
                                              key=lambda item: order.index(item[0])))


def _strongest_design(entries: list[Entry], claims: dict[str, Entry]) -> str:
    """The strongest design level, its reports, and what a later finding at that level found
    and does to the review's claim when the strongest design is later evidence's alone (so
    that a trial's null result is never hidden behind the review's favourable readings)."""
    graded = [e for e in entries if e.design_level is not None]
    if not graded:
        return "No entry has a design level yet."
    best = min(e.design_level for e in graded)
    top = [e for e in graded if e.design_level == best]
    reports = "; ".join(sorted({e.report_label for e in top}))
    label = (top[0].design_label or "").lower()
    findings = ([_finding(e, claims.get(e.claim)) for e in top]
                if all(e.is_later for e in top) else [])
    found = (", which found " + "; and ".join(sorted(set(findings)))) if findings else ""
    return f"Strongest design: G{best}, {label} ({reports}){found}."


def _finding(entry: Entry, claim: Entry | None) -> str:
    text = entry.label[:1].lower() + entry.label[1:]
    verb = STATUS_VERBS.get(entry.status)
    if verb and claim is not None:
        text += f" ({verb} the review's “{claim.label}”)"
    return text
