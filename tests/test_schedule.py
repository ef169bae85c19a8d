"""schedule.xml and schedule.json: valid against the c3voc schemas, same instants as the feeds."""

from __future__ import annotations

import itertools
import json
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from confcal import zones
from confcal.build import build
from confcal.schedule import acronym, event_times, numeric_ids, times_key
from confcal.settings import BuildOptions
from tests.conftest import EVENTS
from tests.helpers import parse_events
from tests.small_programme import HEAD, paper, slot


def validate(folder: Path, schemas: Path) -> None:
    import jsonschema
    import xmlschema

    xmlschema.XMLSchema(str(schemas / "schedule.xml.xsd")).validate(str(folder / "schedule.xml"))
    schema = json.loads((schemas / "schedule.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(
        json.loads((folder / "schedule.json").read_bytes())
    )


def xml_events(folder: Path) -> dict[str, dict[str, Any]]:
    """guid → what an app reads from schedule.xml: day, room, instants, text."""
    root = ET.parse(folder / "schedule.xml").getroot()
    found = {}
    for day in root.iter("day"):
        for room in day.iter("room"):
            for event in room.iter("event"):
                start = datetime.fromisoformat(event.findtext("date", ""))
                hours, minutes = event.findtext("duration", "").split(":")
                found[event.attrib["guid"]] = {
                    "id": int(event.attrib["id"]),
                    "day": day.attrib["date"],
                    "room": room.attrib["name"],
                    "start": start,
                    "end": start + timedelta(hours=int(hours), minutes=int(minutes)),
                    "title": event.findtext("title"),
                    "subtitle": event.findtext("subtitle"),
                    "persons": [p.text for p in event.iter("person")],
                }
    return found


def json_events(folder: Path) -> dict[str, dict[str, Any]]:
    document = json.loads((folder / "schedule.json").read_bytes())
    return {
        event["guid"]: {**event, "day": day["date"], "room_key": room}
        for day in document["schedule"]["conference"]["days"]
        for room, events in day["rooms"].items()
        for event in events
    }


EDGE = (
    HEAD.replace('id = "conf"', 'id = "ab"')
    + paper(
        "late",
        slot("oral", "2024-06-03T10:00:00", "2024-06-03T10:30:00")
        + '\n[papers.poster]\nsession = "Evening posters"\nstart = 2024-06-03T23:30:00\n'
        'end = 2024-06-04T01:30:00\nboard = "B7"\n',
    )
    + paper(
        "gone",
        slot("talk", "2024-06-04T09:00:00", "2024-06-04T09:20:00", place='status = "cancelled"'),
    )
    + paper("nowhere", slot("talk", "2024-06-05T03:00:00", "2024-06-05T03:20:00", place=""))
)


@pytest.fixture
def edge_build(tmp_path: Path) -> Path:
    events = tmp_path / "edge.toml"
    events.write_text(EDGE, encoding="utf-8")
    build(events, tmp_path / "out", BuildOptions(base_url="https://example.org/conf/"))
    return tmp_path / "out"


def test_shipped_schedules_are_valid(schemas: Path, tmp_path: Path) -> None:
    build(EVENTS, tmp_path)
    validate(tmp_path, schemas)


def test_edge_cases_are_valid(schemas: Path, edge_build: Path) -> None:
    validate(edge_build, schemas)


def test_instants_equal_the_feed_instants(tmp_path: Path) -> None:
    build(EVENTS, tmp_path)
    feed = parse_events((tmp_path / "all.ics").read_bytes())
    from_xml = xml_events(tmp_path)
    from_json = json_events(tmp_path)
    expected = {
        str(uuid.uuid5(uuid.NAMESPACE_URL, event.uid)): (event.start, event.end, event.summary)
        for event in feed
    }
    assert len(expected) == len(feed) == 13
    assert set(from_xml) == set(from_json) == set(expected)
    for guid, (start, end, summary) in expected.items():
        xml_event, json_event = from_xml[guid], from_json[guid]
        assert (xml_event["start"].astimezone(UTC), xml_event["end"].astimezone(UTC)) == (start, end)
        assert datetime.fromisoformat(json_event["date"]).astimezone(UTC) == start
        assert datetime.fromisoformat(json_event["end"]).astimezone(UTC) == end
        assert summary.endswith(xml_event["title"])
        assert json_event["id"] == xml_event["id"]


def test_one_oral_by_hand(tmp_path: Path) -> None:
    """Privacy auditing, oral: 2023-12-12 15:40–16:40 America/Chicago (UTC-6) in RO6-RO9, level 2."""
    build(EVENTS, tmp_path)
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, "neurips-2023.privacy-auditing-one-training-run.oral@confcal"))
    event = xml_events(tmp_path)[guid]
    assert event["start"] == datetime(2023, 12, 12, 21, 40, tzinfo=UTC)
    assert event["end"] == datetime(2023, 12, 12, 22, 40, tzinfo=UTC)
    assert (event["day"], event["room"], event["subtitle"]) == (
        "2023-12-12",
        "RO6-RO9 (Level 2)",
        "Oral 2D Privacy",
    )
    assert event["persons"] == ["Thomas Steinke", "Milad Nasr", "Matthew Jagielski"]
    assert json_events(tmp_path)[guid]["persons"][0] == {
        "name": "Thomas Steinke",
        "public_name": "Thomas Steinke",
    }


