"""The evidence gap map: principles of co-production x outcome categories.

A cell holds the outcomes reported by the case studies aligned with its principle, in its
category (competency question 6; the counts equal those of `queries/evidence-gap-map.rq`).
Each cell knows its outcomes, their directions, their case studies and, once outcomes are
graded (issue 6), the best grade among them. Rendered as an SVG of our own, a PNG of that
SVG (CairoSVG), or HTML through the site's templates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from coprod_kg.errors import CoprodError
from coprod_kg.publishing.sitedata import merge_rows, select, slug_of

QUANTIFIED = "https://w3id.org/coprod-kg/ontology#QuantifiedOutcome"
QUALITATIVE = "https://w3id.org/coprod-kg/ontology#QualitativeOutcome"
EXPECTED = "https://w3id.org/coprod-kg/ontology#ExpectedOutcome"
KIND_NAMES = {QUANTIFIED: "quantified", QUALITATIVE: "qualitative", EXPECTED: "expected"}

# How each direction is drawn; labels and definitions come from the graph.
DIRECTION_GLYPHS = {
    "decrease": "▼",
    "increase": "▲",
    "no-change": "=",
    "unclear": "?",
    "not-applicable": "•",
}
LEVEL_FILLS = ("#f4f4f4", "#deebf7", "#9ecae1", "#4292c6", "#08519c")


@dataclass(frozen=True)
class AxisItem:
    """A principle (column) or an outcome category (row) of the map."""

    iri: str
    label: str
    short_label: str
    definition: str = ""

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
class CellOutcome:
    iri: str
    label: str
    kind: str  # quantified, qualitative or expected
    direction: str | None
    case_study: str
    case_label: str
    case_number: int | None
    claim_status: str | None = None  # from later evidence: our reading (claim-status.rq)


@dataclass
class Cell:
    principle: AxisItem
    category: AxisItem
    outcomes: list[CellOutcome] = field(default_factory=list)
    level: int = 0  # 0 (empty) .. 4 (as many outcomes as the fullest cell)

    @property
    def count(self) -> int:
        return len(self.outcomes)

    @property
    def anchor(self) -> str:
        return f"cell-{self.principle.slug}--{self.category.slug}"

    @property
    def case_studies(self) -> list[tuple[str, str, int | None]]:
        """(IRI, label, number) of the case studies behind the cell, by case number."""
        seen: dict[str, tuple[str, str, int | None]] = {}
        for outcome in self.outcomes:
            seen.setdefault(
                outcome.case_study, (outcome.case_study, outcome.case_label, outcome.case_number)
            )
        return sorted(seen.values(), key=lambda item: (item[2] is None, item[2] or 0, item[1]))


@dataclass
class GapMap:
    principles: list[AxisItem]
    categories: list[AxisItem]
    directions: list[Direction]
    cells: dict[tuple[str, str], Cell]
    grades: dict[str, dict] = field(default_factory=dict)  # entity IRI -> its strongest grade

    def grade_of(self, entity: str, case_study: str | None = None) -> dict | None:
        """An outcome's own grade, else its case study's (a case study's grade applies to
        each of its outcomes unless the outcome is graded itself); None when ungraded."""
        return self.grades.get(entity) or (self.grades.get(case_study) if case_study else None)

    def best_grade(self, cell: Cell) -> dict | None:
        """The strongest grade (lowest rank) among the cell's outcomes."""
        graded = [g for o in cell.outcomes if (g := self.grade_of(o.iri, o.case_study))]
        return min(graded, key=_rank, default=None)

    def cell(self, principle: AxisItem, category: AxisItem) -> Cell:
        return self.cells[(principle.iri, category.iri)]

    def row(self, category: AxisItem) -> list[Cell]:
        return [self.cell(principle, category) for principle in self.principles]

    def column(self, principle: AxisItem) -> list[Cell]:
        return [self.cell(principle, category) for category in self.categories]

    def direction_counts(self, cell: Cell) -> list[tuple[Direction, int]]:
        """(direction, number of the cell's outcomes going that way), in legend order."""
        counts = []
        for direction in self.directions:
            n = sum(1 for outcome in cell.outcomes if outcome.direction == direction.iri)
            if n:
                counts.append((direction, n))
        return counts

    def status_summary(self, cell: Cell) -> str:
        """Readable summary of the cell's outcomes that later evidence contradicts or
        qualifies (our reading), such as '1 contradicted, 1 qualified'; '' when none."""
        counts: dict[str, int] = {}
        for outcome in cell.outcomes:
            if outcome.claim_status in ("contradicted", "qualified"):
                counts[outcome.claim_status] = counts.get(outcome.claim_status, 0) + 1
        return ", ".join(f"{counts[s]} {s}" for s in ("contradicted", "qualified") if s in counts)

    def direction_summary(self, cell: Cell) -> str:
        """Readable summary such as '2 decrease, 1 increase'."""
        return ", ".join(
            f"{n} {direction.label.lower()}" for direction, n in self.direction_counts(cell)
        )

    @property
    def non_empty_cells(self) -> list[Cell]:
        return [
            self.cell(principle, category)
            for principle in self.principles
            for category in self.categories
            if self.cell(principle, category).count
        ]

    @property
    def max_count(self) -> int:
        return max((cell.count for cell in self.cells.values()), default=0)


