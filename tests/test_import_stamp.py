"""confcal import: publish.updated is when the import happened (SOURCE_DATE_EPOCH, else the
clock), never the conference's first day, so the organizer's next bump is later than it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from confcal.load import load

SCHEDULE = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>0.4</version>
  <conference>
    <title>Winter Days</title>
    <acronym>winterdays</acronym>
    <start>2026-12-20</start>
    <end>2026-12-20</end>
    <time_zone_name>Europe/Berlin</time_zone_name>
  </conference>
  <day index="1" date="2026-12-20" start="2026-12-20T09:00:00+01:00" end="2026-12-20T18:00:00+01:00">
    <room name="Main Hall">
      <event guid="0d4b8a53-5a57-4d53-a2f4-0d3b8f1c2a01" id="1">
        <date>2026-12-20T10:00:00+01:00</date>
        <start>10:00</start>
        <duration>00:30</duration>
        <room>Main Hall</room>
        <title>Opening</title>
        <track>Main</track>
        <type>talk</type>
        <persons><person id="1">Ada</person></persons>
      </event>
      <event guid="0d4b8a53-5a57-4d53-a2f4-0d3b8f1c2a02" id="2">
        <date>2026-12-20T11:00:00+01:00</date>
        <start>11:00</start>
        <duration>00:30</duration>
        <room>Main Hall</room>
        <title>Second</title>
        <track>Main</track>
        <type>talk</type>
        <persons><person id="2">Grace</person></persons>
      </event>
    </room>
  </day>
</schedule>
"""

IMPORTED_AT = datetime(2026, 11, 1, 10, 0, 0, tzinfo=UTC)  # seven weeks before the conference


def imported(tmp_path: Path) -> Path:
    (tmp_path / "schedule.xml").write_text(SCHEDULE, encoding="utf-8")
    target = tmp_path / "events.toml"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "schedule.xml"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def test_the_stamp_is_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(IMPORTED_AT.timestamp())))
    target = imported(tmp_path)
    assert "updated = 2026-11-01T10:00:00Z\n" in target.read_text(encoding="utf-8")
    assert load(target).conference.updated == IMPORTED_AT


def test_without_source_date_epoch_the_stamp_is_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(UTC).replace(microsecond=0)
    target = imported(tmp_path)
    after = datetime.now(UTC)
    assert before <= load(target).conference.updated <= after


def test_a_bad_source_date_epoch_stops_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    (tmp_path / "schedule.xml").write_text(SCHEDULE, encoding="utf-8")
    target = tmp_path / "e.toml"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "schedule.xml"), "-o", str(target)])
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH is 'yesterday', not ASCII digits" in result.output
    assert not target.exists()


def test_a_bump_to_now_after_the_first_build_is_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's loop before the conference: import, build, set updated to now, move a talk,
    build. No stale-stamp warning, and the moved talk's LAST-MODIFIED is the new stamp."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(IMPORTED_AT.timestamp())))
    target = imported(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(target), "-o", str(tmp_path / "site")])
    assert first.exit_code == 0, first.output
    page = (tmp_path / "site" / "index.html").read_text()
    text = target.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^updated = .*$", "updated = 2026-11-02T09:00:00Z", text).replace(
        "start = 2026-12-20T11:00:00\nend = 2026-12-20T11:30:00",
        "start = 2026-12-20T14:00:00\nend = 2026-12-20T14:30:00",
    )
    assert edited.count("2026-11-02T09:00:00Z") == 1
    assert "T14:00:00" in edited
    target.write_text(edited, encoding="utf-8")
    second = runner.invoke(cli, ["build", str(target), "-o", str(tmp_path / "site")])
    assert second.exit_code == 0, second.output
    assert "not later" not in second.output
    assert "stamp" not in second.output
    paper = next(p for p in load(target).papers if p.title == "Second")
    feed = (tmp_path / "site" / "papers" / f"{paper.id}.ics").read_text()
    assert "LAST-MODIFIED:20261102T090000Z" in feed
    assert "Programme updated 1 November 2026, 10:00 UTC" in page
