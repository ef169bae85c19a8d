"""confcal import, followed as the README says: importing a newer frab or pretalx export again.

The fixtures are written by hand after real exports: an old frab ``schedule.xml`` and a pretalx
``schedule.json`` of one weekend in Europe/Berlin over the night the clocks go back (25 October
2026, 03:00 CEST → 02:00 CET), both valid against the c3voc schemas (../shared/schemas)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from confcal.load import load
from tests.helpers import parse_events

GUIDS = {
    "opening": "3f2a7c1e-8b4d-4e6a-9c0f-1d2e3f4a5b61",
    "rust": "3f2a7c1e-8b4d-4e6a-9c0f-1d2e3f4a5b62",
    "party": "3f2a7c1e-8b4d-4e6a-9c0f-1d2e3f4a5b63",
    "reading": "3f2a7c1e-8b4d-4e6a-9c0f-1d2e3f4a5b64",
    "closing": "3f2a7c1e-8b4d-4e6a-9c0f-1d2e3f4a5b65",
}

FRAB_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <generator name="frab" version="0.7"/>
  <version>Fahrplan v1.3</version>
  <conference>
    <title>Herbsthack 2026</title>
    <acronym>herbsthack2026</acronym>
    <start>2026-10-24</start>
    <end>2026-10-25</end>
    <days>2</days>
    <timeslot_duration>00:15</timeslot_duration>
    <time_zone_name>Europe/Berlin</time_zone_name>
    <url>https://herbsthack.example.org/</url>
  </conference>
  <day index="1" date="2026-10-24" start="2026-10-24T10:00:00+02:00" end="2026-10-25T04:00:00+01:00">
    <room name="Saal 1">
      <event guid="{opening}" id="101">
        <date>2026-10-24T11:00:00+02:00</date>
        <start>11:00</start>
        <duration>00:30</duration>
        <room>Saal 1</room>
        <slug>herbsthack2026-101-opening</slug>
        <title>Opening</title>
        <subtitle/>
        <track>Community</track>
        <type>lecture</type>
        <language>de</language>
        <abstract>Willkommen!</abstract>
        <persons><person id="11">Jana Krüger</person></persons>
      </event>
      <event guid="{rust}" id="102">
        <date>2026-10-24T14:00:00+02:00</date>
        <start>14:00</start>
        <duration>02:00</duration>
        <room>Saal 1</room>
        <slug>herbsthack2026-102-rust</slug>
        <title>Workshop: Rust for Pythonistas</title>
        <subtitle/>
        <track>Workshop</track>
        <type>workshop</type>
        <language>en</language>
        <abstract>Bring a laptop.</abstract>
        <persons><person id="12">Ferris Crab</person></persons>
      </event>
{night}    </room>
  </day>
  <day index="2" date="2026-10-25" start="2026-10-25T10:00:00+01:00" end="2026-10-25T18:00:00+01:00">
    <room name="Saal 1">
      <event guid="{closing}" id="105">
        <date>2026-10-25T16:00:00+01:00</date>
        <start>16:00</start>
        <duration>00:30</duration>
        <room>Saal 1</room>
        <slug>herbsthack2026-105-closing</slug>
        <title>Closing</title>
        <subtitle/>
        <track>Community</track>
        <type>lecture</type>
        <language>de</language>
        <abstract/>
        <persons><person id="11">Jana Krüger</person></persons>
      </event>
    </room>
  </day>
</schedule>
"""

# The night of the change: a party from 22:00 CEST for 5:30 (ends at the second 02:30, CET)
# and a reading at the first 02:30 (CEST), listed under the day before as frab does.
FRAB_NIGHT = """      <event guid="{party}" id="103">
        <date>2026-10-24T22:00:00+02:00</date>
        <start>22:00</start>
        <duration>05:30</duration>
        <room>Saal 1</room>
        <title>Zeitumstellungsparty</title>
        <track>Community</track>
        <type>other</type>
        <abstract/>
      </event>
      <event guid="{reading}" id="104">
        <date>2026-10-25T02:30:00+02:00</date>
        <start>02:30</start>
        <duration>00:20</duration>
        <room>Saal 1</room>
        <title>Lesung zur doppelten Stunde</title>
        <track>Community</track>
        <type>lecture</type>
        <abstract/>
      </event>
"""


