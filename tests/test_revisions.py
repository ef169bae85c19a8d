"""Programmes change: SEQUENCE, LAST-MODIFIED, cancellations and `confcal diff`.

Each test copies the shipped events.toml into tmp_path, builds, edits the text the way an
organizer would, rebuilds, and reads the feeds back with the independent `ical` parser.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ical.calendar_stream import IcsCalendarStream

from confcal.cli import cli
from tests.helpers import Project

ROOT = Path(__file__).resolve().parent.parent
PAPER = "privacy-auditing-one-training-run"
TITLE = "Privacy Auditing with One (1) Training Run"
ORAL = f"{PAPER}.oral"
POSTER = f"{PAPER}.poster"
ORAL_UID = f"neurips-2023.{ORAL}@confcal"
POSTER_UID = f"neurips-2023.{POSTER}@confcal"
ORAL_TIMES = 'session = "Oral 2D Privacy"\nstart = 2023-12-12T15:40:00\nend = 2023-12-12T16:40:00'
ORAL_TIMES_LATER = 'session = "Oral 2D Privacy"\nstart = 2023-12-12T16:10:00\nend = 2023-12-12T17:10:00'
ORAL_ROOM = 'room = "RO6-RO9"\nlevel = "Level 2"'
# publish.updated of the shipped file, then two later publishing times.
FIRST = datetime(2023, 12, 11, tzinfo=UTC)
SECOND = FIRST + timedelta(hours=9)
THIRD = FIRST + timedelta(days=1)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copy(ROOT / "events.toml", tmp_path / "events.toml")
    return Project(events=tmp_path / "events.toml", output=tmp_path / "output")


def vevents(data: bytes) -> dict[str, bytes]:
    """The VEVENT blocks of a feed, byte for byte, by UID."""
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.DOTALL)
    found: dict[str, bytes] = {}
    for block in blocks:
        match = re.search(rb"\r\nUID:([^\r]*)\r\n", block)
        assert match is not None
        found[match.group(1).decode()] = block
    return found


def head(data: bytes) -> bytes:
    return data.split(b"BEGIN:VEVENT\r\n", 1)[0]


def parsed(data: bytes) -> dict[str, Any]:
    """The feed's events as the `ical` package reads them, by UID."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {event.uid: event for event in calendar.events}


def holders(feeds: dict[str, bytes], uid: str) -> list[str]:
    return sorted(name for name, data in feeds.items() if uid in vevents(data))


def assert_only_changed(before: dict[str, bytes], after: dict[str, bytes], uids: set[str]) -> None:
    """Every feed is the same except for the VEVENTs of ``uids`` (a moved one may move in the file)."""
    assert sorted(before) == sorted(after)
    for name, old in before.items():
        new = after[name]
        old_events, new_events = vevents(old), vevents(new)
        if not uids & old_events.keys():
            assert new == old, f"{name} changed"
            continue
        assert head(new) == head(old), f"the calendar header of {name} changed"
        assert set(new_events) == set(old_events), f"events of {name} added or dropped"
        for uid in old_events.keys() - uids:
            assert new_events[uid] == old_events[uid], f"{uid} changed in {name}"


# -- 1. a rebuild with no change ---------------------------------------------------------


def test_rebuild_without_change_writes_identical_bytes(project: Project) -> None:
    project.build()
    before = project.files()
    result = project.build()
    assert project.files() == before
    assert "0 written" in result.output


