"""confcal import: schedule.xml / schedule.json → an events.toml that builds, with the same instants."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from confcal.checked import bidi_problem, show
from confcal.cli import cli
from confcal.importer import clean
from confcal.load import load
from confcal.load.reader import EventsReader
from confcal.mistakes import PLACEHOLDER_CITY
from tests.conftest import EVENTS, ROOT
from tests.helpers import ParsedEvent, parse_events
from tests.test_schedule import CLOCK_CHANGES, ELSEWHERE, JOIN, ONLINE, STREAM, json_events, xml_events

# Written by hand from the format's documentation: an old frab export with the usual quirks.
QUIRKS_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>Zwischenstand</version>
  <conference>
    <title>Datenspuren &amp; Freunde</title>
    <acronym>ds21</acronym>
    <start>2021-09-18</start>
    <end>2021-09-19</end>
  </conference>
  <day index="1" date="2021-09-18" start="2021-09-18T10:00:00+02:00" end="2021-09-19T04:00:00+02:00">
    <room name="Großer Saal">
      <event guid="ds21-101" id="101">
        <date>2021-09-18T11:00:00+02:00</date>
        <start>11:00</start>
        <duration>00:45</duration>
        <room/>
        <title>&#8222;Überwachung&#8220; &amp;amp; Datenschutz</title>
        <subtitle></subtitle>
        <track>Gesellschaft</track>
        <type>lecture</type>
        <abstract>Ein Vortrag über &lt;b&gt;Daten&lt;/b&gt;.</abstract>
        <persons><person id="7">Jörg Müller</person><person id="8">Ana Şahin</person></persons>
      </event>
      <event guid="ds21-102" id="102">
        <start>01:30</start>
        <duration>00:30</duration>
        <title>Mitternachtslesung</title>
        <track></track>
        <type></type>
        <abstract/>
        <persons/>
      </event>
    </room>
    <room name="Hackcenter">
      <event id="103" guid="">
        <date>2021-09-18T20:00:00+02:00</date>
        <start>20:00</start>
        <duration>25:00</duration>
        <room>Hackcenter</room>
        <title>Dauerhacken</title>
        <track>Workshop</track>
        <type>workshop</type>
        <abstract>Bis morgen.</abstract>
        <persons><person>Team</person></persons>
      </event>
    </room>
  </day>
</schedule>
"""

QUIRKS_JSON = """{"schedule": {"version": "1", "conference": {
  "acronym": "tiny", "title": "Tiny", "start": "2024-03-30", "end": "2024-03-31",
  "daysCount": 2, "timeslot_duration": "00:15", "days": [
  {"index": 1, "date": "2024-03-30", "day_start": "2024-03-30T09:00:00+01:00",
   "day_end": "2024-03-31T04:00:00+02:00", "rooms": {
    "Aula": [{"guid": "5b4a4b46-7b4e-4d0e-9b0a-6f0c3b7d1a11", "id": 1, "date": "2024-03-30T10:00:00+01:00",
      "start": "10:00", "duration": "01:00", "room": "Aula", "title": "Before the change", "subtitle": null,
      "track": "Main", "type": "talk", "language": "en", "abstract": null, "persons": [{"name": "Ada"}],
      "links": [{"url": "https://example.org/slides", "title": "Slides"}], "slug": "tiny-1", "url": ""}]}},
  {"index": 2, "date": "2024-03-31", "day_start": "2024-03-31T09:00:00+02:00",
   "day_end": "2024-04-01T04:00:00+02:00", "rooms": {
    "Aula": [{"guid": "5b4a4b46-7b4e-4d0e-9b0a-6f0c3b7d1a12", "id": 2, "date": "2024-03-31T10:00:00+02:00",
      "start": "10:00", "duration": "01:00", "room": "Aula", "title": "After the change", "subtitle": "",
      "track": "Main", "type": "talk", "language": "en", "abstract": "", "persons": [],
      "links": [], "slug": "tiny-2", "url": ""}]}}]}}}
"""


def run_import(
    tmp_path: Path, data: str | bytes, *options: str, name: str = "schedule.xml"
) -> tuple[int, str, Path]:
    source = tmp_path / name
    source.write_bytes(data.encode() if isinstance(data, str) else data)
    target = tmp_path / "events.toml"
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(target), *options])
    return result.exit_code, result.output, target


def instants(path: Path) -> dict[str, tuple[datetime, datetime, str, str]]:
    programme = load(path)
    return {
        programme.paper(e.paper).title: (e.start.astimezone(UTC), e.end.astimezone(UTC), e.place, e.session)
        for e in programme.events
    }


def test_round_trip_gives_the_same_events(tmp_path: Path) -> None:
    CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(tmp_path / "first")])
    status, output, target = run_import(tmp_path, (tmp_path / "first" / "schedule.xml").read_bytes())
    assert status == 0, output
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "second")])
    assert result.exit_code == 0, result.output

    def shown(folder: Path) -> list[tuple[object, ...]]:
        return sorted(
            (e["start"], e["end"], e["title"], e["room"], e["day"], tuple(e["persons"]))
            for e in xml_events(folder).values()
        )

    assert shown(tmp_path / "first") == shown(tmp_path / "second")
    assert len(shown(tmp_path / "second")) == 13
    again, _, _ = run_import(tmp_path, (tmp_path / "second" / "schedule.xml").read_bytes(), "--force")
    assert again == 0
    assert {p.id for p in load(target).papers} == {p.id for p in load(tmp_path / "events.toml").papers}


@pytest.mark.parametrize("change", CLOCK_CHANGES)
@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json"])
def test_round_trip_across_a_clock_change(change: str, name: str, tmp_path: Path) -> None:
    """A duration is the time that passes: the end is start + duration in UTC, not on the clock."""
    text, (start, end, _) = CLOCK_CHANGES[change]
    (tmp_path / "clocks.toml").write_text(text, encoding="utf-8")
    CliRunner().invoke(cli, ["build", str(tmp_path / "clocks.toml"), "-o", str(tmp_path / "first")])
    status, output, target = run_import(tmp_path, (tmp_path / "first" / name).read_bytes(), name=name)
    assert status == 0, output
    assert [instant[:2] for instant in instants(target).values()] == [(start, end)]


def berlin_xml(when: str, duration: str) -> str:
    """A one-event schedule.xml in Europe/Berlin; ``when`` is a <date> with an offset, or a day
    and a clock time without one ("2026-03-29 02:30")."""
    day, _, clock = when.partition(" ")
    timing = f"<start>{clock}</start>" if clock else f"<date>{when}</date>"
    return f"""<schedule>
  <conference><title>Clocks</title><acronym>clocks</acronym>
    <time_zone_name>Europe/Berlin</time_zone_name></conference>
  <day date="{day[:10]}">
    <room name="Saal">
      <event guid="at-the-change">
        {timing}
        <duration>{duration}</duration>
        <title>At the change</title>
      </event>
    </room>
  </day>
</schedule>
"""


