"""``confcal build``'s work: skip a build whose result is already in the folder (``uptodate.py``),
else build (``build.py``) and, when that build wrote nothing, record it so the next one can skip.
And the one rule about stamps a build keeps to publish (``stale_stamp``): changes go out under a
stamp later than every one already published; ``build`` refuses the others, the previews warn.

The pipeline is imported only when a build runs: a skipped build costs reading and hashing the
events file and the output files (tests/test_uptodate.py shows it never imports ``confcal.build``).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from confcal.errors import EventsFileError, Problem, StampError
from confcal.settings import BuildOptions

if TYPE_CHECKING:
    from confcal.build import Built
    from confcal.revisions import Revised


@dataclass(frozen=True)
class Published:
    """What a build (or a skipped one) says: its warnings, and how many files it wrote, left
    as they were, and removed."""

    warnings: tuple[str, ...]
    written: int
    unchanged: int
    removed: int = 0


def publish(events: Path, output: Path, options: BuildOptions) -> Published:
    """Build ``output`` from ``events`` (``build.build``); with ``options.cache_folder``, skip a
    build whose files are all already there as it would write them."""
    check = None
    if options.cache_folder is not None:
        from confcal.uptodate import Check

        check = Check.of(
            events=events, output=output, cache_folder=options.cache_folder, options=options.fingerprint()
        )
        if (done := check.skip()) is not None:
            return Published(warnings=done.warnings, written=0, unchanged=len(done.files))
    import gc

    from confcal.build import build

    def record(built: Built) -> None:
        """The build wrote nothing: record its folder, read while the build still holds its lock."""
        assert check is not None
        check.remember(files=built.report.unchanged, warnings=built.lasting_warnings)

    # The loaded programme and what is rendered from it live until the build ends, and hold no
    # cycles to collect: the collector's full passes over them grew with the programme's size
    # (about 15% of the CPU time of a 10x build), so it waits for the end of the build.
    gc.disable()
    try:
        built = build(events, output, options, unchanged=record if check is not None else None)
    finally:
        gc.enable()
    report = built.report
    return Published(
        warnings=built.warnings,
        written=len(report.written),
        unchanged=len(report.unchanged),
        removed=len(report.removed),
    )


def summary(output: Path, published: Published) -> str:
    """'output: 2 written, 16 unchanged (18 files)', with ', 1 removed' when a build deleted any."""
    written, unchanged = published.written, published.unchanged
    gone = f", {published.removed} removed" if published.removed else ""
    return f"{output}: {written} written, {unchanged} unchanged{gone} ({written + unchanged} files)"


def stale_stamp(
    revised: Revised, *, events: Path, output: Path, options: BuildOptions
) -> EventsFileError | StampError | None:
    """Why ``confcal build`` of ``events`` into ``output`` refuses to publish ``revised``; None
    when it may. It refuses changes under a stamp not later than one already published: an edited
    event would keep the DTSTAMP and LAST-MODIFIED calendar apps have (a moved one, its old
    LAST-MODIFIED; a cancelled one, "Cancelled on" the old date), and the changes would join the
    release of that stamp, whose changes.atom entry keeps the id and ``updated`` feed readers
    have shown. A build that changes nothing, a first build too, may have any stamp.

    The error names where the stamp comes from: the events file's line of publish.updated
    (EventsFileError), or SOURCE_DATE_EPOCH (StampError)."""
    latest = revised.latest_stamp
    if not revised.stale_stamp or latest is None:
        return None
    stamp = revised.programme.conference.updated
    count = len({change.id for change in revised.changes})
    changed, them = ("1 event", "it") if count == 1 else (f"{count} events", "them")
    diff = shlex.join(["confcal", "diff", str(events), "--published", str(output)])
    why = (
        f"is not later than {_as_toml(latest)}, the latest stamp already published in {output}, and "
        f"the build would change {changed} (`{diff}` lists {them}): published under that stamp, calendar "
        "apps and changes.atom readers may miss the change"
    )
    if latest > datetime.now(UTC):  # a stamp in the future: older imports wrote the first day
        when = "a time later than {}, which is in the future (no edit is later than it yet)"
    else:
        when = "the time of this edit, later than {}"
    if options.stamp is not None:
        seconds = int(stamp.timestamp())
        return StampError(
            f"SOURCE_DATE_EPOCH: {seconds} ({_as_toml(stamp)}) {why}; set SOURCE_DATE_EPOCH to "
            + when.format(int(latest.timestamp()))
        )
    fix = "raise publish.updated to " + when.format(_as_toml(latest))
    from confcal.load.locate import line_in_file  # only a refused build asks

    line = line_in_file(events, "publish.updated")
    return EventsFileError([Problem(str(events), "publish.updated", f"{_as_toml(stamp)} {why}; {fix}", line)])


def refused_warning(error: EventsFileError | StampError) -> str:
    """What a preview (``confcal diff``, ``serve``, ``export``) prints for ``stale_stamp``'s error."""
    what = error.problems[0] if isinstance(error, EventsFileError) else error
    return f"warning: confcal build will refuse to publish this: {what}"


def _as_toml(stamp: datetime) -> str:
    """``stamp`` as publish.updated is written: 2023-12-11T00:00:00Z."""
    return stamp.isoformat().replace("+00:00", "Z")