def test_committed_output_is_a_fresh_build(tmp_path: Path) -> None:
    output = tmp_path / "output"
    shutil.copytree(ROOT / "output", output)
    before = {p.name: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    env = {"SOURCE_DATE_EPOCH": ""}
    result = CliRunner().invoke(cli, ["build", str(ROOT / "events.toml"), "-o", str(output)], env=env)
    assert result.exit_code == 0, result.output
    assert " 0 written" in result.output
    assert {p.name: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_first_build_starts_every_sequence_at_zero(project: Project) -> None:
    project.build(stamp=SECOND)
    events = parsed(project.feeds()["all.ics"])
    assert len(events) == 13
    for event in events.values():
        assert event.sequence == 0
        assert event.last_modified == SECOND
        assert event.dtstamp == SECOND


def test_a_later_stamp_alone_changes_nothing(project: Project) -> None:
    project.build(stamp=FIRST)
    before = project.files()
    project.build(stamp=THIRD)
    assert project.files() == before


# -- 2. one oral moves by 30 minutes -----------------------------------------------------


def test_moved_oral_raises_sequence_in_every_file_that_holds_it(project: Project) -> None:
    project.build(stamp=FIRST)
    before = project.feeds()
    project.edit(ORAL_TIMES, ORAL_TIMES_LATER)
    project.build(stamp=SECOND)
    after = project.feeds()

    files = holders(after, ORAL_UID)
    assert files == holders(before, ORAL_UID)
    assert {"all.ics", "outstanding-main-track.ics"} <= set(files)
    for name in files:
        old, new = parsed(before[name])[ORAL_UID], parsed(after[name])[ORAL_UID]
        assert new.sequence == old.sequence + 1 == 1
        assert old.last_modified == FIRST
        assert new.last_modified == SECOND
        assert new.dtstart.astimezone(UTC) == old.dtstart.astimezone(UTC) + timedelta(minutes=30)
        assert new.dtend.astimezone(UTC) == old.dtend.astimezone(UTC) + timedelta(minutes=30)
        assert new.dtstart.astimezone(UTC) == datetime(2023, 12, 12, 22, 10, tzinfo=UTC)
    assert len({vevents(after[name])[ORAL_UID] for name in files}) == 1
    assert_only_changed(before, after, {ORAL_UID})


# -- 3. successive edits -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((ORAL_TIMES, ORAL_TIMES_LATER), (ORAL_TIMES_LATER, ORAL_TIMES), id="move-then-revert"),
        pytest.param((ORAL_TIMES, ORAL_TIMES_LATER), (ORAL_ROOM, 'room = "Hall B"'), id="move-then-reroom"),
        pytest.param(
            (f'title = "{TITLE}"', 'title = "Auditing"'), (ORAL_ROOM, 'room = "B"'), id="rename-reroom"
        ),
    ],
)
def test_two_successive_edits_give_sequence_two(
    project: Project, first: tuple[str, str], second: tuple[str, str]
) -> None:
    project.build(stamp=FIRST)
    original = parsed(project.feeds()["all.ics"])[ORAL_UID]
    project.edit(*first)
    project.build(stamp=SECOND)
    project.edit(*second)
    before = project.feeds()
    project.build(stamp=THIRD)
    after = project.feeds()
    for name in holders(after, ORAL_UID):
        event = parsed(after[name])[ORAL_UID]
        assert event.sequence == 2
        assert event.last_modified == THIRD
    if second == (ORAL_TIMES_LATER, ORAL_TIMES):
        reverted = parsed(after["all.ics"])[ORAL_UID]
        assert reverted.dtstart.astimezone(UTC) == original.dtstart.astimezone(UTC)
    assert_only_changed(before, after, {ORAL_UID})


def test_abstract_edit_moves_last_modified_but_not_sequence(project: Project) -> None:
    project.build(stamp=FIRST)
    before = project.feeds()
    project.edit("standard methods would require training hundreds", "standard methods need hundreds")
    project.build(stamp=SECOND)
    after = project.feeds()
    for uid in (ORAL_UID, POSTER_UID):
        event = parsed(after["all.ics"])[uid]
        assert event.sequence == 0
        assert event.last_modified == SECOND
        assert event.dtstamp == SECOND
        assert "standard methods need hundreds" in event.description
    assert_only_changed(before, after, {ORAL_UID, POSTER_UID})


def test_edit_without_a_later_stamp_is_refused_until_the_stamp_is_raised(project: Project) -> None:
    project.build(stamp=FIRST)
    before = project.files()
    project.edit(ORAL_TIMES, ORAL_TIMES_LATER)
    refused = project.run("build", stamp=FIRST)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "Error: SOURCE_DATE_EPOCH: 1702252800 (2023-12-11T00:00:00Z) is not later"
    )
    assert project.files() == before
    project.build(stamp=SECOND)
    oral = parsed(project.feeds()["all.ics"])[ORAL_UID]
    assert (oral.sequence, oral.last_modified) == (1, SECOND)


