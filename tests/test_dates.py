"""DATES: spec cases from tests/specs/dates.yaml (one test per case) plus unit behaviours."""
from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

from pipeline.dates import _Scanner, _sidereal_ingress_day, cn_number, find_dates, load_rules, parse_date
from pipeline.rules import trie_alternation
from pipeline.model import ReferenceDate

SPEC = Path(__file__).parent / "specs" / "dates.yaml"
CASES = yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def _given(day: str) -> ReferenceDate:
    return ReferenceDate(date.fromisoformat(day), "given", None, "day")


def _params() -> list:
    params = []
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_dates_spec(case):
    text = case["text"]
    facts = find_dates(text, _given(case["reference_date"]), case.get("reading", "news"))
    got = [{"text": f.text, "start": f.value_start, "end": f.value_end, "granularity": f.granularity} for f in facts]
    assert got == case["expected"]
    for fact in facts:
        assert text[fact.start:fact.end] == fact.text
        assert fact.rule.startswith("date.")
        assert fact.id == ""
        assert (fact.value_start is None) == (fact.reason is not None)


def test_dates_spec_has_enough_cases():
    assert len(CASES) >= 150
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert sum(1 for case in CASES if not case["expected"]) >= 30  # negatives


def test_dates_rules_load_and_compile():
    rules = load_rules()
    assert rules.patterns["calendar"].source
    assert "春节" in rules.festivals
    for name, fest in rules.festivals.items():
        assert fest["granularity"] in ("day", "period"), name


def test_parse_date_interface():
    assert parse_date("2月3日", reference_date="2021-02-10") == {
        "start": "2021-02-03", "end": "2021-02-03", "granularity": "day"}
    assert parse_date("2月3日", reference_date=date(2021, 2, 10))["start"] == "2021-02-03"
    assert parse_date("目前", reference_date="2021-02-10") is None


def test_parse_date_rejects_unknown_reading():
    with pytest.raises(ValueError, match="reading"):
        parse_date("3月", "2013-02-12", reading="backward")


def test_parse_date_without_reference_is_unresolved_with_reason():
    result = parse_date("2月3日")
    assert result["start"] is None and result["reason"] == "no year known"
    assert parse_date("2021年3月5日") == {"start": "2021-03-05", "end": "2021-03-05", "granularity": "day"}


@pytest.mark.parametrize("text, expected_year", [
    ("8月5日，该项目通过验收。", 2011),  # later month, past report: last year
    ("8月5日，灾民将迁入安置房。", 2012),  # future marker keeps this year
    ("8月5日前完成搬迁。", 2012),  # deadline suffix
    ("7月21日，暴雨来袭。", 2012),  # not later than the reference month
])
def test_dates_year_less_month_later_than_reference_takes_previous_year(text, expected_year):
    fact = find_dates(text, _given("2012-07-30"))[0]
    assert fact.value_start.startswith(str(expected_year))


def test_dates_year_only_reference_leaves_day_relative_words_unresolved():
    reference = ReferenceDate(date(2021, 1, 1), "inferred", "2021年", "year")
    facts = find_dates("昨天，2月3日，区总工会走访职工。", reference)
    assert [(f.text, f.value_start) for f in facts] == [("昨天", None), ("2月3日", "2021-02-03")]
    assert "reference day unknown" in facts[0].reason


def test_dates_festival_year_nearest_to_reference():
    # 春节 in a December article is next year's; 中秋 in February is this year's
    assert parse_date("春节", "2012-12-20")["start"] == "2013-02-10"
    assert parse_date("中秋", "2021-02-10")["start"] == "2021-09-21"


def test_dates_holiday_falls_back_to_festival_day_without_data():
    assert parse_date("端午节假期", "2030-06-01")["start"] == parse_date("端午节", "2030-06-01")["start"]


@pytest.mark.parametrize("text, value", [("十二", 12), ("二十五", 25), ("廿三", 23), ("初五", 5), ("三十一", 31), ("十", 10), ("7", 7)])
def test_cn_number_reads_date_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["1" * 1_000_000, "1月" * 100_000, "年" * 1_000_000, "“" * 500_000])
def test_dates_linear_time_on_long_lines(text):
    # generous on purpose: linear inputs take seconds on a loaded machine; a runaway regex takes hours
    started = time.perf_counter()
    find_dates(text, _given("2021-06-01"))
    assert time.perf_counter() - started < 60


_MIXED = ("2021年3月5日至7日，去年同期，上周三，十月的第一个周一，1995-1997年，1至5月，90年代，"
          "“7·21”特大暴雨，2021.3.5，20210305，二〇二一年底，明年春节假期，21日，3月初步，年年年，"
          "1111年1月1日1日，一月十日到十二日，星期天使，2020年第52周，上世纪80年代初。")


@pytest.mark.parametrize("name", list(load_rules().patterns))
def test_dates_scanner_finds_what_plain_finditer_finds(name):
    # the first-character scan is an optimisation only: same spans, same groups as re.finditer
    scanner = load_rules().patterns[name]
    plain = [(m.start(), m.end(), m.groupdict()) for m in re.finditer(scanner.source, _MIXED) if m.end() > m.start()]
    fast = [(start, end, {k: v for k, v in m.groupdict().items() if k != "_span"})
            for start, end, m in scanner.finditer(_MIXED)]
    assert fast == plain


@pytest.mark.parametrize("pattern, first", [
    ("(?<![0-9])(?P<y>[12][0-9]{3})年", "12"),
    ("(?:今|去)?年", "今去年"),
    ("(?=[^第]{0,3}第)第?(?:一|二)", "一二第"),
])
def test_dates_scanner_reads_first_characters(pattern, first):
    regex = _Scanner.compile(pattern, "test").regex.pattern
    assert regex.startswith("[" + "".join(sorted(first)) + "]")


def test_dates_scanner_keeps_backreference_patterns_unwrapped():
    scanner = _Scanner.compile("(?P<y>[0-9]{4})(?P<s>[-.])[0-9]{2}(?P=s)[0-9]{2}", "test")
    assert not scanner.wrapped
    assert [(s, e) for s, e, _ in scanner.finditer("于2021-03-05和2021-03.05")] == [(1, 11)]


def test_dates_trie_alternation_prefers_the_longest_word():
    regex = re.compile(f"(?:{trie_alternation(['本年', '本年度', '今年', '上一年', '上年'])})")
    assert [m.group() for m in regex.finditer("本年度上一年今年本年")] == ["本年度", "上一年", "今年", "本年"]


@pytest.mark.parametrize("year, day", [(2014, date(2014, 1, 14)), (2015, date(2015, 1, 15)), (2019, date(2019, 1, 15)),
                                       (2021, date(2021, 1, 14))])
def test_dates_sidereal_ingress_gives_almanac_pongal(year, day):
    # Makar Sankranti after sunset in India (2015: 19:27 IST) makes Pongal the next day
    assert _sidereal_ingress_day(year, 270, 5.5, 18) == day


@pytest.mark.parametrize("text, start", [("2013年赎罪日", "2013-09-14"), ("2018年逾越节", "2018-03-31"),
                                         ("2013年开斋节", "2013-08-08"), ("2013年古尔邦节", "2013-10-15")])
def test_dates_religious_calendars_give_the_holiday_day(text, start):
    assert parse_date(text, "2013-01-01")["start"] == start
