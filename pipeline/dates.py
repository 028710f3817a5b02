"""DATES: find date expressions in an article and resolve them to inclusive ISO intervals.

Two steps, kept apart (Recognizers-Text style):
  find     `_candidates()` runs the patterns of rules/dates.yaml over the text and returns
           `Match` records: a span, the rule that made it, and the parts it read (year, month...).
  resolve  `_resolve()` turns one Match into (start, end, granularity) given the reference date
           and what the text said before it (the last day named, the last period named).

Year-less dates. A date without a year takes the reference year, with one rule for reports
about the past: a month later than the reference month (8月 in a July article) takes the
previous year, unless its sentence speaks of the future (将, 计划, 预计 ... from
rules/dates.yaml `future_markers`, or a deadline suffix such as 前/起). A bare day (21日)
takes the reference month the same way: a day later than the reference day is last month's.
A year named earlier in the same sentence (2019年3月5日……4月2日) wins over the reference.

Festivals are computed per year from the calendar their rules/dates.yaml entry names: solar,
lunar (lunardate), Hebrew and Islamic (convertdate), Easter, n-th weekday, sidereal solar.
Festivals take the year of the reference, choosing among the neighbouring years the
occurrence nearest to the reference day (春节 in a December article is next year's).

Vocabulary (relative words, festivals, period words, stop-lists) is data in rules/dates.yaml;
this module holds the mechanisms only.
"""
from __future__ import annotations

import bisect
import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from convertdate import hebrew, islamic
from lunardate import LunarDate

try:  # the regex parser, for the first characters a pattern can match (see _Scanner)
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

from .model import DateFact, ReferenceDate
from .rules import RulesError, expand_fragments, load_yaml, trie_alternation

RULES_FILE = "dates.yaml"
VARIANTS_FILE = "dates_variants.yaml"
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
_SENTENCE_END = "。！？!?；;\n"
SAME_YEAR_BIAS_DAYS = 150
# How a date that does not fix its own year (or week) falls relative to the reference:
#   news       reports look back: a later month is last year's unless the sentence speaks of
#              the future; a weekday is the reference week's; a festival the nearest occurrence
#   future     an assistant's reading (Duckling): the next occurrence on or after the reference
#              (a weekday strictly after it)
#   reference  the reference's own year and month, whatever the distance (JioNLP's default)
READINGS = ("news", "future", "reference")
SENTENCE_WINDOW = 200
TWO_DIGIT_YEAR_AHEAD = 10  # 24年 in 2021 is 2024; 33年 is 1933
_PATTERN_ORDER = ("calendar", "range_day", "numeric", "event_md",
                  "year_range", "month_range", "decade", "century", "quarter",
                  "week", "ordinal", "relative_day", "festival", "same_period")


# Alternatives that ride in a pattern with the same first characters (one scan of the text fewer
# each; calendar pieces kept out of the calendar pattern so that their first characters, 次 当 两
# 阴, do not make the scanner try the whole calendar pattern there): pattern -> [(group, rule)].
_RIDERS = {
    "range_day": [("", "date.calendar")],
    "relative_day": [("prev_year", "date.calendar"), ("prev_month", "date.calendar")],
    "century": [("year_k", "date.calendar"), ("lunar_before", "date.calendar")],
    "year_range": [("dr_y1", "date.dotted_range")],
    "event_md": [("sa", "date.slash")],
    "same_period": [("rspan", "date.relative_span")],
}


def _rule_of(name: str, parts: dict) -> str:
    for group, rule in _RIDERS.get(name, ()):
        if not group or group in parts:
            return rule
    return f"date.{name}"


