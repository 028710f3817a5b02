"""FIGURES: numbers that count, measure or price something, with unit, kind, qualifier and scope.

Built on the numerals of pipeline/numbers.py (Duckling style: a figure rule reads the numeral
another rule found, then the words around it). Around each numeral, in order:

    [prefix qualifier] [currency word | 百分之] NUMERAL [range separator NUMERAL]
    [余/多/几/来] [万/亿] UNIT [sub-units] [money tail] [suffix qualifier]

Every vocabulary (qualifiers, units by kind, guards, stop-lists) is data in rules/figures*.yaml
and rules/figures_stoplist.txt, compiled once per process. Each Figure names the rule that
made it (`figure.<kind>.<shape>`). `parse_money` resolves one money expression on its own.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Figure, Token
from .numbers import NumberSpan, find_numbers, fold_expression, parse_number
from .rules import RulesError, alternation, load_words, load_yaml, trie_alternation

log = logging.getLogger(__name__)

_KINDS = ("money", "count", "measure", "duration", "percent", "other")
# the rule of a figure read from its unit (a percent's is set by the unit's factor)
_UNIT_RULES = {kind: f"figure.{kind}.unit" for kind in _KINDS} | {"count": "figure.count.measure_word"}
_CN_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩廿卅"
_PAIR = re.compile(r"(十)?([一二两三四五六七八九])([一二两三四五六七八九])([十百千万亿]*)")
_PAIR_FIRST = frozenset("十一二两三四五六七八九")  # the characters _PAIR can start with
_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PUNCT_END = set("，。；;：:！？!?、,）)」』”’\n")


@dataclass(frozen=True)
class UnitInfo:
    word: str
    kind: str
    unit: str
    currency: str | None = None
    factor: float = 1.0  # percent words: 成 -> 10


@dataclass(frozen=True)
class FigureRules:
    prefix: dict[str, str]
    prefix_re: re.Pattern  # any prefix qualifier ending at the end of a slice, longest first
    prefix_width: int
    fuzzy: dict[str, str]
    suffix: re.Pattern
    suffix_qualifiers: dict[str, str]
    suffix_only_for: dict[str, tuple[str, ...]]
    range_sep: re.Pattern
    currency_prefix: re.Pattern
    currency_prefixes: dict[str, str]
    # first or last characters of what the patterns around a numeral can match: a character
    # test rules a pattern out before it is run (most numerals have no unit, range or qualifier)
    prefix_last: frozenset[str]
    suffix_first: frozenset[str]
    range_first: frozenset[str]
    currency_last: frozenset[str]
    currency_near: frozenset[str]  # the character before a numeral after a currency word: its last, a space, \n
    unit_first: frozenset[str]
    tail_first: frozenset[str]  # a unit, range separator, fuzzy word or race time (分/秒) starts with these
    money_tail: re.Pattern
    subunits: dict[str, float]
    subunit: re.Pattern
    units: dict[str, UnitInfo]
    unit: re.Pattern
    unit_guarded: re.Pattern  # the longest unit whose guards (not_before, only_before...) allow what follows
    zones: re.Pattern
    zone_markers: tuple[str, ...]  # every zone contains one of these; text without any skips the search
    script: dict[int, int]
    script_chars: re.Pattern
    arabic_only: frozenset[str]
    article_words: frozenset[str]
    per_unit: re.Pattern
    subject_cut: re.Pattern
    subject_cut_words: frozenset[str]
    subject_pos: frozenset[str]  # jieba tags besides n* that can head a subject (应急款 is l)
    stoplist: re.Pattern
    money_measure_words: frozenset[str]
    dollar_words: frozenset[str]  # in a text known to be money (parse_money) these mean 块 (五個半)
    vague_kinds: frozenset[str]
    dime_words: frozenset[str]  # sub-units worth 0.1 (毛 角 毫): a digit after one is cents
    fixed: re.Pattern | None  # words that are a figure without a numeral (打对折)
    fixed_values: dict[str, tuple[str, str, float]]
    implied_yuan: UnitInfo  # the unit a salary or price word implies for 10k, 3w (its own object: `is` tells it apart)
    implied_mults: frozenset[str]
    implied_window: int
    implied_cues: re.Pattern


def _words(spec: dict, key: str, source: str) -> list[str]:
    value = spec.get(key)
    if not isinstance(value, list) or not all(isinstance(w, (str, int)) for w in value):
        raise RulesError(f"{source}: {key!r} must be a list of words")
    return [str(w) for w in value]


def _mapping(spec: dict, key: str, source: str) -> dict:
    value = spec.get(key)
    if not isinstance(value, dict):
        raise RulesError(f"{source}: {key!r} must be a mapping")
    return value


@lru_cache(maxsize=1)
def figure_rules() -> FigureRules:
    """Load rules/figures.yaml, rules/figures_units.yaml and the stop-list once; validate them."""
    spec, src = load_yaml("figures.yaml"), "rules/figures.yaml"
    uspec, usrc = load_yaml("figures_units.yaml"), "rules/figures_units.yaml"
    known_q = set(_words(spec, "qualifiers", src))
    quals = {}
    for key in ("prefix_qualifiers", "fuzzy_qualifiers", "suffix_qualifiers"):
        quals[key] = {str(k): str(v) for k, v in _mapping(spec, key, src).items()}
        bad = {v for v in quals[key].values()} - known_q
        if bad:
            raise RulesError(f"{src}: {key} uses unknown qualifiers {sorted(bad)}")

    units: dict[str, UnitInfo] = {}

    def add(info: UnitInfo) -> None:
        if info.word in units:
            raise RulesError(f"{usrc}: unit {info.word!r} is listed twice ({units[info.word].kind}, {info.kind})")
        units[info.word] = info

    for word, (code, unit) in _mapping(uspec, "money", usrc).items():
        add(UnitInfo(str(word), "money", str(unit), str(code)))
    for word, factor in _mapping(uspec, "percent", usrc).items():
        add(UnitInfo(str(word), "percent", "%", None, float(factor)))
    for kind in ("count", "measure", "duration"):
        for word in _words(uspec, kind, usrc):
            add(UnitInfo(word, kind, word))
    for word, unit in _mapping(uspec, "casualty", usrc).items():
        add(UnitInfo(str(word), "count", str(unit)))
    for word, unit in _mapping(uspec, "other", usrc).items():
        add(UnitInfo(str(word), "other", str(unit)))
    for word, (code, unit, factor) in (uspec.get("money_fractional") or {}).items():
        add(UnitInfo(str(word), "money", str(unit), str(code), float(factor)))
    fixed = {str(k): (str(v[0]), str(v[1]), float(v[2])) for k, v in (uspec.get("fixed_figures") or {}).items()}
    if {kind for kind, _, _ in fixed.values()} - set(_KINDS):
        raise RulesError(f"{usrc}: fixed_figures names an unknown kind")
    not_before = {str(k): tuple(str(w) for w in (v or ())) for k, v in _mapping(uspec, "not_before", usrc).items()}
    unknown = set(not_before) - set(units) - set(fixed)
    if unknown:
        raise RulesError(f"{usrc}: not_before names words that are no unit: {sorted(unknown)}")
    articles = frozenset(_words(spec, "article_measure_words", src))
    if articles - set(units):
        raise RulesError(f"{src}: article_measure_words not in the count units: {sorted(articles - set(units))}")
    only_for = {str(k): tuple(v) for k, v in _mapping(spec, "suffix_only_for", src).items()}
    for k, kinds in only_for.items():
        if set(kinds) - set(_KINDS):
            raise RulesError(f"{src}: suffix_only_for[{k!r}] names unknown kinds {sorted(set(kinds) - set(_KINDS))}")
    currency_prefixes = {str(k): str(v) for k, v in _mapping(spec, "currency_prefixes", src).items()}
    subunits = {str(k): float(v) for k, v in _mapping(uspec, "money_subunits", usrc).items()}
    stop = load_words("figures_stoplist.txt")
    measure_words = frozenset(_words(uspec, "money_measure_words", usrc))
    vague = frozenset(_words(uspec, "vague_kinds", usrc))
    if measure_words - set(units) or vague - set(_KINDS):
        raise RulesError(f"{usrc}: money_measure_words must be units and vague_kinds known kinds")
    script = {str(k): str(v) for k, v in _mapping(spec, "script_variants", src).items()}
    only_before = {str(k): tuple(str(w) for w in v) for k, v in (uspec.get("only_before") or {}).items()}
    loose = {str(k): tuple(str(w) for w in v) for k, v in (uspec.get("only_before_or_no_han") or {}).items()}
    if (set(only_before) | set(loose)) - set(units):
        raise RulesError(f"{usrc}: only_before / only_before_or_no_han name words that are no unit: "
                         f"{sorted((set(only_before) | set(loose)) - set(units))}")
    inclusive = _words(spec, "range_inclusive_marks", src)
    separators = _words(spec, "range_separators", src)
    if any(len(k) != 1 or len(v) != 1 for k, v in script.items()):
        raise RulesError(f"{src}: script_variants must map one character to one character")
    implied = _mapping(spec, "implied_yuan", src)
    implied_mults = frozenset(_words(implied, "multipliers", f"{src} implied_yuan"))
    if not implied_mults <= _LATIN_END:
        raise RulesError(f"{src}: implied_yuan multipliers must be among {sorted(_LATIN_END)}")
    if not isinstance(implied.get("window"), int) or implied["window"] < 1:
        raise RulesError(f"{src}: implied_yuan window must be a positive number of characters")
    return FigureRules(
        prefix=quals["prefix_qualifiers"],
        prefix_re=re.compile(f"(?:{alternation(quals['prefix_qualifiers'])})$"),
        prefix_width=max(map(len, quals["prefix_qualifiers"])),
        fuzzy=quals["fuzzy_qualifiers"],
        suffix=re.compile(f"[ ]?(?:{alternation(quals['suffix_qualifiers'])})"),
        suffix_qualifiers=quals["suffix_qualifiers"],
        suffix_only_for=only_for,
        range_sep=re.compile(f"(?:{alternation(inclusive)})?[ ]?(?:{alternation(separators)})[ ]?"),
        currency_prefix=re.compile(f"(?:{alternation(currency_prefixes)})[ ]{{0,2}}$"),
        currency_prefixes=currency_prefixes,
        prefix_last=frozenset(w[-1] for w in quals["prefix_qualifiers"]),
        suffix_first=frozenset(w[0] for w in quals["suffix_qualifiers"]) | {" "},
        range_first=frozenset(w[0] for w in [*inclusive, *separators]) | {" "},
        currency_last=frozenset(w[-1] for w in currency_prefixes),
        currency_near=frozenset(w[-1] for w in currency_prefixes) | {" ", "\n"},
        unit_first=frozenset(w[0] for w in units) | {" "},
        tail_first=frozenset(w[0] for w in [*units, *inclusive, *separators, *quals["fuzzy_qualifiers"]])
        | {" "} | _RACE_MARKS,
        money_tail=re.compile(f"(?:{alternation(_words(spec, 'money_tail', src))})"),
        subunits=subunits,
        subunit=re.compile(f"(?:[0-9]+|[{_CN_NUMERAL_CHARS}])(?:{alternation(subunits)})"),
        units=units,
        unit=_spaced_words(units),
        unit_guarded=_spaced_words(units, {w: _unit_guard(not_before.get(w), only_before.get(w), loose.get(w))
                                           for w in units}),
        zones=re.compile("|".join(f"(?:{z})" for z in _words(spec, "no_figure_zones", src))),
        zone_markers=tuple(_words(spec, "no_figure_zone_markers", src)),
        script={ord(k): ord(v) for k, v in script.items()},
        script_chars=re.compile(f"[{''.join(script)}]"),
        arabic_only=frozenset(_words(uspec, "arabic_only", usrc)),
        article_words=articles,
        per_unit=re.compile(alternation(_words(spec, "per_unit_cues", src))),
        subject_cut=re.compile(alternation(_words(spec, "subject_cut", src))),
        subject_cut_words=frozenset(_words(spec, "subject_cut", src)),
        subject_pos=frozenset(_words(spec, "subject_pos", src)),
        stoplist=re.compile(trie_alternation(stop)),
        money_measure_words=measure_words,
        dollar_words=frozenset(_words(uspec, "money_context_dollar", usrc)),
        vague_kinds=vague,
        dime_words=frozenset(w for w, v in subunits.items() if v == 0.1),
        fixed=_guarded_words(fixed, not_before) if fixed else None,
        fixed_values=fixed,
        implied_yuan=UnitInfo("元", "money", "元", "CNY"),
        implied_mults=implied_mults,
        implied_window=implied["window"],
        implied_cues=re.compile(alternation(_words(implied, "cues", f"{src} implied_yuan"))),
    )


def _spaced_words(words, guards: dict[str, str] | None = None) -> re.Pattern:
    """Any of the words, longest first, after up to four spaces and with up to three spaces
    between its characters (scraped and hand-typed text: 一百五十    个 百 分 点); each word
    followed by its guard (a look-ahead) when given: a refused word gives way to the longest
    shorter one (人次 refused -> 人)."""
    alts = sorted(set(words), key=len, reverse=True)
    guards = guards or {}
    return re.compile("[ ]{0,4}(?:" + "|".join("[ ]{0,3}".join(map(re.escape, w)) + guards.get(w, "")
                                               for w in alts) + ")")


def _unit_guard(not_before, only_before, only_before_or_no_han) -> str:
    """The look-ahead after a unit: not before these words; only before those; only before those
    or no Chinese character (十来块钱, 花了五块。 are money; 一块电子屏幕 is a piece)."""
    guard = f"(?!{alternation(not_before)})" if not_before else ""
    if only_before is not None:
        guard += f"(?={alternation(only_before)})"
    if only_before_or_no_han is not None:
        guard += f"(?=(?:{alternation(only_before_or_no_han)})|(?![\u4e00-\u9fff]))"
    return guard


def _guarded_words(words, not_before: dict[str, tuple[str, ...]]) -> re.Pattern:
    """The words, each refused before its not_before continuations (半成 but not 半成品)."""
    alts = []
    for w in sorted(words, key=len, reverse=True):
        guard = not_before.get(w)
        alts.append(re.escape(w) + (f"(?!{alternation(guard)})" if guard else ""))
    return re.compile("|".join(alts))


_YEAR_ARABIC = re.compile(r"[12][0-9]{3}|0[0-9]")
_YEAR_CHINESE = re.compile(r"[〇○零一二三四五六七八九]{2,4}")
_HAS_BIG = re.compile(r"[万亿兆萬億kKwWM]")
_BIG_TAIL = re.compile(r"(.*?)([万亿兆萬億]+|[kKwWM])")
_SMALL_TAIL = re.compile(r"([0-9一二两三四五六七八九])([十百千拾佰仟])")
_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CODE_BEFORE = frozenset(_ASCII_LETTERS + "0123456789_/.#-")  # one character before a numeral
_CODE_AFTER = frozenset(_ASCII_LETTERS + "_#")  # one character after it
_PER_MILLE_BEFORE = re.compile(r"(?<![一二两三四五六七八九十0-9])([百千万佰仟])[ ]{0,2}分[ ]{0,2}之[ ]{0,2}$")
_LATIN_END = frozenset("kKwWM")  # the last character of a numeral with a Latin multiplier
_BIG_AFTER_FUZZY = re.compile(r"[万亿]{1,2}")
_ARABIC = re.compile(r"[0-9]")
_CN_BIG = re.compile(r"[万亿萬億]")
_ARABIC_RUN = re.compile(r"[0-9]+")
_RACE_MIN_SEC = re.compile(r"分([0-9]{1,2})秒(?:([0-9]{2})(?![0-9]))?")
_RACE_SEC = re.compile(r"秒([0-9]{2})(?![0-9])")
_RACE_MARKS = frozenset("分秒")  # the first characters of the two patterns above
_KUAI_DIME = re.compile(f"(零?)([一二两三四五六七八九])(?![{_CN_NUMERAL_CHARS}])")
_TENTH_DIGIT = re.compile(r"[ ]{0,2}([一二两三四五六七八九1-9])(?![0-9一二两三四五六七八九十百千万亿])")
_VAGUE_LEAD = frozenset("几幾数數")
_CLAUSE_MARK = re.compile(r"[，。；;！？!?\n,：:]")


# ---------------------------------------------------------------- units and qualifiers


def _unit_at(text: str, pos: int, rules: FigureRules) -> tuple[UnitInfo, int] | None:
    """The longest unit starting at pos whose guard allows what follows it."""
    if text[pos : pos + 1] not in rules.unit_first:
        return None
    m = rules.unit_guarded.match(text, pos)
    if m is None:
        return None
    word = m.group()
    return rules.units[word.replace(" ", "") if " " in word else word], m.end()


def _prefix_qualifier(text: str, start: int, rules: FigureRules) -> tuple[str, int] | None:
    m = rules.prefix_re.search(text, max(0, start - rules.prefix_width), start)
    if not m:
        return None
    return rules.prefix[m.group()], m.start()


def _suffix_qualifier(text: str, pos: int, kind: str, rules: FigureRules) -> tuple[str, int] | None:
    m = rules.suffix.match(text, pos)
    if not m:
        return None
    word = m.group().lstrip(" ")
    allowed = rules.suffix_only_for.get(word)
    if allowed is not None and kind not in allowed:
        return None
    return rules.suffix_qualifiers[word], m.end()


def _ends_with(text: str, end: int, last: frozenset[str]) -> bool:
    """Whether a pattern ending in `$` searched up to `end` can match: the character before end,
    past spaces and a line break (`$` also matches before a final newline), is one of `last`."""
    before = text[max(0, end - 4) : end].rstrip(" \n")
    return before[-1:] in last if before else False


def _currency_prefix(text: str, start: int, floor: int, rules: FigureRules) -> re.Match | None:
    """A currency word just before start (人民币50元, $20), not reaching back past floor."""
    if not _ends_with(text, start, rules.currency_last):
        return None
    return rules.currency_prefix.search(text, max(floor, start - 8), start)


def _implied_yuan(text: str, start: int, n: NumberSpan, rules: FigureRules) -> tuple[UnitInfo, int] | None:
    """元 for an Arabic amount with a Latin multiplier (10k, 3w) and no money unit after it, when a
    salary or price word (月薪, 薪酬, 售价…) stands shortly before `start` (where the figure's first
    numeral begins) in the same clause: the unit, zero characters wide, ending at n."""
    if n.text[-1] not in rules.implied_mults or not _ARABIC.match(n.text):
        return None
    written = _unit_at(text, n.end, rules)
    if written and written[0].kind == "money":
        return None
    clause = _CLAUSE_MARK.split(text[max(0, start - rules.implied_window) : start])[-1]
    if not rules.implied_cues.search(clause):
        return None
    return rules.implied_yuan, n.end


def _is_year(n: NumberSpan) -> bool:
    raw = n.text.strip()
    return _YEAR_ARABIC.fullmatch(raw) is not None or _YEAR_CHINESE.fullmatch(raw) is not None


@lru_cache(maxsize=8192)
def _shape(raw: str) -> tuple[tuple[float, float] | None, bool, bool, bool]:
    """What _figure_at asks of a numeral's text alone (cached: news repeats its numerals): its
    pair range (三四十), whether it is a fraction (三分之一, 3/4), whether it mixes Arabic digits with
    万/亿 (1.2万 is a count even without a unit), whether it ends in a Latin multiplier (15k)."""
    return (_pair_range(raw) if raw[0] in _PAIR_FIRST else None, "分之" in raw or "/" in raw,
            _ARABIC.search(raw) is not None and _CN_BIG.search(raw) is not None, raw[-1] in _LATIN_END)


def _pair_range(raw: str) -> tuple[float, float] | None:
    """三四十 -> (30, 40); 一两 -> (1, 2); 十五六 -> (15, 16); 三五 -> (3, 5)."""
    m = _PAIR.fullmatch(raw)
    if not m:
        return None
    ten, a, b, mult = m.groups()
    lo, hi = _DIGIT[a], _DIGIT[b]
    if not (hi == lo + 1 or (lo, hi) == (3, 5)):
        return None
    factor = parse_number("一" + mult) if mult else 1.0
    if ten:
        if mult:
            return None
        return 10 + lo, 10 + hi
    return lo * factor, hi * factor


def _shared_multiplier(first: NumberSpan, second: NumberSpan) -> float:
    """20-30万 -> 20 takes 万; 5000至3万 keeps 5000. Returns the factor for the first number."""
    if _HAS_BIG.search(first.text):
        return 1.0
    m = _BIG_TAIL.fullmatch(second.text.strip())
    if not m:
        m = _SMALL_TAIL.fullmatch(second.text.strip())
    if not m:
        return 1.0
    base = parse_number(m.group(1))
    if not base or first.value >= base:
        return 1.0
    factor = second.value / base
    return factor if factor > 1 else 1.0


# ---------------------------------------------------------------- one figure


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    value: float
    value_max: float | None = None
    qualifier: str = "exact"
    kind: str = "count"
    unit: str = ""
    currency: str | None = None
    rule: str = ""
    per_unit: bool = False
    article_one: bool = False
    fractional: bool = False  # an amount in a currency's fractional unit (美分)


def _figure_at(text: str, n: NumberSpan, by_start: dict[int, NumberSpan], rules: FigureRules,
               floor: int = 0) -> _Draft | None:
    """The figure whose numeral is n, or None; `floor` ends the previous figure (4人民币|5美元)."""
    start, raw = n.start, n.text
    before = text[start - 1 : start]  # "" at 0 (text[-1:0])
    if before in _CODE_BEFORE:  # 第3, A4, v2 (but 五元六角-五元 is a range)
        if before != "-" or text[start - 2 : start - 1] in _CODE_BEFORE:
            return None
    elif before == "第":
        return None
    if text[n.end : n.end + 1] in _CODE_AFTER:
        return None

    qualifier = n.qualifier
    value, value_max = n.value, None
    pair, fraction, arabic_big, latin_end = _shape(raw)
    if pair:
        value, value_max, qualifier = pair[0], pair[1], "range"
    pos = n.end

    # 百分之三十五, 千分之2.4
    pct = _PER_MILLE_BEFORE.search(text[max(0, start - 9) : start]) if "之" in text[max(0, start - 4) : start] else None
    if pct or fraction:
        if pct:
            start -= len(pct.group())
            scale = {"百": 1.0, "佰": 1.0, "千": 0.1, "仟": 0.1, "万": 0.01}[pct.group(1)]
        else:
            if "/" in n.text:
                den = float(n.text.split("/")[1])
                if not (den <= 10 or den == 100):
                    return None
            scale = 100.0
        draft = _Draft(start, pos, value * scale, None if value_max is None else value_max * scale,
                       qualifier, "percent", "%", rule="figure.percent.fraction" if fraction else "figure.percent.chinese")
        return _finish(text, draft, rules, floor)

    implied = _implied_yuan(text, start, n, rules) if latin_end else None  # 月薪8k, 薪酬10k~15k
    if implied is None and text[pos : pos + 1] not in rules.tail_first and not arabic_big \
            and not (before in rules.currency_near and _ends_with(text, start, rules.currency_last)):
        return None  # no unit, range, fuzzy word or race time after it, no currency before: 3月, 2021-
    if latin_end and implied is None and not rules.unit.match(text, n.end):
        return None
    if before and before in "×xX*":  # 4×100米 names an event, not a distance
        return None

    # range: NUM [unit] sep NUM
    first_unit = found = implied or _unit_at(text, pos, rules)
    sep_pos = first_unit[1] if first_unit else pos
    sep = rules.range_sep.match(text, sep_pos) if text[sep_pos : sep_pos + 1] in rules.range_first else None
    if sep and value_max is None and sep.end() in by_start:
        second = by_start[sep.end()]
        second_unit = _unit_at(text, second.end, rules)
        if second.text[-1] in rules.implied_mults and (second_unit is None or second_unit[0].kind != "money"):
            implied_second = implied or (None if first_unit else _implied_yuan(text, start, second, rules))
            if implied_second:  # 薪酬10k~15k, 月薪10~15k
                second_unit = implied_second[0], second.end
        fuzzy2 = text[second.end : second.end + 1] in rules.fuzzy
        unit_after = _unit_at(text, second.end + (1 if fuzzy2 else 0), rules) if not second_unit else second_unit
        if unit_after and (not first_unit or first_unit[0] == unit_after[0]) and not _is_year(second):
            if first_unit or second.value >= value:
                value = value * _shared_multiplier(n, second) if not first_unit else value
                value_max, qualifier = second.value, "range"
                pos = second.end
                if second_unit and second_unit[0] is rules.implied_yuan:
                    implied = second_unit
                if fuzzy2:
                    pos += 1

    # 余/多/几/来 then an optional 万/亿 (十几万人, 116万余元)
    fz = text[pos : pos + 1]
    if fz in rules.fuzzy and (value_max is None or qualifier != "range"):
        rest = _BIG_AFTER_FUZZY.match(text, pos + 1, pos + 3)
        if rest or _unit_at(text, pos + 1, rules):
            qualifier = rules.fuzzy[fz]
            pos += 1
            if rest:
                for ch in rest.group():
                    value *= 10000 if ch == "万" else 1e8
                pos += len(rest.group())

    if pos != n.end:
        found = _unit_at(text, pos, rules)
        if implied and (found is None or found[0].kind != "money"):
            found = implied[0], pos
    if found:
        word = found[0].word
        if word in rules.arabic_only and not _ARABIC.match(raw):
            return None
        if word in rules.money_measure_words:  # 20个比特币
            money = _unit_at(text, found[1], rules)
            if money and money[0].kind == "money":
                found = money
        if raw[0] in _VAGUE_LEAD and found[0].kind not in rules.vague_kinds:
            return None  # 几十年后 is a relative time, not a figure
    if (found and found[0].word == "年") or text[pos : pos + 1] in _RACE_MARKS:
        compound = _compound_duration(text, n, pos, found, by_start)
        if compound:
            return _finish(text, compound, rules, floor)
    if found:
        info, pos = found
        if info.word == "年" and _is_year(n):
            return None
        if info.word in ("秒", "分") and before in ("时", "分", "点", ":"):  # 06时33分02.6秒 is a time
            return None
        if n.bare and qualifier == "exact" and len(raw) < 2:
            return None
        kind = info.kind
        draft = _Draft(start, pos, value, value_max, qualifier, kind, info.unit, info.currency, _UNIT_RULES[kind])
        if kind == "count":
            draft.article_one = raw == "一" and info.word in rules.article_words and qualifier == "exact"
        elif kind == "percent":
            if info.factor != 1:
                if value > 10 and info.word == "折" and value < 100:
                    pass  # 75折 is already percent
                elif value > 10 or (info.word == "折" and value >= 10):
                    return None
                else:
                    draft.value = value * info.factor
                    draft.value_max = None if value_max is None else value_max * info.factor
                    if text.startswith("半", pos):  # 三成半
                        draft.value += info.factor / 2
                        pos = draft.end = pos + 1
                    else:
                        tenth = _TENTH_DIGIT.match(text, pos)
                        if tenth and not _unit_at(text, tenth.end(), rules):  # 七成六 = 76 %
                            draft.value += (parse_number(tenth.group(1)) or 0) * info.factor / 10
                            pos = draft.end = tenth.end()
            draft.rule = f"figure.percent.{'sign' if info.factor == 1 else 'proportion'}"
        elif kind == "money":
            if info is rules.implied_yuan:
                draft.rule = "figure.money.implied_yuan"
            if info.factor != 1:  # 三美分
                draft.value = value * info.factor
                draft.value_max = None if value_max is None else value_max * info.factor
                draft.fractional = True
            else:
                _money_extras(text, draft, rules)
            cur_prefix = _currency_prefix(text, start, floor, rules)
            if cur_prefix:
                draft.start = cur_prefix.start()
                code = rules.currency_prefixes[cur_prefix.group().strip()]
                if draft.currency == "CNY" and code != "CNY":  # 港币两千九百六十元
                    draft.currency = code
        return _finish(text, draft, rules, floor)
    cur_prefix = _currency_prefix(text, start, floor, rules)
    if cur_prefix and not n.bare:
        code = rules.currency_prefixes[cur_prefix.group().strip()]
        draft = _Draft(cur_prefix.start(), pos, value, value_max, qualifier, "money",
                       "元" if code == "CNY" else cur_prefix.group().strip(), code, rule="figure.money.prefix")
        return _finish(text, draft, rules, floor)
    if arabic_big and not n.bare:
        draft = _Draft(start, pos, value, value_max, qualifier, "count", "", rule="figure.count.bare_large")
        return _finish(text, draft, rules, floor)
    return None


def _compound_duration(text: str, n: NumberSpan, pos: int, found, by_start) -> _Draft | None:
    """十二年零一个月 -> 145 months; 3分27秒46 -> 207.46 s; 45秒92 -> 45.92 s (race times)."""
    if found and found[0].word == "年":
        zero = 1 if text.startswith("零", found[1]) else 0
        nxt = by_start.get(found[1]) or by_start.get(found[1] + zero)
        if nxt and text.startswith("个月", nxt.end):
            return _Draft(n.start, nxt.end + 2, n.value * 12 + nxt.value, kind="duration", unit="月",
                          rule="figure.duration.compound")
    if not _ARABIC_RUN.fullmatch(n.text) or text[n.start - 1 : n.start] in ("时", "点", ":"):
        return None
    m = _RACE_MIN_SEC.match(text, pos)
    if m:
        seconds = n.value * 60 + float(m.group(1)) + (float("0." + m.group(2)) if m.group(2) else 0)
        return _Draft(n.start, m.end(), seconds, kind="duration", unit="秒", rule="figure.duration.race_time")
    m = _RACE_SEC.match(text, pos)
    if m:
        return _Draft(n.start, m.end(), n.value + float("0." + m.group(1)), kind="duration", unit="秒",
                      rule="figure.duration.race_time")
    return None


def _money_extras(text: str, draft: _Draft, rules: FigureRules) -> None:
    """Sub-units after 元/块 (五元三毛, 123元1角1分, 三块五) and tails (万元人民币, 十块钱)."""
    pos = draft.end
    if draft.unit == "元" and draft.value_max is None:
        m = rules.subunit.match(text, pos)
        added = False
        while m:
            piece = m.group()
            unit_word = next(u for u in sorted(rules.subunits, key=len, reverse=True) if piece.endswith(u))
            num = parse_number(piece[: -len(unit_word)])
            if num is None:
                break
            draft.value += num * rules.subunits[unit_word]
            pos, added = m.end(), True
            m = rules.subunit.match(text, pos)
        if added and text[pos - 1 : pos] in rules.dime_words:  # 七毛八 = 0.78
            m = _KUAI_DIME.match(text[pos : pos + 3])
            if m and not m.group(1) and not rules.unit.match(text, pos + 1):
                draft.value += (parse_number(m.group(2)) or 0) / 100
                pos += 1
        if not added and text[pos - 1 : pos] in ("块", "蚊"):  # 三块五 = 3.5, 三块零四 = 3.04, 三块半
            m = _KUAI_DIME.match(text[pos : pos + 3])
            if m and not rules.unit.match(text, pos + len(m.group())):
                draft.value += (parse_number(m.group(2)) or 0) / (100 if m.group(1) else 10)
                pos += len(m.group())
            elif text.startswith("半", pos) and not rules.unit.match(text, pos + 1):
                draft.value += 0.5
                pos += 1
    tail = rules.money_tail.match(text, pos)
    if tail:
        pos = tail.end()
    elif draft.unit == "元" and text[pos - 1 : pos] in "元圆":  # 三万元欧元, 9000元日币: the named currency wins
        other = _unit_at(text, pos, rules)
        if other and other[0].kind == "money" and other[0].currency != "CNY":
            draft.currency, draft.unit, pos = other[0].currency, other[0].unit, other[1]
    draft.end = pos


def _finish(text: str, draft: _Draft, rules: FigureRules, floor: int = 0) -> _Draft:
    """Prefix and suffix qualifiers around the span; 不等 marks a per-recipient range.

    Nothing before `floor` (the end of the previous figure) is read as a prefix."""
    before = text[draft.start - 1 : draft.start]  # a prefix ends here, or before a final line break ($)
    if before == "\n":
        before = text[draft.start - 2 : draft.start - 1]
    pre = _prefix_qualifier(text, draft.start, rules) if before in rules.prefix_last else None
    if pre and pre[1] < floor:
        pre = None
    if pre and draft.qualifier in ("exact", pre[0]):
        draft.qualifier, draft.start = pre
    elif pre and draft.qualifier != "range":
        draft.start = pre[1]
    suf = _suffix_qualifier(text, draft.end, draft.kind, rules) if text[draft.end : draft.end + 1] in rules.suffix_first \
        else None
    if suf:
        qual, end = suf
        if qual == "range":
            draft.per_unit = True  # the span stays the amount itself (1000元到50000元), as annotated
        elif draft.qualifier in ("exact",) or (draft.qualifier == qual):
            draft.qualifier, draft.end = qual, end
    return draft


# ---------------------------------------------------------------- the document


def find_figures(text: str, tokens: list[Token] | None = None) -> list[Figure]:
    """Every figure in `text` (folded to half-width), left to right, as Figure objects.

    `tokens` only vetoes a match whose Chinese numeral starts or ends inside a word (李四人民币).
    """
    rules = figure_rules()
    numbers = find_numbers(text)
    # same length: 個百分點 matched as 个百分点 (most articles have no variant: no copy then)
    view = text.translate(rules.script) if rules.script_chars.search(text) else text
    by_start = {n.start: n for n in numbers}
    stop_starts, stop_ends = _merged(sorted(m.span() for m in _stopped(view, rules)))
    words = _WordIndex(text, tokens) if tokens else None
    drafts: list[_Draft] = []
    taken = 0
    for n in numbers:
        if n.start < taken:
            continue
        if stop_starts:
            i = bisect.bisect_right(stop_starts, n.start) - 1
            if i >= 0 and n.start < stop_ends[i]:
                continue
        draft = _figure_at(view, n, by_start, rules, taken)
        if draft is None or draft.start < taken:
            continue
        if words is not None and n.text[0] in _CN_NUMERAL_SET \
                and not words.respected(n, draft, drafts[-1].end if drafts else -1):
            continue
        drafts.append(draft)
        taken = draft.end
    if rules.fixed is not None and any(word in view for word in rules.fixed_values):
        drafts = _with_fixed(view, drafts, rules, stop_starts, stop_ends)
    drafts = _drop_articles(view, _shared_units(view, _joined(view, drafts, rules)))
    return [_to_figure(text, view, d, rules, words) for d in drafts]


def _with_fixed(view: str, drafts: list[_Draft], rules: FigureRules, stop_starts, stop_ends) -> list[_Draft]:
    """Add the figures written as one word (打对折 = 50 %) where no numeral figure is."""
    extra = []
    for m in rules.fixed.finditer(view):
        i = bisect.bisect_right(stop_starts, m.start()) - 1
        if i >= 0 and m.start() < stop_ends[i]:
            continue
        if any(d.start < m.end() and m.start() < d.end for d in drafts):
            continue
        kind, unit, value = rules.fixed_values[m.group()]
        extra.append(_finish(view, _Draft(m.start(), m.end(), value, kind=kind, unit=unit, rule=f"figure.{kind}.word"), rules))
    return sorted(drafts + extra, key=lambda d: d.start) if extra else drafts


def _shared_units(view: str, drafts: list[_Draft]) -> list[_Draft]:
    """高2.5个、5.7个百分点: a list item whose unit the next item completes shares the full unit."""
    for first, second in zip(drafts[::-1][1:], drafts[::-1]):  # right to left: 1个、2个、3个百分点
        if first.unit and second.unit != first.unit and second.unit.startswith(first.unit) \
                and view[first.end : second.start] in _LIST_JOINERS:
            first.unit, first.kind = second.unit, second.kind
    return drafts


def _joined(view: str, drafts: list[_Draft], rules: FigureRules) -> list[_Draft]:
    """Money written in two pieces becomes one figure: a fractional unit after the main one
    (两美元又三美分 = 2.03) or two amounts around a range mark (五块六到五块七毛八)."""
    out: list[_Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        if (prev is None or prev.kind != "money" or d.kind != "money" or prev.currency != d.currency
                or prev.value_max is not None or d.value_max is not None):
            out.append(d)
            continue
        gap = view[prev.end : d.start]
        if d.fractional and not prev.fractional and gap.strip(" ") in ("", "又", "零"):
            prev.value += d.value
            prev.end = d.end
        elif (not d.fractional and not prev.fractional and d.value > prev.value and prev.qualifier == "exact"
              and rules.range_sep.fullmatch(gap)):
            prev.value_max, prev.qualifier, prev.end = d.value, "range", d.end
            prev.per_unit = prev.per_unit or d.per_unit
        else:
            out.append(d)
    return out


def _stopped(view: str, rules: FigureRules):
    """Stop-list words and no-figure zones (web and e-mail addresses) in the text."""
    yield from rules.stoplist.finditer(view)
    if any(marker in view for marker in rules.zone_markers):
        yield from rules.zones.finditer(view)


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted spans merged where they overlap: parallel lists of starts and ends."""
    starts: list[int] = []
    ends: list[int] = []
    for a, b in spans:
        if ends and a < ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


