import json
from pathlib import Path

import pytest

from pipeline.batch import collect_jobs, load_manifest, process, safe_id
from pipeline.cli import main

SENTENCE = "2月3日，大兴区总工会为91个患大病职工家庭共发放应急款143.59万元。"


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write(folder, "good.txt", SENTENCE.encode())
    write(folder, "gbk.txt", SENTENCE.encode("gb18030"))
    write(folder, "empty.txt", b"")
    write(folder, "blank.txt", b"  \n \n")
    write(folder, "binary.txt", b"\x00\xff\x01" * 200)
    write(folder, "sub/good.txt", SENTENCE.encode())  # same stem, other folder
    write(folder, "notes.md", b"not an article")       # not *.txt: not an input
    return folder


def test_process_accounts_for_every_input(mixed_inputs, tmp_path):
    out = tmp_path / "out"
    summary = process([mixed_inputs], out, reference_date="2021-02-10")
    assert (summary.inputs, summary.written, summary.errors) == (6, 3, 3)
    written = sorted(p.stem for p in (out / "articles").glob("*.json"))
    assert written[:2] == ["gbk", "good"] and written[2].startswith("good-")
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert sorted(Path(e["source"]).name for e in errors) == ["binary.txt", "blank.txt", "empty.txt"]
    assert all(e["stage"] == "read" and e["message"] for e in errors)


def test_process_writes_tables(mixed_inputs, tmp_path):
    import pandas as pd
    out = tmp_path / "out"
    process([mixed_inputs / "good.txt"], out, reference_date="2021-02-10")
    figures = pd.read_parquet(out / "figures.parquet")
    money = figures[figures.kind == "money"]
    assert money.value.tolist() == [1435900.0]
    assert money.currency.tolist() == ["CNY"]
    for name in ("events", "figures", "people", "dates"):
        assert (out / f"{name}.csv").exists() and (out / f"{name}.parquet").exists()


def test_process_gbk_equals_utf8(mixed_inputs, tmp_path):
    out = tmp_path / "out"
    process([mixed_inputs / "good.txt", mixed_inputs / "gbk.txt"], out, reference_date="2021-02-10")
    good = json.loads((out / "articles" / "good.json").read_text())
    gbk = json.loads((out / "articles" / "gbk.json").read_text())
    assert good["figures"] == gbk["figures"]
    assert gbk["cleaning"][0]["detail"]["encoding"] == "gb18030"


