"""The batch report: numbers in the HTML equal the tables; it needs no network."""
import re

import pandas as pd
import pytest

from pipeline.batch import process
from pipeline.report import load_tables, summarize, write_report


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    from tests.conftest import SEED
    out = tmp_path_factory.mktemp("out")
    process([SEED], out)
    return out


def test_report_seed_union_total_is_the_payment_only(seed_out):
    events = pd.read_parquet(seed_out / "events.parquet")
    paid = events.query("actors == '大兴区总工会' and date_start >= '2021-01-01' and date_end <= '2021-02-26'")
    assert paid.money_cny.sum() == 1435900.0


def test_report_numbers_match_the_tables(seed_out):
    html_path, md_path = write_report(seed_out)
    page = html_path.read_text(encoding="utf-8")
    data = summarize(load_tables(seed_out))
    union = data.money_by_actor.set_index("actor").loc["大兴区总工会", "money_cny"]
    assert union == 1435900.0
    assert "1,435,900.00" in page
    assert "143.59万元" in page and "应急款" in page
    assert "大兴区总工会" in md_path.read_text(encoding="utf-8")


def test_report_is_self_contained(seed_out):
    html_path, _ = write_report(seed_out)
    page = html_path.read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="(?!data:)', page) == []
    assert page.count("data:image/png;base64,") >= 2