def test_guids_and_ids_are_stable_across_builds(tmp_path: Path) -> None:
    build(EVENTS, tmp_path / "a")
    build(EVENTS, tmp_path / "b")
    assert (tmp_path / "b" / "schedule.xml").read_bytes() == (tmp_path / "a" / "schedule.xml").read_bytes()
    first = {g: e["id"] for g, e in xml_events(tmp_path / "a").items()}
    second = {g: e["id"] for g, e in xml_events(tmp_path / "b").items()}
    assert first == second
    assert len(set(first.values())) == len(first)
    committed = xml_events(Path(__file__).resolve().parent.parent / "output")
    assert {g: e["id"] for g, e in committed.items()} == first


def test_version_changes_exactly_when_the_programme_does(tmp_path: Path, events_copy: Path) -> None:
    def version(folder: Path) -> str:
        return str(json.loads((folder / "schedule.json").read_bytes())["schedule"]["version"])

    build(events_copy, tmp_path / "a")
    build(events_copy, tmp_path / "b")
    assert version(tmp_path / "a") == version(tmp_path / "b")
    text = events_copy.read_text(encoding="utf-8")
    events_copy.write_text(text.replace('room = "RO6-RO9"', 'room = "RO10"', 1), encoding="utf-8")
    build(events_copy, tmp_path / "c")
    assert version(tmp_path / "c") != version(tmp_path / "a")
    root = ET.parse(tmp_path / "c" / "schedule.xml").getroot()
    assert root.findtext("version") == version(tmp_path / "c")


def test_days_change_at_four_posters_share_a_room_cancelled_left_out(edge_build: Path) -> None:
    events = json_events(edge_build)
    by_slug = {e["slug"]: e for e in events.values()}
    assert set(by_slug) == {"ab_2024-late-oral", "ab_2024-late-poster", "ab_2024-nowhere-talk"}
    poster = by_slug["ab_2024-late-poster"]
    assert (poster["day"], poster["room"], poster["subtitle"]) == ("2024-06-03", "Posters", "Poster board B7")
    assert poster["date"] == "2024-06-03T23:30:00+02:00"
    assert poster["duration"] == "02:00"
    talk = by_slug["ab_2024-nowhere-talk"]
    assert (talk["day"], talk["room"]) == ("2024-06-04", "Hall")  # 03:00 belongs to the day before
    document = json.loads((edge_build / "schedule.json").read_bytes())
    days = document["schedule"]["conference"]["days"]
    assert [d["date"] for d in days] == ["2024-06-03", "2024-06-04", "2024-06-05"]
    assert days[0]["day_start"] == "2024-06-03T04:00:00+02:00"
    assert days[0]["day_end"] == "2024-06-04T04:00:00+02:00"
    root = ET.parse(edge_build / "schedule.xml").getroot()
    assert root.findtext("url") == "https://example.org/conf/schedule.xml"
    assert root.findtext("conference/acronym") == "ab_2024"


@pytest.mark.parametrize(
    ("conference_id", "expected"),
    [("neurips-2023", "neurips_2023"), ("36c3", "36c3"), ("ab", "ab_2024"), ("a-b", "a_b_2024")],
)
def test_acronym_fits_the_json_pattern(conference_id: str, expected: str) -> None:
    assert acronym(conference_id, 2024) == expected


