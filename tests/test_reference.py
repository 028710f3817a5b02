"""The article's reference date: given, metadata (publish line, dateline), inferred, none."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.reference import resolve_reference


def test_reference_given_wins():
    ref = resolve_reference("2007-7-26\n中新浙江网7月24日电", given=date(2020, 1, 2))
    assert (ref.value, ref.basis, ref.granularity) == (date(2020, 1, 2), "given", "day")


def test_reference_given_basis_can_be_named():
    assert resolve_reference("", given=date(2020, 1, 2), given_basis="manifest").basis == "manifest"


# texts are folded to half-width, as the pipeline passes them
@pytest.mark.parametrize("text, expected, evidence", [
    ("2007-7-26\n中新浙江网7月24日电(记者陈瑜艳)7月23日下午……", date(2007, 7, 26), "2007-7-26"),
    ("\ufeff2008年09月21日 10:30:00\r\n本报讯 昨晚……", date(2008, 9, 21), "2008年09月21日 10:30:00"),
    ("标题\n发布时间:2021-02-10 09:00\n正文", date(2021, 2, 10), "发布时间:2021-02-10"),
    ("# 标题\n\n> 本报记者  郝迎灿《人民日报》(2025年01月27日第 11 版)\n", date(2025, 1, 27), "(2025年01月27日"),
    ("本报北京1月23日电 2025年，最高法……", date(2025, 1, 23), "北京1月23日电"),
    ("<p><strong>央视网消息</strong>(新闻联播):海关总署今天(7月12日)对外公布，2024年上半年……", date(2024, 7, 12), "今天(7月12日)"),
])
def test_reference_from_article_metadata(text, expected, evidence):
    ref = resolve_reference(text)
    assert (ref.value, ref.basis, ref.granularity) == (expected, "metadata", "day")
    assert evidence in ref.evidence


def test_reference_dateline_year_reads_year_end_as_over():
    text = "央视网消息(新闻联播):交通运输部今天(7月10日)介绍，截至2023年底，全国公路总里程……"
    assert resolve_reference(text).value == date(2024, 7, 10)


def test_reference_dateline_without_any_year_falls_through():
    assert resolve_reference("新华社北京3月1日电 今天上午……").basis == "none"


def test_reference_inferred_from_years_named():
    text = "2021年“两节”期间，大兴区总工会……2017年被评为劳动模范……2021年将继续……"
    ref = resolve_reference(text)
    assert (ref.value, ref.basis, ref.granularity, ref.evidence) == (date(2021, 1, 1), "inferred", "year", "2021年")


def test_reference_inferred_ignores_targets_and_durations():
    ref = resolve_reference("到2035年基本实现现代化。2020年，全省……建成已有30多年。")
    assert ref.value == date(2020, 1, 1)


def test_reference_none():
    ref = resolve_reference("近日，市民政局出台新规。")
    assert (ref.value, ref.basis, ref.evidence, ref.granularity) == (None, "none", None, None)
