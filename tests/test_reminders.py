"""Opt-in reminders: the VALARM variant of the feeds, and its absence from the default ones."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from ical.calendar_stream import IcsCalendarStream

from confcal.cli import cli
from confcal.load import load
from confcal.reminders import alarm, parse_lead_time, with_alarm
from confcal.render import render_event
from tests.helpers import restamped

SHIPPED = Path(__file__).resolve().parent.parent / "events.toml"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("15m", 15), ("1h", 60), ("90m", 90), ("1h30m", 90), (" 2H ", 120), ("10080m", 10080)],
)
def test_lead_times(text: str, minutes: int) -> None:
    assert parse_lead_time(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "15", "m", "0m", "0h0m", "-5m", "1.5h", "15 min", "30m1h", "10081m"])
def test_bad_lead_times(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        parse_lead_time(text)


def test_spliced_alarm_is_what_icalendar_writes_for_the_event_with_the_alarm() -> None:
    programme = load(SHIPPED)
    for event in programme.events:
        block = render_event(programme, event)
        component = icalendar.Event.from_ical(block)
        assert component.to_ical() == block  # the round trip is exact, so the comparison below is fair
        valarm = icalendar.Alarm()
        valarm.add("action", "DISPLAY")
        valarm.add("description", "Starts soon")
        valarm.add("trigger", timedelta(minutes=-20))
        component.add_component(valarm)
        assert with_alarm(block, alarm("Starts soon", timedelta(minutes=20))) == component.to_ical()


def feeds_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ics"))}


def unnamed(data: bytes) -> bytes:
    """The calendar without its name and description lines (the variant has its own)."""
    return re.sub(
        rb"\r\n(?:NAME|X-WR-CALNAME|DESCRIPTION|X-WR-CALDESC):.*?(?=\r\n[^ ])",
        b"",
        data,
        count=4,
        flags=re.DOTALL,
    )


def test_build_alarm_writes_a_reminders_variant_and_leaves_default_feeds_alone(tmp_path: Path) -> None:
    plain, alarmed = tmp_path / "plain", tmp_path / "alarmed"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(SHIPPED), "-o", str(plain)]).exit_code == 0
    result = runner.invoke(cli, ["build", str(SHIPPED), "-o", str(alarmed), "--alarm", "15m"])
    assert result.exit_code == 0, result.output
    assert not (plain / "reminders").exists()
    defaults = feeds_in(alarmed)
    assert defaults == feeds_in(plain)
    variant = feeds_in(alarmed / "reminders")
    assert variant.keys() == defaults.keys()
    for name, data in defaults.items():
        assert b"VALARM" not in data
        without_alarms = re.sub(rb"BEGIN:VALARM\r\n.*?END:VALARM\r\n", b"", variant[name], flags=re.DOTALL)
        assert unnamed(without_alarms) == unnamed(data)
        plain_events = IcsCalendarStream.calendar_from_ics(data.decode()).events
        events = IcsCalendarStream.calendar_from_ics(variant[name].decode()).events
        assert [e.uid for e in events] == [e.uid for e in plain_events]
        for event in events:
            (valarm,) = event.alarm
            assert valarm.action == "DISPLAY"
            assert valarm.trigger == timedelta(minutes=-15)
            assert valarm.description == f"Reminder: {event.summary}"


def test_export_alarm() -> None:
    result = CliRunner().invoke(cli, ["export", str(SHIPPED), "--paper", "climsim", "--alarm", "1h30m"])
    assert result.exit_code == 0, result.output
    events = IcsCalendarStream.calendar_from_ics(result.stdout_bytes.decode()).events
    assert len(events) == 2
    assert all([a.trigger for a in e.alarm] == [timedelta(minutes=-90)] for e in events)
    plain = CliRunner().invoke(cli, ["export", str(SHIPPED), "--paper", "climsim"])
    assert b"VALARM" not in plain.stdout_bytes


def test_bad_alarm_is_a_usage_error_and_builds_nothing(tmp_path: Path) -> None:
    output = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(SHIPPED), "-o", str(output), "--alarm", "soon"])
    assert result.exit_code == 2
    assert "Invalid value for '--alarm': 'soon' is not a lead time" in result.output
    assert not output.exists()


@pytest.fixture(scope="module")
def icalcheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/tools/icalcheck.c compiled against libical (strict RFC 5545 checks)."""
    cc, pkg_config = shutil.which("cc"), shutil.which("pkg-config")
    if not cc or not pkg_config or subprocess.run([pkg_config, "--exists", "libical"]).returncode:
        message = "needs cc, pkg-config and libical-dev (.ci/system-deps installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    flags = subprocess.run(
        [pkg_config, "--cflags", "--libs", "libical"], capture_output=True, text=True, check=True
    ).stdout.split()
    binary = tmp_path_factory.mktemp("icalcheck") / "icalcheck"
    source = Path(__file__).parent / "tools" / "icalcheck.c"
    subprocess.run([cc, str(source), "-o", str(binary), *flags], check=True)
    return binary


