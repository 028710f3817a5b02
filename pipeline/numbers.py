"""Numerals: find them in text (`find_numbers`) and resolve one to a value (`parse_number`).

Arabic (thousands separators, decimals, full-width forms), Chinese (standard, financial 壹贰叁,
traditional, colloquial 三万五 / 一千三 / 百二), mixed (3.5万, 5万4千6百, 4.78万亿), fractions
(三分之一, 3/4, 一又二分之一). Conversion of Chinese numerals goes through cn2an (smart mode);
what cn2an rejects (兆, 万万, 零十, 百三, a leading bare 千) falls back to the section parser below.

Vocabulary (variant characters, multipliers, fragments, stop-words) lives in rules/numbers.yaml
and rules/numbers_stopwords.txt and is compiled once per process.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import cn2an

from .rules import RulesError, alternation, expand_fragments, load_words, load_yaml, trie_alternation

log = logging.getLogger(__name__)

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}


def _fold_table() -> dict[int, int]:
    table = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
    table[0x3000] = 0x20
    return table


_FOLD = _fold_table()


def fold_expression(text: str) -> str:
    """Every full-width ASCII form and the ideographic space folded to ASCII; same length.

    For one expression parsed on its own (parse_number, parse_money), where a full-width comma
    is a thousands separator (1，234). Article text goes through pipeline.clean.match_view,
    which keeps Chinese clause punctuation as written."""
    return text.translate(_FOLD)


class NumberSpan(NamedTuple):
    """One numeral in a text. Immutable; a named tuple rather than a frozen dataclass because
    find_figures makes one per numeral of every article and a tuple is built three times faster."""

    start: int
    end: int
    text: str
    value: float
    qualifier: str = "exact"  # exact | over (十余万, 二十几万)
    bare: bool = False  # a multiplier without a digit (百, 千万): a number only beside 余/多 or a unit


@dataclass(frozen=True)
class _Compiled:
    variants: dict[str, str]
    multipliers: dict[str, float]
    latin: dict[str, float]
    counted: dict[str, float]
    counted_in_text: re.Pattern | None  # 打 after a numeral in running text, with its guard
    counted_first: frozenset[str]  # the first characters of those words: no match is tried after others
    fragments: dict[str, str]
    numeral: re.Pattern
    stopwords: re.Pattern | None


@lru_cache(maxsize=1)
def compiled() -> _Compiled:
    spec = load_yaml("numbers.yaml")
    for key in ("variants", "multipliers", "latin_multipliers", "fragments"):
        if not isinstance(spec.get(key), dict):
            raise RulesError(f"rules/numbers.yaml: section {key!r} must be a mapping")
    fragments = expand_fragments({k: str(v) for k, v in spec["fragments"].items()}, "rules/numbers.yaml")
    # the leading look-ahead names every character a numeral can start with: the regex engine
    # then skips other positions at C speed instead of trying the whole pattern at each one
    numeral = re.compile(f"(?=[{fragments['first_char']}])(?:{fragments['sign']})?"
                         f"(?:{fragments['fraction']}|{fragments['slash_fraction']}|{fragments['numeral']})")
    stop = load_words("numbers_stopwords.txt")
    in_text = spec.get("counted_in_text") or {}
    counted = {str(k): float(v) for k, v in (spec.get("counted_suffixes") or {}).items()}
    pieces = []
    for word, entry in in_text.items():
        if not isinstance(entry, dict) or float(entry.get("value", 0)) != counted.get(str(word)):
            raise RulesError(f"rules/numbers.yaml: counted_in_text[{word!r}] needs the value counted_suffixes gives it")
        guard = alternation([str(w) for w in entry.get("not_before") or ()])
        pieces.append(f"{re.escape(str(word))}(?!{guard})" if guard else re.escape(str(word)))
    return _Compiled(
        variants={str(k): str(v) for k, v in spec["variants"].items()},
        multipliers={str(k): float(v) for k, v in spec["multipliers"].items()},
        latin={str(k): float(v) for k, v in spec["latin_multipliers"].items()},
        counted=counted,
        counted_in_text=re.compile("|".join(pieces)) if pieces else None,
        counted_first=frozenset(str(word)[0] for word in in_text),
        fragments=fragments,
        numeral=numeral,
        stopwords=re.compile(trie_alternation(stop)) if stop else None,
    )


def normalize(text: str) -> str:
    """Fold widths, map variant characters, drop spaces and thousands separators."""
    rules = compiled()
    s = fold_expression(text).strip()
    s = "".join(rules.variants.get(ch, ch) for ch in s)
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"(?<=[0-9]),(?=[0-9]{3})", "", s)
    return s


_MIXED_FRACTION = re.compile(r"\s*(-?)([0-9]{1,3})\s+([0-9]{1,3})\s*/\s*([0-9]{1,3})\s*")
_EXPONENT = re.compile(r"([0-9]*+(?:\.[0-9]++)?+)(?:[eE]([-+]?[0-9]++)|\^([-+]*+)([0-9]++(?:\.[0-9]++)?+))")


@lru_cache(maxsize=8192)
def parse_number(text: str) -> float | None:
    """The value of a numeral written alone, or None when `text` is not a number.

    Cached: news repeats the same numerals (一, 两, 10), and the value of a string never changes.

    >>> parse_number("三百零七"), parse_number("1.2万"), parse_number("1，234")
    (307.0, 12000.0, 1234.0)
    """
    m = _MIXED_FRACTION.fullmatch(fold_expression(text))  # 1 3/5: spaces matter, read before normalize
    if m and float(m.group(4)):
        value = float(m.group(2)) + float(m.group(3)) / float(m.group(4))
        return -value if m.group(1) else value
    signed = _split_sign(text)
    if signed is None:
        return None
    sign, s = signed
    factor = 1.0
    rules = compiled()
    if len(s) > 1 and s[-1] in rules.counted:  # 五打 = 60, 一对 = 2, 1个 = 1
        factor, s = rules.counted[s[-1]], s[:-1]
    m = _EXPONENT.fullmatch(s) if ("e" in s or "E" in s or "^" in s) else None
    if m and m.group(1):  # 2e5, -12e-1, 2^5, 1.1^+23 (signs of the exponent multiply: ^-- is +)
        base = float(m.group(1))
        if m.group(2) is not None:
            return sign * float(Decimal(m.group(1)).scaleb(int(m.group(2))))
        exp = float(m.group(4)) * (-1 if m.group(3).count("-") % 2 else 1)
        return sign * base ** exp if base or exp > 0 else None
    value = _whole(s)
    return None if value is None else sign * value * factor


def _whole(s: str) -> float | None:
    """Halves (一半, 半个, 五个半) and yuan amounts (壹拾壹元壹角整) around the plain numeral."""
    if s in ("半", "一半", "一半半", "1半", "半个"):
        return 0.5
    m = re.fullmatch(r"(.+?)个?半", s)
    if m:
        whole = _unsigned(m.group(1))
        return None if whole is None else whole + 0.5
    m = re.fullmatch(r"(.+?)[元圆](?:(.)角)?(?:(.)分)?[整正]?", s)
    if m:
        parts = [_unsigned(m.group(1))] + [_unsigned(g) if g else 0.0 for g in m.groups()[1:]]
        if any(p is None for p in parts):
            return None
        return round(parts[0] + parts[1] / 10 + parts[2] / 100, 2)
    return _unsigned(s)


def _split_sign(text: str) -> tuple[float, str] | None:
    """(sign, the normalized numeral without it), or None for an empty numeral."""
    s = normalize(text)
    if not s:
        return None
    if s[0] in "-负":
        return -1.0, s[1:].lstrip("-负")
    return 1.0, s


def _parse_signed(text: str) -> float | None:
    signed = _split_sign(text)
    if signed is None:
        return None
    value = _unsigned(signed[1])
    return None if value is None else signed[0] * value


def _unsigned(s: str) -> float | None:
    if not s:
        return None
    if "又" in s:  # 三百五又三分之一: whole part plus a fraction
        whole, _, frac = s.partition("又")
        w, f = _unsigned(whole), _unsigned(frac)
        return None if w is None or f is None else w + f
    m = _FRACTION_WORD.fullmatch(s)
    if m:  # 三分之一; 二份一, 十份十一 (Cantonese, whole-string parse only)
        den, num = _unsigned(m.group(1)), _parse_signed(m.group(2))
        return None if not den or num is None else num / den
    if "/" in s:
        a, _, b = s.partition("/")
        if re.fullmatch(r"[0-9.]+", a) and re.fullmatch(r"[0-9.]+", b) and float(b):
            return float(a) / float(b)
        return None
    rules = compiled()
    latin = 1.0
    if s[-1] in rules.latin and re.search(r"[0-9]", s):
        latin, s = rules.latin[s[-1]], s[:-1]
    if len(s) > 1 and s[0] == "半" and s[1:] in rules.multipliers:  # 半百 = 50
        return 0.5 * rules.multipliers[s[1:]]
    # a fuzzy marker inside a numeral keeps the lower bound: 十余万 -> 十万, 一百零几万 -> 一百万,
    # 几十万 / 数十亿 -> 十万 / 十亿
    s = _FUZZY_MARK.sub("", s)
    if not s or not re.fullmatch(r"[0-9.点零一二两三四五六七八九十百千万亿兆]+", s):
        return None
    if re.fullmatch(r"[0-9]*\.?[0-9]+", s):
        return float(Decimal(s) * Decimal(latin)) if latin != 1.0 else float(s)
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)([十百千万亿兆]+)", s)
    if m:  # 3.5万, 2.2万亿, 3千万 (decimal arithmetic: no 1435899.9999999998)
        value = Decimal(m.group(1))
        for ch in m.group(2):
            value *= Decimal(int(rules.multipliers[ch]))
        return float(value) * latin
    value = _chinese(s)
    return None if value is None else value * latin


_FRACTION_WORD = re.compile(r"(.+?)(?:分之|份之?|分(?=.))(.+)")
_FUZZY_MARK = re.compile(r"零?[余多几数]|个(?=[亿万])")
# a Chinese digit against an Arabic one is no numeral (五21); 零 before one is (1千零1)
_DIGIT_MIX = re.compile(r"[一二两三四五六七八九][0-9]|[0-9][零〇一二两三四五六七八九]")


def _chinese(s: str) -> float | None:
    """Chinese or mixed numeral: cn2an first, the section parser where cn2an has a gap."""
    if _DIGIT_MIX.search(s):  # 五21: a Chinese digit against an Arabic one is no numeral
        return None
    if s in ("十百千万亿兆") or re.fullmatch(r"[十百千万亿兆]+", s) and len(s) > 1 and s[0] != "十":
        # a bare multiplier (百, 千万): one of it
        s = "一" + s
    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError):  # cn2an raises KeyError on some mixed forms (五21)
        pass
    return _sections(s)


def _sections(s: str) -> float | None:
    if "点" in s or "." in s:
        whole, _, frac = s.replace("点", ".").partition(".")
        w = _sections(whole) if whole else 0.0
        if w is None or not frac or not all(ch in _DIGITS or ch.isdigit() for ch in frac):
            return None
        digits = "".join(str(_DIGITS[ch]) if ch in _DIGITS else ch for ch in frac)
        return w + float("0." + digits)
    for big, mult in (("兆", 1e12), ("亿", 1e8), ("万", 1e4)):
        i = s.rfind(big)
        if i < 0:
            continue
        left, right = s[:i], s[i + 1 :]
        lv = _sections(left) if left else 1.0
        if lv is None:
            return None
        if not right:
            return lv * mult
        if right[0] == "零":
            rv = _sections(right.lstrip("零"))
        elif len(right) == 1 and right in _DIGITS:  # 一万三 -> 13000
            rv = _DIGITS[right] * mult / 10
        else:
            rv = _sections(right)
        return None if rv is None else lv * mult + rv
    return _small(s)


def _small(s: str) -> float | None:
    """Below 10,000: digits with 十百千 (also 零十, 百三, 一千陆, Arabic pieces 4千6百)."""
    total, cur, last_unit, zero_seen = 0.0, None, 0, False
    i = 0
    while i < len(s):
        ch = s[i]
        m = re.match(r"[0-9]+(?:\.[0-9]+)?", s[i:])
        if m:
            cur = float(m.group())
            i += len(m.group())
            continue
        if ch == "零":
            zero_seen, cur = True, cur
        elif ch in _DIGITS:
            if cur is not None and last_unit == 0:  # digit string 一二三
                cur = cur * 10 + _DIGITS[ch]
            else:
                cur = float(_DIGITS[ch])
        elif ch in _SMALL_UNITS:
            if last_unit and _SMALL_UNITS[ch] >= last_unit:  # 五十千: units must descend
                return None
            total += (1.0 if cur is None else cur) * _SMALL_UNITS[ch]
            last_unit, cur, zero_seen = _SMALL_UNITS[ch], None, False
        else:
            return None
        i += 1
    if cur is not None:
        if last_unit >= 100 and not zero_seen and cur < 10:  # 一千三 -> 1300, 百三 -> 130
            total += cur * last_unit / 10
        else:
            total += cur
    return total


def find_numbers(text: str) -> list[NumberSpan]:
    """Every numeral in `text` (already folded to half-width) with half-open offsets.

    A numeral inside a stop-word (四川, 一切, 入伍) is dropped; so is a lone financial or
    variant character that is also an everyday word (陆, 伍, 拾, 肆, 参).
    """
    rules = compiled()
    starts, ends = _stopword_ranges(text)
    counted_first = rules.counted_first
    spans: list[NumberSpan] = []
    stop = 0  # the first stop-word range that may still hold a numeral (both run left to right)
    for m in rules.numeral.finditer(text):
        start = m.start()
        if starts:
            while stop < len(ends) and ends[stop] <= start:
                stop += 1
            if stop < len(starts) and starts[stop] <= start:
                continue  # inside a stop-word (四川, 一切)
        found = _numeral(m.group())
        if found is None:
            continue
        raw, value, qualifier, bare = found
        if value is None:
            log.debug("numeral %r at %d does not parse", m.group(), start)
            continue
        end = start + len(raw)
        if not bare and text[end : end + 1] in counted_first:
            counted = rules.counted_in_text.match(text, end)
            if counted:  # 十打 = 120
                value *= rules.counted[counted.group()]
                end = counted.end()
                raw = text[start:end]
        spans.append(NumberSpan(start, end, raw, value, qualifier, bare))
    return spans


@lru_cache(maxsize=8192)
def _numeral(run: str) -> tuple[str, float | None, str, bool] | None:
    """What find_numbers keeps of a matched run (cached: news repeats its numerals):
    (numeral, value or None when nothing parses, qualifier, bare); None for no numeral at all
    (an empty run, or a lone financial or variant character that is an everyday word)."""
    raw = run.rstrip(" ")  # trailing spaces are never part of a numeral
    if not raw or (len(raw) == 1 and raw in "陆陸伍拾肆參叁"):
        return None
    raw, value = _longest_parse(raw)
    qualifier = "over" if _INNER_FUZZY.search(raw) else "exact"
    bare = raw[0] not in "十拾" and _BARE.fullmatch(raw) is not None
    return raw, value, qualifier, bare


def _longest_parse(raw: str) -> tuple[str, float | None]:
    """The numeral and its value; when the whole run does not parse (五十千), its longest
    prefix that does (五十), trying at most a few characters off the end."""
    value = parse_number(raw)
    cut = raw
    while value is None and len(raw) - len(cut) < 4 and len(cut) > 1:
        cut = cut[:-1].rstrip(" ")
        value = parse_number(cut)
    return (cut, value) if value is not None else (raw, None)


_INNER_FUZZY = re.compile(r"[余多几幾数數](?=[ ]?[十百千万亿兆萬億拾佰仟])")
_BARE = re.compile(r"[十拾百佰千仟万萬亿億兆]+")


def _stopword_ranges(text: str) -> tuple[list[int], list[int]]:
    rules = compiled()
    if rules.stopwords is None:
        return [], []
    starts, ends = [], []
    for m in rules.stopwords.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends
