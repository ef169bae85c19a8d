"""What the next build would change for subscribers, without writing anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from confcal.build import owned, prepare, read_state, render_plan
from confcal.releases import Change
from confcal.revisions import revise
from confcal.write import safe_target, stale_files


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    files: tuple[str, ...]
    """Files (relative to the output folder) whose bytes the next build would write."""
    stale_stamp: bool
    removed: tuple[str, ...] = ()
    """Calendars the next build would delete (a removed paper's file, a removed category's feed)."""

    @property
    def empty(self) -> bool:
        return not self.changes and not self.files and not self.removed


def diff(events: Path, output: Path, *, stamp: datetime | None = None, keep_cancelled: bool = False) -> Diff:
    """Compare what ``confcal build`` would write with what ``output`` holds now."""
    programme = prepare(events, stamp=stamp, keep_cancelled=keep_cancelled)
    revised = revise(programme, read_state(output))
    files = render_plan(revised)
    return Diff(
        changes=revised.changes,
        files=tuple(path for path in sorted(files) if not _holds(safe_target(output, path), files[path])),
        stale_stamp=revised.stale_stamp,
        removed=stale_files(output, files, prune=owned(alarm=None)),
    )


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.read_bytes() == data
    except FileNotFoundError:
        return False
