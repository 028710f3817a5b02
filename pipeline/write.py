"""Write: the Document as the article dict of the schema, and atomic JSON files.

Key order is fixed by construction, ids are deterministic (kind prefix + position in text),
so the same input and rules give byte-identical JSON.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .model import Document, Mention

SCHEMA_VERSION = "1"


def assign_ids(doc: Document) -> None:
    """Ids in text order: fig-1, date-1, per-1, org-1, loc-1 (events get theirs after linking)."""
    for prefix, facts in (("fig", doc.figures), ("date", doc.dates)):
        facts.sort(key=lambda f: (f.start, f.end))
        for index, fact in enumerate(facts, 1):
            fact.id = f"{prefix}-{index}"
    for prefix, entities in (("per", doc.people), ("org", doc.organizations), ("loc", doc.locations)):
        entities.sort(key=lambda e: (min((m.start for m in e.mentions), default=0), e.name))
        for index, entity in enumerate(entities, 1):
            entity.id = f"{prefix}-{index}"


def assign_event_ids(doc: Document) -> None:
    doc.events.sort(key=lambda e: (e.trigger.start, e.trigger.end))
    for index, event in enumerate(doc.events, 1):
        event.id = f"evt-{index}"


def _span(start: int, end: int, text: str) -> dict:
    return {"text": text, "start": start, "end": end}


def _mention(m: Mention) -> dict:
    return _span(m.start, m.end, m.text)


def to_article(doc: Document) -> dict:
    ref = doc.reference
    byline = doc.byline
    return {
        "schema_version": SCHEMA_VERSION,
        "article_id": doc.article_id,
        "source": doc.source,
        "title": doc.title,
        "text": doc.text,
        "paragraphs": [{"start": p.start, "end": p.end, "kind": p.kind} for p in doc.paragraphs],
        "cleaning": doc.cleaning,
        "reference_date": {
            "value": ref.value.isoformat() if ref.value else None,
            "basis": ref.basis,
            "evidence": ref.evidence,
            "granularity": ref.granularity,
        },
        "byline": {
            "reporters": list(byline.reporters),
            "labels": list(byline.labels),
            "outlet": byline.outlet,
            "span": _span(byline.start, byline.end, doc.text[byline.start:byline.end]) if byline.start is not None else None,
        },
        "people": [_person(p) for p in doc.people],
        "organizations": [_entity(o) for o in doc.organizations],
        "locations": [_entity(o) for o in doc.locations],
        "roles": [{"title": r.title, "org": r.org, "span": _span(r.start, r.end, r.text), "rule": r.rule} for r in doc.roles],
        "dates": [_date(d) for d in doc.dates],
        "figures": [_figure(f) for f in doc.figures],
        "events": [_event(e, doc.text) for e in doc.events],
    }


def _person(p) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "roles": [{"title": r.title, "org": r.org, "span": _span(r.start, r.end, r.text), "rule": r.rule} for r in p.roles],
        "mentions": [_mention(m) for m in p.mentions],
        "rule": p.rule,
    }


def _entity(o) -> dict:
    return {"id": o.id, "name": o.name, "kind": o.kind, "aliases": list(o.aliases),
            "mentions": [_mention(m) for m in o.mentions]}


def _date(d) -> dict:
    value = {"start": d.value_start, "end": d.value_end} if d.value_start else None
    return {"id": d.id, "text": d.text, "start": d.start, "end": d.end, "value": value,
            "granularity": d.granularity, "kind": d.kind, "rule": d.rule, "reason": d.reason}


def _figure(f) -> dict:
    return {"id": f.id, "text": f.text, "start": f.start, "end": f.end, "value": f.value, "value_max": f.value_max,
            "qualifier": f.qualifier, "unit": f.unit, "kind": f.kind, "currency": f.currency, "subject": f.subject,
            "scope": f.scope, "rule": f.rule}


def _event(e, text: str) -> dict:
    start, end = e.sentence
    return {"id": e.id, "type": e.type, "trigger": _mention(e.trigger),
            "sentence": _span(start, end, text[start:end]), "date": e.date_id, "actors": e.actors,
            "targets": e.targets, "figures": e.figure_ids, "location": e.location, "carried": e.carried, "rule": e.rule}


def dumps(article: dict) -> str:
    """Compact JSON (the C encoder; indenting costs ~10x). Read it with `newsfacts show` or jq."""
    return json.dumps(article, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_atomic(path: Path, content: str) -> None:
    """Temp file + rename in the same folder: a killed run never leaves a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
