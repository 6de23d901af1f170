"""Synthetic case studies in the coprod-kg model, for the scale benchmark only.

Every synthetic node lives under `https://w3id.org/coprod-kg/id/synthetic/...` and
says so in its labels: nothing here is a fact of the review and none of it may be
copied into data/. The case studies reuse the real vocabulary of the bundled graph
(principles, outcome categories, directions, populations, settings, interventions,
organisations, study designs, references) so that the stored queries find them.

Each case study has ~90 triples, like the real ones: 3 outcomes (2 quantified, 1
qualitative), 1 programme figure, 3 principle alignments and 3 learning points.
Files hold `batch` case studies each, so that validation can work batch by batch.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

ID = "https://w3id.org/coprod-kg/id/"
CPO = "https://w3id.org/coprod-kg/ontology#"
SYN = f"{ID}synthetic/"

PREFIXES = f"""@prefix cpo: <{CPO}> .
@prefix syn: <{SYN}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix unit: <http://qudt.org/vocab/unit/> .

"""

VOCABULARY_CLASSES = {
    "principles": f"{CPO}Principle",
    "categories": f"{CPO}OutcomeCategory",
    "populations": f"{CPO}Population",
    "settings": f"{CPO}Setting",
    "interventions": f"{CPO}Intervention",
    "designs": f"{CPO}StudyDesign",
    "organisations": "http://www.w3.org/ns/prov#Organization",
}
REFERENCES = f"SELECT DISTINCT ?x WHERE {{ ?x <{CPO}citationKey> ?key FILTER(isIRI(?x)) }}"


@dataclass(frozen=True)
class Vocabulary:
    """IRIs of the real concepts the synthetic case studies point to."""

    principles: list[str]
    categories: list[str]
    populations: list[str]
    settings: list[str]
    interventions: list[str]
    designs: list[str]
    organisations: list[str]
    references: list[str]


def read_vocabulary(store) -> Vocabulary:
    """The concepts of the bundled graph, read from any coprod-kg store."""
    queries = {name: f"SELECT DISTINCT ?x WHERE {{ ?x a <{cls}> FILTER(isIRI(?x)) }}"
               for name, cls in VOCABULARY_CLASSES.items()}
    queries["references"] = REFERENCES
    found = {}
    for name, text in queries.items():
        found[name] = sorted(str(row[0]) for row in store.query(text).rows)
        if not found[name]:
            raise ValueError(f"the bundled graph has no {name}")
    return Vocabulary(**found)


def _decimal(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low * 10, high * 10) / 10:.1f}"


def case_study_turtle(number: int, vocab: Vocabulary, rng: random.Random) -> str:
    """The Turtle of synthetic case study `number` (about 90 triples)."""
    slug = f"{number:06d}"
    cs = f"syn:case-study-{slug}"
    page = rng.randint(5, 11)
    principles = rng.sample(vocab.principles, 3)
    outcomes = [f"syn:outcome-{slug}-{k}" for k in (1, 2, 3)]
    alignments = [f"syn:alignment-{slug}-{k}" for k in (1, 2, 3)]
    points = [f"syn:learning-point-{slug}-{k}" for k in (1, 2, 3)]
    figure = f"syn:figure-{slug}"
    reference = f"<{rng.choice(vocab.references)}>"
    population = f"<{rng.choice(vocab.populations)}>"
    lines = [
        f"{cs} a cpo:CaseStudy ;",
        f"    cpo:caseNumber {1000 + number} ;",
        f"    cpo:page {page} ;",
        f'    dcterms:title "Synthetic case study {slug}"@en ;',
        f'    rdfs:label "Synthetic {slug}"@en ;',
        f'    cpo:keyImpact "Synthetic key impact of case study {slug}." ;',
        f'    cpo:background "Synthetic background of case study {slug}." ;',
        f'    cpo:approachDescription "Synthetic approach of case study {slug}." ;',
        f"    cpo:usesIntervention <{rng.choice(vocab.interventions)}> ;",
        f"    cpo:organisation <{rng.choice(vocab.organisations)}> ;",
        f"    cpo:population {population} ;",
        f"    cpo:setting <{rng.choice(vocab.settings)}> ;",
        f'    cpo:startDate "{rng.randint(2000, 2020)}"^^xsd:gYear ;',
        f"    cpo:studyDesign <{rng.choice(vocab.designs)}> ;",
        f"    cpo:evidenceStatus <{ID}evidence-status/evaluated> ;",
        f"    dcterms:references {reference} ;",
        f"    cpo:reportedIn <{ID}review> ;",
        f"    cpo:hasOutcome {' , '.join(outcomes)} ;",
        f"    cpo:hasProgrammeFigure {figure} ;",
        f"    cpo:hasPrincipleAlignment {' , '.join(alignments)} ;",
        f"    cpo:hasLearningPoint {' , '.join(points)} .",
        "",
    ]
    for k, outcome in enumerate(outcomes, start=1):
        direction = rng.choice(("decrease", "decrease", "increase"))
        lines += [
            f"{outcome} a cpo:{'QualitativeOutcome' if k == 3 else 'QuantifiedOutcome'} ;",
            f'    rdfs:label "Synthetic outcome {k} of case study {slug}"@en ;',
            f"    cpo:outcomeCategory <{rng.choice(vocab.categories)}> ;",
            f"    cpo:direction <{ID}direction/{direction}> ;",
        ]
        if k != 3:
            lines += [
                f"    qudt:numericValue {_decimal(rng, 1, 90)} ;",
                "    qudt:unit unit:PERCENT ;",
                f'    cpo:timeFrame "P{rng.randint(3, 36)}M"^^xsd:duration ;',
            ]
        lines += [
            f"    cpo:population {population} ;",
            f'    cpo:quote "Synthetic quote for outcome {k} of case study {slug}." ;',
            f"    cpo:page {page} ;",
            f"    dcterms:source {reference} ;",
            f"    cpo:reportedIn <{ID}review> .",
            "",
        ]
    lines += [
        f"{figure} a cpo:ProgrammeFigure ;",
        f'    rdfs:label "Synthetic figure of case study {slug}"@en ;',
        '    cpo:figureOf "synthetic sites" ;',
        f"    qudt:numericValue {rng.randint(2, 60)}.0 ;",
        "    qudt:unit unit:NUM ;",
        f'    cpo:quote "Synthetic quote for the figure of case study {slug}." ;',
        f"    cpo:page {page} ;",
        f"    cpo:reportedIn <{ID}review> .",
        "",
    ]
    for k, (alignment, principle) in enumerate(zip(alignments, principles, strict=True), start=1):
        lines += [
            f"{alignment} a cpo:PrincipleAlignment ;",
            f"    cpo:principle <{principle}> ;",
            f'    cpo:rationale "Synthetic rationale {k} of case study {slug}." ;',
            f'    cpo:quote "Synthetic quote for alignment {k} of case study {slug}." ;',
            f"    cpo:page {page} .",
            "",
        ]
    for k, point in enumerate(points, start=1):
        lines += [
            f"{point} a cpo:LearningPoint ;",
            f"    cpo:position {k} ;",
            f'    rdfs:label "Synthetic learning point {k} of case study {slug}"@en ;',
            f'    cpo:quote "Synthetic quote for learning point {k} of case study {slug}." ;',
            f"    cpo:page {page} .",
            "",
        ]
    return "\n".join(lines)


def write_synthetic(count: int, folder: Path, vocab: Vocabulary, *, batch: int = 1000,
                    seed: int = 20161118) -> list[Path]:
    """Write `count` synthetic case studies into Turtle files of `batch` case studies each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for start in range(0, count, batch):
        path = folder / f"synthetic-{start // batch:05d}.ttl"
        with path.open("w", encoding="utf-8") as out:
            out.write(PREFIXES)
            for number in range(start + 1, min(start + batch, count) + 1):
                out.write(case_study_turtle(number, vocab, rng))
                out.write("\n")
        files.append(path)
    return files
