"""Exact-span NER accuracy of people.py / orgs.py next to the jieba anchor.

usage: python bench/ner.py [--limit N] [--shared PATH] [--learn]

--learn derives vocabulary from cluener_train.jsonl (never the dev file) and writes it to rules/:
character counts of given names (rules/people_given_chars.tsv), and the words annotated as positions
(rules/people_titles_learned.tsv) or as organizations, government bodies or companies, with the type
they are annotated with most (rules/orgs_names_learned.tsv), often enough, and in enough of the places
they are written, to be trusted. Only statistics and words are written, never sentences.

Reads ../shared/benchmarks/ner (or --shared/benchmarks/ner): People's Daily test (PER) and
CLUENER dev (name, position, organization+government). CLUENER's organization and government
are scored against our organizations of kind organization or government (Organization.kind, see
rules/orgs_kinds.yaml); our kind company is CLUENER's company, which this task does not count.
Each sentence becomes one Document with one body paragraph. The anchor is the segmenter's own tag
(nr for people, nt for organizations).
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

from pipeline.clean import match_view  # noqa: E402
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


# Organization.kind -> CLUENER: company -> company (not scored here); government -> government;
# organization -> organization. CLUENER's organization+government task scores the last two together.
ORG_KINDS_SCORED = ("government", "organization")


def fold(text: str) -> str:
    """The view the pipeline matches on (pipeline.clean.match_view), so the bench measures what runs."""
    return match_view(text)[0]


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
    return {(m.start, m.end) for o in doc.organizations if o.kind in ORG_KINDS_SCORED for m in o.mentions}


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


def learn_given_chars(root: Path, out: Path) -> int:
    """Count each character in the given names of cluener_train (after a known surname), as the surname,
    and in all text.

    A row is written for every character seen in a given name or seen 20+ times in text, so the
    model knows both name characters and the common characters that rarely name anyone.
    """
    from collections import Counter

    from pipeline.rules import load_words

    surnames = load_words("people_surnames.txt")
    singles, compounds = {s for s in surnames if len(s) == 1}, {s for s in surnames if len(s) == 2}
    given: Counter[str] = Counter()
    surname: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for rec in map(json.loads, (root / "cluener_train.jsonl").read_text(encoding="utf-8").splitlines()):
        seen.update(ch for ch in rec["text"] if "\u4e00" <= ch <= "\u9fff")
        for ent in rec["entities"]:
            name = ent["text"]
            if ent["type"] != "name" or not 2 <= len(name) <= 4:
                continue
            sur = 2 if name[:2] in compounds and len(name) >= 3 else 1 if name[0] in singles else 0
            if sur and 1 <= len(name) - sur <= 2:
                given.update(name[sur:])
                if sur == 1:
                    surname[name[0]] += 1
    rows = sorted((ch for ch in seen if given[ch] or surname[ch] or seen[ch] >= 20),
                  key=lambda ch: (-given[ch], -surname[ch], -seen[ch], ch))
    lines = ["# Given-name characters learned from cluener_train by `python bench/ner.py --learn`: do not edit.",
             "# char<TAB>times in a given name (after a surname)<TAB>times as the surname<TAB>times in all text"]
    lines += [f"{ch}\t{given[ch]}\t{surname[ch]}\t{seen[ch]}" for ch in rows]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


LEARNED_MIN_COUNT = 2  # a word must be annotated this often in cluener_train
LEARNED_MIN_SHARE = 0.6  # and in this share of all the places it is written there


def learn_words(root: Path, types: set[str], out: Path, what: str, skip=frozenset(), labelled: bool = False) -> int:
    """Words annotated with one of types in cluener_train, with how often they are annotated and
    how often they are written at all; kept when both counts say the word is that kind of entity
    (and the word is not in skip). labelled: a second column holds the type the word is annotated
    with most often (ties: the first in sorted order)."""
    from collections import Counter

    records = [json.loads(line) for line in (root / "cluener_train.jsonl").read_text(encoding="utf-8").splitlines()]
    annotated: Counter[str] = Counter(e["text"] for rec in records for e in rec["entities"] if e["type"] in types)
    labels: dict[str, Counter[str]] = {}
    for ent in (e for rec in records for e in rec["entities"] if e["type"] in types):
        labels.setdefault(ent["text"], Counter())[ent["type"]] += 1
    corpus = "\n".join(rec["text"] for rec in records)
    rows = []
    for word, n in annotated.items():
        written = corpus.count(word)
        if (n >= LEARNED_MIN_COUNT and len(word) >= 2 and n / written >= LEARNED_MIN_SHARE and "\t" not in word
                and word not in skip):
            label = min(labels[word].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            rows.append((word + "\t" + label if labelled else word, n, written))
    rows.sort(key=lambda r: (-r[1], r[0]))
    lines = [f"# {what} learned from cluener_train by `python bench/ner.py --learn`: do not edit.",
             f"# kept: annotated >= {LEARNED_MIN_COUNT} times and in >= {LEARNED_MIN_SHARE:.0%} of the places written",
             "# word<TAB>" + ("type annotated most often<TAB>" if labelled else "") + "times annotated<TAB>times written"]
    lines += [f"{w}\t{n}\t{t}" for w, n, t in rows]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def speed(root: Path, limit: int | None) -> tuple[float, float]:
    """Characters per second of the whole recognizer (segment + orgs + people) and of bare rjieba.tag."""
    import rjieba

    from pipeline.segment import load_user_dictionary

    texts = [json.loads(line)["text"] for line in (root / "cluener_dev.jsonl").read_text(encoding="utf-8").splitlines()[:limit]]
    chars = sum(map(len, texts))
    load_user_dictionary()
    t0 = time.perf_counter()
    for text in texts:
        rjieba.tag(text)
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text in texts:
        recognize(text)
    ours = time.perf_counter() - t0
    return chars / ours, chars / bare


def corpus_speed(shared: Path, runs: int = 5) -> float | None:
    """Characters per second of recognize_people alone (organizations, places, titles, people) over
    the articles of shared/corpus, cleaned and segmented beforehand; the best of runs, in CPU time."""
    from pipeline.clean import clean

    paths = sorted((shared / "corpus" / "articles").glob("*.txt"))
    if not paths:
        return None
    docs = []
    for path in paths:
        doc = Document(article_id=path.stem, source=str(path), raw=path.read_text(encoding="utf-8-sig"))
        docs.append(segment(clean(doc)))
    chars = sum(len(doc.text) for doc in docs)
    best = float("inf")
    for _ in range(runs):  # CPU time of this process: other work on the machine does not count
        t0 = time.process_time()
        for doc in docs:
            doc.organizations, doc.locations, doc.people, doc.roles = [], [], [], []
            recognize_people(doc)
        best = min(best, time.process_time() - t0)
    return chars / best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--limit", type=int, default=None, help="sentences per file (default: all)")
    ap.add_argument("--learn", action="store_true", help="derive rules/ vocabulary from cluener_train, then stop")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    root = args.shared / "benchmarks" / "ner"
    if not root.is_dir():
        log.info("skipped: %s is absent", root)
        return 0
    if args.learn:
        from pipeline.rules import load_words

        rules = Path(__file__).resolve().parent.parent / "rules"
        log.info("rules/people_given_chars.tsv: %d characters", learn_given_chars(root, rules / "people_given_chars.tsv"))
        log.info("rules/people_titles_learned.tsv: %d words", learn_words(
            root, {"position"}, rules / "people_titles_learned.tsv", "Positions (job titles and roles)"))
        places = set(load_words("places.txt"))  # 罗马, 利物浦 name clubs there; here they stay places
        log.info("rules/orgs_names_learned.tsv: %d words", learn_words(
            root, {"organization", "government", "company"}, rules / "orgs_names_learned.tsv",
            "Organizations, government bodies and companies (with their kind)", skip=places, labelled=True))
        return 0
    rows = run(root, args.limit)
    print(f"{'data':20s} {'task':26s} {'P':>6s} {'R':>6s} {'F1':>6s}  {'anchor F1':>9s}  {'target':>6s}")
    for row in rows:
        p, r, f = row["ours"]
        anchor_f1 = f"{row['anchor'][2]:.3f}" if row["anchor"] else "-"
        mark = "ok" if f >= row["target"] else "below"
        print(f"{row['data']:20s} {row['task']:26s} {p:6.3f} {r:6.3f} {f:6.3f}  {anchor_f1:>9s}  {row['target']:6.2f} {mark}")
    ours, bare = speed(root, args.limit)
    print(f"speed on cluener_dev: segment + recognize_people {ours:,.0f} chars/s, bare rjieba.tag {bare:,.0f} chars/s")
    corpus = corpus_speed(args.shared)
    if corpus is not None:
        print(f"speed on corpus/articles (segmented, CPU time): recognize_people {corpus:,.0f} chars/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