_CN_NUMERAL_START = re.compile(f"[{_CN_NUMERAL_CHARS}]")
_CN_NUMERAL_SET = frozenset(_CN_NUMERAL_CHARS)
_HAN = re.compile("[\u4e00-\u9fff]")
_HEAD_OK = frozenset(_CN_NUMERAL_CHARS + "约近超过余多第")
_LIST_JOINERS = ("、", "和", "或", "及", ",", "，")
_TAIL_OK = frozenset(_CN_NUMERAL_CHARS + "余多以左上内后前来间到至")


class _WordIndex:
    """The tokens of one text, indexed by offset once per call (bisect instead of a scan)."""

    def __init__(self, text: str, tokens: list[Token]):
        self.text = text
        self.tokens = tokens
        self.starts = [t.start for t in tokens]

    def at(self, pos: int) -> int:
        """Index of the token holding character pos (-1 before the first)."""
        return bisect.bisect_right(self.starts, pos) - 1

    def containing(self, pos: int) -> Token | None:
        """The token that pos falls strictly inside (not at its start), or None."""
        i = self.at(pos)
        if i < 0:
            return None
        tok = self.tokens[i]
        return tok if tok.start < pos < tok.end else None

    def respected(self, n: NumberSpan, draft: _Draft, previous_end: int = -1) -> bool:
        """False when a Chinese numeral starts inside a name or noun (李四|人民币) or its unit ends
        inside a word (三元|里). A word that starts inside the previous figure (两金|三银 glued as
        两|金三银 by jieba) or that is no noun (只花十来|块钱) does not veto."""
        if not _CN_NUMERAL_START.match(n.text):
            return True
        text = self.text
        tok = self.containing(n.start)
        if tok is not None and not set(text[tok.start : n.start]) <= _HEAD_OK \
                and not tok.start < previous_end and (not tok.pos or tok.pos.startswith("n")):
            return False
        tok = self.containing(draft.end)
        if tok is not None:
            tail = text[draft.end : tok.end]
            if _HAN.match(tail) and tail[0] not in _TAIL_OK:
                return False
        return True


