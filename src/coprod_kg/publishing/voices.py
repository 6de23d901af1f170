"""The three voices of the graph kept apart: the review's statements, what later publications
say, and our curation; plus the vocabulary (ontology and schemes) they are written in.

One classification rule, written once here as SPARQL, is shared by the stored queries
(`queries/review-statements.rq`, `curation-statements.rq`, `later-evidence-statements.rq`,
`vocabulary-statements.rq`, generated from this module: `python -m
coprod_kg.publishing.voices` rewrites them, and a test checks they are in sync) and by
`export --format trig|nquads`, which runs those queries and writes one named graph per voice.

The rule, by the subject of a triple (a blank node takes the voice of the IRI whose value it
is, lists and OWL class expressions included; the ontology's anonymous axioms, blank nodes
typed owl:AllDisjointClasses and the like, are vocabulary):

1. curation: a subject with `prov:wasAttributedTo agent:coprod-kg-developers` (the curation
   marking), and the agent and activity the marking names;
2. later evidence: `cpo:LaterEvidence`, `cpo:LaterEvidenceFigure`, the references of
   later evidence that the review does not cite (no `cpo:citationKey`), and the agents that
   create only such references;
3. vocabulary: every IRI outside the instance namespace (the ontology and the terms it
   declares), SKOS schemes and concepts of the instance namespace that quote no words of the
   review (`cpo:quote`), and the ontology's anonymous axioms;
4. the review: everything else.

The first that applies wins. Beside the rule by subject, one rule by predicate: on a node of
the instance namespace, our notes (`cpo:ambiguityNote`, `skos:editorialNote`), the evidence
status we assign (`cpo:evidenceStatus`), our reading of a figure's evaluation layer
(`cpo:comparator`, `cpo:effectMeasureType`, `cpo:instrument`, `cpo:notReported`) and the
per-figure `dcterms:source` of a claim (an outcome or a programme figure) are curation,
whatever the voice of their subject. So every triple has exactly one voice, but for the limit below.

The limit: a blank node is followed below its IRI only through lists and OWL class
expressions (BLANK_PATH), not through any other property of a blank node: in
`cs:popp rdfs:seeAlso [ rdfs:label "outer" ; rdfs:seeAlso [ rdfs:label "inner" ] ]` the inner
node has no voice, the voice queries leave its triples out and `export --format trig|nquads`
stops saying so. A SPARQL 1.1 property path cannot require the nodes it passes to be blank,
and following every property would walk from blank nodes into IRIs and on through the
graph (wrong voices, and slow at 10,000 case studies on Oxigraph).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

BASE = "https://w3id.org/coprod-kg/"
VOICE_GRAPHS = {
    "review": BASE + "graph/review",
    "later-evidence": BASE + "graph/later-evidence",
    "curation": BASE + "graph/curation",
    "vocabulary": BASE + "graph/vocabulary",
}
ORDER = ("curation", "later-evidence", "vocabulary", "review")

PREFIXES = """\
PREFIX cpo: <https://w3id.org/coprod-kg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX agent: <https://w3id.org/coprod-kg/id/agent/>
"""

# The structure below a blank node: lists and OWL class expressions.
BLANK_PATH = ("(rdf:first|rdf:rest|owl:unionOf|owl:intersectionOf|owl:oneOf|owl:members"
              "|owl:complementOf|owl:onProperty|owl:someValuesFrom|owl:allValuesFrom"
              "|owl:withRestrictions)")
INSTANCES = BASE + "id/"
AXIOM_CLASSES = ("owl:AllDisjointClasses", "owl:AllDisjointProperties", "owl:AllDifferent",
                 "owl:Axiom", "owl:NegativePropertyAssertion")

# How the queries stay fast on Oxigraph (issue 16), which evaluates mostly in written order,
# an EXISTS once per row, and both sides of && and ||: the nodes a voice claims are small
# sets found by index lookups, each computed once (a sub-SELECT, joined or taken out with
# MINUS), never a test per node of the graph; the graph is read whole only where a voice
# takes every node of a namespace (the vocabulary, the review).
UNQUOTED = "FILTER NOT EXISTS { ?root cpo:quote ?quote }"
CLAIMS = {
    "curation": """\
{ ?root prov:wasAttributedTo agent:coprod-kg-developers }
UNION
{ ?marked prov:wasAttributedTo agent:coprod-kg-developers ;
    prov:wasAttributedTo|prov:wasGeneratedBy ?root }""",
    "later-evidence": """\
{ VALUES ?laterClass { cpo:LaterEvidence cpo:LaterEvidenceFigure }
  ?root a ?laterClass }
