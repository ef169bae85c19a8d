"""The pipeline: load → select → render → write."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

from confcal.feeds import feeds
from confcal.load import load
from confcal.model import Programme
from confcal.render import render_events, render_feeds
from confcal.write import WriteReport, write_files


def with_stamp(programme: Programme, stamp: datetime | None) -> Programme:
    """The programme with DTSTAMP taken from ``stamp`` (SOURCE_DATE_EPOCH) instead of the file."""
    if stamp is None:
        return programme
    conference = dataclasses.replace(programme.conference, updated=stamp)
    return dataclasses.replace(programme, conference=conference)


def plan(programme: Programme, *, alarm: timedelta | None = None) -> dict[str, bytes]:
    """Every file a build writes: path relative to the output folder → bytes.

    With ``alarm``, also the reminders variant of every feed under ``reminders/``.
    """
    every_feed = feeds(programme)
    blocks = render_events(programme)
    files = render_feeds(programme, every_feed, blocks=blocks)
    if alarm is not None:
        from confcal.reminders import reminder_feeds

        files.update(reminder_feeds(programme, every_feed, blocks=blocks, before=alarm))
    return files


def build(
    events: Path, output: Path, *, stamp: datetime | None = None, alarm: timedelta | None = None
) -> WriteReport:
    """Build ``output`` from ``events``. Raises EventsFileError before writing anything."""
    programme = with_stamp(load(events), stamp)
    return write_files(output, plan(programme, alarm=alarm))
