"""The YAML case-study template: its fields, how a template file is read (with line numbers),
and how a documented template is written.

A template is a YAML mapping: the case study's own fields at the top level, then the lists
`outcomes`, `figures`, `alignments` and `learning_points`, one mapping per node. Each field
maps to one RDF property (see FIELDS); values that name things of the graph (a principle, an
outcome category, a population...) are slugs, the last part of the thing's IRI.

The file is read with `yaml.compose`, not `yaml.safe_load`, so that every value keeps its line
number and its exact text: `1.20` stays `1.20` (not the float 1.2) until it is checked, and
each error can name the file, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from coprod_kg.namespaces import PREFIXES as NAMESPACES

ID = NAMESPACES["cpr"]
CPO = NAMESPACES["cpo"]
RDFS = NAMESPACES["rdfs"]
DCTERMS = NAMESPACES["dcterms"]
SKOS = NAMESPACES["skos"]
QUDT = NAMESPACES["qudt"]
UNIT = NAMESPACES["unit"]
CUR = NAMESPACES["cur"]
PROV = NAMESPACES["prov"]

FORMAT = "coprod-kg case study template, version 1"

# Units a template may name, and the QUDT IRI each stands for.
UNITS: dict[str, str] = {
    "percent": UNIT + "PERCENT",
    "number": UNIT + "NUM",
    "months": UNIT + "MO",
    "years": UNIT + "YR",
    "GBP": CUR + "GBP",
}

# Outcome kinds and their classes.
OUTCOME_TYPES: dict[str, str] = {
    "quantified": CPO + "QuantifiedOutcome",
    "qualitative": CPO + "QualitativeOutcome",
    "expected": CPO + "ExpectedOutcome",
}

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
DATE_FORMS = (
    (re.compile(r"^\d{4}$"), "gYear"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "gYearMonth"),
    (re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"), "date"),
)


@dataclass(frozen=True)
class Reference:
    """A field whose values are slugs of things of a given class, under one namespace."""

    namespace: str
    prefix: str
    cls: str  # the rdf:type the target must have in the graph
    noun: str  # how an error names it: "principle", "outcome category"


@dataclass(frozen=True)
class Field:
    key: str
    predicate: str
    kind: str  # text | en | int | decimal | bool | duration | date | unit | ref
    doc: str
    example: str = ""
    many: bool = False
    required: bool = False
    recommended: bool = False
    ref: Reference | None = None
    minimum: int | None = None  # for int fields
    maximum: int | None = None

    @property
    def status(self) -> str:
        if self.required:
            return "required"
        return "recommended" if self.recommended else "optional"


def _ref(segment: str, prefix: str, cls: str, noun: str) -> Reference:
    return Reference(ID + segment, prefix, cls, noun)


PRINCIPLE = _ref("principle/", "pr", CPO + "Principle", "principle")
CATEGORY = _ref("outcome-category/", "cat", CPO + "OutcomeCategory", "outcome category")
DIRECTION = _ref("direction/", "dir", CPO + "Direction", "direction")
POPULATION = _ref("population/", "pop", CPO + "Population", "population")
SETTING = _ref("setting/", "setting", CPO + "Setting", "setting")
PLACE = _ref("place/", "place", CPO + "Place", "place")
INTERVENTION = _ref("intervention/", "iv", CPO + "Intervention", "intervention")
ORGANISATION = _ref("agent/", "agent", PROV + "Organization", "organisation")
PROGRAMME = _ref("programme/", "prog", CPO + "Programme", "programme")
DESIGN = _ref("study-design/", "design", CPO + "StudyDesign", "study design")
STATUS = _ref("evidence-status/", "status", CPO + "EvidenceStatus", "evidence status")
DOCUMENT = _ref("reference/", "ref", "http://purl.org/ontology/bibo/Document", "reference")
REVIEW = _ref("", "cpr", CPO + "SourceReview", "source review")
COMPARATOR = _ref("comparator/", "comparator", CPO + "Comparator", "comparator")
MEASURE = _ref("effect-measure/", "measure", CPO + "EffectMeasureType", "effect measure type")
INSTRUMENT = _ref("instrument/", "instrument", CPO + "Instrument", "instrument")
REPORTING_ITEM = _ref("reporting-item/", "item", CPO + "ReportingItem", "reporting item")
QUALIFIER = _ref("value-qualifier/", "qualifier", CPO + "ValueQualifier", "value qualifier")

# The namespace of each kind of node a template mints.
NODE_NAMESPACES = {
    "case_study": (ID + "case-study/", "cs"),
    "outcomes": (ID + "outcome/", "out"),
    "figures": (ID + "figure/", "fig"),
    "alignments": (ID + "alignment/", "al"),
    "learning_points": (ID + "learning-point/", "lp"),
}


def _provenance(required: bool, example: str) -> list[Field]:
    """Quote and page: what every outcome, figure, alignment and learning point has."""
    return [
        Field("quote", CPO + "quote", "text", "The review's own words that state it, verbatim.",
              example, required=required),
        Field("page", CPO + "page", "int", "The page of the review it is on (5-11).", "5",
              required=required, minimum=5, maximum=11),
    ]


def _notes() -> list[Field]:
    return [
        Field("sources", DCTERMS + "source", "ref", "The references the review cites for it.",
              "kings-fund-ebcd-oxleas", many=True, ref=DOCUMENT),
        Field("reported_in", CPO + "reportedIn", "ref", "The source review that reports it.",
              "review", ref=REVIEW),
        Field("ambiguity_notes", CPO + "ambiguityNote", "text",
              "Where the review's text is ambiguous or inconsistent here, and how.",
              '"The words say fewer people reported being depressed/anxious, but the figures '
              'rise from 58 per cent before to 63 per cent after."', many=True),
        Field("editorial_notes", SKOS + "editorialNote", "text", "Any other curator's note.",
              many=True),
    ]


def _figures() -> list[Field]:
    """The value fields shared by outcomes and programme figures."""
    return [
        Field("value", QUDT + "numericValue", "decimal",
              "The figure as a positive magnitude (an 80 per cent reduction is 80.0 with direction "
              "decrease). A percentage must be between 0 and 100. A quantified outcome or a "
              "figure needs a value, a baseline and follow-up pair, or a min and max.", "80.0"),
        Field("unit", QUDT + "unit", "unit",
              "The unit of the value (required with any value): " + ", ".join(UNITS) + ".",
              "percent"),
        Field("baseline_value", CPO + "baselineValue", "decimal",
              "The value before, when the review gives a before/after pair.", "58.0"),
        Field("follow_up_value", CPO + "followUpValue", "decimal",
              "The value after, when the review gives a before/after pair.", "63.0"),
        Field("min_value", CPO + "minValue", "decimal", "The lower end of a range.", "50.0"),
        Field("max_value", CPO + "maxValue", "decimal", "The upper end of a range.", "60.0"),
        Field("ratio_denominator", CPO + "ratioDenominator", "decimal",
              "For a ratio (GBP 1.20 per GBP 1 spent): the amount the value is per.", "1.0"),
        Field("denominator_unit", CPO + "denominatorUnit", "unit",
              "The unit of the ratio's denominator: " + ", ".join(UNITS) + ".", "GBP"),
        Field("per_person", CPO + "perPerson", "bool",
              "true when the value is an amount for each person.", "true"),
        Field("per_period", CPO + "perPeriod", "duration",
              "The period a value is a rate over, as an ISO 8601 duration.", "P1Y"),
        Field("value_qualifier", CPO + "valueQualifier", "ref",
              "The review's own hedge on the figure: approximately, around, over, nearly, "
              "average, between.", "approximately", ref=QUALIFIER),
        Field("time_frame", CPO + "timeFrame", "duration",
              "The period over which it was observed or is expected (ISO 8601 duration).",
              "P14M", recommended=True),
        Field("time_frame_qualifier", CPO + "timeFrameQualifier", "text",
              "The review's own qualifier on the time frame, such as within (an upper bound).",
              "within"),
    ]


def _evaluation() -> list[Field]:
    """The evaluation layer of a quantified outcome (shapes/evaluation.ttl, docs/curation.md):
    what the source compares it with, what kind of quantity it is, its confidence interval
    and instrument, and what the source does not report."""
    return [
        Field("comparator", CPO + "comparator", "ref",
              "For a quantified outcome (required): what the source compares the figure with: "
              "before-after (group not stated), before-after-same-group, concurrent-control, "
              "other-intervention, national-or-regional-average, or none-stated where it "
              "states no comparison (never read one into 'reduced by').",
              "none-stated", ref=COMPARATOR),
        Field("measure_type", CPO + "effectMeasureType", "ref",
              "For a quantified outcome (required): what kind of quantity the figure is: "
              "relative-change, percentage-change-quantity-not-stated, absolute-difference, "
              "ratio, proportion, count, amount, duration.",
              "relative-change", ref=MEASURE),
        Field("ci_lower", CPO + "ciLower", "decimal",
              "The lower bound of the confidence interval, where the source gives one."),
        Field("ci_upper", CPO + "ciUpper", "decimal",
              "The upper bound of the confidence interval, where the source gives one."),
        Field("confidence_level", CPO + "confidenceLevel", "decimal",
              "The confidence interval's level in per cent (95.0), with the interval."),
        Field("instrument", CPO + "instrument", "ref",
              "The scale or questionnaire it was measured with, where the source names one.",
              ref=INSTRUMENT),
        Field("not_reported", CPO + "notReported", "ref",
              "For a quantified outcome: each of sample-size, confidence-interval and follow-up "
              "(the time frame) that the source does not report; each must be given or listed "
              "here, never both.", "confidence-interval", many=True, ref=REPORTING_ITEM),
    ]


CASE_STUDY_FIELDS: list[Field] = [
    Field("case_number", CPO + "caseNumber", "int", "The number the review gives the case study.",
          "1", minimum=1),
    Field("page", CPO + "page", "int", "The page of the review the case study is on (5-11).", "5",
          required=True, minimum=5, maximum=11),
    Field("title", DCTERMS + "title", "en", "The case study's heading, as the review gives it.",
          '"Oxleas NHS Mental Health Trust - Experience based co-design (EBCD) toolkit"',
          required=True),
    Field("label", RDFS + "label", "en", "A short name for tables.", '"Oxleas EBCD"',
          recommended=True),
    Field("key_impact", CPO + "keyImpact", "text",
          "The key impact, as the review's overview table states it.",
          '"Improvements made to mental health inpatients that resulted in 80 per cent '
          'reduction in complaints within 14 months."', recommended=True),
    Field("background", CPO + "background", "text", "The background, in the review's words.",
          '"In 2012, Senior management and staff in Oxleas NHS Mental Health Trust decided to '
          'make improvements to the ward ..."', recommended=True),
    Field("approach", CPO + "approachDescription", "text",
          "The approach, in the review's words, one bullet point a line.",
          '"An experience-based co-design (EBCD) approach was used to make improvements to the '
          'mental health inpatient service."', required=True),
    Field("interventions", CPO + "usesIntervention", "ref", "The co-production approaches used.",
          "experience-based-co-design", many=True, required=True, ref=INTERVENTION),
    Field("organisations", CPO + "organisation", "ref",
          "Organisations that led or took part (an organisation or a programme is required).",
          "oxleas", many=True, recommended=True, ref=ORGANISATION),
    Field("programmes", CPO + "programme", "ref",
          "The named programme or study (an organisation or a programme is required).", "popp",
          many=True, recommended=True, ref=PROGRAMME),
    Field("populations", CPO + "population", "ref", "The populations served.",
          "mental-health-inpatients", many=True, required=True, ref=POPULATION),
    Field("settings", CPO + "setting", "ref", "The care settings.",
          "mental-health-inpatient-ward", many=True, recommended=True, ref=SETTING),
    Field("places", CPO + "place", "ref", "Where it was developed or delivered.",
          "western-australia", many=True, ref=PLACE),
    Field("adopted_in", CPO + "adoptedIn", "ref", "Where the approach was later adopted.",
          "scotland", many=True, ref=PLACE),
    Field("start_date", CPO + "startDate", "date", "When it started: YYYY, YYYY-MM or YYYY-MM-DD.",
          '"2012"', recommended=True),
    Field("end_date", CPO + "endDate", "date", "When it ended: YYYY, YYYY-MM or YYYY-MM-DD.",
          '"2009-03"'),
    Field("date_quote", CPO + "dateQuote", "text", "The review's words the dates come from.",
          '"In 2012, Senior management and staff in Oxleas NHS Mental Health Trust decided to '
          'make improvements to the ward"'),
    Field("study_design", CPO + "studyDesign", "ref",
          "The design the review states for the study (not-stated if it names none).",
          "service-improvement-case-study", many=True, recommended=True, ref=DESIGN),
    Field("evidence_status", CPO + "evidenceStatus", "ref", "How far the evidence has come.",
          "evaluated", many=True, recommended=True, ref=STATUS),
    Field("references", DCTERMS + "references", "ref", "The references the review gives.",
          "kings-fund-ebcd-oxleas", many=True, required=True, ref=DOCUMENT),
    Field("cited_parts", CPO + "citedPart", "text",
          "The part of a reference the review points to.", '"Nesta catalogue: case study 9"',
          many=True),
    Field("reported_in", CPO + "reportedIn", "ref", "The source review that presents it.",
          "review", recommended=True, ref=REVIEW),
    Field("learning_points_stated", CPO + "learningPointsStated", "bool",
          "false when the review states no learning points (then leave learning_points empty).",
          "false"),
    Field("ambiguity_notes", CPO + "ambiguityNote", "text",
          "Where the review's text is ambiguous or inconsistent, and how.",
          '"The review calls the organisation Oxleas NHS Mental Health Trust; its legal name is '
          'Oxleas NHS Foundation Trust."', many=True),
    Field("editorial_notes", SKOS + "editorialNote", "text", "Any other curator's note.",
          many=True),
]

OUTCOME_FIELDS: list[Field] = [
    Field("label", RDFS + "label", "en", "What the outcome is, in a few words.",
          '"Complaints reduced by 80 per cent over 14 months"', required=True),
    Field("category", CPO + "outcomeCategory", "ref", "What the outcome is about.", "complaints",
          required=True, ref=CATEGORY),
    Field("direction", CPO + "direction", "ref", "Which way it moved.", "decrease",
          required=True, ref=DIRECTION),
    *_figures(),
    Field("populations", CPO + "population", "ref", "Who it concerns.",
          "mental-health-inpatients", many=True, ref=POPULATION),
    Field("sample_size", CPO + "sampleSize", "int", "Among how many people it was observed.",
          "325", minimum=0),
    *_evaluation(),
    *_provenance(True, '"The results were impressive, with complaints reduced by 80 per cent '
                       'over 14 months."'),
    *_notes(),
]
# Outcomes need a reference: the review cites one for each.
OUTCOME_FIELDS = [replace(f, required=True) if f.key == "sources" else f for f in OUTCOME_FIELDS]

FIGURE_FIELDS: list[Field] = [
    Field("label", RDFS + "label", "en", "What the figure is, in a few words.",
          '"29 pilot sites in local authorities"', required=True),
    Field("figure_of", CPO + "figureOf", "text", "What the figure counts or measures.",
          '"pilot sites"', recommended=True),
    *_figures(),
    Field("sample_size", CPO + "sampleSize", "int", "Among how many people it was observed.",
          minimum=0),
    *_provenance(True, '"Oxleas met with patients for six months before they felt it was '
                       'appropriate to start EBCD."'),
    *_notes(),
]

ALIGNMENT_FIELDS: list[Field] = [
    Field("principle", CPO + "principle", "ref", "The co-production principle it embodies.",
          "peer-support-networks", required=True, ref=PRINCIPLE),
    Field("rationale", CPO + "rationale", "text", "Why: the curator's reason, in a sentence.",
          '"Service users, not staff, co-managed the whole improvement process."', required=True),
    *_provenance(True, '"Participants were recruited from ResearchNet, a pre-existing '
                       'service-user group."'),
    *_notes(),
]

LEARNING_POINT_FIELDS: list[Field] = [
    Field("position", CPO + "position", "int", "Its place in the review's list, from 1.", "1",
          required=True, minimum=1),
    Field("label", RDFS + "label", "en", "The point in a few words.",
          '"Allow plenty of time to build trust"', recommended=True),
    *_provenance(True, '"Recruit patients from existing, well-established support groups or '
                       'put that support in place."'),
    *_notes(),
]

# Nested lists: key -> (link from the case study, fields, node type(s), doc)
NODE_LISTS: dict[str, tuple[str, list[Field], str]] = {
    "outcomes": (CPO + "hasOutcome", OUTCOME_FIELDS, "The outcomes the review reports."),
    "figures": (CPO + "hasProgrammeFigure", FIGURE_FIELDS,
                "Figures that describe the programme or approach rather than its impact."),
    "alignments": (CPO + "hasPrincipleAlignment", ALIGNMENT_FIELDS,
                   "Which co-production principles the case study embodies, and why "
                   "(at least one)."),
    "learning_points": (CPO + "hasLearningPoint", LEARNING_POINT_FIELDS,
                        "The learning points the review draws, in its order."),
}
NODE_CLASSES = {
    "figures": CPO + "ProgrammeFigure",
    "alignments": CPO + "PrincipleAlignment",
    "learning_points": CPO + "LearningPoint",
}
