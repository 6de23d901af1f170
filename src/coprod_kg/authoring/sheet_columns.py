"""The columns of an extraction sheet, derived from the template's fields (authoring.schema).

One row per outcome, programme figure, principle alignment or learning point (the `record`
column says which; outcome by default). The `case_study` column groups rows into case
studies; the case study's own fields are columns too, given once (on any row of the case
study) or the same on every row. A field of the template that a case study and a node both
have (page, label, populations...) is `case_<key>` for the case study and `<key>` for the
row's node. A new template field becomes a new column without changing this module.

Several values in one cell: slugs (or labels, or identifiers) separated by `;`; texts
separated by an empty line.
"""

from __future__ import annotations

from dataclasses import dataclass

from coprod_kg.authoring import schema as t

# record name in a sheet -> list key of the template ("case-study": a case study's own row)
RECORDS: dict[str, str] = {
    "outcome": "outcomes",
    "figure": "figures",
    "alignment": "alignments",
    "learning-point": "learning_points",
    "case-study": "case_study",
}
RECORD_OF = {key: name for name, key in RECORDS.items()}

LIST_SEPARATOR = ";"
TEXT_SEPARATOR = "\n\n"

# Columns an extraction sheet often has that the graph cannot hold yet: a value in one of
# them is an error (never silently dropped); an empty column is accepted.
UNSUPPORTED: dict[str, str] = {
    "strength": ("the strength of a principle alignment is our curation, recorded in "
                 "data/curation/alignments.ttl by the rubric of docs/curation.md, not in a sheet"),
}


@dataclass(frozen=True)
class Column:
    name: str
    doc: str
    scope: str  # "meta", "node", "case", "unsupported"
    key: str = ""  # the template field's key (node and case columns)
    records: tuple[str, ...] = ()  # which records it applies to (node columns)
    spec: t.Field | None = None
    required: str = ""  # which records require it, for the explanation sheet


META: list[Column] = [
    Column("case_study", "The case study's id (its slug): rows with the same id make one case "
           "study.", "meta", required="all"),
    Column("record", "What the row is: " + ", ".join(RECORDS) + " (default: outcome).", "meta"),
    Column("id", "The row's own id (slug); when empty, <case_study>-<record>-<n> is minted.",
           "meta"),
    Column("outcome_type", "For an outcome: " + ", ".join(t.OUTCOME_TYPES) + " (default: "
           "quantified when a value is given, else qualitative).", "meta"),
]


def _node_keys() -> set[str]:
    return {spec.key for _, fields, _ in t.NODE_LISTS.values() for spec in fields}


def case_column_name(key: str) -> str:
    return f"case_{key}" if key in _node_keys() and key != "case_number" else key


def columns() -> list[Column]:
    """Every column of the default layout, in order."""
    result = list(META)
    seen: dict[str, int] = {}
    for list_key, (_, fields, _) in t.NODE_LISTS.items():
        for spec in fields:
            record = RECORD_OF[list_key]
            if spec.key in seen:
                index = seen[spec.key]
                old = result[index]
                required = _join(old.required, record) if spec.required else old.required
                result[index] = Column(old.name, old.doc, "node", old.key,
                                       old.records + (record,), old.spec, required)
                continue
            seen[spec.key] = len(result)
            result.append(Column(spec.key, spec.doc, "node", spec.key, (record,), spec,
                                 record if spec.required else ""))
    for spec in t.CASE_STUDY_FIELDS:
        result.append(Column(case_column_name(spec.key), "Case study: " + spec.doc, "case",
                             spec.key, spec=spec, required="case study" if spec.required else ""))
    for name, reason in UNSUPPORTED.items():
        result.append(Column(name, f"Not held: {reason}. Leave it empty.", "unsupported"))
    return result


def _join(old: str, record: str) -> str:
    return f"{old}, {record}" if old else record


def column_map() -> dict[str, Column]:
    return {column.name: column for column in columns()}