@dataclass
class Match:
    """A span found by one pattern, with the named groups it read (not yet resolved)."""
    start: int
    end: int
    rule: str
    parts: dict
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    patterns: dict  # name -> compiled regex
    relative_years: dict
    relative_years_previous: dict
    relative_months: dict
    quarter_parts: dict
    relative_days: dict
    relative_days_clause_start: frozenset
    relative_spans: dict
    relative_weeks: dict
    relative_quarters: dict
    part_suffixes: dict
    weekdays: dict
    period_suffixes: dict
    festivals: dict
    festival_suffixes: dict
    festival_context_after: tuple
    festival_not_before: tuple
    holidays: dict
    future_markers: tuple
    future_suffixes: tuple
    recurring_prefixes: tuple
    suffix_not_before: tuple
    compact_not_after: tuple
    stop_phrases: tuple
    event_nouns: tuple
    fold: tuple  # (str.translate table: variant character -> simplified, pattern finding a variant)


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Compile rules/dates.yaml once: tables become alternation fragments, then patterns."""
    spec = load_yaml(RULES_FILE)
    fragments = dict(spec["fragments"])
    tables = {
        "rel_year": spec["relative_years"],
        "prev_year": spec["relative_years_previous"],
        "rel_month": [w for w, v in spec["relative_months"].items() if v != "previous"],
        "prev_month": [w for w, v in spec["relative_months"].items() if v == "previous"],
        "rel_day": spec["relative_days"],
        "rel_span": spec["relative_spans"],
        "rel_week": spec["relative_weeks"],
        "rel_quarter": spec["relative_quarters"],
        "part_suffix": spec["part_suffixes"],
        "quarter_part": spec["quarter_parts"],
        "weekday": spec["weekdays"],
        "period_suffix": spec["period_suffixes"],
        "festival_name": spec["festivals"],
        "festival_suffix": spec["festival_suffixes"],
    }
    for name, table in tables.items():
        if name in fragments:
            raise RulesError(f"{RULES_FILE}: fragment {name!r} is generated from a table; remove it")
        fragments[name] = f"(?:{trie_alternation(table)})"
    expanded = expand_fragments(fragments, RULES_FILE)
    for name, fest in spec["festivals"].items():
        if fest.get("calendar") in ("span", "offset"):
            for ref in ([fest["from"], fest["to"]] if fest["calendar"] == "span" else [fest["of"]]):
                if ref not in spec["festivals"]:
                    raise RulesError(f"{RULES_FILE}: festival {name!r} refers to unknown festival {ref!r}")
        if fest.get("calendar") == "sidereal_sun" and not all(k in fest for k in ("longitude", "zone_hours", "day_ends_hour", "days")):
            raise RulesError(f"{RULES_FILE}: festival {name!r} needs longitude, zone_hours, day_ends_hour and days")
        if fest.get("calendar") in ("hebrew", "islamic"):
            months = 13 if fest["calendar"] == "hebrew" else 12
            days = fest.get("days", 1)
            if not (1 <= fest.get("month", 0) <= months and 1 <= fest.get("day", 0) <= 30
                    and (days == "month" or isinstance(days, int) and days >= 1)):
                raise RulesError(f"{RULES_FILE}: festival {name!r} needs month 1-{months}, day 1-30 and "
                                 f"days >= 1 or 'month' in the {fest['calendar']} calendar")
    unknown = set(spec["relative_days_clause_start"]) - set(spec["relative_days"])
    if unknown:
        raise RulesError(f"{RULES_FILE}: relative_days_clause_start lists {sorted(unknown)}, not in relative_days")
    holidays = {
        family: {int(year): (_as_date(span[0]), _as_date(span[1])) for year, span in years.items()}
        for family, years in spec["holidays"].items()
    }
    return Rules(
        patterns={name: _Scanner.compile(expanded[name], name) for name in _PATTERN_ORDER},
        relative_years=spec["relative_years"],
        relative_years_previous=spec["relative_years_previous"],
        relative_months=spec["relative_months"],
        quarter_parts=spec["quarter_parts"],
        relative_days=spec["relative_days"],
        relative_days_clause_start=frozenset(spec["relative_days_clause_start"]),
        relative_spans=spec["relative_spans"],
        relative_weeks=spec["relative_weeks"],
        relative_quarters=spec["relative_quarters"],
        part_suffixes=spec["part_suffixes"],
        weekdays=spec["weekdays"],
        period_suffixes=spec["period_suffixes"],
        festivals=spec["festivals"],
        festival_suffixes=spec["festival_suffixes"],
        festival_context_after=tuple(spec["festival_context_after"]),
        festival_not_before=tuple(spec["festival_not_before"]),
        holidays=holidays,
        future_markers=tuple(spec["future_markers"]),
        future_suffixes=tuple(spec["future_suffixes"]),
        recurring_prefixes=tuple(spec["recurring_prefixes"]),
        suffix_not_before=tuple(spec["suffix_not_before"]),
        compact_not_after=tuple(spec["compact_not_after"]),
        stop_phrases=tuple(spec["stop_phrases"]),
        event_nouns=tuple(spec["event_nouns"]),
        fold=_load_fold(),
    )


def _load_fold() -> tuple[dict, re.Pattern]:
    """rules/dates_variants.yaml: one character for one (offsets must not move).

    Returns the str.translate table and a pattern that finds any variant (most texts have none,
    and translate costs a dictionary look-up per character).
    """
    fold = load_yaml(VARIANTS_FILE)["fold"]
    for variant, simple in fold.items():
        if len(str(variant)) != 1 or len(str(simple)) != 1 or variant == simple:
            raise RulesError(f"{VARIANTS_FILE}: {variant!r} -> {simple!r} must map one character to another")
    return str.maketrans(fold), re.compile(_char_class(set(fold)))


# ---------------------------------------------------------------------------------- scanning

def _char_class(chars: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _first_chars(items) -> tuple[set[str] | None, bool]:
    """(the characters a parsed regex sequence can start with, None for any; can it match empty)."""
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _first_chars_of(op, av)
        if first is None:
            return None, False
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_chars_of(op, av) -> tuple[set[str] | None, bool]:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        chars = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < 256:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:
                return None, False  # a negated class, a category (\s), a wide range: anything
        return chars, False
    if op is _sre.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            first, empty = _first_chars(alternative)
            if first is None:
                return None, False
            chars |= first
            nullable |= empty
        return chars, nullable
    if op is _sre.SUBPATTERN:
        return _first_chars(av[-1])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        first, nullable = _first_chars(av[2])
        return first, nullable or av[0] == 0
    if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
        return set(), True  # zero width: the next item decides
    return None, False


def _has_backreference(items) -> bool:
    for op, av in items:
        if op is _sre.GROUPREF:
            return True
        subs = [av[-1]] if op is _sre.SUBPATTERN else av[1] if op is _sre.BRANCH else \
            [av[2]] if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) else [av[1]] if op in (_sre.ASSERT, _sre.ASSERT_NOT) else []
        if any(_has_backreference(sub) for sub in subs):
            return True
    return False


@dataclass(frozen=True)
class _Scanner:
    """One date pattern, searched only where one of its possible first characters stands.

    Most patterns start with an optional part or a look-behind (no digit before a year), so
    the regex engine cannot skip ahead and tries the whole alternation at every character.
    The loader reads from the parsed pattern the set F of characters a match can start with
    and compiles `[F](?<=(?=(?P<_span>PATTERN))[\\s\\S])`: a one-character class first, which the
    engine scans for in C, then a look-behind that steps back onto that character and reads the
    pattern from it (groups captured there are kept). The real span is group `_span`.
    A pattern with a back-reference cannot sit in a look-behind: it gets a `(?=[F])` guard.
    `finditer` keeps re.finditer's rule that matches do not overlap and drops empty ones.
    """
    source: str  # the pattern as written in rules/dates.yaml (fragments expanded)
    regex: re.Pattern
    wrapped: bool  # the span is group _span, not the match

    @classmethod
    def compile(cls, pattern: str, name: str) -> "_Scanner":
        try:
            parsed = _sre_parse.parse(pattern)
        except re.error as exc:
            raise RulesError(f"{RULES_FILE}: pattern {name!r} does not compile: {exc}") from exc
        first, _ = _first_chars(parsed)
        if not first:
            return cls(pattern, re.compile(pattern), False)
        guard = _char_class(first)
        if _has_backreference(parsed):
            return cls(pattern, re.compile(f"(?={guard})(?:{pattern})"), False)
        return cls(pattern, re.compile(f"{guard}(?<=(?=(?P<_span>{pattern}))[\\s\\S])"), True)

    def finditer(self, text: str):
        """(start, end, match) of every non-empty, non-overlapping match, left to right."""
        if not self.wrapped:
            for m in self.regex.finditer(text):
                if m.end() > m.start():
                    yield m.start(), m.end(), m
            return
        last_end = 0
        for m in self.regex.finditer(text):
            start, end = m.span("_span")
            if end > start and start >= last_end:
                last_end = end
                yield start, end, m


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# ---------------------------------------------------------------------------------- numbers

def cn_number(text: str) -> int | None:
    """Small Chinese numerals as used in dates: 十二, 二十五, 廿三, 初五, 三十一, 5."""
    if text.isdigit():
        return int(text)
    text = text.removeprefix("初")
    if text.startswith("廿"):
        text = "二十" + text[1:]
    if "十" in text:
        tens, _, units = text.partition("十")
        tens_value = _CN_DIGITS.get(tens, None) if tens else 1
        units_value = _CN_DIGITS.get(units, None) if units else 0
        if tens_value is None or units_value is None:
            return None
        return tens_value * 10 + units_value
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


def _thousands_year(text: str) -> int:
    """两千零四 -> 2004, 两千 -> 2000, 一千九百九十八 -> 1998, 二千一十 -> 2010."""
    base, rest = (1900, text[4:]) if text.startswith("一千九百") else (2000, text[2:])
    return base + (cn_number(rest.removeprefix("零")) or 0 if rest else 0)


def cn_year(text: str) -> int:
    """二〇二一 -> 2021 (digit by digit)."""
    return int("".join(str(_CN_DIGITS[c]) for c in text))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _day_in_month(year: int, month: int, day: int) -> date:
    """Day `day` of the month, 31 meaning the last day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


# ---------------------------------------------------------------------------------- find

def _candidates(text: str, rules: Rules) -> list[Match]:
    """Every pattern's non-empty matches, before overlap resolution."""
    found: list[Match] = []
    for name, scanner in rules.patterns.items():
        for start, end, m in scanner.finditer(text):
            parts = {k: v for k, v in m.groupdict().items() if v is not None and k != "_span"}
            rule = _rule_of(name, parts)
            if "prev_month" in parts:  # 当月 in an ordinal (当月第三周)
                parts["rel_month"] = parts.pop("prev_month")
            for sep_month in ("nm_dot", "nm_slash"):  # 2021.3.5, 2021/3/5: the month of ny-nm-nd
                if sep_month in parts:
                    parts["nm"] = parts.pop(sep_month)
            if "year_k" in parts:  # 两千零四年: read here, so every later step sees a plain year
                parts["year"] = str(_thousands_year(parts.pop("year_k")))
            qpart = parts.get("qpart")
            if qpart and text[m.end("qpart"):m.end("qpart") + 1] in rules.suffix_not_before:
                end = m.start("qpart")  # 一季度末期? 末 starts another word
                del parts["qpart"]
            if "bday" in parts:
                parts["day"], parts["day_mark"] = parts.pop("bday"), parts.pop("bday_mark")
            elif "day_bare" in parts:
                parts["day"], parts["day_mark"] = parts.pop("day_bare"), ""
            suffix = parts.get("psuf")
            if suffix and len(suffix) == 1 and text[m.end("psuf"):m.end("psuf") + 1] in rules.suffix_not_before:
                end = m.start("psuf")  # 3月初步: 初 starts another word; keep 3月
                parts = {k: v for k, v in parts.items() if k not in ("psuf", "since")}
            if end == start:
                continue
            match = Match(start, end, rule, parts)
            if _acceptable(match, text, rules):
                found.append(match)
    return found