def test_reminders_add_nothing_libicals_strict_checks_flag(icalcheck: Path, tmp_path: Path) -> None:
    """libical finds no more in the variant than in the default feeds, and nothing in a VALARM.

    (libical's iTIP table wants an ORGANIZER in every METHOD:PUBLISH event, which a published
    feed must not have: that one finding is the default feeds' and is left to their tests.)
    """
    result = CliRunner().invoke(cli, ["build", str(SHIPPED), "-o", str(tmp_path), "--alarm", "15m"])
    assert result.exit_code == 0, result.output

    def problems(folder: Path) -> list[str]:
        files = sorted(str(p) for p in folder.glob("*.ics"))
        assert files
        output = subprocess.run([str(icalcheck), *files], capture_output=True, text=True).stdout
        return [line.split(": ", 1)[1] for line in output.splitlines()]

    variant = problems(tmp_path / "reminders")
    assert variant == problems(tmp_path)
    assert not [line for line in variant if "VALARM" in line]


# -- the published variant stays in step (a plain build after --alarm) ---------------------

ORAL_START = "start = 2023-12-12T15:40:00"
MOVED_START = "start = 2023-12-12T15:50:00"


def test_a_plain_build_keeps_a_published_reminders_variant_in_step(tmp_path: Path) -> None:
    events, output = tmp_path / "events.toml", tmp_path / "out"
    shutil.copyfile(SHIPPED, events)
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(events), "-o", str(output), "--alarm", "15m"]).exit_code == 0
    events.write_text(
        restamped(events.read_text(encoding="utf-8").replace(ORAL_START, MOVED_START, 1)), encoding="utf-8"
    )
    diff = runner.invoke(cli, ["diff", str(events), "-o", str(output)])
    assert diff.exit_code == 1
    assert "reminders/all.ics" in diff.output.splitlines()[-1]
    result = runner.invoke(cli, ["build", str(events), "-o", str(output)])
    assert result.exit_code == 0, result.output
    plain, reminded = (output / "all.ics").read_bytes(), (output / "reminders" / "all.ics").read_bytes()
    assert b"DTSTART;TZID=America/Chicago:20231212T155000" in plain
    assert b"DTSTART;TZID=America/Chicago:20231212T155000" in reminded
    assert reminded.count(b"TRIGGER:-PT15M") == reminded.count(b"BEGIN:VEVENT")
    assert runner.invoke(cli, ["diff", str(events), "-o", str(output)]).exit_code == 0


def test_no_alarm_stops_publishing_the_variant(tmp_path: Path) -> None:
    output = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(SHIPPED), "-o", str(output), "--alarm", "1h"]).exit_code == 0
    result = runner.invoke(cli, ["build", str(SHIPPED), "-o", str(output), "--no-alarm"])
    assert result.exit_code == 0, result.output
    assert "5 removed" in result.output
    assert not (output / "reminders").exists()
    assert "reminders_minutes" not in (output / "confcal-state.json").read_text(encoding="utf-8")
    both = runner.invoke(cli, ["build", str(SHIPPED), "-o", str(output), "--alarm", "1h", "--no-alarm"])
    assert both.exit_code == 2
    assert "--alarm and --no-alarm contradict each other" in both.output


