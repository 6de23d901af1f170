"""Rows for the static site and the gap map: stored `site-*` queries run on a store, and the
display of the figures they return.

Every figure shown by the site comes from one of these queries; this module only turns the
RDF terms of their rows into Python values and readable text (units, durations, ranges).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from coprod_kg.errors import InputError
from coprod_kg.graph import sources

QUDT_UNIT = "http://qudt.org/vocab/unit/"
QUDT_CURRENCY = "http://qudt.org/vocab/currency/"
SAFE_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def query_text(name: str) -> str:
    """The text of the stored query `queries/NAME.rq`."""
    path = sources.queries_dir() / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot read the stored query: {error.strerror}") from None


def select(store, name: str) -> list[dict[str, Any]]:
    """Run the stored SELECT query NAME; each row as {variable: python value or None}."""
    result = store.query(query_text(name))
    if result.kind != "SELECT":
        raise InputError(f"queries/{name}.rq: expected a SELECT query, got {result.kind}")
    return [
        {variable: to_python(term) for variable, term in zip(result.variables, row, strict=False)}
        for row in result.rows
    ]


# The properties whose values the pages write as numbers (number_text).
FIGURE_CHECK = """
PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
SELECT ?node ?property ?value WHERE {
  VALUES ?property { qudt:numericValue cpo:minValue cpo:maxValue cpo:baselineValue
                     cpo:followUpValue cpo:ratioDenominator cpo:confidenceLevel cpo:ciLower
                     cpo:ciUpper cpo:sampleSize }
  ?node ?property ?value .
  FILTER(!isNumeric(?value))
}
ORDER BY ?node ?property ?value
LIMIT 1
"""


def check_figures(store) -> None:
    """Refuse, in one line, a figure whose value is not a number (`validate` reports it too):
    the pages could not write it as one."""
    rows = store.query(FIGURE_CHECK).rows
    if rows:
        node, prop, value = (str(term) for term in rows[0])
        raise InputError(f"<{node}> <{prop}>: {value!r} is not a number (run coprod-kg "
                         "validate for every problem)")


def select_one(store, name: str) -> dict[str, Any]:
    """The first row of the stored SELECT query NAME; every variable None when it has none."""
    result = store.query(query_text(name))
    if result.kind != "SELECT":
        raise InputError(f"queries/{name}.rq: expected a SELECT query, got {result.kind}")
    row = result.rows[0] if result.rows else (None,) * len(result.variables)
    return {variable: to_python(term) for variable, term in zip(result.variables, row,
                                                                strict=False)}


def to_python(term) -> Any:
    """IRIs and plain strings as str, numbers as Decimal/int, booleans as bool."""
    if term is None:
        return None
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        datatype = str(term.datatype or "")
        if datatype.endswith("#decimal") or datatype.endswith("#double") or datatype.endswith(
            "#float"
        ):
            try:
                return Decimal(str(term))
            except InvalidOperation:
                return str(term)
        if datatype.endswith("#integer") or datatype.endswith("#int") or datatype.endswith(
            "#long"
        ):
            return int(str(term))
        if datatype.endswith("#boolean"):
            return str(term).strip().lower() in ("true", "1")
        return str(term)
    return str(term)


def merge_rows(rows: Iterable[dict], key: str, multi: tuple[str, ...] = ()) -> list[dict]:
    """One dict per distinct `key`, in first-seen order: single fields keep their first
    value; fields named in `multi` collect their distinct non-empty values in a list."""
    merged: dict[Any, dict] = {}
    for row in rows:
        item = merged.get(row[key])
        if item is None:
            item = {name: ([] if name in multi else value) for name, value in row.items()}
            merged[row[key]] = item
        for name in multi:
            value = row.get(name)
            if value is not None and value not in item[name]:
                item[name].append(value)
    for item in merged.values():  # engines return multi-valued fields in different orders
        for name in multi:
            item[name].sort(key=str)
    return list(merged.values())


def slug_of(iri: str) -> str:
    """The last path segment of an IRI, safe as a file name."""
    tail = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return SAFE_SLUG.sub("-", tail).strip("-.") or "item"


# --------------------------------------------------------------------------
# Showing figures
# --------------------------------------------------------------------------


def case_name(number: int | None, label: str | None, joiner: str = ": ") -> str:
    """'Case study 2: POPP'; a case study with no number (cpo:caseNumber) by its label alone;
    'Case study 2' or 'Unnumbered case study' with no label."""
    if number is None:
        return label or "Unnumbered case study"
    return f"Case study {number}{joiner}{label}" if label else f"Case study {number}"


def number_text(value: Decimal | int | None, *, money: bool = False) -> str:
    """80.0 -> '80', 2166.0 -> '2,166', 1.20 (money) -> '1.20', 0.5 -> '0.5'."""
    if value is None:
        return ""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    if money:
        return f"{number:,.2f}"
    return f"{number.normalize():,f}"


def unit_kind(unit: str | None) -> str:
    """'percent', 'money', 'count', 'months', 'years' or '' for an unknown or absent unit."""
    if not unit:
        return ""
    if unit.startswith(QUDT_CURRENCY):
        return "money"
    return {
        QUDT_UNIT + "PERCENT": "percent",
        QUDT_UNIT + "NUM": "count",
        QUDT_UNIT + "MO": "months",
        QUDT_UNIT + "YR": "years",
    }.get(unit, "other")


def with_unit(value: Decimal | int | None, unit: str | None) -> str:
    """A number with its unit: '80%', '£1.20', '260,000', '6 months'."""
    if value is None:
        return ""
    kind = unit_kind(unit)
    if kind == "money":
        code = unit.rsplit("/", 1)[-1]
        symbol = {"GBP": "£", "USD": "$", "EUR": "€"}.get(code)
        text = number_text(value, money=True)
        return f"{symbol}{text}" if symbol else f"{text} {code}"
    text = number_text(value)
    if kind == "percent":
        return f"{text}%"
    if kind in ("months", "years"):
        word = kind if Decimal(value) != 1 else kind[:-1]
        return f"{text} {word}"
    if kind == "other":
        return f"{text} {unit.rsplit('/', 1)[-1]}"
    return text


def figure_text(item: dict) -> str:
    """The figure of an outcome or programme figure row, in words and numbers."""
    unit = item.get("unit")
    parts: list[str] = []
    if item.get("baseline") is not None or item.get("followUp") is not None:
        parts.append(
            f"{with_unit(item.get('baseline'), unit)} before, "
            f"{with_unit(item.get('followUp'), unit)} after"
        )
    elif item.get("minValue") is not None and item.get("maxValue") is not None:
        joiner = "and" if item.get("qualifier") == "between" else "to"
        parts.append(
            f"{with_unit(item['minValue'], unit)} {joiner} {with_unit(item['maxValue'], unit)}"
        )
    elif item.get("value") is not None:
        parts.append(with_unit(item["value"], unit))
    if not parts:
        return ""
    if item.get("denominator") is not None:
        parts.append(f"per {with_unit(item['denominator'], item.get('denominatorUnit'))}")
    if item.get("perPerson"):
        parts.append("per person")
    if item.get("perPeriod"):
        parts.append(f"per {duration_text(item['perPeriod'], singular=True)}")
    text = " ".join(parts)
    qualifier = item.get("qualifier")
    if qualifier == "average":
        return f"{text} on average"
    return f"{qualifier} {text}" if qualifier else text


DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def duration_text(duration: str | None, *, singular: bool = False) -> str:
    """'P14M' -> '14 months' (also from Oxigraph's canonical 'P1Y2M'), 'P3Y' -> '3 years',
    'P1Y' -> '1 year' (or 'year' with singular=True)."""
    if not duration:
        return ""
    match = DURATION.match(str(duration))
    if not match:
        return str(duration)
    years, months, weeks, days = (int(g) if g else None for g in match.groups())
    if years and months:  # a year and some months reads best in months: P1Y2M is 14 months
        years, months = None, years * 12 + months
    amounts = [(years, "year"), (months, "month"), (weeks, "week"), (days, "day")]
    present = [(count, unit) for count, unit in amounts if count is not None]
    if singular and len(present) == 1 and present[0][0] == 1:
        return present[0][1]
    words = [f"{count} {unit}{'' if count == 1 else 's'}" for count, unit in present]
    return ", ".join(words) or str(duration)
