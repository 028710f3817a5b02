"""People and roles, driven by tests/specs/people.yaml, plus the founding article's captions."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import fold_width
import yaml

from pipeline.model import Document, Paragraph
from pipeline.people import LIST_JOINTS, Evidence, lexicon, name_shape, recognize_people
from pipeline.segment import segment

SPECS = yaml.safe_load((Path(__file__).parent / "specs" / "people.yaml").read_text(encoding="utf-8"))
SEED = Path(__file__).resolve().parent.parent / "corpus" / "seed-daxing-union.txt"


def fold(text: str) -> str:
    """The pipeline's own view (full-width digits folded, Chinese punctuation such as （） kept)."""
    return fold_width(text)


def recognize(text: str, kind: str = "body") -> Document:
    doc = Document(article_id="t", source="t", raw=text, text=text, match_text=fold(text))
    doc.paragraphs = [Paragraph(0, len(text), kind)]
    return recognize_people(segment(doc))


def roles_of(person) -> list[str]:
    return [f"{r.title}@{r.org}" if r.org else r.title for r in person.roles]


def assert_spans(doc: Document) -> None:
    for person in doc.people:
        for m in person.mentions:
            assert doc.text[m.start:m.end] == m.text
        for r in person.roles:
            assert doc.text[r.start:r.end] == r.text
    for r in doc.roles:
        assert doc.text[r.start:r.end] == r.text


CASES = [pytest.param(c, id=c["id"], marks=pytest.mark.xfail(reason=c["xfail"], strict=True)) if c.get("xfail")
         else pytest.param(c, id=c["id"]) for c in SPECS]


@pytest.mark.parametrize("case", CASES)
def test_people_spec(case):
    doc = recognize(case["text"], case.get("kind", "body"))
    got = {p.name: roles_of(p) for p in doc.people}
    assert got == {name: list(titles) for name, titles in case["people"].items()}
    unattached = {r.title for r in doc.roles}
    assert set(case.get("roles", [])) <= unattached
    assert not set(case.get("not_roles", [])) & unattached
    assert_spans(doc)


def test_people_lexicon_loads():
    lex = lexicon()
    assert "书记" in lex.kinds and "欧阳" in lex.compound_surnames and "关怀" in lex.not_names


@pytest.mark.parametrize("name, ok", [("郭金江", True), ("施剑", True), ("欧阳修", True), ("关怀", False),
                                      ("郭", False), ("王的人", False), ("宝宝", False)])
def test_people_name_shape(name, ok):
    assert name_shape(name, 0, len(name)) is ok


@pytest.mark.skipif(not SEED.exists(), reason="corpus/seed-daxing-union.txt is absent")
def test_people_seed_article():
    doc = recognize(SEED.read_text(encoding="utf-8"))
    got = {p.name: roles_of(p) for p in doc.people}
    assert got == {
        "孙艳": ["记者"],
        "牛玉俊": ["党组书记@大兴区总工会", "常务副主席@大兴区总工会"],
        "翟德昱": ["常委@大兴区委", "宣传部长@大兴区委"],
        "郭金江": ["党组成员@大兴区人大常委会", "副主任@大兴区人大常委会", "主席@大兴区总工会"],
        "张占林": ["全国劳模"],
        "侯月海": ["党组成员@大兴区总工会", "副主席@大兴区总工会"],
        "何舜琴": ["北京市劳动模范"],
        "施剑": ["党组成员@大兴区总工会", "副主席@大兴区总工会"],
    }
    niu = next(p for p in doc.people if p.name == "牛玉俊")
    assert len(niu.mentions) >= 3  # captions and body are one person
    assert_spans(doc)


def test_people_byline_reporters_become_people():
    text = "本报记者 孙艳\n正文。"
    doc = Document(article_id="t", source="t", raw=text, text=text, match_text=text)
    doc.paragraphs = [Paragraph(0, len(text), "body")]
    segment(doc)
    doc.byline.reporters, doc.byline.labels, doc.byline.reporter_spans = ["孙艳"], ["记者"], [(5, 7)]
    recognize_people(doc)
    assert [(p.name, roles_of(p)) for p in doc.people] == [("孙艳", ["记者"])]


def _facts(doc: Document) -> tuple:
    return ([(p.name, p.rule, [(m.start, m.end) for m in p.mentions], roles_of(p)) for p in doc.people],
            [(r.title, r.org, r.start, r.end) for r in doc.roles])


def test_people_list_joints_are_one_character():
    assert all(len(joint) == 1 for joint in LIST_JOINTS)  # Evidence.hopeless reads a joint as one character


PRUNING_CASES = [pytest.param(c["text"], c.get("kind", "body"), id=c["id"]) for c in SPECS] + (
    [pytest.param(SEED.read_text(encoding="utf-8"), "body", id="seed-article")] if SEED.exists() else [])


@pytest.mark.parametrize("text, kind", PRUNING_CASES)
def test_people_hopeless_starts_change_nothing(text, kind, monkeypatch):
    pruned = _facts(recognize(text, kind))
    monkeypatch.setattr(Evidence, "hopeless", lambda self, start, shapes: False)
    assert _facts(recognize(text, kind)) == pruned
