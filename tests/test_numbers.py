"""Numerals: parse_number values and find_numbers spans."""
from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, strategies as st

from pipeline.numbers import compiled, find_numbers, fold_expression, parse_number


@pytest.mark.parametrize("text,value", [
    ("三百零七", 307), ("1.2万", 12000), ("1,234", 1234), ("1，234", 1234), ("１２３", 123),
    ("０.５", 0.5), ("壹贰叁", 123), ("两千", 2000), ("3.5万", 35000), ("1.2亿", 1.2e8),
    ("一千二百万", 1.2e7), ("300万", 3e6), ("143.59万", 1435900), ("2 .2万亿", 2.2e12),
    ("２　．２万亿", 2.2e12), ("四万亿", 4e12), ("五兆六十二亿四万五千二", 5006200045200), ("四万万", 4e8),
    ("10万万", 1e9), ("一万三", 13000), ("千三", 1300), ("百二万", 1.2e6), ("九百九", 990),
    ("一千零五", 1005), ("十", 10), ("十五", 15), ("零点五", 0.5), ("负三十二", -32), ("-10000", -10000),
    ("肆佰叁拾萬", 4.3e6), ("壹萬零肆拾", 10040), ("廿", 20), ("卅三", 33), ("一萬零卌", 10040),
    ("十余万", 1e5), ("一千多万", 1e7), ("二十几万", 2e5), ("三分之一", 1 / 3), ("二分之一", 0.5),
    ("3/4", 0.75), ("负一又二分之一", -1.5), ("三百五又三分之一", 350 + 1 / 3), ("40k", 40000),
    ("1,100.9亿", 1.1009e11), ("5万4千6百", 54600), ("3万4000", 34000), ("两千万点五五四四", 20000000.5544),
    ("二〇二一", 2021), ("百", 100), ("千万", 1e7), ("两个亿", 2e8), ("五打", 60), ("一对", 2), ("五个半", 5.5),
    ("一半", 0.5), ("壹拾壹元壹角壹分", 11.11), ("玖仟陆佰陆拾伍圆壹角捌分", 9665.18),
    ("2e5", 2e5), ("-12e-1", -1.2), ("12.32e+14", 1.232e15), ("2^5", 32), ("2.5^-1", 0.4), ("-1.1^--23", -(1.1 ** 23)),
    (".0012G", 1.2e6), ("-2.5 M", -2.5e6), ("1 3/5", 1.6), ("4 6/3", 6), ("半百", 50), ("1千零1", 1001),
    ("2千零30万", 20300000), ("十份十一", 1.1), ("二份一", 0.5), ("一又十分一", 1.1), ("数十亿", 1e9), ("几十万", 1e5),
])
def test_parse_number_values(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "人民", "第", "万分", "元"])
def test_parse_number_none_for_non_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text,spans", [
    ("300余名教职工", [("300", 300)]),
    ("应急款143.59万元", [("143.59万", 1435900)]),
    ("我家在四川", []),
    ("入伍时分", []),
    ("5千克", [("5", 5)]),
    ("百分之三十五", [("三十五", 35)]),
    ("十 余 万", [("十 余 万", 100000)]),
    ("1, 234, 567", [("1", 1), ("234", 234), ("567", 567)]),
    ("负3.9%", [("负3.9", -3.9)]),
    ("COVID-19", [("19", 19)]),
    ("十打苹果", [("十打", 120)]),
    ("一打开门", [("一", 1)]),
    ("五十千", [("五十", 50)]),
    ("667.123 五点八", [("667.123", 667.123), ("五点八", 5.8)]),
    ("两两相对", []),
    ("5G网络", [("5", 5)]),
    ("数百名工人", [("数百", 100)]),
    ("参与人数十万", [("十万", 100000)]),
])
def test_find_numbers_spans(text, spans):
    got = find_numbers(fold_expression(text))
    assert [(n.text, pytest.approx(n.value)) for n in got] == [(t, pytest.approx(v)) for t, v in spans]
    for n in got:
        assert text[n.start : n.end] == n.text


