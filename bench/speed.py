"""Speed benchmark: end-to-end throughput next to bare segmenters, JioNLP and a regex floor.

Builds a corpus of >= 5 MB from ../shared/corpus/articles (articles repeated with varied digits),
then measures, in one run, median of --runs (min-max), characters per second of:
  - pipeline end to end (read -> JSON + tables) on one core
  - bare jieba.lcut (Python jieba) and rjieba.cut over the same text
  - JioNLP extract_time + extract_money (when jionlp is installed)
  - one plain regex pass (the floor)
plus cold start (import + rules + dictionary, in a fresh interpreter), peak RSS, and the
--jobs 2 scaling on a 2,000-article batch. Prints one table and writes bench/results.json.

usage: python bench/speed.py [--runs 3] [--mb 5] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_corpus(shared: Path, megabytes: float) -> list[str]:
    sources = sorted((shared / "corpus" / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8-sig") for p in sources]
    rng = random.Random(7)
    corpus: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        for text in texts:
            varied = re.sub(r"\d", lambda m: str(rng.randint(0, 9)), text)
            corpus.append(varied)
            size += len(varied.encode())
    return corpus


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def measure_pipeline(articles: list[str], runs: int, jobs: int = 1) -> list[float]:
    from pipeline.batch import process
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for index, text in enumerate(articles):
            (folder / f"a{index:06d}.txt").write_text(text, encoding="utf-8")
        return timed(lambda: process([folder], Path(tmp) / f"out{time.perf_counter_ns()}", jobs=jobs), runs)


def measure_cold_start() -> float:
    # import + every rules file compiled + the dictionary loaded: one short article end to end
    code = "from pipeline import extract; extract('2月3日，大兴区总工会主席郭金江发放慰问金3万元。')"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - start


def row(name: str, chars: int, times: list[float]) -> dict:
    rates = [chars / t for t in times]
    return {"name": name, "median_chars_per_s": statistics.median(rates), "min": min(rates), "max": max(rates)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--skip-scaling", action="store_true")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus" / "articles").is_dir():
        print(f"skipped: {args.shared}/corpus/articles not found")
        return 0
    articles = build_corpus(args.shared, args.mb)
    joined = "\n".join(articles)
    chars = len(joined)
    results = [row("pipeline end to end (1 core)", chars, measure_pipeline(articles, args.runs))]

    import rjieba
    results.append(row("rjieba.cut", chars, timed(lambda: rjieba.cut(joined), args.runs)))
    try:
        import jieba
        jieba.initialize()
        results.append(row("jieba.lcut (Python)", chars, timed(lambda: jieba.lcut(joined), args.runs)))
    except ImportError:
        print("jieba not installed: pip install '.[bench]' for the anchor")
    try:
        import jionlp
        sample = articles[: max(1, len(articles) // 10)]  # JioNLP is slow: a tenth, rate scaled
        sample_chars = sum(map(len, sample))
        results.append(row("JioNLP extract_time+extract_money (1/10 sample)", sample_chars, timed(
            lambda: [(jionlp.ner.extract_time(t, time_base=0), jionlp.ner.extract_money(t)) for t in sample], args.runs)))
    except ImportError:
        print("jionlp not installed: pip install '.[bench]' for the peer")
    pattern = re.compile(r"\d+(?:\.\d+)?[万亿]?[元人名个]")
    results.append(row("plain regex pass (floor)", chars, timed(lambda: pattern.findall(joined), args.runs)))

    extra = {"corpus_chars": chars, "articles": len(articles), "cold_start_s": measure_cold_start(),
             "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if not args.skip_scaling:
        batch = (articles * (2000 // len(articles) + 1))[:2000]
        batch_chars = sum(map(len, batch))
        one = statistics.median(measure_pipeline(batch, 1, jobs=1))
        two = statistics.median(measure_pipeline(batch, 1, jobs=2))
        extra.update({"jobs1_chars_per_s": batch_chars / one, "jobs2_chars_per_s": batch_chars / two, "jobs2_speedup": one / two})

    print(f"{'what':52s} {'median chars/s':>15s} {'min-max':>23s}")
    for r in results:
        print(f"{r['name']:52s} {r['median_chars_per_s']:15,.0f} {r['min']:11,.0f}-{r['max']:<11,.0f}")
    for key, value in extra.items():
        print(f"{key:52s} {value:15,.2f}")
    (ROOT / "bench" / "results.json").write_text(json.dumps({"speed": results, **extra}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