def _acceptable(match: Match, text: str, rules: Rules) -> bool:
    """Pattern-specific checks that a regex alone does not express."""
    p, rule = match.parts, match.rule
    if rule == "date.calendar":
        return _calendar_ok(match, text, rules)
    if rule == "date.week":
        return "wrel" in p or "wday" in p
    if rule == "date.ordinal":
        return _ordinal_ok(p)
    if rule == "date.slash":
        return bool(_slash_days(p))
    if rule == "date.event_md":
        before = text[max(0, match.start - 1):match.start]
        after = text[match.end:match.end + 4]
        quoted = before in "“\"「'‘" and before != "" and after[:1] in "”\"」'’"
        return quoted or after.startswith(rules.event_nouns) or _alone(match, text)
    if rule == "date.festival":
        return _festival_ok(match, text, rules)
    if rule == "date.year_range" and "yr_mark" not in p:
        return text[max(0, match.start - 1):match.start] == "从"  # 从2016到2018; 2016-2018 alone may be a score
    if rule == "date.dotted_range":
        return int(p["dr_y1"]) <= int(p["dr_y2"])
    if rule == "date.relative_day" and p["rday"] in rules.relative_days_clause_start:
        return not _HAN.match(text, max(0, match.start - 1)) or match.start == 0
    if rule == "date.numeric":
        if "cy" in p and text[max(0, match.start - 2):match.start].endswith(rules.compact_not_after):
            return False  # 编号为20210305: an id
        return _numeric_ok(p)
    return True


def _calendar_ok(match: Match, text: str, rules: Rules) -> bool:
    p = match.parts
    has_year = any(k in p for k in _YEAR_KEYS)
    has_month = any(k in p for k in _MONTH_KEYS)
    has_day = any(k in p for k in ("day", "day_cn", "lunar_day"))
    cn2 = p.get("year2_cn")
    if cn2 and cn2[0] not in "零〇" and cn_year(cn2[1]) == cn_year(cn2[0]) + 1:
        return False  # 三四年: three or four years, not 1934
    if "lunar_month" in p and not _is_lunar(p) and p["lunar_month"] not in _LUNAR_MONTHS:
        return False  # 二月 without 农历 is read by month_cn
    after_connector = text[max(0, match.start - 1):match.start] in ("至", "到", "-", "~")
    if has_day and not has_month:
        # a bare day needs digits and 日 (21日); 号 and Chinese days need a month,
        # except as the end of a range (一月十日到十二日)
        if has_year or not (("day" in p and p.get("day_mark") == "日")
                            or (after_connector and p.get("day_cn_mark") in ("日", "号"))
                            or ("day" in p and p.get("day_mark") and (_listed_day(match, text) or _alone(match, text)))):
            return False
    if "day_cn" in p and "day_cn_mark" not in p and not has_month:
        return False
    if "lunar_day" in p and not has_month:
        return False
    suffix = p.get("psuf")
    if suffix is not None and rules.period_suffixes.get(suffix, {}).get("needs_year") and not has_year:
        return False  # 首月 alone is a product's first month, 2005年首月 a date
    if "qpart" in p and not (suffix and "季度" in suffix):
        return False  # 初/末 after a quarter only
    if suffix is not None:
        level = _suffix_level(suffix, p, rules)
        if level is None:
            return False
        if level == "year" and (has_month or has_day):
            return False
        if level == "month" and has_day:
            return False
        if level == "month" and not has_month and (suffix not in rules.period_suffixes or has_year):
            return False
    if not (has_year or has_month or has_day or suffix):
        return False
    if "month_cn" in p and not (has_year or has_day or suffix) and p["month_cn"] in ("一", "十"):
        # 一月/十月 alone are too often parts of other words (统一月度); keep with a day or year
        return text[match.end:match.end + 1] not in "度份"
    return True


_HAN = re.compile("[\u4e00-\u9fff]")
_YEAR_KEYS = ("rel_year", "prev_year", "year", "year_cn", "year2", "year2_cn")
_MONTH_KEYS = ("rel_month", "month", "month_cn", "lunar_month")


_LISTED_DAY = re.compile(r"[日号][，、,][ ]?$")


def _listed_day(match: Match, text: str) -> bool:
    """11号 in 9月10号，11号: a day right after another day and a list comma takes its month."""
    return bool(_LISTED_DAY.search(text, max(0, match.start - 3), match.start))


def _is_lunar(p: dict) -> bool:
    """农历/阴历 before or after the year, or a lunar day (初N)."""
    return any(k in p for k in ("lunar", "lunar_before", "lunar_day"))
_ORDINAL_KEYS = ("ord", "ord_unit", "ord_wday", "last_unit", "last_wday")


def _ordinal_ok(p: dict) -> bool:
    """第N个月 needs a year and no month; a weekday (第一个星期一) needs a month; 第N周 either."""
    has_year, has_month = any(k in p for k in _YEAR_KEYS), any(k in p for k in _MONTH_KEYS)
    if "lunar_month" in p:
        return False
    if p.get("ord_unit") == "月":
        return has_year and not has_month and "ord_wday" not in p
    if "ord_wday" in p or "last_wday" in p:
        return has_month
    return has_year or has_month


def _suffix_level(suffix: str, parts: dict, rules: Rules) -> str | None:
    if suffix.startswith("前") and suffix.endswith("天"):
        return "month"  # 这个月前两天
    if suffix.startswith("前") and suffix not in rules.period_suffixes:
        return "year"  # 前三季度, 前4个月
    entry = rules.period_suffixes.get(suffix)
    if entry is None:
        return None
    if entry["level"] == "after":
        if any(k in parts for k in _MONTH_KEYS):
            return "month"
        if any(k in parts for k in _YEAR_KEYS):
            return "year"
        return None
    return entry["level"]


def _slash_days(p: dict, reference: ReferenceDate | None = None) -> set[date]:
    """The dates a/b/y can be: month/day or day/month (the order is not written)."""
    short = p["sly"]
    year = int(short) if len(short) == 4 else _two_digit_year(int(short), reference or ReferenceDate())
    days = set()
    for month, day in ((int(p["sa"]), int(p["sb"])), (int(p["sb"]), int(p["sa"]))):
        try:
            days.add(date(year, month, day))
        except ValueError:
            pass
    return days


def _numeric_ok(p: dict) -> bool:
    year, month, day = _numeric_ymd(p)
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _numeric_ymd(p: dict) -> tuple[int, int, int]:
    for y, m, d in (("ny", "nm", "nd"), ("dy", "dm", "dd"), ("sy", "sm", "sd"), ("cy", "cm", "cd")):
        if y in p:
            return int(p[y]), int(p[m]), int(p[d])
    raise KeyError("numeric date without parts")


def _festival_ok(match: Match, text: str, rules: Rules) -> bool:
    p = match.parts
    name = p["fest"]
    after = text[match.end:match.end + 4]
    if after.startswith(rules.festival_not_before):
        return False
    if not rules.festivals[name].get("context"):
        return True
    has_context = ("fyear" in p or "frel" in p or "lq" in p or "fsuf" in p
                   or after.startswith(rules.festival_context_after))
    return has_context or _alone(match, text)


def _alone(match: Match, text: str) -> bool:
    """The match is the whole input (a parse_date call, a line of its own)."""
    return not text[:match.start].strip() and not text[match.end:].strip()


def _select(matches: list[Match], text: str, rules: Rules) -> list[Match]:
    """Longest match wins; drop matches inside stop phrases and recurring dates (每月5日)."""
    blocked = [False] * (len(text) + 1)
    for phrase in rules.stop_phrases:
        start = text.find(phrase)
        while start != -1:
            for i in range(start, start + len(phrase)):
                blocked[i] = True
            start = text.find(phrase, start + 1)
    chosen: list[Match] = []
    taken = [False] * (len(text) + 1)
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if any(taken[match.start:match.end]):
            continue
        if any(blocked[match.start:match.end]) and match.rule in ("date.week", "date.relative_day"):
            continue
        if text[max(0, match.start - 2):match.start].endswith(rules.recurring_prefixes):
            continue
        for i in range(match.start, match.end):
            taken[i] = True
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