UNION
{ ?later a cpo:LaterEvidence ; dcterms:source ?root .
  FILTER NOT EXISTS { ?root cpo:citationKey ?key } }
UNION
{ ?found a cpo:LaterEvidence ; dcterms:source ?work .
  ?work dcterms:creator ?root .
  FILTER NOT EXISTS { ?cited dcterms:creator ?root . ?cited cpo:citationKey ?key }
  FILTER NOT EXISTS { ?review dcterms:creator ?root . ?review a cpo:SourceReview } }""",
    # (one NOT EXISTS per branch: Virtuoso 7.2.5 cannot compile one after the UNION in MINUS)
    "vocabulary": f"""\
{{ ?root a skos:ConceptScheme . {UNQUOTED} }}
UNION
{{ ?root skos:inScheme ?scheme . {UNQUOTED} }}""",
}
# A root: an IRI subject, or one of the ontology's anonymous axioms.
IS_ROOT = ("isIRI(?root) || EXISTS { ?root a ?axiom .\n    FILTER(?axiom IN ("
           + ", ".join(AXIOM_CLASSES) + ")) }")
AXIOMS = ("{ VALUES ?axiom { " + " ".join(AXIOM_CLASSES) + " }\n  ?root a ?axiom . "
          "FILTER(isBlank(?root)) }")
# Every subject once, in one pass over the graph. GROUP BY, not DISTINCT: Oxigraph moves a
# FILTER on ?root into a DISTINCT sub-select, where it would test every triple.
SUBJECTS = "{ SELECT ?root WHERE { ?root ?rootProperty ?rootValue } GROUP BY ?root }"
# In the instance namespace (a blank node's STR is an error, or Virtuoso's "nodeID://...":
# never in it), or an IRI outside it (IF: the IRI's text is read once, the few outside it
# are then tested for a blank node).
INSIDE = f'STRSTARTS(STR(?root), "{INSTANCES}")'
OUTSIDE = f"IF({INSIDE}, false, isIRI(?root))"
# A root's triples, and those of the blank nodes below it: a blank value ?top of the root
# and the blank nodes its structure (BLANK_PATH) reaches from there. ?top is found from each
# root when the roots are few; for the review (nearly every node), from the graph's blank
# nodes, so that no value of the graph is tested.
TOP_OF_ROOT = "?root ?first ?top . FILTER(isBlank(?top))"
TOP_OF_ANY = ("{ SELECT ?top WHERE { ?top ?topProperty ?topValue } GROUP BY ?top }\n"
              "  FILTER(isBlank(?top))\n  ?root ?first ?top .")

# Curated by predicate, whatever the voice of the subject: our notes, the evidence status,
# the evaluation layer we read into a figure and the per-figure source of a claim, on a node
# of the instance namespace. The curation voice adds these triples; the other voices leave
# them out (FILTER NOT EXISTS per triple when they are few, else MINUS: computed once).
CURATED_PREDICATES = ("cpo:ambiguityNote", "skos:editorialNote", "cpo:evidenceStatus",
                      "cpo:comparator", "cpo:effectMeasureType", "cpo:instrument",
                      "cpo:notReported")
CLAIM_CLASSES = ("cpo:Outcome", "cpo:QuantifiedOutcome", "cpo:QualitativeOutcome",
                 "cpo:ExpectedOutcome", "cpo:ProgrammeFigure")
CURATED_TRIPLES = f"""\
{{ VALUES ?p {{ {" ".join(CURATED_PREDICATES)} }}
  ?s ?p ?o }}
UNION
{{ VALUES ?claimClass {{ {" ".join(CLAIM_CLASSES)} }}
  ?s a ?claimClass .
  VALUES ?p {{ dcterms:source }}
  ?s ?p ?o }}
