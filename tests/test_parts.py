"""An item with several slots of one kind (a two-part tutorial): deleting or inserting one keeps
the others' UIDs, since a slot at a published slot's time and place takes that slot's number."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confcal.cli import cli
from tests.helpers import conference_head, parse_events

HEAD = (
    conference_head(start="2026-04-01", end="2026-04-05", timezone="Europe/Berlin")
    + """
[kinds]
tutorial = { label = "Tutorial" }

[[rooms]]
id = "c31"
name = "C31"

[[rooms]]
id = "darling"
name = "Darling"

[[items]]
id = "tut"
title = "Tutorial T"
"""
)
PART_1 = """
[[items.tutorial]]
start = 2026-04-02T13:00:00
end = 2026-04-02T14:30:00
room = "c31"
"""
PART_2 = """
[[items.tutorial]]
start = 2026-04-02T15:00:00
end = 2026-04-02T16:30:00
room = "darling"
"""
EXTRA = """
[[items.tutorial]]
start = 2026-04-03T09:00:00
end = 2026-04-03T10:30:00
room = "darling"
"""


class Folder:
    """An events file and its output folder, built and compared through the CLI."""

    def __init__(self, root: Path) -> None:
        self.events = root / "events.toml"
        self.output = root / "output"

    def write(self, *slots: str, day: int = 1, keep: bool = True) -> None:
        head = HEAD.replace("2026-03-01T00:00:00Z", f"2026-03-{day:02d}T00:00:00Z")
        if not keep:
            head = head.replace("keep_cancelled = true\n", "")
        self.events.write_text(head + "".join(slots), encoding="utf-8")

    def run(self, command: str) -> tuple[list[str], str]:
        """The command's lines on stdout, and what it wrote to stderr."""
        arguments = [command, str(self.events), "-o", str(self.output)]
        result = CliRunner().invoke(cli, arguments, catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        return result.stdout.splitlines(), result.stderr

    def changes(self) -> list[str]:
        lines, _ = self.run("diff")
        return [line for line in lines if not line.startswith(f"{self.output}:")]

    def build(self) -> None:
        self.run("build")

    def events_of(self) -> dict[str, tuple[str, str]]:
        """The item's events by UID: start (UTC) and status."""
        data = (self.output / "items" / "tut.ics").read_bytes()
        statuses = [
            line.split(":", 1)[1] for line in data.decode().splitlines() if line.startswith("STATUS:")
        ]
        events = parse_events(data)
        return {
            event.uid.split("@")[0]: (f"{event.start:%d %H:%M}", status)
            for event, status in zip(events, statuses, strict=True)
        }

    def block(self, uid: str) -> bytes:
        data = (self.output / "all.ics").read_bytes()
        start = data.index(f"UID:{uid}".encode())
        return data[data.rindex(b"BEGIN:VEVENT", 0, start) : data.index(b"END:VEVENT", start)]


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    published = Folder(tmp_path)
    published.write(PART_1, PART_2)
    published.build()
    return published


def test_deleting_the_first_part_cancels_part_1_not_part_2(folder: Folder) -> None:
    """The remaining slot is exactly what part 2 published: it keeps part 2's UID and bytes, and
    part 1 is the one cancelled, at its time; later edits of part 2 are told as part 2's."""
    part_2 = folder.block("conf.tut.tutorial-2")
    folder.write(PART_2, day=2)
    assert folder.changes() == ['cancelled: tut.tutorial "Tutorial T"']
    folder.build()
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 11:00", "CANCELLED"),
        "conf.tut.tutorial-2": ("02 13:00", "CONFIRMED"),
    }
    assert folder.block("conf.tut.tutorial-2") == part_2
    folder.write(PART_2, day=3)
    assert folder.changes() == []
    folder.write(PART_2.replace("T15:00:00", "T15:30:00"), day=3)
    assert folder.changes() == [
        'moved: tut.tutorial-2 "Tutorial T": '
        "Thu 2 Apr 2026, 15:00–16:30 CEST → Thu 2 Apr 2026, 15:30–16:30 CEST"
    ]
    folder.build()
    folder.write(PART_2.replace("T15:00:00", "T15:30:00"), EXTRA, day=4)
    assert folder.changes() == ['added: tut.tutorial-3 "Tutorial T"']