# -- 4. removed and cancelled events -----------------------------------------------------


def test_removed_paper_is_gone_by_default(project: Project) -> None:
    project.build(stamp=FIRST)
    before = project.feeds()
    project.remove_paper(PAPER)
    project.build(stamp=SECOND)
    after = project.feeds()
    for name, data in after.items():
        assert ORAL_UID not in vevents(data), name
        assert POSTER_UID not in vevents(data), name
        assert set(vevents(data)) == set(vevents(before[name])) - {ORAL_UID, POSTER_UID}


@pytest.mark.parametrize("how", ["option", "events-file"])
def test_removed_paper_kept_as_cancelled(project: Project, how: str) -> None:
    project.build(stamp=FIRST)
    before = project.feeds()
    project.remove_paper(PAPER)
    if how == "events-file":
        project.edit('refresh_interval = "PT12H"', 'refresh_interval = "PT12H"\nkeep_cancelled = true')
    options = ("--keep-cancelled",) if how == "option" else ()
    project.build(*options, stamp=SECOND)
    after = project.feeds()

    for uid in (ORAL_UID, POSTER_UID):
        assert holders(after, uid) == holders(before, uid)
        for name in holders(after, uid):
            old, new = parsed(before[name])[uid], parsed(after[name])[uid]
            assert new.status.value == "CANCELLED"
            assert new.sequence == old.sequence + 1
            assert new.last_modified == SECOND
            assert new.summary == f"Cancelled: {old.summary}"
            assert new.dtstart.astimezone(UTC) == old.dtstart.astimezone(UTC)
            assert new.location == old.location
    assert_only_changed(before, after, {ORAL_UID, POSTER_UID})

    kept = project.files()
    project.build(*options, stamp=THIRD)
    assert project.files() == kept, "a kept cancellation must not change on the next build"


def test_cancelled_slot_dropped_later_and_readded_continues_its_sequence(project: Project) -> None:
    project.build(stamp=FIRST)
    original = project.events.read_text(encoding="utf-8")
    project.remove_paper(PAPER)
    project.build("--keep-cancelled", stamp=SECOND)
    project.build(stamp=THIRD)
    assert ORAL_UID not in vevents(project.feeds()["all.ics"])
    project.events.write_text(original, encoding="utf-8")
    project.build(stamp=THIRD + timedelta(hours=1))
    event = parsed(project.feeds()["all.ics"])[ORAL_UID]
    assert event.status.value == "CONFIRMED"
    assert event.sequence == 2


def test_explicit_cancellation(project: Project) -> None:
    project.build(stamp=FIRST)
    before = project.feeds()
    project.edit(ORAL_TIMES, f'{ORAL_TIMES}\nstatus = "cancelled"')
    project.build(stamp=SECOND)
    after = project.feeds()
    for name in holders(after, ORAL_UID):
        event = parsed(after[name])[ORAL_UID]
        assert event.status.value == "CANCELLED"
        assert event.sequence == 1
        assert event.summary == f"Cancelled: Oral: {TITLE}"
    assert_only_changed(before, after, {ORAL_UID})


# -- 5. confcal diff ---------------------------------------------------------------------

MOVED = f'moved: {ORAL} "{TITLE}": Tue 12 Dec 2023, 15:40–16:40 CST → Tue 12 Dec 2023, 16:10–17:10 CST'


