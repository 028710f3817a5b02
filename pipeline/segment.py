"""Segmentation: jieba's dictionary and HMM through rjieba (the Rust port, same dictionary),
with the user dictionary built once per process from rules/ (titles, organization suffixes,
units), so that 常务副主席, 区总工会, 万元 come out as single tokens.

This is the only module that touches the segmenter.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate

import rjieba

from .model import Document, Token
from .rules import load_yaml

_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*|\n+")
_CLAUSE_END = re.compile(r"[，,、：:]")
_NONBLANK = re.compile(r"\S")  # what str.strip() keeps (both read str.isspace)


@lru_cache(maxsize=1)
def load_user_dictionary() -> int:
    """Add every word of rules/segmentation.yaml to the segmenter, once. Returns the count.

    Entries are "word", "word FREQ" or "word FREQ TAG" (jieba's user-dictionary line format).
    """
    spec = load_yaml("segmentation.yaml")
    words = 0
    for entry in spec.get("words", []):
        word, freq, tag = (str(entry).split() + [None, None])[:3]
        rjieba.add_word(word, int(freq) if freq else None, tag or "n")
        words += 1
    return words


def tokenize(text: str) -> list[Token]:
    """Tokens with half-open offsets into `text` and jieba POS tags."""
    return _tokenize(text)[0]


def _tokenize(text: str) -> tuple[list[Token], list[int], list[int]]:
    """Tokens, their starts and their ends (one pass; the offsets are cached on the Document)."""
    load_user_dictionary()
    tagged = rjieba.tag(text)
    words = [word for word, _ in tagged]
    ends = list(accumulate(map(len, words)))
    starts = [0, *ends[:-1]] if ends else []
    return list(map(Token, words, starts, ends, [pos for _, pos in tagged])), starts, ends


def split_sentences(text: str, max_chars: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans: ends at 。！？； (with closing quotes) or a line break.

    A run longer than max_chars (rules/segmentation.yaml; scraped pages can hold a million
    characters without a full stop) is cut at its last clause mark before the limit, or at the
    limit, so that every later per-sentence step stays bounded.
    """
    limit = max_chars or load_yaml("segmentation.yaml")["max_sentence_chars"]
    spans: list[tuple[int, int]] = []
    start = 0
    nonblank = _NONBLANK.search
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if text[match.start()] != "\n" else match.start()
        if end - start <= limit:  # the common case of _bounded: one piece, kept unless blank
            if nonblank(text, start, end):
                spans.append((start, end))
        else:
            spans += _bounded(text, start, end, limit)
        start = match.end()
    spans += _bounded(text, start, len(text), limit)
    return spans


def _bounded(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """[start, end) in pieces of at most limit characters, blank pieces left out."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = max((m.end() for m in _CLAUSE_END.finditer(text, start + limit // 2, start + limit)), default=start + limit)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def segment(doc: Document) -> Document:
    doc.tokens, doc.token_starts, doc.token_ends = _tokenize(doc.match_text)
    doc.sentences = split_sentences(doc.text)
    return doc