REPEATED = (
    "2026-10-25 02:00 happens twice in Europe/Berlin: clocks go back from 03:00 to 02:00 "
    "(CEST → CET), so 02:00–02:59 comes twice; expected a time up to 01:59 or from 03:00"
)
NO_OFFSET = "An events.toml time has no offset to say which is meant; change the event's start or duration in the schedule"
CLOCK_PROBLEMS = [
    (
        "end in the repeated hour",
        berlin_xml("2026-10-25T01:30:00+02:00", "01:30"),
        "'At the change' (start 2026-10-25T01:30:00+02:00, duration 01:30) would end at a local time "
        f"events.toml cannot hold: {REPEATED}; the schedule's offset says the second, 02:00 CET (01:00 UTC). "
        f"{NO_OFFSET}, or import with --timezone UTC to write every time in UTC",
    ),
    (
        "start in the repeated hour",
        berlin_xml("2026-10-25T02:30:00+01:00", "00:15"),
        "'At the change' (start 2026-10-25T02:30:00+01:00, duration 00:15) would start at a local time "
        f"events.toml cannot hold: {REPEATED.replace('2026-10-25 02:00', '2026-10-25 02:30')}; the "
        f"schedule's offset says the second, 02:30 CET (01:30 UTC). {NO_OFFSET}, "
        "or import with --timezone UTC to write every time in UTC",
    ),
    (
        "start in the repeated hour, the first one",
        berlin_xml("2026-10-25T02:30:00+02:00", "00:15"),
        "'At the change' (start 2026-10-25T02:30:00+02:00, duration 00:15) would start at a local time "
        f"events.toml cannot hold: {REPEATED.replace('2026-10-25 02:00', '2026-10-25 02:30')}; the "
        f"schedule's offset says the first, 02:30 CEST (00:30 UTC). {NO_OFFSET}, "
        "or import with --timezone UTC to write every time in UTC",
    ),
    (
        "start in the repeated hour, no offset",
        berlin_xml("2026-10-25 02:30", "00:45"),
        "'At the change' (start 2026-10-25T02:30:00 (no offset), duration 00:45) would start at a local "
        f"time events.toml cannot hold: {REPEATED.replace('2026-10-25 02:00', '2026-10-25 02:30')}. {NO_OFFSET}",
    ),
    (
        "start in the skipped hour, no offset",
        berlin_xml("2026-03-29 02:30", "01:00"),
        "'At the change' (start 2026-03-29T02:30:00 (no offset), duration 01:00) would start at a local "
        "time events.toml cannot hold: 2026-03-29 02:30 does not exist in Europe/Berlin: clocks go "
        "forward from 02:00 to 03:00 (CET → CEST), skipping 02:00–02:59; expected a time up to 01:59 "
        f"or from 03:00. {NO_OFFSET}",
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [c[1:] for c in CLOCK_PROBLEMS], ids=[c[0] for c in CLOCK_PROBLEMS]
)
def test_a_time_the_clocks_skip_or_repeat_stops_the_import(tmp_path: Path, data: str, expected: str) -> None:
    """events.toml holds local times only and the loader refuses these, so the import would write
    a file that does not build: it stops instead, naming the event, its start and duration."""
    status, output, target = run_import(tmp_path, data)
    assert status == 1, output
    assert output == f"Error: {tmp_path}/schedule.xml:6: {expected}\n"
    assert not target.exists()


@pytest.mark.parametrize(
    ("when", "duration", "shown"),
    [
        ("2026-06-01T10:00:00+02:00", "00:45:30", "start 2026-06-01T10:00:00+02:00, duration 00:45:30"),
        ("2026-06-01T10:00:20+02:00", "00:45", "start 2026-06-01T10:00:20+02:00, duration 00:45"),
    ],
)
def test_a_time_with_seconds_stops_the_import(tmp_path: Path, when: str, duration: str, shown: str) -> None:
    """events.toml keeps whole minutes and refuses seconds, so the import names the event."""
    status, output, target = run_import(tmp_path, berlin_xml(when, duration))
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path}/schedule.xml:6: 'At the change' ({shown}) is not in whole minutes; "
        "events.toml keeps times in whole minutes: round the event's start and duration in the schedule\n"
    )
    assert not target.exists()


def test_utc_holds_what_the_zone_repeats(tmp_path: Path) -> None:
    """The way out the message names: --timezone UTC writes the same instants, and they build
    (named also when the zone came from --timezone)."""
    schedule = berlin_xml("2026-10-25T01:30:00+02:00", "01:30")
    status, output, target = run_import(tmp_path, schedule, "--timezone", "Europe/Berlin")
    assert status == 1
    assert output.endswith("or import with --timezone UTC to write every time in UTC\n")
    status, output, target = run_import(
        tmp_path, berlin_xml("2026-10-25T01:30:00+02:00", "01:30"), "--timezone", "UTC"
    )
    assert status == 0, output
    assert instants(target)["At the change"][:2] == (
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    )
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_an_end_the_clock_would_put_in_the_skipped_hour_is_written_after_it(tmp_path: Path) -> None:
    """01:30 CET + 45 minutes is 03:15 CEST (02:15 on a clock that did not change): a time that exists."""
    status, output, target = run_import(tmp_path, berlin_xml("2026-03-29T01:30:00+01:00", "00:45"))
    assert status == 0, output
    assert "end = 2026-03-29T03:15:00" in target.read_text(encoding="utf-8")
    assert instants(target)["At the change"][1] == datetime(2026, 3, 29, 1, 15, tzinfo=UTC)


def test_real_world_quirks_from_xml(tmp_path: Path) -> None:
    status, output, target = run_import(tmp_path, QUIRKS_XML)
    assert status == 0, output
    found = instants(target)
    # 11:00 CEST = 09:00 UTC, given with its offset.
    talk = found["„Überwachung“ & Datenschutz"]
    assert talk[:3] == (
        datetime(2021, 9, 18, 9, 0, tzinfo=UTC),
        datetime(2021, 9, 18, 9, 45, tzinfo=UTC),
        "Großer Saal",
    )
    assert talk[3] == "Lecture"
    # Listed under 18 September at 01:30, before the day's 10:00 start: 19 September, 01:30 CEST.
    late = found["Mitternachtslesung"]
    assert late[:3] == (
        datetime(2021, 9, 18, 23, 30, tzinfo=UTC),
        datetime(2021, 9, 19, 0, 0, tzinfo=UTC),
        "Großer Saal",
    )
    # 25 hours, room named only by the day; the id stands in for the empty guid.
    hack = found["Dauerhacken"]
    assert hack[:3] == (
        datetime(2021, 9, 18, 18, 0, tzinfo=UTC),
        datetime(2021, 9, 19, 19, 0, tzinfo=UTC),
        "Hackcenter",
    )
    programme = load(target)
    assert programme.conference.timezone == "Etc/GMT-2"  # only +02:00 offsets: that fixed zone, exactly
    assert {p.id for p in programme.papers} == {"ds21-101", "ds21-102", "103"}
    by_id = {p.id: p for p in programme.papers}
    assert by_id["ds21-101"].authors == ("Jörg Müller", "Ana Şahin")
    # no persons: an [[items]] entry without authors (a paper needs them), in its category still
    assert by_id["ds21-102"].authors == ()
    assert not by_id["ds21-102"].is_paper
    assert by_id["ds21-101"].is_paper
    assert programme.category_name(by_id["ds21-102"]) == "Other"  # no track
    assert by_id["ds21-101"].abstract == "Ein Vortrag über Daten."  # HTML's tags out, escaped or not
    assert CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")]).exit_code == 0


def test_json_with_a_named_zone_across_a_dst_change(tmp_path: Path) -> None:
    status, output, target = run_import(tmp_path, QUIRKS_JSON, name="schedule.json")
    assert status == 1
    assert "fit" in output  # +01:00 then +02:00: several zones fit
    assert "pass the conference's zone, e.g. --timezone " in output
    status, output, target = run_import(
        tmp_path, QUIRKS_JSON, "--timezone", "Europe/Berlin", name="schedule.json"
    )
    assert status == 0, output
    found = instants(target)
    assert found["Before the change"][0] == datetime(2024, 3, 30, 9, 0, tzinfo=UTC)
    assert found["After the change"][0] == datetime(2024, 3, 31, 8, 0, tzinfo=UTC)
    assert (
        load(target).paper("5b4a4b46-7b4e-4d0e-9b0a-6f0c3b7d1a11").links[0].url
        == "https://example.org/slides"
    )


