"""The content digest is made of what the renderer writes: no field can reach an event's bytes
without moving its digest (and so its LAST-MODIFIED), and upgrading from the older hand-listed
digest moves nothing."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from confcal.build import build
from confcal.feeds import feeds, paper_feeds
from confcal.load import load
from confcal.model import ABSTRACTS, STATUSES, Programme, Revision
from confcal.render import content_digest, event_keys, render_body, render_event
from confcal.revisions import legacy_content
from confcal.schedule import ScheduleCacheEntry, render_schedules
from confcal.settings import BuildOptions
from confcal.site import render_index
from confcal.state import STATE_FILE, StateFileError, parse_state, read_state
from tests.conftest import EVENTS, OUTPUT, ROOT
from tests.test_revisions import parsed

WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"
REVISION = Revision(sequence=2, last_modified=datetime(2024, 3, 1, 9, 30, tzinfo=UTC))
# Values a field must hold to be read at all: another valid one, not the value with an "x" added.
CHOICES: dict[str, tuple[object, ...]] = {
    "status": STATUSES,
    "abstracts": ABSTRACTS,
    "timezone": ("Asia/Tokyo", "UTC", "America/Chicago"),
}


def changed(name: str, value: object, kind: str) -> Iterator[object]:
    """Other values of one field (declared as ``kind``) that is not a model object."""
    if name in CHOICES:
        yield from (choice for choice in CHOICES[name] if choice != value)
    elif value is None and not kind.startswith("bool"):
        yield from ()  # an optional time or capacity: what the loader gives when it is unset
    elif isinstance(value, bool) or value is None:
        yield from (choice for choice in (True, False, None) if choice is not value)
    elif isinstance(value, int):
        yield value + 1
    elif isinstance(value, str):
        yield value + "x"
        yield ""
    elif isinstance(value, datetime | date):
        yield value + timedelta(days=1)
        if isinstance(value, datetime):
            yield value + timedelta(minutes=5)
    elif isinstance(value, timedelta):
        yield value + timedelta(hours=1)
    elif isinstance(value, tuple):  # of strings, kinds or dates; an empty one is left as it is
        if value:
            yield value[1:]
            yield (*value, value[0])
            if isinstance(value[0], str):
                yield (*value, "x")
    else:
        raise AssertionError(f"no variant for {name} = {value!r}: add one")


def variants(item: Any) -> Iterator[tuple[str, Any]]:
    """(``Type.field``, ``item`` with that field changed) for every field of a model object and
    of the model objects inside it, named by the innermost object's type."""
    for field in dataclasses.fields(item):
        if not field.init:
            continue
        name = f"{type(item).__name__}.{field.name}"
        for path, other in field_variants(name, getattr(item, field.name), str(field.type)):
            yield path, dataclasses.replace(item, **{field.name: other})


def field_variants(path: str, value: object, kind: str) -> Iterator[tuple[str, Any]]:
    if dataclasses.is_dataclass(value):
        yield from variants(value)
    elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
        for index, item in enumerate(value):
            for inner, variant in variants(item):
                yield inner, (*value[:index], variant, *value[index + 1 :])
        yield path, value[1:]
    else:
        yield from ((path, other) for other in changed(path.rpartition(".")[2], value, kind))


def programme_variants(programme: Programme) -> Iterator[tuple[str, Programme]]:
    """Every variant of the programme that is still one (a changed id can break a reference)."""
    for field in dataclasses.fields(programme):
        if not field.init:
            continue
        value = getattr(programme, field.name)
        for path, other in field_variants(f"Programme.{field.name}", value, str(field.type)):
            try:
                yield path, dataclasses.replace(programme, **{field.name: other})
            except (KeyError, ValueError, TypeError):
                continue