@pytest.mark.parametrize("keep", [True, False])
def test_a_deleted_first_part_put_back_takes_its_uid_again(folder: Folder, keep: bool) -> None:
    folder.write(PART_2, day=2, keep=keep)
    folder.build()
    folder.write(PART_1, PART_2, day=3, keep=keep)
    assert folder.changes() == [f'{"restored" if keep else "added"}: tut.tutorial "Tutorial T"']
    folder.build()
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 11:00", "CONFIRMED"),
        "conf.tut.tutorial-2": ("02 13:00", "CONFIRMED"),
    }


def test_deleting_the_first_part_without_keep_cancelled(folder: Folder) -> None:
    folder.write(PART_2, day=2, keep=False)
    assert folder.changes() == ['removed: tut.tutorial "Tutorial T"']
    folder.build()
    assert folder.events_of() == {"conf.tut.tutorial-2": ("02 13:00", "CONFIRMED")}


def test_a_slot_inserted_first_takes_a_new_uid(folder: Folder) -> None:
    """A slot added before the others gets a new number; the others keep theirs, and keep them
    when they are edited later, all at once."""
    folder.write(EXTRA, PART_1, PART_2, day=2)
    assert folder.changes() == ['added: tut.tutorial-3 "Tutorial T"']
    folder.build()
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 11:00", "CONFIRMED"),
        "conf.tut.tutorial-2": ("02 13:00", "CONFIRMED"),
        "conf.tut.tutorial-3": ("03 07:00", "CONFIRMED"),
    }
    folder.write(
        EXTRA.replace("T09:00", "T09:15"),
        PART_1.replace("T13:00", "T13:15"),
        PART_2.replace("T15:00", "T15:15"),
        day=3,
    )
    assert [line.split(" ")[:2] for line in folder.changes()] == [
        ["moved:", "tut.tutorial"],
        ["moved:", "tut.tutorial-2"],
        ["moved:", "tut.tutorial-3"],
    ]
    assert "09:00–10:30 CEST → Fri 3 Apr 2026, 09:15–10:30" in folder.changes()[2]


def test_a_deleted_part_with_the_other_moved_is_warned_of(folder: Folder) -> None:
    """A slot deleted and the one left moved in the same build: nothing tells which one went, so
    the slot left keeps the first UID by its order, and build and diff say so."""
    folder.write(PART_2.replace("T15:00:00", "T15:30:00"), day=2)
    lines, warnings = folder.run("diff")
    assert lines[:3] == [
        'moved: tut.tutorial "Tutorial T": '
        "Thu 2 Apr 2026, 13:00–14:30 CEST → Thu 2 Apr 2026, 15:30–16:30 CEST",
        're-roomed: tut.tutorial "Tutorial T": C31 → Darling',
        'cancelled: tut.tutorial-2 "Tutorial T"',
    ]
    warning = (
        "warning: tut has 1 tutorial slot fewer than published, and tut.tutorial is at no published "
        "slot's time and place, so kept its UID by order in the file: if that is another slot's, its "
        "subscribers see that slot moved; add or delete slots in a build of their own, without moving "
        "the others, so that each slot keeps its UID\n"
    )
    assert warnings == warning
    assert folder.run("build")[1] == warning


def part(day: int, hour: int) -> str:
    """A 45-minute slot in room C31 on ``day`` April at ``hour`` (Berlin)."""
    return (
        f"\n[[items.tutorial]]\nstart = 2026-04-{day:02d}T{hour:02d}:00:00\n"
        f'end = 2026-04-{day:02d}T{hour:02d}:45:00\nroom = "c31"\n'
    )


A, B, C, D = part(2, 10), part(2, 12), part(2, 14), part(3, 10)