_RANGE_BETWEEN = re.compile(r"[ \u3000]?起?(?:至|到|——|--|-|–|—|~|－|～|一直到)[ \u3000]?")


def _range_end(match: Match) -> bool:
    """Can be one end of a range: a calendar or numeric date, a weekday (上周四), an ordinal day."""
    if match.rule in ("date.calendar", "date.numeric"):
        return True
    if match.rule == "date.week":
        return "wday" in match.parts
    return match.rule == "date.ordinal" and ("ord_wday" in match.parts or "last_wday" in match.parts)


def _merge_ranges(matches: list[Match], text: str) -> list[Match]:
    """3月5日至7日 / 2月28日-3月1日: two dates joined by 至/到/- become one span match."""
    merged: list[Match] = []
    i = 0
    while i < len(matches):
        cur = matches[i]
        if i + 1 < len(matches):
            nxt = matches[i + 1]
            between = text[cur.end:nxt.start]
            if (_range_end(cur) and _range_end(nxt)
                    and _RANGE_BETWEEN.fullmatch(between)
                    and "since" not in cur.parts and "psuf" not in cur.parts):
                merged.append(Match(cur.start, nxt.end, "date.span", {}, {"first": cur, "second": nxt}))
                i += 2
                continue
        merged.append(cur)
        i += 1
    return merged


def _attach_weekday(matches: list[Match], text: str) -> list[Match]:
    """10月12号，星期一: a weekday right after a date belongs to it (one fact, not two)."""
    out: list[Match] = []
    for match in matches:
        if (out and match.rule == "date.week" and "wrel" not in match.parts
                and out[-1].rule in ("date.calendar", "date.numeric", "date.span")
                and re.fullmatch(r"[ ,，、(（]?", text[out[-1].end:match.start])):
            prev = out[-1]
            end = match.end + (1 if text[match.end:match.end + 1] in ")）" and text[prev.end:match.start] in "(（" else 0)
            out[-1] = Match(prev.start, end, prev.rule, prev.parts, prev.extra)
            continue
        out.append(match)
    return out


# ---------------------------------------------------------------------------------- resolve

@dataclass
class Context:
    """What resolution needs besides the match: the anchor and what came before."""
    text: str
    reference: ReferenceDate
    rules: Rules
    last_day: date | None = None  # the last day-granularity date named (for 当天, 次日)
    last_period: tuple[date, date] | None = None  # the last period named (for 去年同期)
    last_month: tuple[int, int] | None = None  # (year, month) of the last date named (for 当月)
    last_year: int | None = None  # the year of the last date named (for 次年, 这一年)
    sentence_year: tuple[int, int] | None = None  # (sentence start, year) of an explicit year
    sentence_year_applies: bool = False  # the current match shares that sentence
    sentence_ends: list[int] = field(default_factory=list)
    reading: str = "news"  # how year-less dates, weekdays and festivals fall (READINGS)


@dataclass
class Value:
    start: date | None
    end: date | None
    granularity: str
    kind: str = "absolute"
    reason: str | None = None
    explicit_year: int | None = None


def _unresolved(granularity: str, reason: str, kind: str = "absolute") -> Value:
    return Value(None, None, granularity, kind, reason)


_SENTENCE_END_RE = re.compile(f"[{re.escape(_SENTENCE_END)}]")


def _sentence_ends(text: str) -> list[int]:
    return [m.start() for m in _SENTENCE_END_RE.finditer(text)]


def _sentence_bounds(ctx: "Context", offset: int) -> tuple[int, int]:
    """The sentence around `offset`, at most SENTENCE_WINDOW characters each side (linear time)."""
    ends = ctx.sentence_ends
    i = bisect.bisect_left(ends, offset)
    start = ends[i - 1] + 1 if i > 0 else 0
    end = ends[i] if i < len(ends) else len(ctx.text)
    return max(start, offset - SENTENCE_WINDOW), min(end, offset + SENTENCE_WINDOW)


def _speaks_of_future(match: Match, ctx: Context) -> bool:
    after = ctx.text[match.end:match.end + 2]
    if after.startswith(ctx.rules.future_suffixes):
        return True
    start, end = _sentence_bounds(ctx, match.start)
    sentence = ctx.text[start:end]
    return any(marker in sentence for marker in ctx.rules.future_markers)


def _reference_year(match: Match, ctx: Context) -> int | None:
    """The year of a year-less date: an explicit year earlier in the sentence, else the reference."""
    if ctx.sentence_year is not None:
        sent_start, year = ctx.sentence_year
        if _sentence_bounds(ctx, match.start)[0] == sent_start:
            return year
    ref = ctx.reference
    return ref.value.year if ref.value is not None else None


def _year_of(match: Match, parts: dict, ctx: Context) -> tuple[int | None, bool, str | None]:
    """(year, explicit, reason). explicit: the text wrote the year (not relative, not inferred)."""
    ref = ctx.reference
    if "year" in parts:
        return int(parts["year"]), True, None
    if "year_cn" in parts:
        return cn_year(parts["year_cn"]), True, None
    if "year2" in parts or "year2_cn" in parts:
        short = int(parts["year2"]) if "year2" in parts else cn_year(parts["year2_cn"])
        return _two_digit_year(short, ref), True, None
    if "rel_year" in parts:
        if ref.value is None:
            return None, False, "no reference date"
        return ref.value.year + ctx.rules.relative_years[parts["rel_year"]], False, None
    if "prev_year" in parts:
        return _previous_year(parts["prev_year"], ctx)
    year = _reference_year(match, ctx)
    if year is None:
        return None, False, "no year known"
    return year, False, None


def _previous_year(word: str, ctx: Context) -> tuple[int | None, bool, str | None]:
    """次年 / 这一年: the year of the last date named, moved by the word's offset. In the news
    reading only the text can fix it; a caller parsing a request (future, reference readings)
    falls back to the reference year."""
    offset = ctx.rules.relative_years_previous[word]
    if ctx.last_year is not None:
        return ctx.last_year + offset, False, None
    if ctx.reading != "news" and ctx.reference.value is not None:
        return ctx.reference.value.year + offset, False, None
    return None, False, "no earlier year in the text to anchor to"


def _two_digit_year(short: int, ref: ReferenceDate) -> int:
    """07年 -> 2007, 九零年 -> 1990: the latest such year at most TWO_DIGIT_YEAR_AHEAD after the reference."""
    pivot = ref.value.year + TWO_DIGIT_YEAR_AHEAD if ref.value is not None else 2049
    return 2000 + short if 2000 + short <= pivot else 1900 + short


def _month_of(parts: dict, year: int, ctx: Context) -> tuple[int, int] | None:
    """(year, month) named by the parts, None when no month; rel_month shifts from the reference."""
    if "rel_month" in parts:
        ref = ctx.reference.value
        offset = ctx.rules.relative_months[parts["rel_month"]]
        if offset == "previous":  # 当月: the month of the last date named, else the reference's
            return ctx.last_month or (ref.year, ref.month)
        year = year if "rel_year" in parts else ref.year  # 去年本月: this month of last year
        return _shift_months(year, ref.month, offset)
    if "month" in parts:
        return year, int(parts["month"])
    if "month_cn" in parts:
        return year, cn_number(parts["month_cn"])
    return None


