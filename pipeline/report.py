"""`newsfacts report OUT_DIR`: a self-contained HTML (and Markdown) report of a batch.

Money totals by actor and by event type (only total-scope CNY amounts, never ranges or per-unit
amounts, so nothing is double counted), events by month, people and titles, the 20 largest
money figures with their sentences, and charts embedded as PNG data URIs (no network needed).
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass
class ReportData:
    money_by_actor: pd.DataFrame
    money_by_type: pd.DataFrame
    events_by_month: pd.DataFrame
    people: pd.DataFrame
    largest: pd.DataFrame
    articles: int


def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for name in ("events", "figures", "people", "dates"):
        parquet, csv = out_dir / f"{name}.parquet", out_dir / f"{name}.csv"
        tables[name] = pd.read_parquet(parquet) if parquet.exists() else pd.read_csv(csv)
    return tables


def summarize(tables: dict[str, pd.DataFrame]) -> ReportData:
    events, figures, people = tables["events"], tables["figures"], tables["people"]
    paid = events.dropna(subset=["money_cny"])
    by_actor = (paid.assign(actor=paid["actors"].fillna("").replace("", "(no actor)"))
                .groupby("actor", as_index=False)["money_cny"].sum().sort_values("money_cny", ascending=False))
    by_type = paid.groupby("type", as_index=False)["money_cny"].sum().sort_values("money_cny", ascending=False)
    dated = events.dropna(subset=["date_start"])
    by_month = (dated.assign(month=dated["date_start"].str[:7]).groupby("month", as_index=False)
                .size().rename(columns={"size": "events"}).sort_values("month"))
    titles = (people.dropna(subset=["title"]).groupby(["name", "article_id"], as_index=False)
              .agg(titles=("title", lambda s: "、".join(dict.fromkeys(s))),
                   orgs=("org", lambda s: "、".join(dict.fromkeys(x for x in s if isinstance(x, str))))))
    money = figures[(figures["kind"] == "money")]
    largest = (money.merge(events[["article_id", "event_id", "sentence", "type"]], on=["article_id", "event_id"], how="left")
               .sort_values("value", ascending=False).head(20))
    return ReportData(by_actor, by_type, by_month, titles, largest, events["article_id"].nunique())


def _chart(frame: pd.DataFrame, x: str, y: str, title: str) -> str:
    """A bar chart as a PNG data URI; empty string when there is nothing to draw."""
    if frame.empty:
        return ""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if any(k in f.name for k in ("CJK", "Hei", "WenQuanYi", "Sans SC"))]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    labels = [str(v) if cjk or str(v).isascii() else f"#{i + 1}" for i, v in enumerate(frame[x])]
    ax.bar(labels, frame[y], color="#4a7bb7")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=30, labelsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _html_table(frame: pd.DataFrame, element_id: str) -> str:
    return frame.to_html(index=False, escape=True, table_id=element_id, float_format=lambda v: f"{v:,.2f}", na_rep="")


def render_html(data: ReportData) -> str:
    sections = [
        ("Money by actor (CNY, total-scope amounts)", "money_by_actor", data.money_by_actor,
         _chart(data.money_by_actor.head(12), "actor", "money_cny", "CNY by actor")),
        ("Money by event type (CNY)", "money_by_type", data.money_by_type,
         _chart(data.money_by_type, "type", "money_cny", "CNY by event type")),
        ("Events by month", "events_by_month", data.events_by_month,
         _chart(data.events_by_month, "month", "events", "events per month")),
        ("People and titles", "people", data.people, ""),
        ("20 largest money figures", "largest", data.largest[["article_id", "text", "value", "currency", "qualifier",
                                                               "scope", "type", "sentence"]], ""),
    ]
    body = [f"<h1>newsfacts report</h1><p>{data.articles} articles with events.</p>"]
    for title, element_id, frame, chart in sections:
        body.append(f"<h2>{html.escape(title)}</h2>")
        if chart:
            body.append(f'<img alt="{html.escape(title)}" src="{chart}">')
        body.append(_html_table(frame, element_id))
    return ("<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>newsfacts report</title><style>"
            "body{font-family:sans-serif;max-width:70em;margin:2em auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def render_markdown(data: ReportData) -> str:
    parts = ["# newsfacts report", "", f"{data.articles} articles with events.", ""]
    for title, frame in (("Money by actor (CNY)", data.money_by_actor), ("Money by event type (CNY)", data.money_by_type),
                         ("Events by month", data.events_by_month), ("People and titles", data.people),
                         ("20 largest money figures", data.largest[["article_id", "text", "value", "type", "sentence"]])):
        parts += [f"## {title}", "", frame.to_markdown(index=False) if _has_tabulate() else frame.to_string(index=False), ""]
    return "\n".join(parts)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401  (pandas.to_markdown needs it)
    except ImportError:
        return False
    return True


def write_report(out_dir: Path) -> tuple[Path, Path]:
    data = summarize(load_tables(out_dir))
    html_path, md_path = out_dir / "report.html", out_dir / "report.md"
    html_path.write_text(render_html(data), encoding="utf-8")
    md_path.write_text(render_markdown(data), encoding="utf-8")
    return html_path, md_path