def build_gap_map(store) -> GapMap:
    """The gap map of the graph in `store`, from the stored site queries."""
    principles = [
        AxisItem(row["principle"], row["label"], row["shortLabel"] or row["label"],
                 row["definition"] or "")
        for row in merge_rows(select(store, "site-principles"), "principle")
    ]
    categories = [
        AxisItem(row["category"], row["label"], row["label"], row["definition"] or "")
        for row in merge_rows(select(store, "site-outcome-categories"), "category")
    ]
    directions = _ordered_directions(
        [Direction(row["direction"], row["label"], row["definition"] or "")
         for row in merge_rows(select(store, "site-directions"), "direction")]
    )
    cells = {(p.iri, c.iri): Cell(p, c) for p in principles for c in categories}
    seen: set[tuple[str, str, str]] = set()
    for row in select(store, "site-gap-map-outcomes"):
        key = (row["principle"], row["category"], row["outcome"])
        cell = cells.get(key[:2])
        if cell is None or key in seen:
            continue
        seen.add(key)
        cell.outcomes.append(
            CellOutcome(
                iri=row["outcome"],
                label=row["outcomeLabel"] or slug_of(row["outcome"]),
                kind=KIND_NAMES.get(row["kind"], "outcome"),
                direction=row["direction"],
                case_study=row["caseStudy"],
                case_label=row["caseLabel"] or slug_of(row["caseStudy"]),
                case_number=row["caseNumber"],
                claim_status=row.get("claimStatus"),
            )
        )
    gap_map = GapMap(principles, categories, directions, cells,
                     strongest_grades(select(store, "site-evidence-grades")))
    _assign_levels(gap_map)
    return gap_map


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


def _assign_levels(gap_map: GapMap) -> None:
    """Shade levels: 0 for an empty cell, then 1-4 (the count itself while the fullest cell
    holds at most 4 outcomes, otherwise in proportion to the fullest cell)."""
    top = gap_map.max_count
    for cell in gap_map.cells.values():
        cell.level = level_of(cell.count, top)


def level_of(count: int, top: int) -> int:
    if count == 0:
        return 0
    if top <= len(LEVEL_FILLS) - 1:
        return count
    return max(1, math.ceil((len(LEVEL_FILLS) - 1) * count / top))


def level_labels(top: int) -> list[str]:
    """What each shade stands for, such as ['0', '1', '2', '3', '4'] or ['0', '1-3', ...]."""
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
# SVG, drawn by our own code
# --------------------------------------------------------------------------