@pytest.mark.parametrize(
    ("edit", "options", "expected"),
    [
        pytest.param(lambda p: p.edit(ORAL_TIMES, ORAL_TIMES_LATER), (), [MOVED], id="moved"),
        pytest.param(
            lambda p: p.edit(ORAL_ROOM, 'room = "Hall B"'),
            (),
            [f're-roomed: {ORAL} "{TITLE}": RO6-RO9 (Level 2) → Hall B'],
            id="re-roomed",
        ),
        pytest.param(
            lambda p: p.edit(f'title = "{TITLE}"', 'title = "Auditing in One Run"'),
            (),
            [
                f'renamed: {ORAL} "{TITLE}" → "Auditing in One Run"',
                f'renamed: {POSTER} "{TITLE}" → "Auditing in One Run"',
            ],
            id="renamed",
        ),
        pytest.param(
            lambda p: p.remove_paper(PAPER),
            (),
            [f'removed: {ORAL} "{TITLE}"', f'removed: {POSTER} "{TITLE}"'],
            id="removed",
        ),
        pytest.param(
            lambda p: p.remove_paper(PAPER),
            ("--keep-cancelled",),
            [f'cancelled: {ORAL} "{TITLE}"', f'cancelled: {POSTER} "{TITLE}"'],
            id="removed-kept-cancelled",
        ),
        pytest.param(
            lambda p: p.edit(ORAL_TIMES, f'{ORAL_TIMES}\nstatus = "cancelled"'),
            (),
            [f'cancelled: {ORAL} "{TITLE}"'],
            id="cancelled",
        ),
        pytest.param(
            lambda p: p.edit(
                'board = "#1523"',
                'board = "#1523"\n\n[papers.talk]\n'
                'session = "Spotlight"\nstart = 2023-12-13T09:00:00\nend = 2023-12-13T09:10:00',
            ),
            (),
            [f'added: {PAPER}.talk "{TITLE}"'],
            id="added",
        ),
        pytest.param(
            lambda p: p.edit("standard methods would require training", "standard methods require training"),
            (),
            [f'updated: {ORAL} "{TITLE}"', f'updated: {POSTER} "{TITLE}"'],
            id="updated",
        ),
    ],
)
def test_diff_reports_each_change_and_writes_nothing(
    project: Project, edit: Any, options: tuple[str, ...], expected: list[str]
) -> None:
    project.build(stamp=FIRST)
    edit(project)
    before = project.files()
    result = project.run("diff", *options, stamp=SECOND)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    summary = [line for line in lines if line.startswith(f"{project.output}: ")]
    assert lines[: len(lines) - len(summary)] == expected
    assert "confcal-state.json" in summary[0]
    removes_the_paper = all(line.startswith("removed: ") for line in expected)
    paper_file = f"{project.output}: 1 file would be removed: papers/{PAPER}.ics"
    assert summary[1:] == ([paper_file] if removes_the_paper else [])
    assert project.files() == before

    document = json.loads(project.run("diff", *options, "--format", "json", stamp=SECOND).stdout)
    assert [change["change"] for change in document["changes"]] == [line.split(":")[0] for line in expected]
    assert project.files() == before

    # What diff announced is what the build then does: afterwards there is nothing left to publish.
    project.build(*options, stamp=SECOND)
    assert project.files() != before
    clean = project.run("diff", *options, stamp=SECOND)
    assert (clean.exit_code, clean.stdout) == (0, f"{project.output}: nothing to publish\n")
    assert "no published state" not in clean.stderr


def test_diff_before_a_first_build_lists_every_event_as_added(project: Project) -> None:
    result = project.run("diff", stamp=FIRST)
    assert result.exit_code == 1
    added = [line for line in result.stdout.splitlines() if line.startswith("added: ")]
    assert len(added) == 13
    assert f'added: {ORAL} "{TITLE}"' in added
    assert not project.output.exists()
    # A mistyped --published looks the same as a first build: the warning tells them apart.
    state = project.output / "confcal-state.json"
    assert f"warning: no published state ({state}): every event is listed as added" in result.stderr


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("{", "not valid JSON: Expecting property name enclosed in double quotes (column 2)"),
        ('{"format": 7, "events": {}}', "format: expected 1, found 7"),
        (
            None,
            "events.privacy-auditing-one-training-run.oral.sequence: "
            "expected an integer, found a string ('1')",
        ),
    ],
)
@pytest.mark.parametrize("command", ["build", "diff"])
def test_damaged_state_file_is_an_error_and_nothing_is_written(
    project: Project, state: str | None, message: str, command: str
) -> None:
    project.build(stamp=FIRST)
    path = project.output / "confcal-state.json"
    if state is None:
        document = json.loads(path.read_text(encoding="utf-8"))
        document["events"][ORAL]["sequence"] = "1"
        state = json.dumps(document)
    path.write_text(state, encoding="utf-8")
    project.edit(ORAL_TIMES, ORAL_TIMES_LATER)
    before = project.files()
    result = project.run(command, stamp=SECOND)
    assert result.exit_code == (2 if command == "diff" else 1), "diff's 1 means 'something to publish'"
    assert "in the state file:" in result.output
    assert f"{path}" in result.output
    assert message in result.output
    assert "restore it from version control" in result.output
    assert "Traceback" not in result.output
    assert project.files() == before