def rendered(programme: Programme) -> dict[str, tuple[bytes, str, str]]:
    """Each event's bytes at a fixed revision, its content digest and its render-cache key."""
    try:
        keys = event_keys(programme)
    except (KeyError, StopIteration):
        return {}  # the change broke a reference (an id): not a programme the loader gives
    result = {}
    for event in (*programme.events, *programme.session_events):
        try:
            data = render_event(programme, event, REVISION)
            digest = content_digest(render_body(programme, event))
        except (KeyError, StopIteration, ValueError, TypeError, OverflowError):
            continue  # an event the change left without its paper, kind, room or zone
        result[event.id] = (data, digest, keys[event.id])
    return result


@pytest.mark.parametrize("source", [EVENTS, WORKSHOP], ids=["award", "workshop"])
def test_any_field_that_changes_an_event_changes_its_digest_and_cache_key(source: Path) -> None:
    """Fails when a field the renderer writes is left out of the digest (it would change the
    bytes without moving LAST-MODIFIED) or out of the render cache's key (stale bytes)."""
    programme = load(source)
    before = rendered(programme)
    seen: set[str] = set()
    for path, variant in programme_variants(programme):
        for event_id, (data, digest, key) in rendered(variant).items():
            if event_id not in before or data == before[event_id][0]:
                continue
            seen.add(path)
            assert digest != before[event_id][1], f"{path} changed {event_id} but not its digest"
            assert key != before[event_id][2], f"{path} changed {event_id} but not its cache key"
    # The walk reaches the objects the renderer reads (and is not vacuous).
    expected = {"Conference.venue", "Paper.abstract", "Event.board", "Category.name", "KindDef.label"}
    if source == WORKSHOP:
        expected |= {"Room.address", "Venue.name", "Person.affiliation", "Session.name"}
    else:
        expected |= {"Link.url"}
    assert expected <= seen, sorted(expected - seen)


def schedule_entries(programme: Programme) -> dict[str, tuple[ScheduleCacheEntry, str]]:
    """Each event's schedule entry (both files' text of it) and its render-cache key."""
    try:
        keys = event_keys(programme)
        cache: dict[str, ScheduleCacheEntry] = {}
        render_schedules(programme, cache=cache, keys=keys)
    except (KeyError, StopIteration, ValueError, TypeError, OverflowError, AssertionError):
        return {}  # the change left an event without its paper, kind, room or zone, or a bad id
    return {
        event.id: (cache[keys[event.id]], keys[event.id])
        for event in programme.events
        if keys[event.id] in cache
    }


@pytest.mark.parametrize("source", [EVENTS, WORKSHOP], ids=["award", "workshop"])
def test_any_field_that_changes_a_schedule_entry_changes_its_cache_key(source: Path) -> None:
    """The schedule files reuse an event's entry by its render-cache key: fails when a field
    they show is left out of the key (its numeric id, which depends on every event, is
    checked by the schedule itself)."""
    programme = load(source)
    before = schedule_entries(programme)
    seen: set[str] = set()
    for path, variant in programme_variants(programme):
        for event_id, (entry, key) in schedule_entries(variant).items():
            if event_id not in before or entry[1:] == before[event_id][0][1:]:
                continue
            seen.add(path)
            assert key != before[event_id][1], f"{path} changed {event_id}'s schedule entry but not its key"
    assert {"Paper.title", "Event.start", "Conference.website", "Category.name", "Paper.abstract"} <= seen


def page_lines(programme: Programme) -> dict[str, tuple[str, tuple[object, ...]]]:
    """Each event's line of index.html and its key in the render cache."""
    try:
        keys = event_keys(programme)
        cache: dict[tuple[object, ...], str] = {}
        render_index(programme, feeds=feeds(programme), papers=paper_feeds(programme), cache=cache, keys=keys)
    except (KeyError, StopIteration, ValueError, TypeError, OverflowError, AssertionError):
        return {}
    ids = {key: event_id for event_id, key in keys.items()}
    return {ids[str(key[0])]: (line, key) for key, line in cache.items()}


