"""A run killed midway, resumed with --resume, ends with the same output as an uninterrupted run."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

ARTICLES = 200  # enough that the kill lands midway even when the pipeline gets faster


def run_cli(args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", *args, "--quiet"], cwd=ROOT, **kwargs)


def test_killed_run_resumes_to_the_same_output(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    seed = (ROOT / "corpus" / "seed-daxing-union.txt").read_text(encoding="utf-8")
    for index in range(ARTICLES):
        (corpus / f"a{index:02d}.txt").write_text(seed.replace("307人", f"{300 + index}人"), encoding="utf-8")
    full, killed = tmp_path / "full", tmp_path / "killed"
    assert run_cli([str(corpus), "--out", str(full)]).wait(timeout=300) == 0

    process = run_cli([str(corpus), "--out", str(killed)], start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((killed / "articles").glob("*.json"))) < 3:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list((killed / "articles").glob("*.json")))
    assert 0 < done < ARTICLES, "the kill should land midway"

    assert run_cli([str(corpus), "--out", str(killed), "--resume"]).wait(timeout=300) == 0
    for path in sorted((full / "articles").glob("*.json")):
        assert path.read_bytes() == (killed / "articles" / path.name).read_bytes()
    for table in ("events.csv", "figures.csv", "people.csv", "dates.csv"):
        assert (full / table).read_bytes() == (killed / table).read_bytes()