def _resolve_calendar(match: Match, ctx: Context) -> Value:
    p = match.parts
    ref = ctx.reference
    lunar = _is_lunar(p) or "lunar_month" in p
    has_month = any(k in p for k in _MONTH_KEYS)
    has_day = any(k in p for k in ("day", "day_cn", "lunar_day"))
    year, explicit, reason = _year_of(match, p, ctx)
    kind = "relative" if ("rel_year" in p or "rel_month" in p) else "absolute"
    if "rel_month" in p and ref.value is None:
        return _unresolved("month", "no reference date", "relative")
    if year is None and not ("rel_month" in p):
        return _unresolved("day" if has_day else "month" if has_month else "year", reason, kind)
    if lunar:
        return _resolve_lunar(match, year, explicit, ctx)
    ym = _month_of(p, year, ctx) if has_month else None
    ym_written = ym is not None
    suffix = p.get("psuf")
    if ym is None and has_day and ctx.last_day is not None and _listed_day(match, ctx.text):
        ym = (ctx.last_day.year, ctx.last_day.month)  # 9月10号，11号: the listed day's month
    elif ym is None and has_day:
        # bare day: the reference month (or the last month when the day is later than today)
        if ref.value is None or ref.granularity != "day":
            if ctx.last_day is None:
                return _unresolved("day", "no month known")
            ym = (ctx.last_day.year, ctx.last_day.month)
        else:
            ym = (ref.value.year, ref.value.month)
            day = int(p["day"])
            if ctx.reading == "news" and day > ref.value.day and not _speaks_of_future(match, ctx):
                ym = _shift_months(ym[0], ym[1], -1)
            elif ctx.reading == "future" and day < ref.value.day:
                ym = _shift_months(ym[0], ym[1], 1)
    elif ym is not None and not explicit and "rel_year" not in p and "rel_month" not in p:
        ym = _past_year_rule(match, ym, ctx)
    if ym is None and suffix is not None and _suffix_level(suffix, p, ctx.rules) == "month":
        if ref.value is None or ref.granularity != "day":
            return _unresolved("period", "no month known", kind)
        ym = (ref.value.year, ref.value.month)  # 月底 alone: this month's
    if ym is None:
        return _year_level(match, year, suffix, kind, explicit, ctx)
    y, m = ym
    if not 1 <= m <= 12:
        return _unresolved("month", "invalid month", kind)
    if has_day:
        day = int(p["day"]) if "day" in p else cn_number(p["day_cn"])
        point = _valid_day(y, m, day, explicit or "rel_month" in p or "rel_year" in p, month_written=ym_written)
        if point is None:
            return _unresolved("day", "invalid date", kind)
        return _with_since(Value(point, point, "day", kind, explicit_year=y if explicit else None), match, ctx)
    if suffix is not None and "firstd" in p:
        value = Value(date(y, m, 1), _day_in_month(y, m, cn_number(p["firstd"])), "period", kind)
        return _with_since(value, match, ctx)
    if suffix is not None:
        entry = _suffix_entry(suffix, "month", ctx.rules)
        value = Value(_day_in_month(y, m, entry["from"]), _day_in_month(y, m, entry["to"]), "period", kind)
        return _with_since(value, match, ctx)
    value = Value(date(y, m, 1), _month_end(y, m), "month", kind, explicit_year=y if explicit else None)
    return _with_since(value, match, ctx)


def _valid_day(year: int, month: int, day: int | None, fixed: bool, month_written: bool = False) -> date | None:
    """The date, or for a year-less 2月29日 the nearest earlier leap year, for a bare 31日 the
    nearest earlier month that has it. A written month never moves: 2月30日 and 4月31日 are no dates."""
    if day is None:
        return None
    if month_written and not (month == 2 and day == 29):
        fixed = True
    for _ in range(1 if fixed else 48):
        try:
            return date(year, month, day)
        except ValueError:
            if fixed:
                return None
            year, month = _shift_months(year, month, -12 if month == 2 and day == 29 else -1)
    return None


def _past_year_rule(match: Match, ym: tuple[int, int], ctx: Context) -> tuple[int, int]:
    """A year-less month later than the reference month in a past-tense report is last year's."""
    ref = ctx.reference
    if ref.value is None or ref.granularity != "day" or ctx.sentence_year_applies:
        return ym
    year, month = ym
    if year != ref.value.year or ctx.reading == "reference":
        return ym
    if ctx.reading == "future":
        return (year + 1, month) if month < ref.value.month else ym
    if month > ref.value.month and not _speaks_of_future(match, ctx):
        return year - 1, month
    return ym


def _suffix_entry(suffix: str, level: str, rules: Rules) -> dict:
    entry = rules.period_suffixes[suffix]
    if entry["level"] == "after":
        return rules.period_suffixes[entry[level]]
    return entry


def _year_level(match: Match, year: int, suffix: str | None, kind: str, explicit: bool, ctx: Context) -> Value:
    p = match.parts
    if suffix is None:
        value = Value(date(year, 1, 1), date(year, 12, 31), "year", kind, explicit_year=year if explicit else None)
        return _with_since(value, match, ctx)
    if "firstn" in p:
        n = cn_number(p["firstn"])
        value = Value(date(year, 1, 1), _month_end(year, n), "period", kind)
    elif "firstq" in p:
        n = cn_number(p["firstq"])
        value = Value(date(year, 1, 1), _month_end(year, 3 * n), "period", kind)
    else:
        entry = _suffix_entry(suffix, "year", ctx.rules)
        (m1, d1), (m2, d2) = entry["from"], entry["to"]
        value = _quarter_part(Value(_day_in_month(year, m1, d1), _day_in_month(year, m2, d2), "period", kind),
                              p.get("qpart"), ctx.rules)
    return _with_since(value, match, ctx)


def _quarter_part(value: Value, part: str | None, rules: Rules) -> Value:
    """一季度末: the quarter's last month; 四季度初: its first (rules/dates.yaml quarter_parts)."""
    if part is None or value.start is None:
        return value
    if rules.quarter_parts[part] == "first":
        return Value(value.start, _month_end(value.start.year, value.start.month), "month", value.kind)
    return Value(date(value.end.year, value.end.month, 1), value.end, "month", value.kind)


def _with_since(value: Value, match: Match, ctx: Context) -> Value:
    """今年以来 / 2021年以来: from the start of the date to the reference day."""
    if "since" not in match.parts or value.start is None:
        return value
    ref = ctx.reference.value
    if ref is None or ctx.reference.granularity != "day" or ref < value.start:
        return Value(value.start, None, "period", value.kind, "open end: no reference day")
    return Value(value.start, ref, "period", value.kind)


def _resolve_lunar(match: Match, year: int, explicit: bool, ctx: Context) -> Value:
    p = match.parts
    if "lunar_month" in p:
        month = _LUNAR_MONTHS.get(p["lunar_month"]) or cn_number(p["lunar_month"])
    elif "month_cn" in p:
        month = cn_number(p["month_cn"])
    elif "month" in p:
        month = int(p["month"])
    else:
        return _unresolved("day", "lunar date without a month")
    day_text = p.get("lunar_day") or p.get("day_cn") or p.get("day")
    if day_text is None:  # 阴历六月: the lunar month, first day to last
        first = _lunar_to_solar(year, month, 1) if explicit else _nearest(lambda y: _lunar_to_solar(y, month, 1), year, ctx)
        if first is None:
            return _unresolved("month", "no such lunar month")
        lunar_year = LunarDate.from_solar_date(first.year, first.month, first.day).year
        return Value(first, _lunar_to_solar(lunar_year, month, 30), "month", "festival")
    day = cn_number(day_text)
    if explicit:
        solar = _lunar_to_solar(year, month, day)
    else:
        solar = _nearest(lambda y: _lunar_to_solar(y, month, day), year, ctx)
    if solar is None:
        return _unresolved("day", "no such lunar day")
    return Value(solar, solar, "day", "festival")


def _lunar_to_solar(year: int, month: int, day: int) -> date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:
        if day == 30:  # a short month: 大年三十 of a 29-day 腊月 is its last day
            try:
                return LunarDate(year, month, 29).to_solar_date()
            except ValueError:
                return None
        return None


