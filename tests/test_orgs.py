"""Organizations and places, driven by tests/specs/orgs.yaml."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.model import Document, Paragraph
from pipeline.orgs import lexicon, recognize_orgs, resolve_names, OrgSpan
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
    assert len(lex.suffixes) and len(lex.places) and "全部" in lex.not_orgs
