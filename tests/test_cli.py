"""CLI conventions: --version, --help, usage errors, and `table` rebuilding the tables from JSON."""
import pytest

from pipeline.cli import main
from tests.conftest import ROOT


def test_cli_version_and_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("newsfacts ")
    with pytest.raises(SystemExit) as done:
        main(["run", "--help"])
    assert done.value.code == 0 and "--reference-date" in capsys.readouterr().out


def test_cli_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["run", "x.txt", "--out", str(tmp_path), "--reference-date", "2021-13-01"])
    assert done.value.code == 2 and "not an ISO date" in capsys.readouterr().err
    assert main(["run", "x.txt", "--out", str(tmp_path), "--manifest", str(tmp_path / "none.jsonl")]) == 2


def test_cli_table_rebuilds_the_same_tables(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "corpus"), "--out", str(out), "--quiet"]) == 0
    before = {name: (out / f"{name}.csv").read_bytes() for name in ("events", "figures", "people", "dates")}
    for name in before:
        (out / f"{name}.csv").unlink()
    assert main(["table", str(out), "--format", "csv"]) == 0
    assert {name: (out / f"{name}.csv").read_bytes() for name in before} == before