@pytest.mark.parametrize("command", ["build", "diff", "export", "agenda"])
def test_a_new_conference_id_over_published_feeds_is_refused(project: Project, command: str) -> None:
    """The conference id is part of every UID: built over feeds published under another id,
    every event would arrive twice in calendars that imported them. Refused, nothing written, by
    a problem of the events file at the line of conference.id, the same whichever command reads
    the published feeds; a state file from before the id was recorded takes it on at the next build."""
    project.build(stamp=FIRST)
    path = project.output / "confcal-state.json"
    assert json.loads(path.read_text(encoding="utf-8"))["conference"] == "neurips-2023"
    project.edit('id = "neurips-2023"', 'id = "neurips-23"')
    line = project.events.read_text(encoding="utf-8").splitlines().index('id = "neurips-23"') + 1
    before = project.files()
    if command == "agenda":
        arguments = [command, str(project.events), "--published", str(project.output), "--keep-cancelled"]
        result = CliRunner().invoke(cli, arguments)
    else:
        result = project.run(command, stamp=SECOND)
    assert result.exit_code == (2 if command == "diff" else 1), result.output
    assert result.output.endswith(
        "1 problem in the events file:\n"
        f"  {project.events}:{line}: conference.id: 'neurips-23', but the feeds in {project.output} "
        f"were published for the conference id 'neurips-2023' (as {path} records): every UID would "
        "change, so calendars that imported the feeds would show each event twice; set conference.id "
        "back to 'neurips-2023', or build into another folder to publish a new conference\n"
    )
    assert project.files() == before
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["conference"]
    path.write_text(json.dumps(document), encoding="utf-8")
    project.build(stamp=SECOND)
    assert json.loads(path.read_text(encoding="utf-8"))["conference"] == "neurips-23"


def test_unknown_status_is_an_error(project: Project) -> None:
    project.edit(ORAL_TIMES, f'{ORAL_TIMES}\nstatus = "postponed"')
    result = project.run("build", stamp=FIRST)
    assert result.exit_code == 1
    assert (
        "papers[0].oral.status: unknown status 'postponed'; expected 'confirmed' or 'cancelled'"
        in result.output
    )
    assert not project.output.exists()


# -- strict check ------------------------------------------------------------------------


def test_revised_and_cancelled_feeds_pass_libical(project: Project, icalcheck: Path) -> None:
    project.build(stamp=FIRST)
    project.edit(ORAL_TIMES, f'{ORAL_TIMES}\nstatus = "cancelled"')
    project.remove_paper("emergent-abilities-mirage")
    project.build("--keep-cancelled", stamp=SECOND)
    feeds = sorted(str(path) for path in project.output.rglob("*.ics"))
    assert b"STATUS:CANCELLED" in project.feeds()["all.ics"]
    result = subprocess.run([str(icalcheck), *feeds], capture_output=True, text=True, check=False)
    # RFC 5546 wants an ORGANIZER in a PUBLISH event; a published feed deliberately has none.
    assert [line for line in result.stdout.splitlines() if "ORGANIZER" not in line] == []


def test_export_keeps_the_published_sequence(project: Project) -> None:
    project.build(stamp=FIRST)
    project.edit(ORAL_TIMES, ORAL_TIMES_LATER)
    project.build(stamp=SECOND)
    result = project.run("export", "--paper", PAPER, "--published", str(project.output), "-o", "-")
    # `run` puts "-o OUTPUT" before the options; the last -o (stdout) wins.
    assert result.exit_code == 0, result.output
    exported = vevents(result.stdout_bytes)
    published = vevents(project.feeds()["all.ics"])
    assert set(exported) == {ORAL_UID, POSTER_UID}
    assert exported[ORAL_UID] == published[ORAL_UID]
    assert b"SEQUENCE:1\r\n" in exported[ORAL_UID]