def test_a_part_deleted_and_another_appended_cancels_it_and_adds_a_new_uid(tmp_path: Path) -> None:
    """B and C are where they were: they keep their UIDs and bytes. A is gone and D is at no
    published slot's time, place or place in the array: A is cancelled and D is new, under a number
    never used; build and diff warn that D may be A moved."""
    folder = Folder(tmp_path)
    folder.write(A, B, C)
    folder.build()
    blocks = {uid: folder.block(f"conf.tut.{uid}") for uid in ("tutorial-2", "tutorial-3")}
    folder.write(B, C, D, day=2)
    assert folder.changes() == ['cancelled: tut.tutorial "Tutorial T"', 'added: tut.tutorial-4 "Tutorial T"']
    warnings = folder.run("diff")[1]
    warning = (
        "warning: tut: tut.tutorial-4 is at no published slot's time and place nor in the place in the "
        "file of one published, so it is a new event, and tut.tutorial is cancelled: if it moved there "
        "instead, edit its slot where it stands in the file (at its place among the others), in a build "
        "of its own\n"
    )
    assert warnings == warning
    assert folder.run("build")[1] == warning
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 08:00", "CANCELLED"),
        "conf.tut.tutorial-2": ("02 10:00", "CONFIRMED"),
        "conf.tut.tutorial-3": ("02 12:00", "CONFIRMED"),
        "conf.tut.tutorial-4": ("03 08:00", "CONFIRMED"),
    }
    assert {uid: folder.block(f"conf.tut.{uid}") for uid in blocks} == blocks


def test_a_part_moved_where_it_stands_is_moved_without_a_warning(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.write(A, B, C)
    folder.build()
    folder.write(D, B, C, day=2)
    assert [line.split(" ")[:2] for line in folder.changes()] == [["moved:", "tut.tutorial"]]
    assert folder.run("diff")[1] == ""


def test_reordering_the_parts_changes_nothing(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.write(A, B, C)
    folder.build()
    published = (folder.output / "items" / "tut.ics").read_bytes()
    folder.write(C, A, B, day=2)
    assert folder.run("diff")[1] == ""
    assert folder.changes() == []
    folder.build()
    assert (folder.output / "items" / "tut.ics").read_bytes() == published
    folder.write(B, C, A, day=3)
    assert folder.changes() == []


def test_a_kept_part_put_back_is_restored_and_the_part_deleted_cancelled(tmp_path: Path) -> None:
    """A,B,C; then A,B (C kept as cancelled); then B,C: C is restored under its UID, B is as it was
    and A is the one cancelled; no slot is ever both confirmed and cancelled."""
    folder = Folder(tmp_path)
    folder.write(A, B, C)
    folder.build()
    folder.write(A, B, day=2)
    folder.build()
    part_2 = folder.block("conf.tut.tutorial-2")
    folder.write(B, C, day=3)
    assert folder.changes() == [
        'cancelled: tut.tutorial "Tutorial T"',
        'restored: tut.tutorial-3 "Tutorial T"',
    ]
    assert folder.run("diff")[1] == ""
    folder.build()
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 08:00", "CANCELLED"),
        "conf.tut.tutorial-2": ("02 10:00", "CONFIRMED"),
        "conf.tut.tutorial-3": ("02 12:00", "CONFIRMED"),
    }
    assert folder.block("conf.tut.tutorial-2") == part_2


TALK = '\n[[items.talk]]\nstart = 2026-04-02T09:00:00\nend = 2026-04-02T09:45:00\nroom = "c31"\n'


@pytest.mark.parametrize("between", [TALK, ""], ids=["replaced-by-a-talk", "item-deleted"])
def test_a_part_put_back_after_every_part_went_is_restored(tmp_path: Path, between: str) -> None:
    """When no slot of the kind is live, a slot put back at a kept one's time and place is that one."""
    folder = Folder(tmp_path)
    folder.write(A, B)
    folder.build()
    if between:
        folder.write(between, day=2)
    else:
        other = '[[items]]\nid = "other"\ntitle = "Other"\n' + TALK
        folder.events.write_text(
            HEAD.split("[[items]]")[0].replace("03-01", "03-02") + other, encoding="utf-8"
        )
    folder.build()
    folder.write(B, day=3)
    assert folder.changes()[-1] == 'restored: tut.tutorial-2 "Tutorial T"'
    assert not any("tut.tutorial " in line for line in folder.changes())
    assert folder.run("diff")[1] == ""
    folder.build()
    events = folder.events_of()
    assert events["conf.tut.tutorial"] == ("02 08:00", "CANCELLED")
    assert events["conf.tut.tutorial-2"] == ("02 10:00", "CONFIRMED")


def test_a_state_file_without_kept_never_gives_a_cancelled_uid_to_another_slot(tmp_path: Path) -> None:
    """A state file written before ``kept`` was recorded: a cancelled slot is given its UID again
    only at its own time and place, so a slot added elsewhere takes a new number."""
    folder = Folder(tmp_path)
    folder.write(A, B)
    folder.build()
    folder.write(A, day=2)
    folder.build()
    path = folder.output / "confcal-state.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state["events"]["tut.tutorial-2"].pop("kept") is True
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    folder.write(A, D, day=3)
    assert folder.changes() == ['added: tut.tutorial-3 "Tutorial T"']
    assert folder.run("diff")[1] == ""
    folder.build()
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 08:00", "CONFIRMED"),
        "conf.tut.tutorial-2": ("02 10:00", "CANCELLED"),
        "conf.tut.tutorial-3": ("03 08:00", "CONFIRMED"),
    }
    assert json.loads(path.read_text(encoding="utf-8"))["events"]["tut.tutorial-2"]["kept"] is True