# -- what the variant leaves out, and what it is called ------------------------------------

NAMED = ("NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC")


def test_a_cancelled_event_gets_no_reminder(tmp_path: Path) -> None:
    """No reminder for an event that is not happening: cancelled on purpose (``status``) or
    removed from the file and kept as cancelled (``--keep-cancelled``)."""
    events, output = tmp_path / "events.toml", tmp_path / "out"
    text = SHIPPED.read_text(encoding="utf-8")
    events.write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(events), "-o", str(output)]).exit_code == 0
    cancelled = text.replace(ORAL_START, f'{ORAL_START}\nstatus = "cancelled"', 1)
    events.write_text(
        restamped(cancelled[: cancelled.index('[[papers]]\nid = "word2vec"')]), encoding="utf-8"
    )
    result = runner.invoke(
        cli, ["build", str(events), "-o", str(output), "--alarm", "15m", "--keep-cancelled"]
    )
    assert result.exit_code == 0, result.output
    events_in_variant = IcsCalendarStream.calendar_from_ics(
        (output / "reminders" / "all.ics").read_text(encoding="utf-8")
    ).events
    by_status = {
        status: {event.uid.split(".", 1)[1] for event in events_in_variant if event.status == status}
        for status in ("CANCELLED", "CONFIRMED")
    }
    assert by_status["CANCELLED"] == {
        "privacy-auditing-one-training-run.oral@confcal",
        "word2vec.talk@confcal",
    }
    assert len(by_status["CONFIRMED"]) == len(events_in_variant) - 2
    for event in events_in_variant:
        assert len(event.alarm) == (0 if event.status == "CANCELLED" else 1), event.uid
    exported = runner.invoke(
        cli, ["export", str(events), "--paper", "privacy-auditing-one-training-run", "--alarm", "15m"]
    )
    assert exported.exit_code == 0, exported.output
    oral, poster = IcsCalendarStream.calendar_from_ics(exported.stdout_bytes.decode()).events
    assert (oral.status, len(oral.alarm), poster.status, len(poster.alarm)) == (
        "CANCELLED",
        0,
        "CONFIRMED",
        1,
    )


def calendar_names(data: bytes) -> dict[str, str]:
    """The calendar's name and description properties, unfolded, as written (escaped)."""
    lines = data.decode().replace("\r\n ", "").split("\r\n")
    head = lines[: lines.index("BEGIN:VTIMEZONE")]
    return {prop: value for prop, _, value in (line.partition(":") for line in head) if prop in NAMED}


def test_the_reminders_variant_has_a_name_of_its_own(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(SHIPPED), "-o", str(tmp_path), "--alarm", "1h30m"])
    assert result.exit_code == 0, result.output
    names = [calendar_names(path.read_bytes()) for path in sorted(tmp_path.glob("*.ics"))]
    variant = [calendar_names(path.read_bytes()) for path in sorted((tmp_path / "reminders").glob("*.ics"))]
    assert len(variant) == len(names) == 5
    for plain, reminded in zip(names, variant, strict=True):
        assert reminded["NAME"] == reminded["X-WR-CALNAME"] == f"{plain['NAME']} (with reminders)"
        assert (
            reminded["DESCRIPTION"]
            == reminded["X-WR-CALDESC"]
            == (f"{plain['DESCRIPTION']} Each event has a reminder 1 hour 30 minutes before it starts.")
        )
    every_name = [feed["NAME"] for feed in (*names, *variant)]
    assert len(set(every_name)) == len(every_name)
    assert variant[0]["NAME"] == "NeurIPS 2023 (with reminders)"
