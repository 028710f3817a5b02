"""--engine dask on a 2-worker LocalCluster gives the same output as the local run."""
import pandas as pd
import pytest

pytest.importorskip("dask.distributed")

from pipeline.batch import process  # noqa: E402
from tests.conftest import ROOT  # noqa: E402


def test_dask_engine_equals_local_run(tmp_path):
    corpus = ROOT / "corpus"
    local, distributed = tmp_path / "local", tmp_path / "dask"
    process([corpus], local, jobs=1)
    summary = process([corpus], distributed, jobs=2, engine="dask", partition_size=2)
    assert summary.written == 4 and summary.errors == 0
    for path in sorted((local / "articles").glob("*.json")):
        assert path.read_bytes() == (distributed / "articles" / path.name).read_bytes()
    assert len(list((distributed / "figures.parquet").glob("part-*.parquet"))) == 2
    for name in ("events", "figures", "people", "dates"):
        pd.testing.assert_frame_equal(pd.read_parquet(local / f"{name}.parquet"),
                                      pd.read_parquet(distributed / f"{name}.parquet"))


def test_parquet_dataset_opens_in_duckdb(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    process([ROOT / "corpus"], tmp_path, jobs=2, engine="dask", partition_size=1)
    total = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/figures.parquet/*.parquet')").fetchall()[0][0]
    assert total == len(pd.read_csv(tmp_path / "figures.csv"))