def test_numeric_id_collisions_take_the_next_free_number() -> None:
    # These two UIDs share the first four bytes of their SHA-256 modulo 2^31 - 1.
    first, second = "c.p35013.oral@confcal", "c.p58738.oral@confcal"
    assert numeric_ids([first]) == {first: 1843712345}
    assert numeric_ids([second]) == {second: 1843712345}
    assert numeric_ids([second, first]) == {first: 1843712345, second: 1843712346}


def test_index_links_the_schedules_and_giggity(edge_build: Path) -> None:
    page = (edge_build / "index.html").read_text(encoding="utf-8")
    assert 'href="schedule.xml"' in page
    assert 'href="schedule.json"' in page
    assert 'href="https://ggt.gaa.st/#url=https://example.org/conf/schedule.xml"' in page


def test_index_without_base_url_has_no_giggity_link(tmp_path: Path) -> None:
    build(EVENTS, tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="schedule.xml"' in page
    assert "ggt.gaa.st" not in page


def test_an_international_public_address_is_written_in_ascii_in_every_file(
    schemas: Path, tmp_path: Path
) -> None:
    """As the page's links write it (site.public_address): the host in IDNA, the path
    percent-encoded; schedule.xml and .json, and changes.atom, held it as typed."""
    from tests.conftest import ROOT

    base = "https://xn--bcher-kva.example/konferenz-%C3%B6/"
    build(
        ROOT / "tests" / "programmes" / "workshop.toml",
        tmp_path,
        BuildOptions(base_url="https://bücher.example/konferenz-ö/"),
    )
    validate(tmp_path, schemas)
    root = ET.parse(tmp_path / "schedule.xml").getroot()
    assert root.findtext("url") == f"{base}schedule.xml"
    assert root.findtext("conference/base_url") == base
    assert json.loads((tmp_path / "schedule.json").read_bytes())["schedule"]["base_url"] == base
    atom = ET.parse(tmp_path / "changes.atom").getroot()
    links = {
        link.attrib["rel"]: link.attrib["href"] for link in atom.iter("{http://www.w3.org/2005/Atom}link")
    }
    assert links == {"alternate": f"{base}changes.html", "self": f"{base}changes.atom"}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert "bücher" not in text, path.name
            assert "konferenz-ö" not in text, path.name


def test_workshop_programme_is_valid(schemas: Path, tmp_path: Path) -> None:
    """Declared kinds, items without a category or authors, several slots of a kind, venues."""
    from tests.conftest import ROOT

    build(ROOT / "tests" / "programmes" / "workshop.toml", tmp_path)
    validate(tmp_path, schemas)
    slugs = [e["slug"] for e in json_events(tmp_path).values()]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize("source", ["award", "synthetic"])
def test_the_version_is_the_digest_of_the_whole_document_encoded_at_once(source: str) -> None:
    """The version is put together from each event's JSON: the same as encoding it whole."""
    import hashlib

    from benchmarks.synth import programme as synthetic
    from confcal.load import load, parse
    from confcal.schedule import document

    programme = load(EVENTS) if source == "award" else parse(synthetic(papers=80, seed=2).encode(), name="s")
    schedule = dict(document(programme)["schedule"])
    version, schedule["version"] = schedule["version"], ""
    whole = json.dumps(schedule, ensure_ascii=False, separators=(",", ":")).encode()
    assert version == hashlib.sha256(whole).hexdigest()[:16]


def test_a_cached_entry_is_used_only_with_the_same_numeric_id() -> None:
    """The cache holds each event's text by its render key; an entry whose numeric id another
    event has since taken is made again, and the cache keeps only this programme's events."""
    from confcal.load import load
    from confcal.render import event_keys
    from confcal.schedule import ScheduleCacheEntry, render_schedules

    programme = load(EVENTS)
    keys = event_keys(programme)
    cache: dict[str, ScheduleCacheEntry] = {"gone": (1, "2023-12-10", "Hall", "{}", "<event/>")}
    fresh = render_schedules(programme, cache=cache, keys=keys)
    assert set(cache) == {keys[event.id] for event in programme.events if event.status != "cancelled"}
    assert render_schedules(programme, cache=cache, keys=keys) == fresh
    renumbered = {
        key: (number + 1, day, room, "{}", "<event/>") for key, (number, day, room, *_) in cache.items()
    }
    assert render_schedules(programme, cache=renumbered, keys=keys) == fresh
    reused = {
        key: (number, day, room, '{"reused":1}', "<reused/>")
        for key, (number, day, room, *_) in cache.items()
    }
    assert b'{"reused":1}' in render_schedules(programme, cache=reused, keys=keys)["schedule.json"]


def test_the_two_files_are_made_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build writes schedule.xml before schedule.json is made, so it never holds both (each is
    close to 100 MB at ten times NeurIPS size); the files are those of render_schedules."""
    from confcal import schedule
    from confcal.load import load

    programme = load(EVENTS)
    made: list[str] = []
    render_json = schedule.render_json

    def spy(document: schedule.Document) -> bytes:
        made.append("json")
        return render_json(document)

    monkeypatch.setattr(schedule, "render_json", spy)
    files = schedule.schedule_files(programme)
    assert next(files)[0] == schedule.SCHEDULE_XML
    assert made == []
    assert next(files)[0] == schedule.SCHEDULE_JSON
    assert made == ["json"]
    assert dict(schedule.schedule_files(programme)) == schedule.render_schedules(programme)


def clock_change(first: str, start: str, end: str) -> str:
    """A three-day conference from ``first`` with one talk from ``start`` to ``end``."""
    year, month, day = map(int, first.split("-"))
    last = datetime(year, month, day) + timedelta(days=2)
    head = HEAD.replace("2024-06-03", first).replace("2024-06-05", f"{last:%Y-%m-%d}")
    return head + paper("across", slot("talk", start, end))


CLOCK_CHANGES = {
    # Europe/Berlin. Spring: 01:30 CET = 00:30Z to 04:00 CEST = 02:00Z, 1 h 30 (2 h 30 on the clock).
    "spring": (
        clock_change("2026-03-28", "2026-03-29T01:30:00", "2026-03-29T04:00:00"),
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC), "01:30"),
    ),
    # Autumn: 01:30 CEST = 23:30Z (24 Oct) to 04:00 CET = 03:00Z, 3 h 30 (2 h 30 on the clock).
    "autumn": (
        clock_change("2026-10-24", "2026-10-25T01:30:00", "2026-10-25T04:00:00"),
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), datetime(2026, 10, 25, 3, 0, tzinfo=UTC), "03:30"),
    ),
}


@pytest.mark.parametrize("change", CLOCK_CHANGES)
def test_an_event_across_a_clock_change_lasts_its_real_length(
    change: str, schemas: Path, tmp_path: Path
) -> None:
    """Apps take end = start + duration: the duration is the time that passes, not the clock's.
    Checked against instants worked out by hand and against the feed as the `ical` package reads it."""
    text, (start, end, duration) = CLOCK_CHANGES[change]
    events = tmp_path / "clocks.toml"
    events.write_text(text, encoding="utf-8")
    build(events, tmp_path / "out")
    validate(tmp_path / "out", schemas)
    uid = "conf.across.talk@confcal"
    feed = {e.uid: (e.start, e.end) for e in parse_events((tmp_path / "out" / "all.ics").read_bytes())}
    assert feed[uid] == (start, end)
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, uid))
    xml_event, json_event = xml_events(tmp_path / "out")[guid], json_events(tmp_path / "out")[guid]
    assert (xml_event["start"], xml_event["end"]) == (start, end)
    assert json_event["duration"] == duration
    hours, minutes = map(int, json_event["duration"].split(":"))
    assert datetime.fromisoformat(json_event["date"]) + timedelta(hours=hours, minutes=minutes) == end
    assert datetime.fromisoformat(json_event["end"]) == end


def day_spans(folder: Path) -> list[tuple[str, datetime, datetime, list[datetime]]]:
    """Each day of schedule.xml: its date, start, end and the starts of its events."""
    root = ET.parse(folder / "schedule.xml").getroot()
    return [
        (
            day.attrib["date"],
            datetime.fromisoformat(day.attrib["start"]),
            datetime.fromisoformat(day.attrib["end"]),
            [datetime.fromisoformat(event.findtext("date", "")) for event in day.iter("event")],
        )
        for day in root.iter("day")
    ]


def test_the_nights_at_both_ends_stay_on_the_conference_days(schemas: Path, tmp_path: Path) -> None:
    """03–05 June: a poster at 02:00 on the 3rd is on the first day (there is no night before
    it); a talk at 02:00 on the 6th is the last day's night. Three dates, three days, each day's
    events within its start and end, days end to end."""
    text = HEAD + paper(
        "early",
        slot("poster", "2024-06-03T02:00:00", "2024-06-03T03:00:00", place='board = "B1"')
        + slot("talk", "2024-06-06T02:00:00", "2024-06-06T03:00:00"),
    )
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    build(tmp_path / "events.toml", tmp_path / "out")
    validate(tmp_path / "out", schemas)
    root = ET.parse(tmp_path / "out" / "schedule.xml").getroot()
    assert (root.findtext("conference/start"), root.findtext("conference/end")) == (
        "2024-06-03",
        "2024-06-05",
    )
    assert root.findtext("conference/days") == "3"
    days = day_spans(tmp_path / "out")
    assert [date for date, *_ in days] == ["2024-06-03", "2024-06-04", "2024-06-05"]
    berlin = timezone(timedelta(hours=2))
    assert days[0][1:] == (
        datetime(2024, 6, 3, 2, 0, tzinfo=berlin),  # begins with its first event, before 04:00
        datetime(2024, 6, 4, 4, 0, tzinfo=berlin),
        [datetime(2024, 6, 3, 2, 0, tzinfo=berlin)],
    )
    assert days[2][1:] == (
        datetime(2024, 6, 5, 4, 0, tzinfo=berlin),
        datetime(2024, 6, 6, 4, 0, tzinfo=berlin),
        [datetime(2024, 6, 6, 2, 0, tzinfo=berlin)],
    )
    for (_, _, end, _), (_, start, _, _) in itertools.pairwise(days):
        assert end == start
    document = json.loads((tmp_path / "out" / "schedule.json").read_bytes())["schedule"]["conference"]
    assert document["daysCount"] == 3
    assert [(d["date"], d["day_start"], d["day_end"]) for d in document["days"]] == [
        (date, start.isoformat(), end.isoformat()) for date, start, end, _ in days
    ]
    assert {e["slug"]: e["day"] for e in json_events(tmp_path / "out").values()} == {
        "conf-early-poster": "2024-06-03",
        "conf-early-talk": "2024-06-05",
    }


OUTSIDE = HEAD + paper(
    "around",
    slot("talk", "2024-06-02T15:00:00", "2024-06-02T16:00:00")  # the day before: a day of its own
    + slot("poster", "2024-06-03T00:30:00", "2024-06-03T01:30:00", place='board = "B1"')
    + slot("oral", "2024-06-07T10:00:00", "2024-06-07T11:00:00"),  # two days after
)


@pytest.mark.parametrize("source", ["award", "edge", "outside"])
def test_every_event_is_within_its_day(source: str, edge_build: Path, tmp_path: Path) -> None:
    """Days follow each other end to end, and each holds its events' starts."""
    folder = edge_build
    if source != "edge":
        events = tmp_path / "events.toml"
        events.write_text(OUTSIDE, encoding="utf-8")
        build(EVENTS if source == "award" else events, tmp_path / source)
        folder = tmp_path / source
    days = day_spans(folder)
    for _, start, end, starts in days:
        assert all(start <= moment < end for moment in starts)
    for (_, _, end, _), (_, start, _, _) in itertools.pairwise(days):
        assert end == start
    if source == "outside":
        assert [(date, len(starts)) for date, _, _, starts in days] == [
            ("2024-06-02", 1),
            ("2024-06-03", 1),
            ("2024-06-04", 0),
            ("2024-06-05", 0),
            ("2024-06-06", 0),
            ("2024-06-07", 1),
        ]


JOIN = "https://meet.example.org/panel"
STREAM = "https://stream.example.org/theory"
ONLINE = (
    HEAD
    + '\n[[items]]\nid = "online-only"\ntitle = "Online panel"\n\n[items.talk]\n'
    + 'session = "Session B: Theory"\nstart = 2024-06-03T10:00:00\nend = 2024-06-03T11:00:00\n'
    + f'url = "{JOIN}"\n'
    + paper(
        "theory",
        slot("talk", "2024-06-03T11:00:00", "2024-06-03T12:00:00", place='room = "R1"\nstreamed = true')
        .replace('session = "Session"', 'session = "Session B: Theory"')
        .replace("streamed = true", f'streamed = true\nurl = "{STREAM}"')
        + '\n[papers.poster]\nsession = "Evening posters"\nstart = 2024-06-03T18:00:00\n'
        'end = 2024-06-03T20:00:00\nboard = "B7"\n',
    )
    + '\n[[papers.links]]\nlabel = "Slides"\nurl = "https://example.org/slides"\n'
)


def test_a_slots_own_url_and_whether_it_is_streamed_are_in_both_files(schemas: Path, tmp_path: Path) -> None:
    """The join link is the slot's first link, in both files; a slot with no place that is
    joined online is in the room Online, not in the venue; the JSON says whether it is streamed."""
    (tmp_path / "online.toml").write_text(ONLINE, encoding="utf-8")
    build(tmp_path / "online.toml", tmp_path / "out")
    validate(tmp_path / "out", schemas)
    by_slug = {e["slug"]: e for e in json_events(tmp_path / "out").values()}
    online, talk, poster = (
        by_slug[f"conf-{k}"] for k in ("online-only-talk", "theory-talk", "theory-poster")
    )
    slides = {"url": "https://example.org/slides", "title": "Slides"}
    assert (online["room"], online["links"], online["do_not_stream"]) == (
        "Online",
        [{"url": JOIN, "title": "Watch or join"}],
        True,
    )
    assert (talk["room"], talk["links"], talk["do_not_stream"]) == (
        "R1",
        [{"url": STREAM, "title": "Watch or join"}, slides],
        False,
    )
    assert (poster["room"], poster["links"], poster["do_not_stream"]) == ("Posters", [slides], True)
    root = ET.parse(tmp_path / "out" / "schedule.xml").getroot()
    links = {
        event.findtext("slug"): [(link.get("href"), link.text) for link in event.iter("link")]
        for event in root.iter("event")
    }
    assert links == {
        slug: [(link["url"], link["title"]) for link in event["links"]] for slug, event in by_slug.items()
    }
    rooms = {event.findtext("slug"): room.get("name") for room in root.iter("room") for event in room}
    assert rooms["conf-online-only-talk"] == "Online"


def test_the_award_programme_says_which_events_are_streamed(tmp_path: Path) -> None:
    """conference.streamed is ["oral", "talk"]: the posters are not streamed."""
    build(EVENTS, tmp_path)
    streamed = {(e["type"], not e["do_not_stream"]) for e in json_events(tmp_path).values()}
    assert streamed == {("oral", True), ("talk", True), ("poster", False)}


AT_THE_BAR = 'venue = "bar"\nroom = "r1"'
ELSEWHERE = (
    HEAD
    + """
[[rooms]]
id = "satellite"
name = "Satellite Hall"
level = "Level 1"
address = "Thamel Hub, Kathmandu, Nepal"

[[rooms]]
id = "r1"
name = "R1"

[[venues]]
id = "bar"
name = "Opera Bar"
address = "Macquarie St, Sydney NSW 2000"
"""
    + paper("remote", slot("talk", "2024-06-03T10:00:00", "2024-06-03T10:30:00", place='room = "satellite"'))
    + paper("local", slot("talk", "2024-06-03T11:00:00", "2024-06-03T11:30:00", place='room = "r1"'))
    + paper("social", slot("talk", "2024-06-03T19:00:00", "2024-06-03T21:00:00", place='venue = "bar"'))
    + paper("terrace", slot("talk", "2024-06-04T19:00:00", "2024-06-04T21:00:00", place=AT_THE_BAR))
)
"""A room with its own address, one at the conference's venue ("Hall"), an off-site venue, and
a room at that venue."""


def test_a_place_elsewhere_is_named_with_its_address_as_its_location_names_it(
    schemas: Path, tmp_path: Path
) -> None:
    """A room with its own address is named with it, as an off-site venue is: apps show the room's
    name, and the files have no other place for an address. Every room is the event's LOCATION
    but for the conference's venue, which only a room at it leaves out."""
    (tmp_path / "elsewhere.toml").write_text(ELSEWHERE, encoding="utf-8")
    build(tmp_path / "elsewhere.toml", tmp_path / "out")
    validate(tmp_path / "out", schemas)
    expected = {
        "remote": "Satellite Hall (Level 1), Thamel Hub, Kathmandu, Nepal",
        "local": "R1",
        "social": "Opera Bar, Macquarie St, Sydney NSW 2000",
        "terrace": "R1, Opera Bar, Macquarie St, Sydney NSW 2000",
    }
    feed = parse_events((tmp_path / "out" / "all.ics").read_bytes())
    assert {e.uid.split(".")[1]: e.location for e in feed} == {**expected, "local": "R1, Hall"}
    in_json = {
        e["slug"].split("-")[1]: (e["room"], e["room_key"]) for e in json_events(tmp_path / "out").values()
    }
    assert in_json == {p: (r, r) for p, r in expected.items()}
    root = ET.parse(tmp_path / "out" / "schedule.xml").getroot()
    in_xml = {
        event.findtext("slug", "").split("-")[1]: (event.findtext("room"), room.get("name"))
        for room in root.iter("room")
        if room.get("name") is not None
        for event in room.iter("event")
    }
    assert in_xml == {p: (r, r) for p, r in expected.items()}


def test_the_json_room_list_says_where_a_room_elsewhere_is(schemas: Path, tmp_path: Path) -> None:
    """schedule.json's list of rooms has a description (pretalx gives a room's there): for a room
    not at the conference's venue, its building, what its name has after the place; a room at the
    conference's venue has none. schedule.xml's rooms have no such field."""
    (tmp_path / "elsewhere.toml").write_text(ELSEWHERE, encoding="utf-8")
    build(tmp_path / "elsewhere.toml", tmp_path / "out")
    validate(tmp_path / "out", schemas)
    rooms = json.loads((tmp_path / "out" / "schedule.json").read_bytes())["schedule"]["conference"]["rooms"]
    bar = "Opera Bar, Macquarie St, Sydney NSW 2000"
    assert [(room["name"], room.get("description")) for room in rooms] == [
        (bar, bar),
        ("R1", None),
        (f"R1, {bar}", bar),
        ("Satellite Hall (Level 1), Thamel Hub, Kathmandu, Nepal", "Thamel Hub, Kathmandu, Nepal"),
    ]


def test_a_place_elsewhere_keeps_its_location_through_an_import_of_the_json(tmp_path: Path) -> None:
    """build → schedule.json → import --venue → build: each LOCATION is the same, the conference's
    venue is added to no place that has its own building."""
    from click.testing import CliRunner

    from confcal.cli import cli

    (tmp_path / "elsewhere.toml").write_text(ELSEWHERE, encoding="utf-8")
    build(tmp_path / "elsewhere.toml", tmp_path / "first")
    imported = tmp_path / "imported.toml"
    result = CliRunner().invoke(
        cli, ["import", str(tmp_path / "first" / "schedule.json"), "-o", str(imported), "--venue", "Hall"]
    )
    assert result.exit_code == 0, result.output
    build(imported, tmp_path / "second")
    first, second = (
        {e.uid: e.location for e in parse_events((tmp_path / run / "all.ics").read_bytes())}
        for run in ("first", "second")
    )
    assert second == first


# Times near a change of the clocks, each written in one of several zones: the same instant
# in two zones, and the same clock time either side of the change (fold). The two fixed
# offsets are equal as tzinfo objects but name the time differently.
NEAR_CHANGES = (
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # Berlin's clocks go back
    datetime(2026, 11, 1, 7, tzinfo=UTC),  # Chicago's
    datetime(2026, 4, 4, 15, tzinfo=UTC),  # Lord Howe's, by half an hour
)
WRITTEN_IN = (
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/Chicago"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("UTC"),
    timezone(timedelta(hours=1), "CET"),
    timezone(timedelta(hours=1), "WAT"),
)
moments = st.builds(
    lambda change, half_hours, zone: (change + timedelta(minutes=30 * half_hours)).astimezone(zone),
    st.sampled_from(NEAR_CHANGES),
    st.integers(-4, 4),
    st.sampled_from(WRITTEN_IN),
)


@given(st.lists(st.tuples(moments, moments), min_size=2, max_size=10))
@example([(NEAR_CHANGES[0].astimezone(zone), NEAR_CHANGES[0].astimezone(zone)) for zone in WRITTEN_IN[-2:]])
def test_times_of_one_key_are_written_alike(pairs: list[tuple[datetime, datetime]]) -> None:
    """Events whose starts and ends have one ``times_key`` are given the same texts, in these
    files and on index.html (which writes each pair of times once by it too)."""
    written: dict[tuple[object, ...], object] = {}
    for start, end in pairs:
        texts = (
            event_times(start, end, first=date(2026, 10, 24)),
            zones.span(start, end, start.tzinfo, dates=False),
            start.isoformat(),
            end.isoformat(),
        )
        assert written.setdefault(times_key(start, end), texts) == texts