def test_diff_names_the_calendar_a_removed_paper_would_delete(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from confcal.build import build
    from confcal.cli import cli
    from tests.conftest import EVENTS

    output = tmp_path / "output"
    build(EVENTS, output)
    text = EVENTS.read_text(encoding="utf-8")
    start = text.index('[[papers]]\nid = "word2vec"')
    edited = tmp_path / "events.toml"
    edited.write_text(text[:start], encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(edited), "-o", str(output)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"{output}: 1 file would be removed: papers/word2vec.ics"
    assert (output / "papers" / "word2vec.ics").exists(), "diff writes and deletes nothing"


VENUE = 'venue = "Ernest N. Morial Convention Center"'
NEW_VENUE = 'venue = "Superdome Conference Hall"'


def drop_recorded_venue(project: Project) -> None:
    """The state file as a build before confcal recorded the conference's venue wrote it."""
    path = project.output / "confcal-state.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state.pop("venue") == "Ernest N. Morial Convention Center"
    path.write_text(json.dumps(state, indent=2, ensure_ascii=False), encoding="utf-8")


def test_the_conference_moving_raises_the_sequence_of_every_event_there(project: Project) -> None:
    """A new conference venue changes the LOCATION of every event with a place: each is re-roomed
    (SEQUENCE 1), its notice and changes.html saying from where; an event with no place names no
    venue in its LOCATION, so only its other text changed."""
    project.build(stamp=FIRST)
    project.edit(VENUE, NEW_VENUE)
    lines = project.run("diff", stamp=SECOND).stdout.splitlines()
    venues = "Ernest N. Morial Convention Center → RO6-RO9 (Level 2), Superdome Conference Hall"
    assert f're-roomed: {ORAL} "{TITLE}": RO6-RO9 (Level 2), {venues}' in lines
    assert (
        'updated: word2vec.talk "Distributed Representations of Words and Phrases and their Compositionality"'
        in lines
    )
    project.build(stamp=SECOND)
    events = parsed(project.feeds()["all.ics"])
    placed = {uid for uid, event in events.items() if event.location}
    assert ORAL_UID in placed
    for uid, event in events.items():
        assert event.sequence == (1 if uid in placed else 0), uid
        assert event.last_modified == SECOND
    assert events[ORAL_UID].location == "RO6-RO9 (Level 2), Superdome Conference Hall"
    assert events[ORAL_UID].description.startswith(
        "Place changed: was RO6-RO9 (Level 2), Ernest N. Morial Convention Center.\n"
    )
    assert "Venue changed: " in project.text("changes.html")


def test_a_move_of_the_conference_is_one_line_of_the_changelog(project: Project) -> None:
    """At conference size a line for each event the venue took along is thousands of lines: the
    changelog tells the move once, with how many events it took along, and an event that changed
    its room too on its own line. Each event's notice and confcal diff still tell each event."""
    project.build(stamp=FIRST)
    project.edit(VENUE, NEW_VENUE)
    project.edit(ORAL_ROOM, 'room = "Hall C2"')
    old, new = "Ernest N. Morial Convention Center", "Superdome Conference Hall"
    lines = project.run("diff", stamp=SECOND).stdout.splitlines()
    assert f're-roomed: {ORAL} "{TITLE}": RO6-RO9 (Level 2), {old} → Hall C2, {new}' in lines
    along = [line.split()[1] for line in lines if line.startswith("re-roomed:") and ORAL not in line]
    assert len(along) > 1
    project.build(stamp=SECOND)
    page = project.text("changes.html")
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", page)]
    assert items[:2] == [
        f"Venue changed: {len(along)} events moved from {old} to {new}, each to the same room there.",
        f"Place changed: Oral: {TITLE}, from RO6-RO9 (Level 2), {old} to Hall C2, {new}.",
    ]
    assert [item for item in items if item.startswith("Place changed:")] == items[1:2]
    (release,) = json.loads(project.text("confcal-state.json"))["releases"]
    assert [change["id"] for change in release["changes"] if change.get("venues") == [old, new]] == along
    feed = parsed(project.feeds()["all.ics"])
    for event_id in along:
        assert feed[f"neurips-2023.{event_id}@confcal"].description.startswith("Place changed: was "), (
            event_id
        )


def test_a_state_file_without_the_venue_moves_nothing_and_records_it(project: Project) -> None:
    """The first build after the upgrade: no SEQUENCE or byte of a feed moves for a programme whose
    venue is as it was; the state file then records the venue, and a later move is told."""
    project.build(stamp=FIRST)
    drop_recorded_venue(project)
    before = project.feeds()
    assert project.run("diff", stamp=SECOND).stdout.splitlines() == [
        f"{project.output}: 1 file would be written: confcal-state.json"
    ]
    project.build(stamp=SECOND)
    assert project.feeds() == before
    assert json.loads(project.text("confcal-state.json"))["venue"] == "Ernest N. Morial Convention Center"
    project.edit(VENUE, NEW_VENUE)
    project.build(stamp=THIRD)
    assert parsed(project.feeds()["all.ics"])[ORAL_UID].sequence == 1


def test_a_venue_moved_in_the_build_that_upgrades_the_state_file_is_other_text(project: Project) -> None:
    """Without the venue recorded, nothing says what LOCATION named: the move is told as updated
    text once (no SEQUENCE moves), as before confcal recorded it."""
    project.build(stamp=FIRST)
    drop_recorded_venue(project)
    project.edit(VENUE, NEW_VENUE)
    project.build(stamp=SECOND)
    events = parsed(project.feeds()["all.ics"])
    assert {event.sequence for event in events.values()} == {0}
    assert events[ORAL_UID].location == "RO6-RO9 (Level 2), Superdome Conference Hall"


POSTER_LABEL = '\n[kinds]\nposter = { label = "Poster session" }\n'


def relabel_posters(project: Project) -> None:
    text = project.events.read_text(encoding="utf-8")
    project.events.write_text(text + POSTER_LABEL, encoding="utf-8")


def test_a_kind_relabelled_renames_every_slot_of_it(project: Project) -> None:
    """A poster's SUMMARY is "<label>: <title>": a new label is a new name, as a talk's new
    session is, so each poster's SEQUENCE goes up and it is told renamed, naming both; the orals
    and talks are untouched."""
    project.build(stamp=FIRST)
    relabel_posters(project)
    lines = project.run("diff", stamp=SECOND).stdout.splitlines()
    assert f'renamed: {POSTER} "Poster: {TITLE}" → "Poster session: {TITLE}"' in lines
    assert not [line for line in lines if line.startswith("updated:")]
    project.build(stamp=SECOND)
    events = parsed(project.feeds()["all.ics"])
    posters = {uid for uid in events if uid.endswith(".poster@confcal")}
    assert POSTER_UID in posters
    for uid, event in events.items():
        assert event.sequence == (1 if uid in posters else 0), uid
    assert events[POSTER_UID].summary == f"Poster session: {TITLE}"
    assert events[POSTER_UID].description.startswith(f"Renamed: was “Poster: {TITLE}”.\n")


def drop_recorded_labels(project: Project) -> None:
    """The state file as confcal wrote it before it recorded the kinds' labels."""
    path = project.output / "confcal-state.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state.pop("labels") == {"oral": "Oral", "poster": "Poster", "talk": "Talk"}
    path.write_text(json.dumps(state, indent=2, ensure_ascii=False), encoding="utf-8")


def test_a_state_file_without_the_labels_moves_nothing_and_records_them(project: Project) -> None:
    """The first build after the upgrade changes no feed (the committed award programme's stay as
    they are); a kind relabelled in that build is other text, as before confcal recorded labels;
    a later relabel is a rename."""
    project.build(stamp=FIRST)
    drop_recorded_labels(project)
    before = project.feeds()
    assert project.run("diff", stamp=SECOND).stdout.splitlines() == [
        f"{project.output}: 1 file would be written: confcal-state.json"
    ]
    project.build(stamp=SECOND)
    assert project.feeds() == before
    drop_recorded_labels(project)
    relabel_posters(project)
    project.build(stamp=SECOND + timedelta(hours=1))
    events = parsed(project.feeds()["all.ics"])
    assert {event.sequence for event in events.values()} == {0}
    assert events[POSTER_UID].summary == f"Poster session: {TITLE}"
    project.edit('poster = { label = "Poster session" }', 'poster = { label = "Poster board" }')
    project.build(stamp=THIRD)
    assert parsed(project.feeds()["all.ics"])[POSTER_UID].sequence == 1
