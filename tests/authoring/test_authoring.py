"""Authoring case studies as YAML templates: `new case-study`, `import`, `export-template`.

Every import writes into a temporary copy of data/ (--data-dir), never into the real one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from coprod_kg.authoring import schema as t
from coprod_kg.cli import cli
from coprod_kg.graph import sources

CPO = Namespace("https://w3id.org/coprod-kg/ontology#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
ID = "https://w3id.org/coprod-kg/id/"

CASE_STUDY_FILES = sorted((sources.data_dir() / "case-studies").glob("*.ttl"))

# A small valid template, with the review's own words (Case Study 1, page 5).
VALID = """\
id: test-case
page: 5
title: "Oxleas NHS Mental Health Trust - Experience based co-design (EBCD) toolkit"
approach: "An experience-based co-design (EBCD) approach was used to make improvements to the \
mental health inpatient service."
interventions: [experience-based-co-design]
organisations: [oxleas]
populations: [mental-health-inpatients]
references: [kings-fund-ebcd-oxleas]
study_design: [service-improvement-case-study]
learning_points_stated: false
outcomes:
  - id: test-case-complaints
    type: quantified
    label: "Complaints reduced by 80 per cent over 14 months"
    category: complaints
    direction: decrease
    value: 80
    unit: percent
    time_frame: P14M
    quote: "The results were impressive, with complaints reduced by 80 per cent over 14 months."
    page: 5
    sources: [kings-fund-ebcd-oxleas]
    comparator: none-stated
    measure_type: relative-change
    not_reported: [sample-size, confidence-interval]
alignments:
  - id: test-case-peer-support
    principle: peer-support-networks
    rationale: "Participants came from an existing service-user group."
    quote: "Participants were recruited from ResearchNet, a pre-existing service-user group."
    page: 5
"""


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled data/ to import into."""
    target = tmp_path / "data"
    shutil.copytree(sources.data_dir(), target)
    return target


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def import_(runner, *args):
    return runner.invoke(cli, ["import", *map(str, args)])


# --------------------------------------------------------------------------
# new case-study
# --------------------------------------------------------------------------


