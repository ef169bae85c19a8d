"""The direct VEVENT serialiser writes icalendar's bytes, for any value confcal can write."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import pytz
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synth import programme as synthetic
from confcal import zones
from confcal.load import load, parse
from confcal.model import Revision
from confcal.render import (
    CalendarHeads,
    calendar_component,
    conference_uri,
    event_component,
    event_properties,
    render_event,
    serialise,
)
from confcal.vevent import (
    CANONICAL_ORDER,
    INTEGER_RANGE,
    PROPERTY_TYPES,
    UTC_ZONES,
    Uri,
    content_line,
    duration,
    icalendar_line,
    serialise_event,
)
from tests.conftest import EVENTS

ZONES = ["America/Chicago", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"]

# Any text, with the characters that escaping and folding treat specially drawn often.
# Without a backslash before N: icalendar turns that into a line break, confcal keeps it
# (test_a_backslash_n_reads_back_as_written).
texts = (
    st.text(alphabet=st.sampled_from("aZ \\;,:^\"'\n\r\tNné€😀\u0301\x00\x7f"), max_size=200) | st.text()
).filter(lambda text: "\\N" not in text)
# URLs come from the loader, which refuses control characters.
urls = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=120)
naive = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31))


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """Aware date-times in pytz, zoneinfo and fixed-offset zones, with seconds and microseconds."""
    moment = draw(naive)
    kind = draw(st.sampled_from(["pytz", "zoneinfo", "offset", "utc"]))
    if kind == "pytz":
        return pytz.timezone(draw(st.sampled_from(ZONES))).localize(moment, is_dst=draw(st.booleans()))
    if kind == "zoneinfo":
        return moment.replace(tzinfo=ZoneInfo(draw(st.sampled_from(ZONES))))
    if kind == "offset":
        return moment.replace(tzinfo=timezone(timedelta(minutes=draw(st.integers(-23 * 60, 23 * 60)))))
    return moment.replace(tzinfo=draw(st.sampled_from([UTC, pytz.utc])))


values = {
    "uid": texts,
    "summary": texts,
    "location": texts,
    "description": texts,
    "status": texts,
    "url": urls,
    "categories": st.lists(texts, min_size=1, max_size=4),
    "sequence": st.integers(min_value=-(2**31), max_value=2**31 - 1) | st.integers(),
    "dtstamp": instants(),
    "dtstart": instants(),
    "dtend": instants(),
    "last-modified": instants(),
    "conference": urls.map(conference_uri),
}


def icalendar_bytes(properties: list[tuple[str, object]]) -> bytes:
    component = icalendar.Event()
    for name, value in properties:
        if isinstance(value, Uri):
            value = icalendar.vUri(value.uri, params=dict(value.parameters))
        component.add(name, value)
    return bytes(component.to_ical())


def outcome(
    write: Callable[[list[tuple[str, object]]], bytes], properties: list[tuple[str, object]]
) -> object:
    """The bytes written, or the kind of error raised (icalendar refuses some values)."""
    try:
        return write(properties)
    except (ValueError, TypeError, AssertionError) as error:
        return type(error)


@given(st.data())
@settings(max_examples=400)
def test_every_property_is_written_as_icalendar_writes_it(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(values)))
    value = data.draw(values[name])
    assert outcome(serialise_event, [(name, value)]) == outcome(icalendar_bytes, [(name, value)])


@pytest.mark.parametrize("name", ["url", "conference"])
@pytest.mark.parametrize("link", ["\ufeff", "\ufeffhttps://example.org/", "\ufeff\ufeffa", "a\ufeff"])
def test_a_byte_order_mark_in_a_link_is_written_as_icalendar_writes_it(name: str, link: str) -> None:
    value = conference_uri(link) if name == "conference" else link
    assert serialise_event([(name, value)]) == icalendar_bytes([(name, value)])


@given(
    st.lists(
        st.sampled_from(sorted(values)).flatmap(lambda name: st.tuples(st.just(name), values[name])),
        max_size=14,
    )
)
@settings(max_examples=300)
def test_any_set_of_properties_in_any_order_gives_icalendars_bytes(
    properties: list[tuple[str, object]],
) -> None:
    assert outcome(serialise_event, properties) == outcome(icalendar_bytes, properties)


@given(st.text(alphabet=st.sampled_from("aN\\n ;,"), max_size=40).map(lambda text: f"{text}\\N{text}"))
@settings(max_examples=100)
def test_a_backslash_n_reads_back_as_written(text: str) -> None:
    """icalendar writes a literal backslash-N as the escape of a line break; confcal does not."""
    from ical.calendar_stream import IcsCalendarStream

    event = serialise_event([("uid", "x"), ("dtstamp", datetime(2024, 1, 1, tzinfo=UTC)), ("summary", text)])
    document = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + event + b"END:VCALENDAR\r\n"
    (parsed,) = IcsCalendarStream.calendar_from_ics(document.decode()).events
    assert parsed.summary == text


def test_an_unusual_value_is_left_to_icalendar() -> None:
    properties: list[tuple[str, object]] = [("categories", "One, two"), ("x-custom", 3), ("geo", (1.5, 2.25))]
    assert content_line("x-custom", 3) == "X-CUSTOM:3"
    assert serialise_event(properties) == icalendar_bytes(properties)


@pytest.mark.parametrize("source", ["award", "synthetic"])
def test_every_event_of_a_programme_is_icalendars_event(source: str) -> None:
    programme = load(EVENTS) if source == "award" else parse(synthetic(papers=60, seed=5).encode(), name="s")
    revision = Revision(sequence=3, last_modified=datetime(2024, 2, 29, 12, 30, tzinfo=UTC))
    for event in programme.events:
        for with_revision in (None, revision):
            expected = serialise(event_component(programme, event, with_revision))
            assert render_event(programme, event, with_revision) == expected, event.id
            assert expected == icalendar_bytes(event_properties(programme, event, with_revision))


@pytest.mark.parametrize(
    "properties",
    [
        [("description", "\ufeff")],
        [("summary", "\ufeff\ufeffa")],
        [("categories", ["\ufeffa", "b"])],
        [("categories", ["", "\ufeff"])],  # only the line's first: hypothesis found this one
        [("categories", ["a", "\ufeffb"])],
    ],
)
def test_a_leading_byte_order_mark_is_dropped_as_icalendar_drops_it(
    properties: list[tuple[str, object]],
) -> None:
    assert outcome(serialise_event, properties) == outcome(icalendar_bytes, properties)


AWARD = load(EVENTS)


@given(st.integers(min_value=0, max_value=2**31 - 1), instants(), st.sampled_from(["", "Moved: was then."]))
@settings(max_examples=100)
def test_a_body_completed_with_any_revision_is_the_whole_event(
    sequence: int, stamp: datetime, notice: str
) -> None:
    """The body is rendered once and each revision's lines spliced in (``render.finish``)."""
    revision = Revision(sequence=sequence, last_modified=stamp, notice=notice)
    for event in AWARD.events[:4]:
        expected = icalendar_bytes(event_properties(AWARD, event, revision))
        assert render_event(AWARD, event, revision) == expected


