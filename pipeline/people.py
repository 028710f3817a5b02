"""People and their roles.

Find, in this order of trust:
  1. byline reporters (doc.byline), and names after a reporter label (记者 孙艳, 通讯员王金虎报道);
  2. names next to context: a title or role word before (主席郭金江, 选手刘洋) or after (郭金江主席),
     a caption bracket after (牛玉俊(右二)), a verb after (…表示, …带队), a list joined by 、 or 和;
  3. the segmenter's nr tag, as one weak signal among the others.
A candidate must have the shape of a name: a surname from rules/people_surnames.txt and one or two
given-name characters (names are built from characters: jieba splits 郭金江 into 郭|金江), or a
transliteration joined by ·. Words in rules/people_not_names.txt are never names.
Every occurrence of an accepted name is a mention of the same person (a caption and the body);
a bare surname (郭) is not a new person.

Roles: the chain of titles written before a name, split at 、 and ，, each with its organization
(大兴区人大常委会党组成员、副主任，区总工会主席郭金江); a title after a name; titles naming no
person go to doc.roles.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick
import numpy as np

from .model import Document, Mention, Person, Role
from .orgs import (Gazetteer, OrgSpan, TokenIndex, WordSet, first_disjoint, gazetteer_lists, learned_words, org_spans,
                   recognize_orgs)
from .rules import RulesError, load_words, load_yaml

log = logging.getLogger(__name__)

SEPARATORS = "、，,"
LIST_JOINTS = ("、", "和", "与", "及", "/")
ADMIN_LEVELS = ("自治区", "自治州", "省", "市", "县", "区", "州")
PREPOSITIONS = "向对与同跟给让把被将从在"
SPACES = " \u3000\t"
DOTS = "·・•‧"
REPORTER_LABELS = ("记者", "通讯员", "摄影", "摄影记者", "见习记者", "实习记者", "特约记者", "实习生", "编辑")
CREDIT_TAILS = ("报道", "摄影", "摄", "文", "图", "发自")
QUOTES_OPEN, QUOTES_CLOSE = "“‘\"", "”’\""
AGE_BEFORE = re.compile(r"\d{1,3}岁的$")
AGE_AFTER_TITLE = re.compile(r"[、，,]?\d{1,3}岁的$")
FOREIGN_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}(?:[%s][\u4e00-\u9fff]{1,6})+" % DOTS)  # 努尔・白克力
SPACED_NAME = re.compile(r"([\u4e00-\u9fff])[ \u3000]{1,3}([\u4e00-\u9fff])(?![\u4e00-\u9fff])")  # 辛  阳
BRACKET_AFTER = re.compile(r"[ \u3000]*[(（]([^()（）\n]{2,12})[)）]")  # 郭金江（主席）
ACCEPT = 2.5  # evidence needed to accept a name candidate
GIVEN_WEIGHT = 0.5  # evidence per unit of mean log-odds of the surname and given-name characters
NR_WEIGHT = {2: 1.0, 3: 2.0}  # a native name the segmenter tags nr, by length
NR_SPLIT_WEIGHT = 1.5  # a three-character name the segmenter cut into a name word and another word
NOT_NAME_PART_TAGS = ("v", "p", "c", "u", "d", "r", "m", "q", "f", "x", "y", "e", "o", "zg")  # 李明|说, 王刚|和
SURNAME_SHARE = 0.5
PLACE_WEIGHT = -0.5  # a word the segmenter tags as a place or an organization
LIST_LIFT_MIN = 1.5  # own evidence a candidate needs before a named list neighbour lifts it (印尼、海峡 stay out)
LIST_NEIGHBOUR_MIN = ACCEPT - 1.0  # evidence that makes a candidate a named list neighbour (_resolve_lists)
JOINT_CHARS = frozenset("".join(LIST_JOINTS))  # every joint is one character (Evidence.hopeless relies on it)


@dataclass(frozen=True)
class TitleSpan:
    start: int
    end: int
    head: str
    kind: str  # title | honour | untitled
    weak: bool
    body: str = ""  # 党组 / 党委 ... opening the title


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    name: str
    evidence: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(self.evidence.values())


@dataclass(frozen=True)
class PeopleLexicon:
    gazetteer: Gazetteer  # titles (the words of kinds) and the organization lists (orgs.gazetteer_lists), one pass
    kinds: dict[str, str]
    weak: frozenset[str]
    modifiers: WordSet
    bodies: WordSet
    honour_scopes: WordSet
    surnames: frozenset[str]
    compound_surnames: frozenset[str]
    not_names: frozenset[str]
    cues_after: WordSet
    cues_after_strong: frozenset[str]
    cues_before: WordSet
    honorific_after: WordSet
    bracket: re.Pattern
    stop_chars: frozenset[str]
    translit: frozenset[str]
    translit_run: re.Pattern  # three or more transliteration characters or dots in a row
    surname_start: np.ndarray  # by code point: the character opens a surname (single or compound)
    given_odds: dict[str, float]  # log-odds of a character being in a given name, vs. any text
    surname_odds: dict[str, float]  # log-odds of a character being the surname, vs. any text
    place_final: frozenset[str]  # last characters that make a name-shaped word a river or village


def _name_odds(rows: tuple[str, ...]) -> tuple[dict[str, float], dict[str, float]]:
    """rules/people_given_chars.tsv rows (char, in given names, as surname, in all text) -> smoothed
    log-odds of a character in a given name, and of a character as the surname, against any text."""
    counts = []
    for row in rows:
        parts = row.split("\t")
        if len(parts) != 4 or len(parts[0]) != 1 or not all(p.isdigit() for p in parts[1:]):
            raise RulesError(f"rules/people_given_chars.tsv: bad row {row!r} (want char<TAB>n<TAB>n<TAB>n)")
        counts.append((parts[0], int(parts[1]), int(parts[2]), int(parts[3])))
    total_text = sum(c[3] for c in counts) or 1

    def odds(col: int) -> dict[str, float]:
        total = sum(c[col] for c in counts) or 1
        return {c[0]: max(-3.0, min(3.0, math.log((c[col] + 0.2) / total) - math.log((c[3] + 1) / total_text)))
                for c in counts}

    return odds(1), odds(2)


def _char_table(chars) -> np.ndarray:
    table = np.zeros(0x110000, bool)
    table[[ord(ch) for ch in chars]] = True
    return table


def _offsets_of(table: np.ndarray, text: str) -> list[int]:
    """Offsets of the characters of text marked in table (see _char_table), in order."""
    if not text:
        return []
    return np.flatnonzero(table[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)]).tolist()


def _word_list(spec: dict, key: str, source: str) -> list[str]:
    words = spec.get(key)
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise RulesError(f"rules/{source}: {key!r} must be a list of words")
    return words


@lru_cache(maxsize=1)
def lexicon() -> PeopleLexicon:
    titles = load_yaml("people_titles.yaml")
    cues = load_yaml("people_cues.yaml")
    kinds: dict[str, str] = {}
    for key, kind in (("untitled", "untitled"), ("heads", "title"), ("honours", "honour")):
        for word in _word_list(titles, key, "people_titles.yaml"):
            kinds[word] = kind
    for word in learned_words("people_titles_learned.tsv"):
        kinds.setdefault(word, "title")  # written by hand wins
    surnames = load_words("people_surnames.txt")
    try:
        bracket = re.compile(cues["brackets"])
    except (KeyError, re.error) as exc:
        raise RulesError(f"rules/people_cues.yaml: 'brackets' must be a valid regex: {exc}") from exc
    translit = frozenset("".join(load_words("people_translit_chars.txt")))
    given_odds, surname_odds = _name_odds(load_words("people_given_chars.tsv"))
    return PeopleLexicon(
        gazetteer=Gazetteer({"titles": tuple(kinds), **gazetteer_lists()}),
        kinds=kinds,
        weak=frozenset(_word_list(titles, "weak_heads", "people_titles.yaml")),
        modifiers=WordSet(_word_list(titles, "modifiers", "people_titles.yaml")),
        bodies=WordSet(_word_list(titles, "bodies", "people_titles.yaml")),
        honour_scopes=WordSet(_word_list(titles, "honour_scopes", "people_titles.yaml")),
        surnames=frozenset(s for s in surnames if len(s) == 1),
        compound_surnames=frozenset(s for s in surnames if len(s) == 2),
        not_names=frozenset(load_words("people_not_names.txt")),
        cues_after=WordSet(_word_list(cues, "after", "people_cues.yaml")),
        cues_after_strong=frozenset(_word_list(cues, "after_strong", "people_cues.yaml")),
        cues_before=WordSet(_word_list(cues, "before", "people_cues.yaml")),
        honorific_after=WordSet(_word_list(cues, "honorific_after", "people_cues.yaml")),
        bracket=bracket,
        stop_chars=frozenset("".join(_word_list(cues, "not_in_given_name", "people_cues.yaml"))),
        translit=translit,
        surname_start=_char_table({s[0] for s in surnames}),
        translit_run=re.compile("[%s]{3,}" % re.escape("".join(sorted(translit)) + DOTS)),
        given_odds=given_odds,
        surname_odds=surname_odds,
        place_final=frozenset("".join(_word_list(cues, "place_final", "people_cues.yaml"))),
    )


# ---------------------------------------------------------------- titles

def find_titles(text: str, index: TokenIndex, places: list[OrgSpan], found: dict[str, list] | None = None) -> list[TitleSpan]:
    """Titles and role words, leftmost-longest, grown leftwards over modifiers, bodies and honour scopes.

    found: lexicon().gazetteer.find(text) when the caller has it."""
    lex = lexicon()
    found = found or lex.gazetteer.find(text)
    # the longest titles first, then the earliest; titles inside or across a chosen one are dropped
    hits = sorted(found["titles"], key=lambda h: (h[0] - h[1], h[0]))
    chosen = first_disjoint(hits, lambda h: (h[0], h[1]))
    place_end = {p.end: p for p in places}
    out = []
    for start, end, head in sorted(chosen):
        tok = index.token_at(end - 1)
        if tok is not None and tok.end > end and not _surname_at(text, end):
            continue  # 主席台, 代表团: the title cuts a word
        kind = lex.kinds[head]
        start, body = _grow_title(text, start, kind, place_end)
        out.append(TitleSpan(start, end, head, kind, head in lex.weak, body))
    return out


def _grow_title(text: str, start: int, kind: str, place_end: dict[int, OrgSpan]) -> tuple[int, str]:
    lex = lexicon()
    if kind == "honour":
        scope = lex.honour_scopes.ending_at(text, start)
        if scope is not None:
            return start - len(scope), ""
        if start in place_end:
            return place_end[start].start, ""
        return start, ""
    if kind != "title":
        return start, ""
    mod = lex.modifiers.ending_at(text, start)
    while mod is not None:
        start -= len(mod)
        mod = lex.modifiers.ending_at(text, start)
    body = lex.bodies.ending_at(text, start)
    if body is not None:
        return start - len(body), body
    return start, ""


def _surname_at(text: str, offset: int) -> bool:
    lex = lexicon()
    return text[offset:offset + 1] in lex.surnames or text[offset:offset + 2] in lex.compound_surnames


# ---------------------------------------------------------------- name candidates

def name_shape(text: str, start: int, end: int) -> bool:
    """Surname + one or two given-name characters, none of them punctuation or function words."""
    return _is_name_shape(text[start:end])


@lru_cache(maxsize=1 << 16)
def _is_name_shape(name: str) -> bool:
    lex = lexicon()
    if not 2 <= len(name) <= 4 or name in lex.not_names or name in lex.kinds:
        return False
    if not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return False
    sur = 2 if name[:2] in lex.compound_surnames and len(name) >= 3 else 1
    if sur == 1 and name[0] not in lex.surnames:
        return False
    given = name[sur:]
    if not 1 <= len(given) <= 2 or any(ch in lex.stop_chars for ch in given):
        return False
    return given not in lex.honorific_after  # 程先生, 刘老师: a surname and a form of address


@lru_cache(maxsize=1 << 16)
def given_name_likelihood(name: str) -> float:
    """Evidence in [-1, 1] from how often the surname and the given-name characters name people
    rather than occur in any text (rules/people_given_chars.tsv)."""
    lex = lexicon()
    sur = 2 if name[:2] in lex.compound_surnames and len(name) >= 3 else 1
    given = name[sur:]
    if not given or not all("\u4e00" <= ch <= "\u9fff" for ch in given):
        return 0.0
    mean = sum(lex.given_odds.get(ch, 0.0) for ch in given) / len(given)
    if sur == 1:
        mean = (mean * len(given) + SURNAME_SHARE * lex.surname_odds.get(name[0], 0.0)) / (len(given) + SURNAME_SHARE)
    return round(max(-1.0, min(1.0, GIVEN_WEIGHT * mean)), 2)


def foreign_name_at(text: str, start: int, index: TokenIndex) -> int | None:
    """End of a ·-joined transliterated name starting at start (努尔・白克力), else None.

    The last part ends at the first word end two or more characters after the last dot.
    """
    m = FOREIGN_NAME.match(text[start:start + 30])
    if not m:
        return None
    last_dot = start + max(m.group().rfind(d) for d in DOTS)
    for end in range(last_dot + 3, start + m.end() + 1):
        if index.is_end(end):
            return end
    return start + m.end()


SPACES_QUOTES = frozenset(SPACES + "“\"")
LEFT_BOUNDARY = frozenset("\n。！？；：:!?;“\"‘《（(【[/ " + SPACES)
RIGHT_BOUNDARY = frozenset("\n，。、！？；：,.;:!?”\"）)》/" + SPACES)


class Evidence:
    """Scores name candidates against the context around them.

    Built once per document: the left context of an offset is read once however many name lengths
    start there, and word lookups go through sets, not loops over the cue lists.
    """

    def __init__(self, text: str, index: TokenIndex, titles: list[TitleSpan]):
        self.text = text
        self.index = index
        self.lex = lexicon()
        self.title_end = {t.end: t for t in titles}
        self.title_start = {t.start: t for t in titles}
        tokens = index.tokens
        self.nr = {(tokens[i].start, tokens[i].end) for i in index.tagged("nr", "nrfg", "nrt")}
        self.nr_starts = {start for start, _ in self.nr}
        self.places = {(tokens[i].start, tokens[i].end) for i in index.tagged("ns", "nt")}
        self.place_starts = {start for start, _ in self.places}  # a pair is looked up only when its start is here
        self._left: dict[int, dict[str, float]] = {}
        self.by_end = index.by_end
        self.by_start = index.by_start

    def _skip_spaces_left(self, offset: int) -> int:
        text = self.text
        while offset > 0 and text[offset - 1] in SPACES:
            offset -= 1
        if offset > 0 and text[offset - 1] in "“\"":
            offset -= 1
        return offset

    def left(self, start: int) -> dict[str, float]:
        ev = self._left.get(start)
        if ev is None:
            ev = self._left[start] = self._read_left(start)
        return ev

    def _read_left(self, start: int) -> dict[str, float]:
        text, ev = self.text, {}
        title = self.title_end.get(self._skip_spaces_left(start))
        if title is not None:
            ev["left_title"] = 1.5 if title.weak else 2.0 if title.kind == "untitled" else 3.0
        elif text[start - 1:start] == "的" and AGE_BEFORE.search(text, max(0, start - 8), start):
            ev["left_age"] = 1.5  # 82岁的钱为民
        elif start == 0 or text[start - 1] in LEFT_BOUNDARY:
            ev["left_boundary"] = 0.5
        elif text[start - 1] in SEPARATORS:
            ev["left_separator"] = 0.5
        elif self.lex.cues_before.ending_at(text, start) is not None:
            ev["left_cue"] = 0.5
        if start not in self.by_start:
            ev["left_cuts_word"] = -1.5
        if text[start] in PREPOSITIONS:
            ev["starts_with_preposition"] = -1.5
        return ev

    def right(self, start: int, end: int) -> dict[str, float]:
        ev: dict[str, float] = {}
        self._read_right(ev, start, end)
        return ev

    def _read_right(self, ev: dict[str, float], start: int, end: int) -> None:
        text, lex = self.text, self.lex
        nxt = text[end:end + 1]
        if nxt and nxt in "）)" and text[start - 1:start] in "（(":
            ev["whole_bracket"] = 2.0  # （刘保奇）: a name alone in brackets closes a report
        elif nxt and nxt in "（( \u3000" and lex.bracket.match(text[end:end + 12]):
            ev["right_bracket"] = 3.0
        elif nxt in lex.honorific_after.by_first and lex.honorific_after.starting_at(text, end) is not None:
            ev["right_honorific"] = 3.0
        elif (title := self.title_start.get(end)) is not None and title.kind == "title" and not title.weak:
            ev["right_title"] = 2.0
        else:
            cue = lex.cues_after.starting_at(text, end) if nxt in lex.cues_after.by_first else None
            if cue is not None:
                ev["right_cue"] = 1.5 if cue in lex.cues_after_strong else 0.5
            elif not nxt or nxt in RIGHT_BOUNDARY:
                ev["right_boundary"] = 0.5
        if end not in self.by_end:
            glued = self.index.token_at(end - 1)
            if (end - start == 3 and "right_cue" in ev and glued is not None
                    and (glued.start == start or (start, end - 1) in self.nr)):
                ev["name_then_cue"] = 1.0  # 李越宏|以: the segmenter glued the cue to the name
            elif (glued is not None and glued.start == start and glued.end == end + 1
                  and glued.pos.startswith("nr") and end - start >= 2):
                ev["nr_glued"] = 0.0  # 夏财兴家, 孙俊排: the segmenter glued one character to the name
            else:
                ev["right_cuts_word"] = -1.5

    def hopeless(self, start: int, shapes: tuple[tuple[int, float], ...]) -> bool:
        """True when no name shape at start can matter: each scores below LIST_NEIGHBOUR_MIN by an upper
        bound read from cheap lookups, and none touches a list joint (、和与及/). Such a candidate is never
        accepted (a lone candidate needs ACCEPT, list evidence needs a joint), never a named neighbour of
        another, and joins no list."""
        text = self.text
        before = text[start - 1:start]
        if before in JOINT_CHARS:
            return False
        # the left context (_read_left): a title 3 at most, an age 1.5, a boundary, separator or cue 0.5
        title = self.title_end.get(self._skip_spaces_left(start) if before in SPACES_QUOTES else start)
        if title is not None:
            base = 1.5 if title.weak else 2.0 if title.kind == "untitled" else 3.0
        else:
            base = 1.5 if before == "的" else 0.5
        tok_i = self.by_start.get(start)
        if tok_i is None:
            base -= 1.5
        if text[start] in PREPOSITIONS:
            base -= 1.5
        base += 1e-6  # a margin for the order of float additions
        quoted = before in QUOTES_OPEN
        tok = self.index.tokens[tok_i] if tok_i is not None else None
        lex, title_start, by_end = self.lex, self.title_start, self.by_end
        nr, places, nr_start = self.nr, self.places, start in self.nr_starts
        place_start = start in self.place_starts
        honorific, cues = lex.honorific_after, lex.cues_after
        honorific_first, cue_first = honorific.by_first, cues.by_first
        for length, likelihood in shapes:
            end = start + length
            nxt = text[end:end + 1]
            if nxt in JOINT_CHARS:
                return False
            bound = base + likelihood
            # _read_right without the bracket regex: a bracket or space after the name may be worth 3
            # (a word set is read only when a word of it opens with nxt)
            cue = False
            if nxt and nxt in "）)（( \u3000" or (nxt in honorific_first
                                                  and honorific.starting_at(text, end) is not None):
                bound += 3.0
                cue = nxt in cue_first and cues.starting_at(text, end) is not None  # when the bracket regex fails
            elif (title := title_start.get(end)) is not None and title.kind == "title" and not title.weak:
                bound += 2.0
            else:
                word = cues.starting_at(text, end) if nxt in cue_first else None
                if word is not None:
                    cue = True
                    bound += 1.5 if word in lex.cues_after_strong else 0.5
                elif not nxt or nxt in RIGHT_BOUNDARY:
                    bound += 0.5
            if end not in by_end:
                if length == 3 and cue:
                    bound += 1.0  # name_then_cue
                elif tok is not None and not (tok.end == end + 1 and tok.pos.startswith("nr")):
                    bound -= 1.5  # right_cuts_word: no glued nr token can excuse it
            if nr_start and (start, end) in nr:
                bound += 2.0
            elif place_start and (start, end) in places:
                bound -= 0.5
            elif length == 3 and end in by_end:
                bound += 1.5  # jieba_nr_split needs the name to end a word
            elif nr_start:
                bound += 0.5
            if length == 3:
                bound += 0.2
            if quoted and nxt in QUOTES_CLOSE:
                bound += 1.0
            if bound >= LIST_NEIGHBOUR_MIN:
                return False
        return True

    def _split_name(self, start: int, end: int) -> bool:
        """A native name cut in two words, the first tagged as a name (the surname, or the surname and
        a character), the second a content word (邹/nr 春雨/n, 姚连/nr 宽/a; not 李明/nr 说/v)."""
        i, j = self.index.by_start.get(start), self.index.by_end.get(end)
        if i is None or j != i + 1:
            return False
        a, b = self.index.tokens[i], self.index.tokens[j]
        return (a.pos in ("nr", "nrfg") and not b.pos.startswith(NOT_NAME_PART_TAGS) and b.pos != "nrt"
                and b.word not in self.lex.kinds and self.lex.honorific_after.starting_at(b.word, 0) is None
                and not self.lex.translit.issuperset(a.word + b.word))

    def score(self, start: int, end: int) -> Candidate:
        text, lex = self.text, self.lex
        name = text[start:end]
        evidence = self._left.get(start)
        if evidence is None:
            evidence = self._left[start] = self._read_left(start)
        evidence = evidence.copy()
        self._read_right(evidence, start, end)
        nr_start = start in self.nr_starts
        if nr_start and (start, end) in self.nr:
            native = not lex.translit.issuperset(name)
            evidence["jieba_nr"] = (NR_WEIGHT[min(end - start, 3)]) if native else 1.0
        elif start in self.place_starts and (start, end) in self.places:
            evidence["jieba_place"] = PLACE_WEIGHT  # 印尼/ns: the segmenter reads a place
        elif end - start == 3 and self._split_name(start, end):
            evidence["jieba_nr_split"] = NR_SPLIT_WEIGHT  # 邹|春雨, 姚连|宽: a name cut in two words
        elif nr_start:
            evidence["jieba_nr_part"] = 0.5
        if end - start == 3:
            evidence["three_chars"] = 0.2
        if text[start - 1:start] in QUOTES_OPEN and text[end:end + 1] in QUOTES_CLOSE:
            # 网民“林双林” names a person; ‘满天飞’ quotes a word
            evidence["whole_quote"] = 1.0 if "left_title" in evidence else -1.0
        likelihood = given_name_likelihood(name)
        if likelihood:
            evidence["given_chars"] = likelihood
        if text[end - 1] in lex.honorific_after.by_first and self._cuts_address(start, end):
            evidence["cuts_form_of_address"] = -3.0  # 村民仇先|生称: 仇先生 is no name
        if name[-1] in lex.place_final and not evidence.get("left_title"):
            evidence["place_final"] = -2.0  # 梁王河, 刘家庄: a river or a village, unless a title names it
        return Candidate(start, end, name, evidence)

    def _cuts_address(self, start: int, end: int) -> bool:
        """The candidate ends inside a form of address written after a surname (仇先|生)."""
        text, honorific = self.text, self.lex.honorific_after
        for cut in range(max(start + 1, end - 1), end):
            if text[cut] not in honorific.by_first:
                continue
            address = honorific.starting_at(text, cut)
            if address is not None and cut + len(address) > end:
                return True
        return False


@lru_cache(maxsize=1 << 16)
def _name_shapes(window: str) -> tuple[tuple[int, float], ...]:
    """(length, given_name_likelihood) of each name shape opening window (four characters), shortest first."""
    return tuple((length, given_name_likelihood(window[:length])) for length in (2, 3, 4)
                 if len(window) >= length and _is_name_shape(window[:length]))


def _best_at(ev: Evidence, start: int, shapes: tuple[tuple[int, float], ...]) -> Candidate | None:
    """The best-scoring name shape starting at start (shapes: from _name_shapes)."""
    if len(shapes) == 1:
        return ev.score(start, start + shapes[0][0])
    best, best_score = None, 0.0
    for length, _ in shapes:
        cand = ev.score(start, start + length)
        score = sum(cand.evidence.values())
        if best is None or score > best_score:
            best, best_score = cand, score
    return best


def find_candidates(text: str, index: TokenIndex, titles: list[TitleSpan]) -> list[Candidate]:
    """One candidate per start (the best name shape there), foreign names after titles, transliterations.

    Scores are read only where they can matter: a run of overlapping starts whose shapes can neither
    be accepted nor touch a list (Evidence.hopeless) is dropped before its context is read.
    """
    ev = Evidence(text, index, titles)
    lex, n = ev.lex, len(text)
    by_start = index.by_start
    starts = set(filter(by_start.__contains__, _offsets_of(lex.surname_start, text)))
    for t in titles:
        s = t.end
        while s < n and text[s] in SPACES:
            s += 1
        starts.add(s)
    title_end, hopeless, name_shapes = ev.title_end, ev.hopeless, _name_shapes
    runs: list[tuple[int, int, bool, object]] = []  # (start, furthest end, hopeless, candidate or shapes)
    for s in sorted(starts):
        if s >= n:
            continue
        if s in title_end or (text[s - 1:s] in SPACES_QUOTES and ev._skip_spaces_left(s) in title_end):
            end = foreign_name_at(text, s, index)
            if end is not None:
                cand = ev.score(s, end)
                cand.evidence["foreign"] = 1.0
                runs.append((s, end, False, cand))
                continue
        shapes = name_shapes(text[s:s + 4])
        if shapes:
            runs.append((s, s + shapes[-1][0], hopeless(s, shapes), shapes))
    translit = _transliterations(text, index, ev)
    keep = _kept_runs(runs, translit)
    cands = []
    for (s, _, _, found), kept in zip(runs, keep):
        if not kept:
            continue
        if isinstance(found, Candidate):
            cands.append(found)
            continue
        cand = _best_at(ev, s, found)
        if cand is not None:
            cands.append(cand)
    cands.extend(translit)
    return _resolve_lists(text, _non_overlapping(cands))


def _kept_runs(runs: list[tuple[int, int, bool, object]], translit: list[Candidate]) -> list[bool]:
    """Which starts to score: all of a group of overlapping spans (transliterations included) unless
    every start in the group is hopeless. A dropped group blocks nothing outside itself."""
    spans = sorted([(s, e, hopeless, i) for i, (s, e, hopeless, _) in enumerate(runs)]
                   + [(c.start, c.end, False, -1) for c in translit])
    keep = [True] * len(runs)
    group: list[int] = []
    all_hopeless, group_end = True, -1
    for s, e, hopeless, i in spans + [(1 << 62, 1 << 62, False, -1)]:
        if s >= group_end:
            if all_hopeless:
                for j in group:
                    keep[j] = False
            group, all_hopeless, group_end = [], True, e
        if e > group_end:
            group_end = e
        all_hopeless = all_hopeless and hopeless
        if i >= 0:
            group.append(i)
    return keep


def _transliterations(text: str, index: TokenIndex, ev: Evidence) -> list[Candidate]:
    """克林顿, 谢苗诺|娃, 贝利·约纳森: runs of whole tokens made of transliteration characters (or
    ·-joined runs) that hold a name-tagged token or follow a title.

    Only the stretches of text written in transliteration characters are read, token by token.
    """
    lex = lexicon()
    out = []
    tokens = index.tokens
    for run in lex.translit_run.finditer(text):
        i = index.first_ending_after(run.start())
        if i < len(tokens) and tokens[i].start < run.start():
            i += 1  # the token reaching into the run is not all transliteration
        while i < len(tokens) and tokens[i].end <= run.end():
            j, tagged = i, False
            while j < len(tokens) and tokens[j].end <= run.end() and (
                    lex.translit.issuperset(tokens[j].word)
                    or (tokens[j].word in DOTS and j > i and j + 1 < len(tokens))):
                tagged = tagged or tokens[j].pos.startswith("nr")
                j += 1
            while j > i and tokens[j - 1].word in DOTS:
                j -= 1
            if j == i:
                i += 1
                continue
            start, end = tokens[i].start, tokens[j - 1].end
            word = text[start:end]
            if 3 <= len(word) <= 12 and word not in lex.not_names and (tagged or ev._skip_spaces_left(start) in ev.title_end):
                cand = ev.score(start, end)
                cand.evidence["foreign"] = 0.5 if j - i == 1 else 1.5
                out.append(cand)
            i = j
    return out


def _non_overlapping(cands: list[Candidate]) -> list[Candidate]:
    ranked = sorted(cands, key=lambda c: -c.score)
    return sorted(first_disjoint(ranked, lambda c: (c.start, c.end)), key=lambda c: c.start)


def _resolve_lists(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Names joined by 、 or 和 share their evidence: one accepted item lifts its neighbours,
    and a list holding two or more names the segmenter tags nr lifts all its items a little."""
    group: list[Candidate] = []
    for cand in cands + [None]:
        if cand is not None and group and text[group[-1].end:cand.start] in LIST_JOINTS:
            group.append(cand)
            continue
        if len(group) >= 2 and sum("jieba_nr" in c.evidence for c in group) >= 2:
            for c in group:
                c.evidence["list_of_names"] = 0.5
        group = [cand] if cand is not None else []
    starts = {c.start for c in cands if c.score >= LIST_NEIGHBOUR_MIN}
    for cand in cands:
        if "left_title" not in cand.evidence and not _list_neighbours_named(text, cand, starts):
            cand.evidence["list_of_words"] = -1.0  # 便民、利民、安民: a neighbour that is no name
    changed = True
    while changed:
        changed = False
        for a, b in zip(cands, cands[1:]):
            joint = text[a.end:b.start]
            if joint not in LIST_JOINTS:
                continue
            for x, y in ((a, b), (b, a)):
                if x.score >= ACCEPT and LIST_LIFT_MIN <= y.score < ACCEPT and "list" not in y.evidence:
                    y.evidence["list"] = ACCEPT - y.score
                    changed = True
    return cands