def _nearest(occurrence, year: int, ctx: Context, prefer_same_year: bool = False) -> date | None:
    """The occurrence in year-1, year or year+1 nearest to the reference (mid-year if only a year).

    With prefer_same_year (festivals), another year's occurrence wins only when it is much
    nearer (SAME_YEAR_BIAS_DAYS): 中秋 in a February article is this year's.
    """
    ref = ctx.reference
    if ref.value is None:
        return occurrence(year)
    target = ref.value if ref.granularity == "day" else date(year, 7, 1)
    bias = SAME_YEAR_BIAS_DAYS if prefer_same_year else 0
    options = [(y, d) for y, d in ((y, occurrence(y)) for y in (year - 1, year, year + 1)) if d is not None]
    if not options:
        return None
    return min(options, key=lambda yd: abs((yd[1] - target).days) - (bias if yd[0] == year else 0))[1]


def _festival_day(name: str, year: int, rules: Rules) -> tuple[date, date] | None:
    """The festival's own day (or period) in `year`."""
    fest = rules.festivals[name]
    cal = fest["calendar"]
    if cal == "solar":
        day = date(year, fest["month"], fest["day"])
        return day, day
    if cal == "lunar":
        day = _lunar_to_solar(year, fest["month"], fest["day"])
        return (day, day) if day else None
    if cal == "lunar_eve":
        day = LunarDate(year, 1, 1).to_solar_date() - timedelta(days=1)
        return day, day
    if cal == "qingming":
        short = year % 100
        c = 4.81 if year >= 2000 else 5.59
        day = date(year, 4, int(short * 0.2422 + c) - int(short / 4))
        return day, day
    if cal == "span":
        first, last = _festival_day(fest["from"], year, rules), _festival_day(fest["to"], year, rules)
        return (first[0], last[1]) if first and last else None
    if cal == "offset":
        base = _festival_day(fest["of"], year, rules)
        lo, hi = fest["days"]
        return (base[0] + timedelta(days=lo), base[0] + timedelta(days=hi)) if base else None
    if cal == "solar_period":
        (m1, d1), (m2, d2) = fest["from"], fest["to"]
        return date(year, m1, d1), date(year, m2, d2)
    if cal == "nth_weekday":
        return (_nth_weekday(year, fest["month"], fest["weekday"], fest["n"]),) * 2
    if cal == "easter":
        easter = _easter(year, fest.get("church", "western"))
        lo, hi = fest["days"] if isinstance(fest["days"], list) else (fest["days"], fest["days"])
        return easter + timedelta(days=lo), easter + timedelta(days=hi)
    if cal in ("hebrew", "islamic"):
        return _religious_days(fest, year)
    if cal == "sidereal_sun":
        first = _sidereal_ingress_day(year, fest["longitude"], fest["zone_hours"], fest["day_ends_hour"])
        lo, hi = fest["days"] if isinstance(fest["days"], list) else (fest["days"], fest["days"])
        return first + timedelta(days=lo), first + timedelta(days=hi)
    raise RulesError(f"{RULES_FILE}: festival {name!r} has unknown calendar {cal!r}")


def _religious_days(fest: dict, year: int) -> tuple[date, date] | None:
    """A Hebrew- or Islamic-calendar holiday in Gregorian `year` (its first occurrence there).

    The Hebrew year of a Gregorian year is year + 3760 or + 3761 (it begins in the autumn); an
    Islamic year is shorter than a solar one, so a Gregorian year meets two or three of them.
    The Islamic calendar is convertdate's arithmetic one: observed dates may differ by a day.
    `days` is the length (an int, or "month": to the end of the month, 斋月); `moves` shifts a
    day falling on a weekday (0 = Monday) by so many days (以色列独立日 is never on a Friday).
    """
    if fest["calendar"] == "hebrew":
        years, module = (year + 3760, year + 3761), hebrew
    else:
        first = islamic.from_gregorian(year, 1, 1)[0]
        years, module = range(first, first + 3), islamic
    for other in years:
        try:
            start = date(*module.to_gregorian(other, fest["month"], fest["day"]))
        except ValueError:
            continue
        if start.year != year:
            continue
        start += timedelta(days=fest.get("moves", {}).get(start.weekday(), 0))
        days = fest.get("days", 1)
        if days == "month":
            days = module.month_length(other, fest["month"]) - fest["day"] + 1
        return start, start + timedelta(days=days - 1)
    return None


_J2000 = 2451545.0  # Julian day of 2000-01-01 12:00 UT


def _sidereal_ingress_day(year: int, longitude: float, zone_hours: float, day_ends_hour: float) -> date:
    """The local day on which the Sun enters sidereal `longitude` in `year` (Makar Sankranti: 270).

    The Sun's apparent longitude by the low-precision formula (Meeus, about 0.01 degree) less the
    Lahiri ayanamsa (23.853 degrees at J2000, 50.29 arc seconds a year): within about 15 minutes of
    the almanacs. An ingress after `day_ends_hour` local time (sunset) counts for the next day.
    """
    def behind(jd: float) -> float:  # degrees the Sun still has to go, in (-180, 180]
        n = jd - _J2000
        g = math.radians((357.528 + 0.9856003 * n) % 360)
        tropical = 280.460 + 0.9856474 * n + 1.915 * math.sin(g) + 0.020 * math.sin(2 * g)
        ayanamsa = 23.853 + n / 365.25 * 50.29 / 3600
        return (longitude - (tropical - ayanamsa) + 180) % 360 - 180

    start = _J2000 - 0.5 + (date(year, 1, 1) - date(2000, 1, 1)).days
    lo = next(start + d for d in range(366) if behind(start + d) > 0 >= behind(start + d + 1))
    hi = lo + 1
    for _ in range(30):  # bisection to well under a minute
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if behind(mid) > 0 else (lo, mid)
    local = date(2000, 1, 1) + timedelta(days=lo - (_J2000 - 0.5) + zone_hours / 24)
    hours = ((lo - (_J2000 - 0.5)) * 24 + zone_hours) % 24
    return local + timedelta(days=1) if hours >= day_ends_hour else local


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 = Monday) of the month; n = -1 the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = _month_end(year, month)
    return last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-n - 1))


def _easter(year: int, church: str) -> date:
    """Easter Sunday: the Gregorian computus, or the Julian one (Orthodox) shown in the Gregorian calendar."""
    if church == "orthodox":
        a, b, c = year % 4, year % 7, year % 19
        d = (19 * c + 15) % 30
        e = (2 * a + 4 * b - d + 34) % 7
        month, day = divmod(d + e + 114, 31)
        julian_shift = year // 100 - year // 400 - 2
        return date(year, month, day + 1) + timedelta(days=julian_shift)
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month, day = divmod(h + l_ - 7 * m + 90, 25)
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def _resolve_festival(match: Match, ctx: Context) -> Value:
    p = match.parts
    rules = ctx.rules
    name = p["fest"]
    fest = rules.festivals[name]
    ref = ctx.reference
    suffix_kind = rules.festival_suffixes.get(p.get("fsuf", ""), None)
    granularity = fest["granularity"]
    if suffix_kind in ("period", "holiday"):
        granularity = "period"
    if "fyear" in p:
        year, fixed = int(p["fyear"]), True
    elif "frel" in p:
        if ref.value is None:
            return _unresolved(granularity, "no reference date", "festival")
        year, fixed = ref.value.year + rules.relative_years[p["frel"]], True
    elif ref.value is None:
        return _unresolved(granularity, "no year known", "festival")
    else:
        year, fixed = ref.value.year, False

    def occurrence(y: int) -> date | None:
        span = _festival_day(name, y, rules)
        return span[0] if span else None

    if not fixed and ctx.reading == "future" and ref.granularity == "day":
        year = next((y for y in (year - 1, year, year + 1)
                     if (_festival_day(name, y, rules) or (None, None))[1] is not None
                     and _festival_day(name, y, rules)[1] >= ref.value), year + 1)
    elif not fixed and ctx.reading == "reference":
        pass
    elif not fixed:
        day = _nearest(occurrence, year, ctx, prefer_same_year=True)
        if day is None:
            return _unresolved(granularity, "no such festival day", "festival")
        year = day.year if fest["calendar"] not in ("span", "offset", "solar_period") else year
        if fest["calendar"] in ("span", "offset"):
            year = _nearest_year(occurrence, year, ctx)
    span = _festival_day(name, year, rules)
    if span is None:
        return _unresolved(granularity, "no such festival day", "festival")
    start, end = span
    if suffix_kind == "holiday" or (suffix_kind == "period" and fest.get("holiday")):
        official = rules.holidays.get(fest.get("holiday"), {}).get(year)
        if official is not None:
            start, end = official
    return Value(start, end, granularity, "festival", explicit_year=year if "fyear" in p else None)


