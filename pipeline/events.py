"""Link: events from the trigger lexicon, with actors, targets, date, figures and location.

Triggers: words of rules/events.yaml that start and end on token boundaries (送去 = 送|去 counts,
慰问 inside the token 慰问金 does not), that do not modify a following noun (慰问|物资, 救助|资金),
that are not nouns after 总 (总|投资), and that do not directly follow another trigger (走访慰问 is
one action, named by its first verb).

Figures: a figure belongs to the nearest trigger before it in its clause; a clause whose figures
come before its verb (两位受伤较轻的男子被成功救出) gives them to the clause's last trigger; a clause
with no trigger gets its nearest verb as an `other` event; a clause with no verb at all (其中区外11处)
leaves the figure to the sentence's nearest trigger.

Discourse carry-over: a sentence without a date takes the last date stated earlier in its
paragraph, else the article's topic date (the first date of the lead or first body paragraph);
a sentence without an actor takes the previous sentence's actor in the same paragraph. Each
event lists what was carried in `carried`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from .model import DateFact, Document, Event, Figure, Mention, Token
from .rules import alternation, load_yaml

_CLAUSE_BREAK = re.compile(r"[，,；;：:]")


@dataclass(frozen=True)
class EventRules:
    trigger_type: dict[str, str]
    trigger_pattern: re.Pattern
    modifier_heads: frozenset[str]
    noun_prefixes: frozenset[str]
    joiners: frozenset[str]
    target_markers: tuple[str, ...]
    non_actor_markers: tuple[str, ...]
    actor_markers: tuple[str, ...]
    location_markers: tuple[str, ...]
    location_suffixes: tuple[str, ...]
    destination_types: frozenset[str]
    start_point_markers: frozenset[str]
    comparison_markers: tuple[str, ...]
    subset_markers: tuple[str, ...]
    fallback_type: str
    fallback_pos: frozenset[str]


@lru_cache(maxsize=1)
def event_rules() -> EventRules:
    spec = load_yaml("events.yaml")
    trigger_type: dict[str, str] = {}
    for type_id, body in spec["types"].items():
        for trigger in body["triggers"]:
            if trigger in trigger_type:
                raise ValueError(f"events.yaml: trigger {trigger!r} is listed under {trigger_type[trigger]} and {type_id}")
            trigger_type[trigger] = type_id
    return EventRules(
        trigger_type=trigger_type,
        trigger_pattern=re.compile(alternation(trigger_type)),
        modifier_heads=frozenset(spec["modifier_heads"]),
        noun_prefixes=frozenset(spec["noun_prefixes"]),
        joiners=frozenset(spec["joiners"]),
        target_markers=tuple(spec["target_markers"]),
        non_actor_markers=tuple(spec["non_actor_markers"]),
        actor_markers=tuple(spec["actor_markers"]),
        location_markers=tuple(spec["location_markers"]),
        location_suffixes=tuple(spec["location_suffixes"]),
        destination_types=frozenset(spec["destination_types"]),
        start_point_markers=frozenset(spec["start_point_markers"]),
        comparison_markers=tuple(spec["comparison_markers"]),
        subset_markers=tuple(spec["subset_markers"]),
        fallback_type=spec["fallback_type"],
        fallback_pos=frozenset(spec["fallback_pos"]),
    )


@dataclass
class Entity:
    id: str
    start: int
    end: int
    is_place: bool = False


@dataclass
class Sentence:
    start: int
    end: int
    tokens: list[Token]  # the document's tokens[first:first + len(tokens)]
    clauses: list[tuple[int, int]]
    first: int  # index of the sentence's first token in the document
    index: "_Index"
    triggers: list[tuple[int, int]]  # spans of trigger-lexicon matches in the sentence, in order
    target_zones: list[tuple[int, int]] | None = None  # filled on first use by _inside_target_phrase

    def token_range(self, start: int, end: int) -> range:
        """Document indexes of the sentence's tokens that start in [start, end)."""
        starts, first, last = self.index.token_starts, self.first, self.first + len(self.tokens)
        return range(bisect_left(starts, start, first, last), bisect_left(starts, end, first, last))