def frab_xml(*, night: bool = False, **guids: str) -> str:
    """FRAB_XML with the night's two events or without, and any guid replaced."""
    given = {**GUIDS, **guids}
    return FRAB_XML.format(night=FRAB_NIGHT.format(**given) if night else "", **given)


PRETALX = {  # key: id, date, duration, title, type, track
    "opening": (101, "2026-10-24T11:00:00+02:00", "00:30", "Opening", "Talk", "Community"),
    "rust": (
        102,
        "2026-10-24T14:00:00+02:00",
        "02:00",
        "Workshop: Rust for Pythonistas",
        "Workshop",
        "Workshop",
    ),
    "party": (103, "2026-10-24T22:00:00+02:00", "05:30", "Zeitumstellungsparty", "Talk", "Community"),
    "reading": (
        104,
        "2026-10-25T02:30:00+02:00",
        "00:20",
        "Lesung zur doppelten Stunde",
        "Talk",
        "Community",
    ),
    "closing": (105, "2026-10-25T16:00:00+01:00", "00:30", "Closing", "Talk", "Community"),
}


def pretalx_event(key: str, guid: str) -> dict[str, object]:
    """One event as pretalx writes it (``PRETALX``), with ``guid``."""
    number, date, duration, title, kind, track = PRETALX[key]
    page = f"https://pretalx.example.org/herbsthack2026/talk/HB{number:04d}/"
    return {
        "guid": guid,
        "code": f"HB{number:04d}",
        "id": number,
        "logo": None,
        "date": date,
        "start": date[11:16],
        "duration": duration,
        "room": "Saal 1",
        "slug": f"herbsthack2026-{number}-{key}",
        "url": page,
        "title": title,
        "subtitle": "",
        "track": track,
        "type": kind,
        "language": "en",
        "abstract": "<p>See you there.</p>",
        "description": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [{"code": f"SP{number:04d}", "name": "Jana Krüger", "biography": None}],
        "links": [],
        "feedback_url": f"{page}feedback/",
        "origin_url": page,
        "attachments": [],
    }


def pretalx_json(*, night: bool = False, **guids: str) -> str:
    """A pretalx schedule.json of the same weekend; ``guids`` replaces an event's guid."""
    given = {**GUIDS, **guids}
    first = [
        pretalx_event(key, given[key])
        for key in ("opening", "rust", *(("party", "reading") if night else ()))
    ]
    second = [pretalx_event("closing", given["closing"])]
    days = [
        {
            "index": 1,
            "date": "2026-10-24",
            "day_start": "2026-10-24T04:00:00+02:00",
            "day_end": "2026-10-25T03:59:00+01:00",
            "rooms": {"Saal 1": first},
        },
        {
            "index": 2,
            "date": "2026-10-25",
            "day_start": "2026-10-25T04:00:00+01:00",
            "day_end": "2026-10-26T03:59:00+01:00",
            "rooms": {"Saal 1": second},
        },
    ]
    schedule = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "pretalx", "version": "2025.1.0"},
        "schedule": {
            "url": "https://pretalx.example.org/herbsthack2026/schedule/",
            "version": "0.9",
            "base_url": "https://pretalx.example.org",
            "conference": {
                "acronym": "herbsthack2026",
                "title": "Herbsthack 2026",
                "start": "2026-10-24",
                "end": "2026-10-25",
                "daysCount": 2,
                "timeslot_duration": "00:05",
                "time_zone_name": "Europe/Berlin",
                "url": "https://pretalx.example.org/herbsthack2026/",
                "tracks": [{"name": "Community", "slug": "1-community", "color": "#2185d0"}],
                "rooms": [
                    {"name": "Saal 1", "slug": "1-saal-1", "guid": "9c3e7a52-1111-4b6e-8f00-0a1b2c3d4e5f"}
                ],
                "days": days,
            },
        },
    }
    return json.dumps(schedule, ensure_ascii=False, indent=1)


FORMATS = {"schedule.xml": frab_xml, "schedule.json": pretalx_json}
TITLES = {
    "opening": "Opening",
    "rust": "Workshop: Rust for Pythonistas",
    "party": "Zeitumstellungsparty",
    "reading": "Lesung zur doppelten Stunde",
    "closing": "Closing",
}
POSITIONS = {
    "opening": 'schedule.conference.days[0].rooms["Saal 1"][0]',
    "rust": 'schedule.conference.days[0].rooms["Saal 1"][1]',
    "party": 'schedule.conference.days[0].rooms["Saal 1"][2]',
    "reading": 'schedule.conference.days[0].rooms["Saal 1"][3]',
    "closing": 'schedule.conference.days[1].rooms["Saal 1"][0]',
}


