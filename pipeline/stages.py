"""One article through every stage: clean -> segment -> reference date -> dates, figures,
people/orgs -> ids -> events -> article dict.

`extract` is the public single-article API; the batch runner and the CLI call `run_stages`.
"""
from __future__ import annotations

from bisect import bisect_left
from datetime import date

from .clean import clean
from .dates import find_dates
from .events import link_events
from .figures import find_figures
from .model import Document
from .people import recognize_people
from .reference import resolve_reference
from .segment import segment
from .write import assign_event_ids, assign_ids, to_article


def run_stages(doc: Document, reference_date: date | None = None, reference_basis: str = "given") -> Document:
    clean(doc)
    segment(doc)
    doc.reference = resolve_reference(doc.match_text, reference_date, reference_basis)
    doc.dates = find_dates(doc.match_text, doc.reference)
    doc.figures = _outside_dates(find_figures(doc.match_text, doc.tokens), doc.dates)
    _retext(doc)
    recognize_people(doc)
    assign_ids(doc)
    link_events(doc)
    assign_event_ids(doc)
    return doc


def _outside_dates(figures: list, dates: list) -> list:
    """A span that is a date (一季度, 2021年) is not also a figure: the date recognizer wins."""
    taken = sorted((d.start, d.end) for d in dates)
    starts = [s for s, _ in taken]
    kept = []
    for fig in figures:
        index = bisect_left(starts, fig.end) - 1  # the last date starting before the figure ends
        overlaps = any(taken[i][1] > fig.start for i in range(max(0, index - 2), index + 1))
        if not overlaps:
            kept.append(fig)
    return kept


def _retext(doc: Document) -> None:
    """Recognizers match on match_text; the facts we emit quote the text as written."""
    for fact in (*doc.dates, *doc.figures):
        fact.text = doc.text[fact.start:fact.end]


def extract(text: str, reference_date: str | date | None = None, article_id: str | None = None,
            source: str | None = None) -> dict:
    """Facts of one article as the schema's article dict.

    >>> extract("2月3日，大兴区总工会发放应急款143.59万元。", reference_date="2021-02-10")["figures"][0]["value"]
    1435900.0
    """
    if isinstance(reference_date, str):
        reference_date = date.fromisoformat(reference_date)
    doc = Document(article_id=article_id or "article", source=source or article_id or "<text>", raw=text)
    return to_article(run_stages(doc, reference_date))
