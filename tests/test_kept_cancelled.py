"""A published slot deleted with keep_cancelled: kept at its last time and place, streamed or
joined as it was, from what the state file recorded, whatever the events file says since."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from confcal.cli import cli
from tests.helpers import conference_head, parse_events

HEAD = (
    conference_head(start="2026-04-01", end="2026-04-05", timezone="Asia/Kathmandu")
    + """
[[rooms]]
id = "main"
name = "Main"
"""
)
SATELLITE = """
[[rooms]]
id = "ktm-hall"
name = "Satellite Hall"
address = "Thamel Hub, Kathmandu, Nepal"
"""
PUB = """
[[venues]]
id = "pub"
name = "The Pub"
address = "Street 1"
"""
STAYS = """
[[items]]
id = "stay"
title = "Stays"
[items.talk]
start = 2026-04-03T10:00:00
end = 2026-04-03T11:00:00
room = "main"
"""
KATHMANDU = """
[[items]]
id = "ktm"
title = "Kathmandu satellite"
[items.talk]
start = 2026-04-04T19:15:00
end = 2026-04-04T20:15:00
room = "ktm-hall"
streamed = true
url = "https://stream.example.org/ktm"
"""
SOCIAL = """
[[items]]
id = "social"
title = "Social"
[items.talk]
start = 2026-04-04T21:15:00
end = 2026-04-04T22:15:00
venue = "pub"
"""
CALL = """
[[items]]
id = "call"
title = "Call"
[items.talk]
start = 2026-04-03T21:15:00
end = 2026-04-03T22:15:00
url = "https://meet.example.org/call"
"""
PLAIN = """
[[items]]
id = "plain"
title = "Plain"
[items.talk]
start = 2026-04-02T10:00:00
end = 2026-04-02T11:00:00
room = "main"
"""


def run(events: Path, command: str) -> str:
    """The command's output, the output folder named as ``output``."""
    output = events.parent / "output"
    result = CliRunner().invoke(cli, [command, str(events), "-o", str(output)])
    assert result.exit_code in (0, 1), result.output
    return result.output.replace(str(output), "output")


def write(events: Path, text: str, *, day: int) -> None:
    events.write_text(text.replace("2026-03-01T00:00:00Z", f"2026-03-{day:02d}T00:00:00Z"), encoding="utf-8")