@dataclass
class _Index:
    """What linking looks up per sentence, built once per document (all lookups by bisect)."""
    entities: list[Entity]
    entity_starts: list[int]
    places: list[tuple[int, int, str]]
    figures_at: dict[int, list[Figure]]
    dates_at: dict[int, list[DateFact]]
    paragraph_starts: list[int]
    tokens: list[Token]
    token_starts: list[int]
    token_ends: list[int]
    topic_date: DateFact | None

    @classmethod
    def of(cls, doc: Document, rules: EventRules) -> "_Index":
        entities = _entities(doc)
        starts, ends = doc.token_offsets()
        return cls(entities, [e.start for e in entities],
                   [(e.start, e.end, e.id) for e in entities if e.is_place],  # outermost: not inside an org name
                   _by_sentence(doc.sentences, doc.figures),
                   _by_sentence(doc.sentences, [d for d in doc.dates if d.kind != "dateline"]),
                   [p.start for p in doc.paragraphs], doc.tokens, starts, ends, _topic_date(doc))

    def token_at(self, offsets: list[int], offset: int) -> int | None:
        """Index of the token that starts (offsets = token_starts) or ends (token_ends) at offset."""
        index = bisect_left(offsets, offset)
        return index if index < len(offsets) and offsets[index] == offset else None


@dataclass
class _Discourse:
    """What carries from sentence to sentence within a paragraph."""
    paragraph: object = None
    date: DateFact | None = None
    actor: list[str] = field(default_factory=list)


def link_events(doc: Document) -> Document:
    rules = event_rules()
    index = _Index.of(doc, rules)
    state = _Discourse()
    for sent_start, sent_end in doc.sentences:
        para = doc.paragraphs[bisect_right(index.paragraph_starts, sent_start) - 1] if doc.paragraphs else None
        if para is not state.paragraph:
            state = _Discourse(para)
        if para is not None and para.kind in ("title", "subtitle", "byline"):
            continue
        figures, dates = index.figures_at.get(sent_start, []), index.dates_at.get(sent_start, [])
        triggers = [m.span() for m in rules.trigger_pattern.finditer(doc.match_text, sent_start, sent_end)]
        if not figures and not dates and not triggers:
            continue  # nothing happens here, and nothing changes what carries over
        doc.events.extend(_link_sentence(doc, rules, index, state, (sent_start, sent_end), figures, dates, triggers))
    return doc


def _link_sentence(doc: Document, rules: EventRules, index: _Index, state: _Discourse, span: tuple[int, int],
                   figures: list[Figure], dates: list[DateFact], triggers: list[tuple[int, int]]) -> list[Event]:
    start, end = span
    first = bisect_left(index.token_starts, start)
    last = bisect_left(index.token_starts, end, first)
    sentence = Sentence(start, end, doc.tokens[first:last], _clauses(doc.match_text, start, end) if figures else [],
                        first, index, triggers)
    local = index.entities[bisect_right(index.entity_starts, start - 1):bisect_right(index.entity_starts, end - 1)]
    own_date = [d for d in dates if not _is_baseline(doc, rules, d)]
    if not figures and not own_date:  # nothing to report (see _reported): only the last action's actor carries
        triggers = find_triggers(doc, rules, sentence)
        actors = _arguments(doc, rules, local, sentence, triggers[-1])[0] if triggers else []
        if actors:
            state.actor = actors[-1:]
        return []
    events = _sentence_events(doc, rules, sentence, figures)
    reported = _reported(events, bool(own_date))
    for event in reported or events[-1:]:  # the last action still sets the actor that carries
        event.actors, event.targets = _arguments(doc, rules, local, sentence, event.trigger)
    location = None
    if reported:
        location = _location(doc, rules, index.places, start, end) \
            or next(filter(None, (_visited(rules, local, e) for e in events)), None)
    for event in reported:
        event.location = location
        _attach_date(event, own_date, state.date or index.topic_date)
        if not event.actors and state.actor and _subject_allows_carry(doc, sentence, event.trigger.start, state.actor[0]):
            event.actors, event.carried = list(state.actor), event.carried + ["actor"]
    carriable = [d for d in own_date if not _is_start_point(doc, rules, d)]
    if carriable:
        state.date = carriable[-1]
    actors = [a for e in reported or events[-1:] for a in e.actors if "actor" not in e.carried]
    if actors:
        state.actor = actors[-1:]
    return reported


def _is_baseline(doc: Document, rules: EventRules, date: DateFact) -> bool:
    """较2010年增加… : a date that is the comparison base does not date the event."""
    return doc.match_text[max(0, date.start - 2):date.start].endswith(rules.comparison_markers)


def _is_start_point(doc: Document, rules: EventRules, date: DateFact) -> bool:
    """自2017年被诊断出… names when something began; it does not date the sentences after it."""
    return doc.match_text[max(0, date.start - 1):date.start] in rules.start_point_markers


