"""Full-text search for the static site, with no server: a lunr index built in Python when
the site is built, queried in the browser by lunr.js.

`search_documents(content)` gives one document per case study, outcome, later finding,
learning point, principle, outcome domain (answer page) and reference: a title, the text
to search (labels, the review's quotes, the later sources' findings; an outcome also
carries its category's label and definition, so "A&E" and "Accident and Emergency" find
the same outcomes) and the page it links to. `search_index_script(documents)` writes them
as `assets/search-index.js`, a script that sets `window.COPROD_KG_SEARCH` (a script rather
than JSON fetched at run time, so search works from file:// too). The index is lunr.py's,
which lunr.js 2.3.9 loads (vendored in assets/vendor, MIT, from the npm package pinned in
tests/node/package.json); assets/search.js runs the queries.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from coprod_kg.errors import CoprodError
from coprod_kg.publishing.sitedata import case_name, slug_of

EXCERPT = 240  # characters of a result's excerpt


@dataclass(frozen=True)
class SearchDocument:
    url: str  # relative to the site's root
    title: str
    kind: str  # "Outcome", "Case study", ...
    context: str  # where it sits: the case study of an outcome, "" for a top-level page
    text: str  # what is searched besides the title
    excerpt: str  # what a result shows
    note: str = ""  # our reading, shown apart: how later evidence bears on an outcome


def _join(*parts) -> str:
    return " ".join(str(part) for part in parts if part)


def _excerpt(text: str | None, *, quote: bool = False) -> str:
    """The text on one line, cut at a word near EXCERPT characters; a quote in quote marks."""
    text = " ".join((text or "").split())
    if len(text) > EXCERPT:
        text = text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"
    return f"\u201c{text}\u201d" if quote and text else text


def _outcome_note(outcome: dict) -> str:
    """Our reading of an outcome, shown apart: how later evidence bears on it, our notes."""
    parts = [f"Later evidence (our reading): {outcome['claimStatus']}"
             if outcome.get("claimStatus") else ""]
    parts += [f"Our note: {_excerpt(note)}" for note in outcome.get("note", [])]
    return " · ".join(part for part in parts if part)


def search_documents(content) -> list[SearchDocument]:
    """Every searchable thing of the site, in page order."""
    categories = {item.iri: item for item in content.gap_map.categories}
    documents: list[SearchDocument] = []
    for study in content.case_studies:
        documents += _case_study_documents(study, categories)
    for principle in content.principles:
        documents.append(SearchDocument(
            url=f"principles/{principle['slug']}.html", title=principle["label"],
            kind="Principle", context="",
            text=_join(principle.get("definition"), principle.get("quote")),
            excerpt=_excerpt(principle.get("quote") or principle.get("definition"),
                             quote=bool(principle.get("quote")))))
    for domain in content.gap_map.domains:
        documents.append(SearchDocument(
            url=f"evidence/{domain.slug}.html", title=f"{domain.label}: what the evidence says",
            kind="Outcome domain", context="",
            text=_join(domain.definition, *(_join(m.label, m.definition) for m in domain.members)),
            excerpt=_excerpt(domain.definition)))
    for reference in content.references:
        title = reference.get("title") or reference.get("suppliedDescription") or ""
        documents.append(SearchDocument(
            url=f"references.html#ref-{reference['slug']}", title=title, kind="Reference",
            context=reference.get("key") or "",
            text=_join(*reference.get("creator", []), reference.get("venue"),
                       reference.get("issued") or reference.get("date")),
            excerpt=_excerpt(_join("; ".join(reference.get("creator", [])),
                                   reference.get("venue")))))
    return documents


def _case_study_documents(study: dict, categories: dict) -> list[SearchDocument]:
    page = f"case-studies/{study['slug']}.html"
    name = case_name(study["number"], study["name"])
    facets = [entry["label"] for role in ("organisation", "programme", "intervention",
                                          "population", "setting", "place", "adopted in")
              for entry in study["facets"].get(role, [])]
    documents = [SearchDocument(
        url=page, title=name, kind="Case study", context="",
        text=_join(study.get("title"), study.get("keyImpact"), study.get("background"),
                   study.get("approach"), *facets),
        excerpt=_excerpt(study.get("keyImpact") or study.get("title")))]
    for outcome in study["outcomes"]:
        category = categories.get(outcome.get("category"))
        documents.append(SearchDocument(
            url=f"{page}#{outcome['anchor']}", title=outcome["label"], kind="Outcome",
            context=name,
            text=_join(outcome.get("quote"), outcome.get("categoryLabel"),
                       category.definition if category else "", outcome.get("figure_text"),
                       *outcome.get("populationLabel", []), outcome.get("claimStatus"),
                       outcome.get("laterFinding"), name),
            excerpt=(_excerpt(outcome["quote"], quote=True) if outcome.get("quote")
                     else _excerpt(outcome.get("figure_text"))),
            note=_outcome_note(outcome)))
    for evidence in study["later_evidence"]:
        documents.append(SearchDocument(
            url=f"{page}#{slug_of(evidence['evidence'])}", title="; ".join(evidence["claimLabel"]),
            kind="Later evidence", context=name,
            text=_join(evidence.get("finding"), evidence.get("hedge"),
                       evidence.get("referenceTitle") or evidence.get("referenceDescription"),
                       evidence.get("referenceCreator"),
                       *(figure.get("measure") for figure in evidence["figures"]), name),
            excerpt=_excerpt(evidence.get("finding"))))
    for point in study["learning_points"]:
        documents.append(SearchDocument(
            url=f"{page}#learning", title=point.get("label") or "Learning point",
            kind="Learning point", context=name, text=_join(point.get("quote"), name),
            excerpt=_excerpt(point.get("quote"), quote=True),
            note=" · ".join(f"Our note: {_excerpt(note)}" for note in point.get("note", []))))
    return documents


# lunr.js 2.3.9's tokenizer splits on /[\s\-]+/ (JavaScript's \s) and its trimmer strips
# /^\W+/ and /\W+$/ (JavaScript's \W, ASCII only): "£2,166" is "2,166" in the browser.
# lunr.py's own trimmer keeps a token with inner punctuation whole ("£2,166"), so the index
# is fed tokens made here the JavaScript way.
JS_SEPARATOR = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f"
                          "\u205f\u3000\ufeff-]+")
JS_LEADING, JS_TRAILING = re.compile(r"^\W+", re.ASCII), re.compile(r"\W+$", re.ASCII)


def js_tokens(text: str) -> list[str]:
    """The tokens lunr.js 2.3.9 makes of TEXT: lower case, split, then trimmed."""
    trimmed = (JS_TRAILING.sub("", JS_LEADING.sub("", token))
               for token in JS_SEPARATOR.split(text.lower()))
    return [token for token in trimmed if token]


def build_index(documents: list[SearchDocument]) -> dict | None:
    """The lunr index (lunr.js 2.3.9's serialised form) of the documents; each document's
    reference is its position in the list. None when there is nothing to index (lunr cannot
    build an index of no documents; the search page then says there is nothing to search)."""
    try:
        import lunr  # noqa: F401  (the package first: its submodules may be cached)
        from lunr.builder import Builder
        from lunr.stemmer import stemmer
        from lunr.stop_word_filter import stop_word_filter
    except ImportError:
        raise CoprodError("site: the search index needs the Python package lunr, a dependency "
                          "of coprod-kg (make install, or pip install -e ., installs it)"
                          ) from None

    if not documents:
        return None
    builder = Builder()
    builder.pipeline.add(stop_word_filter, stemmer)  # tokens come trimmed (js_tokens)
    builder.search_pipeline.add(stemmer)
    builder.ref("ref")
    builder.field("title", boost=5)
    builder.field("text")
    for n, doc in enumerate(documents):
        # a list is taken as tokens as they are (lunr.py's Tokenizer)
        builder.add({"ref": str(n), "title": js_tokens(doc.title), "text": js_tokens(doc.text)})
    return builder.build().serialize()


def search_index_script(documents: list[SearchDocument]) -> str:
    """The text of assets/search-index.js."""
    payload = {
        "index": build_index(documents),
        "documents": [{key: value for key, value in asdict(doc).items() if key != "text"}
                      for doc in documents],
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # inside a script, "</" could end an inline script and U+2028/9 end a line in old engines
    data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return ("// The site's search index (coprod-kg, lunr 2.3.9 format), generated at build time\n"
            f"window.COPROD_KG_SEARCH = {data};\n")
