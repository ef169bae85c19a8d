"""An item with several slots of one kind (a two-part tutorial): deleting or inserting one keeps
the others' UIDs, since a slot at a published slot's time and place takes that slot's number."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from tests.helpers import parse_events

HEAD = """\
[conference]
id = "conf"
name = "Conf"
start = 2026-04-01
end = 2026-04-05
venue = "Main Venue"
city = "Berlin"
timezone = "Europe/Berlin"

[publish]
updated = 2026-03-01T00:00:00Z
keep_cancelled = true

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