def test_the_agenda_shows_the_cancellations_the_feeds_keep(tmp_path: Path) -> None:
    folder = Folder(tmp_path)
    folder.write(A, B, C)
    folder.build()
    folder.write(B, C, day=2)
    folder.build()
    arguments = ["agenda", str(folder.events), "--published", str(folder.output)]
    result = CliRunner().invoke(cli, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [(row[0], row[3]) for row in rows] == [
        ("10:00–10:45", "Cancelled:"),
        ("12:00–12:45", "Tutorial"),
        ("14:00–14:45", "Tutorial"),
    ]


GRID = [(day, hour, room) for day in (2, 3) for hour in (10, 12) for room in ("c31", "darling")]
"""The slots a tutorial part can take: two days, two hours, two rooms."""

Published = dict[str, tuple[datetime, str, str, int]]
"""The item's events of all.ics by UID: start (UTC), location, status, sequence."""


def slot_text(day: int, hour: int, room: str) -> str:
    return part(day, hour).replace('room = "c31"', f'room = "{room}"')


def published_parts(output: Path) -> Published:
    calendar = icalendar.Calendar.from_ical((output / "all.ics").read_bytes())
    return {
        str(event["UID"]): (
            event.decoded("DTSTART").astimezone(UTC),
            str(event.get("LOCATION", "")),
            str(event["STATUS"]),
            int(event.get("SEQUENCE", 0)),
        )
        for event in calendar.walk("VEVENT")
        if ".tut." in str(event["UID"])
    }


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(GRID), unique=True, max_size=4), min_size=2, max_size=5))
def test_any_edits_of_the_parts_keep_every_uid_to_one_slot(
    versions: list[list[tuple[int, int, str]]],
) -> None:
    """Over any sequence of the item's parts (deleted, inserted, moved, reordered, all gone): each
    part is published once, as a confirmed event at its time and place; no time and place is both
    confirmed and cancelled; a UID published cancelled (or removed) is confirmed again only at the
    time and place it had, but for an item that never had more than one part; with
    keep_cancelled no UID ever leaves the feed; and ``diff`` names exactly the events whose
    SEQUENCE the build then raises or that it adds."""
    with tempfile.TemporaryDirectory() as root:
        folder = Folder(Path(root))
        before: Published = {}
        for day, parts in enumerate(versions, start=1):
            # The item's only slot so far, brought back anywhere, is the same event.
            only = all(len(version) <= 1 for version in versions[:day])
            if parts:
                folder.write(*(slot_text(*slot) for slot in parts), day=day)
            else:
                other = '[[items]]\nid = "other"\ntitle = "Other"\n' + TALK
                head = HEAD.split("[[items]]")[0].replace("03-01", f"03-{day:02d}")
                folder.events.write_text(head + other, encoding="utf-8")
            told = {line.split(" ")[1] for line in folder.changes() if ".tutorial" in line}
            folder.build()
            after = published_parts(folder.output)
            confirmed = sorted(
                (start, place) for start, place, status, _ in after.values() if status == "CONFIRMED"
            )
            cancelled = {
                (start, place) for start, place, status, _ in after.values() if status == "CANCELLED"
            }
            wanted = sorted(
                (
                    datetime(2026, 4, d, h - 2, tzinfo=UTC),
                    f"{'C31' if room == 'c31' else 'Darling'}, Main Venue",
                )
                for d, h, room in parts
            )
            assert confirmed == wanted
            assert not cancelled & set(confirmed)
            assert set(before) <= set(after)
            for uid, (start, place, status, sequence) in after.items():
                was = before.get(uid)
                if was is not None and was[2] == "CANCELLED" and status == "CONFIRMED" and not only:
                    assert (start, place) == was[:2], uid
                raised = was is None or sequence > was[3]
                assert raised == (f"tut.{uid.split('.')[2].split('@')[0]}" in told), uid
            before = after