@pytest.mark.parametrize("source", [EVENTS, WORKSHOP], ids=["award", "workshop"])
def test_any_field_that_changes_a_line_of_the_page_changes_its_cache_key(source: Path) -> None:
    """index.html reuses an event's line by its render key and what the line shows of the rest
    of the programme: fails when a field the line shows is left out of that key."""
    programme = load(source)
    before = page_lines(programme)
    seen: set[str] = set()
    for path, variant in programme_variants(programme):
        for event_id, (line, key) in page_lines(variant).items():
            if event_id not in before or line == before[event_id][0]:
                continue
            seen.add(path)
            assert key != before[event_id][1], f"{path} changed {event_id}'s line but not its key"
    assert {"Paper.title", "Event.start", "KindDef.label", "Category.name", "Paper.authors"} <= seen


# -- from a state file of the older digest ---------------------------------------------------


def legacy_state(output: Path) -> None:
    """Turn ``output``'s state file into what confcal wrote before ``content_scheme``: the
    hand-listed digests, and no ``content_scheme`` key."""
    programme = load(EVENTS)
    document = json.loads((output / STATE_FILE).read_text(encoding="utf-8"))
    del document["content_scheme"]
    for event in programme.events:
        paper = programme.paper(event.paper)
        document["events"][event.id]["content"] = legacy_content(programme, event, paper)
    (output / STATE_FILE).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")


def test_the_legacy_digest_is_what_earlier_builds_recorded() -> None:
    """Frozen: the digest the committed state file held before the digest was the event's bytes."""
    programme = load(EVENTS)
    (oral,) = (event for event in programme.events if event.id == "climsim.oral")
    digest = legacy_content(programme, oral, programme.paper(oral.paper))
    assert digest == "7c49188449544619516f09b95fe733c936f9888ddadc5656f79d2104c30cf104"


def test_upgrading_an_unchanged_programme_keeps_every_feeds_bytes(tmp_path: Path) -> None:
    output = tmp_path / "output"
    shutil.copytree(OUTPUT, output)
    legacy_state(output)
    previous = read_state(output)
    assert previous is not None
    assert previous.content_scheme == 1
    report = build(EVENTS, output, BuildOptions(stamp=datetime(2024, 1, 5, tzinfo=UTC))).report
    assert report.written == (STATE_FILE,)
    for path in OUTPUT.rglob("*"):
        if path.is_file():
            assert (output / path.relative_to(OUTPUT)).read_bytes() == path.read_bytes(), path
    upgraded = read_state(output)
    assert upgraded is not None
    assert upgraded.content_scheme == 2


def test_upgrading_with_an_edit_moves_only_the_edited_events_last_modified(
    tmp_path: Path, events_copy: Path
) -> None:
    output = tmp_path / "output"
    shutil.copytree(OUTPUT, output)
    legacy_state(output)
    text = events_copy.read_text(encoding="utf-8")
    events_copy.write_text(text.replace('"Sungduk Yu"', '"Sungduk Yu, Jr."'), encoding="utf-8")
    later = datetime(2024, 1, 5, tzinfo=UTC)
    build(events_copy, output, BuildOptions(stamp=later))
    events, committed = parsed((output / "all.ics").read_bytes()), parsed((OUTPUT / "all.ics").read_bytes())
    moved = {uid for uid in events if events[uid].last_modified != committed[uid].last_modified}
    climsim = {"neurips-2023.climsim.oral@confcal", "neurips-2023.climsim.poster@confcal"}
    assert moved == climsim
    for uid in climsim:
        assert events[uid].last_modified == later
        assert events[uid].sequence == committed[uid].sequence == 0  # only text changed


def test_a_content_scheme_confcal_does_not_know_is_a_located_problem() -> None:
    document = json.loads((OUTPUT / STATE_FILE).read_text(encoding="utf-8"))
    document["content_scheme"] = 3
    with pytest.raises(StateFileError) as caught:
        parse_state(json.dumps(document).encode(), name="state.json")
    assert "content_scheme: expected 1 or 2, found 3" in str(caught.value.problems[0])