def _subject_allows_carry(doc: Document, sentence: Sentence, trigger_start: int, actor_id: str) -> bool:
    """A sentence keeps the previous actor unless it names a subject of its own: a noun before
    its first verb, outside a prepositional phrase (该职工家属自2017年…). A pronoun (她看望…) or a
    short form of the actor's name (红会 for 北京市红十字会) refers back, so the actor carries."""
    subject = _own_subject(sentence, trigger_start)
    return subject is None or _is_short_form(subject, _entity_name(doc, actor_id))


def _own_subject(sentence: Sentence, trigger_start: int) -> str | None:
    in_prepositional = False
    for token in sentence.tokens:
        if token.start >= trigger_start or token.pos.startswith("v"):
            return None
        if token.pos == "p":
            in_prepositional = True
        elif token.pos.startswith("n") and token.pos != "nr" and not in_prepositional:
            return token.word
    return None


def _is_short_form(word: str, name: str) -> bool:
    """红会 -> 北京市红十字会: every character of word appears in name, in order."""
    chars = iter(name)
    return len(word) >= 2 and all(c in chars for c in word)


def _entity_name(doc: Document, entity_id: str) -> str:
    for entity in (*doc.people, *doc.organizations, *doc.locations):
        if entity.id == entity_id:
            return entity.name
    return ""


def _by_sentence(sentences: list[tuple[int, int]], facts: list) -> dict[int, list]:
    """Facts grouped by the start of the sentence they begin in (both lists are in text order)."""
    grouped: dict[int, list] = {}
    starts = [s for s, _ in sentences]
    for fact in facts:
        index = bisect_right(starts, fact.start) - 1
        if index >= 0 and fact.start < sentences[index][1]:
            grouped.setdefault(starts[index], []).append(fact)
    return grouped


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    clauses, cursor = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        clauses.append((cursor, match.start()))
        cursor = match.end()
    clauses.append((cursor, end))
    return clauses


def _reported(events: list[Event], has_own_date: bool) -> list[Event]:
    """Events that carry a figure; else the sentence's first action if it states its own date."""
    with_figures = [e for e in events if e.figure_ids]
    return with_figures or (events[:1] if has_own_date else [])


def _entities(doc: Document) -> list[Entity]:
    """People, organizations and places: any of them can act (大东区 实施改造) — except the
    reporters named in a byline (本报讯（记者 刘洋）7月15日…) and the outlet or place of a
    dateline (中新浙江网8月26日电, 本报北京1月23日电)."""
    found = [Entity(p.id, m.start, m.end) for p in doc.people for m in p.mentions]
    found += [Entity(o.id, m.start, m.end) for o in doc.organizations for m in o.mentions]
    found += [Entity(o.id, m.start, m.end, is_place=True) for o in doc.locations for m in o.mentions]
    found.sort(key=lambda e: (e.start, -e.end))
    outermost: list[Entity] = []
    for entity in found:  # 大兴区 inside 大兴区总工会 is not a second candidate
        if not outermost or entity.start >= outermost[-1].end:
            outermost.append(entity)
    bylined = set(doc.byline.reporter_spans)
    dateline_starts = {d.start for d in doc.dates if d.kind == "dateline"}
    return [e for e in outermost if (e.start, e.end) not in bylined and e.end not in dateline_starts]


def _topic_date(doc: Document) -> DateFact | None:
    for para in doc.paragraphs:
        if para.kind in ("lead", "body"):
            dates = _dates_in(doc, para.start, para.end)
            return dates[0] if dates else None
    return None


def _dates_in(doc: Document, start: int, end: int) -> list[DateFact]:
    return [d for d in doc.dates if start <= d.start < end and d.kind != "dateline"]


def _attach_date(event: Event, own: list[DateFact], carried: DateFact | None) -> None:
    before = [d for d in own if d.start < event.trigger.start]
    chosen = before[-1] if before else (own[0] if own else None)
    if chosen is not None:
        event.date_id = chosen.id
    elif carried is not None:
        event.date_id = carried.id
        event.carried.append("date")


