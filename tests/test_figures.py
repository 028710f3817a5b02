"""Figures: the spec file (tests/specs/figures.yaml), offsets, the word check, rules loading, speed."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
import yaml

from pipeline.figures import _FIGURE_FIELDS, figure_rules, find_figures, parse_money
from pipeline.model import Figure, Token
from pipeline.numbers import fold_expression

SPEC = yaml.safe_load((Path(__file__).parent / "specs" / "figures.yaml").read_text(encoding="utf-8"))["cases"]


def _case_params():
    for i, case in enumerate(SPEC):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        yield pytest.param(case, id=f"{i:03d}-{case['text'][:14]}", marks=marks)


@pytest.mark.parametrize("case", list(_case_params()))
def test_figures_spec(case):
    text = case["text"]
    got = find_figures(text)
    assert [f.text for f in got] == [e["text"] for e in case["expect"]]
    for fig, want in zip(got, case["expect"]):
        assert fig.value == pytest.approx(want["value"], rel=1e-6)
        assert fig.value_max == (None if want.get("value_max") is None else pytest.approx(want["value_max"]))
        assert (fig.unit, fig.kind, fig.qualifier) == (want["unit"], want["kind"], want["qualifier"])
        if "currency" in want:
            assert fig.currency == want["currency"]
        assert fig.scope == want.get("scope", "total")


@pytest.mark.parametrize("case", SPEC, ids=[f"{i:03d}" for i in range(len(SPEC))])
def test_figures_span_offsets_quote_the_text(case):
    for fig in find_figures(case["text"]):
        assert case["text"][fig.start : fig.end] == fig.text
        assert fig.rule.startswith("figure.") and fig.id == ""


def test_find_figures_offsets_valid_on_folded_full_width_text():
    raw = "超过２　．２万亿元，约５０００亿元，２５％左右"
    text = fold_expression(raw)
    assert len(text) == len(raw)
    figs = find_figures(text)
    assert [raw[f.start : f.end] for f in figs] == ["超过２　．２万亿元", "约５０００亿元", "２５％左右"]
    assert [f.value for f in figs] == [2.2e12, 5e11, 25]


def test_find_figures_rejects_numeral_inside_word():
    text = "李四人民币50元"
    tokens = [Token("李四", 0, 2), Token("人民币", 2, 5), Token("50", 5, 7), Token("元", 7, 8)]
    figs = find_figures(text, tokens)
    assert [(f.text, f.value, f.currency) for f in figs] == [("人民币50元", 50, "CNY")]


def test_find_figures_subject_heuristic():
    figs = find_figures("抽调300余名来自基层单位的教职工，发放应急款143.59万元。")
    assert [f.subject for f in figs] == ["教职工", "应急款"]


@pytest.mark.parametrize("text,expected", [
    ("近30万元", {"value": 300000, "value_max": None, "currency": "CNY", "qualifier": "under"}),
    ("1000元到50000元", {"value": 1000, "value_max": 50000, "currency": "CNY", "qualifier": "range"}),
    ("45564.44美元", {"value": 45564.44, "value_max": None, "currency": "USD", "qualifier": "exact"}),
    ("３万元", {"value": 30000, "value_max": None, "currency": "CNY", "qualifier": "exact"}),
    ("三百万", {"value": 3000000, "value_max": None, "currency": "CNY", "qualifier": "exact"}),
    ("两毛五", {"value": 0.25, "value_max": None, "currency": "CNY", "qualifier": "exact"}),
    ("2角", {"value": 0.2, "value_max": None, "currency": "CNY", "qualifier": "exact"}),
    ("两到三万港元", {"value": 20000, "value_max": 30000, "currency": "HKD", "qualifier": "range"}),
])
def test_parse_money_values(text, expected):
    got = parse_money(text)
    assert got is not None
    assert got["value"] == pytest.approx(expected["value"])
    assert got["value_max"] == (None if expected["value_max"] is None else pytest.approx(expected["value_max"]))
    assert (got["currency"], got["qualifier"]) == (expected["currency"], expected["qualifier"])


@pytest.mark.parametrize("text", ["", "今天天气很好", "五角大楼", "第三名"])
def test_parse_money_none_without_amount(text):
    assert parse_money(text) is None


def test_figure_rules_load_and_validate():
    rules = figure_rules()
    assert rules.units["元"].currency == "CNY"
    assert rules.units["人次"].kind == "count"
    assert set(rules.article_words) <= set(rules.units)


@pytest.mark.parametrize("text", ["1" * 1_000_000, "万" * 200_000, "1,000," * 30_000, "三百" * 100_000, "1.2" * 200_000])
def test_find_figures_linear_on_pathological_input(text):
    started = time.perf_counter()
    find_figures(text)
    assert time.perf_counter() - started < 5.0


def _toks(*pieces: tuple[str, str]) -> tuple[str, list[Token]]:
    out, pos = [], 0
    for word, tag in pieces:
        out.append(Token(word, pos, pos + len(word), tag))
        pos += len(word)
    return "".join(w for w, _ in pieces), out


@pytest.mark.parametrize("pieces,subjects", [
    ((("区", "n"), ("教委", "n"), ("抽调", "v"), ("300", "m"), ("余名", "m"), ("来自", "v"), ("基层单位", "n"),
      ("的", "uj"), ("教职工", "n"), ("深入", "v"), ("到", "v"), ("了", "ul"), ("一线", "m"), ("。", "x")), ["教职工"]),
    ((("全区", "n"), ("共", "d"), ("抽调", "v"), ("教职工", "n"), ("307", "m"), ("人", "n"), ("，", "x"),
      ("其中", "r"), ("志愿者", "n"), ("139", "m"), ("人", "n"), ("。", "x")), ["教职工", "志愿者"]),
    ((("发放", "v"), ("应急款", "l"), ("143.59", "m"), ("万元", "m"), ("。", "x")), ["应急款"]),
    ((("至今", "d"), ("花费", "n"), ("医疗费", "n"), ("20", "m"), ("余万元", "m"), ("，", "x"), ("他会", "v"),
      ("申请", "v"), ("医疗", "n"), ("救助金", "n"), ("5", "m"), ("万元", "m"), ("。", "x")), ["医疗费", "医疗救助金"]),
    ((("运输", "vn"), ("机场", "n"), ("达到", "v"), ("259", "m"), ("个", "q"), ("。", "x")), ["运输机场"]),
])
def test_find_figures_subject_from_tokens(pieces, subjects):
    text, tokens = _toks(*pieces)
    assert [f.subject for f in find_figures(text, tokens)] == subjects


@pytest.mark.parametrize("text, expected", [
    # jieba glues words across the numeral (只花十来|块钱, 两|金三银): no noun is cut, so no veto
    ("“每顿饭只花十来块钱，四菜一汤", [("十来块钱", 10.0, "money")]),
    ("中国游泳队以两金三银七铜的成绩收官", [("两金", 2.0, "count"), ("三银", 3.0, "count"), ("七铜", 7.0, "count")]),
    ("五块六到五块七毛八", [("五块六到五块七毛八", 5.6, "money")]),
    # 块 before a noun is a piece, not money; 一块 is then an article
    ("一块电子屏幕展示着小区的变化", []),
    ("李四人民币50元", [("人民币50元", 50.0, "money")]),
])
def test_find_figures_with_real_tokens(text, expected):
    from pipeline.segment import tokenize
    got = [(f.text, f.value, f.kind) for f in find_figures(text, tokenize(text))]
    assert got == expected


def test_figures_positional_figure_matches_the_model():
    # _to_figure builds Figure positionally (speed): its field order must be the model's
    assert tuple(f.name for f in dataclasses.fields(Figure))[: len(_FIGURE_FIELDS)] == _FIGURE_FIELDS


@pytest.mark.parametrize("text", ["月薪8k", "我们薪酬能给到10k~15k。", "据说月薪10~15k。"])
def test_find_figures_implied_yuan_names_its_rule(text):
    (fig,) = find_figures(text)
    assert fig.rule == "figure.money.implied_yuan"