def test_stdout_and_no_overwrite(tmp_path: Path) -> None:
    source = tmp_path / "schedule.xml"
    source.write_text(QUIRKS_XML, encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(source), "-o", "-"])
    assert result.exit_code == 0
    assert result.output.startswith("# Imported by `confcal import`")
    target = tmp_path / "events.toml"
    target.write_text("mine\n")
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(target)])
    assert result.exit_code == 1
    assert f"{target} exists; pass --force" in result.output
    assert target.read_text() == "mine\n"


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    source = tmp_path / "schedule.xml"
    source.write_text(QUIRKS_XML, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x")
    target = tmp_path / "notes.txt" / "events.toml"
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(target)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {target}: {tmp_path / 'notes.txt'} is a file\n"


BOMB = """<?xml version="1.0"?>
<!DOCTYPE schedule [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<schedule><conference><title>&b;</title></conference></schedule>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<schedule><conference><title>&x;</title></conference></schedule>
"""

BAD = [
    ("empty", "", "schedule.xml: the file is empty; expected a schedule.xml or schedule.json"),
    (
        "plain text",
        "Hello",
        "schedule.xml: neither XML nor JSON (it starts with 'Hello'); expected a schedule.xml or schedule.json",
    ),
    (
        "truncated XML",
        QUIRKS_XML[:400],
        "schedule.xml:12: not well-formed XML: unclosed token (column 7); is the file complete?",
    ),
    ("wrong root", "<html><body/></html>", "schedule.xml:1: the root element is <html>; expected <schedule>"),
    (
        "entity expansion",
        BOMB,
        "schedule.xml:3: refusing XML with entity declarations or external references (EntitiesForbidden): a schedule needs none, and they can expand into gigabytes",
    ),
    (
        "external entity",
        EXTERNAL,
        "schedule.xml:2: refusing XML with entity declarations or external references (EntitiesForbidden): a schedule needs none, and they can expand into gigabytes",
    ),
    (
        "no title",
        QUIRKS_XML.replace("<title>Mitternachtslesung</title>", ""),
        'schedule.xml:24: the event has no title; expected a <title> (or "title") with text',
    ),
    (
        "bad date",
        QUIRKS_XML.replace("2021-09-18T20:00:00+02:00</date>", "2021-09-31T20:00</date>"),
        "schedule.xml:35: date '2021-09-31T20:00' is not a date-time; expected one like 2023-12-27T11:00:00+01:00",
    ),
    (
        "bad duration",
        QUIRKS_XML.replace("<duration>25:00</duration>", "<duration>1h</duration>"),
        "schedule.xml:35: duration '1h' of 'Dauerhacken' is not hours:minutes; expected one like 01:30",
    ),
    (
        "zero duration",
        QUIRKS_XML.replace("<duration>25:00</duration>", "<duration>00:00</duration>"),
        "schedule.xml:35: 'Dauerhacken' lasts 00:00; expected a positive duration",
    ),
    (
        "no events",
        "<schedule><conference><title>X</title></conference></schedule>",
        "schedule.xml: the schedule holds no events; expected at least one <event>",
    ),
    (
        "truncated JSON",
        QUIRKS_JSON[:300],
        "schedule.xml:5: not valid JSON: Unterminated string starting at (column 15); is the file complete?",
    ),
    (
        "JSON nested too deep",
        '{"schedule": {"conference": {"title": "X",\n"days": ' + "[" * 100_000,
        "schedule.xml:2: arrays or objects nested hundreds of levels deep; expected at most a few levels",
    ),
    (
        "JSON integer too long to read",
        f'{{"schedule": {{"conference": {{"title": "{"1" * 5000}", "acronym": {"2" * 5000}.5,\n'
        f'"days": {"3" * 5000}}}}}}}',
        "schedule.xml:2: an integer of 5000 digits, too long to read; expected at most 4300 digits",
    ),
    (
        "JSON without schedule",
        '{"conference": {}}',
        'schedule.xml: $: expected an object with a "schedule" object (a c3voc schedule.json)',
    ),
    (
        "JSON days not a list",
        '{"schedule": {"conference": {"days": {}}}}',
        "schedule.xml: schedule.conference.days: expected an array of days, found an object",
    ),
    (
        "no zone, no offsets",
        QUIRKS_XML.replace("+02:00", ""),
        "schedule.xml: the file names no time zone and its times have no UTC offset; pass the conference's zone, e.g. --timezone Europe/Berlin",
    ),
]


@pytest.mark.parametrize(("data", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_one_located_message_and_nothing_written(
    tmp_path: Path, data: str, expected: str
) -> None:
    status, output, target = run_import(tmp_path, data)
    assert status == 1, output
    assert output == f"Error: {tmp_path}/{expected}\n"
    assert not target.exists()


def test_unknown_timezone_is_a_usage_error(tmp_path: Path) -> None:
    status, output, target = run_import(tmp_path, QUIRKS_XML, "--timezone", "Europe/Berln")
    assert status == 2
    assert "did you mean 'Europe/Berlin'?" in output
    assert not target.exists()


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json"])
def test_round_trip_keeps_a_slots_url_session_and_streaming(name: str, tmp_path: Path) -> None:
    """A confcal schedule gives back each slot's own url (its "Watch or join" link, no longer
    listed among the paper's links), its session (the subtitle; a poster's is its board), an
    online slot without a room, and, from schedule.json, whether it is streamed (the XML cannot
    say: the import leaves `streamed` out, so the streamed talk reads as not streamed)."""
    from confcal.render import streamed

    (tmp_path / "online.toml").write_text(ONLINE, encoding="utf-8")
    CliRunner().invoke(cli, ["build", str(tmp_path / "online.toml"), "-o", str(tmp_path / "first")])
    status, output, target = run_import(tmp_path, (tmp_path / "first" / name).read_bytes(), name=name)
    assert status == 0, output

    def slots(path: Path) -> dict[str, tuple[object, ...]]:
        programme = load(path)
        return {
            f"{programme.paper(e.paper).title} {e.kind}": (
                e.session,
                e.place,
                e.stream_url,
                streamed(programme, e),
                tuple((link.label, link.url) for link in programme.paper(e.paper).links),
            )
            for e in programme.events
        }

    slides = (("Slides", "https://example.org/slides"),)
    assert slots(tmp_path / "online.toml") == {
        "Online panel talk": ("Session B: Theory", "", JOIN, False, ()),
        "Paper THEORY talk": ("Session B: Theory", "R1", STREAM, True, slides),
        "Paper THEORY poster": ("Evening posters", "Poster board B7", "", False, slides),
    }
    assert slots(target) == {
        "Online panel talk": ("Session B: Theory", "", JOIN, False, ()),
        "Paper THEORY talk": ("Session B: Theory", "R1", STREAM, name == "schedule.json", slides),
        "Paper THEORY poster": ("Poster", "Poster board B7", "", False, slides),
    }
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "second")])
    assert result.exit_code == 0, result.output
    online = [
        e for e in parse_events((tmp_path / "second" / "all.ics").read_bytes()) if "Online" in e.summary
    ]
    assert [e.summary for e in online] == ["Session B: Theory: Online panel"]
    assert f"Place: online\nWatch or join: {JOIN}\n" in online[0].description