def _nearest_year(occurrence, year: int, ctx: Context) -> int:
    day = _nearest(occurrence, year, ctx)
    if day is None:
        return year
    for y in (year - 1, year, year + 1):
        if occurrence(y) == day:
            return y
    return year


def _resolve_relative_day(match: Match, ctx: Context) -> Value:
    anchor, offset = ctx.rules.relative_days[match.parts["rday"]]
    ref = ctx.reference
    if anchor == "previous":
        if ctx.last_day is None:
            return _unresolved("day", "no earlier date in the text to anchor to", "relative")
        day = ctx.last_day + timedelta(days=offset)
        return Value(day, day, "day", "relative")
    if ref.value is None:
        return _unresolved("day", "no reference date", "relative")
    if ref.granularity != "day":
        return _unresolved("day", "reference day unknown (only the year is known)", "relative")
    day = ref.value + timedelta(days=offset)
    return Value(day, day, "day", "relative")


def _resolve_relative_span(word: str, ctx: Context) -> Value:
    """今明两天 / 今明两年: from the first to the last offset of the reference day or year."""
    unit, first, last = ctx.rules.relative_spans[word]
    ref = ctx.reference
    if ref.value is None or (unit == "day" and ref.granularity != "day"):
        return _unresolved("period", "reference day unknown" if ref.value else "no reference date", "relative")
    if unit == "day":
        return Value(ref.value + timedelta(days=first), ref.value + timedelta(days=last), "period", "relative")
    return Value(date(ref.value.year + first, 1, 1), date(ref.value.year + last, 12, 31), "period", "relative")


def _resolve_week(match: Match, ctx: Context) -> Value:
    ref = ctx.reference
    if ref.value is None or ref.granularity != "day":
        return _unresolved("day", "reference day unknown", "relative")
    p = match.parts
    weeks = ctx.rules.relative_weeks.get(p.get("wrel", ""), 0)
    monday = ref.value - timedelta(days=ref.value.weekday()) + timedelta(weeks=weeks)
    wday = p.get("wday")
    if wday is None:
        return Value(monday, monday + timedelta(days=6), "period", "relative")
    if wday == "末":
        return Value(monday + timedelta(days=5), monday + timedelta(days=6), "period", "relative")
    day = monday + timedelta(days=ctx.rules.weekdays[wday])
    if ctx.reading == "future" and "wrel" not in p and day <= ref.value:
        day += timedelta(weeks=1)  # 星期一 said on a Tuesday: the coming one
    return Value(day, day, "day", "relative")


def _resolve_ordinal(match: Match, ctx: Context) -> Value:
    """The n-th week / month / weekday of the year or month the match names.

    Week n of a month or year starts on its n-th Monday (十月的第一周 of 2017 is 10-02..10-08).
    """
    p = match.parts
    base_parts = {k: v for k, v in p.items() if k not in _ORDINAL_KEYS}
    base = _resolve_calendar(Match(match.start, match.end, "date.calendar", base_parts), ctx)
    if base.start is None:
        return Value(None, None, "period", base.kind, base.reason)
    n = cn_number(p["ord"]) if "ord" in p else -1
    if not n:
        return _unresolved("period", "week or month number 0", base.kind)
    year, month = base.start.year, base.start.month
    if p.get("ord_unit") == "月":
        if n > 12:
            return _unresolved("month", "no such month", base.kind)
        return Value(date(year, n, 1), _month_end(year, n), "month", base.kind)
    wday = p.get("ord_wday") or p.get("last_wday")
    if wday is not None:
        day = _nth_weekday(year, month, ctx.rules.weekdays[wday], n)
        if day.month != month:
            return _unresolved("day", "no such weekday in the month", base.kind)
        return Value(day, day, "day", base.kind)
    monday = _nth_weekday(year, month if base.granularity == "month" else 1, 0, 1) + timedelta(weeks=n - 1)
    return Value(monday, monday + timedelta(days=6), "period", base.kind)


def _resolve_span(match: Match, ctx: Context) -> Value:
    first = _resolve(match.extra["first"], ctx)
    if first.start is None:
        return Value(None, None, "period", "span", first.reason)
    second_match: Match = match.extra["second"]
    parts = dict(second_match.parts)
    p1 = match.extra["first"].parts
    if not any(k in parts for k in _YEAR_KEYS) and second_match.rule == "date.calendar":
        parts["year"] = str(first.start.year)
        if not any(k in parts for k in ("month", "month_cn", "rel_month")) and "day" in parts or "day_cn" in parts:
            if not any(k in parts for k in ("month", "month_cn", "rel_month")):
                parts["month"] = str(first.start.month)
    second = _resolve(Match(second_match.start, second_match.end, second_match.rule, parts), ctx)
    if second.end is None:
        return Value(None, None, "period", "span", second.reason)
    end = second.end
    if end < first.start and not any(k in second_match.parts for k in ("year", "year_cn", "year2", "year2_cn")):
        end = date(end.year + 1, end.month, end.day)  # 12月28日至1月3日 crosses a year
    granularity = first.granularity if first.granularity == second.granularity else "period"
    del p1
    return Value(first.start, end, granularity if granularity != "day" else "period", "span")


def _resolve(match: Match, ctx: Context) -> Value:
    rule = match.rule
    p = match.parts
    if rule == "date.calendar":
        return _resolve_calendar(match, ctx)
    if rule == "date.numeric":
        y, m, d = _numeric_ymd(p)
        return Value(date(y, m, d), date(y, m, d), "day", explicit_year=y)
    if rule == "date.event_md":
        fake = Match(match.start, match.end, "date.calendar", {"month": p["em"], "day": p["ed"], "day_mark": "日"})
        return _resolve_calendar(fake, ctx)
    if rule == "date.year_range":
        y1, y2 = int(p["y1"]), int(p["y2"])
        return Value(date(y1, 1, 1), date(y2, 12, 31), "period", "span")
    if rule == "date.relative_span":
        return _resolve_relative_span(p["rspan"], ctx)
    if rule == "date.slash":
        days = _slash_days(p, ctx.reference)
        if len(days) != 1:
            return _unresolved("day", "month and day order unknown (3/7/2017)")
        day = days.pop()
        return Value(day, day, "day", explicit_year=day.year)
    if rule == "date.dotted_range":
        y1, m1, y2 = int(p["dr_y1"]), int(p["dr_m1"]), int(p["dr_y2"])
        end = _month_end(y2, int(p["dr_m2"])) if "dr_m2" in p else date(y2, 12, 31)
        return Value(date(y1, m1, 1), end, "period", "span")
    if rule == "date.month_range":
        if "mr_year" in p:
            year = int(p["mr_year"])
        elif "mr_rel" in p:
            year = ctx.reference.value.year + ctx.rules.relative_years[p["mr_rel"]] if ctx.reference.value else None
        else:
            year = _reference_year(match, ctx)
        if year is None:
            return _unresolved("period", "no year known", "span")
        m1, m2 = int(p["m1"]), int(p["m2"])
        end_year = year + 1 if m2 < m1 else year
        return Value(date(year, m1, 1), _month_end(end_year, m2), "period", "span")
    if rule == "date.decade":
        return _resolve_decade(p, ctx.rules)
    if rule == "date.century":
        return _resolve_century(p, ctx)
    if rule == "date.quarter":
        return _resolve_quarter(p, ctx)
    if rule == "date.week":
        return _resolve_week(match, ctx)
    if rule == "date.ordinal":
        return _resolve_ordinal(match, ctx)
    if rule == "date.relative_day":
        return _resolve_relative_day(match, ctx)
    if rule == "date.festival":
        return _resolve_festival(match, ctx)
    if rule == "date.same_period":
        return _resolve_same_period(match, ctx)
    if rule == "date.span":
        return _resolve_span(match, ctx)
    raise ValueError(f"no resolver for rule {rule!r}")


