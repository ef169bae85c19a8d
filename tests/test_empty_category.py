"""A category no paper or item is in: `check` and `build` warn of it, and its feed stays published,
a valid calendar with no events (subscribers' calendars drop the events of a category that empties).
A feed of kept cancellations (keep_cancelled) is not empty: `build` does not warn of it, and
`check`, which reads only the events file, says what such a feed holds."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
from click.testing import CliRunner

from confcal.cli import cli
from tests.small_programme import HEAD, paper, slot

EMPTY_CATEGORY = """
[[categories]]
id = "empty"
name = "Empty track"
"""

ORAL = slot("oral", "2024-06-03T10:00:00", "2024-06-03T11:00:00")
MESSAGE = (
    "category 'empty' (Empty track) holds no paper or item: its feed empty.ics is published with no "
    "events, and index.html lists it: an attendee who adds it sees nothing; give the category papers, "
    "or remove it (but keep a category whose feed had events: published empty, it takes them out of "
    "its subscribers' calendars)"
)
CHECK_MESSAGE = (
    "category 'empty' (Empty track) holds no paper or item in the events file: its feed empty.ics is "
    "published with no events (but for the events of it a build with --keep-cancelled keeps, "
    "cancelled), and index.html lists it: an attendee who adds it sees nothing; give the category "
    "papers, or remove it (but keep a category whose feed had events: published empty, it takes them "
    "out of its subscribers' calendars)"
)


def write(folder: Path, text: str) -> Path:
    events = folder / "events.toml"
    events.write_text(text, encoding="utf-8")
    return events


def test_check_warns_of_a_category_with_no_item_and_says_where_it_is(tmp_path: Path) -> None:
    events = write(tmp_path, HEAD + EMPTY_CATEGORY + paper("a", ORAL))
    line = events.read_text().splitlines().index('id = "empty"')  # the table's header is the line before

    result = CliRunner().invoke(cli, ["check", "--format", "json", str(events)])
    assert result.exit_code == 0, result.output
    (finding,) = json.loads(result.output)["findings"]
    assert finding == {
        "severity": "warning",
        "code": "empty-category",
        "message": f"{events}:{line}: categories[1]: {CHECK_MESSAGE}",
        "feeds": ["empty.ics"],
        "file": str(events),
        "path": "categories[1]",
        "line": line,
    }
    strict = CliRunner().invoke(cli, ["check", "--strict", str(events)])
    assert strict.exit_code == 1
    assert f"errors:\n  empty-category: {events}:{line}: categories[1]: {CHECK_MESSAGE}\n" in strict.output


def test_build_warns_of_it_and_still_publishes_the_feed_empty(tmp_path: Path) -> None:
    events = write(tmp_path, HEAD + EMPTY_CATEGORY + paper("a", ORAL))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: empty-category: {MESSAGE}; `confcal check` says where in the file"
    ]
    calendar = icalendar.Calendar.from_ical((out / "empty.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Conf: Empty track"
    assert calendar.walk("VEVENT") == []
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert len(icalendar.Calendar.from_ical((out / "main.ics").read_bytes()).walk("VEVENT")) == 1


def test_several_empty_categories_are_one_build_warning(tmp_path: Path) -> None:
    more = EMPTY_CATEGORY.replace('"empty"', '"later"').replace("Empty track", "Later track")
    events = write(tmp_path, HEAD + EMPTY_CATEGORY + more + paper("a", ORAL))
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    (warning,) = result.stderr.splitlines()
    assert warning.startswith(f"warning: empty-category: {MESSAGE}; 1 more like it: ")
    report = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(events)]).output)
    assert [f["path"] for f in report["findings"]] == ["categories[1]", "categories[2]"]


def test_a_category_that_empties_keeps_its_feed_for_its_subscribers(tmp_path: Path) -> None:
    """Its paper moved to another category: empty.ics is published again with no events, so the
    calendars subscribed to it drop the paper's oral, and the build says the category is empty."""
    moved = paper("b", slot("oral", "2024-06-04T10:00:00", "2024-06-04T11:00:00"))
    before = moved.replace('category = "main"', 'category = "empty"')
    events = write(tmp_path, HEAD + EMPTY_CATEGORY + paper("a", ORAL) + before)
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert first.stderr == ""
    assert len(icalendar.Calendar.from_ical((out / "empty.ics").read_bytes()).walk("VEVENT")) == 1

    later = HEAD.replace("updated = 2024-06-01T00:00:00Z", "updated = 2024-06-02T00:00:00Z")
    write(tmp_path, later + EMPTY_CATEGORY + paper("a", ORAL) + moved)
    second = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
    assert second.exit_code == 0, second.output
    assert second.stderr.splitlines() == [
        f"warning: empty-category: {MESSAGE}; `confcal check` says where in the file"
    ]
    assert icalendar.Calendar.from_ical((out / "empty.ics").read_bytes()).walk("VEVENT") == []


