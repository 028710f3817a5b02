#!/usr/bin/env python3
"""Accuracy of our number / money / percent normalization against the peer suites.

usage: .venv/bin/python bench/normalization.py [--shared ../shared] [--gold] [--failures FILE]

Reads ../shared/benchmarks/normalization/*.jsonl (README there gives the formats) and prints
one table: suite, cases, ours %, peer %. Skips cleanly when the folder is absent.
With --gold it also runs find_figures over ../shared/corpus/articles and scores the figures
against the dev gold (figures F1 by (value, value_max), money F1, qualifier agreement).

Registry: SUITES maps a suite name to Suite(file, run). `run(cases)` returns a SuiteResult
with one bool per scored case for us and (when the peer is importable) for the peer.
bench/normalization_dates.py, when present, exposes SUITES = {name: callable() -> (correct,
total)} (it reads its own files); its suites are merged into the table with no peer column.

Matching (ours and peers alike):
  * extract+normalize suites: a case is correct when every expected value is produced by
    some extracted span (values compared to 1e-6 relative) and, for a negative case, nothing
    of that kind is extracted. Extra spans are not penalized (as in the README's anchor).
  * parse suites: the whole text is the expression; the value (and value_max for ranges,
    the currency where the suite names one) must agree.
  * money values are compared in the main unit (Duckling's Cent 25 = 0.25).

Cases we judge wrong or outside our contract in the suites themselves (scored, not dropped):
  * recognizers_number_zh "两百点两" / "一点两小时的会议": the suite splits 两百点两 into 200 and 2;
    we read 200.2 (点 as the decimal point). "1, 234, 567" is three numbers there; we agree.
  * recognizers_number_zh "一美元", "两美刀", "苹果折扣一美元", "苹果折扣一折", "这台电脑两美刀": the
    number model expects nothing inside a currency or discount expression; find_numbers is the
    layer below figures and finds the numeral (figures then read it as money or percent).
  * recognizers_number_zh "陽光九九是食物品牌": a brand name; no rule short of a brand list knows it.
  * recognizers_number_zh / duckling_number_zh "一对"/"五雙"/"一百对": the two suites disagree
    (Duckling 一对 = 2, Recognizers 一百对 = 100).
  * recognizers_percent_zh "7 2 折": digits separated by a space are two numbers for us.
  * recognizers_percent_zh "二三十个百分点", "二三十個百分點", "百分之二三十": the suite expects
    nothing, yet the text states 20-30 (percentage points); we read the range.
  * recognizers_percent_zh "五百分之2.2": 2.2/500 is 0.44 %; the suite expects nothing.
  * recognizers_percent_zh "5-20%": the suite expects only 20%; we read the range 5–20 %, and the
    extract scorer counts both bounds of a range as produced values.
  * recognizers_currency_zh "$20，300美圆": the full-width comma between digits is read as a
    thousands separator (1，234 = 1234 in scraped news); the suite reads two prices.
  * jionlp_money "八到九百亿泰铢" expects min 8亿 (8e8) while "八百到九百亿" gives 8e10: the
    shared multiplier is ambiguous; we follow the suite's rule (strip the big unit).
  * jionlp_money "几十万块", "数十亿元" expect [10万, 100万): we give the lower bound with
    qualifier "over" (as 十几万 and the dev gold's 余/多), which the scorer accepts.
Known gaps (not judged wrong): "2222.2222.22222.222" (dotted runs), "...9".
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.figures import find_figures, parse_money  # noqa: E402
from pipeline.numbers import find_numbers, fold_expression, parse_number  # noqa: E402

log = logging.getLogger("bench.normalization")

try:  # the peer; optional (pyproject extra "bench")
    import jionlp as jio  # type: ignore
except ImportError:  # pragma: no cover - depends on the machine
    jio = None
try:
    import cn2an  # type: ignore
except ImportError:  # pragma: no cover
    cn2an = None

ISO = {"元": "CNY", "人民币": "CNY", "美元": "USD", "港元": "HKD", "港币": "HKD", "日元": "JPY", "欧元": "EUR",
       "英镑": "GBP", "新台币": "TWD", "台币": "TWD", "泰铢": "THB", "卢布": "RUB", "韩元": "KRW", "澳元": "AUD"}
DUCKLING_CURRENCY = {"CNY": "CNY", "HKD": "HKD", "Dollar": None, "Cent": None}


@dataclass
class SuiteResult:
    ours: list[bool]
    peer: list[bool] | None = None
    failures: list[str] = field(default_factory=list)


@dataclass
class Suite:
    file: str
    run: Callable[[list[dict]], SuiteResult]


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-6)


# ------------------------------------------------------------------ numbers


def _number_values(text: str) -> list[float]:
    return [n.value for n in find_numbers(fold_expression(text)) if not n.bare]


def _run_extract(cases: list[dict], values_of) -> SuiteResult:
    """Every expected value found among ours; a negative case (nothing expected) finds nothing."""
    res = SuiteResult([])
    for case in cases:
        got = values_of(case["text"])
        want = [e["value"] for e in case["expected"] if e.get("value") is not None]
        ok = all(any(close(g, w) for g in got) for w in want) and (bool(want) or not got)
        res.ours.append(ok)
        if not ok:
            res.failures.append(f"{case['text'][:50]!r} want {want} got {got}")
    return res


def run_extract_numbers(cases: list[dict]) -> SuiteResult:
    return _run_extract(cases, _number_values)


def _peer_parse_number(text: str):
    if cn2an is None:
        return None
    try:
        return cn2an.cn2an(text, "smart")
    except ValueError:
        return None


def run_parse_numbers(cases: list[dict]) -> SuiteResult:
    res = SuiteResult([], [] if cn2an else None)
    for case in cases:
        text = case["text"]
        if case.get("kind") == "ordinal":
            text = text.removeprefix("第")
        want = case["expected"][0]["value"] if case["expected"] else None
        got = parse_number(text)
        ok = close(got, want)
        res.ours.append(ok)
        if not ok:
            res.failures.append(f"{case['text']!r} want {want} got {got}")
        if res.peer is not None:
            res.peer.append(close(_peer_parse_number(text), want))
    return res


def run_cn2an(cases: list[dict]) -> SuiteResult:
    return run_parse_numbers([c for c in cases if c.get("task") == "cn2an" and c.get("kind") == "number"])


# ------------------------------------------------------------------ percent


def _percent_values(text: str) -> list[float]:
    """Values of the percent figures; a range (5-20%) produces both of its bounds."""
    figs = [f for f in find_figures(fold_expression(text)) if f.kind == "percent" or f.unit == "个百分点"]
    return [f.value for f in figs] + [f.value_max for f in figs if f.value_max is not None]


def run_extract_percent(cases: list[dict]) -> SuiteResult:
    return _run_extract(cases, _percent_values)


# ------------------------------------------------------------------ money


def run_extract_currency(cases: list[dict]) -> SuiteResult:
    res = SuiteResult([], [] if jio else None)
    for case in cases:
        want = [e for e in case["expected"] if e.get("value") is not None]
        if not want and any(e.get("value") is None for e in case["expected"]):
            continue  # bare currency words (人民币 美元) carry no amount: not scored
        got = [f for f in find_figures(fold_expression(case["text"])) if f.kind == "money"]
        ok = all(any(close(g.value, w["value"]) and (not w.get("currency") or g.currency == w["currency"]) for g in got)
                 for w in want) and (bool(want) or not got)
        res.ours.append(ok)
        if not ok:
            res.failures.append(f"{case['text'][:50]!r} want {[(w['value'], w.get('currency')) for w in want]} "
                                f"got {[(g.value, g.currency) for g in got]}")
        if res.peer is not None:
            peer = [p for p in jio.ner.extract_money(case["text"], with_parsing=True)]
            vals = [float(p["detail"]["num"]) for p in peer if isinstance(p.get("detail", {}).get("num"), str)]
            res.peer.append(all(any(close(v, w["value"]) for v in vals) for w in want) and (bool(want) or not peer))
    return res


def _money_expectation(e: dict) -> tuple[float | None, float | None, str]:
    """(value, value_max, how) in the main unit from a Duckling or JioNLP expectation."""
    v = e["value"]
    scale = 0.01 if e.get("unit") == "Cent" else 1.0
    if isinstance(v, dict):
        lo, hi = v.get("min"), v.get("max")
        lo = None if lo is None else lo * scale
        hi = None if hi is None else hi * scale
        if lo is not None and hi is not None:
            return lo, hi, "range"
        return (lo, None, "min") if lo is not None else (hi, None, "max")
    return v * scale, None, "exact"


def _money_ok(got: dict | None, e: dict) -> bool:
    if got is None:
        return False
    lo, hi, how = _money_expectation(e)
    if how == "range":
        if close(got["value"], lo) and close(got["value_max"], hi):
            return True
        # a vague amount (3000多 -> [3000, 4000], 十几 -> [10, 20]) matches on its lower bound
        return got["value_max"] is None and got["qualifier"] in ("over", "approx") and close(got["value"], lo)
    if not close(got["value"], lo):
        return False
    currency = ISO.get(e.get("currency_name", "")) or DUCKLING_CURRENCY.get(e.get("unit", ""))
    return currency is None or got["currency"] == currency


def _peer_money(text: str) -> dict | None:
    try:
        p = jio.parse_money(text)
    except Exception as exc:  # the peer raises on input it cannot read; that is a miss, logged
        log.debug("jionlp.parse_money(%r) raised %s", text, exc)
        return None
    num = p.get("num")
    if isinstance(num, list):
        return {"value": float(num[0]), "value_max": float(num[1]), "currency": ISO.get(p.get("case")), "qualifier": "range"}
    return {"value": float(num), "value_max": None, "currency": ISO.get(p.get("case")), "qualifier": "exact"}


def run_parse_money(cases: list[dict]) -> SuiteResult:
    res = SuiteResult([], [] if jio else None)
    for case in cases:
        if case.get("task") == "extraction":
            want = sorted(fold_expression(e["text"]).replace(" ", "") for e in case["expected"])
            got = sorted(f.text.replace(" ", "") for f in find_figures(fold_expression(case["text"])) if f.kind == "money")
            ok = all(any(w in g or g in w for g in got) for w in want) and (bool(want) or not got)
            res.ours.append(ok)
            if not ok:
                res.failures.append(f"{case['text'][:50]!r} want {want} got {got}")
            if res.peer is not None:
                peer = [fold_expression(p["text"]).replace(" ", "") for p in jio.ner.extract_money(case["text"])]
                res.peer.append(all(any(w in g or g in w for g in peer) for w in want) and (bool(want) or not peer))
            continue
        e = case["expected"][0]
        got = parse_money(case["text"])
        ok = _money_ok(got, e)
        res.ours.append(ok)
        if not ok:
            res.failures.append(f"{case['text']!r} want {e['value']} {e.get('unit') or e.get('currency_name')} got {got}")
        if res.peer is not None:
            res.peer.append(_money_ok(_peer_money(case["text"]), e))
    return res


SUITES: dict[str, Suite] = {
    "recognizers_number_zh": Suite("recognizers_number_zh.jsonl", run_extract_numbers),
    "recognizers_percent_zh": Suite("recognizers_percent_zh.jsonl", run_extract_percent),
    "recognizers_currency_zh": Suite("recognizers_currency_zh.jsonl", run_extract_currency),
    "duckling_number_zh": Suite("duckling_number_zh.jsonl", run_parse_numbers),
    "duckling_money_zh": Suite("duckling_money_zh.jsonl", run_parse_money),
    "jionlp_money": Suite("jionlp_money.jsonl", run_parse_money),
    "cn2an (number)": Suite("cn2an.jsonl", run_cn2an),
}

try:  # the dates engineer's suites, same shape
    from bench.normalization_dates import SUITES as DATE_SUITES  # type: ignore
except ImportError:
    DATE_SUITES = {}


# ------------------------------------------------------------------ dev gold


def score_gold(shared: Path) -> None:
    gold_dir, articles = shared / "eval" / "gold", shared / "corpus" / "articles"
    if not gold_dir.is_dir():
        print(f"no dev gold at {gold_dir}: skipped")
        return
    tp = n_pred = n_gold = mtp = m_pred = m_gold = qual_ok = matched = 0
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = fold_expression((articles / gold["article"]).read_text(encoding="utf-8"))
        figs = find_figures(text)
        key = lambda v, m: (round(float(v), 4), None if m is None else round(float(m), 4))  # noqa: E731
        pred = {key(f.value, f.value_max): f for f in figs}
        want = {key(g["value"], g.get("value_max")): g for g in gold["figures"]}
        hit = set(pred) & set(want)
        tp, n_pred, n_gold = tp + len(hit), n_pred + len(pred), n_gold + len(want)
        pm = {k for k, f in pred.items() if f.kind == "money"}
        gm = {k for k, g in want.items() if g["kind"] == "money"}
        mtp, m_pred, m_gold = mtp + len(pm & gm), m_pred + len(pm), m_gold + len(gm)
        for k in hit:
            matched += 1
            qual_ok += pred[k].qualifier == want[k]["qualifier"]
        for k in sorted(set(want) - set(pred), key=str):
            print(f"  miss {gold['article']}: {want[k]['text']} {k}")
        for k in sorted(set(pred) - set(want), key=str):
            print(f"  extra {gold['article']}: {pred[k].text} {k} {pred[k].rule}")

    def f1(t, p, g):
        pr, rc = (t / p if p else 0.0), (t / g if g else 0.0)
        return 2 * pr * rc / (pr + rc) if pr + rc else 0.0

    print(f"figures F1 {f1(tp, n_pred, n_gold):.3f} (tp {tp} pred {n_pred} gold {n_gold}); "
          f"money F1 {f1(mtp, m_pred, m_gold):.3f}; qualifiers {qual_ok / matched if matched else 0:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--gold", action="store_true", help="also score figures on the dev gold")
    ap.add_argument("--failures", type=Path, help="write our failing cases here")
    args = ap.parse_args(argv)
    folder = args.shared / "benchmarks" / "normalization"
    if not folder.is_dir():
        print(f"benchmark folder {folder} is absent: nothing to measure (pass --shared)")
        return 0
    rows: list[tuple] = []
    failures: list[str] = []
    for name, run_dates in DATE_SUITES.items():
        correct, total = run_dates()
        rows.append((name, total, 100.0 * correct / total if total else None, None))
    for name, suite in SUITES.items():
        path = folder / suite.file
        if not path.exists():
            rows.append((name, 0, None, None))
            continue
        cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        res = suite.run(cases)
        pct = lambda xs: None if not xs else 100.0 * sum(xs) / len(xs)  # noqa: E731
        rows.append((name, len(res.ours), pct(res.ours), pct(res.peer) if res.peer is not None else None))
        failures += [f"[{name}] {f}" for f in res.failures]
    print(f"{'suite':28} {'cases':>6} {'ours %':>8} {'peer %':>8}")
    for name, n, ours, peer in rows:
        fmt = lambda x: "-" if x is None else f"{x:.1f}"  # noqa: E731
        print(f"{name:28} {n:>6} {fmt(ours):>8} {fmt(peer):>8}")
    print("peer: JioNLP for money, cn2an (smart) for parse-number suites;"
          f" jionlp {'present' if jio else 'not installed'}")
    if args.failures:
        args.failures.write_text("\n".join(failures) + "\n", encoding="utf-8")
    if args.gold:
        score_gold(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