def test_another_tools_subtitle_and_links_are_not_read_as_confcals(tmp_path: Path) -> None:
    """Only in a schedule confcal wrote is the subtitle the session and the "Watch or join" link
    the slot's url: a pretalx subtitle is a subtitle, and its links stay the paper's links."""
    (tmp_path / "online.toml").write_text(ONLINE, encoding="utf-8")
    CliRunner().invoke(cli, ["build", str(tmp_path / "online.toml"), "-o", str(tmp_path / "first")])
    xml = (tmp_path / "first" / "schedule.xml").read_text(encoding="utf-8")
    foreign = xml.replace('<generator name="confcal"/>', '<generator name="pretalx" version="2024.1"/>')
    assert foreign != xml
    status, output, target = run_import(tmp_path, foreign)
    assert status == 0, output
    programme = load(target)
    for event in programme.events:
        assert event.session in {"Talk", "Poster"}
        assert event.stream_url == ""
    online = next(p for p in programme.papers if p.title == "Online panel")
    assert [(link.label, link.url) for link in online.links] == [("Watch or join", JOIN)]


def day_xml(clock: str, *, zone: str = "Europe/Berlin") -> str:
    """A one-event schedule.xml whose event has no <date>: its <start> is a clock time under a
    day that starts at 04:00 CET on the eve of the spring change of the clocks."""
    named = f"<time_zone_name>{zone}</time_zone_name>" if zone else ""
    return f"""<schedule>
  <conference><title>Clocks</title><acronym>clocks</acronym>{named}</conference>
  <day date="2024-03-30" start="2024-03-30T04:00:00+01:00" end="2024-03-31T04:00:00+02:00">
    <room name="Saal">
      <event guid="night">
        <start>{clock}</start>
        <duration>00:30</duration>
        <title>Night</title>
      </event>
    </room>
  </day>
</schedule>
"""


def test_a_clock_time_under_its_day_is_read_in_the_zone_not_at_the_days_offset(tmp_path: Path) -> None:
    """03:30 after the night the clocks go forward is 03:30 CEST (01:30 UTC): the day's start
    (04:00+01:00) gives the day's offset, not the event's."""
    status, output, target = run_import(tmp_path, day_xml("03:30"))
    assert status == 0, output
    assert "start = 2024-03-31T03:30:00\nend = 2024-03-31T04:00:00\n" in target.read_text(encoding="utf-8")
    assert instants(target)["Night"][:2] == (
        datetime(2024, 3, 31, 1, 30, tzinfo=UTC),
        datetime(2024, 3, 31, 2, 0, tzinfo=UTC),
    )


def test_a_clock_time_under_its_day_that_the_clocks_skip_stops_the_import(tmp_path: Path) -> None:
    status, output, target = run_import(tmp_path, day_xml("02:30"))
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path}/schedule.xml:5: 'Night' (start 2024-03-31T02:30:00 (no offset), duration "
        "00:30) would start at a local time events.toml cannot hold: 2024-03-31 02:30 does not exist "
        "in Europe/Berlin: clocks go forward from 02:00 to 03:00 (CET → CEST), skipping 02:00–02:59; "
        f"expected a time up to 01:59 or from 03:00. {NO_OFFSET}\n"
    )
    assert not target.exists()


def test_without_a_zone_name_the_days_offset_still_settles_the_zone(tmp_path: Path) -> None:
    status, output, target = run_import(tmp_path, day_xml("03:30", zone=""))
    assert status == 0, output
    assert load(target).conference.timezone == "Etc/GMT-1"


def test_zones_that_fit_the_offsets_are_named_by_their_current_names(tmp_path: Path) -> None:
    """Asia/Calcutta, an old name tzdata keeps for Asia/Kolkata, is not offered beside it."""
    india = QUIRKS_JSON.replace("+01:00", "+05:30").replace("+02:00", "+05:30")
    status, output, target = run_import(tmp_path, india, name="schedule.json")
    assert status == 1
    assert output.endswith(
        "the file names no time zone and its UTC offsets (5:30) fit 2 zones (Asia/Colombo, "
        "Asia/Kolkata); pass the conference's zone, e.g. --timezone Asia/Colombo\n"
    )
    assert not target.exists()


def test_an_unknown_zone_name_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    """A misspelt time_zone_name is not replaced by a fixed offset that fits the file's times."""
    status, output, target = run_import(
        tmp_path,
        QUIRKS_JSON.replace('"title": "Tiny",', '"title": "Tiny", "time_zone_name": "Europe/Berln",'),
        name="schedule.json",
    )
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path}/schedule.json: time_zone_name: unknown time zone 'Europe/Berln'; did you "
        "mean 'Europe/Berlin'? (expected an IANA name like 'America/Chicago'); correct it in the file, "
        "or pass the conference's zone, e.g. --timezone Europe/Berlin\n"
    )
    assert not target.exists()
    status, output, target = run_import(
        tmp_path,
        QUIRKS_JSON.replace('"title": "Tiny",', '"title": "Tiny", "time_zone_name": "Europe/Berln",'),
        "--timezone",
        "Europe/Berlin",
        name="schedule.json",
    )
    assert status == 0, output


YEAR_ONE = "0001-01-01T10:00:00+00:00"


@pytest.mark.parametrize(
    ("date", "duration", "year"),
    [
        (YEAR_ONE, "01:00", 1),
        ("2999-12-31T23:00:00+01:00", "02:00", 3000),
        ("1899-12-31T23:30:00+01:00", "01:00", 1899),
    ],
)
def test_a_year_events_toml_does_not_take_stops_the_import(
    tmp_path: Path, date: str, duration: str, year: int
) -> None:
    """Year 1 was written as `start = 1-01-01T10:53:28` (not TOML); 3000 and 1899 as files the
    loader refuses. The import names the event instead."""
    data = berlin_xml(date, duration)
    status, output, target = run_import(tmp_path, data)
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path}/schedule.xml:6: 'At the change' (start {date}, duration {duration}) is in "
        f"the year {year}; events.toml takes years 1900 to 2999: correct the event's date in the schedule\n"
    )
    assert not target.exists()


def test_a_conference_date_out_of_range_stops_the_import(tmp_path: Path) -> None:
    data = berlin_xml("2026-10-24T10:00:00+02:00", "01:00").replace(
        "<acronym>clocks</acronym>", "<acronym>clocks</acronym><start>0001-01-01</start>"
    )
    status, output, _ = run_import(tmp_path, data)
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path}/schedule.xml: the conference's start 0001-01-01 is in the year 1; events.toml "
        "takes years 1900 to 2999: correct it in the schedule\n"
    )


def test_windows_device_names_do_not_become_ids(tmp_path: Path) -> None:
    """`con`, `nul` and `AUX` are ids the build refuses (no file may be called con.ics on
    Windows): they get a suffix, and the imported file builds."""
    data = (
        berlin_xml("2026-10-24T10:00:00+02:00", "01:00")
        .replace("<acronym>clocks</acronym>", "<acronym>con</acronym>")
        .replace('guid="at-the-change"', 'guid="nul"')
        .replace("<title>At the change</title>", "<title>At the change</title><track>AUX</track>")
    )
    status, output, target = run_import(tmp_path, data)
    assert status == 0, output
    programme = load(target)
    assert programme.conference.id == "con-1"
    assert [(p.id, p.category) for p in programme.papers] == [("nul-1", "aux-1")]
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


AWARD_VENUE = "Ernest N. Morial Convention Center"
WORKSHOP_VENUE = "Neue Aula, University of Tübingen"
WORKSHOP_LOST = {
    # The schedule puts every poster in the room "Posters": the poster session's room is lost.
    **{
        f"learnsys-2026.{paper}.poster@confcal": (
            f"Foyer (Ground floor), poster board {board}, {WORKSHOP_VENUE}",
            f"Poster board {board}, {WORKSHOP_VENUE}",
        )
        for paper, board in [
            ("sparse-routing", "P1"),
            ("cache-aware-training", "P2"),
            ("federated-eval", "P3"),
            ("quantised-retrieval", "P4"),
            ("energy-budgets", "P5"),
        ]
    },
}
WORKSHOP_LOST_IN_XML = {
    # schedule.xml's rooms have no description: an off-site venue is a room like any other, and
    # comes back as a room (schedule.json's list of rooms says where it is).
    "learnsys-2026.hack-night.social@confcal": (
        "Brauhaus am Markt, Marktplatz 5, 72070 Tübingen",
        f"Brauhaus am Markt, Marktplatz 5, 72070 Tübingen, {WORKSHOP_VENUE}",
    ),
}
ROUND_TRIPS = [
    ("award", EVENTS, AWARD_VENUE, {}, {}, set()),
    # [[feeds]] are not in the format: the workshop's feed of sessions is lost.
    (
        "workshop",
        ROOT / "tests" / "programmes" / "workshop.toml",
        WORKSHOP_VENUE,
        WORKSHOP_LOST,
        WORKSHOP_LOST_IN_XML,
        {"at-a-glance.ics"},
    ),
]


