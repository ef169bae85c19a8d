"""What the next build would change for subscribers, without writing anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from confcal.build import prepare, reminder_lead, removable, render_plan
from confcal.lock import hold
from confcal.releases import Change
from confcal.revisions import revise_published
from confcal.state import STATE_FILE, read_state
from confcal.write import changed_files, stale_files


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    files: tuple[str, ...]
    """Files (relative to the output folder) whose bytes the next build would write."""
    stale_stamp: bool
    removed: tuple[str, ...] = ()
    """Files the next build would delete (a removed paper's calendar, a removed category's feed)."""

    @property
    def empty(self) -> bool:
        return not self.changes and not self.files and not self.removed


def diff(events: Path, output: Path, *, stamp: datetime | None = None, keep_cancelled: bool = False) -> Diff:
    """Compare what ``confcal build`` would write with what ``output`` holds now, the published
    reminders variant included. Holds the folder's lock (shared) while it reads."""
    programme = prepare(events, stamp=stamp, keep_cancelled=keep_cancelled)
    with hold(output, exclusive=False):
        previous = read_state(output)
        state_name = str(output / STATE_FILE)
        revised = revise_published(programme, previous, state_name=state_name)
        files = render_plan(revised, alarm=reminder_lead(previous, alarm=None, drop_alarm=False))
        written, _ = changed_files(output, files)
        removed = stale_files(output, files, removable=removable(output, previous))
    return Diff(
        changes=revised.changes, files=tuple(written), stale_stamp=revised.stale_stamp, removed=removed
    )
