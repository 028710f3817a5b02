"""The founding article end to end: reference year, facts, events, spans, schema."""
import pytest

from pipeline import extract
from pipeline.validate import article_problems


@pytest.fixture(scope="module")
def seed(seed_text):
    return extract(seed_text, article_id="seed-daxing-union")


def by_text(facts, text):
    return [f for f in facts if f["text"] == text]


def test_seed_reference_year_is_inferred(seed):
    ref = seed["reference_date"]
    assert ref["basis"] == "inferred"
    assert ref["value"].startswith("2021")


def test_seed_is_valid_and_every_span_quotes_the_text(seed):
    assert article_problems(seed) == []


@pytest.mark.parametrize("text, value, value_max, qualifier, kind, unit", [
    ("300余名", 300, None, "over", "count", "名"),
    ("307人", 307, None, "exact", "count", "人"),
    ("4900余箱", 4900, None, "over", "count", "箱"),
    ("近30万元", 300000, None, "under", "money", "元"),
    ("1000元到50000元", 1000, 50000, "range", "money", "元"),
    ("143.59万元", 1435900, None, "exact", "money", "元"),
    ("24小时", 24, None, "exact", "duration", "小时"),
])
def test_seed_figures(seed, text, value, value_max, qualifier, kind, unit):
    [fig] = by_text(seed["figures"], text)
    assert (fig["value"], fig["value_max"], fig["qualifier"], fig["kind"], fig["unit"]) == (value, value_max, qualifier, kind, unit)


@pytest.mark.parametrize("trap", ["五关爱", "一线", "第一道", "五一劳动奖章"])
def test_seed_traps_are_no_figures_or_dates(seed, trap):
    for fact in seed["figures"] + seed["dates"]:
        assert trap not in fact["text"]


@pytest.mark.parametrize("text, start, end", [
    ("1月22日", "2021-01-22", "2021-01-22"),
    ("2月3日", "2021-02-03", "2021-02-03"),
    ("2017年", "2017-01-01", "2017-12-31"),
])
def test_seed_dates(seed, text, start, end):
    [fact] = by_text(seed["dates"], text)
    assert fact["value"] == {"start": start, "end": end}


def test_seed_payment_event(seed):
    [fig] = by_text(seed["figures"], "143.59万元")
    [event] = [e for e in seed["events"] if fig["id"] in e["figures"]]
    dates = {d["id"]: d for d in seed["dates"]}
    assert dates[event["date"]]["value"]["start"] == "2021-01-01"
    assert "两节" in dates[event["date"]]["text"]
    names = {e["id"]: e["name"] for e in seed["people"] + seed["organizations"] + seed["locations"]}
    assert [names[a] for a in event["actors"]] == ["大兴区总工会"]


def test_seed_people(seed):
    assert {p["name"] for p in seed["people"]} == {"孙艳", "牛玉俊", "翟德昱", "郭金江", "张占林", "侯月海", "何舜琴", "施剑"}


def test_traditional_article_money_and_currency():
    article = extract("臺北市政府共發放救助金143.59萬元，另撥新臺幣3000萬元，為91個家庭送去溫暖。", reference_date="2021-02-10")
    money = {f["text"]: (f["value"], f["currency"]) for f in article["figures"] if f["kind"] == "money"}
    assert money["143.59萬元"] == (1435900, "CNY")
    assert money["新臺幣3000萬元"] == (30000000, "TWD")


def test_organizations_carry_their_kind():
    article = extract("大兴区总工会联合北京银行和区政府为职工送去慰问品。", reference_date="2021-02-10")
    kinds = {o["name"]: o["kind"] for o in article["organizations"]}
    assert kinds == {"大兴区总工会": "organization", "北京银行": "company", "区政府": "government"}
