"""Key messages of the answer pages: what the evidence says in one outcome domain, each
message generated from the evidence map's entries (`publishing.gapmap`)."""

from __future__ import annotations

from coprod_kg.publishing.gapmap import (
    FAVOURS,
    REPORT_ROLES,
    Entry,
    GapMap,
    Group,
    distinct_studies,
)

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
# What a later finding does to the claim it addresses, by the status it gives the claim.
STATUS_VERBS = {
    "contradicted": "contradicts",
    "qualified": "qualifies",
    "supported": "supports",
    "result now reported": "reports the result of",
}


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