def _resolve_decade(p: dict, ctx_rules: Rules) -> Value:
    decade = int(p["decade"]) if p["decade"].isdigit() else cn_number(p["decade"])
    century = p.get("century")
    if century in ("19", "十九"):
        base = 1800
    elif century in ("20", "二十", "上"):
        base = 1900
    elif century == "本":
        base = 2000
    else:
        base = 1900
    start = base + decade
    first, last = ctx_rules.part_suffixes[p["dsuf"]]["decade"] if "dsuf" in p else (0, 9)
    return Value(date(start + first, 1, 1), date(start + last, 12, 31), "period")


def _resolve_century(p: dict, ctx: Context) -> Value:
    """18世纪 -> 1700-1799; 上世纪 / 本世纪 from the reference year; a part suffix narrows it."""
    if "cent_rel" in p:
        if ctx.reference.value is None:
            return _unresolved("period", "no reference date", "relative")
        number = (ctx.reference.value.year - 1) // 100 + (1 if p["cent_rel"] == "本" else 0)
    else:
        number = int(p["cent"]) if "cent" in p else cn_number(p["cent_cn"])
    if not number or number < 11:
        return _unresolved("period", "century before the year 1000", "absolute")
    base = (number - 1) * 100
    first, last = ctx.rules.part_suffixes[p["csuf"]]["century"] if "csuf" in p else (0, 99)
    return Value(date(base + first, 1, 1), date(base + last, 12, 31), "period",
                 "relative" if "cent_rel" in p else "absolute")


def _resolve_quarter(p: dict, ctx: Context) -> Value:
    """本季度 / 上个季度: the reference's quarter moved by the word's offset."""
    ref = ctx.reference
    if ref.value is None or ref.granularity != "day":
        return _unresolved("period", "reference day unknown", "relative")
    year, month = _shift_months(ref.value.year, (ref.value.month - 1) // 3 * 3 + 1,
                                3 * ctx.rules.relative_quarters[p["rel_quarter"]])
    end_year, end_month = _shift_months(year, month, 2)
    value = Value(date(year, month, 1), _month_end(end_year, end_month), "period", "relative")
    return _quarter_part(value, p.get("qpart"), ctx.rules)


def _resolve_same_period(match: Match, ctx: Context) -> Value:
    """去年同期: the period named last, moved to the relative year; else that whole year."""
    ref = ctx.reference
    if ref.value is None:
        return _unresolved("period", "no reference date", "relative")
    year = ref.value.year + ctx.rules.relative_years[match.parts["sp_rel"]]
    if ctx.last_period is not None:
        start, end = ctx.last_period
        delta = year - start.year
        try:
            return Value(date(start.year + delta, start.month, start.day),
                         _day_in_month(end.year + delta, end.month, end.day), "period", "relative")
        except ValueError:
            pass
    return Value(date(year, 1, 1), date(year, 12, 31), "period", "relative")


# ---------------------------------------------------------------------------------- API

def _rule_id(match: Match) -> str:
    p = match.parts
    if match.rule == "date.calendar":
        if _is_lunar(p) or "lunar_month" in p:
            return "date.festival.lunar"
        if "psuf" in p:
            return "date.period"
        if "rel_year" in p or "rel_month" in p:
            return "date.relative.calendar"
        return "date.absolute.calendar"
    if match.rule == "date.festival":
        fest = load_rules().festivals[p["fest"]]
        return f"date.festival.{fest['calendar']}"
    return match.rule


def find_dates(text: str, reference: ReferenceDate, reading: str = "news") -> list[DateFact]:
    """Every date expression in `text` (half-width folded) resolved against `reference`.

    `reading` (one of READINGS) says how dates that do not fix their year fall: "news" for
    articles (the pipeline), "future" or "reference" for callers that parse requests or forms.
    """
    if reading not in READINGS:
        raise ValueError(f"find_dates: reading {reading!r} is not one of {READINGS}")
    rules = load_rules()
    original = text
    fold, variant = rules.fold
    if variant.search(text):
        text = text.translate(fold)  # same length: offsets hold for both
    matches = _select(_candidates(text, rules), text, rules)
    matches = _attach_weekday(_merge_ranges(matches, text), text)
    ctx = Context(text, reference, rules, sentence_ends=_sentence_ends(text), reading=reading)
    facts: list[DateFact] = []
    for match in matches:
        ctx.sentence_year_applies = ctx.sentence_year is not None and \
            _sentence_bounds(ctx, match.start)[0] == ctx.sentence_year[0]
        value = _resolve(match, ctx)
        kind = value.kind
        if match.rule == "date.numeric" or _is_dateline(text, match):
            kind = "dateline" if _is_dateline(text, match) else kind
        facts.append(DateFact(
            start=match.start, end=match.end, text=original[match.start:match.end],
            value_start=value.start.isoformat() if value.start else None,
            value_end=value.end.isoformat() if value.end else None,
            granularity=value.granularity, kind=kind, rule=_rule_id(match), reason=value.reason,
        ))
        _remember(match, value, ctx)
    return facts


def _is_dateline(text: str, match: Match) -> bool:
    """本报北京1月23日电, or a first line that is only a date (2007-7-26)."""
    if text[match.end:match.end + 1] == "电":
        return True
    if match.start > 8 or text[:match.start].strip("\ufeff \t\r\n"):
        return False
    rest = text[match.end:match.end + 12].split("\n", 1)
    return len(rest) == 2 and rest[0].strip(" \t\r0123456789:") == ""


def _remember(match: Match, value: Value, ctx: Context) -> None:
    if value.start is None:
        return
    ctx.last_year = value.start.year
    if value.granularity in ("day", "month"):
        ctx.last_month = (value.start.year, value.start.month)
    if value.granularity == "day" and match.rule != "date.span":
        ctx.last_day = value.start
    if value.granularity in ("period", "month") and match.rule != "date.same_period" and value.end:
        ctx.last_period = (value.start, value.end)
    if value.explicit_year is not None:
        ctx.sentence_year = (_sentence_bounds(ctx, match.start)[0], value.explicit_year)


def parse_date(text: str, reference_date: str | date | None = None, reading: str = "news") -> dict | None:
    """The first date expression in `text` as {"start", "end", "granularity"}; None when none.

    >>> parse_date("2月3日", reference_date="2021-02-10")
    {'start': '2021-02-03', 'end': '2021-02-03', 'granularity': 'day'}

    An expression found but not resolvable (no year known) gives start/end None and a reason.
    `reading` as in find_dates: parse_date("3月", "2013-02-12", reading="future") is 2013-03.
    """
    if isinstance(reference_date, str):
        reference_date = date.fromisoformat(reference_date[:10])
    reference = ReferenceDate(reference_date, "given", None, "day") if reference_date else ReferenceDate()
    facts = find_dates(text, reference, reading)
    if not facts:
        return None
    fact = facts[0]
    result = {"start": fact.value_start, "end": fact.value_end, "granularity": fact.granularity}
    if fact.reason:
        result["reason"] = fact.reason
    return result
