"""What the next build would change for subscribers, without writing anything; and its report
as text or JSON (``confcal diff``), as ``check.py`` formats ``confcal check``'s."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from confcal.build import preview
from confcal.feeds import stranded
from confcal.releases import Change
from confcal.settings import DEFAULTS, BuildOptions
from confcal.state import STATE_FILE, lost

NO_STATE = (
    "warning: no published state ({state}): every event is listed as added, as for a first build; "
    "if the feeds were published, give their folder with --published"
)
LOST = (
    "warning: {output} holds published feeds but not their state ({state}): every event is listed "
    "as added, and `confcal build` refuses the folder until you restore the state file (from version "
    "control or a backup), or add --force to start every SEQUENCE again from 0"
)


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    files: tuple[str, ...]
    """Files (relative to the output folder) whose bytes the next build would write."""
    removed: tuple[str, ...] = ()
    """Files the next build would delete (a removed paper's calendar, a removed category's feed)."""
    warnings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes and not self.files and not self.removed


def diff(events: Path, output: Path, options: BuildOptions = DEFAULTS) -> Diff:
    """Compare what ``confcal build`` would write with what ``output`` holds now, the published
    reminders variant included. Holds the folder's lock (shared) while it reads."""
    planned = preview(events, output, options)
    state = output / STATE_FILE
    warnings = (*planned.revised.warnings, *stranded(planned.removed, planned.revised.programme))
    if planned.refused:
        warnings = (*warnings, planned.refused)
    if not state.is_file():
        warnings = ((LOST if lost(output) else NO_STATE).format(state=state, output=output), *warnings)
    return Diff(
        changes=planned.revised.changes,
        files=planned.changed,
        removed=planned.removed,
        warnings=warnings,
    )


def report_text(output: Path, result: Diff) -> str:
    """One line per change, then the files that would be written and removed."""
    if result.empty:
        return f"{output}: nothing to publish"
    lines = [str(change) for change in result.changes]
    if result.files:
        lines.append(f"{output}: {_count(result.files)} would be written: {', '.join(result.files)}")
    if result.removed:
        lines.append(f"{output}: {_count(result.removed)} would be removed: {', '.join(result.removed)}")
    return "\n".join(lines)


def report_json(output: Path, result: Diff) -> str:
    document = {
        "changes": [change.as_json() for change in result.changes],
        "files": list(result.files),
        "removed": list(result.removed),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def exit_code(result: Diff) -> int:
    """0: nothing to publish; 1: something to publish (2, bad input, is the CLI's)."""
    return 0 if result.empty else 1


def _count(files: tuple[str, ...]) -> str:
    return "1 file" if len(files) == 1 else f"{len(files)} files"