def _list_neighbours_named(text: str, cand: Candidate, starts: set[int]) -> bool:
    """False when a 、 joins the candidate to an item no name candidate starts (便民、利民、安民)."""
    if text[cand.start - 1:cand.start] == "、" and not {cand.start - 3, cand.start - 4} & starts:
        return False
    if text[cand.end:cand.end + 1] == "、" and cand.end + 1 not in starts:
        return False
    return True


# ---------------------------------------------------------------- reporter lines

def reporter_names(text: str, titles: list[TitleSpan]) -> list[tuple[int, int, str, TitleSpan]]:
    """(start, end, name, label) for names written after a reporter label.

    记者 郝迎灿  辛  阳 (a two-character name padded to three), 记者陈瑜艳通讯员叶卫兵王文婷 (names run
    together up to the next label), 通讯员王金虎报道, 周颂雪摄 (a credit word closes the run).
    """
    title_start = {t.start for t in titles}
    out = []
    for t in titles:
        if text[t.start:t.end] not in REPORTER_LABELS and t.head not in REPORTER_LABELS:
            continue
        pos = t.end
        while len(out) < 50:
            while pos < len(text) and text[pos] in SPACES:
                pos += 1
            if pos >= len(text) or pos in title_start or text.startswith(CREDIT_TAILS, pos):
                break
            found = _reporter_name_at(text, pos, title_start)
            if found is None:
                break
            end, name = found
            out.append((pos, end, name, t))
            pos = end
    return out


