"""Event linking, driven by tests/specs/events.yaml: type, trigger, actors, date, figures."""
from pathlib import Path

import pytest
import yaml

from pipeline import extract

CASES = yaml.safe_load((Path(__file__).parent / "specs" / "events.yaml").read_text(encoding="utf-8"))


def events_of(article: dict) -> list[dict]:
    names = {e["id"]: e["name"] for e in article["people"] + article["organizations"] + article["locations"]}
    dates = {d["id"]: d["text"] for d in article["dates"]}
    figures = {f["id"]: f["text"] for f in article["figures"]}
    return [{"trigger": e["trigger"]["text"], "type": e["type"], "actors": [names.get(a, a) for a in e["actors"]],
             "date": dates.get(e["date"]), "figures": sorted(figures[f] for f in e["figures"]),
             "carried": e.get("carried", []), "location": names.get(e.get("location"))} for e in article["events"]]


def matches(found: dict, want: dict) -> bool:
    if (found["trigger"], found["type"]) != (want["trigger"], want["type"]):
        return False
    if "actors" in want and found["actors"] != want["actors"]:
        return False
    if "date" in want and found["date"] != want["date"]:
        return False
    if sorted(want["figures"]) != found["figures"]:
        return False
    if "location" in want and found["location"] != want["location"]:
        return False
    return all(c in found["carried"] for c in want.get("carried", []))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_events_spec(case):
    found = events_of(extract(case["text"], reference_date=case["reference_date"]))
    for want in case["expect"]:
        assert any(matches(f, want) for f in found), f"wanted {want}\nfound {found}"


def test_event_every_figure_id_and_date_id_exists(seed_text):
    article = extract(seed_text)
    figure_ids = {f["id"] for f in article["figures"]}
    date_ids = {d["id"] for d in article["dates"]}
    for event in article["events"]:
        assert set(event["figures"]) <= figure_ids
        assert event["date"] is None or event["date"] in date_ids


def test_event_types_are_stable_snake_case_ids():
    from pipeline.events import event_rules
    for type_id in set(event_rules().trigger_type.values()):
        assert type_id.isascii() and type_id == type_id.lower() and " " not in type_id
