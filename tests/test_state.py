"""The state file is read like events.toml: every damaged value is a located error, never a crash
and never published silently (``confcal.state``)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from confcal.releases import Change, Release
from confcal.state import MAX_SEQUENCE, STATE_FILE, StateFile, StateFileError, dump_state, parse_state
from tests.conftest import EVENTS, OUTPUT
from tests.helpers import restamped

ORAL = "privacy-auditing-one-training-run.oral"
COMMITTED = json.loads((OUTPUT / STATE_FILE).read_text(encoding="utf-8"))


def damaged(change: Any) -> bytes:
    document = json.loads(json.dumps(COMMITTED))
    change(document)
    return json.dumps(document).encode()


def setter(*path: str | int, value: object) -> Any:
    def change(document: Any) -> None:
        for key in path[:-1]:
            document = document[key]
        document[path[-1]] = value

    return change


def problems(raw: bytes) -> list[str]:
    with pytest.raises(StateFileError) as caught:
        parse_state(raw, name="state.json")
    return [str(problem) for problem in caught.value.problems]


EXISTS = "is not a date and time that exists; expected a UTC time like 2023-12-11T00:00:00Z"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            setter("events", ORAL, "last_modified", value="2023-13-01T00:00:00Z"),
            f"events.{ORAL}.last_modified: '2023-13-01T00:00:00Z' {EXISTS}",
        ),
        (
            setter("events", ORAL, "last_modified", value="0000-12-01T00:00:00Z"),
            f"events.{ORAL}.last_modified: '0000-12-01T00:00:00Z' {EXISTS}",
        ),
        (
            setter("events", ORAL, "last_modified", value="0001-01-01T00:00:00Z"),
            f"events.{ORAL}.last_modified: '0001-01-01T00:00:00Z' is out of range; "
            "expected a year from 1970 to 9998",
        ),
        (
            setter("events", ORAL, "last_modified", value=""),
            f"events.{ORAL}.last_modified: expected a UTC time like 2023-12-11T00:00:00Z, found ''",
        ),
        (
            setter("events", ORAL, "start", value="2023-02-30T10:00:00Z"),
            f"events.{ORAL}.start: '2023-02-30T10:00:00Z' {EXISTS}",
        ),
        (
            setter("events", ORAL, "start", value="2023-12-13T10:00:00Z"),
            f"events.{ORAL}.end: 2023-12-12T22:40:00Z is not after the start 2023-12-13T10:00:00Z",
        ),
        (
            setter("events", ORAL, "sequence", value=10**30),
            f"events.{ORAL}.sequence: expected a whole number from 0 to {MAX_SEQUENCE}, "
            "found 1000000000000000000000000000000",
        ),
        (
            setter("events", ORAL, "sequence", value=10**300),
            f"events.{ORAL}.sequence: expected a whole number from 0 to {MAX_SEQUENCE}, "
            "found an integer of about 300 digits",
        ),
        (
            setter("events", ORAL, "sequence", value=-1),
            f"events.{ORAL}.sequence: expected a whole number from 0 to {MAX_SEQUENCE}, found -1",
        ),
        (
            setter("events", ORAL, "session", value=""),
            f"events.{ORAL}.session: expected text, found an empty string",
        ),
        (
            setter("events", ORAL, "speakers", value=[[[["x"]]]]),
            f"events.{ORAL}.speakers[0]: expected a string, found an array of 1 value",
        ),
        (
            setter("events", ORAL, "paper", "title", value="a\x1b[2Jb"),
            f"events.{ORAL}.paper.title: control character U+001B at position 1; remove it",
        ),
        (
            setter("events", ORAL, "content", value="x"),
            f"events.{ORAL}.content: expected a SHA-256 digest in hex, found 'x'",
        ),
        (
            setter("events", ORAL, "rooms", value="x"),
            f"events.{ORAL}.rooms: unknown key 'rooms'; did you mean 'room'?",
        ),
        (setter("events", ORAL, "venue", value=None), f"events.{ORAL}.venue: expected a string, found"),
        (setter("events", ORAL, "venue", value=0), f"events.{ORAL}.venue: expected a string, found"),
        (setter("events", ORAL, "venue", value="Hall A"), f"events.{ORAL}.venue: 'Hall A' is not a safe id"),
        (setter("events", ORAL, "where", value=0), f"events.{ORAL}.where: expected a string, found"),
        (
            setter("events", ORAL, "where", value="Hall A\nHall B"),
            f"events.{ORAL}.where: expected a single line, found a line break",
        ),
        (
            setter("events", ORAL, "streamed", value="yes"),
            f"events.{ORAL}.streamed: expected a boolean, found",
        ),
        (setter("events", ORAL, "url", value=0), f"events.{ORAL}.url: expected a string, found"),
        (setter("events", ORAL, "kept", value=1), f"events.{ORAL}.kept: expected a boolean, found"),
        (
            setter("events", ORAL, "conference_venue", value=""),
            f"events.{ORAL}.conference_venue: expected text, found an empty string",
        ),
        (
            setter("events", ORAL, "conference_venue", value=["Hall"]),
            f"events.{ORAL}.conference_venue: expected a string, found",
        ),
        (
            setter("events", ORAL, "position", value=0),
            f"events.{ORAL}.position: expected a whole number from 1, found 0",
        ),
        (
            setter("events", ORAL, "paper", "table", value="talks"),
            f"events.{ORAL}.paper.table: expected 'papers' or 'items', found 'talks'",
        ),
        (setter("conference", value=7), "conference: expected a string, found an integer (7)"),
        (setter("labels", value=["Oral"]), "labels: expected a table, found an array"),
        (setter("labels", "oral", value=""), "labels.oral: expected text, found an empty string"),
        (setter("labels", "Oral", value="Oral"), "labels.Oral: expected a kind like 'poster', found 'Oral'"),
        (
            setter("conference", value="NeurIPS 2023"),
            "conference: expected a conference id like 'neurips-2023', found 'NeurIPS 2023'",
        ),
        (setter("published", value=["../../etc/passwd"]), "published[0]: '../../etc/passwd' is not a file"),
        (setter("published", value=["/etc/passwd"]), "published[0]: '/etc/passwd' is not a file"),
        (setter("published", value=[".git/config"]), "published[0]: '.git/config' is not a file"),
        (setter("published", value=[STATE_FILE]), f"published[0]: '{STATE_FILE}' is not a file"),
        (setter("published", value=["a//b.ics"]), "published[0]: 'a//b.ics' is not a file"),
        (setter("published", value=["a\\b.ics"]), "published[0]: 'a\\\\b.ics' is not a file"),
        (
            setter("published", value=["all.ics", "papers/p.ics", "all.ics"]),
            "published[2]: 'all.ics' is listed twice",
        ),
        (
            setter("events", ORAL, "paper", "title", value="Privacy \ud800Auditing"),
            f"events.{ORAL}.paper.title: lone surrogate U+D800 at position 8, which no text holds",
        ),
        (
            setter("reminders_minutes", value=0),
            "reminders_minutes: expected minutes from 1 to 10080, found 0",
        ),
    ],
)
def test_damaged_value_is_a_located_problem(change: Any, message: str) -> None:
    found = problems(damaged(change))
    assert any(message in problem for problem in found), found
    assert found[-1].endswith(
        "the file is damaged; restore it from version control, or delete it and build with --force to start "
        "again from SEQUENCE 0"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b'{"format": 1, "events": {"a.oral": {"speakers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}}",
            "state.json:1: not a state file: arrays or objects nested hundreds of levels deep; expected at "
            "most a few levels",
        ),
        (
            b'{"format": 1, "events": {"a.oral": {"sequence": ' + b"9" * 5000 + b"}}}",
            "state.json:1: not a state file: an integer of 5000 digits, too long to read; expected at most "
            "4300 digits",
        ),
        (b"\xff", "state.json:1: not UTF-8: byte 0xff at offset 0"),
        (b"[]", "state.json: expected a JSON object"),
    ],
)
def test_unreadable_state_is_one_problem(raw: bytes, message: str) -> None:
    found = problems(raw)
    assert any(problem.startswith(message) for problem in found), found


def test_the_committed_state_reads_back_to_the_same_bytes() -> None:
    raw = (OUTPUT / STATE_FILE).read_bytes()
    state = parse_state(raw, name=STATE_FILE)
    assert state.published is not None
    assert "all.ics" in state.published
    assert dump_state(state) == raw


def test_a_state_file_from_before_the_published_list_still_reads() -> None:
    document = json.loads(json.dumps(COMMITTED))
    del document["published"]
    state = parse_state(json.dumps(document).encode(), name=STATE_FILE)
    assert state.published is None
    assert dump_state(
        StateFile(state.events, conference=state.conference, venue=state.venue, labels=state.labels)
    ) == dump_state(state)


def test_sequence_at_the_limit_is_an_error_when_the_slot_changes(tmp_path: Path) -> None:
    events, output = tmp_path / "events.toml", tmp_path / "output"
    shutil.copyfile(EVENTS, events)
    shutil.copytree(OUTPUT, output)
    state = output / STATE_FILE
    state.write_bytes(damaged(setter("events", ORAL, "sequence", value=MAX_SEQUENCE)))
    before = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    runner = CliRunner()
    unchanged = runner.invoke(cli, ["build", str(events), "-o", str(output)])
    assert unchanged.exit_code == 0, "an unchanged slot keeps its SEQUENCE, even the largest"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("start = 2023-12-12T15:40:00", "start = 2023-12-12T15:45:00", 1))
    result = runner.invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 1
    assert f"{state}: events.{ORAL}.sequence: at {MAX_SEQUENCE}, the largest SEQUENCE" in result.output
    assert "Traceback" not in result.output
    after = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    assert after.keys() == before.keys()


def test_text_published_before_the_bidi_rule_still_reads(tmp_path: Path) -> None:
    """events.toml refuses bidirectional control characters, the state file does not: it holds
    what an earlier build published, so the organizer who removes one from the title can build
    (under a later stamp: the title changed)."""
    events, output = tmp_path / "events.toml", tmp_path / "output"
    events.write_text(restamped(EVENTS.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(OUTPUT, output)
    published = "Privacy Auditing with \u202eOne (1) Training Run"
    (output / STATE_FILE).write_bytes(damaged(setter("events", ORAL, "paper", "title", value=published)))
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Privacy Auditing with One (1) Training Run" in (output / "all.ics").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["Tutorial: T\n      (part 2)", " ", "Oral\x07: T"])
def test_a_name_the_reader_would_refuse_is_never_written(name: str) -> None:
    """A state file the next build would refuse is not written: the change's name is checked
    with the reader's rule before it is."""
    stamp = datetime(2023, 12, 12, tzinfo=UTC)
    state = StateFile(releases=(Release(stamp, (Change("updated", "a.oral", "T", name=name),)),))
    with pytest.raises(ValueError, match="cannot be recorded"):
        dump_state(state)
    fine = StateFile(releases=(Release(stamp, (Change("updated", "a.oral", "T", name="Oral: T"),)),))
    assert parse_state(dump_state(fine), name=STATE_FILE) == fine


