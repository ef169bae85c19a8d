"""The state file's short cuts give what the plain path gives: an entry read without a check per
value (``state._written_entry``) is the entry read value by value, and a stamp written once per
time (``state._stamp``) is the stamp strftime writes."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confcal import state
from confcal.model import Event, Paper, Revision
from confcal.state import (
    SCHEMA,
    STATE_FILE,
    Entry,
    StateFile,
    StateFileError,
    dump_state,
    parse_state,
)
from tests.conftest import OUTPUT

COMMITTED = json.loads((OUTPUT / STATE_FILE).read_text(encoding="utf-8"))
ENTRIES = sorted(COMMITTED["events"].items())

DELETED = "(deleted)"
TEXTS: list[object] = ["", " ", "Hall A", " Hall A", "Hall A ", "tab\there", "two\nlines", "bell\x07"]
TEXTS += ["next\x85line", "nbsp\xa0inside", "\xa0", "\u3000", "lone \ud800", "bidi \u202e", "zero\u200bwidth"]
TEXTS += [1, None, ["Hall A"]]
IDS: list[object] = ["", "oral-1a", "Oral-1a", "oral--1a", "con", "a" * 80, "a" * 81, 0, None]
NAMES: list[object] = [[], ["Ada Lovelace"], [""], [" Ada"], ["Ada", None], ["Ada", "two\nlines"]]
NAMES += [["nbsp\xa0inside"], "Ada", None]
STAMPS: list[object] = ["2023-12-12T15:40:00Z", "2023-12-12T23:00:00Z", "2023-12-13T00:00:00Z"]
STAMPS += [
    "2023-13-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-01-01T00:00:00Z",
    "2023-12-12T15:40:00+00:00",
]
STAMPS += ["2023-12-12 15:40:00Z", 0]
# For each key of an entry (a paper's with "paper."), values a hand-edited or damaged file may hold
# there: each right or wrong in its own way.
NEAR_MISSES: dict[str, list[object]] = {
    "sequence": [0, -1, 2**31 - 1, 2**31, True, 1.5, "1", None],
    "status": ["confirmed", "cancelled", "removed", "Removed", 1, None],
    "content": ["0" * 64, "0" * 63, "A" * 64, 1],
    "start": STAMPS,
    "end": STAMPS,
    "last_modified": STAMPS,
    "session": TEXTS,
    "room": TEXTS,
    "level": TEXTS,
    "board": TEXTS,
    "url": TEXTS,
    "where": TEXTS,
    "conference_venue": TEXTS,
    "label": TEXTS,
    "speakers": NAMES,
    "venue": IDS,
    "session_id": IDS,
    "room_id": IDS,
    "streamed": [None, True, False, 0, "yes"],
    "kept": [True, False, None, 1, "true"],
    "position": [1, 2, 0, -1, True, None, "2", 1.0],
    "paper": [{}, None, "T"],
    "unknown": [1],
    "paper.title": TEXTS,
    "paper.category": IDS,
    "paper.subcategory": TEXTS,
    "paper.url": TEXTS,
    "paper.authors": NAMES,
    "paper.table": ["", "papers", "items", "Papers", None, 1],
    "paper.unknown": [1],
}
assert NEAR_MISSES.keys() >= {*SCHEMA["entry"], *(f"paper.{key}" for key in SCHEMA["paper"])}
EDIT = st.sampled_from(sorted(NEAR_MISSES)).flatmap(
    lambda key: st.tuples(st.just(key), st.sampled_from([DELETED, *NEAR_MISSES[key]]) | st.text(max_size=3))
)


def edited(table: dict[str, Any], edits: list[tuple[str, object]]) -> dict[str, Any]:
    table = json.loads(json.dumps(table))
    for key, value in edits:
        target, name = table, key
        if key.startswith("paper."):
            if not isinstance(table.get("paper"), dict):
                continue
            target, name = table["paper"], key.removeprefix("paper.")
        if value == DELETED:
            target.pop(name, None)
        else:
            target[name] = value
    return table


def read_both(event_id: str, table: dict[str, Any]) -> tuple[Entry | None, Entry | None, list[str]]:
    """The entry read without a check per value, and value by value with its problems."""
    match = state._EVENT_ID.fullmatch(event_id)
    assert match is not None
    reader = state._StateReader(name=STATE_FILE, schema=SCHEMA)
    checked = state._checked_entry(reader, match, table, f"events.{event_id}")
    return state._written_entry(match, table), checked, [str(problem) for problem in reader.problems]


def same_reading(event_id: str, table: dict[str, Any]) -> bool:
    """Whether ``_written_entry`` reads ``table`` as ``_checked_entry`` does, or leaves it to it."""
    written, checked, problems = read_both(event_id, table)
    return written is None or (problems == [] and written == checked)


@pytest.mark.parametrize(("event_id", "table"), ENTRIES[:3])
def test_an_entry_with_one_value_changed_is_read_as_value_by_value(
    event_id: str, table: dict[str, Any]
) -> None:
    differ = [
        (key, value)
        for key, values in NEAR_MISSES.items()
        for value in (DELETED, *values)
        if not same_reading(event_id, edited(table, [(key, value)]))
    ]
    assert differ == []


@settings(max_examples=300)
@given(st.sampled_from(ENTRIES), st.lists(EDIT, max_size=4))
def test_an_entry_read_at_once_is_the_entry_read_value_by_value(
    item: tuple[str, dict[str, Any]], edits: list[tuple[str, object]]
) -> None:
    assert same_reading(item[0], edited(item[1], edits))


def test_each_committed_entry_is_read_at_once() -> None:
    for event_id, table in ENTRIES:
        assert read_both(event_id, table)[0] is not None, event_id
        assert same_reading(event_id, table)


# Text as a build writes it: no space around it and nothing the reader refuses (a programme's
# text may hold characters that are not printable, such as a no-break space).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl"]), max_size=6).map(str.strip)
NAME = TEXT.filter(bool)
ID = st.from_regex(r"[a-z0-9]{1,4}(-[a-z0-9]{1,3})?", fullmatch=True).filter(
    lambda s: s not in ("con", "nul")
)
INSTANT = st.datetimes(datetime(1970, 1, 2), datetime(9998, 12, 30)).map(
    lambda value: value.replace(microsecond=0, tzinfo=UTC)
)


@st.composite
def entries(draw: st.DrawFn) -> tuple[str, Entry]:
    paper_id, kind, number = (
        draw(ID),
        draw(st.sampled_from(["oral", "poster", "talk", "break"])),
        draw(st.integers(1, 3)),
    )
    start = draw(INSTANT)
    unknown = draw(st.booleans())  # a kept cancellation whose streaming was not recorded
    streamed = None if unknown else draw(st.sampled_from([None, True, False]))
    removed = draw(st.booleans())  # a removed slot's file records no other status
    event = Event(
        paper=paper_id,
        kind=kind,
        number=number,
        session=draw(NAME),
        start=start,
        end=start + timedelta(minutes=draw(st.integers(1, 600))),
        room=draw(TEXT),
        level=draw(TEXT),
        board=draw(TEXT),
        speakers=tuple(draw(st.lists(NAME, max_size=2))),
        status="confirmed" if removed else draw(st.sampled_from(["confirmed", "cancelled"])),
        venue=draw(st.just("") | ID),
        session_id=draw(st.just("") | ID),
        streamed=streamed,
        stream_url="" if streamed is None else draw(TEXT),
        streaming_unknown=unknown,
    )
    paper = Paper(
        id=paper_id,
        category=draw(st.just("") | ID),
        title=draw(NAME),
        authors=tuple(draw(st.lists(NAME, max_size=3))),
        subcategory=draw(TEXT),
        url=draw(TEXT),
        table=draw(st.sampled_from(["", "papers", "items"])),
    )
    entry = Entry(
        Revision(draw(st.integers(0, 2**31 - 1)), draw(INSTANT)),
        event,
        paper,
        draw(st.from_regex(r"[0-9a-f]{64}", fullmatch=True)),
        removed=removed,
        where=draw(st.none() | TEXT),
        streaming_known=unknown or streamed is not None,
        kept=draw(st.booleans()),
        position=draw(st.none() | st.integers(1, 5)),
        conference_venue=draw(st.none() | NAME),
    )
    return event.id, entry


@given(st.lists(entries(), max_size=4, unique_by=lambda item: item[0]))
def test_every_entry_a_build_writes_is_read_back_at_once(written: list[tuple[str, Entry]]) -> None:
    """No entry as the writer writes it takes the slow path, and each reads back as it was."""
    raw = dump_state(StateFile(dict(written)))
    tables = json.loads(raw)["events"]
    for event_id, entry in written:
        fast, checked, problems = read_both(event_id, tables[event_id])
        assert problems == []
        assert fast == checked == entry


def parsed(raw: bytes) -> StateFile | list[str]:
    try:
        return parse_state(raw, name=STATE_FILE)
    except StateFileError as error:
        return [str(problem) for problem in error.problems]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from([event_id for event_id, _ in ENTRIES]), st.lists(EDIT, max_size=3)))
)
def test_a_state_file_reads_as_it_does_value_by_value(damage: list[tuple[str, list[Any]]]) -> None:
    """The same state, or the same problems in the same order, as with no entry read at once."""
    document = json.loads(json.dumps(COMMITTED))
    for event_id, edits in damage:
        document["events"][event_id] = edited(document["events"][event_id], edits)
    raw = json.dumps(document).encode()
    with mock.patch.object(state, "_written_entry", return_value=None):
        plain = parsed(raw)
    assert parsed(raw) == plain


ZONES = [
    None,
    UTC,
    timezone(timedelta(hours=-5)),
    ZoneInfo("America/New_York"),
    ZoneInfo("Australia/Lord_Howe"),
]


@given(
    st.lists(
        st.tuples(st.datetimes(), st.sampled_from(ZONES), st.sampled_from(ZONES), st.sampled_from([0, 1])),
        max_size=6,
    )
)
def test_a_stamp_is_what_strftime_writes(times: list[tuple[datetime, Any, Any, int]]) -> None:
    """Also for equal times at other offsets (the same instant elsewhere, or a repeated hour)."""
    values = []
    for value, zone, other, fold in times:
        value = value.replace(tzinfo=zone, fold=fold)
        values.append(value)
        if zone is not None and other is not None:
            with contextlib.suppress(OverflowError):  # at the ends of the datetime range
                values.append(value.astimezone(other))
    assert [state._stamp(value) for value in values] == [
        value.strftime(state._STAMP_FORMAT) for value in values
    ]


@pytest.mark.parametrize("year", [1, 999, 1970, 9999])
def test_a_stamp_of_any_year_is_what_strftime_writes(year: int) -> None:
    value = datetime(year, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert state._stamp(value) == value.strftime(state._STAMP_FORMAT)