def feed_files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*.ics")}


def shown_events(folder: Path) -> dict[str, tuple[str, datetime, datetime, str | None]]:
    def shown(event: ParsedEvent) -> tuple[str, datetime, datetime, str | None]:
        return (event.summary, event.start, event.end, event.location)

    return {e.uid: shown(e) for e in parse_events((folder / "all.ics").read_bytes())}


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json"])
@pytest.mark.parametrize(
    ("events", "venue", "lost", "lost_in_xml", "lost_feeds"),
    [r[1:] for r in ROUND_TRIPS],
    ids=[r[0] for r in ROUND_TRIPS],
)
def test_a_confcal_schedule_gives_back_the_same_feeds(
    tmp_path: Path,
    name: str,
    events: Path,
    venue: str,
    lost: dict[str, tuple[str, str]],
    lost_in_xml: dict[str, tuple[str, str]],
    lost_feeds: set[str],
) -> None:
    """build → import → build: every event keeps its UID (item id, kind and number read back from
    the slug, proven by the guid), SUMMARY (custom kinds are declared with their label),
    DTSTART/DTEND and LOCATION (with --venue: the room confcal names after the venue is no room),
    and every feed file keeps its name (items grouped again, categories by their ids). What the
    format cannot carry is listed: ``lost`` (and from schedule.xml ``lost_in_xml``), ``lost_feeds``."""
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "first")])
    assert result.exit_code == 0, result.output
    status, output, target = run_import(
        tmp_path, (tmp_path / "first" / name).read_bytes(), "--venue", venue, name=name
    )
    assert status == 0, output
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "second")])
    assert result.exit_code == 0, result.output
    first, second = shown_events(tmp_path / "first"), shown_events(tmp_path / "second")
    assert len(first) == 13
    if name == "schedule.xml":
        lost = {**lost, **lost_in_xml}
    for uid, (was, now) in lost.items():
        assert (first[uid][3], second[uid][3]) == (was, now)
        first[uid] = (*first[uid][:3], now)
    assert second == first
    assert feed_files(tmp_path / "second") == feed_files(tmp_path / "first") - lost_feeds


def test_a_room_is_taken_apart_from_its_building_only_as_confcal_names_it(tmp_path: Path) -> None:
    """schedule.json's room description is a room's building only in a schedule confcal wrote
    (pretalx's says what the room is), and only for a room named with it at its end (a name
    edited by hand is a room as it reads)."""
    described = QUIRKS_JSON.replace(
        '"daysCount": 2,', '"daysCount": 2, "rooms": [{"name": "Aula", "description": "Aula"}],'
    )
    status, output, target = run_import(
        tmp_path, described, "--timezone", "Europe/Berlin", name="schedule.json"
    )
    assert status == 0, output
    programme = load(target)
    assert (programme.venues, {(e.room, e.venue) for e in programme.events}) == ((), {("Aula", "")})

    (tmp_path / "elsewhere.toml").write_text(ELSEWHERE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "elsewhere.toml"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "schedule.json").read_text(encoding="utf-8")
    edited = written.replace('"description":"Thamel Hub, Kathmandu, Nepal"', '"description":"Patan"')
    assert edited != written
    status, output, target = run_import(tmp_path, edited, "--force", "--venue", "Hall", name="schedule.json")
    assert status == 0, output
    programme = load(target)
    bar = "opera-bar-macquarie-st-sydney-nsw-2000"
    assert [(v.id, str(v)) for v in programme.venues] == [(bar, "Opera Bar, Macquarie St, Sydney NSW 2000")]
    assert {e.paper: (e.room, e.venue) for e in programme.events} == {
        "remote": ("Satellite Hall (Level 1), Thamel Hub, Kathmandu, Nepal", ""),
        "local": ("R1", ""),
        "social": ("", bar),
        "terrace": ("R1", bar),
    }


LATE_NIGHT = """[conference]
id = "late-2026"
name = "Late"
start = 2026-04-04
end = 2026-04-06
venue = "Hall"
city = "Town"
timezone = "Europe/Berlin"

[publish]
updated = 2026-04-04T00:00:00Z

[[categories]]
id = "main"
name = "Main"

[[papers]]
id = "opening"
category = "main"
title = "Opening"
authors = ["Ann"]

[papers.talk]
session = "Plenary"
start = 2026-04-04T09:00:00
end = 2026-04-04T10:00:00
room = "Aula"

[[items]]
id = "party"
title = "Closing party"

[items.talk]
session = "Social"
start = 2026-04-06T22:00:00
end = 2026-04-07T00:30:00
room = "Bar"
"""


def caldesc(feed: Path) -> str:
    """The feed's X-WR-CALDESC as a calendar app shows it: lines unfolded, TEXT escapes undone."""
    unfolded = feed.read_bytes().decode("utf-8").replace("\r\n ", "")
    (escaped,) = re.findall(r"^X-WR-CALDESC:(.*)\r$", unfolded, flags=re.MULTILINE)
    return re.sub(r"\\([\\;,])", r"\1", escaped)


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json"])
@pytest.mark.parametrize("end", ["2026-04-07T00:30:00", "2026-04-07T00:00:00"])
def test_a_last_evening_past_midnight_keeps_the_conference_dates(tmp_path: Path, name: str, end: str) -> None:
    """An event is on the day it begins (days change at 04:00): the last evening's party running
    past midnight adds no day. The import keeps the schedule's dates, so building it (city filled
    in, as the import asks) into the published folder leaves every calendar as it was."""
    events = tmp_path / "late.toml"
    events.write_text(LATE_NIGHT.replace("2026-04-07T00:30:00", end), encoding="utf-8")
    published = tmp_path / "published"
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(published)])
    assert result.exit_code == 0, result.output
    before = {path: path.read_bytes() for path in published.rglob("*.ics")}
    status, output, target = run_import(
        tmp_path, (published / name).read_bytes(), "--venue", "Hall", name=name
    )
    assert status == 0, output
    conference = load(target).conference
    assert (conference.start.isoformat(), conference.end.isoformat()) == ("2026-04-04", "2026-04-06")
    target.write_text(target.read_text(encoding="utf-8").replace(PLACEHOLDER_CITY, "Town"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(published)])
    assert result.exit_code == 0, result.output
    assert caldesc(published / "all.ics").startswith("Late, 4 Apr – 6 Apr 2026, Hall, Town: ")
    assert json.loads((published / "schedule.json").read_bytes())["schedule"]["conference"]["daysCount"] == 3
    assert {path: path.read_bytes() for path in published.rglob("*.ics")} == before
    assert len(before) == 4


