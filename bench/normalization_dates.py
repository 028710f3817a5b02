"""Date normalization accuracy against peer suites and the dev gold.

Reads ../shared/benchmarks/normalization/ (Recognizers-Text, JioNLP, Duckling date cases) and
../shared/eval/gold + ../shared/corpus (dev gold dates). Skips cleanly when they are absent.

    .venv/bin/python bench/normalization_dates.py [--misses SUITE]

`SUITES = {name: callable -> (correct, total)}` is imported by bench/normalization.py.

Scope: expectations at day granularity or coarser (dates, date ranges, holidays). Times of
day, datetimes, durations and sets are out of scope and not counted. A case is correct when
one of our facts overlapping the expected span (anywhere in the text for parse cases) has a
start equal to the expected start and an end equal to the expected end, or to it minus one
day (Recognizers and Duckling ends are exclusive). Open-ended expectations (before/after)
compare the given bound only. Any candidate reading may match (past or future).

Columns: correct/total over the scored spans; skipped = spans judged wrong in the suite or
out of the pipeline's scope (the classes below), never silently dropped; JioNLP = the share
JioNLP 1.5 gets on the same scored spans in the same run (left out when not importable).

Cases judged wrong in the suite itself (skipped, listed with the reason):
- Recognizers gives lunar festivals as if the lunar month/day were solar (中秋节 ->
  2017-08-15, 春节 -> 2018-01-01, 除夕 -> 12-31, 正月三十 / 大年三十 -> 01-30,
  农历2015年十月初一 -> 2015-10-01): we return the solar day; skipped (`LUNAR_AS_SOLAR`).
- Recognizers "2010年至2018年" / "5月-10月" ranges end at the *start* of the last year or
  month (2018-01-01, 10-01): we end at 2018-12-31 / 10-31; such cases compare the start only.
- Readings. Each suite is run with the reading its authors wrote it for, passed explicitly
  (`find_dates(..., reading=)`, pipeline/dates.py READINGS): Recognizers lists past and future
  readings, so the pipeline's own "news" reading is scored; Duckling's corpus resolves forward
  from its "now" (三月一号 on 2013-02-12 -> 2013-03-01, 星期一 -> the coming Monday, 元旦 -> 2014),
  scored with "future"; JioNLP takes the reference's own year and month (30日 on 06-14 ->
  06-30), scored with "reference", or "future" where the case sets ret_future. The pipeline
  itself always reads news backward.
- Duckling 下周三 / 这周一 said on Tuesday 2013-02-12 -> 02-13 / 02-18: Duckling takes the
  next such weekday; in Chinese 下周三 is next week's Wednesday (02-20) and 这周一 this week's
  Monday (02-11); skipped (`DUCKLING_NEXT_WEEKDAY`).
- Duckling starts Hebrew-calendar holidays on their eve (a Jewish day begins at sunset:
  赎罪日 2013 -> 09-13, 光明节 2018 -> 12-02..12-10); we give the holiday's own days (09-14,
  12-03..12-10). Such cases (a festival of calendar "hebrew" in rules/dates.yaml) are scored
  against Duckling's start plus one day, its end as given (`_hebrew_eve`).
- Duckling zh_TW 国庆 -> 10-10 (Taiwan's national day): a locale convention; skipped.
- Recognizers era years (康熙三年, 神龙元年, 民国三年) and years before 1000 (789年,
  三六七年): out of scope for news; skipped.
- Relative durations read as ranges (近三年, 近 三 年, 过去十年, 前1周, 上2个月, 未来两天, 5天前,
  前两天, 上两周, 下三个月, 三年后, 七年半后, 两个半月前): durations, not dates, for this pipeline
  (GOLD.md: 前两天 and 近年来 are not listed); skipped (`DURATION_LIKE`) in every suite.
- JioNLP conventions that differ from ours on purpose (`JIONLP_CONVENTION`, skipped):
  年底/年末 = November-December (19年底, 年底, 次年年末 -> 11-01..12-31): ours is December, as
  rules/dates.yaml period_suffixes says, and the dev gold agrees; 月初 = days 1-5 and 月底 =
  the last week (本月初 -> 06-01..06-05, 2018年10月底 -> 10-25..10-31, 十二月月底): ours are
  上旬/下旬 (1-10, 21-31); 伊始 = January only (二零二二年伊始): ours is 年初 (January-
  February); a Chinese-numeral day without 日 read as lunar (二月十五 -> 03-27, 去年八月十五 ->
  中秋): ours is the solar day, as Recognizers reads 两千年八月十五; 2023年大年三十 = the eve
  that ends lunar year 2023 (2024-02-09): ours is the 大年三十 falling in 2023; a list of days
  read as one span (9月10号，11号，12号，13号 -> 09-10..09-13): ours is one day per item.
- JioNLP cases judged wrong (`JIONLP_WRONG`, skipped): 腊月18 -> 2022-01-03..01-31 (a month-
  long span for one day) and 10月8号 with ret_future on 2021-09-01 -> 2022-10-08 (2021-10-08
  is still ahead).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.clean import match_view  # noqa: E402
from pipeline.dates import find_dates, load_rules  # noqa: E402
from pipeline.model import ReferenceDate  # noqa: E402
from pipeline.reference import resolve_reference  # noqa: E402

SHARED = ROOT.parent / "shared"
NORMALIZATION = SHARED / "benchmarks" / "normalization"
GOLD = SHARED / "eval" / "gold"
CORPUS = SHARED / "corpus"

INVALID_DATE = "0001-01-01"
IN_SCOPE_KINDS = {"date", "date_range", "time_point", "time_span"}
LUNAR_AS_SOLAR = re.compile(r"中秋|春节|除夕|元宵|端午|重阳|七夕|农历|正月|大年|初[一二三四五六七八九十]|腊月")
ERA_YEARS = re.compile(r"康熙|雍正|乾隆|神龙|民国|^[^0-9]*[0-9]{3}年|三六七年")
_N = "(?<![0-9])(?:[0-9]{1,2}|[一二两兩三四五六七八九十几]{1,3})(?![0-9])"
_N2 = "(?<![0-9])(?:[0-9]{1,2}|[二两兩三四五六七八九十几][一二两兩三四五六七八九十几]{0,2})(?![0-9])"  # not 一: 上一周 is one week
DURATION_LIKE = re.compile(
    rf"(?:近|过去|過去|未来|未來|最近|(?<![年月的度])(?:前|后|後|上|下)){_N2}\s?[个個]?(?:天|日|周|週|星期|礼拜|禮拜|月|年)"
    rf"|(?:近|过去|過去|未来|未來|最近)\s?{_N}\s?[个個]?(?:天|日|周|週|星期|礼拜|禮拜|月|年)"
    rf"|(?<![月年])(?<![月年] ){_N}\s?[个個]?半?[个個]?(?:天|日|周|週|星期|礼拜|禮拜|月|年)半?(?:之)?(?:前|后|後)(?!半)")
JIONLP_CONVENTION = re.compile(r"^(?:19年底|年底|次年年末|本月初|2018年10月底|十二月月底|二零二二年伊始|二月十五|去年八月十五"
                               r"|2023年大年三十|9月10号，11号，12号，13号)$")
JIONLP_WRONG = re.compile(r"^(?:腊月18|10月8号)$")
# Duckling reads 下/这 + weekday as the next such day (下周三 on a Tuesday -> the next day,
# 这周一 -> next week's Monday); in Chinese they name next week's / this week's day.
DUCKLING_NEXT_WEEKDAY = re.compile(r"^(?:下|这|這|今个|今個)(?:周|週|礼拜|禮拜|星期)[一二三四五六日天]$")


def fold_width(text: str) -> str:
    """The view the pipeline matches on (pipeline.clean.match_view), so the bench measures what runs."""
    return match_view(text)[0]


def _day(value: str | None) -> date | None:
    if value in (None, "", "inf", "-inf", "not resolved"):
        return None
    try:
        return datetime.fromisoformat(value[:19].replace(" ", "T")).date() if len(value) > 10 else date.fromisoformat(value)
    except ValueError:
        return None


def _reference(value: str | None) -> ReferenceDate:
    if not value:
        return ReferenceDate()
    day = _day(value[:10]) if len(value) >= 10 else None
    if day is None:
        return ReferenceDate(date(int(value[:4]), 1, 1), "given", None, "year") if value[:4].isdigit() else ReferenceDate()
    return ReferenceDate(day, "given", None, "day")


def _ends_match(ours: str | None, expected_end: date | None) -> bool:
    if expected_end is None:
        return True
    mine = _day(ours)
    return mine is not None and (mine == expected_end or mine == expected_end - timedelta(days=1))


def _fact_matches(fact, candidate: dict, compare_end: bool) -> bool:
    if candidate.get("start") == INVALID_DATE:  # Recognizers' mark of an impossible date (2月30日)
        return fact.value_start is None
    start, end = _day(candidate.get("start")), _day(candidate.get("end"))
    if start is None and end is None:
        return False
    if start is not None and _day(fact.value_start) != start:
        return False
    if start is None:  # open start (before X): our end or start at X
        return _ends_match(fact.value_end, end) or _day(fact.value_start) == end
    return not compare_end or _ends_match(fact.value_end, end)


@dataclass
class Found:
    """A date a system found: its span in the text (or None) and inclusive ISO days."""
    start: int | None
    end: int | None
    text: str
    value_start: str | None
    value_end: str | None


def ours(case: dict, text: str, reading: str) -> list[Found]:
    facts = find_dates(text, _reference(case.get("reference_date")), reading)
    return [Found(f.start, f.end, f.text, f.value_start, f.value_end) for f in facts]


def _score_cases(path: Path, select: Callable, predict: Callable = ours) -> tuple[int, int, int, list]:
    """Score every in-scope expected span; (correct, total, skipped, misses).

    select(case, span) -> None when out of scope, "skip" when judged wrong in the suite (see the
    header), else (parse, compare_end, reading). predict(case, text, reading) -> [Found].
    """
    correct = total = skipped = 0
    misses = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        for span in case.get("expected", []):
            how = select(case, span)
            if how is None:
                continue
            if how == "skip":
                skipped += 1
                continue
            text = fold_width(case["text"])
            facts = predict(case, text, how.reading)
            if not how.whole_text and "start_char" in span:
                lo, hi = span["start_char"], span["end_char"] + 1
                facts = [f for f in facts if f.start is None or (f.start < hi and f.end > lo)]
            values = how.values
            ok = any(_fact_matches(f, v, how.compare_end) for f in facts for v in values if isinstance(v, dict))
            total += 1
            correct += ok
            if not ok:
                misses.append((case["id"], case["text"], case.get("reference_date"), values[:2],
                               [(f.text, f.value_start, f.value_end) for f in facts]))
    return correct, total, skipped, misses


@dataclass
class Scope:
    """How one expected span is scored: whole text or its span, compare the end, the reading."""
    whole_text: bool
    compare_end: bool
    reading: str
    values: list


def _recognizers_select(case: dict, span: dict) -> Scope | str | None:
    if span.get("type") not in ("date", "daterange") and case["kind"] not in ("date", "date_range"):
        return None
    if span.get("type") not in (None, "date", "daterange"):
        return None
    values = span.get("value") or []
    if not any(isinstance(v, dict) and (v.get("start") or v.get("end")) not in (None, "not resolved") for v in values):
        return None
    if any(v.get("type") in ("time", "datetime", "timerange", "datetimerange", "duration", "set") for v in values):
        return None
    text = span.get("text", "")
    if LUNAR_AS_SOLAR.search(text) or ERA_YEARS.search(text) or DURATION_LIKE.search(text):
        return "skip"
    range_at_start = bool(re.search(r"[年月]\s?(?:至|到|-|–)|[0-9]\s?(?:至|到|-|–)\s?[0-9]{4}|和.*之间|与.*间|之后.*之前", text))
    return Scope(case["task"] == "parse", not range_at_start, "news", values)


def _jionlp_select(case: dict, span: dict) -> Scope | str | None:
    if case["kind"] not in ("time_point", "time_span") or not isinstance(span.get("value"), dict):
        return None
    value = span["value"]
    start, end = value.get("start", ""), value.get("end", "")
    if not (start.endswith("00:00:00") and end.endswith("23:59:59")):
        return None  # a time of day: out of scope
    options = case.get("options") or {}
    if set(options) - {"ret_future", "lunar_date"} or case.get("reference_date") is None or case.get("reference_partial"):
        return None
    if LUNAR_AS_SOLAR.search(case["text"]) is None and DURATION_LIKE.search(case["text"]):
        return "skip"
    if JIONLP_CONVENTION.match(case["text"]) or (JIONLP_WRONG.match(case["text"]) and _jionlp_wrong(case, value)):
        return "skip"
    return Scope(True, True, "future" if options.get("ret_future") else "reference", [value])


def _jionlp_wrong(case: dict, value: dict) -> bool:
    """The two judged-wrong cases exactly as listed (another 10月8号 case may be right)."""
    return (case["text"] == "腊月18" and value["start"].startswith("2022-01-03")) or \
        (case["text"] == "10月8号" and value["start"].startswith("2022-10-08"))


def _duckling_select(case: dict, span: dict) -> Scope | str | None:
    value = span.get("value")
    if not isinstance(value, dict) or case["kind"] not in ("datetime", "datetime_range"):
        return None
    grain = value.get("grain")
    if grain not in ("day", "month", "year", "quarter", "week"):
        return None
    if DURATION_LIKE.search(case["text"]) or DUCKLING_NEXT_WEEKDAY.match(case["text"]):
        return "skip"
    if case.get("locale") == "zh_TW" and re.search("国庆|國慶", case["text"]):
        return "skip"  # Taiwan's 国庆 (10-10) under the zh_TW locale; we read mainland news
    if value.get("type") == "value":
        start = _day(value["value"])
        if start is None:
            return None
        start += _hebrew_eve(case["text"])
        end = {"day": start, "week": start + timedelta(days=6), "month": _month_last(start),
               "quarter": _month_last(date(start.year, start.month + 2, 1)) if start.month <= 10 else start,
               "year": date(start.year, 12, 31)}[grain]
        converted = {"start": start.isoformat(), "end": end.isoformat()}
    else:
        start = _day(value.get("start"))
        start = start + _hebrew_eve(case["text"]) if start else None
        converted = {"start": start.isoformat() if start else None, "end": (value.get("end") or "")[:10] or None}
    return Scope(True, True, "future", [converted])


def _hebrew_eve(text: str) -> timedelta:
    """One day when the text names a Hebrew-calendar holiday: Duckling starts those on the eve
    (赎罪日 2013 -> 09-13, the evening it begins); we give the holiday's own day (09-14)."""
    names = [name for name, fest in load_rules().festivals.items() if fest["calendar"] == "hebrew"]
    return timedelta(days=1) if any(name in fold_variants(text) for name in names) else timedelta(0)


