"""Link: events from the trigger lexicon, with actors, targets, date, figures and location.

Within a sentence each figure belongs to the nearest trigger before it (else the first after).
Discourse carry-over: a sentence without a date takes the last date stated earlier in its
paragraph, else the article's topic date (the first date of the lead or first body paragraph);
a sentence without an actor takes the previous sentence's actor in the same paragraph. Each event
lists what was carried in `carried`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .model import DateFact, Document, Event, Mention, Token
from .rules import load_yaml


@dataclass(frozen=True)
class EventRules:
    trigger_type: dict[str, str]
    target_markers: tuple[str, ...]
    non_actor_markers: tuple[str, ...]
    actor_markers: tuple[str, ...]
    location_markers: tuple[str, ...]
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
        target_markers=tuple(spec["target_markers"]),
        non_actor_markers=tuple(spec["non_actor_markers"]),
        actor_markers=tuple(spec["actor_markers"]),
        location_markers=tuple(spec["location_markers"]),
        fallback_type=spec["fallback_type"],
        fallback_pos=frozenset(spec["fallback_pos"]),
    )


@dataclass
class Entity:
    id: str
    start: int
    end: int


def link_events(doc: Document) -> Document:
    rules = event_rules()
    entities = _entities(doc)
    topic_date = _topic_date(doc)
    carried_date: DateFact | None = None
    carried_actor: list[str] = []
    paragraph = None
    for sent_start, sent_end in doc.sentences:
        para = doc.paragraph_at(sent_start)
        if para is not paragraph:
            paragraph, carried_date, carried_actor = para, None, []
        if para is not None and para.kind in ("title", "subtitle", "byline"):
            continue
        events = _sentence_events(doc, rules, entities, sent_start, sent_end)
        own_date = _dates_in(doc, sent_start, sent_end)
        for event in events:
            _attach_date(event, own_date, carried_date or topic_date)
            if not event.actors and carried_actor:
                event.actors, event.carried = list(carried_actor), event.carried + ["actor"]
        doc.events.extend(_reported(events))
        if own_date:
            carried_date = own_date[-1]
        actors = [a for e in events for a in e.actors if "actor" not in e.carried]
        if actors:
            carried_actor = actors[-1:]
    return doc


def _reported(events: list[Event]) -> list[Event]:
    """Events that carry a figure; else the sentence's first action if it states its own date."""
    with_figures = [e for e in events if e.figure_ids]
    if with_figures:
        return with_figures
    dated = [e for e in events if e.date_id and "date" not in e.carried]
    return dated[:1]


def _entities(doc: Document) -> list[Entity]:
    found = [Entity(p.id, m.start, m.end) for p in doc.people for m in p.mentions]
    found += [Entity(o.id, m.start, m.end) for o in doc.organizations for m in o.mentions]
    return sorted(found, key=lambda e: e.start)


def _topic_date(doc: Document) -> DateFact | None:
    for para in doc.paragraphs:
        if para.kind in ("lead", "body"):
            dates = [d for d in _dates_in(doc, para.start, para.end)]
            return dates[0] if dates else None
    return None


def _dates_in(doc: Document, start: int, end: int) -> list[DateFact]:
    return [d for d in doc.dates if start <= d.start < end and d.kind != "dateline" and d.value_start]


def _attach_date(event: Event, own: list[DateFact], carried: DateFact | None) -> None:
    before = [d for d in own if d.start < event.trigger.start]
    chosen = before[-1] if before else (own[0] if own else None)
    if chosen is not None:
        event.date_id = chosen.id
    elif carried is not None:
        event.date_id = carried.id
        event.carried.append("date")


def _sentence_events(doc: Document, rules: EventRules, entities: list[Entity], start: int, end: int) -> list[Event]:
    tokens = [t for t in doc.tokens if start <= t.start and t.end <= end]
    triggers = [t for t in tokens if t.word in rules.trigger_type]
    figures = [f for f in doc.figures if start <= f.start < end]
    if not triggers and figures:
        triggers = _fallback_trigger(tokens, figures[0].start, rules)
    events = []
    for trigger in triggers:
        type_id = rules.trigger_type.get(trigger.word, rules.fallback_type)
        event = Event(type_id, Mention(trigger.start, trigger.end, doc.text[trigger.start:trigger.end]),
                      (start, end), rule=f"event.{type_id}.{'lexicon' if type_id != rules.fallback_type else 'nearest_verb'}")
        event.actors, event.targets = _arguments(doc, rules, entities, start, trigger)
        event.location = _location(doc, rules, start, end)
        events.append(event)
    for figure in figures:
        owner = _owner(events, figure.start)
        if owner is not None:
            owner.figure_ids.append(figure.id)
    return events


def _fallback_trigger(tokens: list[Token], figure_start: int, rules: EventRules) -> list[Token]:
    verbs = [t for t in tokens if t.pos in rules.fallback_pos and len(t.word) > 1]
    before = [t for t in verbs if t.end <= figure_start]
    chosen = before[-1] if before else (verbs[0] if verbs else None)
    return [chosen] if chosen else []


def _owner(events: list[Event], offset: int) -> Event | None:
    before = [e for e in events if e.trigger.start <= offset]
    if before:
        return before[-1]
    return events[0] if events else None


def _arguments(doc: Document, rules: EventRules, entities: list[Entity], sent_start: int, trigger: Token):
    """Actor: the nearest entity before the trigger that no target/frame marker governs."""
    actors: list[str] = []
    targets: list[str] = []
    clause_start = sent_start
    for entity in entities:
        if entity.start < clause_start or entity.end > trigger.start:
            continue
        before = doc.match_text[max(sent_start, entity.start - 2):entity.start]
        if before.endswith(rules.target_markers):
            targets.append(entity.id)
        elif before.endswith(rules.actor_markers) or not before.endswith(rules.non_actor_markers):
            actors = [entity.id]
    if not targets:
        phrase = _recipient_phrase(doc, rules, sent_start, trigger)
        if phrase:
            targets.append(phrase)
    return actors, targets


def _recipient_phrase(doc: Document, rules: EventRules, sent_start: int, trigger: Token) -> str | None:
    """为他们送去 -> 他们: the words between a target-marker token and the trigger, if short."""
    tokens = [t for t in doc.tokens if sent_start <= t.start and t.end <= trigger.start]
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if token.word in "，,；;":
            return None
        if token.word in rules.target_markers and token.pos == "p" and index + 1 < len(tokens):
            start = tokens[index + 1].start
            phrase = doc.text[start:trigger.start].strip()
            return phrase if 1 < len(phrase) <= 20 else None
    return None


def _location(doc: Document, rules: EventRules, start: int, end: int) -> str | None:
    for place in doc.locations:
        for mention in place.mentions:
            if start <= mention.start < end and doc.match_text[mention.start - 1:mention.start] in rules.location_markers:
                return place.id
    return None