def test_without_conference_dates_an_event_after_midnight_is_on_the_day_before(tmp_path: Path) -> None:
    """Another tool's schedule without a start or end: the dates are the events' days, and an
    event from 22:00 to 00:30, or one at 01:30 listed under the day before, is on that day."""
    data = (
        berlin_xml("2026-04-06T22:00:00+02:00", "02:30")
        .replace('<day date="2026-04-06">', '<day date="2026-04-06" start="2026-04-06T10:00:00+02:00">')
        .replace(
            "    </room>",
            '      <event guid="late"><start>01:30</start><duration>00:30</duration><title>Late</title></event>\n'
            "    </room>",
        )
    )
    status, output, target = run_import(tmp_path, data)
    assert status == 0, output
    programme = load(target)
    assert [e.start.isoformat() for e in programme.events] == [
        "2026-04-06T22:00:00+02:00",
        "2026-04-07T01:30:00+02:00",
    ]
    assert (programme.conference.start.isoformat(), programme.conference.end.isoformat()) == (
        "2026-04-06",
        "2026-04-06",
    )


def test_without_venue_the_venue_named_room_stays_a_room(tmp_path: Path) -> None:
    """The format names no venue: without --venue, the Test of Time talk (no place) is in the room
    confcal named after the venue, and the file says to fill in the venue."""
    CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(tmp_path / "first")])
    status, output, target = run_import(tmp_path, (tmp_path / "first" / "schedule.xml").read_bytes())
    assert status == 0, output
    talk = next(e for e in load(target).events if e.paper == "word2vec")
    assert talk.place == AWARD_VENUE
    assert load(target).conference.venue == "Venue not given in the schedule"


def test_an_event_whose_guid_does_not_prove_its_slug_is_imported_on_its_own(tmp_path: Path) -> None:
    """The slug is read back only where the guid confirms it: an edited event keeps its guid as
    its id (another tool's reading), the others are still grouped into their items."""
    CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(tmp_path / "first")])
    xml = (tmp_path / "first" / "schedule.xml").read_text(encoding="utf-8")
    edited = xml.replace("<slug>neurips_2023-word2vec-talk</slug>", "<slug>neurips_2023-w2v-talk</slug>")
    assert edited != xml
    status, output, target = run_import(tmp_path, edited)
    assert status == 0, output
    programme = load(target)
    assert len(programme.papers) == 7
    word2vec = next(p for p in programme.papers if p.title.startswith("Distributed Representations"))
    assert word2vec.id != "word2vec"
    assert [e.id for e in programme.events_of("climsim")] == ["climsim.oral", "climsim.poster"]


def test_an_event_whose_guid_is_an_items_id_is_refused(tmp_path: Path) -> None:
    """An edited event of a confcal schedule whose guid is the id of an item the schedule gives
    back: numbered, it would take the item's id once the item is gone; the import stops."""
    CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(tmp_path / "first")])
    xml = (tmp_path / "first" / "schedule.xml").read_text(encoding="utf-8")
    word2vec = 'guid="d0990fc8-723c-5100-90ad-273e9251745e"'  # the uuid5 of its UID, as built
    assert xml.count(word2vec) == 1
    edited = xml.replace(word2vec, 'guid="climsim"')
    status, output, target = run_import(tmp_path, edited)
    assert status == 1, output
    assert re.fullmatch(
        rf"Error: {re.escape(str(tmp_path))}/schedule.xml:\d+: the guid 'climsim' of 'Distributed "
        r"Representations[^']*' gives the id 'climsim', the id of an item of this confcal schedule\. "
        r"An event's guid becomes its id and UID.*, or remove the one not meant\n",
        output,
    )
    assert not target.exists()


SHORT = """[conference]
id = "a-b"
name = "AB"
start = 2026-06-01
end = 2026-06-02
venue = "V"
city = "C"
timezone = "Europe/Berlin"

[publish]
updated = 2026-05-01T00:00:00Z

[[items]]
id = "x"
title = "X"

[[items.talk]]
start = 2026-06-01T10:00:00
end = 2026-06-01T11:00:00

[[items.talk]]
start = 2026-06-01T09:00:00
end = 2026-06-01T09:30:00
"""


def test_a_short_conference_id_and_a_second_slot_of_a_kind_come_back(tmp_path: Path) -> None:
    """An id shorter than four characters has the year in its acronym (a_b_2026), and the
    second talk (talk-2) is earlier than the first: both come back, in the order that keeps
    their UIDs."""
    (tmp_path / "short.toml").write_text(SHORT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "short.toml"), "-o", str(tmp_path / "first")])
    assert result.exit_code == 0, result.output
    status, output, target = run_import(
        tmp_path, (tmp_path / "first" / "schedule.xml").read_bytes(), "--venue", "V"
    )
    assert status == 0, output
    programme = load(target)
    assert programme.conference.id == "a-b"
    assert sorted((e.id, e.start.hour, e.place) for e in programme.events_of("x")) == [
        ("x.talk", 10, ""),
        ("x.talk-2", 9, ""),
    ]


# Plain text that looks like markup, entities or loose whitespace: what an abstract on NLP, a
# comparison or code says. confcal writes it as it is; HTML would read it as tags.
PLAIN_TEXT = r'''[conference]
id = "plain-text"
name = "Plain <text> & co"
start = 2026-06-01
end = 2026-06-01
venue = "Hall"
city = "Town"
timezone = "Europe/Berlin"

[publish]
updated = 2026-05-01T00:00:00Z

[[categories]]
id = "nlp"
name = "NLP <&> Vision"

[[papers]]
id = "tokens"
category = "nlp"
title = "The <s> token: a<b and b>c"
authors = ["Ann <b> Lee", "Bo  Chen"]
abstract = """We compare a<b and b>c, the <CLS> token, and the <s> and </s> tokens.
<p> is a paragraph variable; <br> is kept; x <i>y</i> z.
AT&amp;T writes &lt; as &amp;lt;, and &copy is not ©; R&D.
Two  spaces,\ta tab, trailing spaces\u0020\u0020\u0020


after two blank lines."""
note = "<i>Best paper</i> &amp; runner-up"
links = [{ label = "<code> & data", url = "https://example.org/code" }]

[papers.talk]
session = "Session <b>1</b>"
start = 2026-06-01T10:00:00
end = 2026-06-01T11:00:00
room = "Room <br> 1"

[papers.poster]
start = 2026-06-01T14:00:00
end = 2026-06-01T15:00:00
board = "<A&1>"
'''


@pytest.mark.parametrize("name", ["schedule.json", "schedule.xml"])
def test_plain_text_from_a_confcal_schedule_round_trips_unchanged(tmp_path: Path, name: str) -> None:
    """A schedule confcal wrote holds plain text (the format types every field as a string, and
    confcal writes events.toml's text as it is): build → schedule → import → build gives back
    every text as it was, angle brackets, entities and spaces included."""
    (tmp_path / "plain.toml").write_text(PLAIN_TEXT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "plain.toml"), "-o", str(tmp_path / "first")])
    assert result.exit_code == 0, result.output
    status, output, target = run_import(
        tmp_path, (tmp_path / "first" / name).read_bytes(), "--venue", "Hall", name=name
    )
    assert status == 0, output
    original, imported = load(tmp_path / "plain.toml"), load(target)
    paper, back = original.paper("tokens"), imported.paper("tokens")
    assert (back.title, back.abstract, back.note, back.links) == (
        paper.title,
        paper.abstract,
        paper.note,
        paper.links,
    )
    assert [(e.session, e.room, e.board) for e in imported.events] == [
        (e.session, e.room, e.board) for e in original.events
    ]
    assert (imported.conference.name, imported.categories[0].name) == ("Plain <text> & co", "NLP <&> Vision")
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "second")])
    assert result.exit_code == 0, result.output
    shown = ("title", "subtitle", "abstract", "description", "persons", "room", "links", "track")

    def texts(folder: Path) -> dict[str, tuple[object, ...]]:
        return {guid: tuple(event[key] for key in shown) for guid, event in json_events(folder).items()}

    assert texts(tmp_path / "second") == texts(tmp_path / "first")
    assert shown_events(tmp_path / "second") == shown_events(tmp_path / "first")