def _drop_articles(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """一个男子 / 一位老人 are articles; keep 一 when the clause ends there or a list has the same unit."""
    kept = []
    for d in drafts:
        if d.article_one and not (d.end >= len(text) or text[d.end] in _PUNCT_END):  # not at the clause end
            listed = any(o.unit == d.unit and o is not d and abs(o.start - d.start) <= 24 and not o.article_one
                         for o in drafts)
            if not listed:
                continue
        kept.append(d)
    return kept


def _clause_before(text: str, start: int) -> str:
    """Up to 40 characters before start, from the last clause mark on."""
    window = text[max(0, start - 40) : start]
    m = _CLAUSE_MARK.search(window[::-1])
    return window if not m else window[len(window) - m.start() :]


def _subject(text: str, d: _Draft, rules: FigureRules) -> str | None:
    """The noun phrase counted or paid: after a measure word (300余名来自基层单位的教职工), else
    just before the number (抽调教职工307人, 应急款143.59万元). From characters alone, when no
    tokens are given (_subject_from_tokens reads them)."""
    after = re.match(r"[\u4e00-\u9fff“”\"]{1,16}", text[d.end : d.end + 16])
    if after and d.kind in ("count", "measure") and d.unit:
        phrase = after.group()
        if "的" in phrase:
            phrase = phrase.rsplit("的", 1)[1]
        phrase = re.split(r"[在被于将已正和与及、]", phrase, maxsplit=1)[0]
        if len(phrase) >= 2:
            return phrase[:8]
    clause = _clause_before(text, d.start)
    cuts = list(rules.subject_cut.finditer(clause))
    phrase = clause[cuts[-1].end() :] if cuts else clause
    phrase = re.sub(r"[^\u4e00-\u9fff]", "", phrase)[-8:]
    return phrase or None


def _is_noun(tok: Token, rules: FigureRules) -> bool:
    pos = tok.pos
    return (pos[:1] == "n" or pos in rules.subject_pos) and tok.word not in rules.subject_cut_words \
        and _HAN.match(tok.word) is not None


def _subject_from_tokens(d: _Draft, rules: FigureRules, words: _WordIndex) -> str | None:
    """Up to three nouns after the figure's measure word (after a 的 in the next eight tokens),
    else up to three nouns before it, past at most two verbs or cut words; two characters at least."""
    toks, starts = words.tokens, words.starts
    if d.unit and d.kind in ("count", "measure"):
        i = bisect.bisect_right(starts, d.end - 1)  # the first token after the figure
        start = i
        for j, tok in enumerate(toks[i : i + 8], i):
            word = tok.word
            if word in _PUNCT_END or tok.pos == "x":
                break
            if word == "的":
                start = j + 1
        phrase = ""
        for tok in toks[start : start + 3]:
            if not _is_noun(tok, rules):
                break
            phrase += tok.word
        if len(phrase) >= 2:
            return phrase
    i = bisect.bisect_right(starts, d.start) - 1
    if i >= 0 and starts[i] == d.start:
        i -= 1
    run: list[str] = []  # right to left
    skipped = 0
    while i >= 0 and len(run) < 3:
        tok = toks[i]
        if _is_noun(tok, rules):
            run.append(tok.word)
        elif not run and skipped < 2 and (tok.word in rules.subject_cut_words or tok.pos[:1] in ("v", "d", "p")):
            skipped += 1  # 运输机场|达到|259个: look past the verb
        else:
            break
        i -= 1
    phrase = "".join(reversed(run))
    return phrase if len(phrase) >= 2 else None


def _per_unit_cue(text: str, start: int, rules: FigureRules) -> bool:
    """A per-unit cue (每户, 人均) in the last 12 characters of the clause before start."""
    if not rules.per_unit.search(text, max(0, start - 12), start):
        return False  # the clause's tail lies within these 12 characters: no cue there either
    return rules.per_unit.search(_clause_before(text, start)[-12:]) is not None


def _to_figure(text: str, view: str, d: _Draft, rules: FigureRules, words: _WordIndex | None = None) -> Figure:
    per_unit = d.per_unit or _per_unit_cue(view, d.start, rules)
    subject = _subject_from_tokens(d, rules, words) if words is not None else _subject(view, d, rules)
    # positional, in the order of _FIGURE_FIELDS (four times faster than keywords; a test
    # checks that order against the model)
    value, value_max = d.value, d.value_max
    return Figure(d.start, d.end, text[d.start : d.end], round(value, 6) if abs(value) < 1e15 else value,
                  d.unit, d.kind, d.qualifier, None if value_max is None else _clean(value_max), d.currency, subject,
                  "per_unit" if per_unit else "total", d.rule)


_FIGURE_FIELDS = ("start", "end", "text", "value", "unit", "kind", "qualifier", "value_max", "currency",
                  "subject", "scope", "rule")


def _clean(value: float) -> float:
    """Round away binary noise (143.59 * 10000 = 1435899.9999999998)."""
    return round(value, 6) if abs(value) < 1e15 else value


# ---------------------------------------------------------------- one money expression


def parse_money(text: str) -> dict | None:
    """One money expression on its own -> {value, value_max, currency, qualifier}, or None.

    >>> parse_money("近30万元")
    {'value': 300000.0, 'value_max': None, 'currency': 'CNY', 'qualifier': 'under'}
    """
    folded = fold_expression(text).strip()
    figures = [f for f in find_figures(folded) if f.kind == "money"]
    if not figures:  # 五個半, 個九, 港幣三個一毫四: in an amount of money 個 is the dollar (块)
        dollars = _as_dollars(folded)
        if dollars != folded:
            figures = [f for f in find_figures(dollars) if f.kind == "money"]
    if not figures:
        figures = _amount_without_currency(folded)
    if not figures:
        sub = _subunits_only(folded)
        if sub is None:
            return None
        figures = [sub]
    best = max(figures, key=lambda f: f.end - f.start)
    return {"value": best.value, "value_max": best.value_max, "currency": best.currency, "qualifier": best.qualifier}


def _as_dollars(text: str) -> str:
    """The money-context reading of a measure word: 個/个 -> 块, with 一 before a leading one."""
    words = figure_rules().dollar_words
    out = "".join("块" if ch in words else ch for ch in text)
    return "一" + out if out.startswith("块") and text[0] in words else out


def _amount_without_currency(text: str) -> list[Figure]:
    """三百万, 小于40万, 15k左右: an amount asked for as money with no currency word is yuan."""
    rules = figure_rules()
    numbers = [n for n in find_numbers(text) if not n.bare]
    if len(numbers) != 1:
        return []
    n = numbers[0]
    draft = _finish(text, _Draft(n.start, n.end, n.value, None, n.qualifier, "money", "元", "CNY",
                                 rule="figure.money.implied"), rules)
    rest = text[: draft.start] + text[draft.end :]
    if re.search(r"[\u4e00-\u9fff0-9]", rest):
        return []
    return [_to_figure(text, text, draft, rules)]


def _subunits_only(text: str) -> Figure | None:
    """五毛, 2角, 两角五分, 五仙: cents and dimes written without 元 (only as a whole expression)."""
    rules = figure_rules()
    if not text:
        return None
    total, pos = 0.0, 0
    while pos < len(text):
        m = rules.subunit.match(text, pos) or re.match(r"([0-9]+|[二两三四五六七八九十]+)(分|仙)", text[pos:])
        if not m:
            return None
        piece = m.group()
        unit_word = next(u for u in sorted(rules.subunits, key=len, reverse=True) if piece.endswith(u))
        num = parse_number(piece[: -len(unit_word)])
        if num is None:
            return None
        total += num * rules.subunits[unit_word]
        pos = m.end() if m.re is rules.subunit else pos + len(piece)
        if pos < len(text) and text[pos] in _CN_NUMERAL_CHARS and pos == len(text) - 1:  # 两毛五
            total += (parse_number(text[pos]) or 0) * rules.subunits[unit_word] / 10
            pos += 1
    return Figure(0, len(text), text, round(total, 6), "元", "money", currency="CNY", rule="figure.money.subunit")
