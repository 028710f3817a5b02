"""Organizations and places: find their spans, then resolve short forms to the full name.

Find:
  * places: a gazetteer of provinces, cities and countries (rules/places.txt, Aho–Corasick) and
    segmenter place tokens, each grown over an administrative suffix (省 市 区 县 镇 乡 村 街道);
  * organizations: a suffix grammar over the tokens (…总工会, …委员会, …局, …有限公司, rules/orgs_suffixes.txt):
    the token that ends in a suffix is grown leftwards over place and name tokens; plus a list of
    organizations known by a bare name (rules/orgs_names.txt).
Classify: each organization gets a kind, company | government | organization (org_kind: a learned
name's own kind, else its longest ending listed in rules/orgs_kinds.yaml).
Resolve (within one article): 区总工会 -> 大兴区总工会 when a place 大兴区 and the full form are in
the article; 工程项目部 -> 丰台区河西再生水厂工程项目部 when the short form ends the long one.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable
from functools import lru_cache
from itertools import compress

import numpy as np

from .model import Document, Mention, Organization, Token
from .rules import RulesError, load_words, load_yaml, trie_alternation

log = logging.getLogger(__name__)

ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "街道", "地区", "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡", "村")
ADMIN_HEADS = "区市县省镇乡"  # 区总工会, 市委, 县政府: an abbreviation opens with the level of the place
NAME_POS = {"n", "nt", "ns", "nz", "nrt", "j", "vn", "b", "an", "l", "eng", "ng", "nrfg", "s"}
PREPOSITION_CHARS = "在向对从由与给为被把将"  # 在城镇: a token opening with one of these ends a name
_LEVEL_COMMITTEE = re.compile(f"[{ADMIN_HEADS}]委")  # 区委, 市委: one token
NAMED_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt"})  # the tags TokenIndex.tagged serves
_HAN = re.compile(r"^[\u4e00-\u9fffA-Za-z]+$")


@dataclass(frozen=True)
class OrgSpan:
    start: int
    end: int
    text: str
    kind: str  # company | government | organization (orgs.org_kind) | location
    rule: str


@dataclass(frozen=True)
class OrgLexicon:
    suffixes: frozenset[str]
    names: re.Pattern  # known and learned names, leftmost-longest (see trie_regex)
    known_names: frozenset[str]  # the hand-kept ones (rules/orgs_names.txt)
    places: frozenset[str]
    gazetteer: Gazetteer  # suffixes, places and names (gazetteer_lists), found in one pass
    extension_stops: frozenset[str]
    not_orgs: frozenset[str]
    prefixes: frozenset[str]  # 市, 县, 某市: a level word written before an organization is part of it
    verb_chars: frozenset[str]  # 进社区: a verb character glued to a suffix word
    not_places: frozenset[str]
    kind_endings: dict[str, str]  # name ending -> kind (rules/orgs_kinds.yaml)
    learned_kinds: dict[str, str]  # learned name -> kind (rules/orgs_names_learned.tsv)


ORG_KINDS = ("company", "government", "organization")


def learned_rows(name: str, labels: int = 0) -> tuple[tuple[str, ...], ...]:
    """The rows of a rules/*_learned.tsv file written by `bench/ner.py --learn`: a word, labels more
    columns, then times annotated and times written; validated."""
    rows = []
    for row in load_words(name):
        parts = row.split("\t")
        if len(parts) != 3 + labels or not parts[-2].isdigit() or not parts[-1].isdigit():
            want = "<TAB>".join(["word"] + ["label"] * labels + ["n", "n"])
            raise RulesError(f"rules/{name}: bad row {row!r} (want {want})")
        rows.append(tuple(parts[:1 + labels]))
    return tuple(rows)


def learned_words(name: str) -> tuple[str, ...]:
    """The words of a rules/*_learned.tsv file (word<TAB>times annotated<TAB>times written)."""
    return tuple(row[0] for row in learned_rows(name))


def _kind_endings() -> dict[str, str]:
    spec = load_yaml("orgs_kinds.yaml")
    endings: dict[str, str] = {}
    for kind in ORG_KINDS:
        words = spec.get(kind)
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RulesError(f"rules/orgs_kinds.yaml: {kind!r} must be a list of name endings")
        for word in words:
            if word in endings:
                raise RulesError(f"rules/orgs_kinds.yaml: {word!r} is listed under {endings[word]!r} and {kind!r}")
            endings[word] = kind
    return endings


def _learned_kinds() -> dict[str, str]:
    kinds = {}
    for word, kind in learned_rows("orgs_names_learned.tsv", labels=1):
        if kind not in ORG_KINDS:
            raise RulesError(f"rules/orgs_names_learned.tsv: {word!r} has kind {kind!r}, want one of {ORG_KINDS}")
        kinds[word] = kind
    return kinds


def gazetteer_lists() -> dict[str, tuple[str, ...]]:
    """The word lists organizations and places are found with, by name: org_suffixes
    (rules/orgs_suffixes.txt), places (rules/places.txt) and org_names (rules/orgs_names.txt and the
    learned names); validated. People's titles join them in people.lexicon's one pass."""
    lists = {"org_suffixes": load_words("orgs_suffixes.txt"), "places": load_words("places.txt"),
             "org_names": load_words("orgs_names.txt") + tuple(_learned_kinds())}
    for name, words in lists.items():
        if not words:
            raise RulesError(f"rules: the {name} list holds no entries")
    return lists


@lru_cache(maxsize=1)
def lexicon() -> OrgLexicon:
    stop = load_yaml("orgs_stop.yaml")
    for key in ("extension_stops", "not_orgs", "prefixes", "verb_chars_before_suffix", "not_places"):
        if not isinstance(stop.get(key), list):
            raise RulesError(f"rules/orgs_stop.yaml: {key!r} must be a list of words")
    learned = _learned_kinds()
    lists = gazetteer_lists()
    return OrgLexicon(
        suffixes=frozenset(lists["org_suffixes"]),
        names=trie_regex(lists["org_names"], "orgs_names.txt"),
        known_names=frozenset(load_words("orgs_names.txt")),
        places=frozenset(lists["places"]),
        gazetteer=Gazetteer(lists),
        extension_stops=frozenset(stop["extension_stops"]),
        not_orgs=frozenset(stop["not_orgs"]),
        prefixes=frozenset(stop["prefixes"]),
        verb_chars=frozenset("".join(stop["verb_chars_before_suffix"])),
        not_places=frozenset(stop["not_places"]),
        kind_endings=_kind_endings(),
        learned_kinds=learned,
    )


@lru_cache(maxsize=1 << 14)
def org_kind(name: str) -> str:
    """company | government | organization: the kind a learned name was annotated with, else the kind
    of the longest ending of name listed in rules/orgs_kinds.yaml, else organization."""
    lex = lexicon()
    kind = lex.learned_kinds.get(name)
    if kind is not None:
        return kind
    for size in range(len(name), 0, -1):
        kind = lex.kind_endings.get(name[-size:])
        if kind is not None:
            return kind
    return "organization"


def trie_regex(words, source: str) -> re.Pattern:
    """A regex of the words shaped as their trie (北京(?:市)?…), so that finditer yields the
    leftmost-longest non-overlapping matches, one branch per character, in C."""
    pattern = trie_alternation(words)
    if not pattern:
        raise RulesError(f"rules file {source} holds no entries")
    return re.compile(pattern)


class Gazetteer:
    """Every occurrence of the words of several named lists, found in one pass over a text.

    Python reads only the offsets where two characters open some word (or one character is a whole
    word); numpy finds those offsets from a table of the words' first two characters.
    """

    def __init__(self, lists: dict[str, tuple[str, ...]]):
        self.names = tuple(lists)
        self.masks: dict[str, int] = {}  # word -> bit set of the lists holding it
        for bit, words in enumerate(lists.values()):
            for word in words:
                self.masks[word] = self.masks.get(word, 0) | 1 << bit
        chars = sorted({ch for word in self.masks for ch in word[:2]})
        self._code = np.zeros(0x110000, np.uint16)  # character -> 1 + its index in chars, else 0
        self._code[[ord(ch) for ch in chars]] = np.arange(1, len(chars) + 1)
        self._size = size = len(chars) + 1
        self._pair = np.zeros(size * size, bool)  # codes of two characters opening a longer word
        self._single = np.zeros(size, bool)  # code of a one-character word
        lengths: dict[str, set[int]] = {}
        for word in self.masks:
            codes = [int(self._code[ord(ch)]) for ch in word[:2]]
            if len(word) == 1:
                self._single[codes[0]] = True
            else:
                self._pair[codes[0] * size + codes[1]] = True
                lengths.setdefault(word[:2], set()).add(len(word))
        self._lengths = {head: tuple(sorted(ns, reverse=True)) for head, ns in lengths.items()}  # words of 2+
        self._singles = frozenset(word for word in self.masks if len(word) == 1)
        # word -> positions in self.names of the lists holding it, so find appends without reading bits
        self._owners = {word: tuple(bit for bit in range(len(self.names)) if mask >> bit & 1)
                        for word, mask in self.masks.items()}

    def find(self, text: str) -> dict[str, list[tuple[int, int, str]]]:
        """List name -> (start, end, word) of each occurrence, by start, the longest first at a start."""
        lists: list[list[tuple[int, int, str]]] = [[] for _ in self.names]
        found = dict(zip(self.names, lists))
        if not text:
            return found
        codes = self._code[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)]
        opens = self._single[codes]
        opens[:-1] |= self._pair[codes[:-1].astype(np.intp) * self._size + codes[1:]]
        lengths, owners_of, singles, n = self._lengths, self._owners, self._singles, len(text)
        for start in np.flatnonzero(opens).tolist():
            for size in lengths.get(text[start:start + 2], ()):  # longest first, then a one-character word
                end = start + size
                owners = owners_of.get(text[start:end]) if end <= n else None
                if owners is not None:
                    hit = (start, end, text[start:end])
                    for k in owners:
                        lists[k].append(hit)
            if text[start] in singles:
                hit = (start, start + 1, text[start])
                for k in owners_of[text[start]]:
                    lists[k].append(hit)
        return found


def leftmost_longest(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, leftmost-longest, from every occurrence (Gazetteer.find order)."""
    out, pos = [], 0
    for hit in hits:
        if hit[0] >= pos:
            out.append(hit)
            pos = hit[1]
    return out


class TokenIndex:
    """Which token starts/ends at an offset, for word-boundary checks. Built once per document.

    offsets: (starts, ends) of the tokens when the caller has them (Document.token_offsets()).
    """

    def __init__(self, tokens: list[Token], offsets: tuple[list[int], list[int]] | None = None):
        self.tokens = tokens
        starts, ends = offsets if offsets is not None else ([t.start for t in tokens], [t.end for t in tokens])
        positions = range(len(tokens))
        self.by_start = dict(zip(starts, positions))
        self.by_end = dict(zip(ends, positions))
        self._ends = ends
        self._tagged: dict[str, list[int]] | None = None

    def tagged(self, *tags: str) -> list[int]:
        """Indexes of the tokens tagged with one of tags (names, places, organizations), in order."""
        if self._tagged is None:
            self._tagged = {tag: [] for tag in NAMED_TAGS}
            pos = [t.pos for t in self.tokens]
            for i in compress(range(len(pos)), map(NAMED_TAGS.__contains__, pos)):
                self._tagged[pos[i]].append(i)
        if len(tags) == 1:
            return self._tagged[tags[0]]
        return sorted(i for tag in tags for i in self._tagged[tag])

    def is_start(self, offset: int) -> bool:
        return offset in self.by_start

    def is_end(self, offset: int) -> bool:
        return offset in self.by_end

    def first_ending_after(self, offset: int) -> int:
        """Index of the first token that ends after offset (the token holding offset, if any)."""
        return bisect_right(self._ends, offset)

    def token_at(self, offset: int) -> Token | None:
        i = bisect_right(self._ends, offset)
        return self.tokens[i] if i < len(self.tokens) and self.tokens[i].start <= offset else None


class WordSet:
    """Literal words looked up at an offset: the longest word that starts at, or ends at, a position.

    Words are grouped by their first and last character, so a lookup reads one small group
    (usually empty) instead of looping startswith over every word.
    """

    def __init__(self, words):
        self.words = frozenset(words)
        longest_first = sorted(self.words, key=len, reverse=True)
        self.by_first: dict[str, tuple[str, ...]] = {}
        self.by_last: dict[str, tuple[str, ...]] = {}
        for word in longest_first:
            self.by_first[word[0]] = self.by_first.get(word[0], ()) + (word,)
            self.by_last[word[-1]] = self.by_last.get(word[-1], ()) + (word,)

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def starting_at(self, text: str, pos: int) -> str | None:
        """The longest word written at text[pos:], else None."""
        for word in self.by_first.get(text[pos:pos + 1], ()):
            if text.startswith(word, pos):
                return word
        return None

    def ending_at(self, text: str, pos: int) -> str | None:
        """The longest word written right before text[pos], else None."""
        for word in self.by_last.get(text[pos - 1:pos] if pos > 0 else "", ()):
            if pos >= len(word) and text.startswith(word, pos - len(word)):
                return word
        return None


_ADMIN_SUFFIX_SET = WordSet(ADMIN_SUFFIXES)


def _grow_admin(text: str, end: int) -> int:
    """Extend a place name over the administrative suffix written right after it."""
    suffix = _ADMIN_SUFFIX_SET.starting_at(text, end)
    return end + len(suffix) if suffix is not None else end


def find_places(text: str, index: TokenIndex, found: dict[str, list] | None = None) -> list[OrgSpan]:
    """found: lexicon().gazetteer.find(text), or a wider Gazetteer's finds holding its lists."""
    lex = lexicon()
    found = found or lex.gazetteer.find(text)
    spans: list[OrgSpan] = []
    for start, end, _ in leftmost_longest(found["places"]):
        if start not in index.by_start:
            continue
        grown = _grow_admin(text, end)
        if not (index.is_end(grown) or index.is_end(end)):
            continue
        spans.append(OrgSpan(start, grown, text[start:grown], "location", "place.gazetteer"))
    tokens = index.tokens
    for i in index.tagged("ns"):
        tok = tokens[i]
        if len(tok.word) >= 2 and _HAN.match(tok.word) and tok.word not in lex.not_places:
            end = tok.end
            if i + 1 < len(tokens) and tokens[i + 1].word in ADMIN_SUFFIXES:
                end = tokens[i + 1].end
            if end > tok.end or tok.word.endswith(ADMIN_SUFFIXES):
                spans.append(OrgSpan(tok.start, end, text[tok.start:end], "location", "place.admin_suffix"))
    return _drop_nested(spans)


def _drop_nested(spans: list[OrgSpan]) -> list[OrgSpan]:
    """Keep the longest of overlapping spans (earlier start wins a tie)."""
    ranked = sorted(spans, key=lambda s: (-(s.end - s.start), s.start))
    return sorted(first_disjoint(ranked, lambda s: (s.start, s.end)), key=lambda s: s.start)


def first_disjoint(ranked: list, bounds: Callable) -> list:
    """The items, in their order of preference, that overlap no item kept before them.

    bounds(item) -> (start, end); one mark per character, so the cost is linear in the spans.
    """
    if not ranked:
        return []
    spans = list(map(bounds, ranked))
    taken = bytearray(max(end for _, end in spans))
    out = []
    for item, (start, end) in zip(ranked, spans):
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            out.append(item)
    return out


def find_orgs(text: str, index: TokenIndex, places: list[OrgSpan], found: dict[str, list] | None = None) -> list[OrgSpan]:
    """found: as for find_places."""
    lex = lexicon()
    found = found or lex.gazetteer.find(text)
    place_at_end = {p.end: p for p in places}
    spans: list[OrgSpan] = []
    for start, end, word in leftmost_longest(found["org_names"]):
        if index.is_start(start) and index.is_end(end):
            rule = "org.gazetteer" if word in lex.known_names else "org.learned"
            start = _with_prefix(text, index, _through_places(start, place_at_end), lex)
            spans.append(OrgSpan(start, end, text[start:end], "organization", rule))
    for _, end, suffix in _suffix_hits(found["org_suffixes"], index):
        tok_i = index.by_end[end]
        word = index.tokens[tok_i].word
        if word in lex.not_orgs and len(word) > len(suffix):
            continue  # 部署, 全部: an ordinary word that happens to end in a suffix
        if len(word) == len(suffix) + 1 and word[0] in lex.verb_chars:
            continue  # 进社区, 到医院: a verb glued to a bare suffix
        if end - len(suffix) < index.tokens[tok_i].start and index.is_start(end - len(suffix)):
            tok_i = index.by_start[end - len(suffix)]  # 司法鉴定|所: the suffix spans tokens
        start = _with_prefix(text, index, _grow_left(index, tok_i, place_at_end, lex), lex)
        name = text[start:end]
        if name in lex.not_orgs or (start == index.tokens[tok_i].start and name == suffix):
            continue
        if start == index.tokens[tok_i].start and len(suffix) == 1 and len(name) <= 2:
            continue  # 全部, 到处: a one-character suffix needs a name before it
        spans.append(OrgSpan(start, end, name, "organization", "org.suffix"))
    for tok in map(index.tokens.__getitem__, index.tagged("nt")):
        if len(tok.word) >= 3 and tok.word not in lex.not_orgs:
            spans.append(OrgSpan(tok.start, tok.end, tok.word, "organization", "org.jieba_nt"))
    return _drop_nested(spans)


def _suffix_hits(hits: list[tuple[int, int, str]], index: TokenIndex):
    """Suffix matches that end a token; the longest suffix per end offset."""
    best: dict[int, tuple[int, int, str]] = {}
    for _, end, suffix in hits:
        if not index.is_end(end):
            continue
        tok = index.tokens[index.by_end[end]]
        inside = end - len(suffix) >= tok.start
        if inside and tok.pos.startswith(("v", "d", "p", "c", "u", "m", "q", "r")):
            continue
        if end not in best or len(suffix) > len(best[end][2]):
            best[end] = (end - len(suffix), end, suffix)
    return sorted(best.values())


def _grow_left(index: TokenIndex, tok_i: int, place_at_end: dict[int, OrgSpan], lex: OrgLexicon) -> int:
    """Grow an organization leftwards over name tokens; a place ends the growth after it is taken."""
    tokens = index.tokens
    start = tokens[tok_i].start
    taken = 0
    i = tok_i - 1
    while i >= 0 and taken < 6:
        if start in place_at_end:
            return _through_places(start, place_at_end)
        tok = tokens[i]
        verb_in_name = tok.pos == "v" and i > 0 and tokens[i - 1].pos in ("ns", "nz")  # 河西|再生|水厂
        if (tok.pos not in NAME_POS and not verb_in_name) or tok.word in lex.extension_stops or not _HAN.match(tok.word):
            break
        if tok.word[0] in PREPOSITION_CHARS and tok.pos not in ("ns", "nt"):
            break  # 在城镇: a preposition the segmenter glued to a noun
        start = tok.start
        taken += 1
        i -= 1
    return _through_places(start, place_at_end)


def _with_prefix(text: str, index: TokenIndex, start: int, lex: OrgLexicon) -> int:
    """市红十字会, 县教育局, 某市中级人民法院, 向市|慈善总会: one level word before the name joins it."""
    tok = index.token_at(start - 1) if start > 0 else None
    if tok is None or tok.end != start:
        return start
    if tok.word in lex.prefixes:
        return tok.start
    if len(tok.word) == 2 and tok.word[1] in ADMIN_HEADS and tok.word[0] in PREPOSITION_CHARS:
        return start - 1  # 向市: the segmenter glued the level word to a preposition
    return start


def _through_places(start: int, place_at_end: dict[int, OrgSpan]) -> int:
    """湖北省当阳市玉阳街道: a chain of places written together all open the organization."""
    while start in place_at_end:
        start = place_at_end[start].start
    return start


def resolve_names(spans: list[OrgSpan], places: list[OrgSpan]) -> dict[str, str]:
    """Map each organization text to the full form the article gives anywhere."""
    texts = sorted({s.text for s in spans}, key=len, reverse=True)
    place_names = [p.text for p in places]
    full: dict[str, str] = {}
    for short in texts:
        full[short] = short
        if short[0] in ADMIN_HEADS:
            rest = short[1:]
            candidates = [t for t in texts if t != short and t.endswith(short) and t[: -len(rest)].endswith(short[0])
                          and t[: -len(rest)] in place_names]
            if not candidates:
                candidates = [p + rest for p in place_names if p.endswith(short[0]) and p + rest in texts]
            if candidates:
                full[short] = max(candidates, key=len)
                continue
        size = len(short)
        longer = [t for t in texts if len(t) > size and t.endswith(short)] if size >= 3 else []
        if len({full.get(t, t) for t in longer}) == 1:
            full[short] = full[longer[0]]
    return full


def _merge(spans: list[OrgSpan], names: dict[str, str], text: str, kind: str) -> list[Organization]:
    by_name: dict[str, Organization] = {}
    for span in spans:
        name = names.get(span.text, span.text)
        org = by_name.setdefault(name, Organization(name=name, kind=kind))
        if span.text != name and span.text not in org.aliases:
            org.aliases.append(span.text)
        org.mentions.append(Mention(span.start, span.end, text[span.start:span.end]))
    return list(by_name.values())


def _expand_abbreviations(text: str, index: TokenIndex, spans: list[OrgSpan]) -> list[OrgSpan]:
    """区委, 区教委 as tokens after a place-less context are kept as short organizations."""
    taken = [(s.start, s.end) for s in spans]
    extra = []
    for m in _LEVEL_COMMITTEE.finditer(text):
        start, end = m.span()
        if (start in index.by_start and end in index.by_end and index.by_start[start] == index.by_end[end]
                and all(end <= a or start >= b for a, b in taken)):
            extra.append(OrgSpan(start, end, m.group(), "organization", "org.abbreviation"))
    return spans + extra


def recognize_orgs(doc: Document, index: TokenIndex | None = None, found: dict[str, list] | None = None) -> Document:
    """Organizations and locations of doc; index is the token index of doc.tokens and found the
    gazetteer finds in doc.match_text (see find_places) when the caller has them."""
    index = index or TokenIndex(doc.tokens, doc.token_offsets())
    text = doc.match_text
    found = found or lexicon().gazetteer.find(text)
    places = find_places(text, index, found)
    orgs = _expand_abbreviations(text, index, find_orgs(text, index, places, found))
    names = resolve_names(orgs, places)
    doc.organizations = _merge(orgs, names, doc.text, "organization")
    # 区委 alone with no full form in the article is not an organization we can name (央行, 曼联 are: listed)
    doc.organizations = [o for o in doc.organizations if len(o.name) >= 3 or lexicon().names.fullmatch(o.name)]
    for org in doc.organizations:
        org.kind = org_kind(org.name)
    doc.locations = _merge(places, {}, doc.text, "location")
    log.debug("%s: %d organizations, %d locations", doc.article_id, len(doc.organizations), len(doc.locations))
    return doc


def org_spans(doc: Document) -> list[OrgSpan]:
    """The organization mentions of a recognized document, with the resolved full name as text."""
    out = [OrgSpan(m.start, m.end, o.name, o.kind, "org") for o in doc.organizations for m in o.mentions]
    return sorted(out, key=lambda s: s.start)
