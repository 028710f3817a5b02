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
