"""Property-based tests of the templates: any valid template imports to a conforming graph and
exports back to the same content."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coprod_kg.authoring import schema as t
from coprod_kg.authoring.export_template import export_document, export_template, load_verbatim
from coprod_kg.authoring.model import NonConformingTemplate, vocabulary_of
from coprod_kg.authoring.reading import canonical_decimal
from coprod_kg.authoring.transaction import import_templates
from coprod_kg.authoring.yaml_writer import render_template
from coprod_kg.graph import sources
from coprod_kg.graph.load import load_graph

ID = "https://w3id.org/coprod-kg/id/"


@pytest.fixture(scope="module")
def allowed() -> dict[str, list[str]]:
    return vocabulary_of(load_graph()).allowed


# Text: any printable characters, quotes, backslashes, non-Latin scripts and emoji included;
# sometimes several lines (approach descriptions are one bullet point a line).
CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
ONE_LINE = st.text(CHARACTERS, min_size=1, max_size=40).filter(lambda s: s.strip() != "")
TEXT = st.one_of(ONE_LINE, st.lists(ONE_LINE, min_size=2, max_size=3).map("\n".join))
SLUG = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


def decimal_text(minimum: int, maximum: int) -> st.SearchStrategy[str]:
    numbers = st.decimals(min_value=minimum, max_value=maximum, places=2, allow_nan=False,
                          allow_infinity=False)
    return numbers.map(lambda d: canonical_decimal(format(Decimal(d), "f")))


def pick(values: list[str], at_least: int = 1) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=at_least, max_size=2, unique=True).map(
        sorted)


@st.composite
def templates(draw, allowed: dict[str, list[str]]) -> dict:
    """A valid template's content, in canonical form (lists sorted, decimals canonical)."""
    slug = "gen-" + draw(SLUG)
    document: dict = {
        "id": [slug],
        "page": [str(draw(st.integers(5, 11)))],
        "title": [draw(ONE_LINE)],
        "approach": [draw(TEXT)],
        "interventions": draw(pick(allowed["intervention"])),
        "organisations": draw(pick(allowed["organisation"])),
        "populations": draw(pick(allowed["population"])),
        "references": draw(pick(allowed["reference"])),
        "study_design": draw(pick(allowed["study design"])),
    }
    if draw(st.booleans()):
        document["label"] = [draw(ONE_LINE)]
    if draw(st.booleans()):
        document["start_date"] = [draw(st.sampled_from(["2012", "2006-05", "2016-11-01"]))]
    outcomes = []
    for index in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["quantified", "qualitative", "expected"]))
        outcome = {
            "id": [f"{slug}-o{index}"], "type": [kind], "label": [draw(ONE_LINE)],
            "category": [draw(st.sampled_from(allowed["outcome category"]))],
            "direction": [draw(st.sampled_from(["decrease", "increase", "not-applicable"]))],
            "quote": [draw(TEXT)], "page": [str(draw(st.integers(5, 11)))],
            "sources": draw(pick(allowed["reference"])),
        }
        if kind == "quantified":
            unit = draw(st.sampled_from(sorted(t.UNITS)))
            outcome["unit"] = [unit]
            outcome["value"] = [draw(decimal_text(0, 100 if unit == "percent" else 100000))]
        if draw(st.booleans()):
            outcome["time_frame"] = [draw(st.sampled_from(["P14M", "P1Y", "P3Y", "P9M"]))]
        if kind == "quantified":  # the evaluation layer (shapes/evaluation.ttl)
            outcome["comparator"] = [draw(st.sampled_from(allowed["comparator"]))]
            outcome["measure_type"] = [draw(st.sampled_from(allowed["effect measure type"]))]
            outcome["not_reported"] = sorted(
                ["sample-size", "confidence-interval"]
                + ([] if "time_frame" in outcome else ["follow-up"]))
        outcomes.append({k: v for k, v in outcome.items()})
    document["outcomes"] = sorted(outcomes, key=lambda o: o["id"][0])
    document["figures"] = []
    document["alignments"] = [
        {"id": [f"{slug}-a{index}"], "principle": [principle], "rationale": [draw(ONE_LINE)],
         "quote": [draw(TEXT)], "page": [str(draw(st.integers(5, 11)))]}
        for index, principle in enumerate(draw(pick(allowed["principle"])))
    ]
    points = draw(st.integers(0, 2))
    if points == 0:
        document["learning_points_stated"] = ["false"]
    document["learning_points"] = [
        {"id": [f"{slug}-{position}"], "position": [str(position)], "quote": [draw(TEXT)],
         "page": [str(draw(st.integers(5, 11)))]}
        for position in range(1, points + 1)
    ]
    return document




@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_valid_template_imports_conforming_and_exports_back(data, allowed, tmp_path_factory):
    document = data.draw(templates(allowed))
    folder = tmp_path_factory.mktemp("generated")
    data_dir = folder / "data"
    shutil.copytree(sources.data_dir(), data_dir)
    text = render_template(document, allowed)
    path = folder / "case.yaml"
    path.write_text(text, encoding="utf-8")

    result = import_templates([path], data_dir)  # raises unless it conforms

    written = data_dir / "case-studies" / f"{document['id'][0]}.ttl"
    assert result.written == [written]
    graph = load_verbatim([data_dir])
    exported = export_document(graph, ID + "case-study/" + document["id"][0])
    expected = {key: value for key, value in document.items() if value or key in t.NODE_LISTS}
    assert exported == expected
    # and the exported template, written out, gives the same Turtle again
    again = folder / "again.yaml"
    again.write_text(export_template(graph, document["id"][0]), encoding="utf-8")
    first = written.read_bytes()
    import_templates([again], data_dir, replace=True)
    assert written.read_bytes() == first


def test_generated_templates_are_checked_against_the_shapes(allowed, tmp_path):
    """The property above relies on import validating: a shape violation is refused."""
    document = {"id": ["gen-x"], "page": ["5"], "title": ["A title"], "approach": ["An approach"],
                "interventions": [allowed["intervention"][0]],
                "populations": [allowed["population"][0]],
                "references": [allowed["reference"][0]], "outcomes": [], "figures": [],
                "alignments": [], "learning_points": [], "learning_points_stated": ["false"]}
    data_dir = tmp_path / "data"
    shutil.copytree(sources.data_dir(), data_dir)
    path = tmp_path / "case.yaml"
    path.write_text(render_template(document, allowed), encoding="utf-8")
    with pytest.raises(NonConformingTemplate) as caught:
        import_templates([path], data_dir)
    messages = caught.value.errors
    assert any("neither an organisation (cpo:organisation) nor a programme" in m for m in messages)
    assert not (data_dir / "case-studies" / "gen-x.ttl").exists()
    assert isinstance(caught.value.errors[0], str) and str(path) in caught.value.errors[0]


def test_load_verbatim_keeps_lexical_forms(tmp_path: Path):
    source = tmp_path / "one.ttl"
    source.write_text('<urn:a> <urn:b> "P14M"^^<http://www.w3.org/2001/XMLSchema#duration> .\n',
                      encoding="utf-8")
    graph = load_verbatim([source])
    assert any(str(o) == "P14M" for o in graph.objects(None, None))