@pytest.mark.parametrize("how", ["cancelled", "removed"])
def test_an_items_only_slot_brought_back_at_another_time_is_the_same_event(tmp_path: Path, how: str) -> None:
    """An item's one slot, cancelled (in the file, or by deleting it) and brought back at another
    time and room: the same UID, confirmed again and moved, its SEQUENCE raised; not a new event
    beside the cancelled one. (A part of an item with several is another matter: which part came
    back cannot be told.)"""
    folder = Folder(tmp_path)
    folder.write(PART_1)
    folder.build()
    if how == "cancelled":
        folder.write(PART_1.replace('room = "c31"', 'room = "c31"\nstatus = "cancelled"'), day=2)
    else:  # the item deleted
        head = HEAD.split("[[items]]")[0].replace("03-01", "03-02")
        folder.events.write_text(head + '[[items]]\nid = "other"\ntitle = "Other"\n' + TALK, encoding="utf-8")
    folder.build()
    assert folder.events_of() == {"conf.tut.tutorial": ("02 11:00", "CANCELLED")}
    folder.write(EXTRA, day=3)
    changes = folder.changes()
    folder.build()
    assert folder.events_of() == {"conf.tut.tutorial": ("03 07:00", "CONFIRMED")}
    assert any("tut.tutorial " in line for line in changes), changes
    assert b"SEQUENCE:2" in folder.block("conf.tut.tutorial@confcal")


def renamed_room(folder: Folder, *slots: str, day: int) -> None:
    """The events file with room c31 renamed (its id kept): an ordinary edit of its display name."""
    folder.write(*slots, day=day)
    text = folder.events.read_text(encoding="utf-8")
    folder.events.write_text(text.replace('name = "C31"', 'name = "C31 Seminar Hall"'), encoding="utf-8")


def test_a_kept_part_put_back_in_its_renamed_room_is_restored(tmp_path: Path) -> None:
    """Part 1 kept as cancelled, its room renamed (the same ``[[rooms]]`` id), part 1 put back at
    its time in that room: it is the published part (restored under its UID, and re-roomed, since
    its LOCATION reads otherwise), not a new event beside the cancelled one."""
    folder = Folder(tmp_path)
    folder.write(PART_1, PART_2)
    folder.build()
    folder.write(PART_2, day=2)
    folder.build()
    renamed_room(folder, PART_2, day=3)
    assert folder.changes() == []
    folder.build()
    renamed_room(folder, PART_1, PART_2, day=4)
    assert folder.changes() == [
        'restored: tut.tutorial "Tutorial T"',
        're-roomed: tut.tutorial "Tutorial T": C31 → C31 Seminar Hall',
    ]
    assert folder.run("diff")[1] == ""
    folder.build()
    assert folder.events_of() == {
        "conf.tut.tutorial": ("02 11:00", "CONFIRMED"),
        "conf.tut.tutorial-2": ("02 13:00", "CONFIRMED"),
    }
    assert b"SEQUENCE:2" in folder.block("conf.tut.tutorial@confcal")
    assert b"LOCATION:C31 Seminar Hall\\, Main Venue" in folder.block("conf.tut.tutorial@confcal")