def find_triggers(doc: Document, rules: EventRules, sentence: Sentence) -> list[Mention]:
    """Lexicon triggers of a sentence that act as verbs here (see the module docstring)."""
    index, tokens, shift = sentence.index, sentence.tokens, sentence.first  # token indexes below: relative to the sentence
    triggers: list[Mention] = []
    noun_end = -1  # end of the last trigger word read as a noun: 的救助帮扶 is one noun compound
    for match_start, match_end in sentence.triggers:
        first, last = index.token_at(index.token_starts, match_start), index.token_at(index.token_ends, match_end)
        if first is None or last is None or first < shift:
            continue
        first, last = first - shift, last - shift
        following = tokens[last + 1].word if last + 1 < len(tokens) else ""
        preceding = tokens[first - 1].word if first > 0 else ""
        number_follows = last + 1 < len(tokens) and tokens[last + 1].pos == "m"
        if following in rules.modifier_heads or preceding in rules.noun_prefixes \
                or (noun_end >= 0 and _adjacent(doc, noun_end, match_start, rules) and not number_follows):
            noun_end = match_end
            continue
        if triggers and _adjacent(doc, triggers[-1].end, match_start, rules):
            continue
        triggers.append(Mention(match_start, match_end, doc.text[match_start:match_end]))
    return triggers


def _adjacent(doc: Document, previous_end: int, start: int, rules: EventRules) -> bool:
    between = doc.match_text[previous_end:start]
    return between == "" or between in rules.joiners


def _sentence_events(doc: Document, rules: EventRules, sentence: Sentence, figures: list[Figure]) -> list[Event]:
    """One event per trigger, with the figures it owns; arguments are filled for reported ones."""
    triggers = find_triggers(doc, rules, sentence)
    events = {t.start: _event(rules, sentence, t, rules.trigger_type[doc.match_text[t.start:t.end]]) for t in triggers}
    for figure in figures:
        owner = _owner_trigger(doc, rules, sentence, triggers, figure)
        if owner is None:
            continue
        if owner.start not in events:
            events[owner.start] = _event(rules, sentence, owner, rules.fallback_type)
        events[owner.start].figure_ids.append(figure.id)
    return [events[k] for k in sorted(events)]


def _event(rules: EventRules, sentence: Sentence, trigger: Mention, type_id: str) -> Event:
    how = "nearest_verb" if type_id == rules.fallback_type else "lexicon"
    return Event(type_id, trigger, (sentence.start, sentence.end), rule=f"event.{type_id}.{how}")


def _owner_trigger(doc: Document, rules: EventRules, sentence: Sentence, triggers: list[Mention],
                   figure: Figure) -> Mention | None:
    clause = next((c for c in sentence.clauses if c[0] <= figure.start < c[1] + 1), (sentence.start, sentence.end))
    in_clause = [t for t in triggers if clause[0] <= t.start < clause[1]]
    right_after = [t for t in in_clause if t.start == figure.end]
    if right_after and doc.match_text[figure.start - 1:figure.start] == "、":
        return right_after[0]  # 造成2人死亡、1人失踪: a listed figure right before its own verb is its subject
    before = [t for t in in_clause if t.start <= figure.start]
    if before:
        return before[-1]
    if in_clause:
        return in_clause[-1]
    verb = _clause_verb(sentence, rules, clause, figure.start)
    if verb is not None:
        return verb
    if not doc.match_text.startswith(rules.subset_markers, clause[0]):
        anchor = _verbless_anchor(sentence, clause, figure.start)  # 直接经济损失约2.8亿元: its own fact
        if anchor is not None:
            return anchor
    before = [t for t in triggers if t.start <= figure.start]  # 其中区外11处: part of the sentence's action
    if before:
        return before[-1]
    after = _main_trigger_after(sentence, triggers, clause)
    if after is not None:
        return after
    return _sentence_verb_before(sentence, rules, figure.start) or _verbless_anchor(sentence, clause, figure.start)


def _sentence_verb_before(sentence: Sentence, rules: EventRules, offset: int) -> Mention | None:
    """直接经济损失354.5万元 after 倒塌房屋30户: the sentence's nearest verb before the figure."""
    whole = (sentence.start, offset)
    return _clause_verb(sentence, rules, whole, offset)


def _verbless_anchor(sentence: Sentence, clause: tuple[int, int], offset: int) -> Mention | None:
    """我国铁路营业里程15.9万公里 has no verb: the noun before the figure anchors an `other` event."""
    tokens = sentence.index.tokens
    for i in reversed(sentence.token_range(clause[0], offset)):
        token = tokens[i]
        if token.end <= offset and token.pos.startswith("n"):
            return Mention(token.start, token.end, token.word)
    return None