def test_the_property_types_order_and_bounds_are_icalendars() -> None:
    kinds = {
        "text": icalendar.vText,
        "uri": icalendar.vUri,
        "categories": icalendar.vCategory,
        "integer": icalendar.vInt,
        "instant": icalendar.vDDDTypes,
        "utc": icalendar.vDDDTypes,
    }
    for name, kind in PROPERTY_TYPES.items():
        assert icalendar.Event.types_factory.for_property(name) is kinds[kind], name
    assert icalendar.Event.canonical_order == CANONICAL_ORDER
    assert (icalendar.vInt.min, icalendar.vInt.max) == INTEGER_RANGE


@pytest.mark.parametrize("name", sorted(zones.names()))
def test_every_zone_is_written_as_icalendar_writes_it(name: str) -> None:
    """The TZID (or a Z, for the zones icalendar finds equal to UTC) of each zone confcal accepts."""
    try:
        place = zones.zone(name)
    except zones.UnknownZoneError:
        return
    for moment in (datetime(2023, 12, 12, 15, 40, 5), datetime(2024, 7, 1, 9, 0), datetime(1901, 3, 1)):
        value = moment.replace(tzinfo=place)
        for property_name in ("dtstart", "dtstamp"):
            assert content_line(property_name, value) == icalendar_line(property_name, value), name
    assert (name in UTC_ZONES) == content_line("dtstart", datetime(2024, 1, 1, tzinfo=place)).endswith("Z")


@given(st.timedeltas())
@settings(max_examples=300)
def test_durations_are_written_as_icalendar_writes_them(value: timedelta) -> None:
    assert duration(value).encode() == bytes(icalendar.vDuration(value).to_ical())  # type: ignore[no-untyped-call]


@given(
    texts.filter(lambda text: "\r" not in text),
    texts,
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=7)),
    urls,
    st.sampled_from(ZONES),
)
@settings(max_examples=150)
def test_a_feeds_head_is_icalendars_calendar(
    name: str, text: str, interval: timedelta, website: str, zone: str
) -> None:
    """CalendarHeads writes what icalendar serialises for the feed's calendar, for any values."""
    from confcal.feeds import Feed

    conference = dataclasses.replace(
        AWARD.conference, refresh_interval=interval, website=website, timezone=zone
    )
    programme = dataclasses.replace(AWARD, conference=conference)
    events = tuple(
        dataclasses.replace(
            e, start=e.start.astimezone(zones.zone(zone)), end=e.end.astimezone(zones.zone(zone))
        )
        for e in programme.events
    )
    programme = dataclasses.replace(programme, events=events)
    feed = Feed(id="x", name=name, description=text, events=())
    heads = CalendarHeads(programme)
    expected = serialise(calendar_component(programme, feed))
    assert expected.endswith(b"END:VCALENDAR\r\n")
    assert heads(feed) == expected.removesuffix(b"END:VCALENDAR\r\n") + heads.vtimezone


@pytest.mark.parametrize("name", sorted(zones.names()))
def test_every_zones_vtimezone_is_what_icalendar_writes_for_it(name: str) -> None:
    """The VTIMEZONE written directly (``vevent.serialise_vtimezone``) is icalendar's serialisation
    of the same component, read back by icalendar."""
    try:
        zones.zone(name)
    except zones.UnknownZoneError:
        return
    data = zones.vtimezone(name, date(2024, 1, 1), date(2025, 1, 1))
    assert bytes(icalendar.Timezone.from_ical(data).to_ical()) == data


@pytest.mark.parametrize(
    "name", ["America/Chicago", "Africa/Casablanca", "Australia/Lord_Howe", "Asia/Kolkata"]
)
def test_a_vtimezone_over_many_years_is_what_icalendar_writes_for_it(name: str) -> None:
    """Long RDATE lists (folded) and historical offsets with seconds."""
    data = zones.vtimezone(name, date(1890, 1, 1), date(2040, 1, 1))
    assert b"RDATE:" in data or name == "Asia/Kolkata"
    assert bytes(icalendar.Timezone.from_ical(data).to_ical()) == data
