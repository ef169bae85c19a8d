"""What every feed holds, checked on the bytes and on the parsed calendar."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser.string import _foldline as _icalendar_fold

from confcal.feeds import feeds
from confcal.load import load, parse
from confcal.render import render_event, timezone_component
from confcal.vevent import fold
from tests.conftest import EVENTS, OUTPUT
from tests.helpers import plan
from tests.small_programme import HEAD

FEEDS = sorted(path.name for path in OUTPUT.glob("*.ics"))


def calendar(name: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((OUTPUT / name).read_bytes())


def test_spliced_feeds_equal_icalendar_serialising_the_whole_calendar() -> None:
    """Reusing each event's bytes gives exactly what icalendar writes for the full Calendar."""
    programme = load(EVENTS)
    files = plan(programme)
    for feed in feeds(programme):
        whole = icalendar.Calendar.from_ical(files[feed.filename])
        rebuilt = icalendar.Calendar()
        for key, value in whole.property_items(recursive=False)[1:-1]:
            rebuilt.add(key, value)
        vtimezone = timezone_component(programme)
        assert vtimezone is not None
        rebuilt.add_component(vtimezone)
        for event in feed.events:
            rebuilt.add_component(icalendar.Event.from_ical(render_event(programme, event)))
        assert rebuilt.to_ical() == files[feed.filename]


@pytest.mark.parametrize("name", FEEDS)
def test_calendar_properties(name: str) -> None:
    cal = calendar(name)
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"] == "-//confcal//confcal//EN"
    assert cal["CALSCALE"] == "GREGORIAN"
    assert cal["METHOD"] == "PUBLISH"
    unfolded = (OUTPUT / name).read_bytes().replace(b"\r\n ", b"").decode()
    header = dict(line.split(":", 1) for line in unfolded.split("BEGIN:VTIMEZONE")[0].splitlines()[1:])
    assert header["NAME"] == header["X-WR-CALNAME"]
    assert header["DESCRIPTION"] == header["X-WR-CALDESC"]
    assert cal["X-WR-TIMEZONE"] == "America/Chicago"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert cal.to_ical().count(b"REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n") == 1
    assert cal.to_ical().count(b"X-PUBLISHED-TTL:PT12H\r\n") == 1


def test_every_feed_has_its_own_name() -> None:
    names = {name: str(calendar(name)["NAME"]) for name in FEEDS}
    assert names["all.ics"] == "NeurIPS 2023"
    assert names["test-of-time.ics"] == "NeurIPS 2023: Test of Time Award"
    assert len(set(names.values())) == len(names)


@pytest.mark.parametrize("name", FEEDS)
def test_one_vtimezone_per_tzid_used_limited_to_the_year(name: str) -> None:
    cal = calendar(name)
    zones = cal.walk("VTIMEZONE")
    used = {str(e["DTSTART"].params["TZID"]) for e in cal.walk("VEVENT")} | {
        str(e["DTEND"].params["TZID"]) for e in cal.walk("VEVENT")
    }
    assert [str(z["TZID"]) for z in zones] == sorted(used) == ["America/Chicago"]
    assert "COMMENT" not in zones[0]
    starts = sorted(sub["DTSTART"].dt.year for sub in zones[0].subcomponents)
    assert starts == [2023, 2023, 2023]


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Etc/GMT", "Zulu", "Europe/Berlin"])
def test_a_vtimezone_exactly_when_an_event_names_its_zone(tmp_path: Path, zone: str) -> None:
    """A zone icalendar writes with a Z (UTC by any of its names) needs no VTIMEZONE: one that
    no TZID names is dead weight some clients list as a zone of their own."""
    events = tmp_path / "events.toml"
    events.write_text(
        HEAD.replace('timezone = "Europe/Berlin"', f'timezone = "{zone}"')
        + '[[papers]]\nid = "a"\ncategory = "main"\ntitle = "A"\nauthors = ["B"]\n'
        + "[papers.oral]\nstart = 2024-06-03T10:00:00\nend = 2024-06-03T10:20:00\n",
        encoding="utf-8",
    )
    cal = icalendar.Calendar.from_ical(plan(load(events))["all.ics"])
    used = {
        str(e[end].params["TZID"])
        for e in cal.walk("VEVENT")
        for end in ("DTSTART", "DTEND")
        if "TZID" in e[end].params
    }
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == sorted(used)


