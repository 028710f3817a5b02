"""Tables: tidy rows (one per fact) from article dicts, written as CSV and Parquet.

Joins: every table has `article_id`; figures.event_id -> events.event_id; events.date_id ->
dates.date_id; events.actor_ids hold people.person_id / organization ids of the same article.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .write import write_atomic

TABLE_COLUMNS: dict[str, list[str]] = {
    "events": ["article_id", "event_id", "type", "trigger", "date_id", "date_text", "date_start", "date_end",
               "date_granularity", "actors", "actor_ids", "targets", "location", "figure_ids", "money_cny",
               "carried", "sentence"],
    "figures": ["article_id", "figure_id", "event_id", "event_type", "text", "value", "value_max", "qualifier",
                "unit", "kind", "currency", "subject", "scope", "start", "end", "rule"],
    "people": ["article_id", "person_id", "name", "title", "org", "mentions"],
    "dates": ["article_id", "date_id", "text", "date_start", "date_end", "granularity", "kind", "start", "end"],
}


_FIGURE_FIELDS = ("text", "value", "value_max", "qualifier", "unit", "kind", "currency", "subject", "scope",
                  "start", "end", "rule")  # copied from the article's figure as they are


def article_rows(article: dict) -> dict[str, list[dict]]:
    """The rows one article contributes to each table."""
    aid = article["article_id"]
    dates = {d["id"]: d for d in article["dates"]}
    names = {e["id"]: e["name"] for e in article["people"] + article["organizations"] + article["locations"]}
    figures = {f["id"]: f for f in article["figures"]}
    event_of = {fid: e for e in article["events"] for fid in e["figures"]}
    rows: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    for event in article["events"]:
        rows["events"].append(_event_row(aid, event, dates, names, figures))
    for fig in article["figures"]:
        event = event_of.get(fig["id"])
        row = {"article_id": aid, "figure_id": fig["id"], "event_id": event["id"] if event else None,
               "event_type": event["type"] if event else None}
        row.update(zip(_FIGURE_FIELDS, map(fig.get, _FIGURE_FIELDS)))
        rows["figures"].append(row)
    for person in article["people"]:
        roles = person["roles"] or [{"title": None, "org": None}]
        for role in roles:
            rows["people"].append({"article_id": aid, "person_id": person["id"], "name": person["name"],
                                   "title": role["title"], "org": role.get("org"), "mentions": len(person["mentions"])})
    for d in article["dates"]:
        value = d["value"] or {}
        rows["dates"].append({"article_id": aid, "date_id": d["id"], "text": d["text"],
                              "date_start": value.get("start"), "date_end": value.get("end"),
                              "granularity": d["granularity"], "kind": d.get("kind"), "start": d["start"], "end": d["end"]})
    return rows


def _event_row(aid: str, event: dict, dates: dict, names: dict, figures: dict) -> dict:
    date = dates.get(event["date"]) or {}
    value = date.get("value") or {}
    total = sum(f["value"] for f in map(figures.get, event["figures"]) if f is not None and f["kind"] == "money"
                and f.get("currency") == "CNY" and f.get("scope", "total") == "total" and f["qualifier"] != "range")
    return {
        "article_id": aid, "event_id": event["id"], "type": event["type"], "trigger": event["trigger"]["text"],
        "date_id": event["date"], "date_text": date.get("text"), "date_start": value.get("start"),
        "date_end": value.get("end"), "date_granularity": date.get("granularity"),
        "actors": "; ".join(names.get(a, a) for a in event["actors"]), "actor_ids": "; ".join(event["actors"]),
        "targets": "; ".join(names.get(t, t) for t in event["targets"]), "location": names.get(event.get("location"), event.get("location")),
        "figure_ids": "; ".join(event["figures"]), "money_cny": total or None,
        "carried": "; ".join(event.get("carried", [])), "sentence": event["sentence"]["text"],
    }


class TableWriter:
    """Collects rows article by article; writes every table as CSV and Parquet at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}

    def add(self, rows: dict[str, list[dict]]) -> None:
        for name, table_rows in rows.items():
            self.rows[name].extend(table_rows)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: _frame(name, rows) for name, rows in self.rows.items()}

    def write(self, out_dir: Path, formats: tuple[str, ...] = ("csv", "parquet"),
              partition_size: int | None = None) -> None:
        """CSV files and Parquet files; with partition_size, each Parquet table is a folder
        dataset (<name>.parquet/part-00000.parquet ...) of that many articles per file."""
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, frame in self.frames().items():
            if "csv" in formats:
                write_atomic(out_dir / f"{name}.csv", frame.to_csv(index=False))
            if "parquet" in formats:
                _write_parquet(frame, out_dir / f"{name}.parquet", partition_size)


def _write_parquet(frame: pd.DataFrame, target: Path, partition_size: int | None) -> None:
    import shutil
    tmp = target.with_name(f".{target.name}.tmp")
    if tmp.is_dir():
        shutil.rmtree(tmp)
    if partition_size is None:
        frame.to_parquet(tmp, index=False)
    else:
        tmp.mkdir()
        articles = sorted(frame["article_id"].unique())
        for number, first in enumerate(range(0, max(len(articles), 1), partition_size)):
            chunk = frame[frame["article_id"].isin(articles[first:first + partition_size])]
            chunk.to_parquet(tmp / f"part-{number:05d}.parquet", index=False)
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    tmp.replace(target)


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS[name])
    sort_keys = [c for c in ("article_id", TABLE_COLUMNS[name][1]) if c in frame.columns]
    frame = frame.sort_values(sort_keys, key=_natural_key, kind="stable").reset_index(drop=True)
    for column in ("value", "value_max", "money_cny"):
        if column in frame.columns:
            frame[column] = frame[column].astype("float64")
    return frame


def _natural_key(column: pd.Series) -> pd.Series:
    """evt-10 sorts after evt-9: each distinct value's rank in natural order (ints sort fast)."""
    ranked = sorted(column.dropna().unique(), key=_natural_parts)
    return column.map({value: rank for rank, value in enumerate(ranked)})


def _natural_parts(value) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in str(value).replace("-", " - ").split())


def rebuild_tables(out_dir: Path, formats: tuple[str, ...] = ("csv", "parquet")) -> TableWriter:
    """`newsfacts table OUT_DIR`: tables again from the per-article JSON."""
    writer = TableWriter()
    for path in sorted((out_dir / "articles").glob("*.json")):
        writer.add(article_rows(json.loads(path.read_text(encoding="utf-8"))))
    writer.write(out_dir, formats)
    return writer
