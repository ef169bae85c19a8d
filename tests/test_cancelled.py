"""A cancelled event, as attendees see it: struck through and marked on the page and in the
agenda, left out of the counts, never offered as something to add to a calendar."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from confcal.cli import cli
from confcal.load import parse
from tests.helpers import plan
from tests.small_programme import events_file, slot

CANCELLED = 'room = "R1"\nstatus = "cancelled"'
TEXT = events_file(
    slot("oral", "2024-06-04T10:00:00", "2024-06-04T11:00:00", place=CANCELLED)
    + slot("poster", "2024-06-04T17:00:00", "2024-06-04T19:00:00", place='board = "A4"'),
    slot("oral", "2024-06-05T10:00:00", "2024-06-05T11:00:00", place=CANCELLED),
)


def page() -> str:
    return plan(parse(TEXT.encode(), name="events.toml"))["index.html"].decode()


def items(html: str) -> list[str]:
    return re.findall(r'<li class="event[^"]*" id="[^"]*"[^>]*>.*?</li>', html)


def test_a_cancelled_event_is_struck_through_and_marked_on_the_page() -> None:
    oral_a, poster_a, oral_b = items(page())
    assert oral_a.startswith('<li class="event cancelled" id="a.oral"')
    assert '<p class="when"><strong>Cancelled</strong> · <s><time' in oral_a
    assert "Pick</button>" not in oral_a
    assert "Pick</button>" in poster_a
    assert "<h4><s>Paper A</s></h4>" in oral_a
    assert "<strong>Cancelled</strong>" not in poster_a
    assert "<h4>Paper A</h4>" in poster_a
    assert "<strong>Cancelled</strong>" in oral_b


def test_a_cancelled_event_is_not_offered_for_a_calendar() -> None:
    oral_a, poster_a, oral_b = items(page())
    assert "href" not in oral_a
    assert "href" not in oral_b  # paper B has nothing left to attend
    assert "Add this paper (its poster) to your calendar" in poster_a  # not "its oral and its poster"


def test_feed_counts_leave_cancelled_events_out() -> None:
    counts = re.findall(r'<p class="muted">(\d+ events?[^<]*)</p>', page())
    assert counts == ["1 event (and 2 cancelled)", "1 event (and 2 cancelled)"]  # all.ics, main.ics


def test_the_agenda_marks_a_cancelled_event(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(TEXT)
    plain = CliRunner().invoke(cli, ["agenda", str(events)]).output
    rows = [line for line in plain.splitlines() if line.startswith("  ")]
    assert [("Cancelled: " in row) for row in rows] == [True, False, True]
    assert "Cancelled: Paper A" in rows[0]
    coloured = CliRunner().invoke(cli, ["agenda", str(events)], color=True).output
    assert "\x1b[9m" in coloured  # struck through on a terminal