def line_of(text: str, key: str) -> int:
    """The line of the <event> element of ``key`` in a schedule.xml."""
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if "<event " in line:
            start = number
        if f"<title>{TITLES[key]}</title>" in line:
            return start
    raise AssertionError(key)


def at(name: str, text: str, key: str) -> str:
    """Where a message puts the event ``key`` of ``text``, the fixture ``name``, after its file."""
    return f":{line_of(text, key)}" if name == "schedule.xml" else f": {POSITIONS[key]}"


def inside(name: str, text: str, key: str) -> str:
    """How a message names the event ``key`` of ``text`` inside another event's message."""
    return f"line {line_of(text, key)}" if name == "schedule.xml" else f"at {POSITIONS[key]}"


def validate(name: str, text: str, schemas: Path) -> None:
    import jsonschema
    import xmlschema

    if name == "schedule.xml":
        xmlschema.XMLSchema(str(schemas / "schedule.xml.xsd")).validate(text)
        return
    schema = json.loads((schemas / "schedule.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(json.loads(text))


def run(tmp_path: Path, name: str, text: str, *options: str) -> tuple[int, str, Path]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    target = tmp_path / "events.toml"
    result = CliRunner().invoke(cli, ["import", str(source), "-o", str(target), *options])
    return result.exit_code, result.output, target


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("night", [False, True])
def test_the_fixtures_are_valid_schedules(name: str, night: bool, schemas: Path) -> None:
    validate(name, FORMATS[name](night=night), schemas)


@pytest.mark.parametrize("name", FORMATS)
def test_the_fixtures_import_and_build(name: str, tmp_path: Path) -> None:
    status, output, target = run(tmp_path, name, FORMATS[name]())
    assert status == 0, output
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    events = parse_events((tmp_path / "out" / "all.ics").read_bytes())
    assert sorted((e.start, e.end) for e in events) == [
        (datetime(2026, 10, 24, 9, 0, tzinfo=UTC), datetime(2026, 10, 24, 9, 30, tzinfo=UTC)),
        (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 24, 14, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 15, 0, tzinfo=UTC), datetime(2026, 10, 25, 15, 30, tzinfo=UTC)),
    ]


# -- a guid given twice ---------------------------------------------------------------------


def test_the_schema_refuses_a_guid_given_twice_too(schemas: Path) -> None:
    import xmlschema

    with pytest.raises(xmlschema.XMLSchemaValidationError, match="guid_unique"):
        validate("schedule.xml", frab_xml(closing=GUIDS["rust"]), schemas)


@pytest.mark.parametrize("name", FORMATS)
def test_a_guid_given_twice_is_refused_naming_both_events(name: str, tmp_path: Path) -> None:
    """Numbering the second ("-2", as the import did) swaps identities once the schedule drops
    the first: the survivor takes its id, so its UID. The import refuses instead, naming both."""
    text = FORMATS[name](closing=GUIDS["rust"])
    status, output, target = run(tmp_path, name, text)
    assert status == 1, output
    assert output == (
        f"Error: {tmp_path / name}{at(name, text, 'closing')}: the guid '{GUIDS['rust']}' of 'Closing' is "
        f"also the guid of 'Workshop: Rust for Pythonistas' ({inside(name, text, 'rust')}). An event's "
        "guid becomes its id and UID, so it "
        "must be its own (the schedule's schemas require it too): numbered, the second would take the "
        "first one's UID once the schedule drops the first, and calendars would show one talk turning "
        "into the other. Give each event a guid of its own where the schedule is made (or in this file, "
        "and again in every later import), or remove the one not meant\n"
    )
    assert not target.exists()


def test_every_guid_given_twice_is_named_at_once(tmp_path: Path) -> None:
    text = frab_xml(night=True, reading=GUIDS["opening"], closing=GUIDS["rust"])
    status, output, target = run(tmp_path, "schedule.xml", text)
    assert status == 1, output
    source = tmp_path / "schedule.xml"
    assert output.startswith(f"Error: {source}: 2 events would take another's id. An event's guid ")
    assert output.endswith(
        "or remove the one not meant:\n"
        f"  {source}:55: the guid '{GUIDS['opening']}' of 'Lesung zur doppelten Stunde' is also the guid "
        "of 'Opening' (line 17)\n"
        f"  {source}:69: the guid '{GUIDS['rust']}' of 'Closing' is also the guid of "
        "'Workshop: Rust for Pythonistas' (line 31)\n"
    )
    assert not target.exists()


def test_guids_that_differ_only_in_case_are_refused(schemas: Path, tmp_path: Path) -> None:
    """The schema's uuid pattern takes either case, and a uuid in capitals is another string, so
    the file is valid; but both give one id (ids are lowercase), so one would be numbered."""
    text = frab_xml(closing=GUIDS["rust"].upper())
    validate("schedule.xml", text, schemas)
    status, output, target = run(tmp_path, "schedule.xml", text)
    assert status == 1, output
    assert output.startswith(
        f"Error: {tmp_path / 'schedule.xml'}:49: the guid '{GUIDS['rust'].upper()}' of 'Closing' gives "
        f"the id '{GUIDS['rust']}', as the guid '{GUIDS['rust']}' of 'Workshop: Rust for Pythonistas' "
        "(line 31) does. An event's guid becomes its id and UID"
    )
    assert not target.exists()


# -- importing again: what the organizer gave ---------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_importing_again_with_venue_and_city_changes_only_what_the_schedule_changed(
    name: str, tmp_path: Path
) -> None:
    """The README's way to follow pretalx: import each newer export over the file. With the venue
    and the city given again, only the event the schedule moved changes; with the city left out,
    every event's description (it ends with the city) would change, a line each in the changelog."""
    given = ("--venue", "Kulturzentrum Scheune", "--city", "Dresden")
    status, output, target = run(tmp_path, name, FORMATS[name](), *given)
    assert status == 0, output
    assert output == f"{target}: 3 events (3 items) from {tmp_path / name}\n"  # nothing to fill in
    assert (load(target).conference.venue, load(target).conference.city) == (
        "Kulturzentrum Scheune",
        "Dresden",
    )
    published = tmp_path / "out"
    first = CliRunner().invoke(
        cli, ["build", str(target), "-o", str(published)], env={"SOURCE_DATE_EPOCH": "1790000000"}
    )
    assert first.exit_code == 0, first.output
    assert "placeholder" not in first.output

    newer = FORMATS[name]().replace("16:00", "16:30")  # the closing moved by half an hour
    status, output, target = run(tmp_path, name, newer, "--force", *given)
    assert status == 0, output
    diff = CliRunner().invoke(
        cli, ["diff", str(target), "--published", str(published)], env={"SOURCE_DATE_EPOCH": "1790003600"}
    )
    assert diff.exit_code == 1, diff.output
    changed = [line for line in diff.output.splitlines() if not line.startswith(f"{published}:")]
    assert changed == [
        f'moved: {GUIDS["closing"]}.talk "Closing": Sun 25 Oct 2026, 16:00–16:30 CET → '
        "Sun 25 Oct 2026, 16:30–17:00 CET"
    ]