def test_the_same_text_from_another_tool_is_read_as_html(tmp_path: Path) -> None:
    """Without confcal's generator, the text may be HTML (pretalx, frab): tags are taken out and
    entities decoded, as the README says; only a schedule confcal wrote is known to be plain."""
    (tmp_path / "plain.toml").write_text(PLAIN_TEXT, encoding="utf-8")
    CliRunner().invoke(cli, ["build", str(tmp_path / "plain.toml"), "-o", str(tmp_path / "first")])
    data = (tmp_path / "first" / "schedule.json").read_text(encoding="utf-8")
    other = data.replace('"generator":{"name":"confcal"}', '"generator":{"name":"pretalx"}')
    assert other != data
    status, output, target = run_import(tmp_path, other, name="schedule.json")
    assert status == 0, output
    papers = load(target).papers
    assert [paper.title for paper in papers] == ["The token: ac"] * 2  # the talk and the poster
    assert papers[0].abstract.startswith("We compare ac, the <CLS> token, and the  and  tokens.\n")


def one_event_xml(inside: str) -> str:
    return berlin_xml("2026-10-24T10:00:00+02:00", "01:00").replace("<title>At the change</title>", inside)


def test_markup_in_xml_text_is_read_as_text(tmp_path: Path) -> None:
    """All of an element's text counts, not only the text before its first child, and HTML's own
    tags are taken out (a block's tag is a line break); other angle brackets stay."""
    status, output, target = run_import(
        tmp_path,
        one_event_xml(
            "<title><i>Ital</i> &amp; co</title>"
            "<abstract><p>Intro</p> and more<br/>on <b>List&lt;String&gt;</b></abstract>"
            "<description>&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</description>"
        ),
    )
    assert status == 0, output
    (paper,) = load(target).papers
    assert paper.title == "Ital & co"
    assert paper.abstract == "Intro\n and more\non List<String>\n\nOne\n\nTwo"


def test_markup_in_json_text_is_read_as_text(tmp_path: Path) -> None:
    data = QUIRKS_JSON.replace(
        '"abstract": null', '"abstract": "<p>Intro</p><ul><li>one</li><li>two</li></ul>"'
    )
    status, output, target = run_import(tmp_path, data, "--timezone", "Europe/Berlin", name="schedule.json")
    assert status == 0, output
    assert load(target).paper("5b4a4b46-7b4e-4d0e-9b0a-6f0c3b7d1a11").abstract == "Intro\n\none\n\ntwo"


@pytest.mark.parametrize(
    ("persons", "expected"),
    [
        (
            '["Ann", 5, null]',
            "persons[1]: expected a person's name or an object with its name, found a number",
        ),
        ('["Ann", null]', "persons[1]: expected a person's name or an object with its name, found null"),
        ('"Ann"', "persons: expected an array of persons, found a string"),
    ],
)
def test_persons_that_are_no_names_are_refused(tmp_path: Path, persons: str, expected: str) -> None:
    """They were written as authors "5" and "None" (and "A", "n", "n")."""
    data = QUIRKS_JSON.replace('"persons": [{"name": "Ada"}]', f'"persons": {persons}')
    status, output, target = run_import(tmp_path, data, "--timezone", "Europe/Berlin", name="schedule.json")
    assert status == 1, output
    assert output == (
        f'Error: {tmp_path}/schedule.json: schedule.conference.days[0].rooms["Aula"][0].{expected}\n'
    )
    assert not target.exists()


BIDI = "a bidirectional control character that shows text in another order than it is stored"


@pytest.mark.parametrize(
    ("inside", "line", "expected"),
    [
        (
            "<title>Talk \u202egnp.exe</title>",
            6,
            "the title of 'Talk \\u202egnp.exe' holds U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5",
        ),
        # Escaped twice, as real exports do: it is there once the entities are decoded.
        (
            "<title>At the change</title><abstract>&amp;#x202E;gnp.exe</abstract>",
            6,
            "the abstract of 'At the change' holds U+202E (RIGHT-TO-LEFT OVERRIDE) at position 0",
        ),
        (
            '<title>At the change</title><links><link href="https://example.org/s">Slides \u2066x</link></links>',
            6,
            "the title of a link of 'At the change' holds U+2066 (LEFT-TO-RIGHT ISOLATE) at position 7",
        ),
        (
            "<title>At the change</title></event></room><room name='Saal \u2067B'><event guid='b'>"
            "<date>2026-10-24T12:00:00+02:00</date><duration>01:00</duration><title>B</title>",
            9,
            "the room of 'B' holds U+2067 (RIGHT-TO-LEFT ISOLATE) at position 5",
        ),
    ],
    ids=["title", "escaped twice", "link title", "a <room> element's name"],
)
def test_a_bidirectional_control_is_refused(tmp_path: Path, inside: str, line: int, expected: str) -> None:
    """U+202E shows the title in another order than it is stored: the import names the text and
    stops, wherever it is written (events.toml refuses it everywhere: the file would not build)."""
    status, output, target = run_import(tmp_path, one_event_xml(inside))
    assert status == 1, output
    assert (
        output == f"Error: {tmp_path}/schedule.xml:{line}: {expected}, {BIDI}; remove it from the schedule\n"
    )
    assert not target.exists()


def test_a_bidirectional_control_in_the_conference_title_is_refused(tmp_path: Path) -> None:
    data = one_event_xml("<title>At the change</title>").replace(
        "<title>Clocks</title>", "<title>\u202bC</title>"
    )
    status, output, target = run_import(tmp_path, data)
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path}/schedule.xml: the conference's title holds U+202B (RIGHT-TO-LEFT EMBEDDING) "
        f"at position 0, {BIDI}; remove it from the schedule\n"
    )
    assert not target.exists()


IMPORTED_TEXT = st.text(
    st.characters(exclude_categories=["Cs"])
    | st.sampled_from("\t\n\r\u202e\u2069\ufdd0\uffff\U0010ffff\ud800<>&;")
)


@settings(max_examples=300)
@given(IMPORTED_TEXT, st.booleans(), st.booleans())
@example("A \uffff noncharacter and a lone \ud800 surrogate", False, False)
@example("\ufdd0 in a title from another tool", False, True)
@example("0\u20280", False, False)
def test_the_import_writes_only_text_the_events_file_takes(value: str, multiline: bool, markup: bool) -> None:
    """One rule for text, read two ways: the import makes a control character, a noncharacter
    or a lone surrogate a space and stops at a bidirectional one (``checked.bidi_problem``); the
    events file refuses them all. So whatever text the import writes, the events file takes as it
    is, and what it stops at, the events file refuses too."""
    written = clean(value, multiline=multiline, markup=markup)
    reader = EventsReader(name="events.toml", text="")
    read = reader.string(written, "papers[0].abstract", multiline=multiline, empty=True)
    if problem := bidi_problem(written):
        assert read == ""
        assert [p.message for p in reader.problems] == [
            f"{show(written)} {problem}; remove it (editors often do not show it)"
        ]
    else:
        assert (read, reader.problems) == (written, [])


def test_deeply_nested_markup_is_read_without_recursion(tmp_path: Path) -> None:
    """An abstract nested 5000 elements deep is read as its text, not a RecursionError traceback."""
    deep = "<i>" * 5000 + "deep" + "</i>" * 5000
    status, output, target = run_import(
        tmp_path, one_event_xml(f"<title>At the change</title><abstract>{deep}</abstract>")
    )
    assert status == 0, output
    assert load(target).papers[0].abstract == "deep"