def _main_trigger_after(sentence: Sentence, triggers: list[Mention], clause: tuple[int, int]) -> Mention | None:
    """十几分钟后，两位受伤较轻的男子被成功救出: the next clause's last trigger is its main verb."""
    for start, end in sentence.clauses:
        if start < clause[1]:
            continue
        in_clause = [t for t in triggers if start <= t.start < end]
        if in_clause:
            return in_clause[-1]
    return None


def _clause_verb(sentence: Sentence, rules: EventRules, clause: tuple[int, int], offset: int) -> Mention | None:
    tokens = sentence.index.tokens
    verbs = [tokens[i] for i in sentence.token_range(*clause) if tokens[i].pos in rules.fallback_pos
             and not (i > sentence.first and tokens[i - 1].word in rules.noun_prefixes)]
    before = [t for t in verbs if t.end <= offset]
    chosen = before[-1] if before else (verbs[0] if verbs else None)
    return Mention(chosen.start, chosen.end, chosen.word) if chosen else None


def _arguments(doc: Document, rules: EventRules, entities: list[Entity], sentence: Sentence, trigger: Mention):
    """Actor: the nearest person or organization before the trigger that no target/frame marker
    governs; a place (大东区 实施改造) only when no person or organization qualifies."""
    actors: list[str] = []
    place_actors: list[str] = []
    targets: list[str] = []
    for entity in entities:
        if entity.start < sentence.start or entity.end > trigger.start:
            continue
        before = doc.match_text[max(sentence.start, entity.start - 2):entity.start]
        if before.endswith(rules.target_markers) or _inside_target_phrase(sentence, rules, entity.start):
            targets.append(entity.id)
        elif before.endswith(rules.actor_markers) or not before.endswith(rules.non_actor_markers):
            if entity.is_place:
                place_actors = [entity.id]
            else:
                actors = [entity.id]
    actors = actors or place_actors
    if not targets:
        phrase = _recipient_phrase(doc, rules, sentence, trigger)
        if phrase:
            targets.append(phrase)
    return actors, targets


def _inside_target_phrase(sentence: Sentence, rules: EventRules, offset: int) -> bool:
    """为全区劳模、北京市劳动模范…送去: everything between 为 and the next verb is the recipient."""
    if sentence.target_zones is None:
        sentence.target_zones = _target_zones(sentence, rules)
    zones = sentence.target_zones
    index = bisect_right(zones, (offset, offset)) - 1
    return index >= 0 and zones[index][0] < offset <= zones[index][1]


def _target_zones(sentence: Sentence, rules: EventRules) -> list[tuple[int, int]]:
    """(after the marker, up to the next verb or clause mark) spans of a sentence, in order."""
    zones: list[tuple[int, int]] = []
    opened: int | None = None
    for token in sentence.tokens:
        if token.word in rules.target_markers and token.pos == "p":
            if opened is None:
                opened = token.start
        elif opened is not None and (token.pos.startswith("v") or token.word in "，,；;"):
            zones.append((opened, token.start))
            opened = None
    if opened is not None:
        zones.append((opened, sentence.end))
    return zones


def _recipient_phrase(doc: Document, rules: EventRules, sentence: Sentence, trigger: Mention) -> str | None:
    """为他们送去 -> 他们: the words between a target-marker token and the trigger, if short."""
    tokens, first = doc.tokens, sentence.first
    stop = bisect_right(sentence.index.token_ends, trigger.start, first, first + len(sentence.tokens))
    for index in range(stop - 1, first - 1, -1):
        token = tokens[index]
        if token.word in "，,；;":
            return None
        if token.word in rules.target_markers and token.pos == "p" and index + 1 < stop:
            phrase = doc.text[tokens[index + 1].start:trigger.start].strip()
            return phrase if 1 < len(phrase) <= 20 else None
    return None


def _location(doc: Document, rules: EventRules, places: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    """The first place of the sentence written as a location: after 在/于/赴/到 or before
    地区/境内/一带 (places: (start, end, id) in text order)."""
    for place_start, place_end, place_id in places[bisect_right(places, (start, -1, "")):]:
        if place_start >= end:
            return None
        if doc.match_text[place_start - 1:place_start] in rules.location_markers \
                or doc.match_text.startswith(rules.location_suffixes, place_end):
            return place_id
    return None


def _visited(rules: EventRules, entities: list[Entity], event: Event) -> str | None:
    """来到大兴区教委的…, 前往淳安县看望…: where a visit goes (the place or body right after its
    verb) is where the sentence's events happen."""
    if event.type not in rules.destination_types:
        return None
    after = [e for e in entities if event.trigger.end <= e.start <= event.trigger.end + 2]
    return after[0].id if after else None