@pytest.mark.parametrize("name", FEEDS)
def test_lines_are_crlf_and_folded_at_75_octets(name: str) -> None:
    data = (OUTPUT / name).read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


@pytest.mark.parametrize("name", FEEDS)
def test_events_are_sorted_by_start_then_id(name: str) -> None:
    events = calendar(name).walk("VEVENT")
    keys = [(e["DTSTART"].dt, str(e["UID"])) for e in events]
    assert keys == sorted(keys)


def test_uids_are_unique_and_identical_in_every_feed() -> None:
    blocks: dict[str, bytes] = {}
    for name in FEEDS:
        data = (OUTPUT / name).read_bytes()
        for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.S):
            uid = re.search(rb"\r\nUID:(.*?)\r\n", block)
            assert uid is not None
            assert blocks.setdefault(uid.group(1).decode(), block) == block, "same slot, same bytes"
    assert len(blocks) == 13


def test_uid_survives_a_new_title_and_new_times(events_copy: Path) -> None:
    text = events_copy.read_text(encoding="utf-8")
    edited = text.replace("Privacy Auditing with One (1) Training Run", "Privacy Auditing in One Run")
    edited = edited.replace("start = 2023-12-12T15:40:00", "start = 2023-12-12T15:10:00", 1)
    events_copy.write_text(edited, encoding="utf-8")
    before = {e.id: e for e in load(EVENTS).events}
    after = {e.id: e for e in load(events_copy).events}
    assert before.keys() == after.keys()
    uids = {str(c["UID"]) for c in calendar("all.ics").walk("VEVENT")}
    rebuilt = icalendar.Calendar.from_ical(plan(load(events_copy))["all.ics"])
    assert {str(c["UID"]) for c in rebuilt.walk("VEVENT")} == uids


def test_event_details() -> None:
    events = {
        str(e["UID"]).split(".")[1] + "." + str(e["UID"]).split(".")[2].split("@")[0]: e
        for e in calendar("all.ics").walk("VEVENT")
    }
    oral = events["privacy-auditing-one-training-run.oral"]
    assert oral["SUMMARY"] == "Oral: Privacy Auditing with One (1) Training Run"
    assert oral["LOCATION"] == "RO6-RO9 (Level 2), Ernest N. Morial Convention Center"
    assert oral["STATUS"] == "CONFIRMED"
    assert oral["CATEGORIES"].cats == ["Outstanding Main Track Papers", "Oral"]
    assert oral["DTSTAMP"].dt.isoformat() == "2023-12-11T00:00:00+00:00"
    description = str(oral["DESCRIPTION"])
    assert description.startswith(
        "Outstanding Main Track Papers\n"
        "Oral 2D Privacy: Tue 12 Dec 2023, 15:40–16:40 CST (America/Chicago)\n"
        "Place: RO6-RO9 (Level 2), Ernest N. Morial Convention Center\n"
        "Streamed and available virtually.\n\n"
        "Authors: Thomas Steinke, Milad Nasr, Matthew Jagielski\n\n"
        "Abstract: We propose a scheme for auditing differentially private machine learning systems"
    )
    assert description.endswith(
        "NeurIPS 2023, Ernest N. Morial Convention Center, New Orleans, LA: https://neurips.cc"
    )

    poster = events["privacy-auditing-one-training-run.poster"]
    assert poster["SUMMARY"] == "Poster: Privacy Auditing with One (1) Training Run"
    assert poster["LOCATION"] == "Poster board #1523, Ernest N. Morial Convention Center"
    assert "Not streamed." in str(poster["DESCRIPTION"])

    talk = events["word2vec.talk"]
    assert (
        talk["SUMMARY"]
        == "Test of Time: Distributed Representations of Words and Phrases and their Compositionality"
    )
    assert "LOCATION" not in talk, "the announcement gives no room for the talk"
    assert "Place: not announced\nSpeakers: Greg Corrado, Jeffrey Dean\n" in str(talk["DESCRIPTION"])
    assert talk["CATEGORIES"].cats == ["Test of Time Award", "Talk"]

    climsim = str(events["climsim.oral"]["DESCRIPTION"])
    assert climsim.startswith("Outstanding Datasets and Benchmarks Papers (dataset category)\n")
    assert (
        "Links:\nData: https://huggingface.co/datasets/LEAP/ClimSim_high-res\nCode: https://leap-stc.github.io/ClimSim"
        in climsim
    )
    assert "Björn Lütjens" in climsim