def test_a_part_put_back_where_its_location_reads_the_same_is_restored(tmp_path: Path) -> None:
    """Its room declared again under another id with the same name: the LOCATION subscribers hold
    reads the same, so part 1 put back is the published part, not a new one beside it."""
    folder = Folder(tmp_path)
    folder.write(PART_1, PART_2)
    folder.build()
    folder.write(PART_2, day=2)
    folder.build()
    folder.write(PART_1, PART_2, day=3)
    text = folder.events.read_text(encoding="utf-8")
    folder.events.write_text(text.replace('"c31"', '"c31-new"'), encoding="utf-8")
    assert folder.changes() == ['restored: tut.tutorial "Tutorial T"']


def test_room_ids_swapped_with_every_slot_in_the_same_room_change_nothing(tmp_path: Path) -> None:
    """Two parts at one time in two rooms, the rooms' ids swapped everywhere: every slot is where
    it was, by name; no part takes the other's UID."""
    beside = PART_1.replace('room = "c31"', 'room = "darling"')
    folder = Folder(tmp_path)
    folder.write(PART_1, beside)
    folder.build()
    folder.write(PART_1, beside, day=2)
    text = folder.events.read_text(encoding="utf-8")
    swapped = text.replace('"c31"', '"swap"').replace('"darling"', '"c31"').replace('"swap"', '"darling"')
    folder.events.write_text(swapped, encoding="utf-8")
    assert folder.changes() == []


def test_a_state_file_without_room_ids_matches_a_part_by_its_place_as_named(tmp_path: Path) -> None:
    """A state file written before room ids were recorded: a part put back in its renamed room is
    at no published place, so it is a new event (the rule before room ids), never a guess."""
    folder = Folder(tmp_path)
    folder.write(PART_1, PART_2)
    folder.build()
    folder.write(PART_2, day=2)
    folder.build()
    path = folder.output / "confcal-state.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    assert {entry.pop("room_id") for entry in state["events"].values()} == {"c31", "darling"}
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    renamed_room(folder, PART_1, PART_2, day=3)
    assert folder.changes() == ['added: tut.tutorial-3 "Tutorial T"']


def test_a_part_cancelled_as_its_room_is_renamed_is_told_once_as_cancelled(tmp_path: Path) -> None:
    """Part 1 cancelled by the build that renames its room: confcal diff, the changelog and the
    part's notice say it is cancelled, and no more (where a cancelled event would have been is
    noise); the other part in the room is told as re-roomed. SEQUENCE rises once, as for any change."""
    folder = Folder(tmp_path)
    folder.write(PART_1, EXTRA.replace('"darling"', '"c31"'))
    folder.build()
    renamed_room(
        folder,
        PART_1.replace('room = "c31"', 'room = "c31"\nstatus = "cancelled"'),
        EXTRA.replace('"darling"', '"c31"'),
        day=2,
    )
    assert folder.changes() == [
        'cancelled: tut.tutorial "Tutorial T"',
        're-roomed: tut.tutorial-2 "Tutorial T": C31 → C31 Seminar Hall',
    ]
    folder.build()
    page = (folder.output / "changes.html").read_text(encoding="utf-8")
    items = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", page, re.DOTALL)]
    lines = [re.sub(r"<[^>]+>", "", item) for item in items]
    assert lines == [
        "Cancelled: Tutorial: Tutorial T (part 1) (was Thu 2 Apr 2026, 13:00–14:30 CEST).",
        "Place changed: Tutorial: Tutorial T (part 2), from C31 to C31 Seminar Hall.",
    ]
    block = folder.block("conf.tut.tutorial@confcal").decode().replace("\r\n ", "")
    assert "DESCRIPTION:Cancelled on Mon 2 Mar 2026." in block
    assert "Place changed" not in block
    assert "SEQUENCE:1" in block