def test_the_conference_venue_is_read_back_and_checked() -> None:
    assert parse_state(dump_state(StateFile(venue="Hall, Floor 2")), name=STATE_FILE).venue == "Hall, Floor 2"
    assert parse_state(dump_state(StateFile()), name=STATE_FILE).venue is None
    document = json.loads(dump_state(StateFile()))
    document["venue"] = ["Hall"]
    with pytest.raises(StateFileError) as caught:
        parse_state(json.dumps(document).encode(), name=STATE_FILE)
    assert "venue: expected a string, found an array" in caught.value.report()
    document["venue"] = ""  # every event would be re-roomed from no venue; no build writes it
    with pytest.raises(StateFileError) as caught:
        parse_state(json.dumps(document).encode(), name=STATE_FILE)
    assert "venue: expected text, found an empty string" in caught.value.report()


def test_a_change_s_place_and_venues_are_read_back_and_checked() -> None:
    """``place`` (events of a release alike in name and start) and ``venues`` (a move of the
    conference that took the event along) round-trip; ``venues`` is the venue before and after."""
    stamp = datetime(2023, 12, 12, tzinfo=UTC)
    change = Change(
        "re-roomed", "a.oral", "T", "R, Old", "R, New", name="Oral: T", place="R", venues=("Old", "New")
    )
    state = StateFile(releases=(Release(stamp, (change,)),))
    assert parse_state(dump_state(state), name=STATE_FILE) == state
    document = json.loads(dump_state(state))
    document["releases"][0]["changes"][0]["venues"] = ["Old"]
    with pytest.raises(StateFileError) as caught:
        parse_state(json.dumps(document).encode(), name=STATE_FILE)
    assert (
        "releases[0].changes[0].venues: expected the venue before and after, found an array of 1 value"
        in (caught.value.report())
    )