def test_a_category_with_only_items_is_not_empty(tmp_path: Path) -> None:
    """An ``[[items]]`` entry (a keynote of the track) puts its category's feed to use too."""
    keynote = """
[[items]]
id = "keynote"
category = "empty"
title = "Keynote"

[items.talk]
session = "Keynotes"
start = 2024-06-04T09:00:00
end = 2024-06-04T10:00:00
room = "R2"
"""
    events = write(tmp_path, HEAD + EMPTY_CATEGORY + paper("a", ORAL) + keynote)
    report = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(events)]).output)
    assert "empty-category" not in [f["code"] for f in report["findings"]]


WORKSHOP = Path(__file__).parent / "programmes" / "workshop.toml"
SPARSE_ROUTING = """[[papers]]
id = "sparse-routing"
category = "best-paper"
title = "Sparse Routing for Streaming Inference"
authors = ["Lena Vogt", "Tomás Ruiz"]
url = "https://example.org/learnsys-2026/sparse-routing"

[papers.oral]
session = "oral-a"
start = 2026-10-24T10:30:00
end = 2026-10-24T10:50:00

[papers.poster]
session = "posters"
board = "P1"

"""


def test_a_feed_of_kept_cancellations_is_not_empty(tmp_path: Path) -> None:
    """With keep_cancelled, the only paper of best-paper removed: best-paper.ics holds its two
    events as cancelled (what its subscribers need), so the build does not warn that the feed is
    published empty, on this build or the next; `check`, which sees only the events file, says the
    category holds no paper there and that a feed of kept cancellations is to be kept."""
    text = WORKSHOP.read_text(encoding="utf-8")
    assert SPARSE_ROUTING in text
    kept = text.replace("[publish]\n", "[publish]\nkeep_cancelled = true\n")
    events = write(tmp_path, kept)
    out = tmp_path / "ko"
    first = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
    assert first.exit_code == 0, first.output
    assert "empty-category" not in first.stderr

    removed = kept.replace(SPARSE_ROUTING, "").replace(
        "updated = 2026-10-01T12:00:00Z", "updated = 2026-10-02T12:00:00Z"
    )
    write(tmp_path, removed)
    for _ in range(2):  # the build that cancels them, then one with nothing to change
        result = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "empty-category" not in result.stderr
        calendar = icalendar.Calendar.from_ical((out / "best-paper.ics").read_bytes())
        assert sorted(str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")) == [
            "learnsys-2026.sparse-routing.oral",
            "learnsys-2026.sparse-routing.poster",
        ]
        assert {str(e["STATUS"]) for e in calendar.walk("VEVENT")} == {"CANCELLED"}

    report = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(events)]).output)
    (finding,) = [f for f in report["findings"] if f["code"] == "empty-category"]
    assert finding["path"] == "categories[0]"
    assert "holds no paper or item in the events file" in finding["message"]
    assert "published with no events" not in finding["message"]
    assert "keep a category whose feed holds them cancelled" in finding["message"]


def test_with_keep_cancelled_a_feed_that_never_held_an_event_is_still_warned_of(tmp_path: Path) -> None:
    """keep_cancelled alone does not fill a feed: a category no build ever published events in is
    published empty, and the build says so; `check` words the finding for both cases."""
    head = HEAD.replace("[publish]\n", "[publish]\nkeep_cancelled = true\n")
    events = write(tmp_path, head + EMPTY_CATEGORY + paper("a", ORAL))
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: empty-category: {MESSAGE}; `confcal check` says where in the file"
    ]
    report = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(events)]).output)
    (finding,) = report["findings"]
    assert finding["message"].endswith(
        "categories[1]: category 'empty' (Empty track) holds no paper or item in the events file: its "
        "feed empty.ics holds only the events of it that builds published, kept as cancelled "
        "(keep_cancelled), and no event if none was: then index.html lists a feed in which an attendee "
        "who adds it sees nothing; give the category papers, or remove it if no build published events "
        "in it (but keep a category whose feed holds them cancelled: it takes them out of its "
        "subscribers' calendars)"
    )