def _reporter_name_at(text: str, pos: int, title_start: set[int]) -> tuple[int, str] | None:
    spaced = SPACED_NAME.match(text[pos:pos + 8])
    if spaced and name_shape(spaced.group(1) + spaced.group(2), 0, 2):
        return pos + spaced.end(), spaced.group(1) + spaced.group(2)
    for length in (3, 2, 4):
        end = pos + length
        if not name_shape(text, pos, end):
            continue
        nxt = text[end:end + 1]
        if (not nxt or not "\u4e00" <= nxt <= "\u9fff" or end in title_start
                or text.startswith(CREDIT_TAILS, end) or _surname_at(text, end)):
            return end, text[pos:end]
    return None


# ---------------------------------------------------------------- roles

class RoleReader:
    """Reads the chain of titles before a name and the title after it."""

    def __init__(self, doc: Document, text: str, titles: list[TitleSpan], orgs: list[OrgSpan], places: list[OrgSpan]):
        self.doc = doc
        self.text = text
        self.title_end = {t.end: t for t in titles}
        self.title_start = {t.start: t for t in titles}
        self.org_end: dict[int, OrgSpan] = {}
        for span in places + orgs:  # organizations win over places ending at the same offset
            self.org_end[span.end] = span
        self.used: set[int] = set()  # starts of titles given to a person

    def _org_for(self, title: TitleSpan) -> tuple[OrgSpan | None, str | None]:
        if title.kind == "honour":
            return None, None
        for end in range(title.start + len(title.body), title.start - 1, -1):
            org = self.org_end.get(end)
            if org is not None and org.start < title.start:
                name = org.text
                if title.body and end > title.start and name.endswith(title.body):
                    name = name[: -len(title.body)]
                return org, name
        return None, None

    def _role(self, title: TitleSpan, org_name: str | None, rule: str) -> Role:
        text = self.doc.text[title.start:title.end]
        return Role(title=text, org=org_name, start=title.start, end=title.end, text=text, rule=rule)

    def before(self, start: int) -> list[Role]:
        pos = start
        while pos > 0 and self.text[pos - 1] in SPACES:
            pos -= 1
        age = AGE_AFTER_TITLE.search(self.text, max(0, pos - 8), pos)
        if age is not None:
            pos = age.start()  # 合唱团团长、82岁的钱为民: the age sits between the title and the name
        chain: list[tuple[TitleSpan, str | None]] = []
        while len(chain) < 8:
            title = self.title_end.get(pos)
            if title is None or title.kind == "untitled":
                break
            org, org_name = self._org_for(title)
            chain.insert(0, (title, org_name))
            seg_start = org.start if org is not None else title.start
            level = next((w for w in ADMIN_LEVELS if self.text.startswith(w, seg_start - len(w))), None)
            if org is None and level and self.text[seg_start - len(level) - 1:seg_start - len(level)] in SEPARATORS:
                seg_start -= len(level)  # 、自治区主席: the level word stands for the place named before
            if seg_start > 0 and self.text[seg_start - 1] in SEPARATORS:
                pos = seg_start - 1
                continue
            break
        roles = []
        inherited = None
        for title, org_name in chain:
            if org_name is not None:
                inherited = org_name
            elif title.kind == "title":
                org_name = inherited
            self.used.add(title.start)
            roles.append(self._role(title, org_name, "role.title_before"))
        return roles

    def after(self, end: int) -> list[Role]:
        text = self.text
        m = BRACKET_AFTER.match(text[end:end + 16])
        offset = end + (m.start(1) if m else 0)
        title = self.title_start.get(offset)
        if title is None or title.kind == "untitled" or (m is None and title.weak):
            return []
        if m is not None and title.end != end + m.end(1):
            return []
        self.used.add(title.start)
        return [self._role(title, None, "role.title_after")]

    def unattached(self, titles: list[TitleSpan], index: TokenIndex) -> list[Role]:
        """Titles given to no person; a weak head only when it is a whole noun no other noun follows
        (经济专家认为 yes; 代表全体职工, a verb, no)."""
        roles = []
        for title in titles:
            if title.start in self.used or title.kind != "title":
                continue
            if title.weak and not _whole_noun(index, title.start, title.end):
                continue
            _, org_name = self._org_for(title)
            roles.append(self._role(title, org_name, "role.no_person"))
        return roles