FILTER(STRSTARTS(STR(?s), "{INSTANCES}"))"""


def _indent(text: str, spaces: int = 2) -> str:
    return "".join(" " * spaces + line + "\n" if line else "\n" for line in text.splitlines())


def _block(opening: str, body: str) -> str:
    return opening + "\n" + _indent(body) + "}"


def _select(pattern: str) -> str:
    return _block("{ SELECT DISTINCT ?root WHERE {", pattern) + " }"


def _roots(voice: str) -> str:
    """The roots of `voice`: the nodes it claims (the vocabulary: also every IRI outside the
    instance namespace and the anonymous axioms; the review: every subject in it), less
    those claimed by the voices before it in ORDER."""
    if voice == "review":
        own = f"{SUBJECTS}\nFILTER({INSIDE})"
    else:
        own = f"{_select(CLAIMS[voice])}\nFILTER({IS_ROOT})"
        if voice == "vocabulary":
            own = (f"{{ {SUBJECTS}\n  FILTER({OUTSIDE}) }}\nUNION\n{AXIOMS}\nUNION\n"
                   + _block("{", own))
    before = ORDER[: ORDER.index(voice)]
    return own + "".join(f"\nMINUS {_select(CLAIMS[other])}" for other in before)


def _expand(top: str) -> str:
    return ("{ ?root ?p ?o . BIND(?root AS ?s) }\nUNION\n{ " + top + "\n  ?top "
            + BLANK_PATH + "* ?s . FILTER(isBlank(?s))\n  ?s ?p ?o }")


def _where(voice: str) -> str:
    many = voice == "review"
    by_subject = (_block("{", _roots(voice)) + "\n"
                  + _expand(TOP_OF_ANY if many else TOP_OF_ROOT))
    if voice == "curation":
        return _block("{", by_subject) + "\nUNION\n" + _block("{", CURATED_TRIPLES)
    if many:
        return by_subject + "\nMINUS " + _block("{ SELECT ?s ?p ?o WHERE {", CURATED_TRIPLES) + " }"
    return by_subject + "\n" + _block("FILTER NOT EXISTS {", CURATED_TRIPLES)


SUMMARY = {
    "review": "The review's own statements alone (its words, figures, pages and the "
              "entities it names)",
    "later-evidence": "What later publications say, alone (later evidence, its figures and "
                      "its own references, in the reference file's words)",
    "curation": "Our curation alone (every statement of a node with the curation marking, "
                "the curating agent and activity, our notes, the evidence status, the "
                "evaluation layer of each figure and the per-figure source of each claim)",
    "vocabulary": "The vocabulary alone (the ontology, the terms it declares and the SKOS "
                  "schemes the data is written in)",
}


@dataclass(frozen=True)
class Voice:
    name: str
    graph: str
    query_name: str


VOICES = tuple(Voice(name, VOICE_GRAPHS[name], f"{name}-statements") for name in ORDER)


def voice_query(voice: str) -> str:
    """The stored query of one voice: a CONSTRUCT of exactly that voice's triples."""
    description = ("Generated by coprod_kg.publishing.voices (one classification rule for "
                   "the four voice queries and export --format trig|nquads): curation first "
                   "(the curation marking; and, on any node, our notes, the evidence status "
                   "and a claim's dcterms:source), then later evidence, then vocabulary, then the "
                   "review; a blank node takes the voice of an IRI that reaches it.")
    header = (f"#+ summary: {SUMMARY[voice]}\n#+ description: >\n"
              + "".join(f"#+   {line}\n" for line in _wrap(description, 84))
              + "#+ tags:\n#+   - voices\n")
    return (header + PREFIXES + "\n"
            + _block("CONSTRUCT { ?s ?p ?o } WHERE {", _where(voice)) + "\n")


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def query_path(queries_dir: Path, voice: Voice) -> Path:
    return queries_dir / f"{voice.query_name}.rq"


def voice_graphs(graph, *, engine: str = "oxigraph") -> dict[str, object]:
    """voice name -> an rdflib Graph of that voice's triples (as `graph` holds them: every
    literal's lexical form kept), by the stored voice queries. `engine`: "oxigraph" (a
    fraction of a second on the bundled graph) or "rdflib" (the reference, ~35 s)."""
    from coprod_kg.queries.catalogue import bound_text, get_query

    texts = [bound_text(get_query(voice.query_name), {}) for voice in VOICES]
    if engine == "rdflib":
        parts = [_rdflib_construct(graph, text) for text in texts]
    else:
        from coprod_kg.graph.subgraphs import construct_parts

        parts = construct_parts(graph, texts)
    return {voice.name: part for voice, part in zip(VOICES, parts, strict=True)}


def _rdflib_construct(graph, text: str):
    from rdflib import Graph

    part = Graph()
    for triple in graph.query(text):
        part.add(triple)
    return part


