"""Organizations and places, driven by tests/specs/orgs.yaml."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.model import Document, Paragraph
from pipeline.orgs import (Gazetteer, OrgSpan, WordSet, first_disjoint, leftmost_longest, lexicon, org_kind, recognize_orgs,
                           resolve_names, trie_regex)
from pipeline.segment import segment

SPECS = yaml.safe_load((Path(__file__).parent / "specs" / "orgs.yaml").read_text(encoding="utf-8"))


def recognize(text: str) -> Document:
    doc = Document(article_id="t", source="t", raw=text, text=text, match_text=text)
    doc.paragraphs = [Paragraph(0, len(text), "body")]
    return recognize_orgs(segment(doc))


@pytest.mark.parametrize("case", SPECS, ids=[c["id"] for c in SPECS])
def test_orgs_spec(case):
    doc = recognize(case["text"])
    got = {o.name: sorted(o.aliases) for o in doc.organizations}
    assert got == {name: sorted(aliases) for name, aliases in case["orgs"].items()}
    places = {o.name for o in doc.locations}
    assert set(case.get("locations", [])) <= places
    kinds = {o.name: o.kind for o in doc.organizations}
    assert {name: kinds.get(name) for name in case.get("kinds", {})} == case.get("kinds", {})
    for org in doc.organizations + doc.locations:
        for m in org.mentions:
            assert doc.text[m.start:m.end] == m.text


@pytest.mark.parametrize("spans, short, full", [
    (["大兴区总工会", "区总工会"], "区总工会", "大兴区总工会"),
    (["丰台区河西再生水厂工程项目部", "工程项目部"], "工程项目部", "丰台区河西再生水厂工程项目部"),
    (["区总工会"], "区总工会", "区总工会"),
])
def test_orgs_resolve_names(spans, short, full):
    orgs = [OrgSpan(0, len(s), s, "organization", "t") for s in spans]
    places = [OrgSpan(0, 3, "大兴区", "location", "t")]
    assert resolve_names(orgs, places)[short] == full


def test_orgs_lexicon_loads():
    lex = lexicon()
    assert len(lex.suffixes) and "北京" in lex.places and "全部" in lex.not_orgs


@pytest.mark.parametrize("words, text, expected", [
    (["北京", "北京市", "北"], "北京市民在北海", [(0, 3), (5, 6)]),  # longest at each start, then onwards
    (["大兴", "兴区"], "大兴区", [(0, 2)]),  # leftmost wins over a later overlap
    (["总工会", "工会"], "区总工会和工会", [(1, 4), (5, 7)]),
])
def test_orgs_trie_regex_is_leftmost_longest(words, text, expected):
    assert [m.span() for m in trie_regex(words, "test").finditer(text)] == expected
    found = Gazetteer({"test": tuple(words)}).find(text)["test"]
    assert [(start, end) for start, end, _ in leftmost_longest(found)] == expected


@pytest.mark.parametrize("lists, text, expected", [
    ({"a": ("北京", "北京市", "北"), "b": ("京市",)}, "北京市", {"a": [(0, 3), (0, 2), (0, 1)], "b": [(1, 3)]}),
    ({"a": ("上海", "上海市政府")}, "发自上海", {"a": [(2, 4)]}),  # a longer word with the same head past the end
    ({"a": ("部", "工部")}, "工部部", {"a": [(0, 2), (1, 2), (2, 3)]}),  # one-character words, the last character
    ({"a": ("𠀀字",)}, "𠀀字𠀀字", {"a": [(0, 2), (2, 4)]}),  # characters beyond the BMP are one offset each
    ({"a": ("北京",)}, "", {"a": []}),
])
def test_orgs_gazetteer_finds_every_occurrence(lists, text, expected):
    found = Gazetteer(lists).find(text)
    assert {name: [(start, end) for start, end, _ in hits] for name, hits in found.items()} == expected
    assert all(text[start:end] == word for hits in found.values() for start, end, word in hits)


@pytest.mark.parametrize("words, text, pos, at, before", [
    (["常务", "常务副", "副"], "常务副主席", 0, "常务副", None),
    (["常务", "常务副", "副"], "常务副主席", 3, None, "常务副"),
    (["党组", "党委"], "党委书记", 2, None, "党委"),
    (["同志"], "同", 0, None, None),  # a word longer than what is left
])
def test_orgs_wordset_lookups(words, text, pos, at, before):
    ws = WordSet(words)
    assert ws.starting_at(text, pos) == at and ws.ending_at(text, pos) == before


def test_orgs_first_disjoint_keeps_preferred():
    spans = [(0, 5), (3, 8), (5, 7), (8, 9)]
    assert first_disjoint(spans, lambda s: s) == [(0, 5), (5, 7), (8, 9)]


@pytest.mark.parametrize("name, kind", [
    ("中国人民银行", "government"),  # the longest ending wins: 人民银行 over 银行
    ("浙商银行杭州分行", "company"),
    ("某集团有限公司", "company"),
    ("大兴区总工会", "organization"),
    ("市慈善总会", "organization"),
    ("县教育局", "government"),
    ("温岭市交警大队大溪中队", "government"),
    ("北京足球俱乐部", "organization"),  # 俱乐部 is no 部 of a government
    ("中国游泳队", "organization"),
    ("布鲁京斯学会", "organization"),
])
def test_orgs_kind_by_ending(name, kind):
    assert org_kind(name) == kind
