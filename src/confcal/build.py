"""The pipeline: load → revise → select → render → write."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from confcal.feeds import feeds
from confcal.load import load
from confcal.model import Programme
from confcal.render import render_feeds
from confcal.revisions import STATE_FILE, Revised, State, dump_state, parse_state, revise
from confcal.write import WriteReport, write_files


def with_stamp(programme: Programme, stamp: datetime | None) -> Programme:
    """The programme with DTSTAMP taken from ``stamp`` (SOURCE_DATE_EPOCH) instead of the file."""
    if stamp is None:
        return programme
    conference = dataclasses.replace(programme.conference, updated=stamp)
    return dataclasses.replace(programme, conference=conference)


def prepare(events: Path, *, stamp: datetime | None = None, keep_cancelled: bool = False) -> Programme:
    """Load ``events``; ``stamp`` and ``keep_cancelled`` (command-line options) override the file."""
    programme = with_stamp(load(events), stamp)
    if keep_cancelled:
        conference = dataclasses.replace(programme.conference, keep_cancelled=True)
        programme = dataclasses.replace(programme, conference=conference)
    return programme


def read_state(output: Path) -> State:
    """The published state beside the feeds; none (a first build) when the file is missing."""
    try:
        raw = (output / STATE_FILE).read_bytes()
    except FileNotFoundError:
        return {}
    return parse_state(raw, name=str(output / STATE_FILE))


def render_plan(revised: Revised) -> dict[str, bytes]:
    """Every file of a revised programme: the feeds and the new state."""
    files = render_feeds(revised.programme, feeds(revised.programme), revised.revisions)
    files[STATE_FILE] = dump_state(revised.state)
    return files


def plan(programme: Programme, *, previous: State | None = None) -> dict[str, bytes]:
    """Every file a build writes: path relative to the output folder → bytes."""
    return render_plan(revise(programme, previous or {}))


def publish(
    events: Path, output: Path, *, stamp: datetime | None = None, keep_cancelled: bool = False
) -> tuple[WriteReport, Revised]:
    """Build ``output`` from ``events`` and say what changed. Raises EventsFileError before writing."""
    programme = prepare(events, stamp=stamp, keep_cancelled=keep_cancelled)
    revised = revise(programme, read_state(output))
    return write_files(output, render_plan(revised)), revised


def build(
    events: Path, output: Path, *, stamp: datetime | None = None, keep_cancelled: bool = False
) -> WriteReport:
    """Build ``output`` from ``events``. Raises EventsFileError before writing anything."""
    return publish(events, output, stamp=stamp, keep_cancelled=keep_cancelled)[0]