MARGIN = 20
LABEL_WIDTH = 250
COLUMN_WIDTH = 128
ROW_HEIGHT = 36
HEADER_HEIGHT = 78
TITLE_HEIGHT = 80
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
    """The gap map as a standalone SVG document (categories as rows, principles as columns)."""
    width = MARGIN * 2 + LABEL_WIDTH + COLUMN_WIDTH * len(gap_map.principles)
    grid_top = MARGIN + TITLE_HEIGHT + HEADER_HEIGHT
    height = grid_top + ROW_HEIGHT * len(gap_map.categories) + LEGEND_HEIGHT + MARGIN
    total = sum(cell.count for cell in gap_map.cells.values())
    description = (
        f"{len(gap_map.categories)} outcome categories (rows) by {len(gap_map.principles)} "
        f"principles (columns); {len(gap_map.non_empty_cells)} cells hold evidence, "
        f"{total} outcome-principle links in all."
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
    for index, category in enumerate(gap_map.categories):
        parts += _svg_row(gap_map, category, grid_top + index * ROW_HEIGHT)
    parts += _svg_legend(gap_map, grid_top + ROW_HEIGHT * len(gap_map.categories) + 22,
                         source_note)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend_lines(gap_map: GapMap) -> list[str]:
    glyphs = "  ".join(f"{d.glyph} {d.label.lower()}" for d in gap_map.directions)
    lines = [f"Number of reported outcomes per cell; directions: {glyphs}"]
    if gap_map.grades:
        lines.append("G and border: the strongest evidence grade among the cell's outcomes "
                     "(G1 strongest; dashed: descriptive or reported; dotted: no result yet)")
    if any(status_marker(gap_map, cell) for cell in gap_map.cells.values()):
        lines.append("✗ contradicted, ≈ qualified (top left): how many of the cell's outcomes "
                     "later evidence contradicts or qualifies (our reading)")
    return lines


def _svg_header(gap_map: GapMap) -> list[str]:
    parts = []
    top = MARGIN + TITLE_HEIGHT
    for index, principle in enumerate(gap_map.principles):
        centre = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * index + COLUMN_WIDTH / 2
        lines = wrap_words(principle.short_label, 17)[:4]
        first = top + HEADER_HEIGHT - 10 - 14 * (len(lines) - 1)
        for number, line in enumerate(lines):
            parts.append(
                f'<text class="principle" x="{centre:.1f}" y="{first + 14 * number:.1f}" '
                f'font-size="12" font-weight="bold" text-anchor="middle" fill="#1a1a1a">'
                f'{escape(line)}</text>'
            )
    return parts


def _svg_row(gap_map: GapMap, category: AxisItem, top: float) -> list[str]:
    parts = [
        f'<text class="category" x="{MARGIN}" y="{top + ROW_HEIGHT / 2 + 4:.1f}" font-size="12.5" '
        f'fill="#1a1a1a">{escape(category.label)}</text>'
    ]
    for index, cell in enumerate(gap_map.row(category)):
        left = MARGIN + LABEL_WIDTH + COLUMN_WIDTH * index
        fill = LEVEL_FILLS[cell.level]
        ink = "#ffffff" if cell.level >= 3 else "#1a1a1a"
        grade = gap_map.best_grade(cell) if cell.count else None
        parts.append(f'<g class="cell"><title>{escape(cell_title(gap_map, cell))}</title>')
        parts.append(
            f'<rect x="{left + 2}" y="{top + 2}" width="{COLUMN_WIDTH - 4}" '
            f'height="{ROW_HEIGHT - 4}" rx="3" fill="{fill}" {_grade_stroke(grade)}/>'
        )
        centre = left + COLUMN_WIDTH / 2
        glyphs = " ".join(f"{d.glyph}{n}" for d, n in gap_map.direction_counts(cell))
        count_y = top + (15 if glyphs else ROW_HEIGHT / 2 + 5)
        parts.append(
            f'<text class="count" x="{centre:.1f}" y="{count_y:.1f}" font-size="14" '
            f'font-weight="bold" text-anchor="middle" fill="{ink}">{cell.count}</text>'
        )
        if grade and grade.get("rank") is not None:
            parts.append(
                f'<text x="{left + COLUMN_WIDTH - 7}" y="{top + 13}" font-size="9" '
                f'text-anchor="end" fill="{ink}">G{grade["rank"]}</text>'
            )
        if glyphs:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + 29:.1f}" font-size="10.5" '
                f'text-anchor="middle" fill="{ink}">{escape(glyphs)}</text>'
            )
        if marker := status_marker(gap_map, cell):
            parts.append(
                f'<text class="status" x="{left + 7}" y="{top + 13}" font-size="10" '
                f'font-weight="bold" fill="{ink}">{escape(marker)}</text>'
            )
        parts.append("</g>")
    return parts


STATUS_MARKS = {"contradicted": "✗", "qualified": "≈"}  # "?" is the unclear direction


def status_marker(gap_map: GapMap, cell: Cell) -> str:
    """The visible mark of a cell whose outcomes later evidence contradicts (✗) or qualifies
    (≈), with how many (our reading), such as '✗1 ≈1'; '' when none."""
    summary = gap_map.status_summary(cell)
    return " ".join(f"{STATUS_MARKS[part.split()[1]]}{part.split()[0]}"
                    for part in summary.split(", ") if part)


def cell_title(gap_map: GapMap, cell: Cell) -> str:
    """The cell's tooltip: principle, category, outcomes and, when later evidence bears on
    them, how many it contradicts or qualifies (our reading)."""
    text = f"{cell.principle.label} × {cell.category.label}: {cell.count} outcome" + (
        "" if cell.count == 1 else "s")
    if directions := gap_map.direction_summary(cell):
        text += f" ({directions})"
    if status := gap_map.status_summary(cell):
        text += f"; later evidence (our reading): {status}"
    return text


def _grade_stroke(grade: dict | None) -> str:
    """Border of a cell by its strongest evidence grade (as in the site's stylesheet)."""
    rank = grade.get("rank") if grade else None
    if rank is None:
        return 'stroke="#c8c8c8" stroke-width="0.5"'
    if rank <= 3:
        return f'stroke="#1a1a1a" stroke-width="{3 if rank <= 2 else 2}"'
    return f'stroke="#1a1a1a" stroke-width="2" stroke-dasharray="{"6 3" if rank == 4 else "2 2"}"'


def _svg_legend(gap_map: GapMap, top: float, source_note: str) -> list[str]:
    parts = [
        f'<text x="{MARGIN}" y="{top}" font-size="12" fill="#333333">Outcomes per cell:</text>'
    ]
    for level, label in enumerate(level_labels(gap_map.max_count)):
        if not label:
            continue
        left = MARGIN + 120 + level * 44
        ink = "#ffffff" if level >= 3 else "#1a1a1a"
        parts.append(
            f'<rect x="{left}" y="{top - 13}" width="40" height="18" rx="2" '
            f'fill="{LEVEL_FILLS[level]}" stroke="#c8c8c8" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{left + 20}" y="{top}" font-size="11" text-anchor="middle" '
            f'fill="{ink}">{escape(label)}</text>'
        )
    if source_note:
        parts.append(
            f'<text x="{MARGIN}" y="{top + 26}" font-size="11" fill="#555555">'
            f'{escape(source_note)}</text>'
        )
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
