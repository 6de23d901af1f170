"""The evidence map as an image: an SVG drawn by our own code (outcome categories grouped
by domain as rows, interventions grouped by family as columns, studies counted in each cell),
and a PNG of that SVG through CairoSVG. The map itself is built by `publishing.gapmap`; the
HTML view is rendered by `publishing.sitepages` through the site's templates.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from coprod_kg.errors import CoprodError
from coprod_kg.publishing.gapmap import (
    LEVEL_FILLS,
    LEVEL_INKS,
    STATUSES,
    AxisItem,
    Cell,
    GapMap,
    level_labels,
)

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