def split(graph) -> dict[str, object]:
    """The graph's voices, its blank nodes canonically labelled first (labels unique across
    the voices, the same text for the same graph). A triple of no voice is an InputError:
    an export by voice must not drop it silently."""
    from rdflib.compare import to_canonical_graph

    canonical = to_canonical_graph(graph)
    parts = voice_graphs(canonical)
    check_each_triple_has_one_voice(canonical, parts)
    return parts


def check_each_triple_has_one_voice(graph, parts: dict) -> None:
    """The rule gives a voice to every IRI's statements and to the blank nodes an IRI reaches
    directly or through lists and OWL class expressions. A blank node that no IRI reaches so
    (`[ a cpo:Grading ; ... ]` written on its own, or a blank node inside another: the
    queries cannot follow blank nodes only, see the module's docstring) has none,
    and one that nodes of two voices point to has two: an export by voice stops on either."""
    from coprod_kg.errors import InputError

    voices_of: dict = {}
    for name in ORDER:
        for triple in parts[name]:
            voices_of.setdefault(triple, []).append(name)
    orphans = [triple for triple in graph if triple not in voices_of]
    if orphans:
        raise InputError(
            f"{len(orphans)} triple(s) belong to no voice, so an export by voice would drop "
            "them: their subjects are blank nodes that no IRI reaches directly or through lists "
            "and OWL class expressions, such as a blank node inside another blank node"
            f"{_typed(orphans)}; give them an IRI or point to them from one, or export "
            "--format turtle")
    shared = {triple: names for triple, names in voices_of.items() if len(names) > 1}
    if shared:
        pairs = sorted({", ".join(names) for names in shared.values()})
        raise InputError(
            f"{len(shared)} triple(s) belong to more than one voice ({'; '.join(pairs)}), so an "
            "export by voice would write them twice: their subjects are blank nodes that nodes "
            "of both voices point to; give each its own blank node or an IRI, or export "
            "--format turtle")


def _typed(triples: list) -> str:
    from rdflib import RDF

    from coprod_kg.namespaces import compact_iri

    types = sorted({compact_iri(str(o)) for _, p, o in triples if p == RDF.type})
    return f" (typed {', '.join(types)})" if types else ""


def to_nquads(graph, parts: dict | None = None) -> str:
    """One named graph per voice, as sorted N-Quads."""
    parts = parts or split(graph)
    lines = []
    for voice in VOICES:
        for line in parts[voice.name].serialize(format="nt").splitlines():
            if line.strip():
                triple = line.rstrip()[:-1].rstrip()  # without the final " ."
                lines.append(f"{triple} <{voice.graph}> .")
    return "".join(line + "\n" for line in sorted(lines))


TRIG_ORDER = ("review", "later-evidence", "curation", "vocabulary")


def to_trig(graph, parts: dict | None = None) -> str:
    """One named graph per voice, as TriG with the project's prefixes, in the order review,
    later evidence, curation, vocabulary; each graph's body as the Turtle export writes it,
    but a blank node that more than one graph holds written with its label (a `[ ]` in each
    graph would be a node of its own in each)."""
    from coprod_kg.graph.serialise import to_turtle

    parts = parts or split(graph)
    shared = _shared_blank_nodes([parts[name] for name in TRIG_ORDER])
    prefixes: list[str] = []
    blocks = []
    for name in TRIG_ORDER:
        body = []
        for line in to_turtle(parts[name], shared).splitlines():
            if line.startswith("PREFIX "):
                if line not in prefixes:
                    prefixes.append(line)
            else:
                body.append(line)
        blocks.append(f"<{VOICE_GRAPHS[name]}> {{\n" + "\n".join(body).strip("\n") + "\n}\n")
    return "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)


def _shared_blank_nodes(graphs: list) -> frozenset:
    from rdflib import BNode

    seen: dict = {}
    for index, part in enumerate(graphs):
        for triple in part:
            for node in triple:
                if isinstance(node, BNode):
                    seen.setdefault(node, set()).add(index)
    return frozenset(node for node, where in seen.items() if len(where) > 1)


def write_queries(queries_dir: Path) -> list[Path]:
    written = []
    for voice in VOICES:
        path = query_path(queries_dir, voice)
        path.write_text(voice_query(voice.name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    from coprod_kg.graph import sources

    for path in write_queries(sources.queries_dir()):
        sys.stdout.write(f"wrote {path}\n")