def test_new_template_holds_every_field_documented(runner):
    result = runner.invoke(cli, ["new", "case-study", "my-case"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    document = yaml.safe_load(text)
    assert document["id"] == "my-case"
    expected = {"id"} | {f.key for f in t.CASE_STUDY_FIELDS} | set(t.NODE_LISTS)
    assert set(document) == expected
    assert set(document["outcomes"][0]) == (
        {"id", "type"} | {f.key for f in t.OUTCOME_FIELDS})
    assert set(document["alignments"][0]) == {"id"} | {f.key for f in t.ALIGNMENT_FIELDS}
    # every field has a comment with its meaning, and its allowed values from the graph
    for spec in t.CASE_STUDY_FIELDS:
        assert f"# {spec.key} ({spec.status}" in text, spec.key
    assert "# title (required): The case study's heading, as the review gives it." in text
    assert ("  # principle (required): The co-production principle it embodies.\n"
            "  # Allowed: asset-based, blurring-distinctions, building-on-capabilities,\n"
            "  #   facilitating-not-delivering, peer-support-networks, reciprocity-and-mutuality.\n"
            ) in text
    assert '# Example from the review: "Oxleas EBCD"' in text


def test_new_template_to_file_and_bad_slug(runner, tmp_path):
    target = tmp_path / "new.yaml"
    result = runner.invoke(cli, ["new", "case-study", "my-case", "-o", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# coprod-kg case study template")
    result = runner.invoke(cli, ["new", "case-study", "My Case"])
    assert result.exit_code == 2
    assert result.stderr == ("coprod-kg: error: 'My Case' is not a slug (expected lower-case "
                             "letters, digits and hyphens, e.g. my-case-study)\n")


def test_an_unfilled_template_is_refused_item_by_item(runner, tmp_path, data_copy):
    before = tree_hash(data_copy)
    template = tmp_path / "new.yaml"
    runner.invoke(cli, ["new", "case-study", "my-case", "-o", str(template)])
    result = import_(runner, template, "--data-dir", data_copy)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert f"coprod-kg: error: {template}:22: title: missing required field: the case study's " \
           "heading, as the review gives it." in lines
    assert any(line.endswith("outcomes[0]: the item is empty: fill it in, or delete it when "
                             "the review gives no outcomes") for line in lines)
    assert lines[-1] == "coprod-kg: error: 10 errors in the templates; nothing was written"
    assert tree_hash(data_copy) == before


# --------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------


def test_import_writes_one_canonical_turtle_file(runner, tmp_path, data_copy):
    template = write(tmp_path, "case.yaml", VALID)
    result = import_(runner, template, "--data-dir", data_copy)
    assert result.exit_code == 0, result.output
    written = data_copy / "case-studies" / "test-case.ttl"
    assert result.stdout == f"wrote {written}\n"
    graph = Graph().parse(written)
    outcome = URIRef(ID + "outcome/test-case-complaints")
    assert graph.value(outcome, QUDT.numericValue) == Literal("80.0", datatype=XSD.decimal)
    assert "qudt:numericValue 80.0 ;" in written.read_text(encoding="utf-8")
    assert (URIRef(ID + "case-study/test-case"), CPO.hasOutcome, outcome) in graph
    # the rest of data/ is untouched
    assert sorted(p.name for p in (data_copy / "case-studies").iterdir()) == sorted(
        [p.name for p in CASE_STUDY_FILES] + ["test-case.ttl"])


def test_importing_the_same_template_twice_gives_identical_bytes(runner, tmp_path, data_copy):
    template = write(tmp_path, "case.yaml", VALID)
    assert import_(runner, template, "--data-dir", data_copy).exit_code == 0
    written = data_copy / "case-studies" / "test-case.ttl"
    first = written.read_bytes()
    result = import_(runner, template, "--data-dir", data_copy, "--replace")
    assert result.exit_code == 0, result.output
    assert written.read_bytes() == first
    other = tmp_path / "other"
    shutil.copytree(sources.data_dir(), other)
    assert import_(runner, template, "--data-dir", other).exit_code == 0
    assert (other / "case-studies" / "test-case.ttl").read_bytes() == first


def test_an_existing_case_study_is_refused_without_replace(runner, tmp_path, data_copy):
    template = write(tmp_path, "case.yaml", VALID)
    assert import_(runner, template, "--data-dir", data_copy).exit_code == 0
    before = tree_hash(data_copy)
    result = import_(runner, template, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == (
        f"coprod-kg: error: {template}:1: id: duplicate IRI cs:test-case: it already exists in "
        f"{data_copy}/case-studies/test-case.ttl (use --replace to replace that case study)\n")
    assert tree_hash(data_copy) == before


def test_one_bad_template_among_several_writes_nothing(runner, tmp_path, data_copy):
    good = write(tmp_path, "good.yaml", VALID)
    bad = write(tmp_path, "bad.yaml", VALID.replace("test-case", "other-case")
                .replace("value: 80", "value: eighty"))
    before = tree_hash(data_copy)
    result = import_(runner, good, bad, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == (f"coprod-kg: error: {bad}:17: outcomes[0].value: 'eighty' is not a "
                             "number (expected a decimal such as 80.0)\n")
    assert tree_hash(data_copy) == before


SECOND_ALIGNMENT = """\
  - id: test-case-peer-support
    principle: blurring-distinctions
    rationale: "Service users co-managed the whole improvement process."
    quote: "The ResearchNet team co-managed the entire process, including filming, managing \
consent and running events, supported by NHS colleagues."
    page: 5
"""


def _replace_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BAD_TEMPLATES = {
    "invalid YAML": (
        lambda: VALID + "  - [unclosed\n", 2,
        "{file}:33:1: invalid YAML: expected ',' or ']', but got '<stream end>'"),
    "missing required field": (
        lambda: _replace_line(VALID, 'title: "Oxleas NHS Mental Health Trust - Experience based '
                              'co-design (EBCD) toolkit"\n', ""), 2,
        "{file}:1: title: missing required field: the case study's heading, as the review "
        "gives it."),
    "percentage of 140": (
        lambda: _replace_line(VALID, "value: 80", "value: 140"), 2,
        "{file}:17: outcomes[0].value: 140.0 is not a valid percentage (expected a number from "
        "0 to 100 when the unit is percent)"),
    "unknown principle": (
        lambda: _replace_line(VALID, "principle: peer-support-networks", "principle: kindness"),
        2,
        "{file}:28: alignments[0].principle: unknown principle 'kindness' (expected one of: "
        "asset-based, blurring-distinctions, building-on-capabilities, "
        "facilitating-not-delivering, peer-support-networks, reciprocity-and-mutuality)"),
    "unknown category": (
        lambda: _replace_line(VALID, "category: complaints", "category: happiness"), 2,
        "{file}:15: outcomes[0].category: unknown outcome category 'happiness' (expected one of: "
        "{categories})"),
    "non-numeric value": (
        lambda: _replace_line(VALID, "value: 80", "value: eighty"), 2,
        "{file}:17: outcomes[0].value: 'eighty' is not a number (expected a decimal such as "
        "80.0)"),
    "duplicate IRI in the data": (
        lambda: _replace_line(VALID, "id: test-case-complaints", "id: oxleas-complaints"), 2,
        "{file}:12: outcomes[0].id: duplicate IRI out:oxleas-complaints: it already exists in "
        "{data}/case-studies/01-oxleas-ebcd.ttl"),
    "duplicate IRI in the template": (
        lambda: VALID + SECOND_ALIGNMENT, 2,
        "{file}:32: alignments[1].id: duplicate IRI al:test-case-peer-support: alignments[0] "
        "has the same id"),
    "a case number another case study has": (
        lambda: _replace_line(VALID, "page: 5\n", "case_number: 1\npage: 5\n"), 2,
        "{file}:2: case_number: 1 is already the number of cs:oxleas-ebcd (leave it empty for "
        "a case study the review does not number)"),
    "a shape violation (a figure without a unit)": (
        lambda: _replace_line(VALID, "    unit: percent\n", ""), 1,
        "{file}:12: outcomes[0].unit: The figure needs exactly one unit (qudt:unit), an IRI such "
        "as unit:PERCENT, cur:GBP or unit:NUM."),
    "an evaluation layer without its comparator": (
        lambda: _replace_line(VALID, "    comparator: none-stated\n", ""), 1,
        "{file}:12: outcomes[0].comparator: The figure needs exactly one comparator "
        "(cpo:comparator), a concept of the comparators scheme: comparator:none-stated where the "
        "source states no comparison."),
}


@pytest.mark.parametrize("case", list(BAD_TEMPLATES), ids=list(BAD_TEMPLATES))
def test_bad_template_exact_message_and_data_unchanged(runner, tmp_path, data_copy,
                                                       bundled_graph, case):
    make_text, exit_code, message = BAD_TEMPLATES[case]
    template = write(tmp_path, "case.yaml", make_text())
    before = tree_hash(data_copy)
    result = import_(runner, template, "--data-dir", data_copy)
    assert result.exit_code == exit_code, result.output
    categories = ", ".join(sorted(
        str(s)[len(ID + "outcome-category/"):]
        for s in bundled_graph.subjects(RDF.type, CPO.OutcomeCategory)))
    expected = message.format(file=template, data=data_copy, categories=categories)
    assert result.stderr == f"coprod-kg: error: {expected}\n"
    assert tree_hash(data_copy) == before
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind", ["missing", "folder", "not UTF-8", "no permission",
                                  "below a file"])
def test_unreadable_template(runner, tmp_path, data_copy, kind):
    path = tmp_path / "case.yaml"
    if kind == "below a file":
        (tmp_path / "plain").write_text("x", encoding="utf-8")
        path = tmp_path / "plain" / "case.yaml"
    expected = {"missing": "cannot be read: no such file",
                "below a file": "cannot be read: Not a directory",
                "folder": "cannot be read: it is a folder, not a file",
                "not UTF-8": "cannot be read: not UTF-8 text (invalid start byte at byte 0)",
                "no permission": "cannot be read: permission denied"}[kind]
    if kind == "folder":
        path.mkdir()
    elif kind == "not UTF-8":
        path.write_bytes(b"\xff\xfeid: x\n")
    elif kind == "no permission":
        if os.geteuid() == 0:
            pytest.skip("running as root: file permissions do not stop root from reading")
        path.write_text(VALID, encoding="utf-8")
        path.chmod(0)
    before = tree_hash(data_copy)
    result = import_(runner, path, "--data-dir", data_copy)
    assert result.exit_code == 2
    assert result.stderr == f"coprod-kg: error: {path}: {expected}\n"
    assert tree_hash(data_copy) == before


# --------------------------------------------------------------------------
# export-template and the round trip
# --------------------------------------------------------------------------


def test_the_bundled_case_studies_were_found():
    assert len(CASE_STUDY_FILES) >= 6


@pytest.mark.parametrize("path", CASE_STUDY_FILES, ids=lambda p: p.stem)
def test_round_trip_of_every_bundled_case_study(runner, tmp_path, data_copy, path):
    original = Graph().parse(path)
    case = next(s for s in original.subjects() if str(s).startswith(ID + "case-study/"))
    exported = tmp_path / "case.yaml"
    result = runner.invoke(cli, ["export-template", str(case), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    result = import_(runner, exported, "--data-dir", data_copy, "--replace")
    assert result.exit_code == 0, result.output
    rewritten = data_copy / "case-studies" / path.name
    assert result.stdout == f"wrote {rewritten}\n"
    assert isomorphic(Graph().parse(rewritten), original)


def test_export_template_accepts_slug_curie_and_iri(runner):
    # the time frame as the data file writes it (P14M or its normalised form P1Y2M)
    time_frame = str(Graph().parse(CASE_STUDY_FILES[0]).value(
        URIRef(ID + "outcome/oxleas-complaints"), CPO.timeFrame))
    assert time_frame in ("P14M", "P1Y2M")
    texts = {
        case: runner.invoke(cli, ["export-template", case]).stdout
        for case in ("oxleas-ebcd", "cs:oxleas-ebcd", ID + "case-study/oxleas-ebcd")
    }
    assert len(set(texts.values())) == 1
    document = yaml.safe_load(texts["oxleas-ebcd"])
    assert document["id"] == "oxleas-ebcd"
    complaints = next(o for o in document["outcomes"] if o["id"] == "oxleas-complaints")
    assert complaints == {
        "id": "oxleas-complaints", "type": "quantified",
        "label": "Complaints reduced by 80 per cent over 14 months",
        "category": "complaints", "direction": "decrease", "value": 80.0, "unit": "percent",
        "time_frame": time_frame, "populations": ["mental-health-inpatients"],
        "quote": "The results were impressive, with complaints reduced by 80 per cent over 14 "
                 "months.",
        "page": 5, "sources": ["kings-fund-ebcd-oxleas"], "reported_in": "review",
        "comparator": "none-stated", "measure_type": "relative-change",
        "not_reported": ["confidence-interval", "sample-size"],
    }
    assert [lp["position"] for lp in document["learning_points"]] == [1, 2, 3, 4]


def test_export_template_of_an_unknown_case_study(runner):
    result = runner.invoke(cli, ["export-template", "nowhere"])
    assert result.exit_code == 2
    assert result.stderr.startswith("coprod-kg: error: no case study 'nowhere' in the graph "
                                    "(known: accelerated-ebcd, age-uk-personalised-integrated-care")


def test_export_refuses_what_the_template_cannot_hold(tmp_path):
    from coprod_kg.authoring.export_template import ExportError, export_template
    from coprod_kg.graph.load import load_graph

    graph = load_graph()
    case = URIRef(ID + "case-study/oxleas-ebcd")
    graph.add((case, URIRef("http://example.org/unknown"), Literal("x")))
    with pytest.raises(ExportError, match="has a <http://example.org/unknown> value, which the "
                                          "template has no field for"):
        export_template(graph, "oxleas-ebcd")


def test_shape_warnings_are_reported_but_do_not_stop_the_import(runner, tmp_path, data_copy):
    # no time frame: stated as not reported (the evaluation layer), and warned about
    no_time_frame = _replace_line(
        _replace_line(VALID, "    time_frame: P14M\n", ""),
        "not_reported: [sample-size, confidence-interval]",
        "not_reported: [sample-size, confidence-interval, follow-up]")
    template = write(tmp_path, "case.yaml", no_time_frame)
    result = import_(runner, template, "--data-dir", data_copy)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"coprod-kg: warning: {template}:1: case_number: The case study has no number "
        "(cpo:caseNumber): if the review numbers it, add that number; unnumbered case studies "
        "are listed after the numbered ones.\n"
        f"coprod-kg: warning: {template}:1: case study: None of the case study's outcomes has a "
        "time frame (cpo:timeFrame): readers cannot tell over what period the impact was seen.\n")
    assert (data_copy / "case-studies" / "test-case.ttl").is_file()


def test_quality_gates_are_run_on_the_new_nodes_only(bundled_graph):
    """import runs the `*-violation.rq` gates too; a failure names the template's line."""
    from coprod_kg.authoring.transaction import _failed_gates

    graph = Graph()
    graph += bundled_graph
    node = URIRef(ID + "learning-point/test-lp")
    graph.add((node, CPO.page, Literal(3)))
    where = "case.yaml:7: learning_points[0]"  # how the template names the place
    failures = _failed_gates(graph, {(str(node), None): where})
    assert len(failures) == 1
    assert failures[0].startswith("case.yaml:7: learning_points[0]: fails the quality gate "
                                  "page-out-of-range-violation (")
    assert _failed_gates(bundled_graph, {(str(node), None): where}) == []


def test_replace_moves_a_case_study_whose_number_changed(runner, tmp_path, data_copy):
    exported = tmp_path / "oxleas.yaml"
    assert runner.invoke(cli, ["export-template", "oxleas-ebcd", "-o", str(exported)]).exit_code \
        == 0
    text = exported.read_text(encoding="utf-8")
    exported.write_text(_replace_line(text, "case_number: 1\n", "case_number: 7\n"),
                        encoding="utf-8")
    result = import_(runner, exported, "--data-dir", data_copy, "--replace")
    assert result.exit_code == 0, result.output
    old = data_copy / "case-studies" / "01-oxleas-ebcd.ttl"
    new = data_copy / "case-studies" / "07-oxleas-ebcd.ttl"
    assert result.stdout == f"removed {old}\nwrote {new}\n"
    assert not old.exists()
    graph = Graph().parse(new)
    assert graph.value(URIRef(ID + "case-study/oxleas-ebcd"), CPO.caseNumber) == Literal(7)


def test_replace_refuses_to_drop_what_other_data_points_at(runner, tmp_path, data_copy):
    # our evidence link relates later evidence (Springham & Robert 2015) to
    # out:oxleas-complaints: a replacement without that outcome would leave it pointing at nothing
    import yaml

    exported = tmp_path / "oxleas.yaml"
    assert runner.invoke(cli, ["export-template", "oxleas-ebcd", "-o", str(exported)]).exit_code \
        == 0
    document = yaml.safe_load(exported.read_text(encoding="utf-8"))
    document["outcomes"] = [o for o in document["outcomes"] if o["id"] != "oxleas-complaints"]
    exported.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    before = tree_hash(data_copy)
    result = import_(runner, exported, "--data-dir", data_copy, "--replace")
    assert result.exit_code == 1
    assert tree_hash(data_copy) == before
    replaced = data_copy / "case-studies" / "01-oxleas-ebcd.ttl"
    lines = result.stderr.splitlines()
    assert f"coprod-kg: error: {exported}:1: id: replacing {replaced} breaks other data: " \
        "fails the quality gate dangling-link-violation (<https://w3id.org/coprod-kg/id/" \
        "evidence-link/springham-robert-2015-oxleas-complaints> cpo:aboutClaim " \
        "out:oxleas-complaints)" in lines
    assert lines[-1].endswith("errors in the templates; nothing was written")
