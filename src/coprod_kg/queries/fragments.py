"""Blocks of SPARQL that several stored queries share, written once here.

A query file marks where a shared block goes with two comment lines; everything between
them is generated (`python -m coprod_kg.queries.fragments` rewrites every query of
queries/, and a test checks that each file is what this module writes):

    # shared: notes ?point ?ambiguityNote
    ...generated...
    # end shared: notes

The file stays plain SPARQL (grlc, a SPARQL endpoint and the CLI read it as it is): the
block is expanded in the file, not when the query runs. The blocks:

- `notes SUBJECT COLUMN [PROPERTY ...]`: the curators' notes on ambiguous or inconsistent
  text (`cpo:ambiguityNote`, our curation) of SUBJECT, and of the nodes SUBJECT reaches by
  each PROPERTY (an organisation, a programme), in English or untagged only (as every label
  of the stored queries), joined with " | " in the alphabetical order of their texts (an
  ordered sub-select: the same on every engine), one cell per row; a subject without a note
  leaves COLUMN unbound. The notes are read once (a small set, found by the predicate) and
  joined to the rows: never a lookup per row.
- `claim-status CLAIM [STATUS]`: the claim's status (STATUS, ?claimStatus unless named;
  unbound where no link bears on the claim: the outcome queries and programme-figures.rq
  project `(COALESCE(STATUS, "no later evidence") AS ?claimStatus)`, as claim-status.rq
  does; the site's queries leave it unbound and the site writes its own text) and
  the later evidence behind it (?laterEvidence, ?laterFinding, ?laterGrade), our reading of
  the evidence links (data/curation/evidence-links.ttl) by the rule of
  queries/claim-status.rq: the strongest relation wins, no other link about the claim
  outranks it (FILTER NOT EXISTS, not an ordered sub-select, which Virtuoso 7.2.5 answers
  wrongly).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from coprod_kg.errors import InputError

BEGIN = re.compile(r"^(?P<indent> *)# shared: (?P<spec>\S.*?)\s*$")
NOTE_SEPARATOR = " | "
GENERATED = "# (generated: python -m coprod_kg.queries.fragments)"


def _name(variable: str) -> str:
    if not re.fullmatch(r"\?[A-Za-z][A-Za-z0-9]*", variable):
        raise InputError(f"a shared block's variable must be written ?name, not {variable!r}")
    return variable[1:]


def notes(subject: str, column: str, *properties: str) -> str:
    """The joined ambiguity notes of `subject` (and of what it reaches by `properties`)."""
    s, note = _name(subject), _name(column)
    text, found = f"?{s}NoteText", f"?{s}Note"
    english = f'FILTER(lang({found}) = "" || langMatches(lang({found}), "en"))'
    patterns = [f"{{ ?{s} cpo:ambiguityNote {found}\n        {english} }}"]
    patterns += [f"{{ ?{s}NoteHolder cpo:ambiguityNote {found} .\n"
                 f"        ?{s} {prop} ?{s}NoteHolder\n"
                 f"        {english} }}" for prop in properties]
    where = ("\n      UNION ".join(patterns) if properties
             else f"?{s} cpo:ambiguityNote {found}\n      {english}")
    return f"""\
# the curators' notes on the text (cpo:ambiguityNote, our curation), joined in the order
# of their texts {GENERATED[2:]}
OPTIONAL {{
  SELECT ?{s} (GROUP_CONCAT({text}; SEPARATOR="{NOTE_SEPARATOR}") AS ?{note}) WHERE {{
    SELECT DISTINCT ?{s} {text} WHERE {{
      {where}
      BIND(STR({found}) AS {text})
    }}
    ORDER BY {text}
  }}
  GROUP BY ?{s}
}}"""


def claim_status(claim: str, status: str = "?claimStatus") -> str:
    """The status of `claim` (bound to `status`, unbound without later evidence) and the
    later evidence behind it (queries/claim-status.rq)."""
    c, label = _name(claim), _name(status)
    return f"""\
# The claim's status and the later evidence behind it: our reading, from the evidence
# links of data/curation/evidence-links.ttl (queries/claim-status.rq). The strongest
# relation wins (contradicted > qualified > result now reported > supported): no other
# link about the claim outranks it (FILTER NOT EXISTS, not an ordered sub-select).
# {GENERATED[2:]}
OPTIONAL {{
  ?statusLink cpo:aboutClaim ?{c} ;
              cpo:evidenceRelation ?statusRelation ;
              cpo:linksLaterEvidence ?laterEvidence .
  ?statusRelation cpo:statusRank ?statusRank ;
                  cpo:claimStatusLabel ?{label} .
  FILTER NOT EXISTS {{
    ?strongerLink cpo:aboutClaim ?{c} ;
                  cpo:evidenceRelation/cpo:statusRank ?strongerRank .
    FILTER(?strongerRank > ?statusRank)
  }}
  OPTIONAL {{ ?laterEvidence cpo:finding ?laterFinding }}
  OPTIONAL {{ ?laterGrading cpo:gradedEntity ?laterEvidence ;
                           cpo:evidenceGrade/skos:prefLabel ?laterGrade
    FILTER(lang(?laterGrade) = "" || langMatches(lang(?laterGrade), "en")) }}
}}"""


BLOCKS: dict[str, Callable[..., str]] = {"notes": notes, "claim-status": claim_status}


def block(spec: str) -> str:
    """The text of the block a `# shared: NAME ARGS` line names."""
    name, *args = spec.split()
    if name not in BLOCKS:
        raise InputError(f"unknown shared block {name!r} (known: {', '.join(sorted(BLOCKS))})")
    return BLOCKS[name](*args)


def expand(text: str, where: str = "<query>") -> str:
    """`text` with every shared block rewritten from its `# shared:` line."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        match = BEGIN.match(line.rstrip("\n"))
        if not match:
            continue
        indent, spec = match["indent"], match["spec"]
        end = f"{indent}# end shared: {spec.split()[0]}"
        while index < len(lines) and lines[index].rstrip("\n") != end:
            index += 1
        if index == len(lines):
            raise InputError(f"{where}: '# shared: {spec}' has no line '{end.strip()}'")
        try:
            text_of_block = block(spec)
        except InputError as error:
            raise InputError(f"{where}: {error}") from None
        out += [indent + body + "\n" if body else "\n" for body in text_of_block.splitlines()]
        out.append(lines[index])
        index += 1
    return "".join(out)


def rewrite(folder: Path) -> list[Path]:
    """Rewrite the shared blocks of every query of `folder`; the files changed."""
    changed = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        expanded = expand(text, str(path))
        if expanded != text:
            path.write_text(expanded, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    from coprod_kg.graph import sources

    for path in rewrite(sources.queries_dir()):
        sys.stdout.write(f"wrote {path}\n")
