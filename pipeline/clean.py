"""Clean: raw article text in, cleaned text + paragraphs + an audit log out.

What it does, each step logged in `doc.cleaning`:
- line ends normalized; inline HTML (<p>, <br>, <strong>) and Markdown markers (#, >) removed;
- every line classified: title, subtitle, lead, byline (incl. publish lines), heading, caption, body;
- a sentence cut by photo captions or a blank line is rejoined (新春佳节，工会最牵挂的就 … 是困难职工),
  the captions moved after the rejoined paragraph;
- exact and near duplicate paragraphs and repeated fragments dropped;
- `match_text`: a same-length view with full-width digits, letters and symbols folded to ASCII.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Byline, Document, Paragraph
from .rules import expand_fragments, load_yaml

# Full-width digits, letters and number symbols -> ASCII; the ideographic space -> space.
# Chinese clause punctuation (，：；！？（）) is kept: recognizers match it as written.
_FOLDED = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ％．＋－／＄＃＆＊＝＜＞＠［］＿｛｝～\u3000"
WIDTH_FOLD = {ord(c): ord(c) - 0xFEE0 for c in _FOLDED if c != "\u3000"} | {0x3000: 0x20}
_FOLDABLE = re.compile("[" + re.escape(_FOLDED) + "]")
_FOLD_CHAR = {chr(k): chr(v) for k, v in WIDTH_FOLD.items()}

_TAG = re.compile(r"<[^<>]{0,200}>")
_CODE_BLOCK = re.compile(r"<(script|style)\b[^<>]{0,200}>.*?</\1\s*>", re.I | re.S)
_BREAK_TAG = re.compile(r"<\s*(?:br\s*/?|/p|p(?:\s[^<>]*)?|/div|div(?:\s[^<>]*)?)\s*>", re.I)
_MARKDOWN = re.compile(r"^\s*(#{1,6}|>)\s*")
_CLAUSE = re.compile(r"[，,。！？!?；;：:、\s]+")


def fold_width(text: str) -> str:
    """text.translate(WIDTH_FOLD), done only where a foldable character is (most articles have
    none or a few; translate walks every character through a dict)."""
    if _FOLDABLE.search(text) is None:
        return text
    return _FOLDABLE.sub(lambda m: _FOLD_CHAR[m.group()], text)


@lru_cache(maxsize=1)
def _converter():
    import opencc
    return opencc.OpenCC(load_yaml("cleaning.yaml")["traditional_to_simplified"])


def simplified_view(text: str) -> str:
    """Traditional characters mapped to simplified, same length, so offsets stay valid.

    OpenCC converts by phrase; where a phrase changes length, characters are converted one by one.
    """
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    convert = _converter().convert
    return "".join(c if len(c := convert(ch)) == 1 else ch for ch in text)


def match_view(text: str) -> tuple[str, bool]:
    """The text recognizers match on: full-width folded, traditional read as simplified."""
    folded = fold_width(text)
    simplified = simplified_view(folded)
    return simplified, simplified != folded


@dataclass
class Block:
    text: str
    kind: str
    hint: str | None = None  # from markup: title | subtitle | byline


@dataclass(frozen=True)
class CleaningRules:
    caption: tuple[re.Pattern, ...]
    caption_max: int
    byline_line: tuple[re.Pattern, ...]
    byline_inline: tuple[re.Pattern, ...]
    byline_label: re.Pattern
    byline_outlet: re.Pattern
    dateline_only: re.Pattern
    subtitle_prefix: re.Pattern
    heading_max: int
    title_max: int
    heading_forbidden: re.Pattern
    sentence_end: re.Pattern
    drop_lines: tuple[re.Pattern, ...]
    run_in_dateline: re.Pattern
    log_per_action: int
    min_clause_chars: int
    min_coverage: float
    fragment_window: int


@lru_cache(maxsize=1)
def cleaning_rules() -> CleaningRules:
    spec = load_yaml("cleaning.yaml")
    frags = expand_fragments(spec["fragments"], "cleaning.yaml")

    def compile_(pattern: str) -> re.Pattern:
        return re.compile(re.sub(r"\{([a-z_]+)\}", lambda m: frags[m.group(1)], pattern))

    dup = spec["near_duplicate"]
    return CleaningRules(
        caption=tuple(compile_(p) for p in spec["caption"]["patterns"]),
        caption_max=spec["caption"]["max_length"],
        byline_line=tuple(compile_(p) for p in spec["byline_line"]),
        byline_inline=tuple(compile_(p) for p in spec["byline_inline"]),
        byline_label=compile_(spec["byline_label"]),
        byline_outlet=compile_(spec["byline_outlet"]),
        dateline_only=compile_(spec["dateline_only"]),
        subtitle_prefix=compile_(spec["subtitle_prefix"]),
        heading_max=spec["heading"]["max_length"],
        title_max=spec["heading"]["title_max_length"],
        heading_forbidden=compile_(spec["heading"]["forbidden"]),
        sentence_end=compile_("{sentence_end}{closing}*$"),
        drop_lines=tuple(compile_(p) for p in spec["drop_lines"]),
        run_in_dateline=compile_(spec["run_in_dateline"]),
        log_per_action=spec["log_per_action"],
        min_clause_chars=dup["min_clause_chars"],
        min_coverage=dup["min_coverage"],
        fragment_window=dup["fragment_window"],
    )


def clean(doc: Document) -> Document:
    rules = cleaning_rules()
    raw = doc.raw.replace("\r\n", "\n").replace("\r", "\n")
    raw = _strip_html(raw, doc.cleaning)
    blocks = _classify(_lines(raw, rules, doc.cleaning), rules)
    blocks = _assemble(blocks, rules, doc.cleaning)
    _emit(doc, blocks)
    doc.byline = find_byline(doc, rules)
    doc.cleaning = _bounded_log(doc.cleaning, rules.log_per_action)
    return doc


def _bounded_log(log: list[dict], per_action: int) -> list[dict]:
    """At most per_action entries of one action, then one entry that counts the rest (a scraped
    page repeated a thousand times must not yield a thousand-entry log)."""
    counts: dict[str, int] = {}
    kept: list[dict] = []
    for entry in log:
        seen = counts.get(entry["action"], 0)
        counts[entry["action"]] = seen + 1
        if seen < per_action:
            kept.append(entry)
    for action, total in counts.items():
        if total > per_action:
            kept.append({"action": action, "detail": {"more": total - per_action, "why": "further entries of this action not listed"}})
    return kept


def _strip_html(raw: str, log: list[dict]) -> str:
    if not _TAG.search(raw):
        return raw
    count = len(_TAG.findall(raw))
    text = _CODE_BLOCK.sub("", raw)
    text = _BREAK_TAG.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    log.append({"action": "removed_markup", "detail": {"html_tags": count}})
    return text


def _lines(raw: str, rules: CleaningRules, log: list[dict]) -> list[Block]:
    blocks = []
    for line in raw.split("\n"):
        text = line.strip(" \t\u3000\ufeff")
        if not text:
            continue
        if any(p.search(text) for p in rules.drop_lines):
            log.append({"action": "dropped_line", "detail": {"text": text[:80], "why": "site chrome"}})
            continue
        hint = None
        marker = _MARKDOWN.match(text)
        if marker:
            hint = {"#": "title", ">": "byline"}.get(marker.group(1), "subtitle")
            log.append({"action": "removed_markup", "detail": {"markdown": marker.group(1), "line": text[:40]}})
            text = text[marker.end():].strip()
        if text:
            blocks += _split_run_in_heading(text, hint, rules, log)
    return blocks


def _split_run_in_heading(text: str, hint: str | None, rules: CleaningRules, log: list[dict]) -> list[Block]:
    """标题…每人３万本报讯（记者李秋萌）昨天，… : a heading run into the dateline is its own line."""
    match = rules.run_in_dateline.search(text, 0, 80)
    if hint or match is None or match.start() < 8:
        return [Block(text, "", hint)]
    head = text[:match.start()]
    if any(mark in head for mark in "。！？；"):
        return [Block(text, "", hint)]
    log.append({"action": "split_run_in_heading", "detail": {"heading": head[:40], "why": "a heading ran into the dateline"}})
    return [Block(head, "", "subtitle"), Block(text[match.start():], "", None)]


def _classify(blocks: list[Block], rules: CleaningRules) -> list[Block]:
    title_seen = any(b.hint == "title" for b in blocks)
    for index, block in enumerate(blocks):
        block.kind = block.hint or _line_kind(block.text, rules)
        if index == 0 and block.kind == "fragment" and len(block.text) <= rules.title_max:
            block.kind = "heading"  # an opening line without a sentence end is a (long) title
        if block.kind == "heading" and not title_seen and index < 3:
            block.kind, title_seen = "title", True
        elif block.kind == "heading" and index > 0 and blocks[index - 1].kind == "title" \
                and rules.subtitle_prefix.match(block.text):
            block.kind = "subtitle"
    first_title = next((i for i, b in enumerate(blocks) if b.kind == "title"), None)
    for block in blocks[: first_title or 0]:
        if block.kind == "body":
            block.kind = "lead"
    return blocks


def _line_kind(text: str, rules: CleaningRules) -> str:
    if rules.dateline_only.match(text):
        return "byline"
    if len(text) <= rules.caption_max and any(p.search(text) for p in rules.caption):
        return "caption"
    if len(text) <= 60 and any(p.match(text) for p in rules.byline_line):
        return "byline"
    if rules.subtitle_prefix.match(text):
        return "subtitle"
    if _is_heading(text, rules):
        return "heading"
    return "body" if rules.sentence_end.search(text) else "fragment"


def _is_heading(text: str, rules: CleaningRules) -> bool:
    return len(text) <= rules.heading_max and not rules.heading_forbidden.search(text)


def _assemble(blocks: list[Block], rules: CleaningRules, log: list[dict]) -> list[Block]:
    """Rejoin fragments across captions and blank lines; drop duplicates; keep captions after."""
    kept: list[Block] = []
    seen_clauses: set[str] = set()
    pending: Block | None = None
    held_captions: list[Block] = []

    seen_lines: set[str] = set()

    def emit(block: Block) -> None:
        clauses = _clauses(block.text, rules)
        if block.kind in ("body", "lead", "fragment") and _is_duplicate(block, clauses, kept, seen_clauses, rules, log):
            return
        if block.text in seen_lines:  # a heading, caption or byline printed twice
            log.append({"action": "dropped_duplicate", "detail": {"text": block.text[:40], "why": f"repeated {block.kind}"}})
            return
        seen_lines.add(block.text)
        if block.kind == "fragment":
            block.kind = "body"
        kept.append(block)
        seen_clauses.update(clauses)

    for block in blocks:
        if pending is not None and block.kind == "caption":
            held_captions.append(block)
            continue
        if pending is not None and block.kind in ("body", "fragment"):
            log.append({"action": "rejoined_sentence", "detail": {
                "before": pending.text[-15:], "after": block.text[:15], "captions_moved": len(held_captions)}})
            block = Block(pending.text + block.text, block.kind)
            pending = None
            if block.kind == "fragment":
                pending = block
                continue
            emit(block)
            _flush_captions(held_captions, emit, log)
            continue
        if pending is not None:
            emit(pending)
            pending = None
            _flush_captions(held_captions, emit, log)
        if block.kind == "fragment":
            pending = block
            continue
        emit(block)
    if pending is not None:
        emit(pending)
    _flush_captions(held_captions, emit, log)
    return kept


def _flush_captions(held: list[Block], emit, log: list[dict]) -> None:
    for caption in held:
        log.append({"action": "moved_caption", "detail": {"text": caption.text[:40], "why": "it interrupted a sentence"}})
        emit(caption)
    held.clear()


def _clauses(text: str, rules: CleaningRules) -> list[str]:
    return [c for c in _CLAUSE.split(text) if len(c) >= rules.min_clause_chars]


def _is_duplicate(block: Block, clauses: list[str], kept: list[Block], seen: set[str], rules: CleaningRules,
                  log: list[dict]) -> bool:
    total = sum(map(len, clauses))
    covered = sum(len(c) for c in clauses if c in seen)
    if total and covered / total >= rules.min_coverage:
        log.append({"action": "dropped_duplicate", "detail": {
            "text": block.text[:40], "coverage": round(covered / total, 2), "why": "its clauses are already in the text"}})
        return True
    if block.kind == "fragment" and any(block.text in k.text for k in kept[-rules.fragment_window:]):
        log.append({"action": "dropped_duplicate", "detail": {
            "text": block.text[:40], "why": "fragment repeats part of an earlier paragraph"}})
        return True
    return False


def _emit(doc: Document, blocks: list[Block]) -> None:
    parts: list[str] = []
    offset = 0
    for block in blocks:
        if parts:
            offset += 1  # the "\n" between paragraphs
        doc.paragraphs.append(Paragraph(offset, offset + len(block.text), block.kind))
        parts.append(block.text)
        offset += len(block.text)
    doc.text = "\n".join(parts)
    doc.match_text, traditional = match_view(doc.text)
    if traditional:
        doc.cleaning.append({"action": "matched_through_simplified",
                             "detail": {"why": "traditional characters; the text is kept as written"}})
    doc.title = next((b.text for b in blocks if b.kind == "title"), None)


def find_byline(doc: Document, rules: CleaningRules | None = None) -> Byline:
    """Reporters from byline paragraphs and from inline (记者 X 通讯员 Y) brackets."""
    rules = rules or cleaning_rules()
    candidates = [(p.start, p.end) for p in doc.paragraphs if p.kind == "byline"]
    for para in doc.paragraphs:
        if para.kind in ("body", "lead"):
            for pattern in rules.byline_inline:
                candidates += [m.span() for m in pattern.finditer(doc.text, para.start, para.end)]
    byline = Byline()
    for start, end in candidates:
        _read_byline(doc.text, start, end, rules, byline)
    return byline


def _read_byline(text: str, start: int, end: int, rules: CleaningRules, byline: Byline) -> None:
    segment = text[start:end]
    labels = list(rules.byline_label.finditer(segment))
    if not labels:
        return
    outlet = rules.byline_outlet.search(segment)
    if outlet and byline.outlet is None:
        byline.outlet = outlet.group().strip("《》")
    if byline.start is None:
        byline.start, byline.end = start, end
    for index, label in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(segment)
        chunk_end = min(stop, outlet.start() if outlet and outlet.start() > label.end() else stop)
        for name, (s, e) in _names_in(segment, label.end(), chunk_end):
            if name not in byline.reporters:
                byline.reporters.append(name)
                byline.labels.append(label.group())
                byline.reporter_spans.append((start + s, start + e))


_NOT_NAME_CHAR = re.compile(r"[^\u4e00-\u9fff·\s、]")


@lru_cache(maxsize=1)
def byline_stopwords() -> frozenset[str]:
    """Words that follow names in bylines but are no names (整理, 报道, 发自 ...)."""
    return frozenset(load_yaml("cleaning.yaml")["byline_not_names"])


def _names_in(segment: str, start: int, end: int) -> list[tuple[str, tuple[int, int]]]:
    """Names in a byline chunk: space-separated (辛  阳 is one name), or run together (叶卫兵王文婷)."""
    stop = _NOT_NAME_CHAR.search(segment, start, end)
    chunk = segment[start:stop.start() if stop else end]
    pieces = [(m.group(), m.start() + start) for m in re.finditer(r"[\u4e00-\u9fff·]+", chunk)
              if m.group() not in byline_stopwords()]
    names: list[tuple[str, tuple[int, int]]] = []
    index = 0
    while index < len(pieces):
        piece, at = pieces[index]
        if len(piece) == 1 and index + 1 < len(pieces) and len(pieces[index + 1][0]) == 1:
            nxt, nat = pieces[index + 1]
            names.append((piece + nxt, (at, nat + 1)))
            index += 2
            continue
        names += _split_run(piece, at)
        index += 1
    return [(n, span) for n, span in names if 2 <= len(n) <= 4 or "·" in n]


def _split_run(run: str, at: int) -> list[tuple[str, tuple[int, int]]]:
    """叶卫兵王文婷 -> 叶卫兵, 王文婷: run-together names are split in threes (or twos)."""
    if len(run) <= 4 or "·" in run:
        return [(run, (at, at + len(run)))]
    size = 3 if len(run) % 3 == 0 else 2 if len(run) % 2 == 0 else 3
    return [(run[i:i + size], (at + i, at + min(i + size, len(run)))) for i in range(0, len(run), size)]
