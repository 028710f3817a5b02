"""A million characters without a full stop once made the event linker quadratic (one giant
sentence). Sentences are now bounded; these inputs must finish in bounded time."""
import time

import pytest

from pipeline.batch import process


@pytest.mark.parametrize("name, text", [
    ("digits", "1" * 1_000_000),
    ("wan", "万" * 300_000),
    ("money_clauses", "3万元，" * 20_000),
])
def test_runaway_single_line_finishes(tmp_path, name, text):
    (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    summary = process([tmp_path / f"{name}.txt"], tmp_path / "out", reference_date="2021-02-10")
    assert summary.written + summary.errors == 1
    assert time.perf_counter() - started < 120  # generous: linear inputs take seconds


def test_twenty_megabyte_article_of_repeats(tmp_path):
    """A scraped page repeated until it weighs 20 MB: processed, repeats dropped, log bounded."""
    import json
    from tests.conftest import SEED
    seed = SEED.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(seed * (20_000_000 // len(seed.encode()) + 1), encoding="utf-8")
    summary = process([big], tmp_path / "out", reference_date="2021-02-10")
    assert (summary.written, summary.errors) == (1, 0)
    article = json.loads((tmp_path / "out" / "articles" / "big.json").read_text(encoding="utf-8"))
    assert len(article["text"]) < 2 * len(seed)
    assert len(article["cleaning"]) < 200
    assert [f["value"] for f in article["figures"] if f["text"] == "143.59万元"] == [1435900.0]
