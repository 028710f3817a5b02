"""spaCy adapters: our segmenter as a spaCy tokenizer and our recognizers as pipeline factories.

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "newsfacts.rjieba_tokenizer"}}})
    nlp.add_pipe("newsfacts_figures"); nlp.add_pipe("newsfacts_dates"); nlp.add_pipe("newsfacts_people")
    doc = nlp(text)
    for span in doc.spans["figures"]:
        span._.newsfacts  # {"value": 1435900.0, "unit": "元", "kind": "money", ...}

Factories are registered through the `spacy_factories` entry points in pyproject.toml (and on
import of this module). Offsets come from our character-level recognizers; spans snap outward to
token boundaries.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from .clean import match_view
from .model import Document, Paragraph
from .segment import segment, tokenize

if not Span.has_extension("newsfacts"):
    Span.set_extension("newsfacts", default=None)


class RJiebaTokenizer:
    """jieba's dictionary and HMM through rjieba, with our user dictionary from rules/."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = [t.word for t in tokenize(text)]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs):
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs):
        return self


@registry.tokenizers("newsfacts.rjieba_tokenizer")
def create_rjieba_tokenizer():
    def make(nlp):
        return RJiebaTokenizer(nlp.vocab)
    return make


def _spans(doc: Doc, located: list[tuple[int, int, dict]], label: str) -> list[Span]:
    """(start, end, value) triples as spans carrying their value in span._.newsfacts."""
    spans = []
    for start, end, value in located:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            span._.newsfacts = value
            spans.append(span)
    return spans


def _document(doc: Doc) -> Document:
    text = doc.text
    model = Document(article_id="spacy", source="spacy", raw=text, text=text, match_text=match_view(text)[0])
    model.paragraphs = [Paragraph(0, len(text), "body")]
    return segment(model)


@Language.factory("newsfacts_figures")
def make_figures(nlp: Language, name: str):
    from .figures import find_figures

    def component(doc: Doc) -> Doc:
        located = [(f.start, f.end, {k: v for k, v in asdict(f).items() if k not in ("id", "start", "end")})
                   for f in find_figures(match_view(doc.text)[0])]
        doc.spans["figures"] = _spans(doc, located, "FIGURE")
        return doc
    return component


@Language.factory("newsfacts_dates", default_config={"reference_date": None})
def make_dates(nlp: Language, name: str, reference_date: str | None):
    from .dates import find_dates
    from .reference import resolve_reference

    given = date.fromisoformat(reference_date) if reference_date else None

    def component(doc: Doc) -> Doc:
        text = match_view(doc.text)[0]
        reference = resolve_reference(text, given) if given else resolve_reference(text)
        located = [(d.start, d.end, {"start": d.value_start, "end": d.value_end, "granularity": d.granularity,
                                     "kind": d.kind, "rule": d.rule, "reason": d.reason})
                   for d in find_dates(text, reference)]
        doc.spans["dates"] = _spans(doc, located, "DATE")
        return doc
    return component


@Language.factory("newsfacts_people")
def make_people(nlp: Language, name: str):
    from .people import recognize_people

    def component(doc: Doc) -> Doc:
        model = recognize_people(_document(doc))
        doc.spans["people"] = _spans(doc, [
            (m.start, m.end, {"name": p.name, "roles": [{"title": r.title, "org": r.org} for r in p.roles]})
            for p in model.people for m in p.mentions], "PER")
        doc.spans["organizations"] = _spans(doc, [
            (m.start, m.end, {"name": o.name, "aliases": list(o.aliases)})
            for o in model.organizations for m in o.mentions], "ORG")
        return doc
    return component