@pytest.mark.parametrize("text", ["1e" * 100_000, "2^" * 100_000, "1 " * 200_000 + "1/2"])
def test_find_numbers_linear_on_exponent_like_input(text):
    started = time.perf_counter()
    find_numbers(text)
    assert time.perf_counter() - started < 5.0


def test_find_numbers_marks_bare_multipliers():
    (span,) = find_numbers("千万人次")
    assert span.bare and span.value == 1e7


def test_fold_expression_keeps_length():
    raw = "２　．２万亿元，１，２３４％"
    assert fold_expression(raw) == "2 .2万亿元,1,234%"
    assert len(fold_expression(raw)) == len(raw)


def test_numbers_rules_compile():
    rules = compiled()
    assert rules.variants["萬"] == "万"
    assert rules.numeral.pattern


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_round_trips_arabic(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


def test_parse_number_survives_cn2an_key_error():
    # cn2an's smart mode raised KeyError on this mixed form (found by the property test)
    assert parse_number("五21") is None


def _consumed(items, ops) -> list[tuple[int, int]]:
    """Code-point ranges a parsed regex can consume outside look-arounds; (-1, -1) for any character."""
    spans = []
    for op, arg in items:
        if op is ops.LITERAL:
            spans.append((arg, arg))
        elif op is ops.IN:
            if any(o is ops.NEGATE or o is ops.CATEGORY for o, _ in arg):
                spans.append((-1, -1))
            spans += [(a, a) if o is ops.LITERAL else a for o, a in arg if o in (ops.LITERAL, ops.RANGE)]
        elif op in (ops.ANY, ops.NOT_LITERAL):
            spans.append((-1, -1))
        elif op is ops.SUBPATTERN:
            spans += _consumed(arg[-1], ops)
        elif op is ops.BRANCH:
            for branch in arg[1]:
                spans += _consumed(branch, ops)
        elif op in (ops.MAX_REPEAT, ops.MIN_REPEAT, getattr(ops, "POSSESSIVE_REPEAT", None)):
            spans += _consumed(arg[2], ops)
        elif op is getattr(ops, "ATOMIC_GROUP", None):
            spans += _consumed(arg, ops)
        elif op not in (ops.ASSERT, ops.ASSERT_NOT, ops.AT):
            raise AssertionError(f"regex op {op} not understood by the test")
    return spans


def test_numbers_numeral_chars_cover_the_numeral_fragment():
    # the fraction gate scans runs of numeral_chars: a character {numeral} consumes outside that
    # class would make the gate skip real fractions
    try:
        from re import _constants as ops, _parser as parser
    except ImportError:  # Python 3.10
        import sre_constants as ops
        import sre_parse as parser
    fragments = compiled().fragments
    allowed = re.compile(f"[{fragments['numeral_chars']}]")
    for lo, hi in _consumed(parser.parse(fragments["numeral"]), ops):
        assert lo >= 0, "{numeral} consumes any character"
        missing = [chr(c) for c in range(lo, hi + 1) if not allowed.fullmatch(chr(c))]
        assert not missing, f"numeral_chars lacks {missing}"


@pytest.mark.parametrize("text", ["三百五又三分之一", "1" * 45 + "分之一", "一二三四五六七八九十" * 5 + "分之三",
                                  "十 余 万 分 之 五", "两分钟", "三又", "5分之1又"])
def test_find_numbers_fraction_gate_changes_nothing(text):
    rules = compiled()
    f = rules.fragments
    ungated = re.compile(rules.numeral.pattern.replace(f["fraction_gate"], ""))
    assert rules.numeral.pattern != ungated.pattern
    assert [m.span() for m in rules.numeral.finditer(text)] == [m.span() for m in ungated.finditer(text)]
