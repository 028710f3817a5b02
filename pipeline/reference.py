"""The article's reference date: the day its year-less and relative dates resolve against.

In order of trust:
  given     the caller's date (CLI option, manifest publish_date)
  metadata  the article's own publish line or dateline: a first line that is a date
            (2007-7-26), 发布时间：2021-02-10, 《人民日报》（2025年01月27日第 11 版）, or a
            dateline without a year (新华社北京3月1日电, 中新浙江网7月24日电, 央视网消息……今天（7月12日）)
            whose year is the latest year the article names
  inferred  only the year: the year the article names most often (the latest on a tie),
            granularity "year" (then 昨天/今天 stay unresolved, 2月3日 takes that year)
  none      nothing to go on

The patterns and words are in rules/dates_reference.yaml.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import lru_cache

from .model import ReferenceDate
from .rules import expand_fragments, load_yaml

RULES_FILE = "dates_reference.yaml"


@lru_cache(maxsize=1)
def _patterns() -> dict:
    """Compile rules/dates_reference.yaml once; patterns may use its {fragments}."""
    spec = load_yaml(RULES_FILE)
    compiled: dict = {"head_chars": int(spec["head_chars"]), "target_prefixes": tuple(spec["target_prefixes"]),
                     "target_exceptions": tuple(spec["target_exceptions"])}
    for group in ("full_date_lines", "datelines", "year_mentions"):
        named = {f"{group}_{i}": p for i, p in enumerate(spec[group])}
        expanded = expand_fragments({**spec["fragments"], **named}, RULES_FILE)
        compiled[group] = [re.compile(expanded[name]) for name in named]
    return compiled


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _mentioned_years(text: str) -> list[tuple[int, str]]:
    """(year the article may speak from, span text) for every four-digit year it names.

    Targets (到2035年) are left out; a year named as over (2023年底) stands for the year after.
    """
    patterns = _patterns()
    found = []
    for pattern in patterns["year_mentions"]:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 4):m.start()]
            if before.endswith(patterns["target_prefixes"]) and not before.endswith(patterns["target_exceptions"]):
                continue
            year = int(m.group("year")) + (1 if m.group("after") else 0)
            found.append((year, m.group(0)))
    return found


def resolve_reference(text: str, given: date | None = None, given_basis: str = "given") -> ReferenceDate:
    """The reference date of an article (`text` folded to half-width)."""
    if given is not None:
        return ReferenceDate(given, given_basis, None, "day")
    patterns = _patterns()
    head = text[: patterns["head_chars"]]
    for pattern in patterns["full_date_lines"]:
        m = pattern.search(head)
        if m:
            day = _valid(int(m.group("year")), int(m.group("month")), int(m.group("day")))
            if day is not None:
                return ReferenceDate(day, "metadata", m.group(0).strip(), "day")
    years = _mentioned_years(text)
    for pattern in patterns["datelines"]:
        m = pattern.search(head)
        if m and years:
            year = max(y for y, _ in years)
            day = _valid(year, int(m.group("month")), int(m.group("day")))
            if day is not None:
                return ReferenceDate(day, "metadata", m.group(0).strip(), "day")
    years = [(y, span) for y, span in years if not span.endswith(("底", "末"))] or years
    if years:
        counts = Counter(y for y, _ in years)
        year = max(counts, key=lambda y: (counts[y], y))
        evidence = next(span for y, span in years if y == year)
        return ReferenceDate(date(year, 1, 1), "inferred", evidence, "year")
    return ReferenceDate()
