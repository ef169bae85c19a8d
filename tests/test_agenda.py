"""`confcal agenda`: local times per zone, grouping by local day, filters, colour."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli

SHIPPED = str(Path(__file__).resolve().parent.parent / "events.toml")
DECODINGTRUST = "DecodingTrust: A Comprehensive Assessment of Trustworthiness in GPT Models"
PRIVACY = "Privacy Auditing with One (1) Training Run"


def agenda(*args: str, env: dict[str, str] | None = None, color: bool = False) -> str:
    result = CliRunner().invoke(cli, ["agenda", SHIPPED, *args], env=env, color=color)
    assert result.exit_code == 0, result.output
    return result.output


def day_of(output: str, needle: str) -> tuple[str, str]:
    """(day heading, row) of the first row containing ``needle``."""
    day = ""
    for line in output.splitlines():
        if line and not line.startswith(" "):
            day = line
        elif needle in line:
            return day, line
    raise AssertionError(f"{needle!r} not in the agenda")


def test_conference_zone_by_default() -> None:
    # Announcement: DecodingTrust oral Tue 12 Dec 2023, 10:00–10:45 CST, Ballroom A-C, Level 2.
    day, row = day_of(agenda(), DECODINGTRUST)
    assert day == "Tuesday 12 December 2023"
    assert row.split()[:2] == ["10:00–10:45", "CST"]
    assert row.rstrip().endswith("Ballroom A-C (Level 2)")


def test_berlin_times_and_days() -> None:
    # CST is UTC-6 and CET is UTC+1: seven hours later. The privacy poster (17:15–19:15 CST on
    # Tuesday) is 00:15–02:15 in Berlin, so it moves to Wednesday.
    output = agenda("--tz", "Europe/Berlin")
    day, row = day_of(output, DECODINGTRUST)
    assert (day, row.split()[:2]) == ("Tuesday 12 December 2023", ["17:00–17:45", "CET"])
    poster_day, poster = day_of(output, "Poster board #1523")
    assert (poster_day, poster.split()[:2]) == ("Wednesday 13 December 2023", ["00:15–02:15", "CET"])


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
def test_local_zone_is_the_machines() -> None:
    # 10:00 CST = 16:00 UTC = 01:00 JST the next day.
    day, row = day_of(agenda("--tz", "local"), DECODINGTRUST)
    assert (day, row.split()[:2]) == ("Wednesday 13 December 2023", ["01:00–01:45", "JST"])


def test_columns_are_aligned() -> None:
    rows = [line for line in agenda().splitlines() if line.startswith("  ")]
    kind_columns = {line.index(f" {line.split()[2]} ") for line in rows}
    place_columns = {line.rindex("  ") for line in rows}
    assert len(kind_columns) == 1
    assert len(place_columns) == 1


def test_filters_as_in_export() -> None:
    output = agenda("--kind", "poster", "--day", "2023-12-12")
    rows = [line for line in output.splitlines() if line.startswith("  ")]
    assert len(rows) == 3  # DecodingTrust, privacy and scaling posters on Tuesday
    assert all(row.split()[2] == "Poster" for row in rows)
    assert PRIVACY in output


def test_colour_only_on_a_terminal_without_no_color() -> None:
    assert "\x1b[" not in agenda()  # CliRunner output is not a terminal
    assert "\x1b[" in agenda(color=True)
    assert "\x1b[" not in agenda(color=True, env={"NO_COLOR": "1"})


def test_unknown_zone_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["agenda", SHIPPED, "--tz", "Mars/Olympus"])
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for '--tz': unknown time zone 'Mars/Olympus' (expected an IANA name like "
        "'America/Chicago'); or 'local' for this machine's zone\n"
    )


@pytest.mark.parametrize(
    ("abbreviation", "meant"),
    [
        ("CST", "America/Chicago"),
        ("EST", "America/New_York"),
        ("CET", "Europe/Paris"),
        ("PST", "America/Los_Angeles"),
        ("IST", "Asia/Kolkata"),
    ],
)
def test_a_zone_abbreviation_suggests_the_zones_using_it_as_the_events_file_does(
    abbreviation: str, meant: str
) -> None:
    from confcal import zones

    result = CliRunner().invoke(cli, ["agenda", SHIPPED, "--tz", abbreviation])
    assert result.exit_code == 2
    message = result.output.splitlines()[-1]
    same_as_the_events_file = zones.unknown_zone(abbreviation)
    assert (
        message
        == f"Error: Invalid value for '--tz': {same_as_the_events_file}; or 'local' for this machine's zone"
    )
    assert message.startswith(
        f"Error: Invalid value for '--tz': {abbreviation!r} is an abbreviation, not a time zone"
    )
    assert repr(meant) in message
    assert "did you mean" not in message, "no single guess: not the abbreviation itself, not UCT for CST"


WIDE = """
[[papers]]
id = "{id}"
category = "main"
title = "{title}"
authors = ["A"]

[papers.talk]
start = 2024-06-03T{hour}:00:00
end = 2024-06-03T{hour}:30:00
room = "R{hour}"
"""


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("日本語のトークナイザ", id="CJK: two columns a character"),
        pytest.param("Cafe\u0301 Re\u0301sume\u0301 Ta\u0300lks!!!", id="combining accents: none"),
        pytest.param("नेपाली भाषा मॉडल बातें!", id="Devanagari vowel signs"),
    ],
)
def test_rows_align_by_terminal_columns_not_characters(tmp_path: Path, title: str) -> None:
    """Each title below takes as many terminal columns as 'Twenty columns long.' (20, by hand:
    a CJK character takes two, a combining mark none), so both rows end their title at the
    same column and the place starts two spaces later."""
    from tests.small_programme import HEAD

    events = tmp_path / "events.toml"
    twenty = "Twenty columns long."
    events.write_text(
        HEAD
        + WIDE.format(id="wide", title=title, hour="10")
        + WIDE.format(id="plain", title=twenty, hour="11"),
        encoding="utf-8",
    )
    rows = [line for line in agenda_at(events).splitlines() if line.startswith("  ")]
    assert rows[0].endswith(f"  {title}  R10")
    assert rows[1].endswith(f"  {twenty}  R11")


def agenda_at(events: Path) -> str:
    result = CliRunner().invoke(cli, ["agenda", str(events)])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_online_slot_is_online_and_a_slot_without_place_a_dash(tmp_path: Path) -> None:
    """A slot joined by its url reads Online, as its calendar event does; a streamed one without
    a place has none to show."""
    from tests.small_programme import HEAD

    slot = '\n[[items]]\nid = "{id}"\ntitle = "{id}"\n[items.talk]\nstart = 2024-06-03T{hour}:00:00\n'
    slot += 'end = 2024-06-03T{hour}:30:00\nurl = "https://meet.example.org/{id}"\n{more}\n'
    events = tmp_path / "events.toml"
    events.write_text(
        HEAD
        + slot.format(id="call", hour="10", more="")
        + slot.format(id="stream", hour="11", more="streamed = true"),
        encoding="utf-8",
    )
    rows = [line for line in agenda_at(events).splitlines() if line.startswith("  ")]
    assert [row.split()[-2:] for row in rows] == [["call", "Online"], ["stream", "–"]]
