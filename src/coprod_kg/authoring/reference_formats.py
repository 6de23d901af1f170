"""Reading reference-manager files with well-kept parsers: RIS (rispy), BibTeX
(bibtexparser), CSL-JSON (json). Each entry becomes the same plain fields; values are kept
as the file gives them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from coprod_kg.authoring.model import TemplateError

BIBO = "http://purl.org/ontology/bibo/"
ARTICLE, REPORT, WEBPAGE, BOOK, DOCUMENT = (BIBO + name for name in (
    "AcademicArticle", "Report", "Webpage", "Book", "Document"))
RIS_TYPES = {"JOUR": ARTICLE, "JFULL": ARTICLE, "EJOUR": ARTICLE, "RPRT": REPORT,
             "ELEC": WEBPAGE, "WEB": WEBPAGE, "BOOK": BOOK, "EBOOK": BOOK}
BIBTEX_TYPES = {"article": ARTICLE, "techreport": REPORT, "report": REPORT, "online": WEBPAGE,
                "misc": DOCUMENT, "book": BOOK}
CSL_TYPES = {"article-journal": ARTICLE, "article": ARTICLE, "report": REPORT,
             "webpage": WEBPAGE, "post-weblog": WEBPAGE, "book": BOOK}


@dataclass
class RawReference:
    where: str  # `refs.ris: entry 2` / `refs.bib: entry palmer2015`
    cls: str
    fields: dict[str, str]  # title, authors, year, venue, volume, issue, pages, doi, ...


def read_reference_file(path: Path) -> list[RawReference]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise TemplateError([f"{path}: cannot be read: no such file"]) from None
    except UnicodeDecodeError as error:
        raise TemplateError([f"{path}: cannot be read: not UTF-8 text ({error.reason} at "
                             f"byte {error.start})"]) from None
    except OSError as error:
        raise TemplateError([f"{path}: cannot be read: {error.strerror}"]) from None
    suffix = path.suffix.lower()
    reader = {".ris": _ris, ".bib": _bibtex, ".json": _csl}[suffix]
    entries = reader(path, text)
    if not entries:
        raise TemplateError([f"{path}: no references in the file"])
    return entries


def _clean(fields: dict[str, str | None]) -> dict[str, str]:
    return {k: " ".join(str(v).split()) for k, v in fields.items() if v and str(v).strip()}


def _pages(first: str | None, last: str | None) -> str | None:
    if first and last:
        return f"{first}-{last}"
    return first or None


def _ris(path: Path, text: str) -> list[RawReference]:
    import rispy

    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises plain IOError/ValueError subclasses
        raise TemplateError([f"{path}: not a valid RIS file ({error})"]) from None
    result = []
    for number, record in enumerate(records, start=1):
        authors = record.get("authors") or record.get("first_authors") or []
        accession = str(record.get("accession_number") or "").strip()
        custom2 = str(record.get("custom2") or "").strip()
        urls = record.get("urls") or []
        fields = _clean({
            "title": record.get("title") or record.get("primary_title"),
            "authors": "; ".join(authors),
            "year": _year(record.get("year") or record.get("publication_year")),
            "venue": record.get("journal_name") or record.get("secondary_title")
            or record.get("alternate_title3"),
            "volume": record.get("volume"),
            "issue": record.get("number"),
            "pages": _pages(record.get("start_page"), record.get("end_page")),
            "doi": record.get("doi"),
            "pmid": accession if accession.isdigit() else None,  # PubMed's RIS: AN = PMID
            "pmcid": custom2 if custom2.upper().startswith("PMC") else None,  # C2 = PMCID
            "url": urls[0] if urls else None,
        })
        cls = RIS_TYPES.get(str(record.get("type_of_reference", "")).upper(), DOCUMENT)
        result.append(RawReference(f"{path}: entry {number}", cls, fields))
    return result


def _year(value) -> str | None:
    if value is None:
        return None
    match = re.match(r"^\s*(\d{4})(\b|/|-)", str(value))
    return match.group(1) if match else str(value)


def _bibtex(path: Path, text: str) -> list[RawReference]:
    import bibtexparser
    from bibtexparser.bparser import BibTexParser

    try:
        database = bibtexparser.loads(text, parser=BibTexParser(common_strings=True))
    except Exception as error:  # bibtexparser raises pyparsing errors
        raise TemplateError([f"{path}: not a valid BibTeX file ({error})"]) from None
    result = []
    for entry in database.entries:
        authors = [a.strip() for a in entry.get("author", "").split(" and ") if a.strip()]
        fields = _clean({
            "title": entry.get("title", "").replace("{", "").replace("}", ""),
            "authors": "; ".join(authors),
            "year": _year(entry.get("year")),
            "venue": entry.get("journal") or entry.get("booktitle") or entry.get("institution"),
            "volume": entry.get("volume"),
            "issue": entry.get("number"),
            "pages": entry.get("pages", "").replace("--", "-"),
            "doi": entry.get("doi"),
            "pmid": entry.get("pmid"),
            "pmcid": entry.get("pmcid"),
            "url": entry.get("url"),
        })
        cls = BIBTEX_TYPES.get(entry.get("ENTRYTYPE", "").lower(), DOCUMENT)
        result.append(RawReference(f"{path}: entry {entry.get('ID', '?')}", cls, fields))
    return result


def _csl(path: Path, text: str) -> list[RawReference]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError([f"{path}:{error.lineno}: not valid JSON: {error.msg}"]) from None
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise TemplateError([f"{path}: expected CSL-JSON: a list of items"])
    result = []
    for number, item in enumerate(items, start=1):
        authors = [", ".join(p for p in (a.get("family"), a.get("given")) if p) or
                   a.get("literal", "") for a in item.get("author", []) if isinstance(a, dict)]
        parts = (item.get("issued") or {}).get("date-parts") or [[None]]
        year = parts[0][0] if parts and parts[0] else None
        fields = _clean({
            "title": item.get("title"),
            "authors": "; ".join(a for a in authors if a),
            "year": str(year) if year is not None else None,
            "venue": item.get("container-title"),
            "volume": item.get("volume"),
            "issue": item.get("issue"),
            "pages": item.get("page"),
            "doi": item.get("DOI"),
            "pmid": item.get("PMID"),
            "pmcid": item.get("PMCID"),
            "url": item.get("URL"),
        })
        name = item.get("id", number)
        cls = CSL_TYPES.get(str(item.get("type", "")), DOCUMENT)
        result.append(RawReference(f"{path}: entry {name}", cls, fields))
    return result
