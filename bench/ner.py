"""Exact-span NER accuracy of people.py / orgs.py next to the jieba anchor.

usage: python bench/ner.py [--limit N] [--shared PATH]

Reads ../shared/benchmarks/ner (or --shared/benchmarks/ner): People's Daily test (PER) and
CLUENER dev (name, position, organization+government). Each sentence becomes one Document with one
body paragraph. The anchor is the segmenter's own tag (nr for people, nt for organizations).
Prints a table; exits 0 and says so when the shared data is absent.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.model import Document, Paragraph  # noqa: E402
from pipeline.people import recognize_people  # noqa: E402
from pipeline.segment import segment  # noqa: E402

log = logging.getLogger("bench.ner")

TASKS = [
    # file, task name, gold types, what we predict, anchor POS tags, target F1
    ("peoples_daily_test.jsonl", "person", {"PER"}, "people", ("nr",), 0.80),
    ("cluener_dev.jsonl", "name", {"name"}, "people", ("nr",), 0.70),
    ("cluener_dev.jsonl", "position", {"position"}, "roles", None, 0.75),
    ("cluener_dev.jsonl", "organization+government", {"organization", "government"}, "orgs", ("nt",), 0.60),
]


def fold(text: str) -> str:
    """Full-width ASCII and the ideographic space to half-width, one character for one."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else " " if c == "\u3000" else c for c in text)


def recognize(text: str) -> Document:
    doc = Document(article_id="bench", source="bench", raw=text, text=text, match_text=fold(text))
    doc.paragraphs = [Paragraph(0, len(text), "body")]
    return recognize_people(segment(doc))


def predicted(doc: Document, what: str) -> set[tuple[int, int]]:
    if what == "people":
        return {(m.start, m.end) for p in doc.people for m in p.mentions}
    if what == "roles":
        roles = [r for p in doc.people for r in p.roles] + doc.roles
        return {(r.start, r.end) for r in roles if r.end > r.start}
    return {(m.start, m.end) for o in doc.organizations for m in o.mentions}


def anchor(doc: Document, tags: tuple[str, ...] | None) -> set[tuple[int, int]]:
    if tags is None:
        return set()
    return {(t.start, t.end) for t in doc.tokens if t.pos in tags}


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def run(root: Path, limit: int | None) -> list[dict]:
    rows = []
    cache: dict[str, list[tuple[dict, Document]]] = {}
    for fname, task, types, what, tags, target in TASKS:
        path = root / fname
        if fname not in cache:
            lines = path.read_text(encoding="utf-8").splitlines()[:limit]
            t0 = time.perf_counter()
            cache[fname] = [(rec, recognize(rec["text"])) for rec in map(json.loads, lines)]
            log.info("%s: %d sentences in %.1fs", fname, len(lines), time.perf_counter() - t0)
        ours = [0, 0, 0]
        base = [0, 0, 0]
        for rec, doc in cache[fname]:
            gold = {(e["start"], e["end"]) for e in rec["entities"] if e["type"] in types}
            for counts, pred in ((ours, predicted(doc, what)), (base, anchor(doc, tags))):
                counts[0] += len(pred & gold)
                counts[1] += len(pred)
                counts[2] += len(gold)
        rows.append({"data": fname.removesuffix(".jsonl"), "task": task, "ours": prf(*ours),
                     "anchor": prf(*base) if tags else None, "target": target})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--limit", type=int, default=None, help="sentences per file (default: all)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    root = args.shared / "benchmarks" / "ner"
    if not root.is_dir():
        log.info("skipped: %s is absent", root)
        return 0
    rows = run(root, args.limit)
    print(f"{'data':20s} {'task':26s} {'P':>6s} {'R':>6s} {'F1':>6s}  {'anchor F1':>9s}  {'target':>6s}")
    for row in rows:
        p, r, f = row["ours"]
        anchor_f1 = f"{row['anchor'][2]:.3f}" if row["anchor"] else "-"
        mark = "ok" if f >= row["target"] else "below"
        print(f"{row['data']:20s} {row['task']:26s} {p:6.3f} {r:6.3f} {f:6.3f}  {anchor_f1:>9s}  {row['target']:6.2f} {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