def fold_variants(text: str) -> str:
    table, _ = load_rules().fold
    return text.translate(table)


def _month_last(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


# ---------------------------------------------------------------------------------- JioNLP peer

def jionlp_predictor() -> Callable | None:
    """JioNLP as a peer column: extract_time over the text, plus parse_time of the whole text
    for parse cases (the better of its two entry points), given the case's reference as a
    [y, m, d, H, M, S] time base (so no time zone is involved) and ret_future when the case
    asks for it. None when jionlp is not installed."""
    os.environ.setdefault("TZ", "Asia/Shanghai")
    if hasattr(time, "tzset"):
        time.tzset()
    logging.getLogger("jionlp").setLevel(logging.ERROR)
    try:
        import jionlp  # noqa: PLC0415
    except ImportError:
        return None

    def predict(case: dict, text: str, reading: str) -> list[Found]:
        ref = case.get("reference_date")
        base = [int(x) for x in re.findall(r"[0-9]+", ref[:19])][:6] if ref else None
        kwargs = {"time_base": base} if base else {}
        if reading == "future":
            kwargs["ret_future"] = True
        if (case.get("options") or {}).get("lunar_date") is False:
            kwargs["lunar_date"] = False
        found = []
        logging.disable(logging.ERROR)  # JioNLP logs a traceback at ERROR for every string it gives up on
        try:
            for item in jionlp.ner.extract_time(text, with_parsing=True, **kwargs):
                found.extend(_jionlp_found(item.get("detail") or {}, item["text"], *item["offset"]))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as err:  # its failures on odd input
            logging.debug("jionlp extract_time(%r): %s", text, err)
        if case["task"] == "parse":
            try:
                found.extend(_jionlp_found(jionlp.parse_time(text, **kwargs), text, None, None))
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
                logging.debug("jionlp parse_time(%r): %s", text, err)
        logging.disable(logging.NOTSET)
        return found
    return predict


def _jionlp_found(detail: dict, text: str, start: int | None, end: int | None) -> list[Found]:
    if detail.get("type") not in ("time_point", "time_span") or not isinstance(detail.get("time"), list):
        return []
    lo, hi = detail["time"][:2]
    return [Found(start, end, text, lo[:10] if _day(lo) else None, hi[:10] if _day(hi) else None)]


def _suite(file: str, select) -> Callable[[], tuple[int, int]]:
    def run(predict: Callable = ours) -> tuple[int, int]:
        path = NORMALIZATION / file
        if not path.exists():
            return 0, 0
        correct, total, _, _ = _score_cases(path, select, predict)
        return correct, total
    run.file = file
    run.select = select
    return run


def dev_gold() -> tuple[int, int, int, int]:
    """(matched gold, gold, good predictions, predictions) over the dev gold, scorer's rule."""
    matched = n_gold = good = n_pred = 0
    manifest = {}
    for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        manifest[Path(row["file"]).name] = row.get("publish_date")
    for gpath in sorted(GOLD.glob("*.json")):
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        facts = _article_dates(gold["article"], manifest)
        pvals = [{"start": f.value_start, "end": f.value_end} for f in facts if f.value_start]
        gdates = [d for d in gold["dates"] if d.get("start")]
        matched += sum(any(_date_match(v, g) for v in pvals) for g in gdates)
        good += sum(any(_date_match(v, g) for g in gdates) for v in pvals)
        n_gold += len(gdates)
        n_pred += len(pvals)
    return matched, n_gold, good, n_pred


def _article_dates(name: str, manifest: dict):
    raw = (CORPUS / "articles" / name).read_text(encoding="utf-8-sig")
    text = fold_width(raw)
    publish = manifest.get(name)
    reference = resolve_reference(text, date.fromisoformat(publish) if publish else None)
    return find_dates(text, reference)


def _date_match(pred: dict, gold: dict) -> bool:
    """The scorer's rule (../shared/eval/score.py date_match)."""
    if not pred or not gold.get("start"):
        return False
    if gold.get("granularity") == "period":
        return (pred.get("start") or "")[:4] == gold["start"][:4]
    return pred.get("start") == gold["start"] and pred.get("end") == gold["end"]


SUITES: dict[str, Callable[[], tuple[int, int]]] = {
    "dates: recognizers_datetime_zh": _suite("recognizers_datetime_zh.jsonl", _recognizers_select),
    "dates: recognizers_datetime_parsers_zh": _suite("recognizers_datetime_parsers_zh.jsonl", _recognizers_select),
    "dates: jionlp_time": _suite("jionlp_time.jsonl", _jionlp_select),
    "dates: duckling_time_zh": _suite("duckling_time_zh.jsonl", _duckling_select),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--misses", metavar="SUITE", help="print the missed cases of the suite whose name contains this")
    ap.add_argument("--no-jionlp", action="store_true", help="leave out the JioNLP peer column")
    args = ap.parse_args(argv)
    if not NORMALIZATION.exists():
        print(f"skipped: {NORMALIZATION} not found")
        return 0
    peer = None if args.no_jionlp else jionlp_predictor()
    if peer is None and not args.no_jionlp:
        print("JioNLP column skipped: jionlp is not importable (pip install -e '.[bench]')")
    print(f"{'suite':45s} {'correct':>8s} {'total':>6s} {'share':>7s} {'skipped':>8s} {'JioNLP':>7s}")
    for name, run in SUITES.items():
        path = NORMALIZATION / run.file
        correct, total, skipped, misses = _score_cases(path, run.select)
        share = f"{correct / total:.1%}" if total else "-"
        peer_share = "-"
        if peer is not None and total:
            peer_share = f"{_score_cases(path, run.select, peer)[0] / total:.1%}"
        print(f"{name:45s} {correct:8d} {total:6d} {share:>7s} {skipped:8d} {peer_share:>7s}")
        if args.misses and args.misses in name:
            for miss in misses:
                print("   MISS", *miss)
    if GOLD.exists():
        matched, n_gold, good, n_pred = dev_gold()
        p = good / n_pred if n_pred else 0.0
        r = matched / n_gold if n_gold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"dev gold dates: P={p:.3f} ({good}/{n_pred}) R={r:.3f} ({matched}/{n_gold}) F1={f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
