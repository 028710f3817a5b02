import pytest

from pipeline.clean import clean, fold_width
from pipeline.model import Document


def cleaned(raw: str) -> Document:
    return clean(Document("t", "t", raw))


def kinds(doc: Document) -> list[tuple[str, str]]:
    return [(p.kind, doc.text[p.start:p.end]) for p in doc.paragraphs]


def test_clean_seed_structure(seed_text):
    doc = cleaned(seed_text)
    assert doc.title == "工会温暖 为你而来"
    found = kinds(doc)
    assert found[0][0] == "lead" and found[0][1].startswith("关爱一线职工")
    assert found[2] == ("subtitle", "——大兴区总工会送温暖“五关爱”活动纪实")
    assert found[3] == ("byline", "□本报记者 孙艳")
    assert sum(kind == "caption" for kind, _ in found) == 6


def test_clean_seed_drops_near_duplicate_paragraph(seed_text):
    doc = cleaned(seed_text)
    assert doc.text.count("24小时轮班值守在防疫卡口") == 1
    assert "由于天宫院地区实施严格封闭管控" not in doc.text
    assert doc.text.count("同时，为助力疫情防控有序") == 1


def test_clean_seed_rejoins_sentence_split_by_captions(seed_text):
    doc = cleaned(seed_text)
    assert "新春佳节，工会最牵挂的就是困难职工" in doc.text
    assert "同时，为助力疫情防控有序开展，大兴区总工会" in doc.text
    rejoin = [c for c in doc.cleaning if c["action"] == "rejoined_sentence"]
    assert [c["detail"]["captions_moved"] for c in rejoin] == [0, 6]


def test_clean_seed_byline(seed_text):
    doc = cleaned(seed_text)
    assert doc.byline.reporters == ["孙艳"]
    assert doc.byline.labels == ["记者"]
    start, end = doc.byline.reporter_spans[0]
    assert doc.text[start:end] == "孙艳"


@pytest.mark.parametrize("raw, reporters, labels", [
    ("2007-7-26\n中新浙江网7月24日电(记者陈瑜艳通讯员叶卫兵王文婷)7月23日下午，发生一起事故。",
     ["陈瑜艳", "叶卫兵", "王文婷"], ["记者", "通讯员", "通讯员"]),
    ("# 标题\n\n> 本报记者  郝迎灿  辛  阳《人民日报》（2025年01月27日第 11 版）\n\n正文一句。",
     ["郝迎灿", "辛阳"], ["记者", "记者"]),
    ("标题一行\n正文很长的一句话。（记者 陈伟 整理）", ["陈伟"], ["记者"]),
])
def test_clean_bylines(raw, reporters, labels):
    doc = cleaned(raw)
    assert doc.byline.reporters == reporters
    assert doc.byline.labels == labels


def test_clean_strips_html_and_markdown():
    doc = cleaned("### 肩题\n# 主标题\n<p><strong>央视网消息</strong>（新闻联播）：海关总署今天公布数据。<br></p><p>第二段。</p>")
    assert kinds(doc) == [("subtitle", "肩题"), ("title", "主标题"),
                          ("body", "央视网消息（新闻联播）：海关总署今天公布数据。"), ("body", "第二段。")]
    assert {c["action"] for c in doc.cleaning} == {"removed_markup"}


def test_clean_dateline_line_is_byline_kind():
    doc = cleaned("2007-7-26\n中新网7月24日电 正文一句。")
    assert kinds(doc)[0] == ("byline", "2007-7-26")


def test_fold_width_keeps_length_and_chinese_punctuation():
    raw = "超过２　．２万亿元，增长６．１％（同比）"
    folded = fold_width(raw)
    assert len(folded) == len(raw)
    assert folded == "超过2 .2万亿元，增长6.1%（同比）"


def test_clean_offsets_index_the_text(seed_text):
    doc = cleaned(seed_text)
    assert len(doc.match_text) == len(doc.text)
    for para in doc.paragraphs:
        assert doc.text[para.start:para.end].strip() == doc.text[para.start:para.end]
        assert "\n" not in doc.text[para.start:para.end]


def test_clean_drops_script_blocks_with_their_code():
    doc = cleaned("<p>正文一句。</p><script>var x = 1;</script><style>p{}</style>")
    assert doc.text == "正文一句。"


def test_clean_reads_traditional_through_a_simplified_view():
    doc = cleaned("臺北市政府共發放救助金143.59萬元，為91個家庭送去溫暖。")
    assert doc.text.startswith("臺北市政府共發放")  # kept as written
    assert doc.match_text.startswith("台北市政府共发放")
    assert len(doc.match_text) == len(doc.text)
    assert doc.cleaning[-1]["action"] == "matched_through_simplified"


def test_clean_splits_a_heading_run_into_the_dateline():
    doc = cleaned("红会首次向遇难者发放慰问金\n红会首次发慰问金遇难群众每人１万　烈士每人３万本报讯（记者李秋萌）昨天，市红十字会送去米面油。")
    assert kinds(doc)[1] == ("subtitle", "红会首次发慰问金遇难群众每人１万　烈士每人３万")
    assert kinds(doc)[2][1].startswith("本报讯（记者李秋萌）")
    assert doc.byline.reporters == ["李秋萌"]