def url_json(url: str, link: str, *, website: str = "https://example.org/") -> str:
    """QUIRKS_JSON with the conference's url, the first event's url and its link's url."""
    return (
        QUIRKS_JSON.replace('"title": "Tiny",', f'"title": "Tiny", "url": {json.dumps(website)},')
        .replace('"url": "https://example.org/slides"', f'"url": {json.dumps(link)}')
        .replace('"slug": "tiny-1", "url": ""', f'"slug": "tiny-1", "url": {json.dumps(url)}')
    )


def test_a_url_events_toml_refuses_as_it_is_is_written_as_it_asks(tmp_path: Path) -> None:
    """A non-ASCII address, or one holding a quote or angle brackets, was written as it was, and
    the file did not build. It is written as the events file asks, as browsers send it: the host
    in IDNA, the rest percent-encoded."""
    data = url_json(
        "https://bücher.de/straße",
        'https://example.org/slides?q="a"<x>&x=Conway\'s',
        website="https://例え.jp/",
    )
    status, output, target = run_import(tmp_path, data, "--timezone", "Europe/Berlin", name="schedule.json")
    assert status == 0, output
    programme = load(target)
    paper = programme.paper("5b4a4b46-7b4e-4d0e-9b0a-6f0c3b7d1a11")
    assert paper.url == "https://xn--bcher-kva.de/stra%C3%9Fe"
    assert [(link.label, link.url) for link in paper.links] == [
        ("Slides", "https://example.org/slides?q=%22a%22%3Cx%3E&x=Conway%27s")
    ]
    assert programme.conference.website == "https://xn--r8jz45g.jp/"
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


WHERE = 'schedule.conference.days[0].rooms["Aula"][0]'


@pytest.mark.parametrize(
    ("url", "link", "expected"),
    [
        (
            "",
            "https://example.org/a\\b",
            f"{WHERE}: the url of a link of 'Before the change': 'https://example.org/a\\\\b' holds a "
            "backslash at position 21, which browsers read as a slash and other programs as a backslash; "
            "write the address it means, with / or %5C, in the schedule",
        ),
        (
            "https://straße.de/",
            "https://example.org/slides",
            f"{WHERE}: the url of 'Before the change': 'https://straße.de/' holds 'ß' (U+00DF) at position "
            "12; a link in a calendar is ASCII only: percent-encode it, and write its host in xn-- form, "
            "in the schedule",
        ),
        (
            "https://exa<mple.org/",
            "https://example.org/slides",
            f"{WHERE}: the url of 'Before the change': 'https://exa<mple.org/' holds U+003C at position 11, "
            "which a link must not hold as it is; percent-encode it (a space is %20, a quote %22), in the "
            "schedule",
        ),
    ],
    ids=["backslash", "a host IDNA changes", "angle bracket in the host"],
)
def test_a_url_with_no_form_events_toml_takes_stops_the_import(
    tmp_path: Path, url: str, link: str, expected: str
) -> None:
    """No form of these is sure to be the same address (browsers read a backslash as a slash;
    IDNA 2003 makes straße.de strasse.de): only the schedule's author can say which is meant, so
    the import stops, as it does at other text the events file refuses."""
    data = url_json(url, link)
    status, output, target = run_import(tmp_path, data, "--timezone", "Europe/Berlin", name="schedule.json")
    assert status == 1, output
    assert output == f"Error: {tmp_path}/schedule.json: {expected}\n"
    assert not target.exists()


def test_a_conference_url_with_no_such_form_stops_the_import(tmp_path: Path) -> None:
    data = url_json("", "https://example.org/slides", website="https://example.org\\@evil.example/")
    status, output, target = run_import(tmp_path, data, "--timezone", "Europe/Berlin", name="schedule.json")
    assert status == 1, output
    assert output.startswith(
        f"Error: {tmp_path}/schedule.json: the conference's url: 'https://example.org\\\\@evil.example/' "
        "holds a backslash at position 19"
    )
    assert not target.exists()


URL_TEXT = st.builds(
    lambda scheme, host, rest: scheme + host + rest,
    st.sampled_from(["https://", "https://", "https://", "http://", "ftp://", "HTTPS://", ""]),
    st.text(
        st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789.-")
        | st.sampled_from("üßς例:@[]<\"\\'^|%\u200b"),
        min_size=1,
        max_size=12,
    ),
    st.text(
        st.sampled_from("abcxyz0129-._~/?#[]@!$&'()*+,;=%:")
        | st.sampled_from('üß例ς"<>\\^`{|} \u200b\u202e')
        | st.characters(exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]),
        max_size=20,
    ),
)


@settings(max_examples=200)
@given(URL_TEXT, st.booleans())
def test_the_import_writes_only_links_the_events_file_takes(value: str, own: bool) -> None:
    """Whatever url a schedule gives, the import leaves it out (no http(s) URL), writes a link the
    events file takes as it is, or stops, and it stops only at one the events file refuses. Both
    readings: another tool's text (HTML) and confcal's own (plain)."""
    from confcal.checked import link_problem
    from confcal.errors import ScheduleFileError
    from confcal.importer import events_toml, read_schedule
    from confcal.load import parse

    data = url_json(value, value, website=value)
    if own:
        data = data.replace('{"schedule":', '{"generator": {"name": "confcal"}, "schedule":')
    try:
        text = events_toml(read_schedule(data.encode(), name="schedule.json"), timezone="Europe/Berlin")
    except ScheduleFileError:
        assert link_problem(clean(value, markup=not own)) is not None
        return
    programme = parse(text.encode(), name="events.toml")  # an EventsFileError if a link is refused
    paper = programme.paper("5b4a4b46-7b4e-4d0e-9b0a-6f0c3b7d1a11")
    written = {paper.url, programme.conference.website, *(link.url for link in paper.links)} - {""}
    assert all(link_problem(url) is None for url in written)
    if link_problem(shown := clean(value, markup=not own)) is None:
        assert written <= {shown}  # kept as it is


@pytest.mark.parametrize(
    ("venue", "expected"),
    [
        ("Hall \u202eB", "'Hall \\u202eB' holds U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5"),
        ("\u2066Hall", "'\\u2066Hall' holds U+2066 (LEFT-TO-RIGHT ISOLATE) at position 0"),
    ],
)
def test_a_bidirectional_control_in_the_venue_is_refused(tmp_path: Path, venue: str, expected: str) -> None:
    """--venue is written as conference.venue, which the events file refuses with one: the import
    refuses it as it refuses the schedule's text, as a bad option value (exit 2), writing nothing."""
    status, output, target = run_import(tmp_path, QUIRKS_XML, "--venue", venue)
    assert status == 2, output
    assert output.endswith(f"Error: Invalid value for '--venue': {expected}, {BIDI}; remove it\n")
    assert not target.exists()


def test_a_noncharacter_in_the_venue_is_refused(tmp_path: Path) -> None:
    """--venue with U+FFFF, which the events file refuses (schedule.xml could not carry it): a bad
    option value (exit 2), nothing written, as for a bidirectional control."""
    status, output, target = run_import(tmp_path, QUIRKS_XML, "--venue", "Hall \uffffB")
    assert status == 2, output
    assert output.endswith(
        "Error: Invalid value for '--venue': 'Hall \\uffffB' holds the noncharacter U+FFFF at position 5, "
        "which no text holds and XML files (schedule.xml, changes.atom) cannot carry; remove it\n"
    )
    assert not target.exists()


def test_the_venue_is_written_as_typed_not_read_as_html(tmp_path: Path) -> None:
    """An entity on the command line is text: "&#x202E;" is not decoded into the character the
    events file refuses, and "&amp;" stays as typed."""
    status, output, target = run_import(tmp_path, QUIRKS_XML, "--venue", "Hall &#x202E; &amp; <b>Annex</b>")
    assert status == 0, output
    assert load(target).conference.venue == "Hall &#x202E; &amp; <b>Annex</b>"
