"""Validate an output folder: every article JSON against the schema, every span against the
text, and the tables' joins (figures.event_id -> events, events.date_id -> dates)."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jsonschema
import pandas as pd


@lru_cache(maxsize=1)
def article_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(resources.files("pipeline").joinpath("schema/article.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def article_problems(article: dict) -> list[str]:
    """Schema violations and spans whose text is not text[start:end]."""
    problems = [f"schema: {e.json_path}: {e.message}" for e in article_validator().iter_errors(article)]
    text = article.get("text", "")
    for where, span in _spans(article):
        if text[span["start"]:span["end"]] != span["text"]:
            problems.append(f"span {where}: text[{span['start']}:{span['end']}] != {span['text']!r}")
    return problems


def _spans(article: dict):
    for key in ("dates", "figures"):
        for fact in article.get(key, []):
            yield f"{key}/{fact['id']}", fact
    for person in article.get("people", []):
        for mention in person["mentions"]:
            yield f"people/{person['id']}", mention
        for role in person["roles"]:
            if "span" in role:
                yield f"people/{person['id']}/role", role["span"]
    for key in ("organizations", "locations"):
        for entity in article.get(key, []):
            for mention in entity["mentions"]:
                yield f"{key}/{entity['id']}", mention
    for event in article.get("events", []):
        yield f"events/{event['id']}/trigger", event["trigger"]
        yield f"events/{event['id']}/sentence", event["sentence"]
    if article.get("byline", {}).get("span"):
        yield "byline", article["byline"]["span"]


def validate_output(out_dir: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted((out_dir / "articles").glob("*.json")):
        problems += [f"{path.name}: {p}" for p in article_problems(json.loads(path.read_text(encoding="utf-8")))]
    problems += table_join_problems(out_dir)
    return problems


def table_join_problems(out_dir: Path) -> list[str]:
    try:
        events = pd.read_csv(out_dir / "events.csv", dtype=str)
        figures = pd.read_csv(out_dir / "figures.csv", dtype=str)
        dates = pd.read_csv(out_dir / "dates.csv", dtype=str)
    except FileNotFoundError as exc:
        return [f"table missing: {exc.filename}"]
    problems = []
    event_keys = set(zip(events.article_id, events.event_id))
    date_keys = set(zip(dates.article_id, dates.date_id))
    for row in figures.dropna(subset=["event_id"]).itertuples():
        if (row.article_id, row.event_id) not in event_keys:
            problems.append(f"figures.csv: {row.article_id}/{row.figure_id} points to missing event {row.event_id}")
    for row in events.dropna(subset=["date_id"]).itertuples():
        if (row.article_id, row.date_id) not in date_keys:
            problems.append(f"events.csv: {row.article_id}/{row.event_id} points to missing date {row.date_id}")
    return problems