JOIN = "https://meet.example.org/panel"
ONLINE_SLOTS = {
    # A slot with its own url, no place and no `streamed`: a video call, so its place is online.
    "online": ("", f'url = "{JOIN}"', "Place: online\nWatch or join: " + JOIN + "\n\n", "Join"),
    # In a room, not streamed, with a link to join: the room, then the link, never "Not streamed."
    "hybrid": (
        'room = "R1"',
        f'url = "{JOIN}"',
        "Place: R1, Hall\nWatch or join: " + JOIN + "\n\n",
        "Join",
    ),
    # Streamed: the url is its stream, which says nothing of where it happens.
    "streamed": (
        "",
        f'url = "{JOIN}"\nstreamed = true',
        "Place: not announced\nStreamed and available virtually.\nWatch or join: " + JOIN + "\n\n",
        "Stream",
    ),
    "no url": ("", "", "Place: not announced\nNot streamed.\n\n", None),
}


@pytest.mark.parametrize("case", ONLINE_SLOTS)
def test_a_slot_with_its_own_url_never_reads_not_streamed(case: str) -> None:
    place, link, lines, label = ONLINE_SLOTS[case]
    text = (
        HEAD
        + '\n[[items]]\nid = "online-only"\ntitle = "Online panel"\n\n[items.talk]\n'
        + 'session = "Session B: Theory"\nstart = 2024-06-03T10:00:00\nend = 2024-06-03T11:00:00\n'
        + f"{place}\n{link}\n"
    )
    programme = parse(text.encode(), name="online.toml")
    (event,) = programme.events
    component = icalendar.Event.from_ical(render_event(programme, event))
    description = str(component["DESCRIPTION"])
    assert description.startswith(
        "Session B: Theory: Mon 3 Jun 2024, 10:00–11:00 CEST (Europe/Berlin)\n" + lines
    )
    assert ("LOCATION" in component) == bool(place), "no place is invented for an online slot"
    if label is None:
        assert "CONFERENCE" not in component
    else:
        assert "Not streamed." not in description
        assert str(component["CONFERENCE"]) == JOIN
        assert component["CONFERENCE"].params["LABEL"] == label


def test_no_organizer_attendee_or_alarm_in_published_feeds() -> None:
    for name in FEEDS:
        data = (OUTPUT / name).read_bytes()
        for forbidden in (b"\r\nORGANIZER", b"\r\nATTENDEE", b"BEGIN:VALARM", b"METHOD:REQUEST"):
            assert forbidden not in data, (name, forbidden)


@given(
    st.text(alphabet=st.sampled_from("ab\\^;,:é€ 😀"), max_size=400)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300)
)
def test_fast_folding_is_icalendars_folding(line: str) -> None:
    line = line.replace("\n", " ").replace("\r", " ")
    assert fold(line.encode()).decode() == _icalendar_fold(line)


@pytest.mark.parametrize("length", range(70, 230))
def test_fast_folding_at_every_boundary_with_escapes(length: int) -> None:
    for filler in ("x", "\\", "^", "x\\", "\\,", "^^x"):
        line = (filler * length)[:length]
        assert fold(line.encode()).decode() == _icalendar_fold(line)