def _whole_noun(index: TokenIndex, start: int, end: int) -> bool:
    """start and end are word boundaries, the last word of the span is tagged as a noun, and the
    word after it is not."""
    i = index.by_end.get(end)
    if i is None or not index.is_start(start) or not index.tokens[i].pos.startswith("n"):
        return False
    return i + 1 == len(index.tokens) or not index.tokens[i + 1].pos.startswith("n")


# ---------------------------------------------------------------- assembly

def _add_mention(people: dict[str, Person], name: str, start: int, end: int, doc: Document, rule: str) -> Person:
    person = people.setdefault(name, Person(name=name, rule=rule))
    if all(m.start != start for m in person.mentions):
        person.mentions.append(Mention(start, end, doc.text[start:end]))
    return person


def _add_roles(person: Person, roles: list[Role]) -> None:
    for role in roles:
        same = [r for r in person.roles if r.title == role.title]
        if any(r.org == role.org or role.org is None for r in same):
            continue
        if same and all(r.org is None for r in same):
            person.roles[person.roles.index(same[0])] = role  # 记者 then 记者@新京报: keep the fuller one
            continue
        person.roles.append(role)


def _byline_people(doc: Document, people: dict[str, Person]) -> None:
    byline = doc.byline
    for i, reporter in enumerate(byline.reporters):
        name = re.sub(r"\s+", "", reporter)
        if not name_shape(name, 0, len(name)) and not re.search(f"[{DOTS}]", name):
            log.debug("%s: byline reporter %r is not name-shaped, skipped", doc.article_id, reporter)
            continue
        label = byline.labels[i] if i < len(byline.labels) else "记者"
        span = byline.reporter_spans[i] if i < len(byline.reporter_spans) else None
        person = people.setdefault(name, Person(name=name, rule="person.byline"))
        if span is not None:
            start, end = span
            if all(m.start != start for m in person.mentions):
                person.mentions.append(Mention(start, end, doc.text[start:end]))
        if label and all(r.title != label for r in person.roles):
            start, end = span if span is not None else (0, 0)
            person.roles.append(Role(title=label, org=byline.outlet, start=start, end=start,
                                     text="", rule="role.byline"))