@pytest.mark.parametrize(
    ("options", "fill_in"),
    [
        ((), "; fill in conference.venue and .city"),
        (("--venue", "Scheune"), "; fill in conference.city"),
        (("--city", "Dresden"), "; fill in conference.venue"),
    ],
)
def test_the_summary_names_what_is_left_to_fill_in(
    options: tuple[str, ...], fill_in: str, tmp_path: Path
) -> None:
    status, output, target = run(tmp_path, "schedule.xml", frab_xml(), *options)
    assert status == 0, output
    assert output == f"{target}: 3 events (3 items) from {tmp_path / 'schedule.xml'}{fill_in}\n"
    text = target.read_text(encoding="utf-8")
    assert (
        "# Importing again (--force) writes the entries anew from the schedule and keeps the rest\n"
        "# of this file that no schedule gives: see the README's `confcal import`.\n"
    ) in text


def test_the_city_is_written_as_typed_and_checked_as_the_venue_is(tmp_path: Path) -> None:
    status, output, target = run(tmp_path, "schedule.xml", frab_xml(), "--city", "Köln &amp; <b>Deutz</b>")
    assert status == 0, output
    assert load(target).conference.city == "Köln &amp; <b>Deutz</b>"
    status, output, target = run(
        tmp_path, "schedule.xml", frab_xml(), "--force", "--city", "Köln \u202eDeutz"
    )
    assert status == 2
    assert output.startswith("Usage: ")
    assert "Error: Invalid value for '--city': " in output