def test_process_is_deterministic(mixed_inputs, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    process([mixed_inputs], first, reference_date="2021-02-10")
    process([mixed_inputs], second, reference_date="2021-02-10", jobs=2)
    for path in sorted((first / "articles").glob("*.json")):
        assert path.read_bytes() == (second / "articles" / path.name).read_bytes()
    assert (first / "figures.csv").read_bytes() == (second / "figures.csv").read_bytes()


def test_manifest_gives_reference_dates(tmp_path):
    folder = tmp_path / "corpus"
    write(folder, "articles/a.txt", "2月3日，区总工会发放应急款3万元。".encode())
    (folder / "manifest.jsonl").write_text(
        json.dumps({"file": "articles/a.txt", "publish_date": "2019-02-10"}) + "\n"
        + json.dumps({"file": "articles/b.txt", "publish_date": None}) + "\n", encoding="utf-8")
    dates = load_manifest(folder / "manifest.jsonl")
    assert dates["a.txt"].isoformat() == "2019-02-10"
    out = tmp_path / "out"
    process([folder / "articles"], out, manifest=folder / "manifest.jsonl")
    article = json.loads((out / "articles" / "a.json").read_text())
    assert article["reference_date"]["value"] == "2019-02-10"
    assert article["reference_date"]["basis"] == "given"
    assert article["dates"][0]["value"] == {"start": "2019-02-03", "end": "2019-02-03"}


@pytest.mark.parametrize("raw, expected", [("../../x", "x"), ("a/b", "a_b"), ("..", "article"), ("新闻 01", "新闻_01")])
def test_safe_id_cannot_escape_the_output_folder(raw, expected):
    assert safe_id(raw) == expected


def test_missing_input_is_an_error_record(tmp_path):
    jobs, problems = collect_jobs([str(tmp_path / "nope.txt")])
    assert jobs == [] and problems[0]["error"] == "FileNotFoundError"


def test_unreadable_folder_is_an_error_record(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    write(locked, "a.txt", SENTENCE.encode())
    write(tmp_path, "b.txt", SENTENCE.encode())
    real_iterdir = Path.iterdir

    def iterdir(self):  # root reads every folder, so the permission error is simulated
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    jobs, problems = collect_jobs([str(tmp_path)])
    assert [j.article_id for j in jobs] == ["b"]
    assert "cannot list folder" in problems[0]["message"] and problems[0]["error"] == "PermissionError"


def test_stdin_article(tmp_path):
    import subprocess
    import sys
    from tests.conftest import ROOT
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "-", "--out", str(tmp_path), "--reference-date", "2021-02-10"],
                          input=SENTENCE.encode(), capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    article = json.loads((tmp_path / "articles" / "stdin.json").read_text())
    assert article["source"] == "<stdin>"
    assert [f["value"] for f in article["figures"] if f["kind"] == "money"] == [1435900.0]


def test_symlink_loop_is_reported_not_followed_forever(tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.txt", SENTENCE.encode())
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    jobs, problems = collect_jobs([str(folder)])
    assert [j.article_id for j in jobs] == ["a"]
    assert problems[0]["error"] == "SymlinkLoop"


def test_cli_run_summary_and_exit_codes(mixed_inputs, tmp_path, capsys):
    assert main(["run", str(mixed_inputs), "--out", str(tmp_path / "out"), "--reference-date", "2021-02-10"]) == 0
    printed = capsys.readouterr().out
    assert "inputs: 6  written: 3  errors: 3" in printed
    assert main(["run", str(mixed_inputs / "empty.txt"), "--out", str(tmp_path / "out2")]) == 1


def test_cli_validate_accepts_its_own_output(mixed_inputs, tmp_path, capsys):
    out = tmp_path / "out"
    main(["run", str(mixed_inputs), "--out", str(out), "--quiet"])
    assert main(["validate", str(out)]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_html_page_main_text_and_publish_date(tmp_path):
    pytest.importorskip("trafilatura")
    page = ("<html><head><title>t</title><meta property=\"article:published_time\" content=\"2021-02-10\"></head>"
            "<body><nav>首页 新闻 体育</nav><article><h1>大兴区总工会送温暖</h1><p>2月3日，大兴区总工会共发放应急款143.59万元，"
            "惠及91个患大病职工家庭，这是一段足够长的正文，让正文抽取器认为它是文章主体。</p></article><footer>版权所有</footer></body></html>")
    write(tmp_path / "in", "page.html", page.encode())
    out = tmp_path / "out"
    assert process([tmp_path / "in"], out).written == 1
    article = json.loads((out / "articles" / "page.json").read_text())
    assert article["reference_date"] == {"value": "2021-02-10", "basis": "metadata", "evidence": article["reference_date"]["evidence"],
                                         "granularity": article["reference_date"]["granularity"]}
    assert "版权所有" not in article["text"]
    assert [f["value"] for f in article["figures"] if f["kind"] == "money"] == [1435900.0]
    assert {"2月3日": "2021-02-03"} == {d["text"]: d["value"]["start"] for d in article["dates"]}


def test_jsonl_input_records(tmp_path):
    lines = [json.dumps({"id": "../../evil", "text": SENTENCE, "publish_date": "2021-02-10"}, ensure_ascii=False),
             "not json", json.dumps({"id": "b"})]
    write(tmp_path, "batch.jsonl", "\n".join(lines).encode())
    out = tmp_path / "out"
    summary = process([tmp_path / "batch.jsonl"], out)
    assert (summary.inputs, summary.written, summary.errors) == (3, 1, 2)
    assert [p.name for p in (out / "articles").iterdir()] == ["evil.json"]
    assert json.loads((out / "articles" / "evil.json").read_text())["reference_date"]["value"] == "2021-02-10"


def test_resume_reuses_same_input_and_redoes_changed(tmp_path):
    folder = tmp_path / "in"
    write(folder, "a.txt", SENTENCE.encode())
    write(folder, "b.txt", SENTENCE.encode())
    out = tmp_path / "out"
    process([folder], out, reference_date="2021-02-10")
    first = (out / "articles" / "a.json").read_bytes()
    write(folder, "b.txt", "3月5日，区总工会发放慰问金3万元。".encode())
    summary = process([folder], out, reference_date="2021-02-10", resume=True)
    assert (summary.written, summary.reused) == (2, 1)
    assert (out / "articles" / "a.json").read_bytes() == first
    assert "3万元" in (out / "articles" / "b.json").read_text()