def files(output: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def test_a_kept_cancellation_stays_where_and_how_it_was_published(tmp_path: Path) -> None:
    """The Kathmandu satellite (a room with its own address, streamed with a url), a social at an
    off-site venue deleted together with its venue, and a video call: each kept cancellation names
    the place its LOCATION named, says it was streamed or where to join it, and is told only as
    cancelled; later builds leave it byte for byte as it is."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + SATELLITE + PUB + STAYS + KATHMANDU + SOCIAL + CALL, day=1)
    run(events, "build")
    write(events, HEAD + SATELLITE + STAYS, day=2)
    assert run(events, "diff").splitlines()[:3] == [
        'cancelled: call.talk "Call"',
        'cancelled: ktm.talk "Kathmandu satellite"',
        'cancelled: social.talk "Social"',
    ]
    run(events, "build")
    feed = (output / "all.ics").read_bytes()
    parsed = {event.uid.split(".")[1]: event for event in parse_events(feed)}
    ktm, social, call = parsed["ktm"], parsed["social"], parsed["call"]
    assert ktm.location == "Satellite Hall, Thamel Hub, Kathmandu, Nepal"
    assert "Place: Satellite Hall, Thamel Hub, Kathmandu, Nepal\nStreamed and available virtually.\n" in (
        ktm.description
    )
    assert "Watch or join: https://stream.example.org/ktm" in ktm.description
    unfolded = feed.replace(b"\r\n ", b"")
    assert b"LABEL=Stream;VALUE=URI:https://stream.example.org/ktm\r\n" in unfolded
    assert social.location == "The Pub, Street 1"
    assert "Place: The Pub, Street 1\nNot streamed." in social.description
    assert call.location is None
    assert "Place: online\nWatch or join: https://meet.example.org/call" in call.description
    assert b"LABEL=Join;VALUE=URI:https://meet.example.org/call\r\n" in unfolded
    assert "Not streamed." not in ktm.description + call.description
    page = (output / "index.html").read_text(encoding="utf-8")
    for event_id, place in (
        ("ktm.talk", "Satellite Hall, Thamel Hub, Kathmandu, Nepal"),
        ("social.talk", "The Pub, Street 1"),
        ("call.talk", "Online"),
    ):
        item = re.search(rf'<li class="event cancelled" id="{re.escape(event_id)}".*?</li>', page)
        assert item is not None, event_id
        assert f'<p class="where">Talk · {place}</p>' in item.group()
    kept = files(output)
    write(events, HEAD + STAYS, day=3)  # its room deleted too, and a later stamp
    assert run(events, "diff") == "output: nothing to publish\n"
    run(events, "build")
    assert files(output) == kept, "a kept cancellation must not change on later builds"


def _older(state: Path) -> None:
    """The state file as confcal wrote it before it recorded whether a slot was streamed."""
    text = state.read_text(encoding="utf-8")
    older = re.sub(r'"streamed": (true|false|null), |"url": "[^"]*", ', "", text)
    assert older != text
    assert '"streamed"' not in older
    state.write_text(older, encoding="utf-8")


def test_a_state_file_from_before_streaming_was_recorded(tmp_path: Path) -> None:
    """An older state file does not say whether the satellite was streamed: the upgrade changes
    nothing, and the satellite cancelled then keeps its place and SEQUENCE + 1 but says nothing
    about streaming rather than guess "Not streamed."; a plain slot already kept as cancelled
    stays byte for byte as it was published."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + SATELLITE + STAYS + KATHMANDU + PLAIN, day=1)
    run(events, "build")
    write(events, HEAD + SATELLITE + STAYS + KATHMANDU, day=2)
    run(events, "build")
    kept = (output / "items" / "plain.ics").read_bytes()
    _older(output / "confcal-state.json")
    write(events, HEAD + SATELLITE + STAYS + KATHMANDU, day=3)
    assert run(events, "diff") == "output: 1 file would be written: confcal-state.json\n"
    write(events, HEAD + SATELLITE + STAYS, day=3)
    assert run(events, "diff").splitlines()[0] == 'cancelled: ktm.talk "Kathmandu satellite"'
    run(events, "build")
    assert (output / "items" / "plain.ics").read_bytes() == kept
    satellite = (output / "items" / "ktm.ics").read_bytes()
    (ktm,) = parse_events(satellite)
    assert ktm.location == "Satellite Hall, Thamel Hub, Kathmandu, Nepal"
    assert "Streamed" not in ktm.description
    assert "Not streamed." not in ktm.description
    assert b"SEQUENCE:1\r\n" in satellite
    assert '"streamed": null' in (output / "confcal-state.json").read_text(encoding="utf-8")
    before = files(output)
    write(events, HEAD + SATELLITE + STAYS, day=4)
    run(events, "build")
    assert files(output) == before


MOVED = HEAD.replace('venue = "Main Venue"', 'venue = "New Venue"')


def _location(output: Path, item: str) -> str | None:
    (event,) = parse_events((output / "items" / f"{item}.ics").read_bytes())
    return event.location


def test_a_kept_cancellation_keeps_the_venue_it_was_published_at(tmp_path: Path) -> None:
    """The conference moves after a slot was kept as cancelled: the slot still names the room and
    venue it was published at, never the old room at the new venue, and changes in no byte; the
    state file records that venue for it, since it is not the one the file records for all."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + STAYS + PLAIN, day=1)
    run(events, "build")
    write(events, HEAD + STAYS, day=2)
    run(events, "build")
    assert _location(output, "plain") == "Main, Main Venue"
    kept = (output / "items" / "plain.ics").read_bytes()
    write(events, MOVED + STAYS, day=3)
    assert (
        run(events, "diff").splitlines()[0]
        == 're-roomed: stay.talk "Stays": Main, Main Venue → Main, New Venue'
    )
    assert "items/plain.ics" not in run(events, "diff")
    run(events, "build")
    assert _location(output, "stay") == "Main, New Venue"
    assert (output / "items" / "plain.ics").read_bytes() == kept
    state = json.loads((output / "confcal-state.json").read_text(encoding="utf-8"))
    assert state["venue"] == "New Venue"
    assert state["events"]["plain.talk"]["conference_venue"] == "Main Venue"
    assert "conference_venue" not in state["events"]["stay.talk"]
    before = files(output)
    write(events, MOVED + STAYS, day=4)
    assert run(events, "diff") == "output: nothing to publish\n"
    run(events, "build")
    assert files(output) == before


def test_a_slot_dropped_as_the_conference_moves_is_cancelled_where_it_was(tmp_path: Path) -> None:
    """A slot deleted in the build that moves the conference is kept as cancelled at the room and
    venue it was published at, told only as cancelled, never re-roomed to a place it never was."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + STAYS + PLAIN, day=1)
    run(events, "build")
    write(events, MOVED + STAYS, day=2)
    told = run(events, "diff").splitlines()
    assert told[:2] == [
        'cancelled: plain.talk "Plain"',
        're-roomed: stay.talk "Stays": Main, Main Venue → Main, New Venue',
    ]
    run(events, "build")
    plain = (output / "items" / "plain.ics").read_bytes()
    (event,) = parse_events(plain)
    assert event.location == "Main, Main Venue"
    assert "Place: Main, Main Venue\n" in event.description
    assert "New Venue" not in event.description
    assert b"SEQUENCE:1\r\n" in plain
    assert _location(output, "stay") == "Main, New Venue"
    before = files(output)
    write(events, MOVED + STAYS, day=3)
    run(events, "build")
    assert files(output) == before


def test_a_state_file_from_before_the_venue_was_recorded(tmp_path: Path) -> None:
    """An older state file records no venue at all: a slot kept as cancelled then names the
    conference's venue as it is now, and the upgrade changes no byte but the state file's; once
    recorded, the conference moving leaves the kept slot at the venue it was published at."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + STAYS + PLAIN, day=1)
    run(events, "build")
    write(events, HEAD + STAYS, day=2)
    run(events, "build")
    state = output / "confcal-state.json"
    text = state.read_text(encoding="utf-8")
    older = text.replace(',\n  "venue": "Main Venue"', "")
    assert older != text
    assert "Main Venue" not in older
    state.write_text(older, encoding="utf-8")
    kept = files(output)
    write(events, HEAD + STAYS, day=3)
    assert run(events, "diff") == "output: 1 file would be written: confcal-state.json\n"
    run(events, "build")
    assert {name: data for name, data in files(output).items() if name != "confcal-state.json"} == {
        name: data for name, data in kept.items() if name != "confcal-state.json"
    }
    assert state.read_text(encoding="utf-8") == text
    write(events, MOVED + STAYS, day=4)
    run(events, "build")
    assert _location(output, "plain") == "Main, Main Venue"
    assert (output / "items" / "plain.ics").read_bytes() == kept["items/plain.ics"]


POSTER = """
[[items]]
id = "board"
title = "Board"
[items.poster]
start = 2026-04-02T14:00:00
end = 2026-04-02T15:00:00
room = "main"
board = "7"
"""
RELABELLED = '\n[kinds]\nposter = { label = "Poster session" }\n'
OTHER = POSTER.replace('"board"', '"other"').replace('"Board"', '"Other"')


def test_a_kept_cancellation_keeps_the_label_it_was_published_with(tmp_path: Path) -> None:
    """A kind relabelled after one of its slots was kept as cancelled renames its live slots, not
    the kept one: that keeps its SUMMARY and CATEGORIES, SEQUENCE and every byte, and is not told
    as renamed; the state file records its label, since it is not the one recorded for the kind."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + STAYS + POSTER, day=1)
    run(events, "build")
    write(events, HEAD + STAYS, day=2)
    run(events, "build")
    kept = (output / "items" / "board.ics").read_bytes()
    (event,) = parse_events(kept)
    assert event.summary == "Cancelled: Poster: Board"
    write(events, HEAD + RELABELLED + STAYS + OTHER, day=3)
    assert run(events, "diff").splitlines()[0] == 'added: other.poster "Other"'
    run(events, "build")
    (other,) = parse_events((output / "items" / "other.ics").read_bytes())
    assert other.summary == "Poster session: Other"
    assert (output / "items" / "board.ics").read_bytes() == kept
    state = json.loads((output / "confcal-state.json").read_text(encoding="utf-8"))
    assert state["labels"]["poster"] == "Poster session"
    assert state["events"]["board.poster"]["label"] == "Poster"
    assert "label" not in state["events"]["other.poster"]
    page = (output / "index.html").read_text(encoding="utf-8")
    item = re.search(r'<li class="event cancelled" id="board\.poster".*?</li>', page, re.DOTALL)
    assert item is not None
    assert '<span class="kind">Poster</span>' in item.group()
    shown = CliRunner().invoke(cli, ["agenda", str(events), "--published", str(output), "--paper", "board"])
    assert shown.exit_code == 0, shown.output
    assert "Poster  Cancelled: Board" in shown.output
    before = files(output)
    write(events, HEAD + RELABELLED + STAYS + OTHER, day=4)
    assert run(events, "diff") == "output: nothing to publish\n"
    run(events, "build")
    assert files(output) == before


def test_a_slot_cancelled_as_its_kind_is_relabelled_keeps_its_label(tmp_path: Path) -> None:
    """A slot deleted by the build that relabels its kind is kept with the label it was published
    with, told only as cancelled; put back later, it takes the kind's label and is told renamed."""
    events = tmp_path / "events.toml"
    output = tmp_path / "output"
    write(events, HEAD + STAYS + POSTER, day=1)
    run(events, "build")
    write(events, HEAD + RELABELLED + STAYS, day=2)
    assert run(events, "diff").splitlines()[0] == 'cancelled: board.poster "Board"'
    run(events, "build")
    (event,) = parse_events((output / "items" / "board.ics").read_bytes())
    assert event.summary == "Cancelled: Poster: Board"
    assert event.categories == ("Poster",)
    write(events, HEAD + RELABELLED + STAYS + POSTER, day=3)
    assert run(events, "diff").splitlines()[:2] == [
        'restored: board.poster "Board"',
        'renamed: board.poster "Poster: Board" → "Poster session: Board"',
    ]