def _all_mentions(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of an accepted name, longest first, not inside a longer accepted name."""
    auto = ahocorasick.Automaton()
    for name in names:
        auto.add_word(name, name)
    auto.make_automaton()
    if not names:
        return []
    hits = sorted(((e + 1 - len(w), e + 1, w) for e, w in auto.iter(text)), key=lambda h: (h[0], -h[1]))
    out, last = [], -1
    for start, end, name in hits:
        if start >= last:
            out.append((start, end, name))
            last = end
    return out


def recognize_people(doc: Document) -> Document:
    text = doc.match_text
    index = TokenIndex(doc.tokens, doc.token_offsets())
    found = lexicon().gazetteer.find(text)
    if not doc.organizations and not doc.locations:
        recognize_orgs(doc, index, found)
    places = [OrgSpan(m.start, m.end, o.name, "location", "place") for o in doc.locations for m in o.mentions]
    orgs = org_spans(doc)
    titles = find_titles(text, index, places, found)
    reader = RoleReader(doc, text, titles, orgs, places)
    people: dict[str, Person] = {}

    _byline_people(doc, people)
    for start, end, name, label in reporter_names(text, titles):
        person = _add_mention(people, name, start, end, doc, "person.reporter_label")
        reader.used.add(label.start)
        _add_roles(person, [reader._role(label, None, "role.reporter_label")])

    named = {(m.start, m.end) for o in doc.locations + doc.organizations for m in o.mentions}
    accepted = [c for c in find_candidates(text, index, titles) if c.score >= ACCEPT and (c.start, c.end) not in named]
    for cand in accepted:
        rule = "person." + max(cand.evidence, key=cand.evidence.get)
        people.setdefault(cand.name, Person(name=cand.name, rule=rule))
    written = {m.start for p in people.values() for m in p.mentions}
    for start, end, name in _all_mentions(text, [n for n in people if len(n) >= 2]):
        if start in written:
            continue
        person = _add_mention(people, name, start, end, doc, people[name].rule)
        _add_roles(person, reader.before(start) + reader.after(end))

    doc.people = [p for p in people.values() if p.mentions or p.roles]
    for person in doc.people:
        person.mentions.sort(key=lambda m: m.start)
    doc.roles = reader.unattached(titles, index)
    log.debug("%s: %d people, %d unattached roles", doc.article_id, len(doc.people), len(doc.roles))
    return doc
