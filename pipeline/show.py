"""Inspect one article JSON: the text with its facts highlighted (terminal via rich, or an HTML
page with every piece of article text escaped), followed by the facts as tables."""
from __future__ import annotations

import html
from pathlib import Path

KIND_STYLE = {"figure": "bold yellow", "date": "bold cyan", "person": "bold magenta", "org": "bold green",
              "location": "green", "trigger": "underline red"}
KIND_COLOR = {"figure": "#ffe58a", "date": "#9be7ff", "person": "#f5b3ff", "org": "#b7f5b0",
              "location": "#d9f7d4", "trigger": "#ffc2c2"}


def highlights(article: dict) -> list[tuple[int, int, str, str]]:
    """Non-overlapping (start, end, kind, label) spans, longest first where they collide."""
    spans = [(f["start"], f["end"], "figure", f"{f['value']:g} {f['unit']} {f['qualifier']}") for f in article["figures"]]
    spans += [(d["start"], d["end"], "date", _date_label(d)) for d in article["dates"]]
    spans += [(m["start"], m["end"], "person", p["id"]) for p in article["people"] for m in p["mentions"]]
    spans += [(m["start"], m["end"], "org", o["id"]) for o in article["organizations"] for m in o["mentions"]]
    spans += [(m["start"], m["end"], "location", o["id"]) for o in article["locations"] for m in o["mentions"]]
    spans += [(e["trigger"]["start"], e["trigger"]["end"], "trigger", f"{e['id']} {e['type']}") for e in article["events"]]
    chosen: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if not taken.intersection(range(span[0], span[1])):
            chosen.append(span)
            taken.update(range(span[0], span[1]))
    return sorted(chosen)


def _date_label(d: dict) -> str:
    value = d["value"]
    return f"{value['start']}..{value['end']}" if value else f"unresolved: {d.get('reason')}"


def fact_rows(article: dict) -> dict[str, list[list[str]]]:
    return {
        "figures": [[f["id"], f["text"], f"{f['value']:g}", "" if f["value_max"] is None else f"{f['value_max']:g}",
                     f["qualifier"], f["unit"], f["kind"], f.get("currency") or "", f.get("subject") or ""] for f in article["figures"]],
        "dates": [[d["id"], d["text"], _date_label(d), d["granularity"]] for d in article["dates"]],
        "people": [[p["id"], p["name"], "; ".join(f"{r['title']}@{r.get('org') or ''}" for r in p["roles"])] for p in article["people"]],
        "organizations": [[o["id"], o["name"], "; ".join(o.get("aliases", []))] for o in article["organizations"]],
        "events": [[e["id"], e["type"], e["trigger"]["text"], e["date"] or "", ", ".join(e["actors"]),
                    ", ".join(e["figures"]), ", ".join(e.get("carried", []))] for e in article["events"]],
    }


HEADERS = {"figures": ["id", "text", "value", "value_max", "qualifier", "unit", "kind", "currency", "subject"],
           "dates": ["id", "text", "value", "granularity"], "people": ["id", "name", "roles"],
           "organizations": ["id", "name", "aliases"],
           "events": ["id", "type", "trigger", "date", "actors", "figures", "carried"]}


def show_terminal(article: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    text = Text(article["text"])
    for start, end, kind, _ in highlights(article):
        text.stylize(KIND_STYLE[kind], start, end)
    console.rule(f"{article['article_id']} — {article.get('title') or ''}")
    console.print(text)
    for name, rows in fact_rows(article).items():
        table = Table(title=name, show_lines=False)
        for header in HEADERS[name]:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        console.print(table)


def render_html(article: dict) -> str:
    """A self-contained page; all article text is escaped (a <script> in an article stays text)."""
    text = article["text"]
    parts, cursor = [], 0
    for start, end, kind, label in highlights(article):
        parts.append(html.escape(text[cursor:start]))
        parts.append(f'<mark class="{kind}" title="{html.escape(label, quote=True)}">{html.escape(text[start:end])}'
                     f'<span class="tag">{kind}</span></mark>')
        cursor = end
    parts.append(html.escape(text[cursor:]))
    body = "".join(parts).replace("\n", "<br>\n")
    tables = "".join(_html_table(name, rows) for name, rows in fact_rows(article).items())
    styles = "".join(f"mark.{k}{{background:{c}}}" for k, c in KIND_COLOR.items())
    title = html.escape(article.get("title") or article["article_id"])
    return (f"<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{title}</title><style>"
            "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.8}"
            "mark{padding:0 .1em;border-radius:3px}.tag{font-size:.6em;vertical-align:super;color:#555;margin-left:.1em}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em}"
            f"{styles}</style></head><body><h1>{title}</h1><article id=\"text\">{body}</article>{tables}</body></html>\n")


def _html_table(name: str, rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADERS[name])
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<h2>{html.escape(name)}</h2><table id=\"{name}\"><tr>{head}</tr>{cells}</table>"


def write_html(article: dict, path: Path) -> Path:
    path.write_text(render_html(article), encoding="utf-8")
    return path