# -- a title that begins with its label -------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_a_title_that_begins_with_its_label_is_not_given_it_twice(name: str, tmp_path: Path) -> None:
    """A workshop in the track "Workshop" titled "Workshop: Rust for Pythonistas": its summary
    begins with its session, "Workshop", so the title loses the same word before its colon."""
    status, output, target = run(tmp_path, name, FORMATS[name]())
    assert status == 0, output
    assert load(target).paper(GUIDS["rust"]).title == "Rust for Pythonistas"
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summaries = sorted(e.summary for e in parse_events((tmp_path / "out" / "all.ics").read_bytes()))
    talk = "Lecture" if name == "schedule.xml" else "Talk"  # the session is the event's type
    assert summaries == [f"{talk}: Closing", f"{talk}: Opening", "Workshop: Rust for Pythonistas"]


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("workshop:  Rust for Pythonistas", "Rust for Pythonistas"),  # letter case and spaces aside
        ("Workshops: how to run them", "Workshops: how to run them"),
        ("Rust workshop: for Pythonistas", "Rust workshop: for Pythonistas"),
        ("Workshop:", "Workshop:"),  # nothing would be left
    ],
)
def test_only_the_label_itself_is_taken_off(title: str, kept: str, tmp_path: Path) -> None:
    text = frab_xml().replace("Workshop: Rust for Pythonistas", title)
    status, output, target = run(tmp_path, "schedule.xml", text)
    assert status == 0, output
    assert load(target).paper(GUIDS["rust"]).title == kept


def test_a_poster_titled_with_its_label_is_not_given_it_twice(tmp_path: Path) -> None:
    text = frab_xml().replace("<type>workshop</type>", "<type>poster</type>")
    text = text.replace("Workshop: Rust for Pythonistas", "Poster: Rust for Pythonistas")
    status, output, target = run(tmp_path, "schedule.xml", text)
    assert status == 0, output
    assert load(target).paper(GUIDS["rust"]).title == "Rust for Pythonistas"


# -- the night the clocks go back --------------------------------------------------------------


@pytest.mark.parametrize("name", FORMATS)
def test_every_time_the_clocks_repeat_is_named_with_the_one_its_offset_means(
    name: str, tmp_path: Path
) -> None:
    """events.toml's local times cannot say which 02:30 is meant (the loader refuses both), so
    the import cannot write these two; it names each, with the instant the offset gives, and
    nothing is written."""
    text = FORMATS[name](night=True)
    status, output, target = run(tmp_path, name, text)
    assert status == 1, output
    source = tmp_path / name
    twice = (
        "happens twice in Europe/Berlin: clocks go back from 03:00 to 02:00 (CEST → CET), so 02:00–02:59 "
        "comes twice; expected a time up to 01:59 or from 03:00"
    )
    assert output == (
        f"Error: {source}: 2 events would start or end at a local time events.toml cannot hold. An "
        "events.toml time has no offset to say which is meant; change the event's start or duration in "
        "the schedule, or import with --timezone UTC to write every time in UTC:\n"
        f"  {source}{at(name, text, 'party')}: 'Zeitumstellungsparty' (start 2026-10-24T22:00:00+02:00, "
        f"duration 05:30) would end at a local time events.toml cannot hold: 2026-10-25 02:30 {twice}; "
        "the schedule's offset says the second, 02:30 CET (01:30 UTC)\n"
        f"  {source}{at(name, text, 'reading')}: 'Lesung zur doppelten Stunde' (start "
        "2026-10-25T02:30:00+02:00, duration 00:20) would start at a local time events.toml cannot hold: "
        f"2026-10-25 02:30 {twice}; the schedule's offset says the first, 02:30 CEST (00:30 UTC)\n"
    )
    assert not target.exists()
    status, output, target = run(tmp_path, name, text, "--timezone", "UTC")
    assert status == 0, output
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    night = {e.summary: (e.start, e.end) for e in parse_events((tmp_path / "out" / "all.ics").read_bytes())}
    assert [night[s] for s in sorted(night) if "Zeit" in s or "Lesung" in s] == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 0, 50, tzinfo=UTC)),
        (datetime(2026, 10, 24, 20, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ]
